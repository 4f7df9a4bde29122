#!/usr/bin/env bash
# npm test: type-check, lint, contract checks, then every test tier in one run: unit, integration (real servers) and
# e2e (the launched platform); `npm run test:unit` and its siblings run one tier.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source tools/scripts/bootstrap.sh
export NX_DAEMON=false NX_NO_CLOUD=true

# The static checks are single-threaded: two groups side by side use both cores. Each prints when it is done.
mkdir -p .tmp
rm -rf .tmp/e2e-logs # a failed e2e spec keeps its platform logs there (apps/platform-e2e/src/support/kept-logs.ts)
types_and_format() {
  echo "== type-check"
  npx --no-install tsc -p tsconfig.json --noEmit
  # The console is browser code (DOM, JSX, bundler resolution): its own compiler options.
  npx --no-install tsc -p apps/console/tsconfig.json --noEmit
  # The console's browser specs: page.evaluate() callbacks name the DOM as well.
  npx --no-install tsc -p apps/platform-e2e/src/console/tsconfig.json --noEmit
  echo "== format (prettier)"
  npx --no-install prettier --check --log-level=warn . || { echo "run: npx prettier --write ." >&2; return 1; }
}
lint_and_contracts() {
  echo "== lint"
  npx --no-install nx show projects >/dev/null # computes the project graph the boundary rule reads
  npx --no-install eslint --max-warnings=0 .
  echo "== buf lint"
  npx --no-install buf lint
  echo "== gRPC reference (docs/grpc-reference.md current with proto/)"
  node -r @swc-node/register tools/grpc-reference/main.ts --check
  echo "== buf breaking (against main)"
  if git rev-parse --verify -q main >/dev/null && git ls-tree -d main proto >/dev/null 2>&1 && [ -n "$(git ls-tree main proto)" ]; then
    npx --no-install buf breaking --against '.git#branch=main'
  else
    echo "no proto/ on main yet: nothing to compare"
  fi
}
(set -e; types_and_format) >.tmp/check-types.log 2>&1 &
types=$!
(set -e; lint_and_contracts) >.tmp/check-lint.log 2>&1 &
lint=$!
checks=0
wait $types || checks=1
cat .tmp/check-types.log
wait $lint || checks=1
cat .tmp/check-lint.log
[ $checks = 0 ] || { echo "static checks failed (above)" >&2; exit 1; }
echo "== tests (unit, integration, e2e)"
status=0
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@" || status=$?
# The error lines of the platforms that failed e2e specs kept, again after the report, where a log cut to its tail
# still shows them.
kept=$(cat .tmp/e2e-logs/*/errors.txt 2>/dev/null | tail -n 20 | cut -c1-400 || true)
[ -z "$kept" ] || printf '== error lines of the platforms kept for failed e2e specs (.tmp/e2e-logs)\n%s\n' "$kept"
node tools/scripts/test-summary.js .tmp/vitest.json
exit $status

#!/usr/bin/env bash
# npm test: type-check, lint, contract checks, then every test tier in one run: unit, integration (real servers) and
# e2e (the launched platform); `npm run test:unit` and its siblings run one tier.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source tools/scripts/bootstrap.sh
export NX_DAEMON=false NX_NO_CLOUD=true

echo "== type-check"
npx --no-install tsc -p tsconfig.json --noEmit
echo "== format (prettier)"
npx --no-install prettier --check --log-level=warn . || { echo "run: npx prettier --write ." >&2; exit 1; }
echo "== lint"
npx --no-install nx show projects >/dev/null  # computes the project graph the boundary rule reads
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
echo "== tests (unit, integration, e2e)"
mkdir -p .tmp
status=0
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json "$@" || status=$?
node tools/scripts/test-summary.js .tmp/vitest.json
exit $status

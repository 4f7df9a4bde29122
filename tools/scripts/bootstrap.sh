#!/usr/bin/env bash
# Shared by `npm start` and `npm test`: makes a fresh clone runnable with nothing installed by hand.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Node.js >= 20.19 is required, found "+process.version); process.exit(1) }'

# npm ci is not used: this registry lacks some other-platform optional binaries, which npm ci treats as a lockfile mismatch.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[bootstrap] installing dependencies…"
  # The Carbon and IBM Plex packages' postinstall runs IBM's telemetry collector, which in CI reads the git remote
  # and sends usage data to www-api.ibm.com, and leaves a world-readable log of the whole environment in /tmp.
  IBM_TELEMETRY_DISABLED=true npm install --no-audit --no-fund --loglevel=error
fi

gen=libs/contracts/src/gen
if [ ! -d "$gen" ] || [ -n "$(find proto buf.gen.yaml -newer "$gen" -print -quit 2>/dev/null)" ]; then
  echo "[bootstrap] generating gRPC contracts…"
  rm -rf "$gen"
  npx --no-install buf generate
  touch "$gen"
fi

# Debian packages the embedded default runs (installed with apt when running as root).
missing=()
command -v nats-server >/dev/null || missing+=(nats-server)
command -v git >/dev/null || missing+=(git) # the taxonomy service fetches knowledge documents with it
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
# The agents service's code_interpreter runs Python 3 under bubblewrap (apps/agents/src/tools/sandbox).
[ -x /usr/bin/bwrap ] || missing+=(bubblewrap)
[ -x /usr/bin/python3 ] || missing+=(python3)
# OCR of images and scanned PDF pages (libs/extraction): tesseract with English data, pages rendered by poppler's pdftoppm.
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata >/dev/null 2>&1 || missing+=(tesseract-ocr-eng)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
# The web console's browser tests drive Debian's Chromium with playwright-core (apps/platform-e2e/src/console).
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "[bootstrap] installing ${missing[*]} with apt…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "[bootstrap] please install: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

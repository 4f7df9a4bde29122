#!/usr/bin/env bash
# npm start: the whole platform on the embedded default.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source tools/scripts/bootstrap.sh
exec node -r @swc-node/register tools/launcher/main.ts

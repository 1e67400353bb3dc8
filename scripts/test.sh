#!/usr/bin/env bash
# The README's test command: set up (idempotent), type-check, then run every test once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pnpm exec tsc -p tsconfig.json --noEmit
pnpm exec vitest run "$@"

#!/usr/bin/env bash
# The whole test suite: setup (idempotent), static checks, then every vitest project.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json --noEmit
npx eslint --quiet .
npx vitest run "$@"

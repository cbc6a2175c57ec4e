#!/usr/bin/env bash
# One-time (idempotent) setup on Debian 12 as root: packages, node modules, TypeScript build,
# native build, the log daemons, and `snappy-debug` on PATH. Quiet when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing node modules"
  # Not `npm ci`: npm 11 leaves other platforms' optional packages (rollup's) out of the lock
  # file and then refuses it as out of sync. `install --no-save` follows the lock, writes nothing.
  npm install --no-save --silent --no-fund --no-audit >/dev/null
fi

npm run -s build
npm run -s build:native

bash scripts/daemons.sh start

if [ "$(readlink -f /usr/local/bin/snappy-debug 2>/dev/null)" != "$PWD/dist/src/main.js" ]; then
  ln -sfn "$PWD/dist/src/main.js" /usr/local/bin/snappy-debug
  echo "setup: linked /usr/local/bin/snappy-debug"
fi

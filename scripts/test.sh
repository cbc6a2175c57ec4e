#!/usr/bin/env bash
# The whole test suite: setup (idempotent), static checks, then every vitest project.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json --noEmit
npx eslint --quiet .
# One group of projects at a time: the system and terminal tests share the kernel log, the printk
# limit and the log daemons, and the kernel-timing tests need the CPU the pure tests would take.
rm -f dist/vitest-results*.json
status=0
for group in "unit conformance" system tui; do
  projects=()
  for name in $group; do projects+=(--project "$name"); done
  npx vitest run "${projects[@]}" --passWithNoTests --reporter=default --reporter=json \
    --outputFile="dist/vitest-results-${group%% *}.json" "$@" || status=$?
done
# One plain closing line, whatever reads this log.
node -e '
  const fs = require("fs");
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const file of process.argv.slice(1).filter((f) => fs.existsSync(f))) {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
' dist/vitest-results-unit.json dist/vitest-results-system.json dist/vitest-results-tui.json
exit "$status"

#!/usr/bin/env bash
# The whole test suite: set up, the cold set-up check, static checks (types, ESLint, Prettier,
# actionlint), the dist/ check, unit, integration and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/check-cold-setup.sh
npm run typecheck
npm run lint
./scripts/check-workflows.sh
npm run check:dist
# Plain text (no colour codes), so the summary reads the same in any log. Vitest's JSON report
# gives the counts for one plain closing line, "N passed, N failed", that any log reader
# understands; vitest's own exit code is kept. Nothing printed before it should look like another
# runner's closing line (a line starting "ok" reads as go test's), so the scripts above avoid that.
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
NO_COLOR=1 npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$report" || echo "no report from vitest (exit $status)"
exit "$status"

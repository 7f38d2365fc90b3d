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
# Plain text (no colour codes), so the summary reads the same in any log.
NO_COLOR=1 npx vitest run "$@"

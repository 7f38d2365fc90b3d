#!/usr/bin/env bash
# Lints the repository's workflows and the example workflows with actionlint (installed from the
# Go module proxy when missing). The self-test workflow uses the action as `./`, so actionlint
# also checks action.yml and the inputs each step passes.
set -euo pipefail
cd "$(dirname "$0")/.."
ACTIONLINT_VERSION=${ACTIONLINT_VERSION:-v1.7.12}
bin=$(go env GOPATH)/bin/actionlint
if [ ! -x "$bin" ] || ! "$bin" -version | grep -q "${ACTIONLINT_VERSION#v}"; then
  echo "check-workflows: installing actionlint $ACTIONLINT_VERSION" >&2
  (cd / && GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION")
fi
"$bin" -no-color .github/workflows/*.yml examples/workflows/*.yml
echo "check-workflows: actionlint found no problem in $(ls .github/workflows/*.yml examples/workflows/*.yml | wc -l) workflows" >&2

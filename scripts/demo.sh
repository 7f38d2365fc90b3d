#!/usr/bin/env bash
# The main job: set up, bring up a local cluster and show its API answering.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
kubeconfig=$(node dist/index.js up --name "${FRANKENETES_CLUSTER:-demo}")
KUBECTL=${FRANKENETES_KUBECTL:-${XDG_CACHE_HOME:-$HOME/.cache}/frankenetes/build/bin/kubectl}
echo "\$ kubectl get --raw /readyz"
KUBECONFIG=$kubeconfig "$KUBECTL" get --raw /readyz
echo
KUBECONFIG=$kubeconfig "$KUBECTL" version
echo "Cluster is up. Use it with: export KUBECONFIG=$kubeconfig"
echo "Remove it with: node dist/index.js down --name ${FRANKENETES_CLUSTER:-demo}"

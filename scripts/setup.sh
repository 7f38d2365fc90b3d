#!/usr/bin/env bash
# Everything a fresh clone needs on this machine kind (Debian 12, root): npm packages, a
# Docker-compatible engine (Podman when no Docker daemon runs) and the locally built images.
# Idempotent: a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
socket=$(./scripts/setup-engine.sh | tail -n 1)
export FRANKENETES_ENGINE_SOCKET=$socket
./scripts/build-images.sh
echo "setup: ready (engine at $socket)" >&2

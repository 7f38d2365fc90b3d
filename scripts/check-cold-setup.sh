#!/usr/bin/env bash
# The cold path, tested: runs the set-up steps as a fresh machine would, against an empty build
# cache and an empty image store, then checks every image is there and works, and that a second
# run reuses the cache. A fresh machine once failed where CI passed, because CI's cache was warm.
#
# Nothing of the real set-up is touched: the build cache is a throwaway folder and the images go to
# a throwaway Podman store (CONTAINERS_STORAGE_CONF). Kubernetes is not rebuilt from scratch: Go's
# own build cache stays warm, so the binaries are only linked again (a minute or two, not 15).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "check-cold-setup: $*" >&2; }
fail() {
  log "FAIL: $*"
  exit 1
}

K8S_VERSION=${K8S_VERSION:-1.37.2}
ETCD_VERSION=${ETCD_VERSION:-3.6.16}
work=$(mktemp -d /tmp/frankenetes-cold-setup.XXXXXX)
cleanup() {
  # vfs layers are plain directories: no mounts to undo.
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$work/images"
runroot = "$work/run"
CONF
export CONTAINERS_STORAGE_CONF=$work/storage.conf
export FRANKENETES_BUILD_CACHE=$work/build
export K8S_VERSION ETCD_VERSION

[ -z "$(podman images -q)" ] || fail "the throwaway image store is not empty"
log "set-up with an empty build cache ($FRANKENETES_BUILD_CACHE) and an empty image store"
started=$(date +%s)
./scripts/setup.sh >"$work/setup.log" 2>&1 || {
  tail -n 20 "$work/setup.log" >&2
  fail "set-up failed from an empty cache (log above)"
}
log "cold set-up took $(($(date +%s) - started)) s"
for step in "building etcd" "building Kubernetes" "packaging localhost/frankenetes/kubectl"; do
  grep -q "build-images: $step" "$work/setup.log" || fail "the cold set-up did not run '$step'"
done

images=(
  "registry.k8s.io/kube-apiserver:v$K8S_VERSION"
  "registry.k8s.io/kube-controller-manager:v$K8S_VERSION"
  "registry.k8s.io/kube-scheduler:v$K8S_VERSION"
  "registry.k8s.io/etcd:$ETCD_VERSION-0"
  localhost/frankenetes/pause:1
  localhost/frankenetes/testweb:1
  "localhost/frankenetes/kubectl:v$K8S_VERSION"
  localhost/frankenetes/agent:0.1.0
)
for image in "${images[@]}"; do
  podman image exists "$image" || fail "image $image was not built"
done

# Each packaged binary runs and says the version it was stamped with.
run() { podman run --rm --network=none "$@" 2>&1; }
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  out=$(run --entrypoint "/usr/local/bin/$c" "registry.k8s.io/$c:v$K8S_VERSION" --version)
  [[ $out == *"v$K8S_VERSION"* ]] || fail "$c --version said: $out"
done
out=$(run "localhost/frankenetes/kubectl:v$K8S_VERSION" /bin/kubectl version --client)
[[ $out == *"v$K8S_VERSION"* ]] || fail "kubectl in its image said: $out"
out=$(run --entrypoint /usr/local/bin/etcd "registry.k8s.io/etcd:$ETCD_VERSION-0" --version)
[[ $out == *"$ETCD_VERSION"* ]] || fail "etcd --version said: $out"
out=$("$FRANKENETES_BUILD_CACHE/bin/kubectl" version --client 2>&1)
[[ $out == *"v$K8S_VERSION"* ]] || fail "host kubectl said: $out"

# The cache is kept: a second run builds and packages nothing.
./scripts/setup.sh >"$work/again.log" 2>&1 || {
  tail -n 20 "$work/again.log" >&2
  fail "the second set-up failed"
}
if grep -E 'build-images: (building|packaging)' "$work/again.log" >&2; then
  fail "the second set-up rebuilt something (lines above)"
fi
log "${#images[@]} images built from an empty cache, and a second run reused it"

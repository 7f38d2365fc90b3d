#!/usr/bin/env bash
# Builds the images a local cluster needs when no registry is reachable (DESIGN §6):
#   registry.k8s.io/kube-{apiserver,controller-manager,scheduler}:v$K8S_VERSION and
#   registry.k8s.io/etcd:$ETCD_VERSION-0 from the real upstream Go modules, static, FROM scratch,
#   at the official images' paths; plus kubectl for the host (tests, README).
# Cached: binaries under $CACHE_DIR, images in the engine; a second run takes seconds.
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-1.37.2}
ETCD_VERSION=${ETCD_VERSION:-3.6.16}
CACHE_DIR=${FRANKENETES_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/frankenetes/build}
ENGINE=${FRANKENETES_ENGINE_CLI:-podman}
K8S_BIN="$CACHE_DIR/kubernetes-v$K8S_VERSION"
ETCD_BIN="$CACHE_DIR/etcd-v$ETCD_VERSION"
export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=${GOTOOLCHAIN:-local}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
log() { echo "build-images: $*" >&2; }

build_kubernetes() {
  [ -x "$K8S_BIN/kube-apiserver" ] && [ -x "$K8S_BIN/kubectl" ] && return 0
  local work="$CACHE_DIR/wrapper-kubernetes-v$K8S_VERSION" minor=${K8S_VERSION#*.}
  minor=${minor%%.*}
  log "building Kubernetes v$K8S_VERSION from Go modules (cold: 10-20 min)"
  mkdir -p "$work" "$K8S_BIN.tmp"
  cd "$work"
  # k8s.io/kubernetes replaces its staging modules with local paths; pin each to its published tag.
  local mod
  mod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
  {
    echo "module frankenetes.local/kubernetes-build"
    echo "go 1.26.0"
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#replace \1 => \1 v0.'"${K8S_VERSION#*.}"'#p' "$mod"
  } > go.mod
  local pkg=k8s.io/component-base/version cg=k8s.io/client-go/pkg/version date
  date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local ldflags="-s -w"
  for p in $pkg $cg; do
    ldflags+=" -X $p.gitVersion=v$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=$date"
  done
  go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldflags" -o "$K8S_BIN.tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  rm -rf "$K8S_BIN" && mv "$K8S_BIN.tmp" "$K8S_BIN"
}

build_etcd() {
  [ -x "$ETCD_BIN/etcd" ] && return 0
  local work="$CACHE_DIR/wrapper-etcd-v$ETCD_VERSION"
  log "building etcd v$ETCD_VERSION from Go modules"
  mkdir -p "$work" "$ETCD_BIN.tmp"
  cd "$work"
  cat > go.mod <<MOD
module frankenetes.local/etcd-build
go 1.26.0
require (
	go.etcd.io/etcd/server/v3 v$ETCD_VERSION
	go.etcd.io/etcd/etcdctl/v3 v$ETCD_VERSION
	go.etcd.io/etcd/etcdutl/v3 v$ETCD_VERSION
)
MOD
  go build -trimpath -ldflags "-s -w" -o "$ETCD_BIN.tmp/" \
    go.etcd.io/etcd/server/v3 go.etcd.io/etcd/etcdctl/v3 go.etcd.io/etcd/etcdutl/v3
  mv "$ETCD_BIN.tmp/v3" "$ETCD_BIN.tmp/etcd" 2>/dev/null || true
  [ -x "$ETCD_BIN.tmp/server" ] && mv "$ETCD_BIN.tmp/server" "$ETCD_BIN.tmp/etcd"
  rm -rf "$ETCD_BIN" && mv "$ETCD_BIN.tmp" "$ETCD_BIN"
}

# image NAME DIR FILES...: a FROM scratch image holding FILES (from DIR) in /usr/local/bin.
image() {
  local name=$1 dir=$2
  shift 2
  if "$ENGINE" image exists "$name" 2>/dev/null; then return 0; fi
  log "packaging $name"
  local ctx
  ctx=$(mktemp -d)
  mkdir -p "$ctx/usr/local/bin" "$ctx/tmp" "$ctx/var/lib/etcd" "$ctx/var/log"
  for f in "$@"; do
    [ -x "$dir/$f" ] || { log "cannot package $name: $dir/$f was not built"; rm -rf "$ctx"; exit 1; }
    cp "$dir/$f" "$ctx/usr/local/bin/"
  done
  printf 'FROM scratch\nCOPY . /\nENV PATH=/usr/local/bin:/usr/bin:/bin\n' > "$ctx.Containerfile"
  "$ENGINE" build --network=none -q -t "$name" -f "$ctx.Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx" "$ctx.Containerfile"
}

# busybox_image NAME CMD...: busybox (Debian's busybox-static) with all its applets, FROM scratch.
busybox_image() {
  local name=$1 extra=
  shift
  if [ "$1" = --with ]; then extra=$2; shift 2; fi
  if "$ENGINE" image exists "$name" 2>/dev/null; then return 0; fi
  log "packaging $name"
  local ctx cmd
  ctx=$(mktemp -d)
  mkdir -p "$ctx/bin" "$ctx/tmp" "$ctx/www" "$ctx/etc"
  chmod 1777 "$ctx/tmp"
  cp /bin/busybox "$ctx/bin/busybox"
  if [ -n "$extra" ]; then
    [ -x "$extra" ] || { log "cannot package $name: $extra was not built"; rm -rf "$ctx"; exit 1; }
    cp "$extra" "$ctx/bin/"
  fi
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$ctx/bin/$applet"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$ctx/etc/passwd"
  echo 'root:x:0:' > "$ctx/etc/group"
  echo '<h1>frankenetes testweb</h1>' > "$ctx/www/index.html"
  cmd=$(printf '"%s",' "$@")
  printf 'FROM scratch\nCOPY . /\nENV PATH=/bin\nCMD [%s]\n' "${cmd%,}" > "$ctx.Containerfile"
  "$ENGINE" build --network=none -q -t "$name" -f "$ctx.Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx" "$ctx.Containerfile"
}

# The agent: this repository's dist/ bundle and the host's Node.js runtime (with the shared
# libraries it links), FROM scratch, plus a static busybox as /bin/sh and stty: ACI's exec runs
# /bin/sh (see aci-exec.ts), as the published image (node:24-slim) has it. Rebuilt whenever dist/
# or this recipe changes.
agent_image() {
  local version name hash ctx
  version=$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")
  name="localhost/frankenetes/agent:$version"
  hash=$( (cd "$ROOT/dist" && find . -type f -print0 | sort -z | xargs -0 sha256sum; echo "recipe: busybox sh") | sha256sum | cut -c1-16)
  if [ "$("$ENGINE" image inspect "$name" --format '{{index .Labels "frankenetes.dist"}}' 2>/dev/null)" = "$hash" ]; then
    return 0
  fi
  log "packaging $name (dist $hash)"
  ctx=$(mktemp -d)
  mkdir -p "$ctx/usr/local/bin" "$ctx/app" "$ctx/tmp" "$ctx/etc"
  chmod 1777 "$ctx/tmp"
  local node_bin
  node_bin=$(readlink -f "$(command -v node)")
  cp "$node_bin" "$ctx/usr/local/bin/node"
  for lib in $(ldd "$node_bin" | grep -o '/[^ ]*'); do
    mkdir -p "$ctx$(dirname "$lib")"
    cp -L "$lib" "$ctx$lib"
  done
  cp -r "$ROOT/dist/." "$ctx/app/"
  mkdir -p "$ctx/bin"
  cp /bin/busybox "$ctx/bin/busybox"
  ln -s busybox "$ctx/bin/sh"
  ln -s busybox "$ctx/bin/stty"
  echo 'root:x:0:0:root:/root:/sbin/nologin' > "$ctx/etc/passwd"
  printf 'FROM scratch\nCOPY . /\nLABEL frankenetes.dist=%s\nENTRYPOINT ["/usr/local/bin/node", "/app/index.js", "agent"]\n' "$hash" > "$ctx.Containerfile"
  "$ENGINE" build --network=none -q -t "$name" -f "$ctx.Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx" "$ctx.Containerfile"
}

# What each step needs comes first: every image that packages a binary is built after it.
# `binaries` builds only the Go binaries, `local` only the images made from this machine's files
# (pause, testweb, agent), `images` and `all` everything.
only=${1:-all}
case "$only" in
  all | images | binaries | local) ;;
  *) log "unknown step '$only' (expected all, images, binaries or local)"; exit 2 ;;
esac
mkdir -p "$CACHE_DIR"
if [ "$only" != local ]; then
  build_etcd
  build_kubernetes
  mkdir -p "$CACHE_DIR/bin"
  ln -sf "$K8S_BIN/kubectl" "$CACHE_DIR/bin/kubectl"
  for b in etcd etcdctl etcdutl; do ln -sf "$ETCD_BIN/$b" "$CACHE_DIR/bin/$b"; done
  for b in kube-apiserver kube-controller-manager kube-scheduler; do ln -sf "$K8S_BIN/$b" "$CACHE_DIR/bin/$b"; done
fi
if [ "$only" != binaries ]; then
  # Holds each container group's network namespace; exits at once on SIGTERM.
  busybox_image localhost/frankenetes/pause:1 /bin/sh -c \
    "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait \$!; done"
  # The test workload: a shell, coreutils and HTTP on port 80.
  busybox_image localhost/frankenetes/testweb:1 /bin/sh -c \
    "trap 'exit 0' TERM INT; echo testweb listening on :80; httpd -f -v -p 80 -h /www & wait"
  agent_image
fi
if [ "$only" = all ] || [ "$only" = images ]; then
  # An in-cluster API client for tests (busybox's TLS cannot talk to Go's TLS 1.2+ defaults).
  busybox_image "localhost/frankenetes/kubectl:v$K8S_VERSION" --with "$K8S_BIN/kubectl" /bin/kubectl version
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    image "registry.k8s.io/$c:v$K8S_VERSION" "$K8S_BIN" "$c"
  done
  image "registry.k8s.io/etcd:$ETCD_VERSION-0" "$ETCD_BIN" etcd etcdctl etcdutl
fi
log "ready: kubectl at $CACHE_DIR/bin/kubectl"

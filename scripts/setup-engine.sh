#!/usr/bin/env bash
# Makes a Docker-compatible container engine reachable, idempotently.
# Uses a running Docker daemon when there is one; otherwise installs Podman from Debian packages
# and runs its Docker-compatible service on $FRANKENETES_ENGINE_SOCKET (DESIGN §6 adjustments:
# crun only once hybrid cgroups leave cgroup v2 without controllers, else runc; explicit
# nofile/nproc rlimits).
# Prints the socket path on its last line.
set -euo pipefail

SOCKET=${FRANKENETES_ENGINE_SOCKET:-/run/podman/podman.sock}
log() { echo "setup-engine: $*" >&2; }

ping_socket() { curl -fsS --max-time 3 --unix-socket "$1" http://d/_ping >/dev/null 2>&1; }

if [ -z "${FRANKENETES_FORCE_PODMAN:-}" ] && [ -S /var/run/docker.sock ] && ping_socket /var/run/docker.sock; then
  log "using the Docker daemon at /var/run/docker.sock"
  echo /var/run/docker.sock
  exit 0
fi

need=()
for p in podman runc crun busybox-static openssl curl; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "run as root to install: ${need[*]}"; exit 1; }
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# crun starts containers about twice as fast as runc, but refuses hybrid cgroups (v1 hierarchies
# plus a cgroup2 mount) while any controller is still attached to cgroup v2. Such controllers
# (hugetlb here) are unused: binding each to a v1 hierarchy of its own empties cgroup v2.
runtime=runc
unified=/sys/fs/cgroup/unified
if [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ] && [ -f "$unified/cgroup.controllers" ]; then
  for controller in $(cat "$unified/cgroup.controllers"); do
    mkdir -p "/sys/fs/cgroup/$controller"
    mount -t cgroup -o "$controller" cgroup "/sys/fs/cgroup/$controller" 2>/dev/null ||
      log "could not move cgroup controller $controller to cgroup v1; using runc"
  done
  [ -z "$(cat "$unified/cgroup.controllers")" ] && runtime=crun
else
  runtime=crun
fi

conf=/etc/containers/containers.conf.d/50-frankenetes.conf
# The engine may not raise limits above its own hard limit: use ours for nofile.
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] && nofile=1048576
wanted="# Written by frankenetes scripts/setup-engine.sh
[containers]
default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=20000:20000\"]
[engine]
runtime = \"$runtime\"
cgroup_manager = \"cgroupfs\"
events_logger = \"file\""
if [ "$(cat "$conf" 2>/dev/null)" != "$wanted" ]; then
  restart=1
  mkdir -p "$(dirname "$conf")"
  printf '%s\n' "$wanted" > "$conf"
fi

if ping_socket "$SOCKET" && [ "${restart:-}" = 1 ]; then pkill -f "podman system service" || true; sleep 1; fi
if ! ping_socket "$SOCKET"; then
  mkdir -p "$(dirname "$SOCKET")"
  log "starting podman system service on $SOCKET"
  nohup podman system service --time=0 "unix://$SOCKET" >/var/log/frankenetes-podman.log 2>&1 &
  for _ in $(seq 1 50); do ping_socket "$SOCKET" && break; sleep 0.2; done
  ping_socket "$SOCKET" || { log "podman service did not answer on $SOCKET (see /var/log/frankenetes-podman.log)"; exit 1; }
fi
echo "$SOCKET"

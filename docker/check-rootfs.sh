#!/usr/bin/env bash
# Proves the container's runtime stage without a Docker engine: builds the same release
# binary, makes a minimal Debian bookworm root with debootstrap plus libmicrohttpd12 (what the
# Dockerfile's runtime stage installs), runs the binary inside it with chroot as the same
# non-root user, and checks /health, /get, --healthcheck with no arguments (the state file in
# /run/httpbun, as the Dockerfile sets it up) and a clean SIGTERM. Run by hand, as root:
#     sudo docker/check-rootfs.sh            # keeps the root in .build-rootfs/ for a second run
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "error: run as root (debootstrap and chroot need it)" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
scripts/ensure-deps.sh

root=.build-rootfs/bookworm
# The mirror this machine's apt already uses.
mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')
[ -n "$mirror" ] || mirror=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | head -1 | awk '{print $2}')

echo "== release build (static Swift runtime, libstdc++ and zlib: see Package.swift)"
swift build -c release --product httpbun 2>&1 | grep -E "error|Build" || true
binary=$(swift build -c release --show-bin-path)/httpbun
echo "dynamic dependencies of the binary:"
readelf -d "$binary" | awk '/NEEDED/ {print "  " $NF}'

if [ ! -x "$root/usr/bin/apt-get" ]; then
    echo "== debootstrap bookworm (minbase + libmicrohttpd12) from $mirror"
    mkdir -p "$root"
    debootstrap --variant=minbase --include=libmicrohttpd12 bookworm "$root" "$mirror" >/dev/null
fi
install -D -m 0755 "$binary" "$root/usr/local/bin/httpbun"
strip "$root/usr/local/bin/httpbun"
chroot "$root" sh -c 'id -u 10001 >/dev/null 2>&1 || useradd --system --uid 10001 --no-create-home httpbun'
mkdir -p "$root/tmp" && chmod 1777 "$root/tmp"
install -d -o 10001 -g 10001 -m 0700 "$root/run/httpbun"

# A container runtime mounts /proc; so must we: without it a statically linked Swift binary
# silently runs without its command-line arguments (the runtime reads them from /proc).
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT

echo "== run inside the root as uid 10001"
rm -f "$root/tmp/port"
chroot --userspec=10001:10001 "$root" env HTTPBUN_HOST=127.0.0.1 HTTPBUN_PORT=0 HTTPBUN_LOG_FORMAT=json HTTPBUN_STATE_DIR=/run/httpbun \
    /usr/local/bin/httpbun --port-file /tmp/port > .build-rootfs/stdout 2> .build-rootfs/stderr &
pid=$!
for _ in $(seq 1 100); do [ -s "$root/tmp/port" ] && break; sleep 0.1; done
[ -s "$root/tmp/port" ] || { echo "FAIL: no port file after 10 s"; cat .build-rootfs/stderr; kill "$pid"; exit 1; }
port=$(cat "$root/tmp/port")
base="http://127.0.0.1:$port"
status=0
health=$(curl -s "$base/health") && echo "GET /health -> $health" | tr -d '\n' && echo
[ "$(echo "$health" | tr -d ' \n')" = 'ok' ] || { echo "FAIL /health"; status=1; }
get=$(curl -s "$base/get?from=rootfs")
echo "$get" | grep -q '"from": "rootfs"' && echo "GET /get -> echo ok" || { echo "FAIL /get: $get"; status=1; }
chroot --userspec=10001:10001 "$root" /usr/local/bin/httpbun --healthcheck --port "$port" && echo "httpbun --healthcheck --port $port -> 0" || { echo "FAIL healthcheck"; status=1; }
# The port was chosen at start (0): only the state file knows it, as in a HEALTHCHECK.
chroot --userspec=10001:10001 "$root" env HTTPBUN_STATE_DIR=/run/httpbun /usr/local/bin/httpbun --healthcheck && echo "httpbun --healthcheck (state file) -> 0" || { echo "FAIL healthcheck from the state file"; status=1; }
kill -TERM "$pid"
wait "$pid" && echo "SIGTERM -> exit 0" || { echo "FAIL exit status $?"; status=1; }
[ ! -e "$root/run/httpbun/server.json" ] && echo "state file removed at stop" || { echo "FAIL the state file outlived the server"; status=1; }

echo "== sizes"
echo "binary (stripped): $(du -h "$root/usr/local/bin/httpbun" | cut -f1)"
echo "root file system (minbase + libmicrohttpd12 + binary): $(du -sh --exclude="$root/proc" --exclude="$root/var/cache" "$root" 2>/dev/null | cut -f1)"
echo "libmicrohttpd12 and its libraries:"
chroot "$root" sh -c 'ldd /usr/lib/x86_64-linux-gnu/libmicrohttpd.so.12' | awk '{print "  " $1}'
[ $status -eq 0 ] && echo "rootfs check: passed" || echo "rootfs check: FAILED"
exit $status

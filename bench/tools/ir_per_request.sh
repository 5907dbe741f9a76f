#!/usr/bin/env bash
# Instructions per request, counted by callgrind: repeatable on a noisy machine, unlike req/s.
# usage: bench/tools/ir_per_request.sh SERVER_BINARY [N] [PATH] [curl args...]
#        (SERVER_ARGS overrides "--port 0 --log-level warning"; the C floor takes SERVER_ARGS=" ";
#         CALLGRIND_ARGS=--dump-instr=yes keeps costs per instruction, for callgrind_annotate or objdump)
# Starts the binary under callgrind, makes WARMUP warm-up requests (default 1,100: past the request
# journal's 1,000 entries, so that the count is of a full ring's steady state), zeroes the counters, makes N
# requests over one keep-alive connection (curl), dumps, and prints instructions per request for
# the whole process (MHD, libc and kernel-side syscalls excluded: callgrind counts user space).
set -euo pipefail
bin=$1; n=${2:-2000}; path=${3:-/get?a=1&b=2}; shift 3 || true
out=$(mktemp -d)
# valgrind 3.19 cannot read the DWARF that swiftc writes: profile a copy without debug info (symbols stay).
strip -g -o "$out/server" "$bin"
read -ra server_args <<<"${SERVER_ARGS:---port 0 --log-level warning}"
valgrind --tool=callgrind ${CALLGRIND_ARGS:-} --callgrind-out-file="$out/cg.%p" "$out/server" "${server_args[@]}" >"$out/url" 2>"$out/vg.log" &
pid=$!
for _ in $(seq 600); do [ -s "$out/url" ] && break; sleep 0.1; done
[ -s "$out/url" ] || { echo "server printed no URL; see $out/vg.log" >&2; kill "$pid"; exit 1; }
url=$(head -1 "$out/url")$path
args=(); for _ in $(seq "${WARMUP:-1100}"); do args+=(-o /dev/null "$url"); done
curl -s "$@" "${args[@]}"
callgrind_control -z "$pid" >/dev/null 2>&1
args=(); for _ in $(seq "$n"); do args+=(-o /dev/null "$url"); done
curl -s "$@" "${args[@]}"
callgrind_control -d "$pid" >/dev/null 2>&1
sleep 0.5
profile="$out/cg.$pid.1"
total=$(grep -h "^summary:\|^totals:" "$profile" | awk '{print $2}' | head -1)
kill "$pid"; wait "$pid" 2>/dev/null || true
echo "$bin $path: $((total / n)) instructions per request ($n requests; profile: callgrind_annotate $profile)"

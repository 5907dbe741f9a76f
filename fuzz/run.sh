#!/bin/sh
# Runs one fuzz target for a bounded time: fuzz/run.sh <target> <seconds>
# New inputs go to .build-fuzz/corpus/<target> (scratch); the seeds in fuzz/corpus/<target> are
# read, never written. Crashes land in fuzz/artifacts/<target>/ (git-ignored).
set -eu
cd "$(dirname "$0")/.."
target=$1
seconds=${2:-60}
mkdir -p ".build-fuzz/corpus/$target" "fuzz/artifacts/$target"
FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1 exec .build-fuzz/fuzz-httpbun \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$target/" ".build-fuzz/corpus/$target" "fuzz/corpus/$target"

#!/bin/sh
# Runs every fuzz target one after the other (one at a time: the machine is shared), each for
# FUZZ_SECONDS, and prints one summary line per target. Exit status 1 if any target crashed.
set -u
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"multipart urlencoded cookie digest range route framing llm websocket"}
mkdir -p .build-fuzz/logs
status=0
for target in $targets; do
    log=.build-fuzz/logs/$target.log
    fuzz/run.sh "$target" "$seconds" >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    crashes=$(ls "fuzz/artifacts/$target" 2>/dev/null | grep -c '^crash-\|^leak-\|^timeout-\|^oom-')
    echo "$target: ${seconds}s, ${runs:-?} executions, exit $rc, $crashes crash/leak/timeout/oom artifacts (log $log)"
    [ "$rc" -eq 0 ] || status=1
done
exit $status

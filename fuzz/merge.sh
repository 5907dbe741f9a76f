#!/bin/sh
# Folds what a fuzzing run found (.build-fuzz/corpus/<target>) into the committed seeds
# (fuzz/corpus/<target>), keeping only inputs that add coverage and at most 2 KB each, so the
# repository's corpus stays small. Usage: fuzz/merge.sh <target>...
set -eu
cd "$(dirname "$0")/.."
for target in "$@"; do
    before=$(ls "fuzz/corpus/$target" | wc -l)
    FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no .build-fuzz/fuzz-httpbun -merge=1 -max_len=2048 \
        "fuzz/corpus/$target" ".build-fuzz/corpus/$target" >".build-fuzz/logs/merge-$target.log" 2>&1
    echo "$target: $before -> $(ls "fuzz/corpus/$target" | wc -l) seed files, $(cat fuzz/corpus/$target/* | wc -c) bytes"
done

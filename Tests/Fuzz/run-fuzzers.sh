#!/usr/bin/env bash
# Builds ParamShare's fuzz targets with libFuzzer and runs each for 1,000,000 executions or
# 10 minutes, whichever comes first, two at a time (one per core). New interesting inputs are
# merged into Corpus/; a crash leaves its input in crashes/ and fails the script.
#   FUZZ_SECONDS and FUZZ_RUNS override the limits, for a quick check.
set -uo pipefail
cd "$(dirname "$0")"
export PATH="$PATH:/opt/swift/usr/bin"
# Let libFuzzer, not Swift's backtracer, handle a trap, so that the crashing input is saved.
export SWIFT_BACKTRACE=enable=no
seconds=${FUZZ_SECONDS:-600}
runs=${FUZZ_RUNS:-1000000}
swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library || exit 1
mkdir -p logs crashes .build/fuzz-corpus

run() {
    local target=$1 corpus=$2
    mkdir -p ".build/fuzz-corpus/$corpus"
    ".build/release/$target" -max_total_time="$seconds" -runs="$runs" -print_final_stats=1 -artifact_prefix=crashes/ \
        ".build/fuzz-corpus/$corpus" "Corpus/$corpus" > "logs/$target.log" 2>&1
    local status=$?
    ".build/release/$target" -merge=1 "Corpus/$corpus" ".build/fuzz-corpus/$corpus" > /dev/null 2>&1
    echo "$target: exit $status, $(grep -E '^Done [0-9]+ runs' "logs/$target.log"), $(grep -E '^#[0-9]+' "logs/$target.log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')"
    return $status
}

failed=0
run FuzzIDXRaw idx-raw & a=$!
run FuzzIDXGzip idx-gzip & b=$!
wait $a || failed=1; wait $b || failed=1
run FuzzCIFAR cifar & a=$!
run FuzzCSV csv & b=$!
wait $a || failed=1; wait $b || failed=1
run FuzzSafetensors safetensors & a=$!
run FuzzFlags flags || failed=1
wait $a || failed=1
exit $failed

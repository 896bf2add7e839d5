#!/usr/bin/env bash
# Run every fuzz target (or the ones named) for SECONDS each, one after
# another, on its working corpus fuzz/corpus/<target> seeded from the
# committed fuzz/seeds/<target>. Exits non-zero at the first crash (libFuzzer
# writes the input to fuzz/artifacts/<target>/).
#
#   bash fuzz/run.sh                 # 10 s per target (what CI runs)
#   bash fuzz/run.sh 600 split url   # longer, two targets
#   FUZZ_RUNS=10000000 bash fuzz/run.sh 0 split   # a fixed number of executions
#
# cargo fuzz needs nightly-only rustc flags; RUSTC_BOOTSTRAP=1 lets the
# stable toolchain (the only one a new machine has) accept them. No
# sanitizer: the crates have no unsafe code, so AddressSanitizer would only
# halve the speed; libFuzzer's coverage guidance and Rust's own checks
# (debug assertions and overflow checks are on in fuzz/Cargo.toml) remain.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-10}"
shift || true
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/target}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi

cargo fuzz build --sanitizer none
mkdir -p logs
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    limit=(-max_total_time="$seconds")
    if [ -n "${FUZZ_RUNS:-}" ]; then
        limit=(-runs="$FUZZ_RUNS")
    fi
    echo "== fuzz $target: ${FUZZ_RUNS:-${seconds} s}"
    status=0
    cargo fuzz run --sanitizer none "$target" "corpus/$target" "seeds/$target" -- \
        "${limit[@]}" -print_final_stats=1 >"logs/$target.log" 2>&1 || status=$?
    grep -E "^(Done|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)" "logs/$target.log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 40 "logs/$target.log" >&2
        if [ -n "$(ls -A "artifacts/$target" 2>/dev/null)" ]; then
            echo "fuzz target $target failed (exit $status); the input is in fuzz/artifacts/$target/" >&2
        else
            echo "fuzz target $target stopped (exit $status) without a crash input; see fuzz/logs/$target.log" >&2
        fi
        exit "$status"
    fi
done

#!/usr/bin/env bash
# Issue 5 item 2: compile time of an application embedding N revisions,
# lithify's generated module against diesel_migrations' embed_migrations!,
# on the same migrations directory.
#
#   crates/lithify-bench/compile_time.sh                  # N = 100 and 1000, 5 rounds
#   NS="100 1000" ROUNDS=5 crates/lithify-bench/compile_time.sh
#
# For each N it generates a chain (synth, seed 1) and two fixture crates in a
# temporary directory, each its own workspace, both pointing at that one
# directory by absolute path:
#   lithify_app_nN: build.rs runs lithify_build::Builder::new(dir).compile_or_exit(),
#                   main.rs has lithify::include_migrations!() and calls
#                   migrations::MIGRATOR.upgrade_to_head on an in-memory SQLite
#                   connection;
#   diesel_app_nN:  main.rs has embed_migrations!(dir) and calls
#                   run_pending_migrations with it on the same kind of connection.
# Both use one shared CARGO_TARGET_DIR (default: inside the temp dir), so the
# dependencies (diesel, lithify, diesel_migrations, ...) are built once, in an
# untimed warm-up build. Then, ROUNDS times, alternating which app goes first:
# `cargo clean -p <app>` (only the app's own artifacts, build script included)
# and a timed `cargo build` (dev profile) of that app, timed as a whole process.
# Prints each round and the medians; ratio = median over rounds of
# lithify / diesel in the same round.
#
# Environment: NS, ROUNDS, CARGO (default cargo), LITHIFY_BENCH_TMP (parent of
# the temp dir; default the system temp dir), KEEP=1 keeps the temp dir.
set -euo pipefail

NS=${NS:-"100 1000"}
ROUNDS=${ROUNDS:-5}
CARGO=${CARGO:-cargo}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${LITHIFY_BENCH_TMP:-${TMPDIR:-/tmp}}/lithify-compile-time-XXXXXX")
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
APP_TARGET="$WORK/target"

# The chain generator, built with the caller's settings (CARGO_TARGET_DIR ...).
$CARGO build -q --release -p lithify-bench --bin synth --manifest-path "$REPO/Cargo.toml"
SYNTH="${CARGO_TARGET_DIR:-$REPO/target}/release/synth"

now_ns() { date +%s%N; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

make_apps() {
    local n=$1 dir=$2
    local l="$WORK/lithify_app_n$n" d="$WORK/diesel_app_n$n"
    mkdir -p "$l/src" "$d/src"
    cat > "$l/Cargo.toml" <<EOF
[package]
name = "lithify_app_n$n"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
lithify = { path = "$REPO", default-features = false, features = ["sqlite"] }
diesel = { version = "2.2", default-features = false, features = ["sqlite"] }

[build-dependencies]
lithify-build = { path = "$REPO/crates/lithify-build" }
EOF
    cat > "$l/build.rs" <<EOF
fn main() {
    lithify_build::Builder::new("$dir").compile_or_exit();
}
EOF
    cat > "$l/src/main.rs" <<'EOF'
use diesel::prelude::*;

lithify::include_migrations!();

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").expect("open");
    migrations::MIGRATOR
        .upgrade_to_head(&mut conn)
        .expect("migrate");
    println!("{}", migrations::REVISIONS.len());
}
EOF
    cat > "$d/Cargo.toml" <<EOF
[package]
name = "diesel_app_n$n"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
diesel = { version = "2.2", default-features = false, features = ["sqlite"] }
diesel_migrations = { version = "2", features = ["sqlite"] }
EOF
    cat > "$d/src/main.rs" <<EOF
use diesel::prelude::*;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("$dir");

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").expect("open");
    let applied = conn.run_pending_migrations(MIGRATIONS).expect("migrate");
    println!("{}", applied.len());
}
EOF
    # Same dependency versions as lithify's own lock file.
    cp "$REPO/Cargo.lock" "$l/Cargo.lock"
    cp "$REPO/Cargo.lock" "$d/Cargo.lock"
}

# One clean build of the app crate alone, timed as a process; prints seconds.
timed_build() {
    local app=$1
    $CARGO clean -q -p "$app" --manifest-path "$WORK/$app/Cargo.toml" --target-dir "$APP_TARGET"
    local start end
    start=$(now_ns)
    $CARGO build -q --manifest-path "$WORK/$app/Cargo.toml" --target-dir "$APP_TARGET" 2>/dev/null
    end=$(now_ns)
    awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f\n", (e - s) / 1e9}'
}

echo "compile time of an app embedding N revisions: clean \`cargo build\` (dev) of the app crate only, dependencies prebuilt; $ROUNDS rounds"
echo "rustc: $(rustc --version)"
for n in $NS; do
    dir="$WORK/chain_n$n/migrations"
    "$SYNTH" --n "$n" --seed 1 --out "$dir" >/dev/null
    make_apps "$n" "$dir"
    la="lithify_app_n$n" da="diesel_app_n$n"
    # Warm-up: dependencies, and each app once (checks that both work).
    for app in "$la" "$da"; do
        $CARGO build -q --manifest-path "$WORK/$app/Cargo.toml" --target-dir "$APP_TARGET" 2>/dev/null
        out=$("$APP_TARGET/debug/$app" | tail -n 1)
        [ "$out" = "$n" ] || { echo "$app applied $out revisions, expected $n" >&2; exit 1; }
    done
    ls=() ds=() rs=()
    for ((r = 0; r < ROUNDS; r++)); do
        if ((r % 2 == 0)); then
            tl=$(timed_build "$la"); td=$(timed_build "$da")
        else
            td=$(timed_build "$da"); tl=$(timed_build "$la")
        fi
        ratio=$(awk -v a="$tl" -v b="$td" 'BEGIN {printf "%.3f", a / b}')
        echo "N = $n round $((r + 1)): lithify ${tl} s, diesel ${td} s, lithify/diesel $ratio"
        ls+=("$tl") ds+=("$td") rs+=("$ratio")
    done
    ml=$(printf '%s\n' "${ls[@]}" | median)
    md=$(printf '%s\n' "${ds[@]}" | median)
    mr=$(printf '%s\n' "${rs[@]}" | median)
    minl=$(printf '%s\n' "${ls[@]}" | sort -g | head -1)
    mind=$(printf '%s\n' "${ds[@]}" | sort -g | head -1)
    echo "N = $n median: lithify ${ml} s (min $minl), diesel ${md} s (min $mind), median per-round ratio lithify/diesel $mr"
done

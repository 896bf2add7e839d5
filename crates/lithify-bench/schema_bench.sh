#!/usr/bin/env bash
# Issues 9 (the schema model) and 10 (typed operations): every measurement of
# their "Benchmarks" sections, end to end on the current tree, then one
# summary table. Methodology: BENCHMARKS.md, section "Issues 9 and 10".
#
#   crates/lithify-bench/schema_bench.sh                     # everything (item 2 alone takes 10+ minutes)
#   crates/lithify-bench/schema_bench.sh --skip-clean-build  # all but item 2
#   crates/lithify-bench/schema_bench.sh --only 3,5          # some items (1 and 4 are one divan run)
#
# Items:
#   1  build of a SQLite app with its schema module vs the read+SHA-256 floor,
#      synthetic chain N = 100, 1,000, 10,000 (divan, `chain` bench, group build)
#   2  clean `cargo build` of a small app using lithify-build, at $BASE
#      (before crates/lithify-schema existed) and at $NEW; fresh target dir per build
#   3  schema generation, whole process: `lithify schema --dialect sqlite` vs
#      `diesel migration run` + `diesel print-schema` on a fresh SQLite file,
#      for the reference chain and the synthetic chain at N = 1,000 (interleaved rounds)
#   4  item 1 on the chain with every other revision typed (same divan run)
#   5  applying the typed reference chain vs the same changes in SQL (`typed_apply` bench)
#
# Environment:
#   ROUNDS        item 3 rounds (default 11)
#   CLEAN_ROUNDS  item 2 rounds, each one build at BASE and one at NEW (default 5)
#   BASE, NEW     item 2's commits (default 917151c and HEAD; any git revision)
#   JOBS          item 2's cargo --jobs (default 2)
#   DIESEL        diesel_cli (default: `diesel` on PATH, else ~/.cargo/bin/diesel)
#   DIVAN_ARGS    extra arguments for the divan run, e.g. "--sample-count 3" for a quick check
#   LITHIFY_BENCH_ROUNDS, LITHIFY_BENCH_ROWS, LITHIFY_BENCH_SYNC  passed to typed_apply
#   LITHIFY_BENCH_TMP  parent of the temporary directory (default: the system temp dir)
#   OUT           where raw outputs and the summary go (default target/schema-bench/<UTC time>)
#   KEEP=1        keep the temporary directory
#   CARGO         (default cargo); CARGO_TARGET_DIR is honoured for the benches themselves
set -euo pipefail

ITEMS="1,2,3,4,5"
while [ $# -gt 0 ]; do
    case "$1" in
        --skip-clean-build) ITEMS=$(echo "$ITEMS" | sed 's/2,//') ;;
        --only) ITEMS="$2"; shift ;;
        -h|--help) sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "schema_bench.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
    shift
done
want() { case ",$ITEMS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

ROUNDS=${ROUNDS:-11}
CLEAN_ROUNDS=${CLEAN_ROUNDS:-5}
BASE=${BASE:-917151c}
NEW=${NEW:-HEAD}
JOBS=${JOBS:-2}
CARGO=${CARGO:-cargo}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${DIESEL:-}" ]; then
    DIESEL=$(command -v diesel || echo "$HOME/.cargo/bin/diesel")
fi
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$REPO/target/schema-bench/$STAMP}
mkdir -p "$OUT"
WORK=$(mktemp -d "${LITHIFY_BENCH_TMP:-${TMPDIR:-/tmp}}/lithify-schema-bench-XXXXXX")
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
TARGET=${CARGO_TARGET_DIR:-$REPO/target}
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"

log() { echo "== $(date -u +%H:%M:%S) $*" >&2; }
# Seconds between two $EPOCHREALTIME values (microsecond clock, no fork).
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "$*" | tee -a "$SUMMARY"; }

# ---------------------------------------------------------------- the machine
{
    echo "run:      $STAMP (UTC), items $ITEMS"
    echo "commit:   $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "rustc:    $(rustc --version)"
    echo "cpu:      $(nproc) x $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
    echo "sqlite:   $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?') (command line; the benches use libsqlite3 through libsqlite3-sys)"
    echo "diesel:   $("$DIESEL" --version 2>/dev/null | sed -n 's/^ *Version: *//p') ($DIESEL)"
    echo "load:     $(loadavg) at the start"
    echo "raw:      $OUT"
} | tee -a "$SUMMARY"

# ------------------------------------------------------------------- binaries
log "building the benches, the lithify CLI (release) and synth"
$CARGO bench -q -p lithify-bench --no-run --manifest-path "$REPO/Cargo.toml" 2>"$OUT/build-benches.log"
$CARGO build -q --release --bin lithify --manifest-path "$REPO/Cargo.toml" 2>"$OUT/build-cli.log"
$CARGO build -q --release -p lithify-bench --bin synth --manifest-path "$REPO/Cargo.toml" 2>>"$OUT/build-cli.log"
LITHIFY="$TARGET/release/lithify"
SYNTH="$TARGET/release/synth"

# ------------------------------------------------------------- items 1 and 4
# divan's table -> "bench<TAB>N<TAB>median in ms" (N "-" for benches without args).
parse_divan() {
    awk '
        function ms(s,   p, v, u) {
            gsub(/^ +| +$/, "", s); split(s, p, / +/); v = p[1]; u = p[2]
            if (u == "ns") return v / 1e6; if (u == "µs" || u == "us") return v / 1e3
            if (u == "ms") return v; if (u == "s") return v * 1e3; return "nan"
        }
        {
            line = $0
            sub(/^( |│|├|╰|─)*/, "", line)        # the tree drawing
            nf = split(line, f, "│")                # fastest │ slowest │ median │ mean │ ...
            split(f[1], w, / +/)
            if (w[1] ~ /^[0-9]+$/ && nf >= 4) {     # an argument line: "100   1.675 ms"
                print bench "\t" w[1] "\t" ms(f[3])
            } else if (w[1] ~ /^[a-z_]+$/) {        # a benchmark (or group) name
                bench = w[1]
                if (w[2] ~ /^[0-9.]+$/ && nf >= 4) print bench "\t-\t" ms(f[3])
            }
        }'
}
lookup() { awk -F'\t' -v b="$1" -v n="$2" '$1 == b && $2 == n { print $3 }' "$OUT/chain.tsv"; }

if want 1 || want 4 || want 3; then
    filters=()
    { want 1 || want 4; } && filters+=(build)
    want 3 && filters+=(schema_generation)
    log "divan: chain -- ${filters[*]} ${DIVAN_ARGS:-} (load $(loadavg))"
    # shellcheck disable=SC2086
    $CARGO bench -q -p lithify-bench --bench chain --manifest-path "$REPO/Cargo.toml" -- \
        --color never "${filters[@]}" ${DIVAN_ARGS:-} 2>"$OUT/chain.err" | tee "$OUT/chain.txt" >&2
    parse_divan < "$OUT/chain.txt" > "$OUT/chain.tsv"
    log "divan done (load $(loadavg))"
fi

if want 1 || want 4; then
    say ""
    say "items 1 and 4: build-script work, median ms (chain bench, group build), ratio to the floor of the same chain"
    printf '%-8s %12s %14s %7s %10s %12s %14s %7s %8s %10s\n' N "floor" "schema_sqlite" "x" "us/rev" "typed floor" "typed_schema" "x" "x sql" "us/rev" | tee -a "$SUMMARY"
    for n in 100 1000 10000; do
        f=$(lookup floor_read_hash "$n"); s=$(lookup lithify_schema_sqlite "$n")
        tf=$(lookup typed_floor_read_hash "$n"); ts=$(lookup typed_schema_sqlite "$n")
        awk -v n="$n" -v f="${f:-0}" -v s="${s:-0}" -v tf="${tf:-0}" -v ts="${ts:-0}" '
            function v(x, fmt) { return x > 0 ? sprintf(fmt, x) : "-" }
            function r(a, b) { return a > 0 && b > 0 ? sprintf("%.2f", a / b) : "-" }
            BEGIN {
                printf "%-8s %12s %14s %7s %10s %12s %14s %7s %8s %10s\n", n,
                    v(f, "%.3f"), v(s, "%.3f"), r(s, f), v(s * 1e3 / n, "%.1f"),
                    v(tf, "%.3f"), v(ts, "%.3f"), r(ts, tf), r(ts, f), v(ts * 1e3 / n, "%.1f")
            }' | tee -a "$SUMMARY"
    done
    say "(targets: schema_sqlite <= 3x floor at 1,000 and 10,000, linear in N (us/rev flat); typed_schema the same; \"x sql\" = typed_schema / the SQL chain's floor)"
    for n in 100 1000 10000; do
        c=$(lookup lithify_compile_generate "$n"); p=$(lookup lithify_part_fold_print "$n")
        [ -n "$c" ] && say "N = $n: compile+generate, three dialects, no schema (issue 5's item 1) $c ms; fold+print alone $p ms"
    done
fi

# --------------------------------------------------------------------- item 3
if want 3; then
    log "item 3: schema generation, whole process ($ROUNDS rounds, load $(loadavg))"
    S="$WORK/schema"
    mkdir -p "$S"
    cp -r "$REPO/migrations" "$S/reference_typed"
    cp -r "$REPO/migrations" "$S/reference_sql"
    for rev in 2024-01-06-000000_require_jobs_salary_currency 2024-01-07-000000_track_applications; do
        rm -rf "$S/reference_sql/$rev"
        cp -r "$REPO/crates/lithify-bench/fixtures/reference_sql/$rev" "$S/reference_sql/$rev"
    done
    # Drafts alike: the SQL copy cannot match the typed revisions' seals.
    rm -f "$S/reference_typed/lithify.lock" "$S/reference_sql/lithify.lock"
    "$SYNTH" --n 1000 --seed 1 --out "$S/synth_1000" >/dev/null
    # No Cargo.toml or diesel.toml above $S: both tools take their defaults.
    cd "$S"
    lithify_schema() { "$LITHIFY" --dir "$1" schema --dialect sqlite >"$2" 2>>"$OUT/item3-lithify.err"; }
    say ""
    say "item 3: schema generation, whole process, median of $ROUNDS rounds (s); ratio = median over rounds of lithify / (diesel run + print)"
    printf '%-16s %10s %12s %12s %12s %9s %s\n' chain lithify "diesel run" "diesel print" "diesel both" "x diesel" "same text" | tee -a "$SUMMARY"
    for chain in reference_typed reference_sql synth_1000; do
        dir="$S/$chain"
        with_diesel=1
        [ "$chain" = reference_typed ] && with_diesel=0   # diesel cannot read revision.toml
        ls_=() dr=() dp=() ratios=()
        for ((r = 0; r < ROUNDS + 1; r++)); do   # round 0: warm-up, not counted
            rm -f "$S/db.sqlite3" "$S/db.sqlite3-journal"
            t_l="" t_r="" t_p=""
            # Alternate which side goes first.
            order="lithify diesel"; [ $((r % 2)) = 1 ] && order="diesel lithify"
            for side in $order; do
                if [ $side = lithify ]; then
                    a=$EPOCHREALTIME; lithify_schema "$dir" "$S/lithify.rs"; b=$EPOCHREALTIME
                    t_l=$(elapsed "$a" "$b")
                elif [ $with_diesel = 1 ]; then
                    a=$EPOCHREALTIME
                    "$DIESEL" migration run --database-url "$S/db.sqlite3" --migration-dir "$dir" >/dev/null 2>>"$OUT/item3-diesel.err"
                    b=$EPOCHREALTIME
                    "$DIESEL" print-schema --database-url "$S/db.sqlite3" >"$S/diesel.rs" 2>>"$OUT/item3-diesel.err"
                    c=$EPOCHREALTIME
                    t_r=$(elapsed "$a" "$b"); t_p=$(elapsed "$b" "$c")
                fi
            done
            [ "$r" = 0 ] && continue
            ls_+=("$t_l")
            if [ $with_diesel = 1 ]; then
                dr+=("$t_r"); dp+=("$t_p")
                ratios+=("$(awk -v l="$t_l" -v r="$t_r" -v p="$t_p" 'BEGIN { printf "%.6f", l / (r + p) }')")
            fi
            echo "item 3 $chain round $r: lithify $t_l s; diesel run ${t_r:--} s, print ${t_p:--} s" >>"$OUT/item3-rounds.txt"
        done
        ml=$(printf '%s\n' "${ls_[@]}" | median)
        if [ $with_diesel = 1 ]; then
            same=no; cmp -s "$S/lithify.rs" "$S/diesel.rs" && same=yes
            cp "$S/lithify.rs" "$OUT/item3-$chain-lithify.rs"; cp "$S/diesel.rs" "$OUT/item3-$chain-diesel.rs"
            mr=$(printf '%s\n' "${dr[@]}" | median); mp=$(printf '%s\n' "${dp[@]}" | median)
            both=$(for i in "${!dr[@]}"; do awk -v r="${dr[$i]}" -v p="${dp[$i]}" 'BEGIN { print r + p }'; done | median)
            mx=$(printf '%s\n' "${ratios[@]}" | median)
            awk -v c="$chain" -v l="$ml" -v r="$mr" -v p="$mp" -v b="$both" -v x="$mx" -v s="$same" 'BEGIN {
                printf "%-16s %10.4f %12.4f %12.4f %12.4f %9.4f %s\n", c, l, r, p, b, x, s }' | tee -a "$SUMMARY"
        else
            awk -v c="$chain" -v l="$ml" 'BEGIN { printf "%-16s %10.4f %12s %12s %12s %9s %s\n", c, l, "-", "-", "-", "-", "(diesel cannot run revision.toml)" }' | tee -a "$SUMMARY"
        fi
    done
    cd "$REPO"
    for b in reference_typed reference_sql; do
        v=$(lookup "$b" -)
        [ -n "$v" ] && say "in process (divan, schema_generation::$b): $v ms"
    done
    v=$(lookup synthetic 1000); [ -n "$v" ] && say "in process (divan, schema_generation::synthetic, N = 1,000): $v ms"
    say "(no target in issue 9: the workflow it replaces; \"same text\" = lithify's output is byte for byte diesel's)"
    log "item 3 done (load $(loadavg))"
fi

# --------------------------------------------------------------------- item 5
if want 5; then
    log "item 5: typed_apply (load $(loadavg))"
    $CARGO bench -q -p lithify-bench --bench typed_apply --manifest-path "$REPO/Cargo.toml" \
        2>"$OUT/typed_apply.err" | tee "$OUT/typed_apply.txt" >&2
    say ""
    say "item 5: the typed reference chain vs the same changes in SQL, applied by lithify to fresh SQLite files (typed_apply; per-round medians)"
    printf '%-7s %-5s %-4s %9s %12s %14s %13s %15s\n' rows sync fk "typed/sql" "typed-sql ms" "fk switch ms" "fk check ms" "legacy pair ms" | tee -a "$SUMMARY"
    sed -n 's/^summary: typed_apply //p' "$OUT/typed_apply.txt" | awk '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%-7s %-5s %-4s %9s %12s %14s %13s %15s\n", v["rows"], v["sync"], v["fk"],
            v["typed/sql"], v["typed-sql_ms"], v["fk_switch_ms"], v["fk_check_ms"], v["legacy_alter_ms"]
    }' | tee -a "$SUMMARY"
    sed -n 's/^summary: typed_statements //p' "$OUT/typed_apply.txt" | while read -r line; do
        say "statements alone: $line"
    done
    say "(target: typed/sql <= 1 with synchronous = full; the ms columns are per-round differences: the migrator's foreign-key switch, the check, the PRAGMA pair)"
    log "item 5 done (load $(loadavg))"
fi

# --------------------------------------------------------------------- item 2
# cargo --timings' UNIT_DATA -> "name<TAB>version<TAB>mode<TAB>target<TAB>duration".
parse_units() {
    awk '
        /const UNIT_DATA = \[/ { inside = 1; next }
        inside && /^\];/ { inside = 0 }
        !inside { next }
        /^    "name":/    { name = $0;    sub(/^    "name": "/, "", name);    sub(/",?$/, "", name) }
        /^    "version":/ { version = $0; sub(/^    "version": "/, "", version); sub(/",?$/, "", version) }
        /^    "mode":/    { mode = $0;    sub(/^    "mode": "/, "", mode);    sub(/",?$/, "", mode) }
        /^    "target":/  { target = $0;  sub(/^    "target": "/, "", target); sub(/",?$/, "", target) }
        /^    "duration":/ { d = $0; sub(/^    "duration": /, "", d); sub(/,$/, "", d)
                             print name "\t" version "\t" mode "\t" target "\t" d }
    ' "$1"
}

if want 2; then
    log "item 2: clean builds at $BASE and $NEW, $CLEAN_ROUNDS rounds, --jobs $JOBS (load $(loadavg))"
    C="$WORK/clean"
    mkdir -p "$C"
    for side in base new; do
        rev=$BASE; [ $side = new ] && rev=$NEW
        mkdir -p "$C/$side"
        git -C "$REPO" archive "$rev" | tar -x -C "$C/$side"
        echo "$side = $rev = $(git -C "$REPO" rev-parse --short "$rev")" >>"$OUT/item2-rounds.txt"
        app="$C/app-$side"
        mkdir -p "$app/src"
        cat >"$app/Cargo.toml" <<EOF
[package]
name = "schema_bench_app"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
lithify = { path = "$C/$side", default-features = false, features = ["sqlite"] }
diesel = { version = "2.2", default-features = false, features = ["sqlite"] }

[build-dependencies]
lithify-build = { path = "$C/$side/crates/lithify-build" }
EOF
        cat >"$app/build.rs" <<'EOF'
fn main() {
    lithify_build::Builder::new("migrations")
        .dialects([lithify_build::Dialect::Sqlite])
        .compile_or_exit();
}
EOF
        cat >"$app/src/main.rs" <<'EOF'
lithify::include_migrations!();

fn main() {
    println!("head={}", migrations::HEADS.join(","));
    println!("revisions={}", migrations::REVISIONS.len());
}
EOF
        # The same migrations for both: the reference chain as it was at $BASE
        # (SQL only), unsealed.
        cp -r "$C/base/migrations" "$app/migrations"
        rm -f "$app/migrations/lithify.lock"
        cp "$C/$side/Cargo.lock" "$app/Cargo.lock"
        $CARGO fetch -q --manifest-path "$app/Cargo.toml"
    done
    expected=$(ls -d "$C/base/migrations"/*_*/ | wc -l)
    walls_base=() walls_new=() diffs=()
    for ((r = 1; r <= CLEAN_ROUNDS; r++)); do
        order="base new"; [ $((r % 2)) = 0 ] && order="new base"
        declare -A wall=()
        for side in $order; do
            app="$C/app-$side"; t="$C/target-$side"
            rm -rf "$t"
            log "item 2 round $r: clean build at $side (load $(loadavg))"
            a=$EPOCHREALTIME
            CARGO_TARGET_DIR="$t" RUSTC_WRAPPER="" $CARGO build --jobs "$JOBS" --timings \
                --manifest-path "$app/Cargo.toml" 2>"$OUT/item2-$side-$r.log"
            b=$EPOCHREALTIME
            wall[$side]=$(elapsed "$a" "$b")
            got=$("$t/debug/schema_bench_app" | sed -n 's/^revisions=//p')
            [ "$got" = "$expected" ] || { echo "item 2: the $side app has $got revisions, expected $expected" >&2; exit 1; }
            cp "$t/cargo-timings/cargo-timing.html" "$OUT/item2-$side-$r-timings.html"
            parse_units "$t/cargo-timings/cargo-timing.html" >"$OUT/item2-$side-$r-units.tsv"
            rm -rf "$t"
            echo "item 2 round $r $side: ${wall[$side]} s, load $(loadavg)" >>"$OUT/item2-rounds.txt"
        done
        walls_base+=("${wall[base]}"); walls_new+=("${wall[new]}")
        diffs+=("$(awk -v n="${wall[new]}" -v b="${wall[base]}" 'BEGIN { printf "%.3f", n - b }')")
        unset wall
    done
    mb=$(printf '%s\n' "${walls_base[@]}" | median)
    mn=$(printf '%s\n' "${walls_new[@]}" | median)
    md=$(printf '%s\n' "${diffs[@]}" | median)
    say ""
    say "item 2: clean \`cargo build --jobs $JOBS\` (dev) of an app with lithify + lithify-build (build.rs: dialects([Sqlite])), fresh target dir, $CLEAN_ROUNDS rounds"
    say "$(awk -v b="$mb" -v n="$mn" -v d="$md" -v B="$BASE" -v N="$NEW" 'BEGIN { printf "at %s %.1f s, at %s %.1f s: %+.1f s (median over rounds of NEW - BASE; per round: ", B, b, N, n, d }')${diffs[*]} s)"
    say "(target: at most +10 s on this machine)"
    # Which crates: each crate's compile time (its units summed: build
    # script, library), median over the rounds, from cargo's --timings
    # data. Units overlap on $JOBS jobs, so these do not add up to the
    # wall time; they say where the difference comes from.
    say "  crates only at $NEW, and crates whose median compile time moved by more than 1 s (seconds; units summed per crate):"
    awk -F'\t' '
        function med(side, c,   n, i, j, x, a) {
            n = 0
            for (r in kind) if (kind[r] == side) { n++; a[n] = t[r, c] + 0 }
            for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            return n == 0 ? 0 : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
        }
        FNR == 1 { run = FILENAME; kind[run] = (FILENAME ~ /item2-base-/) ? "base" : "new" }
        { t[run, $1] += $5; at[kind[run], $1] = 1; seen[$1] = 1; total[run] += $5 }
        END {
            for (c in seen) {
                b = med("base", c); n = med("new", c)
                if (!(("base", c) in at)) printf "  only at NEW  %-26s %7.2f\n", c, n
                else if (!(("new", c) in at)) printf "  only at BASE %-26s %7.2f\n", c, b
                else if (n - b > 1 || b - n > 1) printf "  moved        %-26s %7.2f -> %7.2f\n", c, b, n
            }
            for (r in kind) { tk[kind[r]] += total[r]; nk[kind[r]]++ }
            printf "~ all crates, mean per build: %.1f s at BASE, %.1f s at NEW\n", tk["base"] / nk["base"], tk["new"] / nk["new"]
        }' "$OUT"/item2-*-units.tsv | sort | sed 's/^~/ /' | tee -a "$SUMMARY"
    log "item 2 done (load $(loadavg))"
fi

say ""
say "load: $(loadavg) at the end ($(date -u +%H:%M:%S) UTC); summary in $SUMMARY"

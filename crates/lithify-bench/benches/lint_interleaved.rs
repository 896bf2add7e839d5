//! Issue 12: what linting N draft revisions adds to the build, next to the
//! read + SHA-256 floor and to the same build with the lint off. Every
//! variant runs once per round, in a rotating order, for R rounds; prints
//! per-variant medians and the median of the per-round ratios (as
//! `apply_interleaved` does: the machine is shared, and pairing by round
//! cancels the drift of its load).
//!
//! The chain is `synth`'s (seed 1), unsealed: every revision is a draft,
//! so every one is linted.
//!
//! ```text
//! cargo bench -p lithify-bench --bench lint_interleaved          # N = 1000, 9 rounds
//! LITHIFY_BENCH_ROUNDS=5 LITHIFY_BENCH_NS=100,1000 cargo bench -p lithify-bench --bench lint_interleaved
//! ```

#[path = "common/mod.rs"]
mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{env_list, hash_chain, median};
use lithify_build::{Builder, Dialect};

const VARIANTS: [&str; 5] = [
    "floor_read_hash",
    "all3_lint_off",
    "all3_lint_on",
    "pg_schema_lint_off",
    "pg_schema_lint_on",
];

/// What each variant does: the floor, or the build script's work
/// (compile + generate) with the default three dialects or PostgreSQL
/// alone with its schema module, with and without the lint.
fn run(variant: usize, dir: &Path) -> Duration {
    let start = Instant::now();
    match variant {
        0 => {
            hash_chain(dir);
        }
        1 | 2 => build(Builder::new(dir).lint(variant == 2)),
        _ => build(
            Builder::new(dir)
                .dialects([Dialect::Postgres])
                .lint(variant == 4),
        ),
    }
    start.elapsed()
}

fn build(builder: Builder) {
    let chain = builder.compile().expect("the synthetic chain compiles");
    std::hint::black_box(builder.generate(&chain));
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // nothing to list; `cargo test` never runs this target anyway
    }
    let rounds = env_list("LITHIFY_BENCH_ROUNDS", &[9])[0];
    for n in env_list("LITHIFY_BENCH_NS", &[1_000]) {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("migrations");
        lithify_bench::synth::generate_into(n, common::SEED, &dir).expect("synthetic chain");
        let _ = std::fs::remove_file(dir.join("lithify.lock"));
        let chain = Builder::new(&dir).lint(false).compile().expect("compiles");
        let all = Dialect::ALL;
        let report = lithify_build::lint::lint_chain(&chain, &all, false).expect("lints");
        println!(
            "lint N = {n}: {} drafts linted for {} dialects, {} findings",
            report.revisions,
            all.len(),
            report.findings.len()
        );
        for v in 0..VARIANTS.len() {
            run(v, &dir); // warm-up: files in the page cache
        }
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); VARIANTS.len()];
        for round in 0..rounds {
            for k in 0..VARIANTS.len() {
                let v = (round + k) % VARIANTS.len();
                times[v].push(run(v, &dir).as_secs_f64());
            }
        }
        println!("build N = {n} drafts, {rounds} rounds (ms; ratios are medians over rounds of the per-round ratio)");
        println!(
            "{:<20} {:>9} {:>9} {:>9} {:>9} {:>13}",
            "variant", "median", "min", "max", "x floor", "x lint off"
        );
        for (v, name) in VARIANTS.iter().enumerate() {
            let ratio = |base: usize| {
                median(
                    times[v]
                        .iter()
                        .zip(&times[base])
                        .map(|(t, b)| t / b)
                        .collect(),
                )
            };
            let off = match v {
                2 => format!("{:.3}", ratio(1)),
                4 => format!("{:.3}", ratio(3)),
                _ => String::new(),
            };
            let min = times[v].iter().cloned().fold(f64::INFINITY, f64::min);
            let max = times[v].iter().cloned().fold(0.0, f64::max);
            println!(
                "{:<20} {:>9.2} {:>9.2} {:>9.2} {:>9.3} {:>13}",
                name,
                median(times[v].clone()) * 1e3,
                min * 1e3,
                max * 1e3,
                ratio(0),
                off
            );
        }
        println!();
    }
}

//! Apply N revisions to a fresh SQLite file, every variant once per round,
//! in a rotating order, for R rounds; prints per-variant medians and the
//! median of the per-round ratios to the floor.
//!
//! Why not divan here: applying is fsync-bound, and fsync latency on a shared
//! disk drifts by a factor of ten within minutes. divan runs all samples of one
//! variant back to back, so two variants can land in different disk weather.
//! Alternating them in each round and taking per-round ratios cancels the drift.
//!
//! ```text
//! cargo bench -p lithify-bench --bench apply_interleaved            # N = 100 and 1000, 9 rounds
//! LITHIFY_BENCH_ROUNDS=5 LITHIFY_BENCH_NS=1000 cargo bench -p lithify-bench --bench apply_interleaved
//! ```

#[path = "common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{env_list, fixtures, median};

const VARIANTS: [&str; 6] = [
    "floor_tx_each",
    "floor_one_tx",
    "diesel_from_path",
    "diesel_embedded",
    "lithify_upgrade",
    "lithify_one_tx",
];

fn run(variant: usize, n: usize) -> Duration {
    let chain = fixtures::chain(n);
    let migrator = fixtures::lithify_migrator(n);
    let source = fixtures::mem_source(n);
    let mut db = fixtures::FreshDb::new(&chain.scratch);
    let start = Instant::now();
    match variant {
        0 => common::floor_tx_each(&mut db.conn, &chain),
        1 => common::floor_one_tx(&mut db.conn, &chain),
        2 => common::diesel_from_path(&mut db.conn, &chain),
        3 => common::diesel_embedded(&mut db.conn, source),
        4 => common::lithify_upgrade(&mut db.conn, &migrator),
        _ => common::lithify_upgrade_one_tx(&mut db.conn, &migrator),
    }
    let took = start.elapsed();
    drop(db);
    took
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // nothing to list; `cargo test` never runs this target anyway
    }
    let rounds = env_list("LITHIFY_BENCH_ROUNDS", &[9])[0];
    for n in env_list("LITHIFY_BENCH_NS", &[100, 1_000]) {
        // Warm-up: generate, compile, leak, and touch every file once.
        for v in 0..VARIANTS.len() {
            run(v, n);
        }
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); VARIANTS.len()];
        for round in 0..rounds {
            for k in 0..VARIANTS.len() {
                let v = (round + k) % VARIANTS.len();
                times[v].push(run(v, n).as_secs_f64());
            }
        }
        println!("apply N = {n}, {rounds} rounds (seconds; ratio = median over rounds of variant / floor_tx_each in the same round)");
        println!(
            "{:<18} {:>10} {:>10} {:>10} {:>14} {:>14}",
            "variant", "median", "min", "max", "x tx_each", "x one_tx"
        );
        for (v, name) in VARIANTS.iter().enumerate() {
            let per_round = |floor: usize| {
                median(
                    times[v]
                        .iter()
                        .zip(&times[floor])
                        .map(|(t, f)| t / f)
                        .collect(),
                )
            };
            let min = times[v].iter().cloned().fold(f64::INFINITY, f64::min);
            let max = times[v].iter().cloned().fold(0.0, f64::max);
            println!(
                "{:<18} {:>10.4} {:>10.4} {:>10.4} {:>14.3} {:>14.3}",
                name,
                median(times[v].clone()),
                min,
                max,
                per_round(0),
                per_round(1)
            );
        }
        println!();
    }
    fixtures::cleanup();
}

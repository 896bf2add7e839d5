//! `synth`: writes a deterministic synthetic migration chain in diesel's layout.
//!
//! ```text
//! cargo run -p lithify-bench --bin synth -- --n 1000 --seed 1 --out /tmp/chain
//! # every other revision as revision.toml (typed operations), same changes:
//! cargo run -p lithify-bench --bin synth -- --n 1000 --seed 1 --typed-every 2 --out /tmp/typed
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Generate a synthetic diesel migrations directory (up.sql and down.sql per
/// revision), identical for identical arguments.
#[derive(Debug, Parser)]
#[command(name = "synth", version)]
struct Args {
    /// Number of revisions.
    #[arg(long, default_value_t = 1000)]
    n: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Directory to write (created if missing; must be empty).
    #[arg(long)]
    out: PathBuf,
    /// Write every K-th revision as revision.toml (typed operations making
    /// the same change): 2 = every other one, 1 = all; 0 (default) = none.
    #[arg(long, value_name = "K", default_value_t = 0)]
    typed_every: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let written = if args.typed_every == 0 {
        lithify_bench::synth::generate_into(args.n, args.seed, &args.out).map(|c| (c.len(), 0))
    } else {
        lithify_bench::synth::typed::generate_into(args.n, args.seed, args.typed_every, &args.out)
            .map(|c| (c.len(), c.iter().filter(|r| r.is_typed()).count()))
    };
    match written {
        Ok((n, typed)) => {
            println!(
                "wrote {n} revisions ({typed} typed, seed {}) to {}",
                args.seed,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synth: {}: {e}", args.out.display());
            ExitCode::FAILURE
        }
    }
}

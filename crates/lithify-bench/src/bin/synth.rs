//! `synth`: writes a deterministic synthetic migration chain in diesel's layout.
//!
//! ```text
//! cargo run -p lithify-bench --bin synth -- --n 1000 --seed 1 --out /tmp/chain
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
}

fn main() -> ExitCode {
    let args = Args::parse();
    match lithify_bench::synth::generate_into(args.n, args.seed, &args.out) {
        Ok(chain) => {
            println!(
                "wrote {} revisions (seed {}) to {}",
                chain.len(),
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

//! Compiles the reference chain in `migrations/` for the demo application
//! (`src/bin/jobboard.rs`), exactly as an application's build script would.

fn main() {
    lithify_build::Builder::new("migrations").compile_or_exit();
}

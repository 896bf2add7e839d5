//! Compiles the reference chain in `migrations/` for the demo application
//! (`src/bin/jobboard.rs`), exactly as an application's build script would:
//! the demo queries `migrations::schema`, the SQLite schema of the chain, and
//! the build fails when the committed `src/schema.rs` no longer matches it.

fn main() {
    lithify_build::Builder::new("migrations")
        .schema_dialect(lithify_build::Dialect::Sqlite)
        .compile_or_exit();
}

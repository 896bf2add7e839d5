//! Compile-time facts: code that names a revision compiles only while that
//! revision exists, and queries compile only against the schema the
//! migrations produce (trybuild cases in `ui-tests/`).

use std::path::Path;

#[test]
fn naming_revisions_is_checked_by_the_compiler() {
    // The module the build would generate for the reference chain, written
    // where the trybuild cases `include!` it from (see LITHIFY_UI_MODULE).
    // The packed data goes beside it, where the module's `include_str!` looks.
    let builder =
        lithify_build::Builder::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
            .module_file("ui_reference_migrations.rs")
            .schema_dialect(lithify_build::Dialect::Sqlite);
    let chain = builder
        .compile()
        .unwrap_or_else(|d| panic!("reference chain: {d}"));
    let module = builder
        .write_to(&chain, Path::new(env!("CARGO_TARGET_TMPDIR")))
        .unwrap_or_else(|d| panic!("write module: {d}"));
    std::env::set_var("LITHIFY_UI_MODULE", &module);

    let cases = trybuild::TestCases::new();
    cases.pass("ui-tests/pass/*.rs");
    cases.compile_fail("ui-tests/fail/*.rs");
}

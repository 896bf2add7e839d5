//! A real `cargo build` of a fixture crate whose build script calls
//! `compile_or_exit`: an added revision reruns the build script with no other
//! change (diesel #3119, sqlx #681), and a broken chain fails the build with the
//! rendered diagnostic and no panic.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cargo(app: &Path, target: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args(args)
        .arg("--offline")
        .arg("--manifest-path")
        .arg(app.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env_remove("LITHIFY_REQUIRE_SEALS")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo")
}

fn write(path: PathBuf, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

/// The target directory of this test run, so fixture builds reuse compiled
/// dependencies across runs without fighting over the outer build's lock.
fn fixture_target() -> PathBuf {
    let exe = std::env::current_exe().expect("exe");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir);
    target.join("lithify-build-fixtures")
}

#[test]
fn added_revision_reruns_the_build_script_and_broken_chain_fails_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let app = tmp.path().join("app");
    let crate_dir = env!("CARGO_MANIFEST_DIR");
    write(
        app.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"lithify_fixture_app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [workspace]\n\n[build-dependencies]\nlithify-build = {{ path = {crate_dir:?} }}\n"
        ),
    );
    // The workspace's lock pins the same dependency versions (and lets --offline work).
    fs::copy(
        Path::new(crate_dir).join("../../Cargo.lock"),
        app.join("Cargo.lock"),
    )
    .expect("lock");
    write(
        app.join("build.rs"),
        "fn main() {\n    lithify_build::Builder::new(\"migrations\").compile_or_exit();\n}\n",
    );
    write(
        app.join("src/main.rs"),
        "fn main() {\n    print!(\"{}\", include_str!(concat!(env!(\"OUT_DIR\"), \"/lithify_migrations.rs\")));\n}\n",
    );
    write(
        app.join("migrations/2024-01-01-000000_create_companies/up.sql"),
        "CREATE TABLE companies (id INT);\n",
    );
    let target = fixture_target();

    let first = cargo(&app, &target, &["run", "-q"]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let module = String::from_utf8_lossy(&first.stdout);
    assert!(
        module.contains("pub const HEAD: &str = \"20240101000000\";"),
        "{module}"
    );

    // Only a new file: nothing else in the crate changes.
    write(
        app.join("migrations/2024-01-02-000000_create_jobs/up.sql"),
        "CREATE TABLE jobs (id INT);\n",
    );
    let second = cargo(&app, &target, &["run", "-q"]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let module = String::from_utf8_lossy(&second.stdout);
    assert!(
        module.contains("pub const HEAD: &str = \"20240102000000\";"),
        "{module}"
    );

    write(
        app.join("migrations/2024-01-03-000000_add_salary/up.sql"),
        "ALTER TABLE jobs ADD COLUMN salary INT;\n",
    );
    write(
        app.join("migrations/2024-01-03-000000_add_salary/metadata.toml"),
        "parents = [\"20240102000001\"]\n",
    );
    let broken = cargo(&app, &target, &["build"]);
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(!broken.status.success(), "{stderr}");
    assert!(
        stderr.contains("names parent `20240102000001`, which does not exist"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--> migrations/2024-01-03-000000_add_salary/metadata.toml:1"),
        "{stderr}"
    );
    assert!(
        stderr.contains("lithify: 1 error(s) in the migrations directory"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

//! The generated diesel schema against the real `diesel print-schema`: each
//! chain is migrated onto a real database by lithify, diesel_cli prints the
//! schema of that database, and lithify prints the schema of the chain with
//! no database; the two texts must be identical, for every diesel.toml
//! `[print_schema]` variant listed here, on SQLite, PostgreSQL and MariaDB.
//!
//! diesel_cli is the reference, so it must be installed (`.ci/run` installs
//! it: `cargo install diesel_cli --no-default-features --features
//! sqlite,postgres,mysql`); `DIESEL` names the binary when it is not on PATH
//! or in ~/.cargo/bin.

#![cfg(feature = "cli")]

mod server_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use lithify_build::{Builder, Dialect};
use server_support::{migrator_for, ServerDb};

/// Keys every variant starts with: lithify's bookkeeping tables are not part
/// of the chain's schema, and print-schema would list them.
const IGNORE_BOOKKEEPING: &str = "filter = { except_tables = [\"^lithify_revisions\"] }\n";

/// Variants of `[print_schema]` to compare under, for every engine.
const COMMON_VARIANTS: &[&str] = &[
    "",
    "with_docs = true\n",
    "with_docs = \"only-database-comments\"\n",
    "column_sorting = \"name\"\n",
    "allow_tables_to_appear_in_same_query_config = \"fk_related_tables\"\n",
    "allow_tables_to_appear_in_same_query_config = \"none\"\n",
    "custom_type_derives = [\"diesel::query_builder::QueryId\", \"Clone\", \"std::fmt::Debug\"]\n",
    "import_types = [\"diesel::sql_types::*\", \"crate::extra::*\"]\n",
    "generate_missing_sql_type_definitions = false\n",
];

fn diesel_cli() -> PathBuf {
    if let Some(path) = std::env::var_os("DIESEL") {
        return PathBuf::from(path);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let in_cargo = home.join(".cargo/bin/diesel");
    if in_cargo.is_file() {
        return in_cargo;
    }
    PathBuf::from("diesel")
}

/// What diesel print-schema prints for the database at `url`, run in `crate_root`.
fn print_schema(crate_root: &Path, url: &str) -> String {
    let out = Command::new(diesel_cli())
        .args(["print-schema", "--database-url", url])
        .current_dir(crate_root)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run diesel_cli ({e}); install it: cargo install diesel_cli \
                 --no-default-features --features sqlite,postgres,mysql"
            )
        });
    assert!(
        out.status.success(),
        "diesel print-schema failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What lithify prints for `migrations` on `dialect`, with the diesel.toml of `crate_root`.
fn lithify_schema(migrations: &Path, crate_root: &Path, dialect: Dialect) -> String {
    let chain = Builder::new(migrations)
        .schema_dialect(dialect)
        .crate_root(crate_root)
        .compile()
        .unwrap_or_else(|d| panic!("{d}"));
    chain.schema.expect("a schema").text
}

/// Compare under every variant; `url` is a database `migrations` is applied to.
fn agree_under_variants(migrations: &Path, dialect: Dialect, url: &str, extra: &[&str]) {
    let root = tempfile::tempdir().expect("temp dir");
    for variant in COMMON_VARIANTS.iter().chain(extra) {
        // A variant with its own filter leaves the bookkeeping tables out itself.
        let ignore = if variant.contains("filter") {
            ""
        } else {
            IGNORE_BOOKKEEPING
        };
        let toml = format!("[print_schema]\n{ignore}{variant}");
        std::fs::write(root.path().join("diesel.toml"), &toml).expect("diesel.toml");
        let theirs = print_schema(root.path(), url);
        let ours = lithify_schema(migrations, root.path(), dialect);
        assert_eq!(
            ours,
            theirs,
            "{} on {dialect} with diesel.toml:\n{toml}",
            migrations.display()
        );
    }
}

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/schema_print")
        .join(name)
}

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

fn sqlite_database(migrations: &Path) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("app.db");
    let url = path.to_string_lossy().into_owned();
    let mut conn =
        <diesel::SqliteConnection as diesel::Connection>::establish(&url).expect("sqlite");
    migrator_for(migrations)
        .upgrade_to_head(&mut conn)
        .expect("upgrade");
    (dir, url)
}

#[test]
fn sqlite_reference_chain() {
    let (_db, url) = sqlite_database(&reference());
    agree_under_variants(&reference(), Dialect::Sqlite, &url, &[]);
}

#[test]
fn sqlite_types_keys_and_rowids() {
    let migrations = case("sqlite_types");
    let (_db, url) = sqlite_database(&migrations);
    agree_under_variants(
        &migrations,
        Dialect::Sqlite,
        &url,
        &["sqlite_integer_primary_key_is_bigint = true\n"],
    );
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use server_support::*;

    fn migrated(migrations: &Path) -> ServerDb<Postgres> {
        let db = ServerDb::<Postgres>::new("oracle");
        migrator_for(migrations)
            .upgrade_to_head(&mut db.conn())
            .expect("upgrade");
        db
    }

    #[test]
    fn postgres_reference_chain() {
        let db = migrated(&reference());
        agree_under_variants(&reference(), Dialect::Postgres, &db.url, &[]);
    }

    #[test]
    fn postgres_types_enums_domains_arrays_and_schemas() {
        let migrations = case("postgres_types");
        let db = migrated(&migrations);
        agree_under_variants(
            &migrations,
            Dialect::Postgres,
            &db.url,
            &[
                "schema = \"archive\"\n",
                "pg_domains_as_custom_types = [\"short\"]\n",
                "except_custom_type_definitions = [\"Mood\"]\n",
                "filter = { only_tables = [\"post\"] }\n",
                "custom_type_derives = [\"diesel::query_builder::QueryId\", \"Clone\", \"std::fmt::Debug\", \"Copy\", \"PartialEq\", \"Eq\", \"Hash\"]\n",
            ],
        );
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;
    use server_support::*;

    fn migrated(migrations: &Path) -> ServerDb<Mysql> {
        let db = ServerDb::<Mysql>::new("oracle");
        migrator_for(migrations)
            .upgrade_to_head(&mut db.conn())
            .expect("upgrade");
        db
    }

    #[test]
    fn mysql_reference_chain() {
        let db = migrated(&reference());
        agree_under_variants(&reference(), Dialect::Mysql, &db.url, &[]);
    }

    #[test]
    fn mysql_types_enums_unsigned_and_keys() {
        let migrations = case("mysql_types");
        let db = migrated(&migrations);
        agree_under_variants(&migrations, Dialect::Mysql, &db.url, &[]);
    }
}

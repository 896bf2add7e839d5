//! The fold's subtle rules, one test each; the agreement with the real
//! engines is tested by the corpus in the workspace's `tests/schema_model.rs`.

use proptest::prelude::*;

use super::{fold_all, Fold, FoldNote, RevisionSql};
use crate::model::{Dialect, IndexPart, MysqlFlavor, ObjectName, Schema, SqlType, Table};

fn fold_with(dialect: Dialect, flavor: MysqlFlavor, sql: &str) -> (Schema, Vec<FoldNote>) {
    let mut fold = Fold::new(dialect).with_mysql_flavor(flavor);
    fold.apply(&RevisionSql {
        revision: "r1",
        file: "up.sql".as_ref(),
        sql,
    });
    let notes = fold.take_notes();
    (fold.into_schema(), notes)
}

/// The schema `sql` makes, which must need no note.
fn fold_ok(dialect: Dialect, sql: &str) -> Schema {
    let (schema, notes) = fold_with(dialect, MysqlFlavor::Unknown, sql);
    assert!(notes.is_empty(), "unexpected notes: {notes:#?}");
    schema
}

/// The notes `sql` gives, each naming exactly the tables `unknown` lists.
fn fold_unknown(
    dialect: Dialect,
    flavor: MysqlFlavor,
    sql: &str,
    unknown: &[&str],
) -> Vec<FoldNote> {
    let (schema, notes) = fold_with(dialect, flavor, sql);
    let marked: Vec<String> = schema
        .tables
        .iter()
        .filter(|t| t.unknown.is_some())
        .map(|t| t.name.to_string())
        .collect();
    assert_eq!(marked, unknown, "notes: {notes:#?}");
    assert!(!notes.is_empty());
    notes
}

fn table<'a>(schema: &'a Schema, name: &str) -> &'a Table {
    schema
        .find_table(&ObjectName::new(name))
        .unwrap_or_else(|| panic!("no table {name} in {schema:#?}"))
}

#[test]
fn postgres_folds_a_unique_written_twice_and_keeps_the_written_name() {
    let s = fold_ok(
        Dialect::Postgres,
        "CREATE TABLE t (a INT PRIMARY KEY UNIQUE, b INT UNIQUE, UNIQUE (b), CONSTRAINT named UNIQUE (b), UNIQUE (a, b));",
    );
    let names: Vec<_> = table(&s, "t")
        .uniques
        .iter()
        .map(|u| u.name.clone().unwrap_or_default())
        .collect();
    // The first UNIQUE (b) was unnamed: it takes the name written on its
    // duplicate; UNIQUE on the key's column is the key.
    assert_eq!(names, ["named", "t_a_b_key"]);
}

#[test]
fn postgres_references_without_columns_are_the_primary_key() {
    let s = fold_ok(
        Dialect::Postgres,
        "CREATE TABLE p (x INT, y INT, PRIMARY KEY (x, y));
         CREATE TABLE c (a INT, b INT, id INT PRIMARY KEY, parent INT REFERENCES c, FOREIGN KEY (a, b) REFERENCES p);",
    );
    let fks = &table(&s, "c").foreign_keys;
    assert_eq!(
        fks[0].ref_columns,
        ["id"],
        "a reference to the table itself"
    );
    assert_eq!(fks[1].ref_columns, ["x", "y"]);
    // Not knowing the referenced key is not a guess.
    fold_unknown(
        Dialect::Postgres,
        MysqlFlavor::Unknown,
        "CREATE TABLE c (id INT REFERENCES made_elsewhere);",
        &["c"],
    );
}

#[test]
fn postgres_constraint_names_skip_names_taken_in_the_schema() {
    let s = fold_ok(
        Dialect::Postgres,
        "CREATE TABLE other (x INT CONSTRAINT t_a_check CHECK (x > 0));
         CREATE INDEX t_a_key ON other (x);
         CREATE TABLE t (a INT CHECK (a > 0) UNIQUE);",
    );
    let t = table(&s, "t");
    assert_eq!(t.checks[0].name.as_deref(), Some("t_a_check1"));
    assert_eq!(t.uniques[0].name.as_deref(), Some("t_a_key1"));
}

#[test]
fn a_column_references_on_mysql_depends_on_the_server() {
    let sql = "CREATE TABLE p (id INT PRIMARY KEY); CREATE TABLE c (p_id INT REFERENCES p (id));";
    let notes = fold_unknown(Dialect::Mysql, MysqlFlavor::Unknown, sql, &["c"]);
    assert!(notes[0].message.contains("MariaDB"), "{notes:#?}");
    let (mysql, notes) = fold_with(Dialect::Mysql, MysqlFlavor::Mysql, sql);
    assert!(notes.is_empty() && table(&mysql, "c").foreign_keys.is_empty());
    let (mariadb, notes) = fold_with(Dialect::Mysql, MysqlFlavor::Mariadb, sql);
    assert!(notes.is_empty());
    assert_eq!(
        table(&mariadb, "c").foreign_keys[0].name.as_deref(),
        Some("c_ibfk_1")
    );
}

#[test]
fn mariadb_json_is_a_checked_longtext_whose_check_follows_the_column() {
    let (s, _) = fold_with(
        Dialect::Mysql,
        MysqlFlavor::Mariadb,
        "CREATE TABLE d (a JSON, b JSON CHECK (b IS NOT NULL), c INT CHECK (c > 0), CHECK (c < 9));
         ALTER TABLE d MODIFY c BIGINT, CHANGE a e JSON;",
    );
    let d = table(&s, "d");
    assert_eq!(d.columns[0].ty.to_string(), "longtext");
    let checks: Vec<_> = d.checks.iter().filter_map(|c| c.name.as_deref()).collect();
    // c's own CHECK went with its redefinition; a's became e's.
    assert_eq!(checks, ["b", "CONSTRAINT_1", "e"]);
    // Without the flavor, JSON stays JSON.
    let s = fold_ok(Dialect::Mysql, "CREATE TABLE d (a JSON);");
    assert!(matches!(&table(&s, "d").columns[0].ty, SqlType::Mysql(t) if t.name == "json"));
}

#[test]
fn innodb_drops_its_foreign_key_index_once_another_covers_it() {
    let s = fold_ok(
        Dialect::Mysql,
        "CREATE TABLE p (id INT PRIMARY KEY);
         CREATE TABLE c (id INT PRIMARY KEY, a INT, b INT, KEY kb (b),
             FOREIGN KEY (a) REFERENCES p (id), FOREIGN KEY (b) REFERENCES p (id));
         CREATE INDEX ia ON c (a, b);
         CREATE INDEX ib ON c (b, a);",
    );
    let names: Vec<_> = table(&s, "c")
        .indexes
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    // `a` was InnoDB's and goes; `kb` was written and stays.
    assert_eq!(names, ["kb", "ia", "ib"]);
}

#[test]
fn innodb_foreign_key_names_follow_a_table_rename() {
    let s = fold_ok(
        Dialect::Mysql,
        "CREATE TABLE p (id INT PRIMARY KEY);
         CREATE TABLE jobs (a INT, b INT, FOREIGN KEY (a) REFERENCES p (id), CONSTRAINT jobs_ibfk_x FOREIGN KEY (b) REFERENCES p (id));
         RENAME TABLE jobs TO posts;",
    );
    let names: Vec<_> = table(&s, "posts")
        .foreign_keys
        .iter()
        .filter_map(|f| f.name.as_deref())
        .collect();
    assert_eq!(names, ["posts_ibfk_1", "jobs_ibfk_x"]);
}

#[test]
fn do_blocks_are_applied_noted_or_harmless_by_their_body() {
    // Plain statements, and the CREATE TYPE IF NOT EXISTS idiom.
    let idiom = "DO $$ BEGIN CREATE TYPE mood AS ENUM ('a'); EXCEPTION WHEN duplicate_object THEN null; END $$;";
    let s = fold_ok(
        Dialect::Postgres,
        &format!("DO $$ BEGIN CREATE TABLE t (x INT); END $$; {idiom} {idiom}"),
    );
    assert!(s.find_table(&"t".into()).is_some());
    assert_eq!(s.types.len(), 1);
    // Dynamic SQL: the tables it mentions, even inside strings, are unknown.
    let notes = fold_unknown(
        Dialect::Postgres,
        MysqlFlavor::Unknown,
        "CREATE TABLE t (x INT); CREATE TABLE u (y INT);
         DO $$ BEGIN EXECUTE 'ALTER TABLE ' || 't' || ' ADD z INT'; END $$;",
        &["t"],
    );
    assert!(notes[0].message.contains("EXECUTE"));
    // No DDL: nothing to say.
    fold_ok(
        Dialect::Postgres,
        "DO $$ BEGIN IF true THEN RAISE NOTICE 'x; y'; END IF; END $$;",
    );
}

#[test]
fn select_into_makes_a_table_only_on_postgres() {
    fold_unknown(
        Dialect::Postgres,
        MysqlFlavor::Unknown,
        "CREATE TABLE t (x INT); SELECT x INTO copy FROM t;",
        &["copy"],
    );
    let s = fold_ok(
        Dialect::Mysql,
        "CREATE TABLE t (x INT); SELECT x INTO @v FROM t;",
    );
    assert_eq!(s.tables.len(), 1);
}

#[test]
fn a_search_path_away_from_public_is_noted() {
    fold_ok(
        Dialect::Postgres,
        "SELECT pg_catalog.set_config('search_path', '', false);
         SET search_path TO \"$user\", public; SET search_path = public;",
    );
    for sql in [
        "SET search_path TO app, public;",
        "SET LOCAL search_path = 'app';",
        "SELECT set_config('search_path', 'app,public', false);",
    ] {
        let (_, notes) = fold_with(Dialect::Postgres, MysqlFlavor::Unknown, sql);
        assert!(
            notes[0]
                .message
                .contains("search_path now starts with `app`"),
            "{sql}: {notes:#?}"
        );
    }
}

#[test]
fn postgres_alter_column_forms_the_parser_lacks_are_followed() {
    let s = fold_ok(
        Dialect::Postgres,
        "CREATE TABLE t (a INT GENERATED ALWAYS AS IDENTITY, b INT GENERATED BY DEFAULT AS IDENTITY,
                         c INT, d INT GENERATED ALWAYS AS (c * 2) STORED);
         ALTER TABLE t ALTER COLUMN a SET GENERATED BY DEFAULT RESTART WITH 10,
                       ALTER COLUMN b DROP IDENTITY IF EXISTS,
                       ALTER c SET STATISTICS 100,
                       ALTER COLUMN d DROP EXPRESSION;",
    );
    let t = table(&s, "t");
    use crate::model::Identity;
    assert_eq!(t.columns[0].identity, Some(Identity::ByDefault));
    assert_eq!(t.columns[1].identity, None);
    assert!(t.columns[3].generated.is_none());
    // One part the fold does not know makes the whole statement unknown.
    fold_unknown(
        Dialect::Postgres,
        MysqlFlavor::Unknown,
        "CREATE TABLE t (a INT); ALTER TABLE t ALTER COLUMN a SET STATISTICS 5, OF some_type;",
        &["t"],
    );
}

#[test]
fn mysql_keys_name_columns_as_the_table_spells_them() {
    let s = fold_ok(
        Dialect::Mysql,
        "CREATE TABLE p (Id INT PRIMARY KEY);
         CREATE TABLE c (Ref INT, KEY (ref), FOREIGN KEY (REF) REFERENCES p (id));",
    );
    let c = table(&s, "c");
    assert_eq!(c.indexes[0].name, "Ref");
    assert_eq!(c.indexes[0].parts, [IndexPart::Column("Ref".into())]);
    assert_eq!(c.foreign_keys[0].columns, ["Ref"]);
    assert_eq!(c.foreign_keys[0].ref_columns, ["Id"]);
}

#[test]
fn sqlite_keeps_declared_types_as_written() {
    let s = fold_ok(
        Dialect::Sqlite,
        "CREATE TABLE t (a UNSIGNED BIG INT, b, c VARYING CHARACTER(255), d INTEGER PRIMARY KEY UNIQUE);
         ALTER TABLE t ADD COLUMN e DOUBLE PRECISION NOT NULL DEFAULT 0;",
    );
    let types: Vec<String> = table(&s, "t")
        .columns
        .iter()
        .map(|c| c.ty.to_string())
        .collect();
    assert_eq!(
        types,
        [
            "UNSIGNED BIG INT",
            "",
            "VARYING CHARACTER(255)",
            "INTEGER",
            "DOUBLE PRECISION"
        ]
    );
    // The rowid alias has no index for the UNIQUE to share.
    assert_eq!(table(&s, "t").uniques.len(), 1);
}

#[test]
fn triggers_are_kept_as_written_and_follow_their_table() {
    let s = fold_ok(
        Dialect::Sqlite,
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT);\n\
         CREATE TABLE log (msg TEXT);\n\
         CREATE TRIGGER IF NOT EXISTS jobs_log AFTER INSERT ON jobs BEGIN INSERT INTO log VALUES (new.title); END;\n\
         CREATE TEMP TRIGGER scratch AFTER INSERT ON log BEGIN SELECT 1; END;\n\
         ALTER TABLE jobs RENAME TO posts;",
    );
    assert_eq!(s.triggers.len(), 1, "{:#?}", s.triggers);
    assert_eq!(s.triggers[0].name, ObjectName::new("jobs_log"));
    assert_eq!(s.triggers[0].table, ObjectName::new("posts"));
    assert!(s.triggers[0]
        .sql
        .starts_with("CREATE TRIGGER IF NOT EXISTS jobs_log"));
    assert!(s.triggers[0].sql.ends_with("END"));
    let dropped = fold_ok(
        Dialect::Sqlite,
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\n\
         CREATE TRIGGER t1 AFTER INSERT ON a BEGIN SELECT 1; END;\n\
         CREATE TRIGGER t2 AFTER DELETE ON a BEGIN SELECT 1; END;\n\
         DROP TRIGGER IF EXISTS t1;",
    );
    assert_eq!(dropped.triggers.len(), 1);
    let gone = fold_ok(
        Dialect::Postgres,
        "CREATE TABLE a (id INT PRIMARY KEY);\n\
         CREATE TRIGGER t AFTER INSERT ON public.a FOR EACH ROW EXECUTE FUNCTION f();\n\
         DROP TABLE a;",
    );
    assert!(gone.triggers.is_empty(), "{:#?}", gone.triggers);
}

#[test]
fn statements_cut_short_are_not_read() {
    // The first panicked on a slice past its end; the others are its kin.
    for sql in [
        "CREATE TYPE t AS (a int); ALTER TYPE t ADD ATTRIBUTE CASCADE;",
        "CREATE DOMAIN d",
        "ALTER TABLE t ADD COLUMN (",
    ] {
        let _ = fold_with(Dialect::Postgres, MysqlFlavor::Unknown, sql);
        let _ = fold_with(Dialect::Mysql, MysqlFlavor::Mariadb, sql);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
    ))]

    /// Any text: the fold notes or ignores it, and never panics.
    #[test]
    fn the_fold_never_panics_on_any_text(sql in "\\PC{0,200}") {
        for dialect in Dialect::ALL {
            let _ = fold_all(dialect, [RevisionSql { revision: "r", file: "up.sql".as_ref(), sql: &sql }]);
        }
    }

    /// SQL-shaped text, closer to what the fold reads.
    #[test]
    fn the_fold_never_panics_on_sql_like_text(
        words in proptest::collection::vec(prop::sample::select(vec![
            "CREATE", "ALTER", "DROP", "TABLE", "INDEX", "TYPE", "DOMAIN", "VIEW", "DO", "t", "\"T\"",
            "`t`", "c", "ADD", "COLUMN", "RENAME", "TO", "ON", "ONLY", "IF", "EXISTS", "NOT", "NULL",
            "INT", "TEXT", "PRIMARY", "KEY", "REFERENCES", "(", ")", ",", ";", "$$", "'x'", "BEGIN",
            "END", "EXECUTE", "SET", "SCHEMA", "ATTRIBUTE", "GENERATED", "IDENTITY", "CHECK", "UNIQUE",
            "MODIFY", "CHANGE", "FIRST", "AFTER", "JSON", "PERSISTENT", "FULLTEXT", "CONSTRAINT",
            "CASCADE", "AS", "COLLATE", "EXCEPTION", "WHEN", "THEN", "WITHOUT", "ROWID", "LIKE",
            "CONCURRENTLY", "RECURSIVE", "INTO", "search_path", "=", "KEY", "FOREIGN",
        ]), 0..40)
    ) {
        let sql = words.join(" ");
        for dialect in Dialect::ALL {
            for flavor in [MysqlFlavor::Unknown, MysqlFlavor::Mariadb] {
                let mut fold = Fold::new(dialect).with_mysql_flavor(flavor);
                fold.apply(&RevisionSql { revision: "r", file: "up.sql".as_ref(), sql: &sql });
            }
        }
    }
}

//! Helpers for the rules' tests: a draft revision linted for one rule on
//! top of a setup revision, and its findings rendered as a tool sees them.

use std::path::Path;

use super::{output, Finding, Level, Linter, RevisionInput, Rule, Settings, SqlFile, Up};
use crate::model::Dialect;

/// Snapshot `$value` as `snapshots/lint__<name>.snap` in the workspace.
macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/../../snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(concat!("lint__", $name), $value);
        })
    };
}
pub(crate) use snap;

/// One rule on one dialect: what a draft revision of SQL finds after a
/// sealed setup revision.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    rule: Rule,
    dialect: Dialect,
    setup: String,
    settings: Settings,
    transactional: bool,
    down: Option<String>,
}

/// A case for `rule` on `dialect`, with no setup.
pub(crate) fn case(rule: Rule, dialect: Dialect) -> Case {
    // Only the rule under test, at least at `warn` (some are off by default).
    let mut settings = Settings::default();
    for other in Rule::ALL {
        settings.set_level(*other, Level::Allow);
    }
    let level = rule.default_level().max(Level::Warn);
    Case {
        rule,
        dialect,
        setup: String::new(),
        settings: settings.with_level(rule, level),
        transactional: true,
        down: None,
    }
}

impl Case {
    /// The SQL of the revision before the draft (not linted).
    pub(crate) fn setup(mut self, sql: &str) -> Case {
        self.setup = sql.to_owned();
        self
    }

    /// The draft runs outside a transaction (`run_in_transaction = false`).
    pub(crate) fn non_transactional(mut self) -> Case {
        self.transactional = false;
        self
    }

    /// `[lint] postgres_version`.
    pub(crate) fn postgres(mut self, version: u32) -> Case {
        self.settings.postgres_version = version;
        self
    }

    /// The draft's down.sql.
    pub(crate) fn down(mut self, sql: &str) -> Case {
        self.down = Some(sql.to_owned());
        self
    }

    /// The findings of the draft whose up is `sql`.
    pub(crate) fn findings(&self, sql: &str) -> Vec<Finding> {
        let mut linter = Linter::new(self.dialect, self.settings.clone());
        let setup = RevisionInput {
            id: "0001",
            transactional: true,
            lint: false,
            up: Up::Sql(SqlFile {
                file: Path::new("0001/up.sql"),
                sql: &self.setup,
            }),
            down: None,
        };
        assert!(linter.lint_revision(&setup).is_empty());
        let draft = RevisionInput {
            id: "0002",
            transactional: self.transactional,
            lint: true,
            up: Up::Sql(SqlFile {
                file: Path::new("0002/up.sql"),
                sql,
            }),
            down: self.down.as_deref().map(|sql| SqlFile {
                file: Path::new("0002/down.sql"),
                sql,
            }),
        };
        let found = linter.lint_revision(&draft);
        assert!(found.iter().all(|f| f.rule == self.rule), "{found:#?}");
        found
    }

    /// Assert the draft finds nothing.
    #[track_caller]
    pub(crate) fn ok(&self, sql: &str) {
        let found = self.findings(sql);
        assert!(found.is_empty(), "{}", render(&found));
    }

    /// The draft's findings, rendered (gcc line, then the help); asserts
    /// there is at least one.
    #[track_caller]
    pub(crate) fn errors(&self, sql: &str) -> String {
        let found = self.findings(sql);
        assert!(!found.is_empty(), "no finding for:\n{sql}");
        render(&found)
    }
}

/// Findings as a tool shows them: the gcc line, then `  help: ...`.
pub(crate) fn render(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let line = output::gcc(std::slice::from_ref(f));
            format!("{}  help: {}\n", line, f.help)
        })
        .collect()
}

/// A PostgreSQL table with rows to lock.
pub(crate) const PG_JOBS: &str = "CREATE TABLE jobs (id bigint PRIMARY KEY, title text, salary integer, company_id bigint);\nCREATE TABLE companies (id bigint PRIMARY KEY, name text);";

/// The same on SQLite.
pub(crate) const SQLITE_JOBS: &str = "CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT, salary INTEGER, company_id INTEGER);\nCREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT);";

/// The same on MySQL.
pub(crate) const MYSQL_JOBS: &str = "CREATE TABLE jobs (id BIGINT PRIMARY KEY, title VARCHAR(50), salary INT, company_id BIGINT);\nCREATE TABLE companies (id BIGINT PRIMARY KEY, name TEXT);";

//! Lint: migration hazards found before anyone runs the migration — a
//! statement that will lock a big table, fail on SQLite, or lose data —
//! each with the line and the safe way to write it.
//!
//! A [`Linter`] walks a chain for one dialect, folding every revision into
//! the schema ([`crate::fold`]) statement by statement; the revisions it is
//! told to lint ([`RevisionInput::lint`]) have every statement read by the
//! rules with the schema *before* it, what the file did before it (tables
//! created in the same revision), and whether the revision runs in a
//! transaction ([`Linter::lint_revision`]). Downs are linted against the
//! schema their up leaves, with the rules whose finding means the down
//! fails or loses data ([`Settings::check_down`] adds the rest).
//!
//! One file per rule (`rules/<rule_name>.rs`, one crate-private function of
//! the same name), and one table below ([`Rule`]) that gives each its id,
//! its default level, its engines and its place in the dispatch; the rule
//! ids are squawk's where the hazard is the same, so users can map them.
//!
//! Annotations in the SQL: `-- lithify:allow(rule-id, ...)` in or just
//! before a statement turns those rules off for it, and diesel-guard's
//! `-- safety-assured:start` / `-- safety-assured:end` turn every rule off
//! for the statements between them.

mod annotations;
mod capacity;
mod context;
mod finding;
pub mod output;
mod settings;
mod walk;

#[cfg(test)]
mod testing;

use crate::model::Dialect;
use context::RuleFn;

pub use context::Direction;
pub use finding::{merge, Finding};
pub use settings::{Level, Settings, DEFAULT_POSTGRES_VERSION};
pub use walk::{Linter, RevisionInput, SqlFile, TypedInput, Up};

/// The registry: one row per rule, from which the [`Rule`] enum, its id,
/// default level, engines, whether it runs on downs, its summary and its
/// dispatch are all derived, and the rule modules declared. The id is the
/// module's name with `-` for `_` (a test checks it).
macro_rules! registry {
    ($(
        $variant:ident => $module:ident, $id:literal, $level:ident,
        [$($engine:ident),+], down: $down:literal, $summary:literal;
    )+) => {
        mod rules {
            $(pub(super) mod $module;)+
        }

        /// A lint rule. [`Rule::id`] is the name users write in
        /// `lithify.toml` and in `-- lithify:allow(...)`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $(#[doc = $summary] $variant,)+
        }

        impl Rule {
            /// Every rule, in the table's order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            /// The rule's id (`require-concurrent-index-creation`).
            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)+ }
            }

            /// Its level when `lithify.toml` does not set one.
            pub fn default_level(self) -> Level {
                match self { $(Rule::$variant => Level::$level,)+ }
            }

            /// The engines whose statements it reads.
            pub fn engines(self) -> &'static [Dialect] {
                match self { $(Rule::$variant => &[$(Dialect::$engine),+],)+ }
            }

            /// True when a finding of it in a down means the down fails or
            /// loses data: it runs on downs without `check_down`.
            pub fn on_down(self) -> bool {
                match self { $(Rule::$variant => $down,)+ }
            }

            /// What it finds, in a few words.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)+ }
            }

            fn check(self) -> RuleFn {
                match self { $(Rule::$variant => rules::$module::$module,)+ }
            }

            #[cfg(test)]
            fn module(self) -> &'static str {
                match self { $(Rule::$variant => stringify!($module),)+ }
            }
        }
    };
}

registry! {
    AddingFieldWithDefault => adding_field_with_default, "adding-field-with-default", Warn,
        [Postgres], down: false,
        "ADD COLUMN with a default that rewrites the table (a volatile one; any before PostgreSQL 11)";
    AddingForeignKeyConstraint => adding_foreign_key_constraint, "adding-foreign-key-constraint", Warn,
        [Postgres], down: false,
        "a foreign key added to an existing table without NOT VALID (locks both tables while it scans)";
    AddingNotNullableField => adding_not_nullable_field, "adding-not-nullable-field", Warn,
        [Postgres], down: false,
        "SET NOT NULL on an existing column (scans the table under an ACCESS EXCLUSIVE lock)";
    AddingRequiredField => adding_required_field, "adding-required-field", Deny,
        [Sqlite, Postgres], down: true,
        "a NOT NULL column without a default added to an existing table (fails when it has rows)";
    AddingSerialPrimaryKeyField => adding_serial_primary_key_field, "adding-serial-primary-key-field", Warn,
        [Postgres], down: false,
        "a primary key added to an existing table (builds its index under an ACCESS EXCLUSIVE lock)";
    BanCharField => ban_char_field, "ban-char-field", Warn,
        [Postgres], down: false,
        "a char(n) column (blank-padded; text or varchar is what is meant)";
    BanConcurrentIndexCreationInTransaction => ban_concurrent_index_creation_in_transaction,
        "ban-concurrent-index-creation-in-transaction", Deny,
        [Postgres], down: true,
        "CONCURRENTLY in a transactional revision (PostgreSQL refuses it)";
    BanDropColumn => ban_drop_column, "ban-drop-column", Warn,
        [Sqlite, Postgres, Mysql], down: false,
        "a column dropped while the running application may still use it";
    BanDropTable => ban_drop_table, "ban-drop-table", Warn,
        [Sqlite, Postgres, Mysql], down: false,
        "a table dropped while the running application may still use it";
    ChangingColumnType => changing_column_type, "changing-column-type", Warn,
        [Postgres, Mysql], down: false,
        "a column type change that rewrites or copies the table under a lock";
    ConstraintMissingNotValid => constraint_missing_not_valid, "constraint-missing-not-valid", Warn,
        [Postgres], down: false,
        "a CHECK added without NOT VALID, or validated in the transaction that added it";
    DisallowedUniqueConstraint => disallowed_unique_constraint, "disallowed-unique-constraint", Warn,
        [Postgres], down: false,
        "a UNIQUE constraint added to an existing table (builds its index under an ACCESS EXCLUSIVE lock)";
    DownDropsPreexistingObject => down_drops_preexisting_object, "down-drops-preexisting-object", Warn,
        [Sqlite, Postgres, Mysql], down: true,
        "a down that drops a table, column or index its up did not create";
    IdentifierTooLong => identifier_too_long, "identifier-too-long", Warn,
        [Postgres, Mysql], down: false,
        "a name longer than the engine keeps (PostgreSQL truncates past 63 bytes; MySQL refuses past 64 characters)";
    InvalidLintAnnotation => invalid_lint_annotation, "invalid-lint-annotation", Warn,
        [Sqlite, Postgres, Mysql], down: true,
        "a `lithify:allow` naming no rule, or an unmatched `safety-assured` marker";
    MixingDdlAndDml => mixing_ddl_and_dml, "mixing-ddl-and-dml", Warn,
        [Mysql], down: false,
        "a MySQL revision mixing DDL with data changes (each DDL commits, so a failure leaves it half applied)";
    NarrowingColumnType => narrowing_column_type, "narrowing-column-type", Warn,
        [Postgres, Mysql], down: true,
        "a column type change to a type that holds less (values are refused or lost)";
    PreferBigintOverInt => prefer_bigint_over_int, "prefer-bigint-over-int", Allow,
        [Postgres], down: false,
        "a 32-bit integer column (ids run out at 2^31)";
    PreferTextField => prefer_text_field, "prefer-text-field", Allow,
        [Postgres], down: false,
        "a varchar(n) column (changing n later takes a lock; text with a CHECK does not)";
    PreferTimestamptz => prefer_timestamptz, "prefer-timestamptz", Warn,
        [Postgres], down: false,
        "a timestamp column without time zone";
    RenamingColumn => renaming_column, "renaming-column", Warn,
        [Sqlite, Postgres, Mysql], down: false,
        "a column renamed while the running application uses the old name";
    RenamingTable => renaming_table, "renaming-table", Warn,
        [Sqlite, Postgres, Mysql], down: false,
        "a table renamed while the running application uses the old name";
    RequireConcurrentIndexCreation => require_concurrent_index_creation,
        "require-concurrent-index-creation", Warn,
        [Postgres], down: false,
        "CREATE INDEX without CONCURRENTLY on an existing table (blocks writes while it builds)";
    RequireConcurrentIndexDeletion => require_concurrent_index_deletion,
        "require-concurrent-index-deletion", Warn,
        [Postgres], down: false,
        "DROP INDEX without CONCURRENTLY (waits for, then blocks, every query on the table)";
    SqliteAddColumnNonConstantDefault => sqlite_add_column_non_constant_default,
        "sqlite-add-column-non-constant-default", Deny,
        [Sqlite], down: true,
        "ADD COLUMN with an expression default (SQLite refuses it)";
    SqliteAddColumnWithKey => sqlite_add_column_with_key, "sqlite-add-column-with-key", Deny,
        [Sqlite], down: true,
        "ADD COLUMN with PRIMARY KEY or UNIQUE (SQLite refuses it)";
    SqliteAlterUnsupported => sqlite_alter_unsupported, "sqlite-alter-unsupported", Deny,
        [Sqlite], down: true,
        "an ALTER TABLE form SQLite does not have (it needs a table rebuild)";
    SqliteDropColumnInUse => sqlite_drop_column_in_use, "sqlite-drop-column-in-use", Deny,
        [Sqlite], down: true,
        "DROP COLUMN of a key, unique, indexed, checked or referenced column (SQLite refuses it or leaves a broken reference)";
    SqliteRebuildRenamesOldTable => sqlite_rebuild_renames_old_table,
        "sqlite-rebuild-renames-old-table", Deny,
        [Sqlite], down: true,
        "a hand-written SQLite rebuild that renames the old table first (other tables' foreign keys follow it)";
    TransactionNesting => transaction_nesting, "transaction-nesting", Deny,
        [Sqlite, Postgres], down: true,
        "BEGIN, COMMIT or ROLLBACK inside a revision lithify runs in a transaction";
}

impl Rule {
    /// The rule whose id is `id`.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// True when it reads statements of `dialect`.
    pub fn applies_to(self, dialect: Dialect) -> bool {
        self.engines().contains(&dialect)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_id_is_its_module_name() {
        for rule in Rule::ALL {
            assert_eq!(rule.id().replace('-', "_"), rule.module(), "{rule:?}");
            assert_eq!(Rule::from_id(rule.id()), Some(*rule));
        }
    }

    #[test]
    fn engines_are_listed_in_one_order() {
        for rule in Rule::ALL {
            let order: Vec<usize> = rule
                .engines()
                .iter()
                .map(|d| {
                    Dialect::ALL
                        .iter()
                        .position(|x| x == d)
                        .unwrap_or(usize::MAX)
                })
                .collect();
            assert!(order.windows(2).all(|w| w[0] < w[1]), "{rule:?}");
        }
    }

    #[test]
    fn ids_are_unique_and_sorted() {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }
}

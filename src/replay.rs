//! `replay`: every revision up, down and up again on an empty scratch
//! database, checking that each down restores exactly the schema its up
//! started from, and that the up still works after it.
//!
//! Real `down.sql` files are the least exercised code in a project: a
//! missing `;`, a dropped index that was really a constraint, a column left
//! behind. They are found when a production rollback needs them. `replay`
//! finds them first, on the engine they are written for, in the order an
//! upgrade runs them. The schema is compared as the engine describes it
//! ([`crate::SqlDialect::select_schema`]: columns with types, nullability and
//! defaults, indexes, keys, views), not as text, and each table's column
//! order on its own ([`crate::SqlDialect::select_column_order`]): a down that
//! re-adds a dropped column at the end of its table changes the positions
//! diesel's `Queryable` loads by, a smaller fault than a missing column but
//! a real one.
//!
//! Two modes ([`ReplayOptions::keep_going`]):
//! - by default every revision runs up, down and up again for real, and the
//!   first broken down stops the run (its later revisions would start from
//!   a schema the chain never makes);
//! - with `keep_going`, on engines with transactional DDL, the chain advances
//!   only by ups, and each down is checked inside a transaction that is
//!   rolled back (down, compare, up again, compare, roll back), so one run
//!   lists every broken down. A revision that cannot run in a transaction is
//!   replayed for real; when that fails, the chain cannot advance and the
//!   revisions after it are reported as not checked.

use thiserror::Error;

/// The most differing schema lines an error lists.
const MAX_DIFF_LINES: usize = 20;

/// How `replay` runs (see the module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplayOptions {
    /// Check every down inside a rolled-back transaction and list every
    /// broken one, instead of stopping at the first. Ignored (with a note)
    /// where DDL commits implicitly (MySQL, MariaDB).
    pub keep_going: bool,
    /// Treat a down that restores a table's columns in another order as
    /// broken, not as a warning.
    pub strict_column_order: bool,
}

/// What `replay` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayReport {
    /// Revisions whose down was checked and restores the schema (column
    /// order aside, unless strict), in upgrade order.
    pub replayed: Vec<&'static str>,
    /// Revisions without down SQL for the engine: applied once, not reverted.
    pub irreversible: Vec<&'static str>,
    /// Revisions whose down is broken, with what is wrong (`keep_going`
    /// lists them all; otherwise the run stops at the first).
    pub broken: Vec<DownFinding>,
    /// Revisions whose down restores everything but a table's column order
    /// (warnings; with `strict_column_order` they are in `broken` instead).
    pub warnings: Vec<DownFinding>,
    /// Revisions that could not be checked: the chain stopped before them
    /// (see `stopped`).
    pub not_checked: Vec<&'static str>,
    /// Why the chain stopped advancing, when it did: a revision's up failed,
    /// or a down replayed for real left the database where the revisions
    /// after it cannot run.
    pub stopped: Option<String>,
}

impl ReplayReport {
    /// Revisions whose down was checked, broken or not.
    pub fn checked(&self) -> usize {
        self.replayed.len() + self.broken.len()
    }
}

/// One revision's down and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownFinding {
    /// Revision id.
    pub id: &'static str,
    /// Its directory.
    pub name: &'static str,
    /// Whether the down was checked inside a rolled-back transaction (false:
    /// replayed for real).
    pub rolled_back: bool,
    /// Whether the revision may run in a transaction (`transactional`): a
    /// keep-going replay checks the down of one that may not for real.
    pub transactional: bool,
    /// What is wrong, in the order found.
    pub problems: Vec<DownProblem>,
}

impl DownFinding {
    /// The finding's lines, as the report prints them.
    fn render(&self) -> String {
        let mut out = format!(
            "  revision `{}` ({}{}):",
            self.id,
            self.name,
            if self.rolled_back || self.transactional {
                ""
            } else {
                ", replayed for real: it cannot run in a transaction"
            }
        );
        for problem in &self.problems {
            out.push('\n');
            out.push_str(&problem.render(self.name));
        }
        out
    }
}

/// Something wrong with a revision's down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownProblem {
    /// The down's SQL failed.
    DownFails {
        /// The engine's error.
        error: String,
    },
    /// The down ran, but the schema is not the one its up started from.
    DoesNotRestore {
        /// `- ` lines missing after the down, `+ ` lines left behind by it.
        diff: Vec<String>,
    },
    /// After the down, the up failed when run again.
    UpAgainFails {
        /// The engine's error.
        error: String,
    },
    /// After the down, the up run again made another schema than the first time.
    UpAgainDiffers {
        /// `- ` lines of the first up missing, `+ ` lines only the second made.
        diff: Vec<String>,
    },
    /// Every column is back, but a table's columns are in another order.
    ColumnOrder {
        /// `table T: a, b, c before the up; a, c, b after the down`, one per table.
        tables: Vec<String>,
    },
}

impl DownProblem {
    fn render(&self, name: &str) -> String {
        let (head, lines): (String, &[String]) = match self {
            DownProblem::DownFails { error } => {
                (format!("`{name}/down.sql` fails: {}", one_line(error)), &[])
            }
            DownProblem::DoesNotRestore { diff } => (
                format!(
                    "`{name}/down.sql` does not restore the schema its up started from \
                     (- missing after the down, + left behind by it):"
                ),
                diff,
            ),
            DownProblem::UpAgainFails { error } => (
                format!(
                    "`{name}/up.sql` fails when run again after the down: {}",
                    one_line(error)
                ),
                &[],
            ),
            DownProblem::UpAgainDiffers { diff } => (
                format!(
                    "`{name}/up.sql` run again after the down gives another schema \
                     (- first up, + second up):"
                ),
                diff,
            ),
            DownProblem::ColumnOrder { tables } => (
                format!(
                    "`{name}/down.sql` restores the columns in another order \
                     (diesel's `Queryable` loads them by position):"
                ),
                tables,
            ),
        };
        let mut out = format!("    {head}");
        for line in lines {
            out.push_str("\n        ");
            out.push_str(line);
        }
        out
    }
}

/// Why `replay` failed. A revision whose SQL fails is reported as
/// [`crate::Error::RevisionFailed`], like in any run (with `keep_going`, as
/// part of [`ReplayError::Broken`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReplayError {
    /// The database already holds tables or applied revisions: replay only
    /// runs on a database it may tear down.
    #[error(
        "replay needs an empty scratch database, and this one already has {} object(s):\n{}\n  \
         fix: run it without `--scratch` (a temporary SQLite file), or give `--scratch URL` \
         a new, empty database",
        .objects.len(),
        indent(&shortened(.objects))
    )]
    NotEmpty {
        /// What is already there.
        objects: Vec<String>,
    },
    /// A revision's down did not bring the schema back to where its up began.
    #[error(
        "the down of revision `{id}` ({name}) does not restore the schema its up started from \
         (- missing after down, + left behind by down):\n{}\n  \
         fix: make `{name}/down.sql` undo exactly what `{name}/up.sql` does",
        indent(.diff)
    )]
    DownDoesNotRestore {
        /// Revision id.
        id: String,
        /// Its directory.
        name: String,
        /// The differing schema lines.
        diff: Vec<String>,
    },
    /// Applying a revision again after its down gave another schema.
    #[error(
        "revision `{id}` ({name}) gives a different schema when applied again after its down \
         (- first up, + second up):\n{}\n  \
         fix: make `{name}/down.sql` undo exactly what `{name}/up.sql` does",
        indent(.diff)
    )]
    UpAgainDiffers {
        /// Revision id.
        id: String,
        /// Its directory.
        name: String,
        /// The differing schema lines.
        diff: Vec<String>,
    },
    /// A down restored every column but not their order, and
    /// [`ReplayOptions::strict_column_order`] makes that an error.
    #[error(
        "the down of revision `{id}` ({name}) restores the columns in another order \
         (diesel's `Queryable` loads them by position):\n{}\n  \
         fix: make `{name}/down.sql` rebuild the table with its columns in their first order \
         (or run without `--strict-column-order` to take this as a warning)",
        indent(.tables)
    )]
    ColumnOrder {
        /// Revision id.
        id: String,
        /// Its directory.
        name: String,
        /// One line per table whose order changed.
        tables: Vec<String>,
    },
    /// `keep_going` found broken downs, or the chain stopped before its end.
    #[error("{}", render_broken(.report))]
    Broken {
        /// Everything the run found.
        report: Box<ReplayReport>,
    },
}

/// The [`ReplayError::Broken`] message: every broken down, then the counts
/// and the fix.
fn render_broken(report: &ReplayReport) -> String {
    let mut out = format!(
        "{} of {} checked down{} {} broken:",
        report.broken.len(),
        report.checked(),
        if report.checked() == 1 { "" } else { "s" },
        if report.broken.len() == 1 {
            "is"
        } else {
            "are"
        }
    );
    for finding in &report.broken {
        out.push('\n');
        out.push_str(&finding.render());
    }
    if !report.warnings.is_empty() {
        out.push_str(
            "\n  and columns restored in another order (warnings; `--strict-column-order` \
             makes them errors):",
        );
        for finding in &report.warnings {
            out.push('\n');
            out.push_str(&finding.render());
        }
    }
    if let Some(stopped) = &report.stopped {
        out.push_str(&format!(
            "\n  stopped: {stopped}; the {} revision(s) after it were not checked: {}",
            report.not_checked.len(),
            capped(&report.not_checked)
        ));
    }
    out.push_str(&format!("\n  {}", counts(report)));
    out.push_str(
        "\n  fix: make each listed down.sql undo exactly what its up.sql does, \
         then run `replay --keep-going` again",
    );
    out
}

/// `checked N, broken B, column order only W, not checked X`.
pub(crate) fn counts(report: &ReplayReport) -> String {
    format!(
        "checked {}, broken {}, column order only {}, not checked {}",
        report.checked(),
        report.broken.len(),
        report.warnings.len(),
        report.not_checked.len()
    )
}

/// The warning printed for a down that restores its columns in another order.
pub(crate) fn column_order_warning(finding: &DownFinding) -> String {
    format!(
        "warning: column order changed by a down (`--strict-column-order` makes it an error):\n{}",
        finding.render()
    )
}

/// At most ten ids, then how many more.
fn capped(ids: &[&str]) -> String {
    const SHOWN: usize = 10;
    let mut text = ids
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        text.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    text
}

/// An engine's error on one line (PostgreSQL's carry `LINE 1: ...` context).
fn one_line(error: &str) -> String {
    error.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A schema as `replay` compares it: the engine's description, sorted
/// ([`crate::SqlDialect::select_schema`]), and each table's columns in order
/// ([`crate::SqlDialect::select_column_order`]), sorted by table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Schema {
    pub lines: Vec<String>,
    pub column_order: Vec<String>,
}

impl Schema {
    /// `expected` (what the schema should be) against `self` (what it is):
    /// the differing lines, then (only where every column is there) the
    /// tables whose order differs.
    pub fn compare(&self, expected: &Schema) -> Comparison {
        let diff = if self.lines == expected.lines {
            Vec::new()
        } else {
            schema_diff(&expected.lines, &self.lines)
        };
        Comparison {
            diff,
            column_order: order_changes(&expected.column_order, &self.column_order),
        }
    }
}

/// What [`Schema::compare`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comparison {
    pub diff: Vec<String>,
    pub column_order: Vec<String>,
}

/// Tables present in both lists (`table: a, b, c` lines) with the same
/// columns in another order; a table whose columns differ is the schema
/// diff's to report.
fn order_changes(expected: &[String], found: &[String]) -> Vec<String> {
    let split = |line: &str| {
        line.split_once(": ")
            .map(|(t, c)| (t.to_owned(), c.to_owned()))
    };
    let found: std::collections::BTreeMap<String, String> =
        found.iter().filter_map(|l| split(l)).collect();
    fn sorted(columns: &str) -> Vec<&str> {
        let mut v: Vec<&str> = columns.split(", ").collect();
        v.sort_unstable();
        v
    }
    expected
        .iter()
        .filter_map(|l| split(l))
        .filter_map(|(table, before)| {
            let after = found.get(&table)?;
            (after != &before && sorted(after) == sorted(&before))
                .then(|| format!("table {table}: {before} before the up; {after} after the down"))
        })
        .collect()
}

/// At most [`MAX_DIFF_LINES`] of `lines`, and how many more there are.
fn shortened(lines: &[String]) -> Vec<String> {
    let mut shown: Vec<String> = lines.iter().take(MAX_DIFF_LINES).cloned().collect();
    if lines.len() > MAX_DIFF_LINES {
        shown.push(format!("... and {} more", lines.len() - MAX_DIFF_LINES));
    }
    shown
}

fn indent(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines only in `expected` (`- `) and only in `found` (`+ `), both
/// sorted, at most [`MAX_DIFF_LINES`] of them.
pub(crate) fn schema_diff(expected: &[String], found: &[String]) -> Vec<String> {
    let missing = expected
        .iter()
        .filter(|l| found.binary_search(l).is_err())
        .map(|l| format!("- {l}"));
    let extra = found
        .iter()
        .filter(|l| expected.binary_search(l).is_err())
        .map(|l| format!("+ {l}"));
    shortened(&missing.chain(extra).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn the_diff_lists_what_is_missing_then_what_is_extra() {
        let diff = schema_diff(&s(&["a", "b", "c"]), &s(&["a", "c", "d"]));
        assert_eq!(diff, ["- b", "+ d"]);
        let many: Vec<String> = (0..30).map(|i| format!("x{i:02}")).collect();
        let diff = schema_diff(&many, &[]);
        assert_eq!(diff.len(), MAX_DIFF_LINES + 1);
        assert_eq!(diff.last().map(String::as_str), Some("... and 10 more"));
    }

    #[test]
    fn column_order_is_reported_only_where_every_column_is_back() {
        let before = s(&["jobs: id, title, company", "tags: id, name"]);
        let reordered = s(&["jobs: id, company, title", "tags: id, name"]);
        assert_eq!(
            order_changes(&before, &reordered),
            ["table jobs: id, title, company before the up; id, company, title after the down"]
        );
        // A column missing is the schema diff's business, not an order change.
        assert!(order_changes(&before, &s(&["jobs: id, title", "tags: id, name"])).is_empty());
        assert!(order_changes(&before, &before).is_empty());
    }
}

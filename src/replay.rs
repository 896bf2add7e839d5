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
//! defaults, indexes, keys, views), not as text.

use thiserror::Error;

/// The most differing schema lines an error lists.
const MAX_DIFF_LINES: usize = 20;

/// What `replay` did: every revision was applied, reverted and applied again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayReport {
    /// Revisions replayed (up, down, up), in upgrade order.
    pub replayed: Vec<&'static str>,
    /// Revisions without down SQL for the engine: applied once, not reverted.
    pub irreversible: Vec<&'static str>,
}

/// Why `replay` stopped. A revision whose SQL fails is reported as
/// [`crate::Error::RevisionFailed`], like in any run.
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

    #[test]
    fn the_diff_lists_what_is_missing_then_what_is_extra() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let diff = schema_diff(&s(&["a", "b", "c"]), &s(&["a", "c", "d"]));
        assert_eq!(diff, ["- b", "+ d"]);
        let many: Vec<String> = (0..30).map(|i| format!("x{i:02}")).collect();
        let diff = schema_diff(&many, &[]);
        assert_eq!(diff.len(), MAX_DIFF_LINES + 1);
        assert_eq!(diff.last().map(String::as_str), Some("... and 10 more"));
    }
}

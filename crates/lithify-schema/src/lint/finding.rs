//! A finding: a rule's violation at a file, line and column, with its level.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Level, Rule};
use crate::model::Dialect;

/// A hazard found in a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// [`Level::Warn`] or [`Level::Deny`] (allowed rules find nothing).
    pub level: Level,
    /// The revision's id.
    pub revision: String,
    /// The file: the SQL file, or the `revision.toml` of a typed revision.
    pub file: PathBuf,
    /// 1-based line: the statement's, or the typed operation's.
    pub line: u32,
    /// 1-based column of the statement's first word (1 for a typed operation).
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// The safe way to write it.
    pub help: String,
    /// The dialects it was found for (the same SQL file is linted for each
    /// dialect the build embeds; [`merge`] joins their findings).
    pub dialects: Vec<Dialect>,
}

impl Finding {
    /// True when it fails the build.
    pub fn is_error(&self) -> bool {
        self.level == Level::Deny
    }
}

/// The findings of several dialects as one list: the same rule with the same
/// message at the same place is one finding naming every dialect it was found
/// for; sorted by file, line, column and rule.
pub fn merge(findings: impl IntoIterator<Item = Finding>) -> Vec<Finding> {
    let mut joined: BTreeMap<(PathBuf, u32, u32, Rule, String), Finding> = BTreeMap::new();
    for f in findings {
        let key = (f.file.clone(), f.line, f.column, f.rule, f.message.clone());
        match joined.get_mut(&key) {
            Some(o) => {
                for d in f.dialects {
                    if !o.dialects.contains(&d) {
                        o.dialects.push(d);
                    }
                }
                o.dialects.sort();
            }
            None => {
                joined.insert(key, f);
            }
        }
    }
    joined.into_values().collect()
}

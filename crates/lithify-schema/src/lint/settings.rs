//! What `[lint]` in `migrations/lithify.toml` sets: each rule's level, the
//! PostgreSQL version, whether downs get every rule. (The file is read by
//! lithify-build; this is the value it fills.)

use std::collections::BTreeMap;

use super::Rule;

/// The oldest PostgreSQL major the PostgreSQL project still supports, taken
/// as the chain's when `postgres_version` is not set.
pub const DEFAULT_POSTGRES_VERSION: u32 = 14;

/// How much a rule's finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Off.
    Allow,
    /// A warning (in `cargo build`, a cargo warning).
    Warn,
    /// An error (in `cargo build`, the build fails).
    Deny,
}

impl Level {
    /// The level written `text` (`allow`, `warn`, `deny`).
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }

    /// How it is written in `lithify.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// How a finding of this level is called in output: `warning`, `error`.
    pub fn severity(self) -> &'static str {
        match self {
            Level::Deny => "error",
            Level::Allow | Level::Warn => "warning",
        }
    }
}

/// The lint settings of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    levels: BTreeMap<Rule, Level>,
    /// The oldest PostgreSQL major version the chain runs on
    /// ([`DEFAULT_POSTGRES_VERSION`] by default): PostgreSQL 11 adds a
    /// column with a constant default without rewriting the table, 12 skips
    /// the `SET NOT NULL` scan when a validated `CHECK (c IS NOT NULL)` exists.
    pub postgres_version: u32,
    /// Lint downs with every rule, not only those whose finding means the
    /// down fails or loses data ([`Rule::on_down`]).
    pub check_down: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            levels: BTreeMap::new(),
            postgres_version: DEFAULT_POSTGRES_VERSION,
            check_down: false,
        }
    }
}

impl Settings {
    /// The level of `rule`: the one set, else its default.
    pub fn level(&self, rule: Rule) -> Level {
        self.levels
            .get(&rule)
            .copied()
            .unwrap_or_else(|| rule.default_level())
    }

    /// Set the level of `rule`.
    pub fn set_level(&mut self, rule: Rule, level: Level) {
        self.levels.insert(rule, level);
    }

    /// `self` with `rule` at `level`.
    pub fn with_level(mut self, rule: Rule, level: Level) -> Settings {
        self.set_level(rule, level);
        self
    }
}

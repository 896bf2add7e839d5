//! Naming conventions: the names typed operations give the constraints and
//! indexes they create, so that a later revision can drop or alter them by
//! name on every dialect (an unnamed constraint has a different name on each
//! engine, and none at all on SQLite). Alembic's tokens and its recommended
//! defaults; names longer than the engine allows are shortened the same way
//! every time.

use std::collections::BTreeMap;

/// The kinds of named objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Index (`ix`).
    Index,
    /// UNIQUE constraint (`uq`).
    Unique,
    /// CHECK constraint (`ck`).
    Check,
    /// Foreign key (`fk`).
    ForeignKey,
    /// Primary key (`pk`).
    PrimaryKey,
}

impl Kind {
    /// The convention key (`ix`, `uq`, `ck`, `fk`, `pk`).
    pub fn key(self) -> &'static str {
        match self {
            Kind::Index => "ix",
            Kind::Unique => "uq",
            Kind::Check => "ck",
            Kind::ForeignKey => "fk",
            Kind::PrimaryKey => "pk",
        }
    }

    /// What it is called in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Index => "index",
            Kind::Unique => "UNIQUE constraint",
            Kind::Check => "CHECK constraint",
            Kind::ForeignKey => "foreign key",
            Kind::PrimaryKey => "primary key",
        }
    }

    /// The kind of a convention key.
    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Every kind.
    pub const ALL: [Kind; 5] = [
        Kind::Index,
        Kind::Unique,
        Kind::Check,
        Kind::ForeignKey,
        Kind::PrimaryKey,
    ];
}

/// The tokens a template may use.
pub const TOKENS: &[&str] = &[
    "table_name",
    "column_0_name",
    "column_0_label",
    "column_0N_name",
    "column_0_N_name",
    "referred_table_name",
    "referred_column_0_name",
    "constraint_name",
];

/// A naming convention: a template per kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamingConvention {
    templates: BTreeMap<Kind, String>,
    /// Names longer than this are shortened (PostgreSQL's 63 bytes, the
    /// smallest limit of the three engines, so a name is the same everywhere).
    pub max_length: usize,
}

impl Default for NamingConvention {
    /// Alembic's recommended convention.
    fn default() -> NamingConvention {
        let templates = [
            (Kind::Index, "ix_%(column_0_label)s"),
            (Kind::Unique, "uq_%(table_name)s_%(column_0_name)s"),
            (Kind::Check, "ck_%(table_name)s_%(constraint_name)s"),
            (
                Kind::ForeignKey,
                "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            ),
            (Kind::PrimaryKey, "pk_%(table_name)s"),
        ]
        .into_iter()
        .map(|(k, t)| (k, t.to_owned()))
        .collect();
        NamingConvention {
            templates,
            max_length: super::PG_MAX_IDENTIFIER,
        }
    }
}

/// A template that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TemplateError(pub String);

/// What a name is made from.
#[derive(Debug, Clone, Default)]
pub struct NameParts<'a> {
    /// The table.
    pub table: &'a str,
    /// Its columns, in order.
    pub columns: &'a [String],
    /// The referenced table (foreign keys).
    pub referred_table: Option<&'a str>,
    /// The referenced columns (foreign keys).
    pub referred_columns: &'a [String],
    /// `%(constraint_name)s`: a CHECK's own short name.
    pub constraint_name: Option<&'a str>,
}

impl NamingConvention {
    /// Replace the template of `kind` (checked: only known tokens).
    pub fn set(&mut self, kind: Kind, template: &str) -> Result<(), TemplateError> {
        check_template(template)?;
        self.templates.insert(kind, template.to_owned());
        Ok(())
    }

    /// The template of `kind`.
    pub fn template(&self, kind: Kind) -> &str {
        self.templates.get(&kind).map_or("", String::as_str)
    }

    /// The name of a `kind` made of `parts`, shortened past the limit.
    ///
    /// # Errors
    /// When the template uses `%(constraint_name)s` and `parts` has none
    /// (as Alembic, lithify does not invent one).
    pub fn name(&self, kind: Kind, parts: &NameParts<'_>) -> Result<String, TemplateError> {
        let template = self.template(kind);
        if parts.constraint_name.is_none() && template.contains("%(constraint_name)s") {
            return Err(TemplateError(format!(
                "the `{}` naming template `{template}` uses %(constraint_name)s, so this {} needs a `name`",
                kind.key(),
                kind.noun()
            )));
        }
        Ok(shorten(&expand(template, parts), self.max_length))
    }
}

fn check_template(template: &str) -> Result<(), TemplateError> {
    let mut rest = template;
    while let Some(start) = rest.find("%(") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(")s") else {
            return Err(TemplateError(format!(
                "`{template}`: `%(` without a closing `)s`"
            )));
        };
        let token = &after[..end];
        if !TOKENS.contains(&token) {
            return Err(TemplateError(format!(
                "`{template}`: unknown token `%({token})s`; known: {}",
                TOKENS
                    .iter()
                    .map(|t| format!("%({t})s"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        rest = &after[end + 2..];
    }
    if template.trim().is_empty() {
        return Err(TemplateError(
            "a naming template cannot be empty".to_owned(),
        ));
    }
    Ok(())
}

fn expand(template: &str, p: &NameParts<'_>) -> String {
    let first = p.columns.first().map_or("", String::as_str);
    let replacements = [
        ("%(table_name)s", p.table.to_owned()),
        ("%(column_0_name)s", first.to_owned()),
        ("%(column_0_label)s", format!("{}_{first}", p.table)),
        ("%(column_0N_name)s", p.columns.concat()),
        ("%(column_0_N_name)s", p.columns.join("_")),
        (
            "%(referred_table_name)s",
            p.referred_table.unwrap_or("").to_owned(),
        ),
        (
            "%(referred_column_0_name)s",
            p.referred_columns.first().cloned().unwrap_or_default(),
        ),
        (
            "%(constraint_name)s",
            p.constraint_name.unwrap_or_default().to_owned(),
        ),
    ];
    let mut out = template.to_owned();
    for (token, value) in replacements {
        out = out.replace(token, &value);
    }
    out
}

/// `name` when it fits in `max` bytes, else its first bytes, `_` and eight
/// hex digits of a hash of the whole name: deterministic, and two long names
/// that share a prefix still differ.
pub fn shorten(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let hash = fnv1a(name.as_bytes());
    let keep = max.saturating_sub(9);
    let mut end = keep.min(name.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}_{:08x}", &name[..end], (hash & 0xffff_ffff) as u32)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn alembic_defaults() -> Result<(), TemplateError> {
        let n = NamingConvention::default();
        let c = cols(&["company_id", "posted_at"]);
        let parts = NameParts {
            table: "jobs",
            columns: &c,
            referred_table: Some("companies"),
            ..NameParts::default()
        };
        assert_eq!(n.name(Kind::Index, &parts)?, "ix_jobs_company_id");
        assert_eq!(n.name(Kind::Unique, &parts)?, "uq_jobs_company_id");
        assert_eq!(
            n.name(Kind::ForeignKey, &parts)?,
            "fk_jobs_company_id_companies"
        );
        assert_eq!(n.name(Kind::PrimaryKey, &parts)?, "pk_jobs");
        assert!(
            n.name(Kind::Check, &parts).is_err(),
            "a CHECK needs its own name"
        );
        let check = NameParts {
            constraint_name: Some("salary_positive"),
            ..parts
        };
        assert_eq!(n.name(Kind::Check, &check)?, "ck_jobs_salary_positive");
        Ok(())
    }

    #[test]
    fn custom_templates_are_checked() {
        let mut n = NamingConvention::default();
        n.set(Kind::Index, "%(table_name)s_%(column_0_N_name)s_idx")
            .unwrap();
        let c = cols(&["a", "b"]);
        let parts = NameParts {
            table: "t",
            columns: &c,
            ..NameParts::default()
        };
        assert_eq!(n.name(Kind::Index, &parts).unwrap(), "t_a_b_idx");
        assert!(n.set(Kind::Index, "ix_%(colum_0_name)s").is_err());
        assert!(n.set(Kind::Index, "ix_%(table_name").is_err());
    }

    #[test]
    fn long_names_are_shortened_deterministically() {
        let long = format!("ix_{}", "x".repeat(80));
        let a = shorten(&long, 63);
        assert_eq!(a.len(), 63);
        assert_eq!(a, shorten(&long, 63));
        let other = format!("ix_{}y", "x".repeat(80));
        assert_ne!(shorten(&other, 63), a);
        assert_eq!(shorten("short", 63), "short");
    }
}

//! What a revision id may look like.
//!
//! Ids appear inside target expressions (`abc1@head`, `abc1+2`, `head-1`,
//! `start:end`), so the characters those expressions give meaning to can never be
//! part of an id. The rule is deliberately narrow: ASCII letters, digits and `_`,
//! 1 to 64 characters, and not one of the reserved words.

use thiserror::Error;

/// Words that the target grammar reserves; no revision may be called one of them.
pub const RESERVED_IDS: &[&str] = &["head", "heads", "base", "current"];

/// Longest accepted revision id.
pub const MAX_ID_LEN: usize = 64;

/// Why a string cannot be a revision id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    /// The id is empty.
    #[error("the revision id is empty")]
    Empty,
    /// The id is longer than [`MAX_ID_LEN`].
    #[error("the revision id `{id}` is {len} characters long; at most {MAX_ID_LEN} are allowed")]
    TooLong {
        /// The offending id.
        id: String,
        /// Its length in characters.
        len: usize,
    },
    /// The id contains a character outside `[A-Za-z0-9_]`.
    #[error("the revision id `{id}` contains {found:?}, which cannot appear in an id: ids use only ASCII letters, digits and `_` so that targets such as `ID@head`, `ID+1` and `ID:head` stay unambiguous")]
    BadCharacter {
        /// The offending id.
        id: String,
        /// The first character that is not allowed.
        found: char,
    },
    /// The id is a reserved word of the target grammar.
    #[error("`{id}` is a reserved word in targets (head, heads, base, current) and cannot be a revision id")]
    Reserved {
        /// The offending id.
        id: String,
    },
}

/// Check that `id` can be a revision id (see the module docs for the rule).
pub fn validate_revision_id(id: &str) -> Result<(), IdError> {
    if id.is_empty() {
        return Err(IdError::Empty);
    }
    if let Some(found) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(IdError::BadCharacter {
            id: id.to_owned(),
            found,
        });
    }
    let len = id.chars().count();
    if len > MAX_ID_LEN {
        return Err(IdError::TooLong {
            id: id.to_owned(),
            len,
        });
    }
    if RESERVED_IDS.contains(&id) {
        return Err(IdError::Reserved { id: id.to_owned() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_diesel_versions_and_alembic_hashes() {
        for id in [
            "20240101000000",
            "00000000000000",
            "ae1027a6acf",
            "v1_initial",
        ] {
            assert_eq!(validate_revision_id(id), Ok(()), "{id}");
        }
    }

    #[test]
    fn rejects_target_syntax_whitespace_and_reserved_words() {
        for (id, bad) in [
            ("a@b", '@'),
            ("a+1", '+'),
            ("a-1", '-'),
            ("a:b", ':'),
            ("a b", ' '),
            ("é1", 'é'),
        ] {
            assert_eq!(
                validate_revision_id(id),
                Err(IdError::BadCharacter {
                    id: id.into(),
                    found: bad
                })
            );
        }
        assert_eq!(validate_revision_id(""), Err(IdError::Empty));
        assert!(matches!(
            validate_revision_id("head"),
            Err(IdError::Reserved { .. })
        ));
        assert!(matches!(
            validate_revision_id(&"a".repeat(65)),
            Err(IdError::TooLong { len: 65, .. })
        ));
    }
}

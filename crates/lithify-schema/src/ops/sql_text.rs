//! SQL text that typed operations carry (CHECK conditions, index
//! expressions, view definitions), looked at with the engine's own
//! tokenizer: which names it uses, and the same text with a column renamed.

use sqlparser::tokenizer::{Token, Tokenizer};

use crate::engine::for_dialect;
use crate::model::{same_name, Dialect, MysqlFlavor, NameKind};

/// The identifier-like words of `text` (unquoted as written).
pub(crate) fn words(d: Dialect, text: &str) -> Vec<String> {
    let engine = for_dialect(d, MysqlFlavor::Unknown);
    Tokenizer::new(engine.parser(), text)
        .tokenize()
        .map(|tokens| {
            tokens
                .into_iter()
                .filter_map(|t| match t {
                    Token::Word(w) => Some(w.value),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// True when `text` names `column` (conservatively: any word equal to it).
pub(crate) fn mentions(d: Dialect, text: &str, column: &str) -> bool {
    words(d, text)
        .iter()
        .any(|w| same_name(d, NameKind::Member, w, column))
}

/// `text` with every word naming `from` replaced by `to`, quoted the way
/// the word was; text that does not tokenize is returned as it is.
pub(crate) fn rename_word(d: Dialect, text: &str, from: &str, to: &str) -> String {
    let engine = for_dialect(d, MysqlFlavor::Unknown);
    let Ok(tokens) = Tokenizer::new(engine.parser(), text).tokenize() else {
        return text.to_owned();
    };
    let mut changed = false;
    let out: String = tokens
        .into_iter()
        .map(|t| match t {
            Token::Word(mut w) if same_name(d, NameKind::Member, &w.value, from) => {
                changed = true;
                w.value = to.to_owned();
                if w.quote_style.is_none() && !super::render::plain_identifier(to) {
                    w.quote_style = Some(if d == Dialect::Mysql { '`' } else { '"' });
                }
                Token::Word(w).to_string()
            }
            other => other.to_string(),
        })
        .collect();
    if changed {
        out
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rename_keeps_the_rest_of_the_text() {
        assert_eq!(
            rename_word(
                Dialect::Postgres,
                "pay > 0 AND pay < 'pay'",
                "pay",
                "salary"
            ),
            "salary > 0 AND salary < 'pay'"
        );
        assert_eq!(
            rename_word(Dialect::Sqlite, "length(Title) > 2", "title", "Heading"),
            "length(\"Heading\") > 2"
        );
        assert!(mentions(
            Dialect::Sqlite,
            "SELECT id, title FROM jobs",
            "TITLE"
        ));
        assert!(!mentions(Dialect::Postgres, "SELECT id FROM jobs", "title"));
    }
}

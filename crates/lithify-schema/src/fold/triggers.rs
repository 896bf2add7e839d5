//! Triggers, read from their first words: which table a trigger is on and
//! the statement that made it. The model keeps them so that a SQLite table
//! rebuild (which drops the old table, and its triggers with it) can create
//! them again; nothing else is derived from a trigger.

use sqlparser::ast::{Ident, ObjectName as SqlObjectName, ObjectNamePart};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::split::Piece;
use super::Ctx;
use crate::model::{ObjectName, Schema, Trigger};

/// Record a `CREATE TRIGGER` or apply a `DROP TRIGGER`; other statements
/// are left alone.
pub(crate) fn observe(schema: &mut Schema, ctx: &Ctx<'_>, piece: &Piece) {
    let words = &piece.tokens;
    match keywords(words).as_slice() {
        [Keyword::CREATE, rest @ ..] => {
            let after_create = if matches!(rest.first(), Some(Keyword::OR)) {
                // CREATE OR REPLACE TRIGGER (PostgreSQL 14+).
                3
            } else {
                1
            };
            create(schema, ctx, piece, after_create);
        }
        [Keyword::DROP, Keyword::TRIGGER, ..] => drop(schema, ctx, &words[2..]),
        _ => {}
    }
}

/// The leading keywords of a statement (stops at the first non-keyword).
fn keywords(tokens: &[TokenWithSpan]) -> Vec<Keyword> {
    tokens
        .iter()
        .take(4)
        .map_while(|t| match &t.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.keyword),
            _ => None,
        })
        .collect()
}

fn is_keyword(t: Option<&TokenWithSpan>, k: Keyword) -> bool {
    matches!(t.map(|t| &t.token), Some(Token::Word(w)) if w.quote_style.is_none() && w.keyword == k)
}

fn create(schema: &mut Schema, ctx: &Ctx<'_>, piece: &Piece, from: usize) {
    let tokens = &piece.tokens;
    let mut at = from;
    // TEMP triggers vanish with the connection: nothing to keep.
    if is_keyword(tokens.get(at), Keyword::TEMP) || is_keyword(tokens.get(at), Keyword::TEMPORARY) {
        return;
    }
    if !is_keyword(tokens.get(at), Keyword::TRIGGER) {
        return;
    }
    at += 1;
    if is_keyword(tokens.get(at), Keyword::IF) {
        at += 3; // IF NOT EXISTS
    }
    let Some((name, next)) = object_name(ctx, tokens, at) else {
        return;
    };
    // The table follows the first ON (the event list comes before it).
    let Some(on) = tokens[next..]
        .iter()
        .position(|t| matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.keyword == Keyword::ON))
    else {
        return;
    };
    let Some((table, _)) = object_name(ctx, tokens, next + on + 1) else {
        return;
    };
    let probe = Schema::new(schema.dialect);
    schema
        .triggers
        .retain(|t| !probe.same_relation(&t.name, &name));
    schema.triggers.push(Trigger {
        name,
        table,
        sql: piece.text.clone(),
    });
}

fn drop(schema: &mut Schema, ctx: &Ctx<'_>, tokens: &[TokenWithSpan]) {
    let at = if is_keyword(tokens.first(), Keyword::IF) {
        2
    } else {
        0
    };
    let Some((name, _)) = object_name(ctx, tokens, at) else {
        return;
    };
    let probe = Schema::new(schema.dialect);
    schema
        .triggers
        .retain(|t| !probe.same_relation(&t.name, &name));
}

/// A possibly qualified name starting at `at`, and the index after it.
fn object_name(ctx: &Ctx<'_>, tokens: &[TokenWithSpan], at: usize) -> Option<(ObjectName, usize)> {
    let mut parts = Vec::new();
    let mut i = at;
    loop {
        let Token::Word(w) = &tokens.get(i)?.token else {
            return None;
        };
        parts.push(ObjectNamePart::Identifier(Ident {
            value: w.value.clone(),
            quote_style: w.quote_style,
            span: tokens[i].span,
        }));
        i += 1;
        if matches!(tokens.get(i).map(|t| &t.token), Some(Token::Period)) {
            i += 1;
        } else {
            break;
        }
    }
    Some((ctx.engine.object_name(&SqlObjectName(parts)), i))
}

/// The triggers of a dropped table go with it.
pub(crate) fn table_dropped(schema: &mut Schema, table: &ObjectName) {
    let probe = Schema::new(schema.dialect);
    schema
        .triggers
        .retain(|t| !probe.same_relation(&t.table, table));
}

/// The triggers of a renamed table follow it.
pub(crate) fn table_renamed(schema: &mut Schema, from: &ObjectName, to: &ObjectName) {
    let probe = Schema::new(schema.dialect);
    for t in &mut schema.triggers {
        if probe.same_relation(&t.table, from) {
            t.table = to.clone();
        }
    }
}

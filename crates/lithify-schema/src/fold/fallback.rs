//! Statements sqlparser cannot read, read from their tokens: the forms
//! real migrations use that its grammar lacks (PostgreSQL's `ALTER COLUMN
//! ... DROP IDENTITY`, `SET SCHEMA`, `CREATE DOMAIN ... NOT NULL`, `ALTER
//! TYPE ... ADD ATTRIBUTE`, `DROP INDEX CONCURRENTLY`, `DO` blocks, ...).
//!
//! Each form is recognised whole or not at all: a statement with one part
//! this module does not know goes on to the name scan ([`super::scan`]),
//! which makes the tables it names unknown.

use sqlparser::ast::{AlterTableOperation, Ident, IndexType, Statement};
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Span, Token, TokenWithSpan, Tokenizer};

use super::alter::{alter_table_ops, AlterOp};
use super::objects::{alter_composite, alter_domain, create_domain_kind, AttributeOp, DomainOp};
use super::scan::qualified_name;
use super::{apply_statement, Ctx, Unmodelled, RECURSION_LIMIT};
use crate::model::{Identity, ObjectName, Schema, SqlType};

/// Apply a statement the parser could not read, if it is a form this
/// module knows; `None` when it is not.
pub(crate) fn read(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    tokens: &[TokenWithSpan],
) -> Option<Result<(), Unmodelled>> {
    let t = Toks(tokens);
    if let Some(statements) = without_noise(ctx, &t) {
        return Some(apply_all(schema, ctx, &statements));
    }
    if let Some(statements) = fulltext_index(ctx, &t) {
        return Some(apply_all(schema, ctx, &statements));
    }
    if let Some(statements) = persistent_columns(ctx, &t) {
        return Some(apply_all(schema, ctx, &statements));
    }
    if t.words(0, &["ALTER", "TABLE"]) {
        return alter_table(schema, ctx, &t);
    }
    if t.words(0, &["ALTER", "INDEX"]) && !(0..t.len()).any(|i| t.word(i, "RENAME")) {
        // What ALTER INDEX does besides RENAME (which parses: IF EXISTS is
        // left out above), storage, statistics, tablespaces, partitions,
        // changes nothing the model holds.
        return Some(Ok(()));
    }
    if t.words(0, &["CREATE", "DOMAIN"]) {
        return create_domain(schema, ctx, &t);
    }
    if t.words(0, &["ALTER", "DOMAIN"]) {
        return domain_op(schema, ctx, &t);
    }
    if t.words(0, &["ALTER", "TYPE"]) {
        return type_attributes(schema, ctx, &t);
    }
    if t.word(0, "DO") {
        return Some(do_block(schema, ctx, &t));
    }
    if t.words(0, &["CREATE", "TABLE"]) {
        return create_table_like(ctx, &t);
    }
    None
}

/// The statement's tokens, with helpers to look at its words.
struct Toks<'a>(&'a [TokenWithSpan]);

impl Toks<'_> {
    fn token(&self, i: usize) -> Option<&Token> {
        self.0.get(i).map(|t| &t.token)
    }

    /// True when token `i` is the unquoted word `w` (any case).
    fn word(&self, i: usize, w: &str) -> bool {
        matches!(self.token(i), Some(Token::Word(x)) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w))
    }

    /// True when the tokens from `i` on are the words `ws`.
    fn words(&self, i: usize, ws: &[&str]) -> bool {
        ws.iter().enumerate().all(|(k, w)| self.word(i + k, w))
    }

    /// The identifier at `i`.
    fn ident(&self, i: usize) -> Option<Ident> {
        match self.token(i) {
            Some(Token::Word(w)) => Some(Ident {
                value: w.value.clone(),
                quote_style: w.quote_style,
                span: Span::empty(),
            }),
            _ => None,
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// The statements `tokens` hold, parsed.
fn parse(ctx: &Ctx<'_>, tokens: Vec<TokenWithSpan>) -> Option<Vec<Statement>> {
    Parser::new(ctx.engine.parser())
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(tokens)
        .parse_statements()
        .ok()
}

fn apply_all(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    statements: &[Statement],
) -> Result<(), Unmodelled> {
    for s in statements {
        apply_statement(schema, ctx, s)?;
    }
    Ok(())
}

/// Words the parser does not know that change nothing the model follows:
/// `DROP INDEX CONCURRENTLY`, `CREATE INDEX ... ON ONLY t`, `CREATE
/// RECURSIVE VIEW`, `ALTER INDEX IF EXISTS`. The statement without them,
/// parsed.
fn without_noise(ctx: &Ctx<'_>, t: &Toks<'_>) -> Option<Vec<Statement>> {
    let mut drop: Vec<usize> = Vec::new();
    if t.words(0, &["DROP", "INDEX", "CONCURRENTLY"]) {
        drop.push(2);
    } else if t.words(0, &["ALTER", "INDEX", "IF", "EXISTS"]) {
        drop.extend([2, 3]);
    } else if t.word(0, "CREATE") {
        let index_at = (1..4).find(|&i| t.word(i, "INDEX"));
        if index_at.is_some() {
            drop.extend(
                (0..t.len())
                    .find(|&i| t.words(i, &["ON", "ONLY"]))
                    .map(|i| i + 1),
            );
        } else if let Some(r) = (1..5).find(|&i| t.words(i, &["RECURSIVE", "VIEW"])) {
            drop.push(r);
        }
    }
    if drop.is_empty() {
        return None;
    }
    let kept: Vec<TokenWithSpan> =
        t.0.iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, tok)| tok.clone())
            .collect();
    parse(ctx, kept)
}

/// MySQL's `CREATE {FULLTEXT | SPATIAL} INDEX`: a `CREATE INDEX` whose
/// method is the word.
fn fulltext_index(ctx: &Ctx<'_>, t: &Toks<'_>) -> Option<Vec<Statement>> {
    let method = ["FULLTEXT", "SPATIAL"]
        .into_iter()
        .find(|w| t.words(0, &["CREATE", w, "INDEX"]))?;
    let kept: Vec<TokenWithSpan> =
        t.0.iter()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, tok)| tok.clone())
            .collect();
    let mut statements = parse(ctx, kept)?;
    for s in &mut statements {
        if let Statement::CreateIndex(c) = s {
            c.using = Some(IndexType::Custom(Ident::new(method.to_ascii_lowercase())));
        }
    }
    Some(statements)
}

/// MariaDB's `PERSISTENT`, its word for `STORED` generated columns.
fn persistent_columns(ctx: &Ctx<'_>, t: &Toks<'_>) -> Option<Vec<Statement>> {
    if !(t.word(0, "CREATE") || t.word(0, "ALTER"))
        || !(0..t.len()).any(|i| t.word(i, "PERSISTENT"))
    {
        return None;
    }
    let kept: Vec<TokenWithSpan> =
        t.0.iter()
            .enumerate()
            .map(|(i, tok)| {
                if t.word(i, "PERSISTENT") {
                    TokenWithSpan {
                        token: Token::make_keyword("STORED"),
                        span: tok.span,
                    }
                } else {
                    tok.clone()
                }
            })
            .collect();
    parse(ctx, kept)
}

/// `ALTER TABLE [IF EXISTS] [ONLY] name op, op, ...` with operations the
/// parser lacks: each operation parsed on its own, or read by hand.
fn alter_table(schema: &mut Schema, ctx: &Ctx<'_>, t: &Toks<'_>) -> Option<Result<(), Unmodelled>> {
    let mut i = 2;
    let if_exists = t.words(i, &["IF", "EXISTS"]);
    if if_exists {
        i += 2;
    }
    if t.word(i, "ONLY") {
        i += 1;
    }
    let (name, mut next) = qualified_name(ctx.engine, t.0, i)?;
    if t.token(next) == Some(&Token::Mul) {
        next += 1;
    }
    let header = &t.0[..next];
    let mut ops = Vec::new();
    for op in split_top_level(&t.0[next..]) {
        let mut tokens = header.to_vec();
        tokens.extend_from_slice(op);
        let parsed = parse(ctx, tokens).and_then(|mut s| match s.pop() {
            Some(Statement::AlterTable(a)) if s.is_empty() && a.operations.len() == 1 => {
                a.operations.into_iter().next()
            }
            _ => None,
        });
        match parsed {
            Some(op) => ops.push(AlterOp::Parsed(Box::new(op))),
            None => ops.extend(alter_op(ctx, header, &Toks(op))?),
        }
    }
    Some(alter_table_ops(schema, ctx, &name, if_exists, &ops))
}

/// `tokens` cut at the commas outside parentheses.
fn split_top_level(tokens: &[TokenWithSpan]) -> Vec<&[TokenWithSpan]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, t) in tokens.iter().enumerate() {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => {
                out.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&tokens[start..]);
    out
}

/// One `ALTER TABLE` operation the parser lacks, when it is one the model
/// can follow (`header`: the statement up to the table's name).
fn alter_op(ctx: &Ctx<'_>, header: &[TokenWithSpan], t: &Toks<'_>) -> Option<Vec<AlterOp>> {
    let one = |op: AlterOp| Some(vec![op]);
    let whole = |n: usize| t.len() == n;
    if t.word(0, "ALTER") && (t.word(1, "INDEX") || t.word(1, "KEY")) {
        // MySQL's [NOT] VISIBLE / INVISIBLE, MariaDB's [NOT] IGNORED.
        return one(AlterOp::NoChange);
    }
    if t.word(0, "ALTER") {
        let c = if t.word(1, "COLUMN") { 2 } else { 1 };
        let column = t.ident(c)?;
        return column_op(t, c + 1, column).map(|op| vec![op]);
    }
    if let Some(op) = if_exists_op(ctx, header, t) {
        return Some(vec![op]);
    }
    if t.word(0, "ADD") {
        return add_columns(ctx, header, t);
    }
    if (t.words(0, &["DROP", "KEY"]) || t.words(0, &["DROP", "INDEX"])) && whole(3) {
        let name = t.ident(2)?;
        return one(AlterOp::Parsed(Box::new(AlterTableOperation::DropIndex {
            name,
        })));
    }
    if t.words(0, &["DROP", "CHECK"]) && whole(3) {
        let name = t.ident(2)?;
        return one(AlterOp::Parsed(Box::new(
            AlterTableOperation::DropConstraint {
                if_exists: false,
                name,
                drop_behavior: None,
            },
        )));
    }
    if t.word(0, "RENAME")
        && (t.word(1, "INDEX") || t.word(1, "KEY"))
        && t.word(3, "TO")
        && whole(5)
    {
        return one(AlterOp::RenameIndex(t.ident(2)?, t.ident(4)?));
    }
    if (t.words(0, &["CLUSTER", "ON"]) && whole(3))
        || (t.words(0, &["SET", "WITHOUT", "CLUSTER"]) && whole(3))
        || (t.words(0, &["SET", "WITHOUT", "OIDS"]) && whole(3))
        || (t.words(0, &["SET", "TABLESPACE"]) && whole(3))
        || (t.words(0, &["SET", "ACCESS", "METHOD"]) && whole(4))
        || (t.word(0, "FORCE") && whole(1))
        || (t.words(0, &["ORDER", "BY"]))
    {
        return one(AlterOp::NoChange);
    }
    if t.words(0, &["SET", "SCHEMA"]) && whole(3) {
        return t.ident(2).map(AlterOp::SetSchema).map(|op| vec![op]);
    }
    if t.words(0, &["ALTER", "CONSTRAINT"]) {
        // Deferrability: nothing the model holds.
        return one(AlterOp::NoChange);
    }
    table_options(t)
}

/// MariaDB's `ADD [COLUMN] IF NOT EXISTS ...` and `DROP {INDEX | KEY |
/// FOREIGN KEY} IF EXISTS name`: the operation without the words, done only
/// when it can be.
fn if_exists_op(ctx: &Ctx<'_>, header: &[TokenWithSpan], t: &Toks<'_>) -> Option<AlterOp> {
    let at =
        (1..4).find(|&i| t.words(i, &["IF", "NOT", "EXISTS"]) || t.words(i, &["IF", "EXISTS"]))?;
    let width = if t.word(at + 1, "NOT") { 3 } else { 2 };
    let add = t.word(0, "ADD");
    let drop_key = t.words(0, &["DROP", "INDEX"])
        || t.words(0, &["DROP", "KEY"])
        || t.words(0, &["DROP", "FOREIGN", "KEY"]);
    if !((add && width == 3) || (drop_key && width == 2)) {
        return None;
    }
    let mut tokens = header.to_vec();
    tokens.extend(
        t.0.iter()
            .enumerate()
            .filter(|(i, _)| !(at..at + width).contains(i))
            .map(|(_, tok)| tok.clone()),
    );
    let op = match parse(ctx, tokens).and_then(|mut s| s.pop()) {
        Some(Statement::AlterTable(a)) if a.operations.len() == 1 => {
            a.operations.into_iter().next()?
        }
        _ if drop_key && t.len() == at + width + 1 => AlterTableOperation::DropIndex {
            name: t.ident(at + width)?,
        },
        _ => return None,
    };
    Some(match op {
        AlterTableOperation::AddColumn {
            column_keyword,
            column_def,
            column_position,
            ..
        } => AlterOp::Parsed(Box::new(AlterTableOperation::AddColumn {
            column_keyword,
            if_not_exists: true,
            column_def,
            column_position,
        })),
        // A drop fails only when the model lacks what it names.
        drop => AlterOp::IfPossible(Box::new(drop)),
    })
}

/// MySQL's `ADD [COLUMN] (a INT, b INT)`: one `ADD COLUMN` each.
fn add_columns(ctx: &Ctx<'_>, header: &[TokenWithSpan], t: &Toks<'_>) -> Option<Vec<AlterOp>> {
    let open = if t.word(1, "COLUMN") { 2 } else { 1 };
    if t.token(open) != Some(&Token::LParen) || t.token(t.len() - 1) != Some(&Token::RParen) {
        return None;
    }
    let mut ops = Vec::new();
    for def in split_top_level(&t.0[open + 1..t.len() - 1]) {
        // `ADD [COLUMN]`, then the definition.
        let mut tokens = header.to_vec();
        tokens.extend_from_slice(&t.0[..open]);
        tokens.extend_from_slice(def);
        let op = parse(ctx, tokens).and_then(|mut s| match s.pop() {
            Some(Statement::AlterTable(a)) if a.operations.len() == 1 => {
                a.operations.into_iter().next()
            }
            _ => None,
        })?;
        ops.push(AlterOp::Parsed(Box::new(op)));
    }
    Some(ops)
}

/// MySQL's table options in `ALTER TABLE` (`ENGINE = InnoDB DEFAULT
/// CHARSET = utf8mb4 COMMENT = '...'`): only the comment is the model's.
/// `CONVERT TO CHARACTER SET` is not among them: it may widen columns.
fn table_options(t: &Toks<'_>) -> Option<Vec<AlterOp>> {
    const OPTIONS: &[&str] = &[
        "ENGINE",
        "ROW_FORMAT",
        "KEY_BLOCK_SIZE",
        "AVG_ROW_LENGTH",
        "MAX_ROWS",
        "MIN_ROWS",
        "PACK_KEYS",
        "STATS_PERSISTENT",
        "STATS_AUTO_RECALC",
        "STATS_SAMPLE_PAGES",
        "CHECKSUM",
        "DELAY_KEY_WRITE",
        "INSERT_METHOD",
        "CHARSET",
        "COLLATE",
        "PAGE_CHECKSUM",
        "TRANSACTIONAL",
        "COMPRESSION",
        "ENCRYPTION",
    ];
    let mut ops = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if t.word(i, "DEFAULT") {
            i += 1;
            continue;
        }
        let width = if t.words(i, &["CHARACTER", "SET"]) {
            2
        } else if OPTIONS.iter().any(|o| t.word(i, o)) || t.word(i, "COMMENT") {
            1
        } else {
            return None;
        };
        let comment = t.word(i, "COMMENT");
        i += width;
        if t.token(i) == Some(&Token::Eq) {
            i += 1;
        }
        let value = t.token(i)?;
        if comment {
            let Token::SingleQuotedString(text) = value else {
                return None;
            };
            ops.push(AlterOp::SetComment(text.clone()));
        }
        i += 1;
    }
    if ops.is_empty() {
        ops.push(AlterOp::NoChange);
    }
    Some(ops)
}

/// What may follow `SET` among an identity column's sequence options.
const SEQUENCE_OPTIONS: &[&str] = &[
    "INCREMENT",
    "START",
    "MINVALUE",
    "MAXVALUE",
    "NO",
    "CACHE",
    "CYCLE",
];

/// `ALTER [COLUMN] c ...` from token `i` on.
fn column_op(t: &Toks<'_>, i: usize, column: Ident) -> Option<AlterOp> {
    let rest = t.len().saturating_sub(i);
    let if_exists_or_end =
        |at: usize| t.len() == at || (t.words(at, &["IF", "EXISTS"]) && t.len() == at + 2);
    let storage = ["STATISTICS", "STORAGE", "COMPRESSION"]
        .iter()
        .any(|w| t.words(i, &["SET", w]));
    let options =
        (t.word(i, "SET") || t.word(i, "RESET")) && t.token(i + 1) == Some(&Token::LParen);
    if (storage && rest == 3) || options {
        return Some(AlterOp::NoChange);
    }
    if t.words(i, &["DROP", "IDENTITY"]) && if_exists_or_end(i + 2) {
        return Some(AlterOp::DropIdentity(column));
    }
    if t.words(i, &["DROP", "EXPRESSION"]) && if_exists_or_end(i + 2) {
        return Some(AlterOp::DropExpression(column));
    }
    // `SET GENERATED ...`, `SET <sequence option>`, `RESTART [WITH] n`, in
    // any number: only SET GENERATED changes what the model holds.
    let mut identity = None;
    let mut j = i;
    while j < t.len() {
        if t.words(j, &["SET", "GENERATED", "ALWAYS"]) {
            identity = Some(Identity::Always);
            j += 3;
        } else if t.words(j, &["SET", "GENERATED", "BY", "DEFAULT"]) {
            identity = Some(Identity::ByDefault);
            j += 4;
        } else if t.word(j, "RESTART")
            || (t.word(j, "SET") && SEQUENCE_OPTIONS.iter().any(|w| t.word(j + 1, w)))
        {
            j += 1;
            while j < t.len() && !t.word(j, "SET") && !t.word(j, "RESTART") {
                j += 1;
            }
        } else {
            return None;
        }
    }
    match identity {
        Some(kind) => Some(AlterOp::SetGenerated(column, kind)),
        None if j > i => Some(AlterOp::NoChange),
        None => None,
    }
}

/// PostgreSQL's `CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT e]
/// [[CONSTRAINT n] {NOT NULL | NULL | CHECK (...)}] ...`.
fn create_domain(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    t: &Toks<'_>,
) -> Option<Result<(), Unmodelled>> {
    let (name, mut i) = qualified_name(ctx.engine, t.0, 2)?;
    if t.word(i, "AS") {
        i += 1;
    }
    const CLAUSES: &[&str] = &["COLLATE", "DEFAULT", "CONSTRAINT", "NOT", "NULL", "CHECK"];
    let type_end = (i..t.len())
        .find(|&j| CLAUSES.iter().any(|c| t.word(j, c)))
        .unwrap_or(t.len());
    let base = parse_type(ctx, t.0.get(i..type_end)?)?;
    let mut not_null = false;
    let mut depth = 0usize;
    for j in type_end..t.len() {
        match t.token(j) {
            Some(Token::LParen) => depth += 1,
            Some(Token::RParen) => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            _ if t.words(j, &["NOT", "NULL"]) => not_null = true,
            _ if t.word(j, "NULL") && !t.word(j.wrapping_sub(1), "NOT") => not_null = false,
            _ => {}
        }
    }
    create_domain_kind(schema, name, base, not_null);
    Some(Ok(()))
}

/// A type from its tokens, as the dialect reads types.
fn parse_type(ctx: &Ctx<'_>, tokens: &[TokenWithSpan]) -> Option<SqlType> {
    if tokens.is_empty() {
        return None;
    }
    let text: Vec<String> = tokens.iter().map(|t| t.token.to_string()).collect();
    SqlType::parse(ctx.dialect(), &text.join(" "))
        .ok()
        .map(|(t, _)| t)
}

/// PostgreSQL's `ALTER DOMAIN name ...`.
fn domain_op(schema: &mut Schema, ctx: &Ctx<'_>, t: &Toks<'_>) -> Option<Result<(), Unmodelled>> {
    let (name, i) = qualified_name(ctx.engine, t.0, 2)?;
    let op = if t.words(i, &["SET", "NOT", "NULL"]) && t.len() == i + 3 {
        DomainOp::NotNull(true)
    } else if t.words(i, &["DROP", "NOT", "NULL"]) && t.len() == i + 3 {
        DomainOp::NotNull(false)
    } else if t.words(i, &["RENAME", "TO"]) && t.len() == i + 3 {
        DomainOp::RenameTo(ctx.engine.ident(&t.ident(i + 2)?))
    } else if t.words(i, &["SET", "SCHEMA"]) && t.len() == i + 3 {
        DomainOp::SetSchema(ctx.engine.ident(&t.ident(i + 2)?))
    } else if ["ADD", "DROP", "RENAME", "VALIDATE", "OWNER", "SET"]
        .iter()
        .any(|w| t.word(i, w))
    {
        // Constraints, defaults, owners: nothing the model holds.
        DomainOp::NoChange
    } else {
        return None;
    };
    alter_domain(schema, &name, op);
    Some(Ok(()))
}

/// PostgreSQL's `ALTER TYPE name` with what the parser lacks: attributes
/// of composite types (`ADD | DROP | ALTER | RENAME ATTRIBUTE`), `OWNER
/// TO`, `SET SCHEMA`.
fn type_attributes(
    schema: &mut Schema,
    ctx: &Ctx<'_>,
    t: &Toks<'_>,
) -> Option<Result<(), Unmodelled>> {
    let (name, i) = qualified_name(ctx.engine, t.0, 2)?;
    let mut ops = Vec::new();
    for op in split_top_level(&t.0[i..]) {
        ops.push(attribute_op(ctx, &Toks(op))?);
    }
    alter_composite(schema, &name, ops);
    Some(Ok(()))
}

fn attribute_op(ctx: &Ctx<'_>, t: &Toks<'_>) -> Option<AttributeOp> {
    let name = |i: usize| t.ident(i).map(|n| ctx.engine.ident(&n));
    // A trailing CASCADE / RESTRICT says what happens to typed tables.
    let end = if t.len() > 0 && (t.word(t.len() - 1, "CASCADE") || t.word(t.len() - 1, "RESTRICT"))
    {
        t.len() - 1
    } else {
        t.len()
    };
    let type_until_collate = |from: usize| {
        let stop = (from..end).find(|&j| t.word(j, "COLLATE")).unwrap_or(end);
        parse_type(ctx, t.0.get(from..stop)?)
    };
    if t.words(0, &["ADD", "ATTRIBUTE"]) {
        return Some(AttributeOp::Add(name(2)?, type_until_collate(3)?));
    }
    if t.words(0, &["DROP", "ATTRIBUTE", "IF", "EXISTS"]) && end == 5 {
        return Some(AttributeOp::Drop(name(4)?));
    }
    if t.words(0, &["DROP", "ATTRIBUTE"]) && end == 3 {
        return Some(AttributeOp::Drop(name(2)?));
    }
    if t.words(0, &["ALTER", "ATTRIBUTE"]) {
        let ty = if t.words(3, &["SET", "DATA", "TYPE"]) {
            5
        } else if t.word(3, "TYPE") {
            4
        } else {
            return None;
        };
        return Some(AttributeOp::SetType(name(2)?, type_until_collate(ty)?));
    }
    if t.words(0, &["RENAME", "ATTRIBUTE"]) && t.word(3, "TO") && end == 5 {
        return Some(AttributeOp::Rename(name(2)?, name(4)?));
    }
    if t.words(0, &["SET", "SCHEMA"]) && t.len() == 3 {
        return Some(AttributeOp::SetSchema(name(2)?));
    }
    if t.words(0, &["OWNER", "TO"]) || (t.word(0, "SET") && t.token(1) == Some(&Token::LParen)) {
        return Some(AttributeOp::NoChange);
    }
    None
}

/// `CREATE TABLE t (LIKE s ...)`: the table exists, with columns the fold
/// does not copy.
fn create_table_like(ctx: &Ctx<'_>, t: &Toks<'_>) -> Option<Result<(), Unmodelled>> {
    let mut i = 2;
    if t.words(i, &["IF", "NOT", "EXISTS"]) {
        i += 3;
    }
    let (name, next) = qualified_name(ctx.engine, t.0, i)?;
    if t.token(next) != Some(&Token::LParen) || !t.word(next + 1, "LIKE") {
        return None;
    }
    Some(Err(Unmodelled {
        reason: "CREATE TABLE ... (LIKE ...) is not modelled: its columns come from another table"
            .to_owned(),
        tables: vec![name],
        creates: true,
    }))
}

/// A PostgreSQL `DO` block. A body that is only SQL statements (and
/// `RAISE` / `PERFORM`), with at most a handler that ignores errors, is
/// applied like the statements themselves; one with dynamic SQL
/// (`EXECUTE`) or control flow around DDL makes the tables it mentions
/// unknown; one without DDL changes nothing.
fn do_block(schema: &mut Schema, ctx: &Ctx<'_>, t: &Toks<'_>) -> Result<(), Unmodelled> {
    let body = t.0.iter().find_map(|tok| match &tok.token {
        Token::DollarQuotedString(s) => Some(s.value.clone()),
        Token::SingleQuotedString(s) => Some(s.clone()),
        _ => None,
    });
    let language_ok = match (1..t.len()).find(|&i| t.word(i, "LANGUAGE")) {
        Some(i) => {
            t.word(i + 1, "plpgsql")
                || matches!(t.token(i + 1), Some(Token::SingleQuotedString(l)) if l.eq_ignore_ascii_case("plpgsql"))
        }
        None => true,
    };
    let tokens = body.as_deref().and_then(|b| body_tokens(ctx, b));
    let (Some(tokens), true) = (tokens, language_ok) else {
        return Err(Unmodelled {
            reason: "a DO block the fold cannot read".to_owned(),
            tables: Vec::new(),
            creates: false,
        });
    };
    let b = Toks(&tokens);
    let has_word = |w: &str| (0..b.len()).any(|i| b.word(i, w));
    if has_word("EXECUTE") {
        return Err(Unmodelled {
            reason: "a DO block runs dynamic SQL (EXECUTE), which the fold cannot read".to_owned(),
            tables: mentioned_tables(schema, ctx, &tokens),
            creates: false,
        });
    }
    if let Some(result) = plain_block(schema, ctx, &b) {
        return result;
    }
    let ddl = ["CREATE", "ALTER", "DROP", "COMMENT"]
        .iter()
        .any(|w| has_word(w));
    if !ddl {
        return Ok(());
    }
    let creates = (0..b.len()).any(|i| b.words(i, &["CREATE", "TABLE"]));
    let mut tables = mentioned_tables(schema, ctx, &tokens);
    for i in (0..b.len()).filter(|&i| b.words(i, &["CREATE", "TABLE"])) {
        let mut j = i + 2;
        if b.words(j, &["IF", "NOT", "EXISTS"]) {
            j += 3;
        }
        if let Some((name, _)) = qualified_name(ctx.engine, &tokens, j) {
            if !tables.contains(&name) {
                tables.push(name);
            }
        }
    }
    Err(Unmodelled {
        reason: "a DO block runs DDL under PL/pgSQL control flow, which the fold does not follow"
            .to_owned(),
        tables,
        creates,
    })
}

/// A DO block's body as tokens, without whitespace and comments.
fn body_tokens(ctx: &Ctx<'_>, body: &str) -> Option<Vec<TokenWithSpan>> {
    let tokens = Tokenizer::new(ctx.engine.parser(), body)
        .tokenize_with_location()
        .ok()?;
    Some(
        tokens
            .into_iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
            .collect(),
    )
}

/// The tables of the model a DO block mentions: as identifiers, or as
/// words inside its string literals (dynamic SQL is built from them).
fn mentioned_tables(schema: &Schema, ctx: &Ctx<'_>, tokens: &[TokenWithSpan]) -> Vec<ObjectName> {
    let mut words: Vec<String> = Vec::new();
    for t in tokens {
        match &t.token {
            Token::Word(w) => words.push(ctx.engine.ident(&Ident {
                value: w.value.clone(),
                quote_style: w.quote_style,
                span: Span::empty(),
            })),
            Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => {
                if let Some(inner) = body_tokens(ctx, s) {
                    for i in inner {
                        if let Token::Word(w) = i.token {
                            words.push(ctx.engine.ident(&Ident {
                                value: w.value,
                                quote_style: w.quote_style,
                                span: Span::empty(),
                            }));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    schema
        .tables
        .iter()
        .filter(|t| words.contains(&t.name.name))
        .map(|t| t.name.clone())
        .collect()
}

/// `BEGIN stmt; ... [EXCEPTION WHEN ... THEN NULL;] END`: the statements,
/// applied; `None` when the body is anything else. With the handler, a
/// statement that creates an object the model already has fails, and the
/// block changes nothing.
fn plain_block(schema: &mut Schema, ctx: &Ctx<'_>, b: &Toks<'_>) -> Option<Result<(), Unmodelled>> {
    let mut end = b.len();
    if end > 0 && b.token(end - 1) == Some(&Token::SemiColon) {
        end -= 1;
    }
    if !b.word(0, "BEGIN") || end == 0 || !b.word(end - 1, "END") {
        return None;
    }
    let body = &b.0[1..end - 1];
    let handler = body
        .iter()
        .position(|t| matches!(&t.token, Token::Word(w) if w.keyword == Keyword::EXCEPTION));
    let (main, handler) = match handler {
        Some(h) => (&body[..h], Some(&body[h + 1..])),
        None => (body, None),
    };
    if let Some(h) = handler {
        if !ignores_errors(&Toks(h)) {
            return None;
        }
    }
    let mut statements = Vec::new();
    for piece in main.split(|t| t.token == Token::SemiColon) {
        let p = Toks(piece);
        if piece.is_empty()
            || p.word(0, "RAISE")
            || p.word(0, "PERFORM")
            || (p.word(0, "NULL") && p.len() == 1)
        {
            continue;
        }
        let mut parsed = parse(ctx, piece.to_vec())?;
        if parsed.len() != 1 {
            return None;
        }
        statements.append(&mut parsed);
    }
    if handler.is_some() && statements.iter().any(|s| creates_existing(schema, ctx, s)) {
        return Some(Ok(()));
    }
    Some(apply_all(schema, ctx, &statements))
}

/// `WHEN cond [OR cond] THEN NULL;` (any number of them).
fn ignores_errors(h: &Toks<'_>) -> bool {
    let mut i = 0;
    while i < h.len() {
        if !h.word(i, "WHEN") {
            return false;
        }
        let Some(then) = (i..h.len()).find(|&j| h.word(j, "THEN")) else {
            return false;
        };
        if !h.word(then + 1, "NULL") || h.token(then + 2) != Some(&Token::SemiColon) {
            return false;
        }
        i = then + 3;
    }
    i > 0
}

/// True when `s` creates a table, type or index the model already has
/// (without IF NOT EXISTS), so that running it fails.
fn creates_existing(schema: &Schema, ctx: &Ctx<'_>, s: &Statement) -> bool {
    match s {
        Statement::CreateTable(c) => {
            !c.if_not_exists
                && schema
                    .find_table(&ctx.engine.object_name(&c.name))
                    .is_some()
        }
        Statement::CreateType { name, .. } => {
            schema.find_type(&ctx.engine.object_name(name)).is_some()
        }
        Statement::CreateDomain(d) => schema.find_type(&ctx.engine.object_name(&d.name)).is_some(),
        Statement::CreateIndex(c) => {
            !c.if_not_exists
                && c.name.as_ref().is_some_and(|n| {
                    let n = ctx.engine.object_name(n);
                    schema
                        .table_of_index(n.schema.as_deref(), &n.name)
                        .is_some()
                })
        }
        _ => false,
    }
}

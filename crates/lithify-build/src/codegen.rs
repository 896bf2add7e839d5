//! Generation of the Rust module that embeds a compiled chain, and of the
//! packed chain data it includes.
//!
//! Every revision's data (ids, lists, SQL) goes into one text blob in
//! [`lithify_core::packed`]'s format, written next to the module and pulled in
//! with one `include_str!`; the module keeps only what an application names
//! (HEAD, HEADS, CHAIN_HASH, REVISIONS, CHAIN, MIGRATOR and one small item
//! per revision). rustc compiles a string literal almost for free, where one
//! struct expression per revision cost most of an application's compile time
//! (BENCHMARKS.md item 2).
//!
//! The module is written already formatted as rustfmt would format it (a test
//! checks this), so a reader of `OUT_DIR/lithify_migrations.rs` sees ordinary
//! code. Generation is linear in the size of the chain, quick even for ten
//! thousand revisions.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

use lithify_core::packed::{PackedRevision, PackedSql};
use lithify_core::Dialect;

use crate::chain::{CompiledChain, CompiledRevision, DialectSql, SchemaModule};

use lithify_core::layout::MAX_WIDTH;

/// The module text for `chain`, with the session SQL of `dialects`;
/// `packed_file` is the packed data's file name, which must be written next
/// to the module (see [`pack`]); `schema_file`, when given, is the diesel
/// schema's, included as `pub mod schema`.
pub fn generate(
    chain: &CompiledChain,
    packed_file: &str,
    dialects: &BTreeSet<Dialect>,
    schema_file: Option<&str>,
) -> String {
    let mut out = String::with_capacity(chain.revisions.len() * 192 + 1024);
    let names = item_names(&chain.revisions);
    header(&mut out, chain, packed_file);
    out.push_str("\n/// One item per revision, named after its directory.\npub mod revisions {");
    if !chain.revisions.is_empty() {
        out.push('\n');
    }
    for (i, (rev, name)) in chain.revisions.iter().zip(&names).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        revision(&mut out, rev, name, i);
    }
    out.push_str("}\n");
    footer(&mut out, chain, packed_file, dialects);
    if let (Some(file), Some(schema)) = (schema_file, &chain.schema) {
        schema_module(&mut out, file, schema);
    }
    out
}

/// `pub mod schema`, holding the diesel schema written beside the module.
fn schema_module(out: &mut String, file: &str, schema: &SchemaModule) {
    let _ = write!(
        out,
        "\n/// The diesel schema the migrations produce on {}: `table!` for every table,\n\
         /// as `diesel print-schema` prints it for a database at head (`lithify schema\n\
         /// --dialect {}` prints the same).\n\
         pub mod schema {{\n    include!({});\n}}\n",
        schema.dialect.name(),
        schema.dialect.name(),
        str_lit(file)
    );
}

/// The packed data for `chain` ([`lithify_core::packed`]), with the SQL of
/// `dialects` only: a dialect the application does not embed costs nothing.
pub fn pack(chain: &CompiledChain, dialects: &BTreeSet<Dialect>) -> String {
    // `PackedRevision` borrows; the checksums exist only as values until here.
    let checksums: Vec<(String, Vec<String>)> = chain
        .revisions
        .iter()
        .map(|r| {
            let accepted = r.accepted_checksums.iter().map(ToString::to_string);
            (r.checksum.to_string(), accepted.collect())
        })
        .collect();
    let revisions: Vec<PackedRevision<'_>> = chain
        .revisions
        .iter()
        .zip(&checksums)
        .map(|(rev, (checksum, accepted))| packed_revision(rev, checksum, accepted, dialects))
        .collect();
    lithify_core::packed::encode(&revisions)
}

fn packed_revision<'a>(
    rev: &'a CompiledRevision,
    checksum: &'a str,
    accepted: &'a [String],
    dialects: &BTreeSet<Dialect>,
) -> PackedRevision<'a> {
    let strs = |items: &'a [String]| items.iter().map(String::as_str).collect();
    PackedRevision {
        id: &rev.id,
        dir_name: &rev.dir_name,
        message: &rev.message,
        parents: strs(&rev.parents),
        depends_on: strs(&rev.depends_on),
        branch_labels: strs(&rev.branch_labels),
        transactional: rev.transactional,
        foreign_keys_off: rev.foreign_keys_off,
        checksum,
        accepted_checksums: strs(accepted),
        up: packed_sql(&rev.up, dialects),
        down: rev.down.as_ref().map(|d| packed_sql(d, dialects)),
    }
}

fn packed_sql<'a>(sql: &'a DialectSql, dialects: &BTreeSet<Dialect>) -> PackedSql<'a> {
    let get = |d: Dialect| {
        if dialects.contains(&d) {
            sql.for_dialect(d)
        } else {
            None
        }
    };
    PackedSql {
        sqlite: get(Dialect::Sqlite),
        postgres: get(Dialect::Postgres),
        mysql: get(Dialect::Mysql),
    }
}

fn header(out: &mut String, chain: &CompiledChain, packed_file: &str) {
    let dir = chain.dir.display().to_string().replace('\\', "/");
    let _ = writeln!(
        out,
        "// @generated by lithify-build from `{}`: do not edit.",
        one_line(&dir)
    );
    out.push_str("// The build script regenerates it whenever a file in that directory changes.\n");
    let _ = writeln!(
        out,
        "// Every revision's data is packed in `{}`, beside this file.\n",
        one_line(packed_file)
    );
    if let [head] = chain.heads.as_slice() {
        out.push_str("/// The head revision: what `upgrade head` migrates to.\n");
        assign(out, "", "pub const HEAD: &str", &str_lit(head));
    }
    out.push_str("/// Every head revision, in topological order.\n");
    let heads: Vec<String> = chain.heads.iter().map(|h| str_lit(h)).collect();
    list(out, 0, "pub const HEADS: &[&str] = &", &heads, ";");
    out.push_str("/// Hash over the id and checksum of every revision, in order.\n");
    assign(
        out,
        "",
        "pub const CHAIN_HASH: &str",
        &str_lit(&chain.chain_hash.to_string()),
    );
}

fn footer(
    out: &mut String,
    chain: &CompiledChain,
    packed_file: &str,
    dialects: &BTreeSet<Dialect>,
) {
    // Laid out as rustfmt does: the call does not fit after `=`.
    out.push_str(
        "\n/// Every revision, in topological order: the data packed beside this file,\n\
         /// parsed on first use.\n\
         pub static REVISIONS: ::lithify::Revisions =\n    \
         ::lithify::Revisions::new(::lithify::PackedRevisions {\n",
    );
    let _ = writeln!(out, "        data: include_str!({}),", str_lit(packed_file));
    let _ = writeln!(out, "        len: {},", chain.revisions.len());
    out.push_str(
        "        package: env!(\"CARGO_PKG_NAME\"),\n    });\n\
         \n/// The whole chain, as the migrator sees it.\n\
         pub static CHAIN: ::lithify::EmbeddedChain = ::lithify::EmbeddedChain {\n    \
         revisions: &REVISIONS,\n    heads: HEADS,\n    chain_hash: CHAIN_HASH,\n",
    );
    session(out, chain, dialects);
    out.push_str(
        "};\n\
         \n/// The migrator for this chain.\n\
         pub static MIGRATOR: ::lithify::Migrator = ::lithify::Migrator::new(&CHAIN);\n",
    );
}

/// `session: ::lithify::Sql { .. },`: the `[session]` SQL of lithify.toml
/// for the embedded dialects, run on every connection the migrator opens.
fn session(out: &mut String, chain: &CompiledChain, dialects: &BTreeSet<Dialect>) {
    out.push_str("    session: ::lithify::Sql {\n");
    for dialect in Dialect::ALL {
        let sql = chain
            .config
            .session
            .for_dialect(dialect)
            .filter(|_| dialects.contains(&dialect));
        let value = sql.map_or_else(
            || "None".to_owned(),
            |sql| format!("Some({})", str_lit(sql)),
        );
        let _ = writeln!(out, "        {}: {value},", dialect.name());
    }
    out.push_str("    },\n");
}

/// One doc-commented item per revision: a reference into `REVISIONS` by
/// index, which rustc checks about as cheaply as a constant.
fn revision(out: &mut String, rev: &CompiledRevision, name: &str, index: usize) {
    doc_comment(out, rev);
    assign(
        out,
        "    ",
        &format!("pub static {name}: ::lithify::RevisionRef"),
        &format!("::lithify::RevisionRef::new(&super::REVISIONS, {index})"),
    );
}

/// `/// <message> (`<dir_name>`)`, one doc line per message line.
fn doc_comment(out: &mut String, rev: &CompiledRevision) {
    let lines: Vec<&str> = rev.message.lines().map(str::trim_end).collect();
    let dir = format!("(`{}`)", one_line(&rev.dir_name));
    let (last, rest) = lines.split_last().map_or(("", &[][..]), |(l, r)| (*l, r));
    for line in rest {
        if line.is_empty() {
            out.push_str("    ///\n");
        } else {
            let _ = writeln!(out, "    /// {line}");
        }
    }
    if last.is_empty() {
        let _ = writeln!(out, "    /// {dir}");
    } else {
        let _ = writeln!(out, "    /// {last} {dir}");
    }
}

/// `<lhs> = <rhs>;` as rustfmt lays it out: on one line when it fits, else
/// with a single-line right side moved to the next line if it fits there
/// (rustfmt leaves a line it cannot fit, and multi-line literals, alone).
fn assign(out: &mut String, pad: &str, lhs: &str, rhs: &str) {
    let width = pad.len() + lhs.len() + 3 + rhs.len() + 1;
    let broken = pad.len() + 4 + rhs.len() + 1;
    if width > MAX_WIDTH && broken <= MAX_WIDTH && !rhs.contains('\n') {
        let _ = writeln!(out, "{pad}{lhs} =\n{pad}    {rhs};");
    } else {
        let _ = writeln!(out, "{pad}{lhs} = {rhs};");
    }
}

/// An array expression laid out as rustfmt lays it out.
fn list(out: &mut String, indent: usize, head: &str, items: &[String], tail: &str) {
    lithify_core::layout::list(
        out,
        indent,
        &format!("{head}["),
        items,
        &format!("]{tail}"),
        false,
    );
}

/// An ordinary escaped string literal.
fn str_lit(text: &str) -> String {
    format!("{text:?}")
}

/// Text made safe for a `//` comment (a newline would end the comment).
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// One item name per revision: the directory's name part uppercased, with
/// non-alphanumerics as `_`, `R_` before a leading digit; names that collide get
/// `_<ID>` (ids are unique, so the result is too, and deterministic).
pub fn item_names(revisions: &[CompiledRevision]) -> Vec<String> {
    let natural: Vec<String> = revisions
        .iter()
        .map(|r| natural_name(name_part(&r.dir_name)))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for n in &natural {
        *counts.entry(n.as_str()).or_default() += 1;
    }
    let mut taken: HashSet<String> = natural
        .iter()
        .filter(|n| counts[n.as_str()] == 1)
        .cloned()
        .collect();
    let mut out = Vec::with_capacity(revisions.len());
    for (rev, n) in revisions.iter().zip(&natural) {
        if counts[n.as_str()] == 1 {
            out.push(n.clone());
            continue;
        }
        // `FOO_<ID>` could, in theory, equal another directory's natural name.
        let mut candidate = format!("{n}_{}", rev.id.to_ascii_uppercase());
        while taken.contains(&candidate) {
            candidate.push('_');
        }
        taken.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

fn name_part(dir_name: &str) -> &str {
    dir_name.split_once('_').map_or(dir_name, |(_, rest)| rest)
}

fn natural_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    let starts_with_digit = s.starts_with(|c: char| c.is_ascii_digit());
    if s.is_empty() || starts_with_digit || s.chars().all(|c| c == '_') {
        s.insert_str(0, "R_");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_names() {
        assert_eq!(natural_name("create_users"), "CREATE_USERS");
        assert_eq!(natural_name("add users-table (v2)"), "ADD_USERS_TABLE__V2_");
        assert_eq!(natural_name("2fa"), "R_2FA");
        assert_eq!(natural_name(""), "R_");
        assert_eq!(natural_name("-"), "R__");
        assert_eq!(natural_name("café"), "CAF_");
    }
}

//! Mixed chains: the benchmark chain of [`super::generate`] with every k-th
//! revision written as a typed revision (`revision.toml`) that makes the
//! same change as typed operations, the rest as the same `up.sql` /
//! `down.sql` byte for byte.
//!
//! Both forms come from one generator and its one model of the schema, so
//! the chain stays valid wherever a revision falls: a table created by a
//! typed revision is altered, filled and dropped by SQL ones and the other
//! way round. The typed form of each change:
//!
//! | change | typed operations |
//! | --- | --- |
//! | create a table (and its index) | `create_table` (an `identity` bigint key, the columns with their types, nullability and defaults), then `create_index` named as the SQL names it |
//! | add a column | `add_column` |
//! | create an index | `create_index`, named as the SQL names it |
//! | insert or update rows | `execute`, its SQL as written, with the SQL's `down` |
//! | drop a column | `drop_column` (downgrade derived by lithify) |
//! | drop a table | `drop_table` (downgrade derived by lithify) |
//!
//! A typed revision's downgrade is derived by lithify from its model of the
//! schema, except for `execute`, which carries its `down`. The SQL keeps to
//! what SQLite and PostgreSQL share (indexes on `TEXT` columns make MySQL
//! refuse the chain, as it refuses the SQL one).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use super::{generate_steps, typed_column_keys, Change, Revision, Step};

/// One revision of a mixed chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MixedRevision {
    /// `up.sql` and `down.sql`, exactly as [`super::generate`] writes them.
    Sql(Revision),
    /// A `revision.toml`.
    Typed {
        /// Directory name, `YYYY-MM-DD-HHMMSS_<name>`.
        dir_name: String,
        /// Contents of `revision.toml`.
        toml: String,
    },
}

impl MixedRevision {
    /// The revision's directory name.
    pub fn dir_name(&self) -> &str {
        match self {
            MixedRevision::Sql(r) => &r.dir_name,
            MixedRevision::Typed { dir_name, .. } => dir_name,
        }
    }

    /// True for a `revision.toml` revision.
    pub fn is_typed(&self) -> bool {
        matches!(self, MixedRevision::Typed { .. })
    }
}

/// The chain of [`super::generate`]`(revisions, seed)` with every revision
/// whose position `i` (from 0) has `i % every == every - 1` written as
/// `revision.toml`: `every = 2` makes every other revision typed (half the
/// chain, the first one SQL), `every = 1` all of them. `every = 0` is taken
/// as "none" (the SQL chain).
pub fn generate(revisions: usize, seed: u64, every: usize) -> Vec<MixedRevision> {
    generate_steps(revisions, seed)
        .into_iter()
        .enumerate()
        .map(|(i, (dir_name, step))| {
            if every > 0 && i % every == every - 1 {
                MixedRevision::Typed {
                    toml: typed_toml(&step),
                    dir_name,
                }
            } else {
                MixedRevision::Sql(step.sql_revision(dir_name))
            }
        })
        .collect()
}

/// Writes `revisions` under `out` (created if missing; it must be empty,
/// as for [`super::write_chain`]).
pub fn write_chain(revisions: &[MixedRevision], out: &Path) -> io::Result<()> {
    let sql: Vec<Revision> = Vec::new();
    // The emptiness check and the directory itself, as for SQL chains.
    super::write_chain(&sql, out)?;
    for rev in revisions {
        match rev {
            MixedRevision::Sql(r) => {
                let dir = out.join(&r.dir_name);
                fs::create_dir(&dir)?;
                fs::write(dir.join("up.sql"), &r.up_sql)?;
                fs::write(dir.join("down.sql"), &r.down_sql)?;
            }
            MixedRevision::Typed { dir_name, toml } => {
                let dir = out.join(dir_name);
                fs::create_dir(&dir)?;
                fs::write(dir.join("revision.toml"), toml)?;
            }
        }
    }
    Ok(())
}

/// Generates a mixed chain and writes it under `out`; see [`generate`].
pub fn generate_into(
    revisions: usize,
    seed: u64,
    every: usize,
    out: &Path,
) -> io::Result<Vec<MixedRevision>> {
    let chain = generate(revisions, seed, every);
    write_chain(&chain, out)?;
    Ok(chain)
}

/// A TOML basic string holding `s`.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn column_keys(def: &str) -> &'static str {
    typed_column_keys(def)
        .unwrap_or_else(|| panic!("no typed form for the column definition `{def}`"))
}

/// `step`'s change as a `revision.toml`.
fn typed_toml(step: &Step) -> String {
    let mut t = format!("message = {}\n", toml_str(&step.name.replace('_', " ")));
    let mut op = |body: String| {
        let _ = write!(t, "\n[[upgrade]]\n{body}");
    };
    match &step.change {
        Change::CreateTable {
            table,
            columns,
            indexes,
        } => {
            let mut body = format!(
                "op = \"create_table\"\ntable = {}\ncolumns = [\n",
                toml_str(table)
            );
            for (name, def) in columns {
                let _ = writeln!(
                    body,
                    "    {{ name = {}, {} }},",
                    toml_str(name),
                    column_keys(def)
                );
            }
            body.push_str("]\n");
            op(body);
            for (name, column) in indexes {
                op(create_index(table, name, column));
            }
        }
        Change::AddColumn { table, column, def } => op(format!(
            "op = \"add_column\"\ntable = {}\ncolumn = {}\n{}\n",
            toml_str(table),
            toml_str(column),
            column_keys(def).replace(", ", "\n")
        )),
        Change::CreateIndex {
            table,
            name,
            column,
        } => op(create_index(table, name, column)),
        Change::Data => op(format!(
            "op = \"execute\"\nsql = {}\ndown = {}\n",
            toml_str(step.up.trim_end()),
            toml_str(step.down.trim_end())
        )),
        Change::DropColumn { table, column } => op(format!(
            "op = \"drop_column\"\ntable = {}\ncolumn = {}\n",
            toml_str(table),
            toml_str(column)
        )),
        Change::DropTable { table } => op(format!(
            "op = \"drop_table\"\ntable = {}\n",
            toml_str(table)
        )),
    }
    t
}

fn create_index(table: &str, name: &str, column: &str) -> String {
    format!(
        "op = \"create_index\"\ntable = {}\ncolumns = [{}]\nname = {}\n",
        toml_str(table),
        toml_str(column),
        toml_str(name)
    )
}

#[cfg(test)]
mod tests {
    use super::super::{generate as generate_sql, ADDED_DEFS};
    use super::*;

    #[test]
    fn every_column_definition_has_a_typed_form() {
        for def in ADDED_DEFS
            .iter()
            .copied()
            .chain(["INTEGER PRIMARY KEY", "TEXT NOT NULL DEFAULT ''"])
        {
            assert!(typed_column_keys(def).is_some(), "{def}");
        }
    }

    #[test]
    fn half_typed_and_the_sql_half_is_the_sql_chain() {
        let mixed = generate(300, 1, 2);
        let sql = generate_sql(300, 1);
        assert_eq!(mixed.len(), sql.len());
        assert_eq!(mixed.iter().filter(|r| r.is_typed()).count(), 150);
        for (i, (m, s)) in mixed.iter().zip(&sql).enumerate() {
            assert_eq!(m.dir_name(), s.dir_name);
            match m {
                MixedRevision::Sql(r) => assert_eq!(r, s, "revision {i}"),
                MixedRevision::Typed { .. } => assert_eq!(i % 2, 1),
            }
        }
        assert_eq!(generate(300, 1, 2), mixed, "deterministic");
        assert!(generate(50, 1, 0).iter().all(|r| !r.is_typed()));
        assert!(generate(50, 1, 1).iter().all(MixedRevision::is_typed));
    }

    #[test]
    fn toml_strings_escape_what_they_must() {
        assert_eq!(toml_str("a'b"), "\"a'b\"");
        assert_eq!(toml_str("x\"y\\z\nw"), "\"x\\\"y\\\\z\\nw\"");
    }
}

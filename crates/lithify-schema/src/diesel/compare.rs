//! A committed `schema.rs` against the one the migrations produce, compared
//! structurally: tables, columns, diesel types (aliases resolved),
//! nullability, `#[max_length]`, primary keys and `joinable!`. Doc comments,
//! formatting, Rust names and order do not count, so a hand-formatted file
//! passes when it means the same.

use std::collections::BTreeSet;

use super::reader::{FileJoinable, FileTable, SchemaFile};

/// One way the committed file differs from the migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The line of the committed file it is about, when it has one.
    pub line: Option<u32>,
    /// What differs.
    pub message: String,
}

/// Every difference of `committed` from `expected` (what the chain gives).
pub fn compare(expected: &SchemaFile, committed: &SchemaFile) -> Vec<Difference> {
    let mut out = Vec::new();
    let key = |t: &FileTable| (t.schema.clone(), t.sql_name.clone());
    for e in &expected.tables {
        match committed.tables.iter().find(|c| key(c) == key(e)) {
            None => out.push(Difference {
                line: None,
                message: format!("table `{}` is missing: the migrations create it", full(e)),
            }),
            Some(c) => compare_table(e, c, &mut out),
        }
    }
    for c in &committed.tables {
        if !expected.tables.iter().any(|e| key(e) == key(c)) {
            out.push(Difference {
                line: Some(c.line),
                message: format!(
                    "table `{}` is not in the schema the migrations produce",
                    full(c)
                ),
            });
        }
    }
    compare_joinables(expected, committed, &mut out);
    out
}

fn full(t: &FileTable) -> String {
    match &t.schema {
        Some(s) => format!("{s}.{}", t.sql_name),
        None => t.sql_name.clone(),
    }
}

fn compare_table(e: &FileTable, c: &FileTable, out: &mut Vec<Difference>) {
    let name = full(e);
    for ec in &e.columns {
        let Some(cc) = c.columns.iter().find(|cc| cc.sql_name == ec.sql_name) else {
            out.push(Difference {
                line: Some(c.line),
                message: format!(
                    "column `{name}.{}` is missing: the migrations give it `{}`",
                    ec.sql_name, ec.shown
                ),
            });
            continue;
        };
        let (e_null, e_ty) = strip_nullable(&ec.ty);
        let (c_null, c_ty) = strip_nullable(&cc.ty);
        if e_ty != c_ty {
            out.push(Difference {
                line: Some(cc.line),
                message: format!(
                    "column `{name}.{}` is `{}` here; the migrations give `{}`",
                    ec.sql_name, cc.shown, ec.shown
                ),
            });
        } else if e_null != c_null {
            let (here, there) = if c_null {
                ("nullable", "NOT NULL")
            } else {
                ("NOT NULL", "nullable")
            };
            out.push(Difference {
                line: Some(cc.line),
                message: format!(
                    "column `{name}.{}` is {here} here; the migrations make it {there} (`{}`)",
                    ec.sql_name, ec.shown
                ),
            });
        }
        if let (Some(cl), el) = (cc.max_length, ec.max_length) {
            if el != Some(cl) {
                let there = el.map_or("no length".to_owned(), |n| format!("`#[max_length = {n}]`"));
                out.push(Difference {
                    line: Some(cc.line),
                    message: format!("column `{name}.{}` has `#[max_length = {cl}]` here; the migrations give {there}", ec.sql_name),
                });
            }
        }
    }
    for cc in &c.columns {
        if !e.columns.iter().any(|ec| ec.sql_name == cc.sql_name) {
            out.push(Difference {
                line: Some(cc.line),
                message: format!(
                    "column `{name}.{}` is not in the schema the migrations produce",
                    cc.sql_name
                ),
            });
        }
    }
    let e_pk = sql_names(e, &e.primary_key);
    let c_pk = sql_names(c, &c.primary_key);
    if e_pk != c_pk {
        out.push(Difference {
            line: Some(c.line),
            message: format!(
                "the primary key of `{name}` is ({}) here; the migrations give ({})",
                c_pk.join(", "),
                e_pk.join(", ")
            ),
        });
    }
}

/// `Nullable<T>` -> (true, T).
fn strip_nullable(ty: &str) -> (bool, &str) {
    match ty
        .strip_prefix("Nullable<")
        .and_then(|t| t.strip_suffix('>'))
    {
        Some(inner) => (true, inner),
        None => (false, ty),
    }
}

/// Rust names of `table`'s columns to their SQL names.
fn sql_names(table: &FileTable, rust: &[String]) -> Vec<String> {
    rust.iter()
        .map(|r| {
            table
                .columns
                .iter()
                .find(|c| &c.rust_name == r)
                .map_or_else(|| r.clone(), |c| c.sql_name.clone())
        })
        .collect()
}

/// A joinable as (child, parent, column) SQL names.
fn joinable_key(file: &SchemaFile, j: &FileJoinable) -> (String, String, String) {
    let table = |rust: &str| file.tables.iter().find(|t| t.rust_name == rust);
    let child = table(&j.child);
    let column = child.map_or_else(
        || j.column.clone(),
        |t| sql_names(t, std::slice::from_ref(&j.column))[0].clone(),
    );
    (
        child.map_or_else(|| j.child.clone(), full),
        table(&j.parent).map_or_else(|| j.parent.clone(), full),
        column,
    )
}

fn compare_joinables(expected: &SchemaFile, committed: &SchemaFile, out: &mut Vec<Difference>) {
    let e: BTreeSet<(String, String, String)> = expected
        .joinables
        .iter()
        .map(|j| joinable_key(expected, j))
        .collect();
    for j in &committed.joinables {
        let k = joinable_key(committed, j);
        if !e.contains(&k) {
            out.push(Difference {
                line: Some(j.line),
                message: format!(
                    "`joinable!({} -> {} ({}))` is not a foreign key the migrations make (as diesel keeps them)",
                    k.0, k.1, k.2
                ),
            });
        }
    }
    let c: BTreeSet<(String, String, String)> = committed
        .joinables
        .iter()
        .map(|j| joinable_key(committed, j))
        .collect();
    for j in &expected.joinables {
        let k = joinable_key(expected, j);
        if !c.contains(&k) {
            out.push(Difference {
                line: None,
                message: format!(
                    "`joinable!({} -> {} ({}))` is missing: the migrations make that foreign key",
                    k.0, k.1, k.2
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diesel::reader::read_schema_file;
    use std::path::Path;

    fn read(text: &str) -> SchemaFile {
        read_schema_file(Path::new("src/schema.rs"), text).unwrap()
    }

    const EXPECTED: &str = "diesel::table! {\n    jobs (id) {\n        id -> Int4,\n        #[max_length = 3]\n        currency -> Varchar,\n        title -> Text,\n    }\n}\ndiesel::table! {\n    companies (id) {\n        id -> Int4,\n    }\n}\ndiesel::joinable!(jobs -> companies (id));\n";

    #[test]
    fn a_file_that_means_the_same_passes() {
        let hand = "// hand-formatted\ntable! { companies { id -> Integer, } }\ntable! {\n  /// Docs.\n  jobs (id) {\n    title -> diesel::sql_types::Text,\n    id -> Integer,\n    currency -> Text,\n  }\n}\njoinable!(jobs -> companies (id));\n";
        assert_eq!(compare(&read(EXPECTED), &read(hand)), Vec::new());
    }

    #[test]
    fn every_difference_is_listed_with_its_line() {
        let stale = "diesel::table! {\n    jobs (id) {\n        id -> Int8,\n        #[max_length = 2]\n        currency -> Nullable<Varchar>,\n        location -> Text,\n    }\n}\n";
        let d = compare(&read(EXPECTED), &read(stale));
        let messages: Vec<String> = d
            .iter()
            .map(|d| format!("{:?} {}", d.line, d.message))
            .collect();
        assert_eq!(
            messages,
            [
                "Some(3) column `jobs.id` is `Int8` here; the migrations give `Int4`",
                "Some(5) column `jobs.currency` is nullable here; the migrations make it NOT NULL (`Varchar`)",
                "Some(5) column `jobs.currency` has `#[max_length = 2]` here; the migrations give `#[max_length = 3]`",
                "Some(2) column `jobs.title` is missing: the migrations give it `Text`",
                "Some(6) column `jobs.location` is not in the schema the migrations produce",
                "None table `companies` is missing: the migrations create it",
                "None `joinable!(jobs -> companies (id))` is missing: the migrations make that foreign key",
            ]
        );
    }
}

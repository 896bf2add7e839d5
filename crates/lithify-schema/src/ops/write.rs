//! Typed operations back to `revision.toml` text: what `lithify new
//! --autogenerate` writes for the user to review. Every value is written
//! the way [`super::parse`] reads it, so reading the text gives the same
//! operations back (a property test checks it); keys that say what the
//! default says are left out, so the file reads like one written by hand.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{
    AlterColumn, ColumnSpec, CreateIndex, CreateTable, DefaultValue, Execute, ForeignKeySpec,
    Insert, Literal, Operation, PortableType,
};
pub use crate::error::WriteError;
use crate::model::{Dialect, ReferentialAction};

/// A value with the comment lines written above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commented<T> {
    /// The value.
    pub value: T,
    /// Comment lines, without the `# `.
    pub comments: Vec<String>,
}

impl<T> Commented<T> {
    /// `value` without comments.
    pub fn plain(value: T) -> Commented<T> {
        Commented {
            value,
            comments: Vec::new(),
        }
    }

    /// `value` with `comments` above it.
    pub fn with(value: T, comments: Vec<String>) -> Commented<T> {
        Commented { value, comments }
    }
}

/// The `[[section]]` tables (`upgrade` or `downgrade`) for `ops`, each with
/// its comments above it and a blank line before it.
///
/// # Errors
/// A value TOML cannot hold ([`WriteError`]).
pub fn write_operations(section: &str, ops: &[Commented<Operation>]) -> Result<String, WriteError> {
    let mut out = String::new();
    for op in ops {
        out.push('\n');
        for line in &op.comments {
            comment(&mut out, line);
        }
        let _ = writeln!(out, "[[{section}]]");
        for (key, value) in keys(&op.value)? {
            let _ = writeln!(out, "{key} = {value}");
        }
    }
    Ok(out)
}

/// `# line`, or `#` alone for an empty line.
fn comment(out: &mut String, line: &str) {
    for l in line.lines() {
        if l.trim().is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {l}");
        }
    }
    if line.is_empty() {
        out.push_str("#\n");
    }
}

/// A TOML string.
pub fn string(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_owned()
}

/// A TOML key, quoted when it must be.
fn key(k: &str) -> String {
    toml_edit::Key::new(k).to_string().trim().to_owned()
}

fn strings(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", quoted.join(", "))
}

fn boolean(b: bool) -> String {
    b.to_string()
}

fn inline(pairs: &[(String, String)]) -> String {
    let parts: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{{ {} }}", parts.join(", "))
}

/// The portable name of a type, or its per-dialect table; `None` for
/// [`PortableType::Referenced`], which is written by leaving `type` out.
pub fn type_value(ty: &PortableType) -> Option<String> {
    let named = |s: &str| string(s);
    Some(match ty {
        PortableType::Integer => named("integer"),
        PortableType::BigInt => named("bigint"),
        PortableType::SmallInt => named("smallint"),
        PortableType::Text => named("text"),
        PortableType::Varchar(n) => named(&format!("varchar({n})")),
        PortableType::Boolean => named("boolean"),
        PortableType::Timestamp => named("timestamp"),
        PortableType::Timestamptz => named("timestamptz"),
        PortableType::Date => named("date"),
        PortableType::Time => named("time"),
        PortableType::Numeric(p, s) => named(&format!("numeric({p}, {s})")),
        PortableType::Real => named("real"),
        PortableType::Double => named("double"),
        PortableType::Uuid => named("uuid"),
        PortableType::Json => named("json"),
        PortableType::Binary => named("binary"),
        PortableType::PerDialect(map) => per_dialect(map),
        PortableType::Referenced => return None,
    })
}

fn per_dialect(map: &BTreeMap<Dialect, String>) -> String {
    let pairs: Vec<(String, String)> = map
        .iter()
        .map(|(d, s)| (d.name().to_owned(), string(s)))
        .collect();
    inline(&pairs)
}

fn action(a: ReferentialAction) -> Option<String> {
    let word = match a {
        ReferentialAction::NoAction => return None,
        ReferentialAction::Restrict => "restrict",
        ReferentialAction::Cascade => "cascade",
        ReferentialAction::SetNull => "set null",
        ReferentialAction::SetDefault => "set default",
    };
    Some(string(word))
}

fn literal(l: &Literal) -> Option<String> {
    Some(match l {
        Literal::Null => return None,
        Literal::Bool(b) => boolean(*b),
        Literal::Integer(i) => i.to_string(),
        Literal::Float(x) => toml_edit::Value::from(*x).to_string().trim().to_owned(),
        Literal::Text(s) => string(s),
    })
}

/// The keys of one operation, in the order they are written.
fn keys(op: &Operation) -> Result<Vec<(String, String)>, WriteError> {
    let mut k = Keys::default();
    k.put("op", string(op.name()));
    match op {
        Operation::CreateTable(c) => create_table(&mut k, c)?,
        Operation::DropTable { table } => k.put("table", string(table)),
        Operation::RenameTable { table, to } => {
            k.put("table", string(table));
            k.put("to", string(to));
        }
        Operation::AddColumn { table, column } => {
            k.put("table", string(table));
            k.put("column", string(&column.name));
            column_keys(&mut k, column)?;
        }
        Operation::DropColumn { table, column } => {
            k.put("table", string(table));
            k.put("column", string(column));
        }
        Operation::AlterColumn(a) => alter_column(&mut k, a)?,
        Operation::CreateIndex(c) => create_index(&mut k, c),
        Operation::DropIndex { table, name } | Operation::DropConstraint { table, name } => {
            k.put("table", string(table));
            k.put("name", string(name));
        }
        Operation::CreateForeignKey(f) => foreign_key(&mut k, f),
        Operation::CreateUnique {
            table,
            columns,
            name,
        } => {
            k.put("table", string(table));
            k.put("columns", strings(columns));
            k.maybe("name", name.as_deref().map(string));
        }
        Operation::CreateCheck { table, expr, name } => {
            k.put("table", string(table));
            k.put("check", string(expr));
            k.maybe("name", name.as_deref().map(string));
        }
        Operation::Execute(e) => execute(&mut k, e),
        Operation::Insert(i) => insert(&mut k, i)?,
    }
    Ok(k.0)
}

/// Keys in writing order.
#[derive(Default)]
struct Keys(Vec<(String, String)>);

impl Keys {
    fn put(&mut self, key: &str, value: String) {
        self.0.push((key.to_owned(), value));
    }

    fn maybe(&mut self, key: &str, value: Option<String>) {
        if let Some(v) = value {
            self.put(key, v);
        }
    }

    fn flag(&mut self, key: &str, on: bool) {
        if on {
            self.put(key, boolean(true));
        }
    }
}

/// A column's keys after its name (shared by `add_column` and the column
/// tables of `create_table`).
fn column_keys(k: &mut Keys, c: &ColumnSpec) -> Result<(), WriteError> {
    match type_value(&c.ty) {
        Some(ty) => k.put("type", ty),
        None if c.references.is_some() => {}
        None => {
            return Err(WriteError::ReferencedType {
                column: c.name.clone(),
            })
        }
    }
    k.flag("primary_key", c.primary_key);
    if c.nullable == c.primary_key {
        k.put("nullable", boolean(c.nullable));
    }
    match &c.default {
        None => {}
        Some(DefaultValue::Sql(s)) => k.put("default_sql", string(s)),
        Some(DefaultValue::Literal(l)) => k.put(
            "default",
            literal(l).ok_or_else(|| WriteError::NullDefault {
                column: c.name.clone(),
            })?,
        ),
    }
    k.flag("identity", c.identity);
    k.flag("unique", c.unique);
    if let Some(r) = &c.references {
        k.put("references", string(&format!("{}.{}", r.table, r.column)));
        k.maybe("on_delete", action(r.on_delete));
        k.maybe("on_update", action(r.on_update));
    }
    k.maybe("check", c.check.as_deref().map(string));
    k.maybe("comment", c.comment.as_deref().map(string));
    Ok(())
}

fn create_table(k: &mut Keys, c: &CreateTable) -> Result<(), WriteError> {
    k.put("table", string(&c.table));
    let mut columns = String::from("[\n");
    for col in &c.columns {
        let mut ck = Keys::default();
        ck.put("name", string(&col.name));
        column_keys(&mut ck, col)?;
        let _ = writeln!(columns, "    {},", inline(&ck.0));
    }
    columns.push(']');
    k.put("columns", columns);
    if !c.primary_key.is_empty() {
        k.put("primary_key", strings(&c.primary_key));
    }
    if !c.unique.is_empty() {
        let items: Vec<String> = c
            .unique
            .iter()
            .map(|u| match &u.name {
                None => strings(&u.columns),
                Some(n) => inline(&[
                    ("columns".to_owned(), strings(&u.columns)),
                    ("name".to_owned(), string(n)),
                ]),
            })
            .collect();
        k.put("unique", format!("[{}]", items.join(", ")));
    }
    if !c.checks.is_empty() {
        let items: Vec<String> = c
            .checks
            .iter()
            .map(|ch| match &ch.name {
                None => string(&ch.expr),
                Some(n) => inline(&[
                    ("check".to_owned(), string(&ch.expr)),
                    ("name".to_owned(), string(n)),
                ]),
            })
            .collect();
        k.put("checks", format!("[{}]", items.join(", ")));
    }
    Ok(())
}

fn alter_column(k: &mut Keys, a: &AlterColumn) -> Result<(), WriteError> {
    k.put("table", string(&a.table));
    k.put("column", string(&a.column));
    if let Some(ty) = &a.ty {
        k.put(
            "type",
            type_value(ty).ok_or_else(|| WriteError::ReferencedType {
                column: a.column.clone(),
            })?,
        );
    }
    k.maybe("using", a.using.as_deref().map(string));
    k.maybe("nullable", a.nullable.map(boolean));
    match &a.default {
        None => {}
        Some(None) => k.put("drop_default", boolean(true)),
        Some(Some(DefaultValue::Sql(s))) => k.put("default_sql", string(s)),
        Some(Some(DefaultValue::Literal(l))) => k.put(
            "default",
            literal(l).ok_or_else(|| WriteError::NullDefault {
                column: a.column.clone(),
            })?,
        ),
    }
    k.maybe("rename_to", a.rename_to.as_deref().map(string));
    Ok(())
}

fn create_index(k: &mut Keys, c: &CreateIndex) {
    k.put("table", string(&c.table));
    k.put("columns", strings(&c.columns));
    k.maybe("name", c.name.as_deref().map(string));
    k.flag("unique", c.unique);
    k.maybe("where", c.where_clause.as_deref().map(string));
    k.flag("concurrently", c.concurrently);
}

fn foreign_key(k: &mut Keys, f: &ForeignKeySpec) {
    k.put("table", string(&f.table));
    k.put("columns", strings(&f.columns));
    k.put("references", string(&f.ref_table));
    k.put("referenced_columns", strings(&f.ref_columns));
    k.maybe("name", f.name.as_deref().map(string));
    k.maybe("on_delete", action(f.on_delete));
    k.maybe("on_update", action(f.on_update));
}

fn execute(k: &mut Keys, e: &Execute) {
    k.maybe("sql", e.sql.as_deref().map(string));
    for (d, sql) in &e.per_dialect {
        k.put(d.name(), string(sql));
    }
    match &e.down {
        None => {}
        Some(down) => match (down.len(), down.get(&None)) {
            (1, Some(sql)) => k.put("down", string(sql)),
            _ => {
                let pairs: Vec<(String, String)> = down
                    .iter()
                    .map(|(d, sql)| (d.map_or("sql", |d| d.name()).to_owned(), string(sql)))
                    .collect();
                k.put("down", inline(&pairs));
            }
        },
    }
}

fn insert(k: &mut Keys, i: &Insert) -> Result<(), WriteError> {
    k.put("table", string(&i.table));
    let mut rows = String::from("[\n");
    for row in &i.rows {
        let mut pairs = Vec::new();
        for (column, value) in row {
            let v = literal(value).ok_or_else(|| WriteError::NullValue {
                table: i.table.clone(),
                column: column.clone(),
            })?;
            pairs.push((key(column), v));
        }
        let _ = writeln!(rows, "    {},", inline(&pairs));
    }
    rows.push(']');
    k.put("rows", rows);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::parse::operations;
    use super::super::{CheckSpec, Located, Reference, UniqueSpec};
    use super::*;
    use proptest::prelude::*;

    fn read(text: &str) -> Vec<Operation> {
        let doc = toml_edit::ImDocument::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        operations(doc.get("upgrade").expect("upgrade"), text)
            .unwrap_or_else(|e| panic!("{e:?}\n{text}"))
            .into_iter()
            .map(|l: Located<Operation>| l.value)
            .collect()
    }

    fn roundtrip(ops: Vec<Operation>) {
        let commented: Vec<Commented<Operation>> = ops
            .iter()
            .cloned()
            .map(|o| Commented::with(o, vec!["a note".into(), String::new(), "# odd".into()]))
            .collect();
        let text = write_operations("upgrade", &commented).unwrap();
        assert_eq!(read(&text), ops, "{text}");
    }

    #[test]
    fn an_autogenerated_revision_reads_back() {
        let ops = vec![
            Operation::CreateTable(CreateTable {
                table: "tags".into(),
                columns: vec![
                    ColumnSpec {
                        name: "id".into(),
                        ty: PortableType::Integer,
                        nullable: false,
                        default: None,
                        primary_key: true,
                        identity: true,
                        unique: false,
                        references: None,
                        check: None,
                        comment: None,
                    },
                    ColumnSpec {
                        name: "job id".into(),
                        ty: PortableType::PerDialect(BTreeMap::from([(
                            Dialect::Postgres,
                            "jsonb".into(),
                        )])),
                        nullable: true,
                        default: Some(DefaultValue::Literal(Literal::Text("a \"b\"\n".into()))),
                        primary_key: false,
                        identity: false,
                        unique: true,
                        references: Some(Reference {
                            table: "jobs".into(),
                            column: "id".into(),
                            on_delete: ReferentialAction::Cascade,
                            on_update: ReferentialAction::NoAction,
                        }),
                        check: Some("length(x) > 0".into()),
                        comment: Some("c".into()),
                    },
                ],
                primary_key: Vec::new(),
                unique: vec![UniqueSpec {
                    columns: vec!["a".into()],
                    name: Some("uq".into()),
                }],
                checks: vec![CheckSpec {
                    expr: "a > 0".into(),
                    name: None,
                }],
            }),
            Operation::AlterColumn(AlterColumn {
                table: "jobs".into(),
                column: "pay".into(),
                ty: Some(PortableType::BigInt),
                using: Some("pay::bigint".into()),
                nullable: Some(false),
                default: Some(None),
                rename_to: None,
            }),
            Operation::Execute(Execute {
                sql: Some("-- UPDATE jobs SET pay = 0 WHERE pay IS NULL;".into()),
                per_dialect: BTreeMap::new(),
                down: Some(BTreeMap::from([(None, String::new())])),
            }),
        ];
        roundtrip(ops);
    }

    #[test]
    fn the_text_is_what_a_person_would_write() {
        let ops = vec![
            Commented::with(
                Operation::DropColumn {
                    table: "jobs".into(),
                    column: "legacy".into(),
                },
                vec!["destructive: drops jobs.legacy and its data".into()],
            ),
            Commented::plain(Operation::AddColumn {
                table: "jobs".into(),
                column: ColumnSpec {
                    name: "currency".into(),
                    ty: PortableType::Varchar(3),
                    nullable: true,
                    default: None,
                    primary_key: false,
                    identity: false,
                    unique: false,
                    references: None,
                    check: None,
                    comment: None,
                },
            }),
        ];
        assert_eq!(
            write_operations("upgrade", &ops).unwrap(),
            "\n# destructive: drops jobs.legacy and its data\n[[upgrade]]\nop = \"drop_column\"\n\
             table = \"jobs\"\ncolumn = \"legacy\"\n\n[[upgrade]]\nop = \"add_column\"\n\
             table = \"jobs\"\ncolumn = \"currency\"\ntype = \"varchar(3)\"\n"
        );
    }

    #[test]
    fn null_values_are_refused() {
        let op = Operation::Insert(Insert {
            table: "t".into(),
            rows: vec![BTreeMap::from([("a".into(), Literal::Null)])],
        });
        assert!(matches!(
            write_operations("upgrade", &[Commented::plain(op)]),
            Err(WriteError::NullValue { .. })
        ));
    }

    fn name() -> impl Strategy<Value = String> {
        prop_oneof!["[a-z_][a-z0-9_]{0,8}", "[A-Za-z \"'\\\\.#\u{e9}-]{1,8}",]
    }

    fn portable() -> impl Strategy<Value = PortableType> {
        prop_oneof![
            Just(PortableType::Integer),
            Just(PortableType::BigInt),
            Just(PortableType::SmallInt),
            Just(PortableType::Text),
            (1u32..500).prop_map(PortableType::Varchar),
            Just(PortableType::Boolean),
            Just(PortableType::Timestamp),
            Just(PortableType::Timestamptz),
            Just(PortableType::Date),
            Just(PortableType::Time),
            (1u32..40, 0u32..10).prop_map(|(p, s)| PortableType::Numeric(p, s)),
            Just(PortableType::Real),
            Just(PortableType::Double),
            Just(PortableType::Uuid),
            Just(PortableType::Json),
            Just(PortableType::Binary),
            proptest::collection::btree_map(dialect(), name(), 1..3)
                .prop_map(PortableType::PerDialect),
        ]
    }

    fn dialect() -> impl Strategy<Value = Dialect> {
        prop_oneof![
            Just(Dialect::Sqlite),
            Just(Dialect::Postgres),
            Just(Dialect::Mysql)
        ]
    }

    fn action_strategy() -> impl Strategy<Value = ReferentialAction> {
        prop_oneof![
            Just(ReferentialAction::NoAction),
            Just(ReferentialAction::Restrict),
            Just(ReferentialAction::Cascade),
            Just(ReferentialAction::SetNull),
            Just(ReferentialAction::SetDefault),
        ]
    }

    fn literal_strategy() -> impl Strategy<Value = Literal> {
        prop_oneof![
            any::<bool>().prop_map(Literal::Bool),
            any::<i64>().prop_map(Literal::Integer),
            (-1.0e12f64..1.0e12).prop_map(Literal::Float),
            name().prop_map(Literal::Text),
        ]
    }

    fn default_strategy() -> impl Strategy<Value = Option<DefaultValue>> {
        prop_oneof![
            Just(None),
            literal_strategy().prop_map(|l| Some(DefaultValue::Literal(l))),
            name().prop_map(|s| Some(DefaultValue::Sql(s))),
        ]
    }

    fn column() -> impl Strategy<Value = ColumnSpec> {
        (
            name(),
            portable(),
            any::<(bool, bool, bool, bool)>(),
            default_strategy(),
            proptest::option::of((name(), name(), action_strategy(), action_strategy())),
            proptest::option::of(name()),
            proptest::option::of(name()),
        )
            .prop_map(
                |(name, ty, (nullable, pk, identity, unique), default, r, check, comment)| {
                    // Half the referencing columns take the referenced column's type.
                    let ty = if r.is_some() && identity {
                        PortableType::Referenced
                    } else {
                        ty
                    };
                    ColumnSpec {
                        name,
                        ty,
                        nullable,
                        default,
                        primary_key: pk,
                        identity,
                        unique,
                        references: r.map(|(t, c, d, u)| Reference {
                            table: t.replace('.', "_"),
                            column: c,
                            on_delete: d,
                            on_update: u,
                        }),
                        check,
                        comment,
                    }
                },
            )
    }

    fn names() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec(name(), 1..3)
    }

    fn operation() -> impl Strategy<Value = Operation> {
        prop_oneof![
            (
                name(),
                proptest::collection::vec(column(), 1..4),
                proptest::collection::vec(name(), 0..2),
                proptest::collection::vec((names(), proptest::option::of(name())), 0..2),
                proptest::collection::vec((name(), proptest::option::of(name())), 0..2),
            )
                .prop_map(|(table, columns, primary_key, unique, checks)| {
                    Operation::CreateTable(CreateTable {
                        table,
                        columns,
                        primary_key,
                        unique: unique
                            .into_iter()
                            .map(|(columns, name)| UniqueSpec { columns, name })
                            .collect(),
                        checks: checks
                            .into_iter()
                            .map(|(expr, name)| CheckSpec { expr, name })
                            .collect(),
                    })
                }),
            name().prop_map(|table| Operation::DropTable { table }),
            (name(), name()).prop_map(|(table, to)| Operation::RenameTable { table, to }),
            (name(), column()).prop_map(|(table, column)| Operation::AddColumn { table, column }),
            (name(), name()).prop_map(|(table, column)| Operation::DropColumn { table, column }),
            (
                name(),
                name(),
                proptest::option::of(portable()),
                proptest::option::of(any::<bool>()),
                proptest::option::of(default_strategy()),
                proptest::option::of(name()),
            )
                .prop_filter("changes something", |(_, _, t, n, d, r)| {
                    t.is_some() || n.is_some() || d.is_some() || r.is_some()
                })
                .prop_map(|(table, column, ty, nullable, default, rename_to)| {
                    let using = ty.as_ref().map(|_| format!("{column}::x"));
                    Operation::AlterColumn(AlterColumn {
                        table,
                        column,
                        ty,
                        using,
                        nullable,
                        default,
                        rename_to,
                    })
                }),
            (
                name(),
                names(),
                proptest::option::of(name()),
                any::<(bool, bool)>(),
                proptest::option::of(name())
            )
                .prop_map(|(table, columns, name, (unique, concurrently), w)| {
                    Operation::CreateIndex(CreateIndex {
                        table,
                        columns,
                        name,
                        unique,
                        where_clause: w,
                        concurrently,
                    })
                }),
            (name(), name()).prop_map(|(table, name)| Operation::DropIndex { table, name }),
            (
                name(),
                names(),
                name(),
                names(),
                proptest::option::of(name()),
                action_strategy(),
                action_strategy()
            )
                .prop_map(|(table, columns, ref_table, ref_columns, name, d, u)| {
                    Operation::CreateForeignKey(ForeignKeySpec {
                        table,
                        columns,
                        ref_table,
                        ref_columns,
                        name,
                        on_delete: d,
                        on_update: u,
                    })
                }),
            (name(), names(), proptest::option::of(name())).prop_map(|(table, columns, name)| {
                Operation::CreateUnique {
                    table,
                    columns,
                    name,
                }
            }),
            (name(), name(), proptest::option::of(name()))
                .prop_map(|(table, expr, name)| Operation::CreateCheck { table, expr, name }),
            (name(), name()).prop_map(|(table, name)| Operation::DropConstraint { table, name }),
            (
                proptest::option::of(name()),
                proptest::collection::btree_map(dialect(), name(), 0..3),
                proptest::option::of(proptest::collection::btree_map(
                    proptest::option::of(dialect()),
                    name(),
                    1..3
                )),
            )
                .prop_filter("has SQL", |(sql, per, _)| sql.is_some() || !per.is_empty())
                .prop_map(|(sql, per_dialect, down)| {
                    Operation::Execute(Execute {
                        sql,
                        per_dialect,
                        down,
                    })
                }),
            (
                name(),
                proptest::collection::vec(
                    proptest::collection::btree_map(name(), literal_strategy(), 1..3),
                    1..3
                )
            )
                .prop_map(|(table, rows)| Operation::Insert(Insert { table, rows })),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever the writer writes, the parser reads back as the same operations.
        #[test]
        fn written_operations_read_back(ops in proptest::collection::vec(operation(), 1..6)) {
            roundtrip(ops);
        }
    }
}

//! The diff, checked by applying it: the operations it writes, compiled onto
//! the schema they start from, must give the schema wanted (as far as the
//! scope compares), on every dialect; and a schema printed as `schema.rs`
//! and read back into the model diffs empty with itself.

use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::diesel::config::PrintSchemaConfig;
use crate::diesel::into_model::schema_from_file;
use crate::diesel::print_schema;
use crate::diesel::reader::read_schema_file;
use crate::ops::compile::{compile_revision, CompileInput};
use crate::ops::write::write_operations;
use crate::ops::{ColumnSpec, Located, PortableType, TypedRevision};

/// `ops` compiled onto `schema`; panics with the text on any error.
fn apply(schema: &Schema, ops: &[Commented<Operation>]) -> Schema {
    let text = write_operations("upgrade", ops).expect("writable");
    let typed = TypedRevision {
        upgrade: ops
            .iter()
            .enumerate()
            .map(|(i, o)| Located {
                value: o.value.clone(),
                line: u32::try_from(i).unwrap_or(0) + 1,
            })
            .collect(),
        downgrade: None,
        irreversible: false,
    };
    let naming = crate::naming::convention::NamingConvention::default();
    let input = CompileInput {
        revision: "r",
        file: Path::new("revision.toml"),
        schema,
        naming: &naming,
    };
    match compile_revision(input, &typed) {
        Ok(c) => c.schema,
        Err(e) => panic!("{} does not compile: {e:?}\n{text}", schema.dialect),
    }
}

/// The operations of a `[[upgrade]]` text.
fn ops(text: &str) -> Vec<Commented<Operation>> {
    let doc = toml_edit::ImDocument::parse(text).expect("toml");
    crate::ops::parse::operations(doc.get("upgrade").expect("upgrade"), text)
        .expect("operations")
        .into_iter()
        .map(|l| Commented::plain(l.value))
        .collect()
}

fn printed(schema: &Schema) -> String {
    print_schema(schema, &PrintSchemaConfig::default())
        .expect("prints")
        .text
}

/// The schema `text` (a schema.rs) asks for, given `head`.
fn read_back(head: &Schema, text: &str) -> Schema {
    let file = read_schema_file(Path::new("schema.rs"), text).expect("reads");
    schema_from_file(
        head,
        &file,
        &PrintSchemaConfig::default(),
        Path::new("schema.rs"),
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"))
    .schema
}

fn diesel_diff(from: &Schema, to: &Schema, ask: &mut dyn Ask) -> Diff {
    let options = Options {
        scope: Scope::DieselSchema,
        renames: Renames::default(),
    };
    diff(from, to, &options, ask).expect("diffs")
}

const BASE: &str = r#"
[[upgrade]]
op = "create_table"
table = "companies"
columns = [
    { name = "id", type = "integer", primary_key = true, identity = true },
    { name = "name", type = "text", nullable = false },
]

[[upgrade]]
op = "create_table"
table = "jobs"
columns = [
    { name = "id", type = "integer", primary_key = true, identity = true },
    { name = "company_id", type = "integer", nullable = false, references = "companies.id" },
    { name = "title", type = "varchar(200)" },
    { name = "salary", type = "integer" },
    { name = "legacy", type = "text" },
]
"#;

const EDITS: &str = r#"
[[upgrade]]
op = "create_table"
table = "tags"
columns = [
    { name = "id", type = "integer", primary_key = true, identity = true },
    { name = "job_id", type = "integer", nullable = false, references = "jobs.id" },
    { name = "label", type = "varchar(50)", nullable = false },
]

[[upgrade]]
op = "add_column"
table = "jobs"
column = "currency"
type = "varchar(3)"

[[upgrade]]
op = "drop_column"
table = "jobs"
column = "legacy"

[[upgrade]]
op = "alter_column"
table = "jobs"
column = "salary"
type = "bigint"

[[upgrade]]
op = "alter_column"
table = "jobs"
column = "title"
nullable = false
"#;

fn base(d: Dialect) -> Schema {
    apply(&Schema::new(d), &ops(BASE))
}

#[test]
fn a_schema_diffs_empty_with_itself() {
    for d in Dialect::ALL {
        let s = base(d);
        for scope in [Scope::DieselSchema, Scope::Database] {
            let options = Options {
                scope,
                renames: Renames::default(),
            };
            let found = diff(&s, &s, &options, &mut NobodyToAsk).unwrap();
            assert!(
                found.is_empty() && found.changes.is_empty(),
                "{d}: {found:#?}"
            );
        }
    }
}

#[test]
fn edits_in_schema_rs_become_operations_that_give_them() {
    for d in Dialect::ALL {
        let head = base(d);
        let edited = printed(&apply(&head, &ops(EDITS)));
        let wanted = read_back(&head, &edited);
        let found = diesel_diff(&head, &wanted, &mut NobodyToAsk);
        let summaries: Vec<String> = found.changes.iter().map(ToString::to_string).collect();
        assert!(
            summaries
                .iter()
                .any(|s| s.starts_with("type of `jobs.salary`")),
            "{d}: {summaries:#?}"
        );
        assert!(
            !found.operations.iter().any(|o| matches!(
                &o.value,
                Operation::AddColumn { column, .. } if column.name == "salary"
            )),
            "{d}: a type change is never drop + add"
        );
        assert_eq!(
            printed(&apply(&head, &found.operations)),
            edited,
            "{d}: {summaries:#?}"
        );
    }
}

#[test]
fn postgres_gets_a_cast_where_it_needs_one() {
    let head = base(Dialect::Postgres);
    let edited = printed(&head).replace("title -> Nullable<Varchar>", "title -> Nullable<Int4>");
    let edited = edited.replace("#[max_length = 200]\n", "");
    let found = diesel_diff(&head, &read_back(&head, &edited), &mut NobodyToAsk);
    let alter = found
        .operations
        .iter()
        .find_map(|o| match &o.value {
            Operation::AlterColumn(a) if a.column == "title" => Some(a.clone()),
            _ => None,
        })
        .expect("an alter_column of title");
    assert_eq!(alter.using.as_deref(), Some("\"title\"::integer"));
    assert!(matches!(
        found.changes[0].hazard,
        Some(Hazard::Narrowing(_))
    ));
}

#[test]
fn not_null_gets_a_data_step_first() {
    let head = base(Dialect::Sqlite);
    let edited = printed(&head).replace("salary -> Nullable<Integer>", "salary -> Integer");
    let found = diesel_diff(&head, &read_back(&head, &edited), &mut NobodyToAsk);
    assert!(matches!(found.changes[0].hazard, Some(Hazard::NotNull)));
    assert!(
        matches!(&found.operations[0].value, Operation::Execute(e) if e.sql.as_deref().is_some_and(|s| s.starts_with("-- UPDATE jobs SET salary")))
    );
    assert!(
        matches!(&found.operations[1].value, Operation::AlterColumn(a) if a.nullable == Some(false))
    );
}

/// The head with `jobs.salary` renamed to `pay` in its schema.rs.
fn renamed(d: Dialect) -> (Schema, Schema) {
    let head = base(d);
    let edited = printed(&head).replace("salary ->", "pay ->");
    let wanted = read_back(&head, &edited);
    (head, wanted)
}

fn has_rename(found: &Diff) -> bool {
    found.operations.iter().any(
        |o| matches!(&o.value, Operation::AlterColumn(a) if a.rename_to.as_deref() == Some("pay")),
    )
}

#[test]
fn a_rename_is_asked_and_the_answer_is_followed() {
    for d in Dialect::ALL {
        let (head, wanted) = renamed(d);
        let mut yes = Always {
            answer: Some(true),
            asked: Vec::new(),
        };
        let found = diesel_diff(&head, &wanted, &mut yes);
        assert_eq!(
            yes.asked
                .iter()
                .map(RenameQuestion::prompt)
                .collect::<Vec<_>>(),
            [format!(
                "Did you rename jobs.salary to jobs.pay ({})? [y/N]",
                own_text(&head.tables[1].columns[3].ty)
            )]
        );
        assert!(has_rename(&found), "{d}: {found:#?}");
        assert_eq!(found.operations.len(), 1);
        assert_eq!(printed(&apply(&head, &found.operations)), printed(&wanted));

        let mut no = Always {
            answer: Some(false),
            asked: Vec::new(),
        };
        let found = diesel_diff(&head, &wanted, &mut no);
        assert!(!has_rename(&found));
        assert_eq!(found.changes[0].hazard, Some(Hazard::Destructive));
        // Added, `pay` goes last: the same schema but for column order.
        let file = |s: &Schema| read_schema_file(Path::new("s.rs"), &printed(s)).unwrap();
        let after = apply(&head, &found.operations);
        assert_eq!(
            crate::diesel::compare::compare(&file(&wanted), &file(&after)),
            []
        );
    }
}

#[test]
fn without_anyone_to_ask_a_possible_rename_is_drop_and_add_and_says_so() {
    let (head, wanted) = renamed(Dialect::Postgres);
    let found = diesel_diff(&head, &wanted, &mut NobodyToAsk);
    assert!(!has_rename(&found));
    assert_eq!(
        found.changes[0].hazard,
        Some(Hazard::MaybeRename("--rename jobs.salary=pay".into()))
    );
    let drop = &found.operations[0];
    assert!(matches!(drop.value, Operation::DropColumn { .. }));
    assert!(
        drop.comments.iter().any(|c| c.contains("MAY BE A RENAME")),
        "{:?}",
        drop.comments
    );
}

#[test]
fn a_given_rename_is_not_asked_and_a_wrong_one_is_an_error() {
    let (head, wanted) = renamed(Dialect::Mysql);
    let mut ask = Always::default();
    let mut options = Options {
        scope: Scope::DieselSchema,
        renames: Renames {
            tables: Vec::new(),
            columns: vec![Renames::parse_column("jobs.salary=pay").unwrap()],
        },
    };
    let found = diff(&head, &wanted, &options, &mut ask).unwrap();
    assert!(ask.asked.is_empty());
    assert!(has_rename(&found));
    options.renames.columns = vec![Renames::parse_column("jobs.title=pay").unwrap()];
    let e = diff(&head, &wanted, &options, &mut ask).unwrap_err();
    assert_eq!(
        e.to_string(),
        "--rename jobs.title=pay: `title` is not among what the change removes"
    );
}

#[test]
fn a_table_with_the_same_columns_may_be_a_renamed_table() {
    let head = base(Dialect::Sqlite);
    let edited = printed(&head).replace("companies", "firms");
    let wanted = read_back(&head, &edited);
    let mut yes = Always {
        answer: Some(true),
        asked: Vec::new(),
    };
    let found = diesel_diff(&head, &wanted, &mut yes);
    assert_eq!(
        yes.asked[0].prompt(),
        "Did you rename table companies to firms? [y/N]"
    );
    assert!(
        matches!(&found.operations[0].value, Operation::RenameTable { to, .. } if to == "firms")
    );
    assert_eq!(printed(&apply(&head, &found.operations)), edited);
}

#[test]
fn a_joinable_added_or_removed_is_a_foreign_key() {
    let head = base(Dialect::Postgres);
    let text = printed(&head);
    let without = text.replace("diesel::joinable!(jobs -> companies (company_id));\n", "");
    let wanted = read_back(&head, &without);
    let found = diesel_diff(&head, &wanted, &mut NobodyToAsk);
    assert!(
        matches!(&found.operations[0].value, Operation::DropConstraint { .. }),
        "{found:#?}"
    );
    let back = apply(&head, &found.operations);
    let found = diesel_diff(&back, &read_back(&back, &text), &mut NobodyToAsk);
    assert!(
        matches!(&found.operations[0].value, Operation::CreateForeignKey(_)),
        "{found:#?}"
    );
}

#[test]
fn comparing_with_a_database_covers_defaults_and_indexes() {
    let head = base(Dialect::Postgres);
    let wanted = apply(
        &head,
        &ops(r#"
[[upgrade]]
op = "add_column"
table = "jobs"
column = "remote"
type = "boolean"
nullable = false
default = false

[[upgrade]]
op = "create_index"
table = "jobs"
columns = ["salary"]
name = "jobs_salary_idx"
"#),
    );
    let options = Options {
        scope: Scope::Database,
        renames: Renames::default(),
    };
    let found = diff(&head, &wanted, &options, &mut NobodyToAsk).unwrap();
    let back = apply(&head, &found.operations);
    assert_eq!(
        crate::describe::compare(&back, &wanted).differences,
        Vec::<String>::new(),
        "{found:#?}"
    );
}

/// A random table, as a `create_table` operation for `d`: an integer key,
/// columns of portable (and some engine-specific) types, foreign keys to
/// earlier tables.
fn table_strategy(d: Dialect, index: usize) -> impl Strategy<Value = Operation> {
    let own: Vec<&'static str> = match d {
        Dialect::Postgres => vec!["jsonb", "text[]", "timestamptz", "inet"],
        Dialect::Mysql => vec!["int unsigned", "mediumtext", "datetime", "json"],
        Dialect::Sqlite => vec!["DATETIME", "VARCHAR(40)", "REAL", "CLOB"],
    };
    let ty = prop_oneof![
        Just(PortableType::Integer),
        Just(PortableType::BigInt),
        Just(PortableType::Text),
        (1u32..300).prop_map(PortableType::Varchar),
        Just(PortableType::Boolean),
        Just(PortableType::Timestamp),
        Just(PortableType::Date),
        Just(PortableType::Double),
        Just(PortableType::Binary),
        proptest::sample::select(own)
            .prop_map(move |t| PortableType::PerDialect([(d, t.to_owned())].into())),
    ];
    let column = (ty, any::<bool>(), any::<bool>());
    (
        proptest::collection::vec(column, 1..5),
        any::<bool>(),
        proptest::option::of(0..index.max(1)),
    )
        .prop_map(move |(cols, identity, fk)| {
            let mut columns = vec![ColumnSpec {
                name: "id".into(),
                ty: PortableType::Integer,
                nullable: false,
                default: None,
                primary_key: true,
                identity,
                unique: false,
                references: None,
                check: None,
                comment: None,
            }];
            for (i, (ty, nullable, _)) in cols.into_iter().enumerate() {
                columns.push(ColumnSpec {
                    name: format!("c{i}"),
                    ty,
                    nullable,
                    default: None,
                    primary_key: false,
                    identity: false,
                    unique: false,
                    references: None,
                    check: None,
                    comment: None,
                });
            }
            if let Some(parent) = fk.filter(|_| index > 0) {
                columns.push(ColumnSpec {
                    name: "parent_id".into(),
                    ty: PortableType::Integer,
                    nullable: true,
                    default: None,
                    primary_key: false,
                    identity: false,
                    unique: false,
                    references: Some(crate::ops::Reference {
                        table: format!("t{parent}"),
                        column: "id".into(),
                        on_delete: Default::default(),
                        on_update: Default::default(),
                    }),
                    check: None,
                    comment: None,
                });
            }
            Operation::CreateTable(crate::ops::CreateTable {
                table: format!("t{index}"),
                columns,
                primary_key: Vec::new(),
                unique: Vec::new(),
                checks: Vec::new(),
            })
        })
}

fn schema_strategy() -> impl Strategy<Value = Schema> {
    prop_oneof![
        Just(Dialect::Sqlite),
        Just(Dialect::Postgres),
        Just(Dialect::Mysql)
    ]
    .prop_flat_map(|d| {
        (0..4usize)
            .map(|i| table_strategy(d, i))
            .collect::<Vec<_>>()
            .prop_map(move |tables| {
                let ops: Vec<Commented<Operation>> =
                    tables.into_iter().map(Commented::plain).collect();
                apply(&Schema::new(d), &ops)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// emit -> read -> diff is empty: a schema printed as schema.rs and read
    /// back against itself asks for nothing; read back against nothing, it
    /// asks for tables that print the same, and the operations that create
    /// them give that text.
    #[test]
    fn emit_read_diff_is_empty(schema in schema_strategy()) {
        let text = printed(&schema);
        let again = read_back(&schema, &text);
        let found = diesel_diff(&schema, &again, &mut NobodyToAsk);
        prop_assert!(found.is_empty(), "{found:#?}\n{text}");
        let empty = Schema::new(schema.dialect);
        let fresh = read_back(&empty, &text);
        prop_assert_eq!(printed(&fresh), text.clone());
        let created = diesel_diff(&empty, &fresh, &mut NobodyToAsk);
        prop_assert_eq!(printed(&apply(&empty, &created.operations)), text);
    }
}

#[test]
fn sql_name_and_max_length_are_read() {
    let head = apply(
        &base(Dialect::Postgres),
        &ops(r#"
[[upgrade]]
op = "add_column"
table = "jobs"
column = "type"
type = "text"
"#),
    );
    let text = printed(&head);
    assert!(
        text.contains("#[sql_name = \"type\"]\n        type_ ->"),
        "{text}"
    );
    assert!(diesel_diff(&head, &read_back(&head, &text), &mut NobodyToAsk).is_empty());

    let edited = text
        .replace("#[sql_name = \"type\"]", "#[sql_name = \"kind\"]")
        .replace("#[max_length = 200]", "#[max_length = 100]");
    let mut yes = Always {
        answer: Some(true),
        asked: Vec::new(),
    };
    let found = diesel_diff(&head, &read_back(&head, &edited), &mut yes);
    assert_eq!(
        yes.asked[0].prompt(),
        "Did you rename jobs.type to jobs.kind (text)? [y/N]"
    );
    let summaries: Vec<String> = found.changes.iter().map(ToString::to_string).collect();
    assert_eq!(
        summaries,
        [
            "renamed column `jobs.type` to `jobs.kind`",
            "type of `jobs.title`: character varying(200) -> character varying(100) (can fail on existing rows: values longer than 100 characters do not fit)",
        ]
    );
    // The same schema; print-schema names the column `kind` in Rust too.
    let file = |t: &str| read_schema_file(Path::new("s.rs"), t).unwrap();
    let after = printed(&apply(&head, &found.operations));
    assert_eq!(
        crate::diesel::compare::compare(&file(&edited), &file(&after)),
        []
    );
}

//! Constraints as the fold adds them: read from a column's options or from a
//! table constraint into one form, then named and added in the order the
//! engine names them (PostgreSQL names CHECKs, then the primary key, then
//! UNIQUEs, then foreign keys; InnoDB adds the index a foreign key needs
//! only once every other key of the statement exists), with the duplicate
//! keys PostgreSQL and SQLite fold into one left out.

use sqlparser::ast::{
    ColumnOption, ForeignKeyConstraint, Ident, ReferentialAction as SqlAction, TableConstraint,
};

use super::columns::{ident, index_method, index_parts, referenced_columns};
use super::Ctx;
use crate::engine::ConstraintKind;
use crate::model::{
    same_name, same_relation, CheckConstraint, ForeignKey, Index, IndexPart, NameKind, ObjectName,
    PrimaryKey, ReferentialAction, Schema, Table, UniqueConstraint,
};

/// A constraint (or MySQL key) as written, before the engine names it.
#[derive(Debug, Clone)]
pub(crate) enum Constraint {
    /// `PRIMARY KEY`.
    PrimaryKey {
        /// The name written, if any.
        name: Option<String>,
        /// Key columns.
        columns: Vec<String>,
    },
    /// `UNIQUE` (on MySQL, a unique index).
    Unique {
        /// The name written, if any.
        name: Option<String>,
        /// Key columns.
        columns: Vec<String>,
        /// PostgreSQL's `INCLUDE` columns (they count in the name).
        include: Vec<String>,
    },
    /// `CHECK (...)`.
    Check {
        /// The name written, if any.
        name: Option<String>,
        /// The condition, as SQL text.
        expr: String,
        /// The column it was written on, if any.
        column: Option<String>,
    },
    /// `FOREIGN KEY ... REFERENCES` / a column's `REFERENCES`.
    ForeignKey(ForeignKeySpec),
    /// MySQL's `KEY` / `INDEX` / `FULLTEXT` / `SPATIAL` in a table definition.
    Index {
        /// The name written, if any.
        name: Option<String>,
        /// What it indexes.
        parts: Vec<IndexPart>,
        /// `fulltext`, `spatial`, `hash`, ...
        method: Option<String>,
    },
    /// PostgreSQL's `ADD [PRIMARY KEY | UNIQUE] USING INDEX i`.
    UsingIndex {
        /// A primary key (else UNIQUE).
        primary: bool,
        /// The constraint's name (the index's when none is written).
        name: Option<String>,
        /// The index that becomes the key's.
        index: String,
    },
}

/// A foreign key as written.
#[derive(Debug, Clone)]
pub(crate) struct ForeignKeySpec {
    name: Option<String>,
    columns: Vec<String>,
    references: ObjectName,
    ref_columns: Vec<String>,
    on_delete: ReferentialAction,
    on_update: ReferentialAction,
}

impl Constraint {
    fn kind(&self) -> ConstraintKind {
        match self {
            Constraint::PrimaryKey { .. } => ConstraintKind::PrimaryKey,
            Constraint::Unique { .. } => ConstraintKind::Unique,
            Constraint::Check { .. } => ConstraintKind::Check,
            Constraint::ForeignKey(_) => ConstraintKind::ForeignKey,
            Constraint::Index { .. } => ConstraintKind::Index,
            Constraint::UsingIndex { primary: true, .. } => ConstraintKind::PrimaryKey,
            Constraint::UsingIndex { .. } => ConstraintKind::Unique,
        }
    }
}

/// A constraint written on `column` (`id INT PRIMARY KEY REFERENCES ...`);
/// `None` for options that are not constraints, and for the `REFERENCES`
/// MySQL parses on a column and ignores; `Err` when what the option makes
/// depends on a server the fold does not know.
pub(crate) fn from_column_option(
    ctx: &Ctx<'_>,
    column: &str,
    given: Option<String>,
    option: &ColumnOption,
) -> Result<Option<Constraint>, String> {
    let cols = vec![column.to_owned()];
    Ok(match option {
        ColumnOption::PrimaryKey(pk) => Some(Constraint::PrimaryKey {
            name: given.or_else(|| name_of(ctx, &pk.name)),
            columns: cols,
        }),
        ColumnOption::Unique(u) => Some(Constraint::Unique {
            name: given.or_else(|| name_of(ctx, &u.name)),
            columns: cols,
            include: Vec::new(),
        }),
        ColumnOption::ForeignKey(fk) => {
            if ctx.engine.column_references_make_keys()? {
                let name = given.or_else(|| name_of(ctx, &fk.name));
                Some(Constraint::ForeignKey(foreign_key(ctx, name, cols, fk)))
            } else {
                None
            }
        }
        ColumnOption::Check(c) => Some(Constraint::Check {
            name: given.or_else(|| name_of(ctx, &c.name)),
            expr: c.expr.to_string(),
            column: Some(column.to_owned()),
        }),
        _ => None,
    })
}

/// A table constraint, read.
pub(crate) fn from_table_constraint(
    ctx: &Ctx<'_>,
    constraint: &TableConstraint,
) -> Result<Constraint, String> {
    Ok(match constraint {
        TableConstraint::PrimaryKey(pk) => Constraint::PrimaryKey {
            name: name_of(ctx, &pk.name).or_else(|| name_of(ctx, &pk.index_name)),
            columns: key_columns(ctx, &pk.columns)?,
        },
        TableConstraint::Unique(u) => Constraint::Unique {
            name: name_of(ctx, &u.index_name).or_else(|| name_of(ctx, &u.name)),
            columns: key_columns(ctx, &u.columns)?,
            include: u.include.iter().map(|i| ident(ctx, i)).collect(),
        },
        TableConstraint::ForeignKey(fk) => {
            let name = name_of(ctx, &fk.name).or_else(|| name_of(ctx, &fk.index_name));
            let columns = fk.columns.iter().map(|c| ident(ctx, c)).collect();
            Constraint::ForeignKey(foreign_key(ctx, name, columns, fk))
        }
        TableConstraint::Check(c) => Constraint::Check {
            name: name_of(ctx, &c.name),
            expr: c.expr.to_string(),
            column: None,
        },
        TableConstraint::Index(ix) => Constraint::Index {
            name: name_of(ctx, &ix.name),
            parts: index_parts(ctx, &ix.columns),
            method: ix
                .index_type
                .as_ref()
                .and_then(|t| index_method(&t.to_string())),
        },
        TableConstraint::FulltextOrSpatial(ix) => Constraint::Index {
            name: name_of(ctx, &ix.opt_index_name),
            parts: index_parts(ctx, &ix.columns),
            method: Some(if ix.fulltext { "fulltext" } else { "spatial" }.to_owned()),
        },
        TableConstraint::PrimaryKeyUsingIndex(c) | TableConstraint::UniqueUsingIndex(c) => {
            Constraint::UsingIndex {
                primary: matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_)),
                name: name_of(ctx, &c.name),
                index: ident(ctx, &c.index_name),
            }
        }
        TableConstraint::Exclude(_) => return Err("EXCLUDE constraints are not modelled".into()),
    })
}

fn name_of(ctx: &Ctx<'_>, name: &Option<Ident>) -> Option<String> {
    name.as_ref().map(|n| ident(ctx, n))
}

/// The columns of a key: every part must be a plain column.
fn key_columns(
    ctx: &Ctx<'_>,
    columns: &[sqlparser::ast::IndexColumn],
) -> Result<Vec<String>, String> {
    index_parts(ctx, columns)
        .into_iter()
        .map(|p| match p {
            IndexPart::Column(c) => Ok(c),
            IndexPart::Expression(e) => Err(format!("the key part `{e}` is not a column")),
        })
        .collect()
}

fn foreign_key(
    ctx: &Ctx<'_>,
    name: Option<String>,
    columns: Vec<String>,
    fk: &ForeignKeyConstraint,
) -> ForeignKeySpec {
    ForeignKeySpec {
        name,
        columns,
        references: ctx.engine.object_name(&fk.foreign_table),
        ref_columns: fk.referred_columns.iter().map(|c| ident(ctx, c)).collect(),
        on_delete: action(fk.on_delete),
        on_update: action(fk.on_update),
    }
}

fn action(a: Option<SqlAction>) -> ReferentialAction {
    match a {
        None | Some(SqlAction::NoAction) => ReferentialAction::NoAction,
        Some(SqlAction::Restrict) => ReferentialAction::Restrict,
        Some(SqlAction::Cascade) => ReferentialAction::Cascade,
        Some(SqlAction::SetNull) => ReferentialAction::SetNull,
        Some(SqlAction::SetDefault) => ReferentialAction::SetDefault,
    }
}

/// Add the constraints one statement writes to `table` (whose columns all
/// exist by now), naming the unnamed ones as the engine would.
pub(crate) fn add_all(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    mut constraints: Vec<Constraint>,
) -> Result<(), String> {
    // A stable sort: within a kind, the order written.
    constraints.sort_by_key(|c| ctx.engine.naming_order(c.kind()));
    if ctx.engine.folds_identical_keys() {
        constraints = fold_identical_keys(ctx, table, constraints);
    }
    for c in constraints {
        add(schema, ctx, table, c)?;
    }
    Ok(())
}

/// PostgreSQL and SQLite make one key of a UNIQUE written twice, or on the
/// primary key's columns, in one statement; a name written on a dropped
/// duplicate goes to the key kept when that one had none.
fn fold_identical_keys(
    ctx: &Ctx<'_>,
    table: &Table,
    constraints: Vec<Constraint>,
) -> Vec<Constraint> {
    let d = ctx.dialect();
    let same = |a: &[String], b: &[String]| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| same_name(d, NameKind::Member, x, y))
    };
    let mut kept: Vec<Constraint> = Vec::new();
    for c in constraints {
        let Constraint::Unique {
            name,
            columns,
            include,
        } = &c
        else {
            kept.push(c);
            continue;
        };
        if !include.is_empty() {
            kept.push(c);
            continue;
        }
        let prior = kept.iter_mut().find_map(|k| match k {
            Constraint::PrimaryKey {
                name: n,
                columns: cols,
            } if same(cols, columns) && ctx.engine.key_has_index(table, cols) => Some(n),
            Constraint::Unique {
                name: n,
                columns: cols,
                include,
            } if include.is_empty() && same(cols, columns) => Some(n),
            _ => None,
        });
        match prior {
            Some(prior_name) => {
                if prior_name.is_none() {
                    prior_name.clone_from(name);
                }
            }
            None => kept.push(c),
        }
    }
    kept
}

/// `name` as `table` spells the column (engines report key columns the
/// way the table defines them, whatever case the key wrote).
pub(crate) fn canonical(ctx: &Ctx<'_>, table: &Table, name: String) -> String {
    match table.find_column(ctx.dialect(), &name) {
        Some(c) => c.name.clone(),
        None => name,
    }
}

fn canonical_all(ctx: &Ctx<'_>, table: &Table, names: Vec<String>) -> Vec<String> {
    names
        .into_iter()
        .map(|n| canonical(ctx, table, n))
        .collect()
}

/// Index parts with their columns as `table` spells them.
pub(crate) fn canonical_parts(
    ctx: &Ctx<'_>,
    table: &Table,
    parts: Vec<IndexPart>,
) -> Vec<IndexPart> {
    parts
        .into_iter()
        .map(|p| match p {
            IndexPart::Column(c) => IndexPart::Column(canonical(ctx, table, c)),
            other => other,
        })
        .collect()
}

/// Add one constraint.
fn add(schema: &Schema, ctx: &Ctx<'_>, table: &mut Table, c: Constraint) -> Result<(), String> {
    let c = match c {
        Constraint::PrimaryKey { name, columns } => Constraint::PrimaryKey {
            name,
            columns: canonical_all(ctx, table, columns),
        },
        Constraint::Unique {
            name,
            columns,
            include,
        } => Constraint::Unique {
            name,
            columns: canonical_all(ctx, table, columns),
            include,
        },
        Constraint::ForeignKey(mut fk) => {
            fk.columns = canonical_all(ctx, table, fk.columns);
            Constraint::ForeignKey(fk)
        }
        Constraint::Index {
            name,
            parts,
            method,
        } => Constraint::Index {
            name,
            parts: canonical_parts(ctx, table, parts),
            method,
        },
        other => other,
    };
    match c {
        Constraint::PrimaryKey { name, columns } => {
            set_primary_key(schema, ctx, table, name, columns)
        }
        Constraint::Unique {
            name,
            columns,
            include,
        } => {
            add_unique(schema, ctx, table, name, columns, &include);
            Ok(())
        }
        Constraint::Check { name, expr, column } => {
            let column = column.map(|c| canonical(ctx, table, c));
            let name = name.or_else(|| {
                let cols = referenced_columns(ctx, table, &expr);
                let single = match cols.as_slice() {
                    [one] => Some(one.as_str()),
                    _ => None,
                };
                ctx.engine
                    .check_name(schema, table, single, column.as_deref())
            });
            table.checks.push(CheckConstraint { name, expr, column });
            Ok(())
        }
        Constraint::ForeignKey(fk) => add_foreign_key(schema, ctx, table, fk),
        Constraint::Index {
            name,
            parts,
            method,
        } => {
            let name = name
                .or_else(|| ctx.engine.index_name(schema, table, &parts, &[]))
                .ok_or("an index without a name is not modelled")?;
            push_index(
                ctx,
                table,
                Index {
                    name,
                    unique: false,
                    parts,
                    predicate: None,
                    method,
                    for_foreign_key: false,
                },
            );
            Ok(())
        }
        Constraint::UsingIndex {
            primary,
            name,
            index,
        } => key_from_index(ctx, table, primary, name, &index),
    }
}

fn set_primary_key(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    name: Option<String>,
    columns: Vec<String>,
) -> Result<(), String> {
    if table.primary_key.is_some() {
        return Err(
            "a second primary key is not possible: the model and the SQL disagree".to_owned(),
        );
    }
    if ctx.engine.primary_key_implies_not_null(table) {
        for c in &columns {
            if let Some(ix) = table.column_index(ctx.dialect(), c) {
                table.columns[ix].nullable = false;
            }
        }
    }
    let name = ctx.engine.primary_key_name(name, schema, table);
    drop_covered_foreign_key_indexes(ctx, table, &columns);
    table.primary_key = Some(PrimaryKey { name, columns });
    Ok(())
}

/// Add `index` to `table`; on InnoDB, an index made for a foreign key that
/// the new one can serve goes.
pub(crate) fn push_index(ctx: &Ctx<'_>, table: &mut Table, index: Index) {
    let columns = index.leading_columns();
    drop_covered_foreign_key_indexes(ctx, table, &columns);
    table.indexes.push(index);
}

/// InnoDB drops the index it made for a foreign key once another index
/// (or the primary key) starts with the same columns.
fn drop_covered_foreign_key_indexes(ctx: &Ctx<'_>, table: &mut Table, columns: &[String]) {
    if !ctx.engine.drops_covered_foreign_key_indexes() {
        return;
    }
    let d = ctx.dialect();
    table.indexes.retain(|i| {
        let covered = i.parts.len() <= columns.len()
            && i.parts.iter().zip(columns).all(
                |(p, c)| matches!(p, IndexPart::Column(x) if same_name(d, NameKind::Member, x, c)),
            );
        !(i.for_foreign_key && covered)
    });
}

fn add_unique(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    name: Option<String>,
    columns: Vec<String>,
    include: &[String],
) {
    if ctx.engine.unique_is_index() {
        let parts: Vec<IndexPart> = columns.into_iter().map(IndexPart::Column).collect();
        let name = name
            .or_else(|| ctx.engine.index_name(schema, table, &parts, &[]))
            .unwrap_or_default();
        push_index(
            ctx,
            table,
            Index {
                name,
                unique: true,
                parts,
                predicate: None,
                method: None,
                for_foreign_key: false,
            },
        );
    } else {
        let name = name.or_else(|| ctx.engine.unique_name(schema, table, &columns, include));
        table.uniques.push(UniqueConstraint { name, columns });
    }
}

fn add_foreign_key(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &mut Table,
    fk: ForeignKeySpec,
) -> Result<(), String> {
    let ref_columns = if fk.ref_columns.is_empty() && ctx.engine.references_primary_key() {
        referenced_primary_key(schema, ctx, table, &fk.references)?
    } else if ctx.engine.referenced_columns_as_written() {
        fk.ref_columns
    } else {
        let target = if same_relation(ctx.dialect(), &table.name, &fk.references) {
            Some(&*table)
        } else {
            schema.find_table(&fk.references)
        };
        match target {
            Some(t) => canonical_all(ctx, t, fk.ref_columns),
            None => fk.ref_columns,
        }
    };
    if let Some(index) = ctx
        .engine
        .foreign_key_index(table, fk.name.as_deref(), &fk.columns)
    {
        table.indexes.push(Index {
            name: index,
            unique: false,
            parts: fk.columns.iter().cloned().map(IndexPart::Column).collect(),
            predicate: None,
            method: None,
            for_foreign_key: true,
        });
    }
    let name = fk
        .name
        .or_else(|| ctx.engine.foreign_key_name(schema, table, &fk.columns));
    table.foreign_keys.push(ForeignKey {
        name,
        columns: fk.columns,
        ref_table: fk.references,
        ref_columns,
        on_delete: fk.on_delete,
        on_update: fk.on_update,
    });
    Ok(())
}

/// `REFERENCES t` without columns: PostgreSQL records `t`'s primary key
/// (`table` itself when it refers to itself).
fn referenced_primary_key(
    schema: &Schema,
    ctx: &Ctx<'_>,
    table: &Table,
    references: &ObjectName,
) -> Result<Vec<String>, String> {
    let target = if same_relation(ctx.dialect(), &table.name, references) {
        Some(table)
    } else {
        schema.find_table(references)
    };
    match target {
        Some(t) if t.unknown.is_none() => t
            .primary_key
            .as_ref()
            .map(|pk| pk.columns.clone())
            .ok_or_else(|| format!("`{references}` has no primary key in the model")),
        _ => Err(format!(
            "the foreign key refers to the primary key of `{references}`, which the model does not know"
        )),
    }
}

/// PostgreSQL's `ADD CONSTRAINT c {PRIMARY KEY | UNIQUE} USING INDEX i`:
/// the index becomes the key's, renamed to the constraint's name.
fn key_from_index(
    ctx: &Ctx<'_>,
    table: &mut Table,
    primary: bool,
    name: Option<String>,
    index: &str,
) -> Result<(), String> {
    let at = table
        .indexes
        .iter()
        .position(|i| i.name == index)
        .ok_or_else(|| format!("the index `{index}` is not in the model"))?;
    let index = table.indexes.remove(at);
    let cols: Vec<String> = index
        .parts
        .iter()
        .map(|p| match p {
            IndexPart::Column(c) => Ok(c.clone()),
            IndexPart::Expression(_) => Err("an expression index cannot back a key".to_owned()),
        })
        .collect::<Result<_, _>>()?;
    let name = Some(name.unwrap_or(index.name));
    if primary {
        for col in &cols {
            if let Some(ix) = table.column_index(ctx.dialect(), col) {
                table.columns[ix].nullable = false;
            }
        }
        table.primary_key = Some(PrimaryKey {
            name,
            columns: cols,
        });
    } else {
        table.uniques.push(UniqueConstraint {
            name,
            columns: cols,
        });
    }
    Ok(())
}

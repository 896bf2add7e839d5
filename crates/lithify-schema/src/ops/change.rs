//! Changes to a schema in model terms: what typed operations lower to,
//! what a derived downgrade computes by comparing two tables, and what each
//! dialect renders ([`super::render`]). Written once for every dialect.

use crate::model::{
    same_name, CheckConstraint, Column, Dialect, ForeignKey, Index, IndexPart, NameKind,
    ObjectName, PrimaryKey, Table, Trigger, UniqueConstraint,
};

/// A constraint of a table, of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Constraint {
    /// The primary key.
    PrimaryKey(PrimaryKey),
    /// A UNIQUE constraint.
    Unique(UniqueConstraint),
    /// A CHECK constraint.
    Check(CheckConstraint),
    /// A foreign key.
    ForeignKey(ForeignKey),
}

impl Constraint {
    /// Its name, if it has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Constraint::PrimaryKey(p) => p.name.as_deref(),
            Constraint::Unique(u) => u.name.as_deref(),
            Constraint::Check(c) => c.name.as_deref(),
            Constraint::ForeignKey(f) => f.name.as_deref(),
        }
    }

    /// Every constraint of `table`, in the order a definition lists them.
    pub fn all_of(table: &Table) -> Vec<Constraint> {
        let mut out: Vec<Constraint> = table
            .primary_key
            .iter()
            .cloned()
            .map(Constraint::PrimaryKey)
            .collect();
        out.extend(table.uniques.iter().cloned().map(Constraint::Unique));
        out.extend(table.checks.iter().cloned().map(Constraint::Check));
        out.extend(
            table
                .foreign_keys
                .iter()
                .cloned()
                .map(Constraint::ForeignKey),
        );
        out
    }
}

/// Where an added column goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Position {
    /// After the last column (the only place PostgreSQL and SQLite's ALTER
    /// put one).
    End,
    /// First.
    First,
    /// After the named column (MySQL's `AFTER`).
    After(String),
}

/// One change to a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// Add a column, with constraints on it alone.
    AddColumn {
        /// The column.
        column: Column,
        /// Where.
        position: Position,
        /// Its own constraints (a foreign key, CHECK or UNIQUE on it alone).
        constraints: Vec<Constraint>,
    },
    /// Drop a column (whatever uses it has been dropped before).
    DropColumn(String),
    /// Rename a column.
    RenameColumn {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Redefine a column (same name): type, nullability, default, comment.
    AlterColumn {
        /// As it is.
        from: Column,
        /// As it becomes.
        to: Column,
        /// How PostgreSQL converts the values to the new type.
        using: Option<String>,
    },
    /// Add a constraint.
    AddConstraint(Constraint),
    /// Drop a constraint.
    DropConstraint(Constraint),
    /// Create an index.
    CreateIndex {
        /// The index.
        index: Index,
        /// PostgreSQL `CONCURRENTLY`.
        concurrently: bool,
    },
    /// Drop an index.
    DropIndex(Index),
    /// Set or remove the table's comment.
    SetComment(Option<String>),
}

/// One step of a compiled revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Create a table, its indexes and triggers, from the model.
    CreateTable {
        /// The table (its indexes are created after it).
        table: Table,
        /// Triggers to create with it (a dropped table coming back).
        triggers: Vec<Trigger>,
    },
    /// Drop a table.
    DropTable(ObjectName),
    /// Rename a table.
    RenameTable {
        /// The table.
        from: ObjectName,
        /// Its new name (same schema).
        to: String,
    },
    /// Changes to one table, in order.
    Table {
        /// The table, as named before the changes.
        table: ObjectName,
        /// The changes.
        changes: Vec<Change>,
        /// The table the changes must leave, when known exactly (a
        /// downgrade restoring an earlier shape): a SQLite rebuild builds
        /// this rather than its own reading of the changes.
        target: Option<Table>,
    },
    /// SQL run as written.
    Sql {
        /// The statements.
        sql: String,
        /// Written by the user (an `execute`): notes the fold gives on it
        /// are the user's; on lithify's own SQL they would be a bug.
        user: bool,
    },
}

impl Step {
    /// The tables the step changes, under every name it gives them; none
    /// for lithify's own data SQL (rows, not shapes); `None` for the user's
    /// SQL, which may change anything.
    pub(crate) fn tables(&self) -> Option<Vec<ObjectName>> {
        Some(match self {
            Step::CreateTable { table, .. } => vec![table.name.clone()],
            Step::DropTable(name) | Step::Table { table: name, .. } => vec![name.clone()],
            Step::RenameTable { from, to } => vec![
                from.clone(),
                ObjectName::in_schema(from.schema.clone(), to.clone()),
            ],
            Step::Sql { user: false, .. } => Vec::new(),
            Step::Sql { user: true, .. } => return None,
        })
    }
}

/// `table` after `change`, by the meaning typed operations give it (the
/// same on every dialect; what an engine adds by itself, such as InnoDB's
/// foreign-key indexes, is the fold's business, not this one's).
pub(crate) fn apply(d: Dialect, table: &mut Table, change: &Change) {
    let is = |a: &str, b: &str| same_name(d, NameKind::Member, a, b);
    match change {
        Change::AddColumn {
            column,
            position,
            constraints,
        } => {
            let at = match position {
                Position::End => table.columns.len(),
                Position::First => 0,
                Position::After(c) => table
                    .column_index(d, c)
                    .map_or(table.columns.len(), |i| i + 1),
            };
            table.columns.insert(at, column.clone());
            for c in constraints {
                add_constraint(table, c);
            }
        }
        Change::DropColumn(name) => {
            table.columns.retain(|c| !is(&c.name, name));
        }
        Change::RenameColumn { from, to } => rename_column(d, table, from, to),
        Change::AlterColumn { to, .. } => {
            if let Some(ix) = table.column_index(d, &to.name) {
                table.columns[ix] = to.clone();
            }
        }
        Change::AddConstraint(c) => add_constraint(table, c),
        Change::DropConstraint(c) => drop_constraint(table, c),
        Change::CreateIndex { index, .. } => table.indexes.push(index.clone()),
        Change::DropIndex(index) => table.indexes.retain(|i| !is(&i.name, &index.name)),
        Change::SetComment(c) => table.comment.clone_from(c),
    }
}

fn add_constraint(table: &mut Table, c: &Constraint) {
    match c {
        Constraint::PrimaryKey(p) => table.primary_key = Some(p.clone()),
        Constraint::Unique(u) => table.uniques.push(u.clone()),
        Constraint::Check(k) => table.checks.push(k.clone()),
        Constraint::ForeignKey(f) => table.foreign_keys.push(f.clone()),
    }
}

fn drop_constraint(table: &mut Table, c: &Constraint) {
    match c {
        Constraint::PrimaryKey(_) => table.primary_key = None,
        Constraint::Unique(u) => table.uniques.retain(|x| x != u),
        Constraint::Check(k) => table.checks.retain(|x| x != k),
        Constraint::ForeignKey(f) => table.foreign_keys.retain(|x| x != f),
    }
}

/// Rename a column everywhere the table names it: keys, indexes, and the
/// conditions and expressions that use it.
fn rename_column(d: Dialect, table: &mut Table, from: &str, to: &str) {
    let is = |a: &str| same_name(d, NameKind::Member, a, from);
    let rename = |cols: &mut Vec<String>| {
        for c in cols.iter_mut() {
            if is(c) {
                *c = to.to_owned();
            }
        }
    };
    for c in &mut table.columns {
        if is(&c.name) {
            c.name = to.to_owned();
        }
    }
    if let Some(pk) = &mut table.primary_key {
        rename(&mut pk.columns);
    }
    for u in &mut table.uniques {
        rename(&mut u.columns);
    }
    for c in &mut table.checks {
        c.expr = super::sql_text::rename_word(d, &c.expr, from, to);
        if c.column.as_deref().is_some_and(is) {
            c.column = Some(to.to_owned());
        }
    }
    let self_name = table.name.clone();
    for f in &mut table.foreign_keys {
        rename(&mut f.columns);
        if f.ref_table == self_name {
            rename(&mut f.ref_columns);
        }
    }
    for i in &mut table.indexes {
        for p in &mut i.parts {
            match p {
                IndexPart::Column(c) if is(c) => *c = to.to_owned(),
                IndexPart::Expression(e) => *e = super::sql_text::rename_word(d, e, from, to),
                IndexPart::Column(_) => {}
            }
        }
        if let Some(w) = &mut i.predicate {
            *w = super::sql_text::rename_word(d, w, from, to);
        }
    }
}

/// The changes that turn `current` into `target`, where `renames` maps
/// columns of `current` to their names in `target`. In an order every
/// engine accepts: foreign keys and indexes go before the columns they use,
/// columns come before the keys and indexes on them.
pub(crate) fn diff(
    d: Dialect,
    current: &Table,
    target: &Table,
    renames: &[(String, String)],
) -> Vec<Change> {
    let mut working = current.clone();
    let mut out = Vec::new();
    let mut push = |working: &mut Table, c: Change| {
        apply(d, working, &c);
        out.push(c);
    };
    let target_constraints = Constraint::all_of(target);
    let renamed_to = |name: &str| {
        renames
            .iter()
            .find(|(from, _)| same_name(d, NameKind::Member, from, name))
            .map(|(_, to)| to.clone())
    };
    // What goes: foreign keys first (they hold on to indexes and columns).
    let mut constraints = Constraint::all_of(&working);
    constraints.sort_by_key(|c| !matches!(c, Constraint::ForeignKey(_)));
    for c in constraints {
        let kept = target_constraints.contains(&renamed_constraint(d, &c, &renamed_to));
        if !kept {
            push(&mut working, Change::DropConstraint(c));
        }
    }
    // InnoDB makes its own index for a foreign key when no other index
    // serves the key (and drops it when one comes): no change creates
    // one; the MySQL renderer drops and adds a key again where its last
    // index goes, and InnoDB makes it then. (It keeps such an index when
    // the key goes, so those are dropped like any other.)
    let own = |i: &&Index| !i.for_foreign_key;
    // A new index that needs nothing else first is created before the old
    // ones go: MySQL refuses to drop the last index a foreign key can use.
    for i in target.indexes.iter().filter(own) {
        let early = !working
            .indexes
            .iter()
            .any(|w| same_name(d, NameKind::Member, &w.name, &i.name))
            && i.parts.iter().all(|p| match p {
                IndexPart::Column(c) => {
                    current.find_column(d, c).is_some() && renamed_to(c).is_none()
                }
                IndexPart::Expression(_) => false,
            })
            && i.predicate.is_none();
        if early {
            push(
                &mut working,
                Change::CreateIndex {
                    index: i.clone(),
                    concurrently: false,
                },
            );
        }
    }
    for i in working.indexes.clone() {
        let renamed = renamed_index(d, &i, &renamed_to);
        if !target.indexes.contains(&renamed) {
            push(&mut working, Change::DropIndex(i));
        }
    }
    for (from, to) in renames {
        if working.column_index(d, from).is_some() && !same_name(d, NameKind::Member, from, to) {
            push(
                &mut working,
                Change::RenameColumn {
                    from: from.clone(),
                    to: to.clone(),
                },
            );
        }
    }
    for c in working.columns.clone() {
        if target.column_index(d, &c.name).is_none() {
            push(&mut working, Change::DropColumn(c.name));
        }
    }
    for (i, c) in target.columns.iter().enumerate() {
        match working.find_column(d, &c.name).cloned() {
            None => {
                let position = match i {
                    0 => Position::First,
                    _ if i == target.columns.len() - 1 => Position::End,
                    _ => Position::After(target.columns[i - 1].name.clone()),
                };
                push(
                    &mut working,
                    Change::AddColumn {
                        column: c.clone(),
                        position,
                        constraints: Vec::new(),
                    },
                );
            }
            Some(now) if now != *c => push(
                &mut working,
                Change::AlterColumn {
                    from: now,
                    to: c.clone(),
                    using: None,
                },
            ),
            Some(_) => {}
        }
    }
    let now = Constraint::all_of(&working);
    let mut wanted: Vec<&Constraint> = target_constraints
        .iter()
        .filter(|c| !now.contains(c))
        .collect();
    wanted.sort_by_key(|c| matches!(c, Constraint::ForeignKey(_)));
    let (keys, foreign): (Vec<&Constraint>, Vec<&Constraint>) = wanted
        .into_iter()
        .partition(|c| !matches!(c, Constraint::ForeignKey(_)));
    for c in keys {
        push(&mut working, Change::AddConstraint(c.clone()));
    }
    for i in target.indexes.iter().filter(own) {
        if !working.indexes.contains(i) {
            push(
                &mut working,
                Change::CreateIndex {
                    index: i.clone(),
                    concurrently: false,
                },
            );
        }
    }
    for c in foreign {
        push(&mut working, Change::AddConstraint(c.clone()));
    }
    if working.comment != target.comment {
        push(&mut working, Change::SetComment(target.comment.clone()));
    }
    out
}

fn renamed_constraint(
    d: Dialect,
    c: &Constraint,
    to: &dyn Fn(&str) -> Option<String>,
) -> Constraint {
    let mut table = Table::new(ObjectName::new(""));
    add_constraint(&mut table, c);
    rename_all(d, &mut table, to);
    Constraint::all_of(&table)
        .pop()
        .unwrap_or_else(|| c.clone())
}

fn renamed_index(d: Dialect, i: &Index, to: &dyn Fn(&str) -> Option<String>) -> Index {
    let mut table = Table::new(ObjectName::new(""));
    table.indexes.push(i.clone());
    rename_all(d, &mut table, to);
    table.indexes.pop().unwrap_or_else(|| i.clone())
}

/// Apply `to` (old name -> new name) to every column name `table` uses.
fn rename_all(d: Dialect, table: &mut Table, to: &dyn Fn(&str) -> Option<String>) {
    let mut names: Vec<String> = Vec::new();
    let mut collect = |c: &str| {
        if !names.iter().any(|n| n == c) {
            names.push(c.to_owned());
        }
    };
    if let Some(p) = &table.primary_key {
        p.columns.iter().for_each(|c| collect(c));
    }
    table
        .uniques
        .iter()
        .flat_map(|u| &u.columns)
        .for_each(|c| collect(c));
    table
        .foreign_keys
        .iter()
        .flat_map(|f| &f.columns)
        .for_each(|c| collect(c));
    for i in &table.indexes {
        for p in &i.parts {
            if let IndexPart::Column(c) = p {
                collect(c);
            }
        }
    }
    for c in &table.checks {
        for w in super::sql_text::words(d, &c.expr) {
            collect(&w);
        }
    }
    // Two steps so that a swap (a -> b, b -> a) does not rename twice.
    let pairs: Vec<(String, String)> = names
        .into_iter()
        .filter_map(|n| to(&n).map(|t| (n, t)))
        .collect();
    for (i, (from, _)) in pairs.iter().enumerate() {
        rename_column(d, table, from, &format!("\u{1}lithify{i}"));
    }
    for (i, (_, to)) in pairs.iter().enumerate() {
        rename_column(d, table, &format!("\u{1}lithify{i}"), to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SqlType, SqliteType};

    fn col(name: &str, ty: &str) -> Column {
        Column {
            name: name.to_owned(),
            ty: SqlType::Sqlite(SqliteType {
                declared: ty.to_owned(),
            }),
            nullable: true,
            default: None,
            identity: None,
            generated: None,
            comment: None,
        }
    }

    fn table(cols: &[(&str, &str)]) -> Table {
        let mut t = Table::new(ObjectName::new("t"));
        t.columns = cols.iter().map(|(n, ty)| col(n, ty)).collect();
        t
    }

    #[test]
    fn the_diff_of_a_table_with_itself_is_empty() {
        let t = table(&[("a", "INTEGER"), ("b", "TEXT")]);
        assert!(diff(Dialect::Sqlite, &t, &t, &[]).is_empty());
    }

    #[test]
    fn applying_the_diff_gives_the_target() {
        let mut current = table(&[("id", "INTEGER"), ("old", "TEXT"), ("gone", "TEXT")]);
        current.indexes.push(Index {
            name: "ix_old".into(),
            unique: false,
            parts: vec![IndexPart::Column("old".into())],
            predicate: None,
            method: None,
            for_foreign_key: false,
        });
        let mut target = table(&[("id", "INTEGER"), ("new", "TEXT"), ("added", "BIGINT")]);
        target.columns[0].nullable = false;
        target.indexes.push(Index {
            name: "ix_old".into(),
            unique: false,
            parts: vec![IndexPart::Column("new".into())],
            predicate: None,
            method: None,
            for_foreign_key: false,
        });
        let renames = vec![("old".to_owned(), "new".to_owned())];
        let changes = diff(Dialect::Sqlite, &current, &target, &renames);
        let mut t = current.clone();
        for c in &changes {
            apply(Dialect::Sqlite, &mut t, c);
        }
        assert_eq!(t, target, "{changes:#?}");
        assert!(
            !changes.iter().any(|c| matches!(c, Change::DropIndex(_))),
            "the index follows the rename: {changes:#?}"
        );
    }
}

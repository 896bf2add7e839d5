//! `down-drops-preexisting-object`, on every engine: a down undoes its up,
//! so it drops only what the up created. A down that drops a table, column
//! or index that was there before the up (a copy-paste slip, or a down
//! written for another revision) loses it, with its rows, when someone
//! rolls back.

use sqlparser::ast::{AlterTableOperation, ObjectType, Statement};

use crate::lint::context::{Context, Direction, Facts, Violation};
use crate::model::ObjectName;

pub(crate) fn down_drops_preexisting_object(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let (Direction::Down, Some(up)) = (ctx.direction, ctx.up) else {
        return;
    };
    for dropped in dropped(ctx, up) {
        out.push(Violation::new(
            format!(
                "this down drops {dropped}, which its up did not create: rolling back loses it"
            ),
            "a down undoes its up: drop only what the up created, and undo what it changed",
        ));
    }
}

/// What the statement drops that existed before the up and that the up did
/// not create, as `table `x``, `column `t.c``, `index `i``.
fn dropped(ctx: &Context<'_>, up: &Facts) -> Vec<String> {
    let by_up = |t: &ObjectName| up.tables.iter().any(|u| ctx.schema.same_relation(u, t));
    match ctx.statement {
        Some(Statement::Drop {
            object_type: ObjectType::Table,
            names,
            ..
        }) => names
            .iter()
            .map(|n| ctx.name(n))
            .filter(|t| {
                ctx.schema.find_table(t).is_some()
                    && !by_up(t)
                    && !ctx.is_new(t)
                    && !ctx.renamed_into_place_later(t)
            })
            .map(|t| format!("table `{t}`"))
            .collect(),
        Some(Statement::Drop {
            object_type: ObjectType::Index,
            names,
            ..
        }) => names
            .iter()
            .filter_map(|n| n.0.last().and_then(|p| p.as_ident()).map(|i| ctx.ident(i)))
            .filter(|i| {
                ctx.schema.table_of_index(None, i).is_some()
                    && !up.indexes.iter().any(|u| u.eq_ignore_ascii_case(i))
            })
            .map(|i| format!("index `{i}`"))
            .collect(),
        Some(Statement::AlterTable(alter)) => {
            let table = ctx.name(&alter.name);
            if by_up(&table) || ctx.is_new(&table) {
                return Vec::new();
            }
            let Some(known) = ctx.known_table(&table) else {
                return Vec::new();
            };
            alter
                .operations
                .iter()
                .filter_map(|op| match op {
                    AlterTableOperation::DropColumn { column_names, .. } => Some(column_names),
                    _ => None,
                })
                .flatten()
                .map(|c| ctx.ident(c))
                .filter(|c| {
                    known.find_column(ctx.dialect, c).is_some()
                        && !up
                            .columns
                            .iter()
                            .any(|(t, u)| ctx.schema.same_relation(t, &table) && u.eq_ignore_ascii_case(c))
                })
                .map(|c| format!("column `{table}.{c}`"))
                .collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, SQLITE_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    fn sqlite() -> crate::lint::testing::Case {
        case(Rule::DownDropsPreexistingObject, Dialect::Sqlite).setup(SQLITE_JOBS)
    }

    #[test]
    fn a_down_dropping_what_was_there_before_its_up() {
        let found = sqlite()
            .down("DROP INDEX jobs_salary_idx;\nALTER TABLE jobs DROP COLUMN title;\nDROP TABLE companies;")
            .errors("CREATE INDEX jobs_salary_idx ON jobs (salary);\nALTER TABLE jobs ADD COLUMN remote INTEGER;");
        snap!("down_drops_preexisting_object", found);
    }

    #[test]
    fn a_down_undoing_its_up_is_quiet() {
        sqlite()
            .down("DROP INDEX jobs_salary_idx;\nALTER TABLE jobs DROP COLUMN remote;\nDROP TABLE tags;")
            .ok("CREATE INDEX jobs_salary_idx ON jobs (salary);\nALTER TABLE jobs ADD COLUMN remote INTEGER;\nCREATE TABLE tags (id INTEGER PRIMARY KEY);");
    }
}

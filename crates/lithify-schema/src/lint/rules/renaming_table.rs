//! `renaming-table` (squawk's name), on every engine: the application
//! running when the migration runs still uses the old name. Quiet for a
//! table created in the same revision (the last step of a rebuild renames
//! the new table into place).

use sqlparser::ast::{AlterTableOperation, RenameTableNameKind, Statement};

use crate::lint::context::{Context, Violation};
use crate::model::ObjectName;

pub(crate) fn renaming_table(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    for (from, to) in renames(ctx) {
        if ctx.is_new(&from) {
            continue;
        }
        out.push(Violation::new(
            format!(
                "renaming table `{from}` to `{to}` breaks the running application, which still uses `{from}`"
            ),
            "create a view with the old name over the renamed table in the same revision (the running \
             application keeps working), and drop it once nothing uses the old name",
        ));
    }
}

/// The tables the statement renames: (from, to).
fn renames(ctx: &Context<'_>) -> Vec<(ObjectName, ObjectName)> {
    match ctx.statement {
        Some(Statement::AlterTable(alter)) => alter
            .operations
            .iter()
            .filter_map(|op| match op {
                AlterTableOperation::RenameTable {
                    table_name: RenameTableNameKind::To(to) | RenameTableNameKind::As(to),
                } => Some((ctx.name(&alter.name), ctx.name(to))),
                _ => None,
            })
            .collect(),
        Some(Statement::RenameTable(renames)) => renames
            .iter()
            .map(|r| (ctx.name(&r.old_name), ctx.name(&r.new_name)))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, MYSQL_JOBS, SQLITE_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_table_renamed() {
        snap!(
            "renaming_table",
            case(Rule::RenamingTable, Dialect::Sqlite)
                .setup(SQLITE_JOBS)
                .errors("ALTER TABLE companies RENAME TO employers;")
        );
        let my = case(Rule::RenamingTable, Dialect::Mysql).setup(MYSQL_JOBS);
        assert_eq!(my.findings("RENAME TABLE companies TO employers;").len(), 1);
        my.ok("CREATE TABLE tags_new (id BIGINT PRIMARY KEY);\nRENAME TABLE tags_new TO tags;");
    }
}

//! `mixing-ddl-and-dml`, on MySQL: MySQL commits every DDL statement on
//! its own (an implicit commit), so a revision that changes tables and data
//! is not one transaction: when a later statement fails, the revision is
//! left half applied, and running it again fails on what is already there.
//! Reported once, at the revision's first data change.

use sqlparser::ast::Statement;

use crate::lint::context::{Context, Violation};

pub(crate) fn mixing_ddl_and_dml(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    if !ctx.statement.is_some_and(is_dml) {
        return;
    }
    let statements = || ctx.items.iter().flat_map(|i| i.statement.parsed());
    let first_dml = ctx.items[..ctx.index]
        .iter()
        .flat_map(|i| i.statement.parsed())
        .all(|s| !is_dml(s));
    if first_dml && statements().any(is_ddl) {
        out.push(Violation::new(
            "this revision mixes DDL with data changes: MySQL commits each DDL statement at once, so a failure \
             leaves the revision half applied",
            "put the data changes in a revision of their own (before or after the DDL)",
        ));
    }
}

fn is_dml(s: &Statement) -> bool {
    matches!(
        s,
        Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_)
    )
}

fn is_ddl(s: &Statement) -> bool {
    matches!(
        s,
        Statement::CreateTable(_)
            | Statement::AlterTable(_)
            | Statement::Drop { .. }
            | Statement::CreateIndex(_)
            | Statement::RenameTable(_)
            | Statement::CreateView(_)
            | Statement::AlterView { .. }
            | Statement::Truncate(_)
    )
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, MYSQL_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn ddl_and_data_in_one_mysql_revision() {
        let my = case(Rule::MixingDdlAndDml, Dialect::Mysql).setup(MYSQL_JOBS);
        snap!(
            "mixing_ddl_and_dml",
            my.errors(
                "ALTER TABLE jobs ADD COLUMN currency VARCHAR(3);\n\
                 UPDATE jobs SET currency = 'EUR';\n\
                 UPDATE jobs SET salary = 0 WHERE salary IS NULL;"
            )
        );
        my.ok("UPDATE jobs SET salary = 0 WHERE salary IS NULL;\nDELETE FROM companies WHERE name IS NULL;");
    }
}

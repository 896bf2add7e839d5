//! `identifier-too-long` (squawk's name): PostgreSQL keeps the first 63
//! bytes of a longer name and says so only in a notice, so the table,
//! column or constraint is not called what the migration (and the schema
//! lithify generates from it) says; MySQL refuses names longer than 64
//! characters.

use sqlparser::ast::{AlterTableOperation, Ident, RenameTableNameKind, Statement, TableConstraint};

use crate::lint::context::{Context, Violation};
use crate::model::Dialect;

pub(crate) fn identifier_too_long(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    for name in names(ctx) {
        let name = ctx.ident(name);
        let (too_long, size) = match ctx.dialect {
            Dialect::Postgres => (name.len() > 63, format!("{} bytes", name.len())),
            _ => {
                let chars = name.chars().count();
                (chars > 64, format!("{chars} characters"))
            }
        };
        if !too_long {
            continue;
        }
        let what = match ctx.dialect {
            Dialect::Postgres => "PostgreSQL keeps only its first 63 bytes, so the object is not called what the migration says",
            _ => "MySQL refuses names longer than 64 characters",
        };
        out.push(Violation::new(
            format!("`{name}` is {size}: {what}"),
            "shorten it (a naming convention in [naming] of lithify.toml shortens the names typed operations make)",
        ));
    }
}

/// The names the statement gives to what it creates or renames.
fn names<'a>(ctx: &Context<'a>) -> Vec<&'a Ident> {
    let mut out = Vec::new();
    let last = |n: &'a sqlparser::ast::ObjectName| n.0.last().and_then(|p| p.as_ident());
    match ctx.statement {
        Some(Statement::CreateTable(c)) => {
            out.extend(last(&c.name));
            out.extend(c.columns.iter().map(|c| &c.name));
            out.extend(c.constraints.iter().filter_map(constraint_name));
        }
        Some(Statement::CreateIndex(c)) => out.extend(c.name.as_ref().and_then(last)),
        Some(Statement::CreateView(v)) => out.extend(last(&v.name)),
        Some(Statement::AlterTable(a)) => {
            for op in &a.operations {
                match op {
                    AlterTableOperation::AddColumn { column_def, .. } => out.push(&column_def.name),
                    AlterTableOperation::AddConstraint { constraint, .. } => {
                        out.extend(constraint_name(constraint));
                    }
                    AlterTableOperation::RenameColumn {
                        new_column_name, ..
                    } => out.push(new_column_name),
                    AlterTableOperation::ChangeColumn { new_name, .. } => out.push(new_name),
                    AlterTableOperation::RenameConstraint { new_name, .. } => out.push(new_name),
                    AlterTableOperation::RenameTable {
                        table_name: RenameTableNameKind::To(n) | RenameTableNameKind::As(n),
                    } => out.extend(last(n)),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

fn constraint_name(c: &TableConstraint) -> Option<&Ident> {
    match c {
        TableConstraint::Unique(u) => u.name.as_ref(),
        TableConstraint::PrimaryKey(p) => p.name.as_ref(),
        TableConstraint::ForeignKey(f) => f.name.as_ref(),
        TableConstraint::Check(c) => c.name.as_ref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_name_past_the_limit() {
        let long = "a".repeat(64);
        let sql = format!("CREATE TABLE t (id bigint, {long} int);\nCREATE INDEX {long}_idx ON t (id);");
        snap!(
            "identifier_too_long",
            case(Rule::IdentifierTooLong, Dialect::Postgres).errors(&sql)
        );
        // 64 characters are fine on MySQL, 65 are not.
        let mysql = case(Rule::IdentifierTooLong, Dialect::Mysql);
        assert_eq!(mysql.findings(&sql).len(), 1);
        case(Rule::IdentifierTooLong, Dialect::Postgres)
            .ok(&format!("CREATE TABLE t (id bigint, {} int);", "a".repeat(63)));
    }
}

//! `adding-foreign-key-constraint` (squawk's name): a foreign key added to
//! an existing PostgreSQL table is checked against every row while both
//! tables are locked (SHARE ROW EXCLUSIVE: no writes). Added `NOT VALID`,
//! it checks only new rows; `VALIDATE CONSTRAINT` later checks the rest
//! under a lock that lets writes through.

use sqlparser::ast::{AlterTableOperation, ColumnOption, TableConstraint};

use crate::lint::context::{has_option, Context, Violation};

pub(crate) fn adding_foreign_key_constraint(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter_existing() else {
        return;
    };
    for op in ops {
        match op {
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::ForeignKey(fk),
                not_valid: false,
            } => {
                let name = fk
                    .name
                    .as_ref()
                    .map_or_else(String::new, |n| format!(" `{}`", ctx.ident(n)));
                out.push(Violation::new(
                    format!(
                        "adding the foreign key{name} to `{table}` checks every row while `{table}` and `{}` are locked against writes",
                        ctx.name(&fk.foreign_table)
                    ),
                    "add it `NOT VALID` (new rows are checked), then `ALTER TABLE ... VALIDATE CONSTRAINT ...` in a later revision, which does not block writes",
                ));
            }
            AlterTableOperation::AddColumn { column_def, .. }
                if has_option(column_def, |o| matches!(o, ColumnOption::ForeignKey(_))) =>
            {
                out.push(Violation::new(
                    format!(
                        "adding `{table}.{}` with REFERENCES locks `{table}` and the referenced table against writes while the key is added",
                        ctx.ident(&column_def.name)
                    ),
                    "add the column without REFERENCES, then the foreign key with `ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID`, and validate it in a later revision",
                ));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, PG_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    fn pg() -> crate::lint::testing::Case {
        case(Rule::AddingForeignKeyConstraint, Dialect::Postgres).setup(PG_JOBS)
    }

    #[test]
    fn a_validated_foreign_key_on_an_existing_table() {
        snap!(
            "adding_foreign_key_constraint",
            pg().errors(
                "ALTER TABLE jobs ADD CONSTRAINT jobs_company_fk FOREIGN KEY (company_id) REFERENCES companies (id);\n\
                 ALTER TABLE jobs ADD COLUMN owner_id bigint REFERENCES companies (id);"
            )
        );
    }

    #[test]
    fn not_valid_and_new_tables_are_quiet() {
        pg().ok(
            "ALTER TABLE jobs ADD CONSTRAINT jobs_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) NOT VALID;\n\
             CREATE TABLE offers (id bigint PRIMARY KEY, job_id bigint REFERENCES jobs (id));\n\
             ALTER TABLE offers ADD CONSTRAINT offers_job_fk FOREIGN KEY (job_id) REFERENCES jobs (id);",
        );
    }
}

//! `constraint-missing-not-valid` (squawk's name): a CHECK added to an
//! existing PostgreSQL table checks every row under an ACCESS EXCLUSIVE
//! lock. Added `NOT VALID`, only new rows are checked, and `VALIDATE
//! CONSTRAINT` checks the rest later under a lock that lets writes through
//! — unless it runs in the transaction that added the constraint, which
//! still holds the ADD's lock. (Foreign keys: `adding-foreign-key-constraint`.)

use sqlparser::ast::{AlterTableOperation, TableConstraint};

use crate::lint::context::{Context, Violation};

pub(crate) fn constraint_missing_not_valid(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter_existing() else {
        return;
    };
    for op in ops {
        match op {
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::Check(check),
                not_valid: false,
            } => {
                let name = check
                    .name
                    .as_ref()
                    .map_or_else(String::new, |n| format!(" `{}`", ctx.ident(n)));
                out.push(Violation::new(
                    format!(
                        "adding the CHECK{name} to `{table}` checks every row under an ACCESS EXCLUSIVE lock"
                    ),
                    "add it `NOT VALID` (new rows are checked), then `ALTER TABLE ... VALIDATE CONSTRAINT ...` in a \
                     later revision, which does not block reads or writes",
                ));
            }
            AlterTableOperation::ValidateConstraint { name } if ctx.transactional => {
                let name = ctx.ident(name);
                let added_here = ctx
                    .facts
                    .not_valid_here
                    .iter()
                    .any(|(t, n)| ctx.schema.same_relation(t, &table) && *n == name);
                if added_here {
                    out.push(Violation::new(
                        format!(
                            "`{name}` is validated in the transaction that added it, which still holds the ACCESS EXCLUSIVE lock of the ADD while every row is checked"
                        ),
                        "validate it in a later revision",
                    ));
                }
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
        case(Rule::ConstraintMissingNotValid, Dialect::Postgres).setup(PG_JOBS)
    }

    #[test]
    fn a_check_without_not_valid_or_validated_at_once() {
        snap!(
            "constraint_missing_not_valid",
            pg().errors(
                "ALTER TABLE jobs ADD CONSTRAINT salary_positive CHECK (salary > 0);\n\
                 ALTER TABLE jobs ADD CONSTRAINT title_set CHECK (title <> '') NOT VALID;\n\
                 ALTER TABLE jobs VALIDATE CONSTRAINT title_set;"
            )
        );
    }

    #[test]
    fn not_valid_then_validated_later_is_quiet() {
        pg().ok("ALTER TABLE jobs ADD CONSTRAINT salary_positive CHECK (salary > 0) NOT VALID;");
        case(Rule::ConstraintMissingNotValid, Dialect::Postgres)
            .setup("CREATE TABLE jobs (salary int);\nALTER TABLE jobs ADD CONSTRAINT salary_positive CHECK (salary > 0) NOT VALID;")
            .ok("ALTER TABLE jobs VALIDATE CONSTRAINT salary_positive;");
    }
}

//! `adding-serial-primary-key-field` (squawk's name): a primary key added
//! to an existing PostgreSQL table builds its unique index while holding an
//! ACCESS EXCLUSIVE lock (no reads, no writes). Built concurrently first,
//! the index becomes the key with `ADD PRIMARY KEY USING INDEX`.

use sqlparser::ast::{AlterTableOperation, ColumnOption, TableConstraint};

use crate::lint::context::{has_option, Context, Violation};

pub(crate) fn adding_serial_primary_key_field(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some((table, ops)) = ctx.alter_existing() else {
        return;
    };
    for op in ops {
        let adds_key = match op {
            AlterTableOperation::AddConstraint {
                constraint: TableConstraint::PrimaryKey(_),
                ..
            } => true,
            AlterTableOperation::AddColumn { column_def, .. } => {
                has_option(column_def, |o| matches!(o, ColumnOption::PrimaryKey(_)))
            }
            _ => false,
        };
        if adds_key {
            out.push(Violation::new(
                format!(
                    "adding a primary key to `{table}` builds its index under an ACCESS EXCLUSIVE lock (no reads or writes until it is built)"
                ),
                "`CREATE UNIQUE INDEX CONCURRENTLY` in a revision with `run_in_transaction = false`, then \
                 `ALTER TABLE ... ADD CONSTRAINT <name> PRIMARY KEY USING INDEX <index>` in the next",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap};
    use crate::lint::Rule;
    use crate::model::Dialect;

    const KEYLESS: &str = "CREATE TABLE events (id bigint NOT NULL, name text);";

    fn pg() -> crate::lint::testing::Case {
        case(Rule::AddingSerialPrimaryKeyField, Dialect::Postgres).setup(KEYLESS)
    }

    #[test]
    fn a_primary_key_added_to_an_existing_table() {
        snap!(
            "adding_serial_primary_key_field",
            pg().errors(
                "ALTER TABLE events ADD PRIMARY KEY (id);\nALTER TABLE events ADD COLUMN n bigserial PRIMARY KEY;"
            )
        );
    }

    #[test]
    fn using_an_index_or_a_new_table_is_quiet() {
        pg().ok(
            "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;\n\
             CREATE TABLE tags (id bigint NOT NULL);\n\
             ALTER TABLE tags ADD PRIMARY KEY (id);",
        );
    }
}

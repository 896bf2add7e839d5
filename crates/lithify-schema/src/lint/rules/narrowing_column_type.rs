//! `narrowing-column-type`, on PostgreSQL and MySQL: a type change to a
//! type that holds less (fewer integer bits, fewer characters, less
//! precision, text to a number) refuses the rows that do not fit, or on
//! MySQL outside strict mode cuts them. (SQLite does not enforce declared
//! types.) In a down, it is the undo of a widening: it fails on the values
//! written since.

use crate::lint::capacity::{capacity, narrows};
use crate::lint::context::{Context, Violation};

pub(crate) fn narrowing_column_type(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    for change in ctx.type_changes() {
        let Some(from) = change.from else {
            continue;
        };
        if !narrows(capacity(&from.ty), capacity(&change.to)) {
            continue;
        }
        out.push(Violation::new(
            format!(
                "changing `{}.{}` from `{}` to `{}` narrows it: rows whose value does not fit make the statement fail (or, on MySQL outside strict mode, are cut)",
                change.table, change.column, from.ty, change.to
            ),
            "check first that every value fits (and stop the application writing wider ones), or keep the wider type",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, MYSQL_JOBS, PG_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_narrower_type() {
        snap!(
            "narrowing_column_type",
            case(Rule::NarrowingColumnType, Dialect::Postgres)
                .setup(PG_JOBS)
                .errors("ALTER TABLE jobs ALTER COLUMN title TYPE varchar(20);\nALTER TABLE jobs ALTER COLUMN id TYPE integer;")
        );
        assert_eq!(
            case(Rule::NarrowingColumnType, Dialect::Mysql)
                .setup(MYSQL_JOBS)
                .findings("ALTER TABLE jobs CHANGE COLUMN title name VARCHAR(10);")
                .len(),
            1
        );
    }

    #[test]
    fn widening_is_quiet_and_a_down_that_narrows_back_is_not() {
        let pg = case(Rule::NarrowingColumnType, Dialect::Postgres).setup(PG_JOBS);
        pg.ok("ALTER TABLE jobs ALTER COLUMN salary TYPE bigint;");
        let found = pg
            .down("ALTER TABLE jobs ALTER COLUMN salary TYPE integer;")
            .findings("ALTER TABLE jobs ALTER COLUMN salary TYPE bigint;");
        assert_eq!(found.len(), 1);
        assert!(found[0].file.ends_with("down.sql"));
    }
}

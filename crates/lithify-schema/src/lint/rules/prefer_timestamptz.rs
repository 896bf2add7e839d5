//! `prefer-timestamptz` (squawk's name): a `timestamp` (without time zone)
//! column stores the wall-clock time of whatever zone the writer was in;
//! `timestamptz` stores an instant.

use crate::lint::context::{Context, Violation};
use crate::model::SqlType;

pub(crate) fn prefer_timestamptz(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    for (table, def) in ctx.defined_columns() {
        if let Some((SqlType::Postgres(ty), _)) = ctx.column_type(&def.data_type) {
            if ty.name == "timestamp" {
                out.push(Violation::new(
                    format!(
                        "`{table}.{}` is a timestamp without time zone: it keeps the writer's wall-clock time, not the instant",
                        ctx.ident(&def.name)
                    ),
                    "use `timestamptz` (diesel's `Timestamptz`, read as `chrono::DateTime<Utc>`)",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_timestamp_without_time_zone() {
        let pg = case(Rule::PreferTimestamptz, Dialect::Postgres);
        snap!(
            "prefer_timestamptz",
            pg.errors("CREATE TABLE jobs (id bigint PRIMARY KEY, posted_at timestamp NOT NULL);")
        );
        pg.ok("CREATE TABLE jobs (id bigint PRIMARY KEY, posted_at timestamptz NOT NULL, day date);");
    }
}

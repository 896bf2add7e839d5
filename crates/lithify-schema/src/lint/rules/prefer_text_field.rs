//! `prefer-text-field` (squawk's name; off by default): a `varchar(n)`
//! limit is a rule of the application written into the type; changing it
//! later takes an ACCESS EXCLUSIVE lock (and shortening it rewrites the
//! table), where a `text` column with a CHECK can be changed like any
//! constraint.

use crate::lint::context::{Context, Violation};
use crate::model::SqlType;

pub(crate) fn prefer_text_field(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    for (table, def) in ctx.defined_columns() {
        if let Some((SqlType::Postgres(ty), _)) = ctx.column_type(&def.data_type) {
            if ty.name == "varchar" && !ty.modifiers.is_empty() {
                let column = ctx.ident(&def.name);
                out.push(Violation::new(
                    format!(
                        "`{table}.{column}` is `{}`: changing the limit later takes an ACCESS EXCLUSIVE lock",
                        ty.format_type()
                    ),
                    "use `text`, with a `CHECK (length(column) <= n)` if the limit matters",
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
    fn a_varchar_with_a_limit() {
        let pg = case(Rule::PreferTextField, Dialect::Postgres);
        snap!(
            "prefer_text_field",
            pg.errors("CREATE TABLE jobs (id bigint PRIMARY KEY, title varchar(80));")
        );
        pg.ok("CREATE TABLE jobs (id bigint PRIMARY KEY, title text, code varchar);");
    }
}

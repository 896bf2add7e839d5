//! `prefer-bigint-over-int` (squawk's name; off by default): a 32-bit
//! integer column (`integer`, `serial`) runs out at 2,147,483,647, and
//! widening it later rewrites the table.

use crate::lint::context::{Context, Violation};
use crate::model::SqlType;

pub(crate) fn prefer_bigint_over_int(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    for (table, def) in ctx.defined_columns() {
        if let Some((SqlType::Postgres(ty), _)) = ctx.column_type(&def.data_type) {
            if ty.name == "int4" && !ty.array {
                out.push(Violation::new(
                    format!(
                        "`{table}.{}` is a 32-bit integer: it runs out at 2,147,483,647, and widening it later rewrites the table",
                        ctx.ident(&def.name)
                    ),
                    "use `bigint` (`bigserial`, or `bigint GENERATED ALWAYS AS IDENTITY`)",
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
    fn a_32_bit_integer_column() {
        let pg = case(Rule::PreferBigintOverInt, Dialect::Postgres);
        snap!(
            "prefer_bigint_over_int",
            pg.errors("CREATE TABLE jobs (id serial PRIMARY KEY, views integer);")
        );
        pg.ok("CREATE TABLE jobs (id bigserial PRIMARY KEY, views bigint, rank smallint);");
    }
}

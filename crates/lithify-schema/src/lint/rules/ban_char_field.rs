//! `ban-char-field` (squawk's name): PostgreSQL's `char(n)` pads values
//! with blanks to n characters and ignores trailing blanks when comparing;
//! `text` or `varchar(n)` is what is meant.

use crate::lint::context::{Context, Violation};
use crate::model::SqlType;

pub(crate) fn ban_char_field(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    for (table, def) in ctx.defined_columns() {
        let Some((SqlType::Postgres(ty), _)) = ctx.column_type(&def.data_type) else {
            continue;
        };
        if ty.name == "bpchar" {
            out.push(Violation::new(
                format!(
                    "`{table}.{}` is `{}`: values are padded with blanks, and compared without them",
                    ctx.ident(&def.name),
                    ty.format_type()
                ),
                "use `text` (or `varchar(n)` if the length is a rule)",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn a_char_column() {
        let pg = case(Rule::BanCharField, Dialect::Postgres);
        snap!(
            "ban_char_field",
            pg.errors("CREATE TABLE countries (code char(2) PRIMARY KEY, name text);")
        );
        pg.ok("CREATE TABLE countries (code varchar(2) PRIMARY KEY, name text);");
    }
}

//! `require-concurrent-index-creation` (squawk's name): `CREATE INDEX`
//! without `CONCURRENTLY` holds a SHARE lock on the table until the index
//! is built: every insert, update and delete waits. Quiet for a table
//! created in the same revision (nobody writes it yet).

use sqlparser::ast::Statement;

use crate::lint::context::{Context, Violation};

pub(crate) fn require_concurrent_index_creation(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    let Some(Statement::CreateIndex(create)) = ctx.statement else {
        return;
    };
    let table = ctx.name(&create.table_name);
    if create.concurrently || ctx.is_new(&table) {
        return;
    }
    let index = create
        .name
        .as_ref()
        .map_or_else(|| "an index".to_owned(), |n| format!("index `{}`", ctx.name(n)));
    out.push(Violation::new(
        format!(
            "creating {index} on `{table}` without CONCURRENTLY blocks writes to `{table}` until it is built"
        ),
        ctx.fix(
            "`CREATE INDEX CONCURRENTLY`, in a revision of its own with `run_in_transaction = false` in its metadata.toml",
            "set `concurrently = true` on the create_index operation (the revision then runs without a transaction)",
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, PG_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    fn pg() -> crate::lint::testing::Case {
        case(Rule::RequireConcurrentIndexCreation, Dialect::Postgres).setup(PG_JOBS)
    }

    #[test]
    fn an_index_on_an_existing_table() {
        snap!(
            "require_concurrent_index_creation",
            pg().errors("CREATE INDEX jobs_title_idx ON jobs (title);")
        );
    }

    #[test]
    fn concurrently_or_on_a_table_of_the_revision_is_quiet() {
        pg().non_transactional()
            .ok("CREATE INDEX CONCURRENTLY jobs_title_idx ON jobs (title);");
        pg().ok("CREATE TABLE tags (id bigint PRIMARY KEY, name text);\nCREATE INDEX tags_name_idx ON tags (name);");
    }
}

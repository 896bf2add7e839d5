//! `require-concurrent-index-deletion` (squawk's name): `DROP INDEX`
//! without `CONCURRENTLY` takes an ACCESS EXCLUSIVE lock on the index's
//! table: it waits for every running query on it, and every query waits
//! for it. Quiet for an index of the same revision or on one of its tables.

use sqlparser::ast::{ObjectType, Statement};

use crate::lint::context::{Context, Violation};

pub(crate) fn require_concurrent_index_deletion(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    // `DROP INDEX CONCURRENTLY` is not read by the parser: a parsed
    // `DROP INDEX` is never concurrent.
    let Some(Statement::Drop {
        object_type: ObjectType::Index,
        names,
        ..
    }) = ctx.statement
    else {
        return;
    };
    for name in names {
        let index = ctx.name(name);
        let created_here = ctx
            .facts
            .indexes
            .iter()
            .any(|i| i.eq_ignore_ascii_case(&index.name));
        let on_new_table = ctx
            .schema
            .table_of_index(index.schema.as_deref(), &index.name)
            .and_then(|ix| ctx.schema.tables.get(ix))
            .is_some_and(|t| ctx.is_new(&t.name));
        if created_here || on_new_table {
            continue;
        }
        out.push(Violation::new(
            format!(
                "dropping index `{index}` without CONCURRENTLY locks its table against reads and writes, and waits for every query on it"
            ),
            "`DROP INDEX CONCURRENTLY`, in a revision of its own with `run_in_transaction = false` in its metadata.toml",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn dropping_an_index_without_concurrently() {
        let pg = case(Rule::RequireConcurrentIndexDeletion, Dialect::Postgres)
            .setup("CREATE TABLE jobs (id bigint PRIMARY KEY, title text);\nCREATE INDEX jobs_title_idx ON jobs (title);");
        snap!(
            "require_concurrent_index_deletion",
            pg.errors("DROP INDEX jobs_title_idx;")
        );
        pg.clone()
            .non_transactional()
            .ok("DROP INDEX CONCURRENTLY jobs_title_idx;");
        pg.ok("CREATE INDEX jobs_tmp_idx ON jobs (id, title);\nDROP INDEX jobs_tmp_idx;");
    }
}

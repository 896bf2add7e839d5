//! `ban-concurrent-index-creation-in-transaction` (squawk's name):
//! PostgreSQL refuses `CREATE INDEX CONCURRENTLY` (and `DROP INDEX`,
//! `REINDEX` or `DETACH PARTITION` `CONCURRENTLY`) inside a transaction
//! block, and lithify runs a revision in one unless its metadata says
//! `run_in_transaction = false`: the revision fails when it runs.

use crate::lint::context::{Context, Violation};

pub(crate) fn ban_concurrent_index_creation_in_transaction(
    ctx: &Context<'_>,
    out: &mut Vec<Violation>,
) {
    if !ctx.transactional || !ctx.has_word("CONCURRENTLY") {
        return;
    }
    let what = if ctx.starts_with(&["CREATE", "INDEX"]) || ctx.starts_with(&["CREATE", "UNIQUE", "INDEX"])
    {
        "CREATE INDEX CONCURRENTLY"
    } else if ctx.starts_with(&["DROP", "INDEX"]) {
        "DROP INDEX CONCURRENTLY"
    } else if ctx.starts_with(&["REINDEX"]) {
        "REINDEX ... CONCURRENTLY"
    } else if ctx.starts_with(&["ALTER", "TABLE"]) && ctx.has_word("DETACH") {
        "DETACH PARTITION ... CONCURRENTLY"
    } else {
        return;
    };
    out.push(Violation::new(
        format!(
            "`{what}` cannot run inside a transaction, and this revision runs in one: PostgreSQL refuses it"
        ),
        "set `run_in_transaction = false` in the revision's metadata.toml (lithify then runs it \
         statement by statement), and keep the concurrent statements in a revision of their own",
    ));
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap, PG_JOBS};
    use crate::lint::Rule;
    use crate::model::Dialect;

    const SQL: &str = "CREATE INDEX CONCURRENTLY jobs_title_idx ON jobs (title);\nDROP INDEX CONCURRENTLY IF EXISTS jobs_old_idx;";

    #[test]
    fn concurrently_in_a_transactional_revision() {
        let pg = case(Rule::BanConcurrentIndexCreationInTransaction, Dialect::Postgres).setup(PG_JOBS);
        snap!("ban_concurrent_index_creation_in_transaction", pg.errors(SQL));
        pg.non_transactional().ok(SQL);
    }
}

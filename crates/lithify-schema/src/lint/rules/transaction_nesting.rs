//! `transaction-nesting` (squawk's name): lithify runs a revision in a
//! transaction (with its bookkeeping) unless its metadata says
//! `run_in_transaction = false`. A `BEGIN` inside fails on SQLite and only
//! warns on PostgreSQL, and a `COMMIT` or `ROLLBACK` ends lithify's
//! transaction early: the revision's changes and its bookkeeping are no
//! longer one.

use sqlparser::ast::Statement;

use crate::lint::context::{Context, Violation};

pub(crate) fn transaction_nesting(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    if !ctx.transactional {
        return;
    }
    let word = match ctx.statement {
        Some(Statement::StartTransaction { .. }) => "BEGIN",
        Some(Statement::Commit { .. }) => "COMMIT",
        Some(Statement::Rollback { savepoint: None, .. }) => "ROLLBACK",
        _ => return,
    };
    out.push(Violation::new(
        format!(
            "`{word}` inside a revision lithify runs in a transaction: it {}",
            if word == "BEGIN" {
                "fails (SQLite) or is ignored with a warning (PostgreSQL), and what follows runs in lithify's transaction"
            } else {
                "ends lithify's transaction early, so the revision and its bookkeeping are no longer committed together"
            }
        ),
        "remove it (lithify already runs the revision in a transaction), or set `run_in_transaction = false` \
         in the revision's metadata.toml to manage transactions yourself",
    ));
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap};
    use crate::lint::Rule;
    use crate::model::Dialect;

    const SQL: &str = "BEGIN;\nCREATE TABLE a (x INTEGER);\nCOMMIT;";

    #[test]
    fn begin_and_commit_in_a_transactional_revision() {
        let sqlite = case(Rule::TransactionNesting, Dialect::Sqlite);
        snap!("transaction_nesting", sqlite.errors(SQL));
        sqlite.non_transactional().ok(SQL);
        case(Rule::TransactionNesting, Dialect::Postgres)
            .ok("CREATE TABLE a (x int);\nSAVEPOINT s;\nROLLBACK TO SAVEPOINT s;");
    }
}

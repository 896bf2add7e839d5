//! Offline SQL: the script for a range of revisions, for a DBA to review or
//! run by hand. Bookkeeping statements come from [`bookkeeping::render`], the
//! same function the online executor uses, and the transaction framing follows
//! the same rule (one transaction per transactional revision), so the script is
//! what the migrator would send — chain-state row included: as online, the
//! first bookkeeping change deletes the state row and the last writes the
//! state the range leads to ([`bookkeeping::StateUpdate`]), assuming the
//! database holds exactly START's revisions (if it holds more, the row count
//! in the state will not match and the next check simply takes the full
//! verification).

use lithify_core::planner::{self, StepDirection};
use lithify_core::split::{has_statements, terminated};
use lithify_core::target::{self, split_range};

use crate::bookkeeping::{self, Record, StateUpdate};
use crate::chain::{ChainView, Tracked};
use crate::dialects::SqlDialect;
use crate::error::{Direction, Error};
use crate::session::SessionSql;

/// Render the script for `range` (`START:END`; without `:`, `base:END` for an
/// upgrade and `head:END` for a downgrade). A range whose END lies below its
/// START renders the downgrade even without `downgrade`.
pub(crate) fn render_script(
    view: &ChainView,
    dialect: &dyn SqlDialect,
    table: &str,
    range: Option<&str>,
    downgrade: bool,
    session: Option<SessionSql<'_>>,
) -> Result<String, Error> {
    let (start, end) = split(range, downgrade);
    let applied = applied_at(view, start)?;
    let downgrade = downgrade || lies_below(view, &applied, end);
    let plan = if downgrade {
        planner::plan_downgrade(&view.graph, &applied, end)?
    } else {
        planner::plan_upgrade(&view.graph, &applied, end)?
    };
    let mut out = String::new();
    let verb = if downgrade { "downgrade" } else { "upgrade" };
    out.push_str(&format!(
        "-- lithify offline script: {verb} {start}:{end} ({})\n",
        dialect.dialect()
    ));
    out.push_str(&format!("-- chain hash: {}\n\n", view.chain.chain_hash));
    if let Some(session) = session.filter(|s| has_statements(s.sql, dialect.dialect())) {
        out.push_str(&format!(
            "-- session set-up, from {}: run first, in the session that runs this script\n{}\n\n",
            session.origin,
            terminated(session.sql, dialect.dialect()).trim_end()
        ));
    }
    out.push_str(&format!("{};\n", dialect.create_bookkeeping_table(table)));
    out.push_str(&format!("{};\n", dialect.create_state_table(table)));
    let rows = applied.iter().filter(|a| **a).count();
    let mut tracked = Tracked::new(applied, rows);
    if plan.steps.is_empty() {
        out.push_str("\n-- nothing to do: the range contains no revisions\n");
    }
    let last = plan.steps.len().saturating_sub(1);
    for (i, step) in plan.steps.iter().enumerate() {
        let direction = match step.direction {
            StepDirection::Up => Direction::Up,
            StepDirection::Down => Direction::Down,
        };
        out.push('\n');
        out.push_str(&render_step(
            view,
            dialect,
            table,
            step.revision,
            direction,
            Position {
                first: i == 0,
                last: i == last,
            },
            &mut tracked,
        )?);
    }
    Ok(out)
}

fn split(range: Option<&str>, downgrade: bool) -> (&str, &str) {
    let default_start = if downgrade { "head" } else { "base" };
    let default_end = if downgrade { "base" } else { "head" };
    match range {
        None => (default_start, default_end),
        Some(r) => match split_range(r) {
            Some((s, e)) => (non_empty(s, default_start), non_empty(e, default_end)),
            None => (default_start, r),
        },
    }
}

fn non_empty<'a>(s: &'a str, default: &'a str) -> &'a str {
    if s.is_empty() {
        default
    } else {
        s
    }
}

/// The applied set a database at `start` would have: `start` and its ancestors.
fn applied_at(view: &ChainView, start: &str) -> Result<Vec<bool>, Error> {
    let none = view.none_applied();
    let named =
        target::resolve(start, &view.graph, &none).map_err(lithify_core::PlanError::from)?;
    let mut applied = none;
    for ix in named {
        for (i, is_ancestor) in view.graph.ancestors_inclusive(ix).into_iter().enumerate() {
            applied[i] |= is_ancestor;
        }
    }
    Ok(applied)
}

/// True when `END` names a state strictly below the one `START` describes
/// (`sql head:base`, `sql e7f3:3b7d`), so the range is a downgrade even
/// without `--downgrade`. A target that does not resolve is left to the
/// planner, which reports it.
fn lies_below(view: &ChainView, start_applied: &[bool], end: &str) -> bool {
    let Ok(named) = target::resolve(end, &view.graph, start_applied) else {
        return false;
    };
    let end_applied = view.graph.ancestors_inclusive_of(&named);
    let subset = end_applied
        .iter()
        .zip(start_applied)
        .all(|(&e, &s)| !e || s);
    subset && end_applied.as_slice() != start_applied
}

/// Where a step stands in the script, for the chain-state rule.
#[derive(Debug, Clone, Copy)]
struct Position {
    first: bool,
    last: bool,
}

fn render_step(
    view: &ChainView,
    dialect: &dyn SqlDialect,
    table: &str,
    ix: usize,
    direction: Direction,
    position: Position,
    tracked: &mut Tracked,
) -> Result<String, Error> {
    let revision = view.revision(ix);
    let sql = revision.require_sql(direction, dialect.dialect())?;
    let parents = view.parents_text(ix);
    let (from, to) = match direction {
        Direction::Up => (parents.as_str(), revision.id),
        Direction::Down => (revision.id, parents.as_str()),
    };
    let mut out = format!(
        "-- {} {from} -> {to}: {}\n",
        direction.verb(),
        revision.message
    );
    let mut stmt = |r: Record<'_>, clear: bool, write: bool| {
        tracked.after(view, &r);
        let state = write.then(|| tracked.state(view));
        let update = StateUpdate {
            clear,
            write: state.as_ref(),
        };
        bookkeeping::render_with_state(&r, update, table, dialect)
            .iter()
            .map(|s| format!("{s};\n"))
            .collect::<String>()
    };
    let sql = script_text(revision.id, sql, dialect);
    if let Some(off) = dialect
        .foreign_keys_off()
        .filter(|_| revision.foreign_keys_off(direction))
    {
        out.push_str(&format!(
            "-- rebuilds a table: foreign keys off outside the transaction (SQLite ignores the switch inside one); the SQL checks them before it commits\n{off};\n"
        ));
    }
    if revision.transactional && dialect.transactional_ddl() {
        let record = match direction {
            Direction::Up => Record::Applied {
                revision,
                duration_ms: None,
            },
            Direction::Down => Record::Removed { id: revision.id },
        };
        out.push_str(&format!(
            "{};\n{sql}\n{}{};\n",
            dialect.begin_transaction(),
            stmt(record, position.first, position.last),
            dialect.commit_transaction()
        ));
    } else {
        let (before, after) = match direction {
            Direction::Up => (
                Record::Started { revision },
                Record::Finished {
                    id: revision.id,
                    duration_ms: None,
                },
            ),
            Direction::Down => (
                Record::Reverting { id: revision.id },
                Record::Removed { id: revision.id },
            ),
        };
        out.push_str("-- non-transactional: marked started before and finished after\n");
        let before = stmt(before, position.first, false);
        let after = stmt(after, false, position.last);
        out.push_str(&format!("{before}{sql}\n{after}"));
    }
    Ok(out)
}

/// A revision's SQL as the script holds it: its last statement ended by
/// `;` (where the engine's client sees it end, comments and quoting
/// included), so the bookkeeping statement after it stays separate; online,
/// the two are sent separately and need no such care. A revision without
/// statements is a comment saying so: online it is a no-op.
fn script_text(id: &str, sql: &str, dialect: &dyn SqlDialect) -> String {
    let dialect = dialect.dialect();
    if !has_statements(sql, dialect) {
        return format!("-- revision {id} has no statements (its file is empty or only comments): nothing to run");
    }
    terminated(sql, dialect).trim_end().to_owned()
}

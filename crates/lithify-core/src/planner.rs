//! Turns (graph, applied revisions, target) into the ordered list of revisions
//! to apply or revert. Pure: the executor does the I/O.
//!
//! - Upgrade to a target applies exactly the target's ancestors (parents and
//!   dependencies, inclusive) that are not applied, in topological order.
//! - Downgrade to a target reverts exactly the applied revisions that descend
//!   from it (not the target itself), children before parents. `base` reverts all.

use thiserror::Error;

/// The database's current heads: a graph question, asked by the planner.
pub use crate::graph::applied_heads;
use crate::graph::is_applied;
use crate::listing::first_few;
use crate::target::{Resolution, Target, TargetError};
use crate::Graph;

/// Whether a step applies or reverts its revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepDirection {
    /// Run the revision's upgrade.
    Up,
    /// Run the revision's downgrade.
    Down,
}

/// One step of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanStep {
    /// Graph index of the revision.
    pub revision: usize,
    /// Apply or revert.
    pub direction: StepDirection,
}

/// The ordered steps that take the database to the target.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Steps in execution order.
    pub steps: Vec<PlanStep>,
}

/// The change a `stamp` makes to the bookkeeping (no SQL runs).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StampPlan {
    /// Revisions to record as applied, topological order.
    pub add: Vec<usize>,
    /// Revisions to remove from the record, reverse topological order.
    pub remove: Vec<usize>,
}

/// Why no plan can be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    /// The target does not parse or resolve.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// An upgrade target is behind what is applied, or a downgrade target ahead.
    #[error("{0}")]
    WrongDirection(String),
}

/// Plan an upgrade to `target` from the `applied` set (`applied[ix]`).
///
/// An empty plan means the target is already reached: the caller says
/// "nothing to do". `-N` and `LABEL@-N` are refused: they only go down.
pub fn plan_upgrade(graph: &Graph, applied: &[bool], target: &str) -> Result<Plan, PlanError> {
    let parsed = Target::parse(target)?;
    if let Target::Relative { offset, .. } = parsed {
        if offset < 0 {
            return Err(PlanError::WrongDirection(format!(
                "`{target}` steps down towards base, so it cannot be an upgrade target; use `downgrade {target}`, or upgrade to `+N`, `head`, `heads` or a revision"
            )));
        }
    }
    let resolution = parsed.resolve_scoped(target, graph, applied)?;
    let needed = graph.ancestors_inclusive_of(&resolution.revisions);
    let steps = graph
        .in_topological_order(|ix| needed[ix] && !is_applied(applied, ix))
        .into_iter()
        .map(|revision| PlanStep {
            revision,
            direction: StepDirection::Up,
        })
        .collect();
    Ok(Plan { steps })
}

/// Plan a downgrade to `target` from the `applied` set.
///
/// Reverts the applied revisions that descend from the target (every applied
/// revision for `base`; only the labelled branch for `LABEL@base` and
/// `LABEL@-N`), dependents and children before what they need. An empty plan
/// means nothing is above the target. `+N` is refused, and so is a target
/// that is not applied: a downgrade cannot reach it.
pub fn plan_downgrade(graph: &Graph, applied: &[bool], target: &str) -> Result<Plan, PlanError> {
    let parsed = Target::parse(target)?;
    if let Target::Relative { offset, .. } = parsed {
        if offset > 0 {
            return Err(PlanError::WrongDirection(format!(
                "`{target}` steps up towards the heads, so it cannot be a downgrade target; use `upgrade {target}`, or downgrade to `-N`, `base` or a revision"
            )));
        }
    }
    let resolution = parsed.resolve_scoped(target, graph, applied)?;
    if resolution.branch_scope.is_none() {
        check_reachable_down(graph, applied, target, &resolution.revisions)?;
    }
    let steps = revert_set(graph, applied, &resolution)
        .into_iter()
        .map(|revision| PlanStep {
            revision,
            direction: StepDirection::Down,
        })
        .collect();
    Ok(Plan { steps })
}

/// A downgrade can only land on revisions that are applied (or, in a
/// database with gaps, below something applied).
fn check_reachable_down(
    graph: &Graph,
    applied: &[bool],
    target: &str,
    revisions: &[usize],
) -> Result<(), PlanError> {
    let Some(&missing) = revisions.iter().find(|&&ix| !is_applied(applied, ix)) else {
        return Ok(());
    };
    let heads = applied_heads(graph, applied);
    if graph.ancestors_inclusive_of(&heads)[missing] {
        return Ok(());
    }
    let current = if heads.is_empty() {
        "nothing is applied".to_owned()
    } else {
        let ids: Vec<&str> = heads.iter().map(|&h| graph.id(h)).collect();
        format!("the database is at {}", first_few(&ids))
    };
    Err(PlanError::WrongDirection(format!(
        "`{target}` names `{}`, which is not applied ({current}), so a downgrade cannot reach it; use `upgrade {target}` to move forward to it",
        graph.id(missing)
    )))
}

/// Applied revisions to revert (or un-stamp) to get back to `resolution`,
/// in reverse topological order.
fn revert_set(graph: &Graph, applied: &[bool], resolution: &Resolution) -> Vec<usize> {
    let keep = graph.ancestors_inclusive_of(&resolution.revisions);
    let above = match (resolution.branch_scope, resolution.revisions.is_empty()) {
        (Some(scope), _) => graph.descendants_inclusive_of(&[scope]),
        // `base` without a branch: everything goes.
        (None, true) => vec![true; graph.len()],
        (None, false) => graph.descendants_inclusive_of(&resolution.revisions),
    };
    let mut out =
        graph.in_topological_order(|ix| is_applied(applied, ix) && above[ix] && !keep[ix]);
    out.reverse();
    out
}

/// Plan a stamp: the applied set becomes (applied + ancestors of target) minus
/// strict descendants of the target; `base` clears everything.
/// `LABEL@base` and `LABEL@-N` only clear that branch, as a downgrade would.
pub fn plan_stamp(graph: &Graph, applied: &[bool], target: &str) -> Result<StampPlan, PlanError> {
    plan_stamp_all(graph, applied, &[target])
}

/// Plan a stamp to several targets at once (`stamp billing@head search@head`,
/// `stamp base search@head`): each target is resolved against the applied set
/// as it was before the stamp; the record then holds exactly what any target
/// needs, plus what was applied and no target's move removes.
pub fn plan_stamp_all(
    graph: &Graph,
    applied: &[bool],
    targets: &[&str],
) -> Result<StampPlan, PlanError> {
    let mut needed = vec![false; graph.len()];
    let mut removed = vec![false; graph.len()];
    for target in targets {
        let resolution = Target::parse(target)?.resolve_scoped(target, graph, applied)?;
        for (n, a) in needed
            .iter_mut()
            .zip(graph.ancestors_inclusive_of(&resolution.revisions))
        {
            *n |= a;
        }
        for ix in revert_set(graph, applied, &resolution) {
            removed[ix] = true;
        }
    }
    let mut remove = graph.in_topological_order(|ix| removed[ix] && !needed[ix]);
    remove.reverse();
    Ok(StampPlan {
        add: graph.in_topological_order(|ix| needed[ix] && !is_applied(applied, ix)),
        remove,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::fixtures::{applied, forked, ids, merged};

    fn up(graph: &Graph, on: &[&str], target: &str) -> Vec<String> {
        let plan = plan_upgrade(graph, &applied(graph, on), target)
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        assert!(plan.steps.iter().all(|s| s.direction == StepDirection::Up));
        ids(
            graph,
            &plan.steps.iter().map(|s| s.revision).collect::<Vec<_>>(),
        )
    }

    fn down(graph: &Graph, on: &[&str], target: &str) -> Vec<String> {
        let plan = plan_downgrade(graph, &applied(graph, on), target)
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        assert!(plan
            .steps
            .iter()
            .all(|s| s.direction == StepDirection::Down));
        ids(
            graph,
            &plan.steps.iter().map(|s| s.revision).collect::<Vec<_>>(),
        )
    }

    const ALL_FORKED: &[&str] = &["b0001", "a0001", "a0002", "x0001", "x0002"];

    #[test]
    fn upgrade_applies_missing_ancestors_in_order() {
        let g = merged();
        assert_eq!(
            up(&g, &[], "head"),
            ["b0001", "a0001", "a0002", "x0001", "x0002", "m0001", "c0001"]
        );
        // x0002 needs a0001 through depends_on, but not a0002.
        assert_eq!(up(&g, &["b0001"], "x0002"), ["a0001", "x0001", "x0002"]);
        assert_eq!(up(&g, &["b0001", "a0001"], "+1"), ["a0002"]);
        assert_eq!(up(&forked(), &[], "heads"), ALL_FORKED);
        assert_eq!(up(&forked(), &["b0001"], "beta@+1"), ["x0001"]);
    }

    #[test]
    fn upgrade_to_what_is_applied_does_nothing() {
        let g = forked();
        assert!(up(&g, ALL_FORKED, "alpha@head").is_empty());
        assert!(up(&g, ALL_FORKED, "b0001").is_empty());
        assert!(up(&g, ALL_FORKED, "base").is_empty());
        assert!(up(&g, ALL_FORKED, "current").is_empty());
    }

    #[test]
    fn upgrade_refuses_downward_steps() {
        let g = forked();
        for target in ["-1", "alpha@-1"] {
            let e = plan_upgrade(&g, &applied(&g, ALL_FORKED), target).unwrap_err();
            assert!(
                matches!(&e, PlanError::WrongDirection(m) if m.contains(&format!("use `downgrade {target}`"))),
                "{e}"
            );
        }
        // `REV-N` names a fixed revision, so it is a fine upgrade target.
        assert_eq!(up(&g, &[], "a0002-1"), ["b0001", "a0001"]);
    }

    #[test]
    fn target_errors_pass_through() {
        let g = forked();
        let e = plan_upgrade(&g, &[], "head").unwrap_err();
        assert!(matches!(
            e,
            PlanError::Target(TargetError::MultipleHeads { .. })
        ));
        assert!(e.to_string().contains("use `LABEL@head` or `heads`"));
    }

    #[test]
    fn downgrade_reverts_descendants_children_first() {
        let g = merged();
        let all = [
            "b0001", "a0001", "a0002", "x0001", "x0002", "m0001", "c0001",
        ];
        assert_eq!(
            down(&g, &all, "base"),
            ["c0001", "m0001", "x0002", "x0001", "a0002", "a0001", "b0001"]
        );
        assert_eq!(down(&g, &all, "-1"), ["c0001"]);
        assert_eq!(down(&g, &all, "head-1"), ["c0001"]);
        // Reverting a0001 takes x0002 with it: it depends on a0001.
        assert_eq!(
            down(&g, &all, "b0001"),
            ["c0001", "m0001", "x0002", "x0001", "a0002", "a0001"]
        );
        assert!(down(&g, &all, "c0001").is_empty());
        assert!(down(&g, &[], "base").is_empty());
    }

    #[test]
    fn branch_downgrades_stay_on_their_branch() {
        let g = forked();
        // alpha@base: all of alpha, plus x0002 which depends on it; x0001 stays.
        assert_eq!(
            down(&g, ALL_FORKED, "alpha@base"),
            ["x0002", "a0002", "a0001"]
        );
        assert_eq!(down(&g, ALL_FORKED, "beta@base"), ["x0002", "x0001"]);
        assert_eq!(down(&g, ALL_FORKED, "beta@-2"), ["x0002", "x0001"]);
        assert_eq!(down(&g, ALL_FORKED, "alpha@-1"), ["a0002"]);
        // Plain b0001 would also revert beta.
        assert_eq!(
            down(&g, ALL_FORKED, "b0001"),
            ["x0002", "x0001", "a0002", "a0001"]
        );
        assert!(down(&g, &["b0001"], "alpha@base").is_empty());
    }

    #[test]
    fn downgrade_refuses_upward_and_unapplied_targets() {
        let g = forked();
        let on = applied(&g, &["b0001", "a0001"]);
        let e = plan_downgrade(&g, &on, "+1").unwrap_err();
        assert!(
            matches!(&e, PlanError::WrongDirection(m) if m.contains("use `upgrade +1`")),
            "{e}"
        );
        let e = plan_downgrade(&g, &on, "x0001").unwrap_err().to_string();
        assert_eq!(
            e,
            "`x0001` names `x0001`, which is not applied (the database is at a0001), so a downgrade cannot reach it; use `upgrade x0001` to move forward to it"
        );
        let e = plan_downgrade(&g, &[], "b0001").unwrap_err().to_string();
        assert!(e.contains("nothing is applied"), "{e}");
    }

    #[test]
    fn stamp_adds_ancestors_and_removes_descendants() {
        let g = forked();
        let s = plan_stamp(&g, &applied(&g, &["b0001", "a0001", "a0002"]), "x0002").unwrap();
        assert_eq!(ids(&g, &s.add), ["x0001", "x0002"]);
        assert!(s.remove.is_empty());
        let s = plan_stamp(&g, &applied(&g, ALL_FORKED), "a0001").unwrap();
        assert!(s.add.is_empty());
        assert_eq!(ids(&g, &s.remove), ["x0002", "a0002"]);
        let s = plan_stamp(&g, &applied(&g, ALL_FORKED), "base").unwrap();
        assert_eq!(
            ids(&g, &s.remove),
            ["x0002", "x0001", "a0002", "a0001", "b0001"]
        );
        let s = plan_stamp(&g, &applied(&g, ALL_FORKED), "beta@base").unwrap();
        assert_eq!(ids(&g, &s.remove), ["x0002", "x0001"]);
    }

    #[test]
    fn stamp_to_several_targets_keeps_what_any_of_them_needs() {
        let g = forked();
        // From nothing onto both branches.
        let s = plan_stamp_all(&g, &[], &["alpha@head", "beta@head"]).unwrap();
        assert_eq!(
            ids(&g, &s.add),
            ["b0001", "a0001", "a0002", "x0001", "x0002"]
        );
        // `base` clears everything but what the other target needs.
        let s = plan_stamp_all(&g, &applied(&g, ALL_FORKED), &["base", "a0001"]).unwrap();
        assert!(s.add.is_empty());
        assert_eq!(ids(&g, &s.remove), ["x0002", "x0001", "a0002"]);
        // Moving one branch down keeps a revision the other target needs.
        let s = plan_stamp_all(&g, &applied(&g, ALL_FORKED), &["b0001", "x0002"]).unwrap();
        assert_eq!(ids(&g, &s.remove), ["a0002"]);
        assert!(plan_stamp_all(&g, &[], &["head", "nope"]).is_err());
    }

    #[test]
    fn applied_heads_ignore_dependency_edges() {
        let g = forked();
        let heads = applied_heads(&g, &applied(&g, ALL_FORKED));
        assert_eq!(ids(&g, &heads), ["a0002", "x0002"]);
        let heads = applied_heads(&g, &applied(&g, &["b0001", "a0001"]));
        assert_eq!(ids(&g, &heads), ["a0001"]);
        assert!(applied_heads(&g, &[]).is_empty());
    }
}

#[cfg(test)]
mod scale_tests {
    use super::*;
    use crate::RevisionNode;
    use std::time::{Duration, Instant};

    fn rev(id: String, parents: Vec<String>, labels: Vec<String>) -> RevisionNode {
        RevisionNode {
            id,
            parents,
            depends_on: Vec::new(),
            branch_labels: labels,
        }
    }

    #[test]
    fn long_chain_plans_in_linear_time() {
        let n = 10_000;
        let nodes = (0..n)
            .map(|i| {
                rev(
                    format!("r{i:05}"),
                    if i == 0 {
                        vec![]
                    } else {
                        vec![format!("r{:05}", i - 1)]
                    },
                    vec![],
                )
            })
            .collect();
        let started = Instant::now();
        let g = Graph::new(nodes).unwrap();
        let none = vec![false; n];
        assert_eq!(plan_upgrade(&g, &none, "head").unwrap().steps.len(), n);
        let all = vec![true; n];
        assert_eq!(plan_downgrade(&g, &all, "base").unwrap().steps.len(), n);
        assert_eq!(plan_downgrade(&g, &all, "-3").unwrap().steps.len(), 3);
        assert_eq!(
            plan_upgrade(&g, &none, "r00999").unwrap().steps.len(),
            1_000
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn thousands_of_labelled_heads_check_in_linear_time() {
        let n = 5_000;
        let mut nodes = vec![rev("base0".into(), vec![], vec![])];
        nodes.extend((0..n).map(|i| {
            rev(
                format!("h{i:05}"),
                vec!["base0".into()],
                vec![format!("b{i}")],
            )
        }));
        let started = Instant::now();
        let g = Graph::new(nodes).unwrap();
        assert_eq!(g.heads().len(), n);
        assert_eq!(g.check_heads(), Ok(()));
        let none = vec![false; g.len()];
        assert_eq!(
            plan_upgrade(&g, &none, "b4999@head").unwrap().steps.len(),
            2
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
}

//! Property tests of the planner on random DAGs, checked against a naive
//! model that knows nothing of the graph's indexes or orders.
//!
//! Each graph has at most 30 revisions whose parents are chosen among the
//! revisions before them (so it is acyclic), with occasional merges, extra
//! bases and `depends_on` edges. Ids are a shuffled numbering so that id
//! order and input order disagree.

use lithify_core::planner::{
    applied_heads, plan_downgrade, plan_stamp, plan_upgrade, PlanError, StepDirection,
};
use lithify_core::{Graph, RevisionNode};
use proptest::prelude::*;

/// A generated case: the nodes, an ancestor-closed applied set, a target.
#[derive(Debug, Clone)]
struct Case {
    nodes: Vec<RevisionNode>,
    applied: Vec<bool>,
    target: usize,
}

/// Raw choices for one node: shape, two parent picks, a dependency pick.
type Genes = (u8, u32, u32, u32);

fn build_nodes(genes: &[Genes], perm: &[usize]) -> Vec<RevisionNode> {
    let id = |i: usize| format!("r{:02}", perm[i]);
    genes
        .iter()
        .enumerate()
        .map(|(i, &(kind, a, b, c))| {
            let mut parents = Vec::new();
            let mut depends_on = Vec::new();
            if i > 0 {
                let i32 = i as u32;
                match kind % 10 {
                    0 => {}
                    1..=7 => parents.push(id((a % i32) as usize)),
                    _ => {
                        parents.push(id((a % i32) as usize));
                        let second = id((b % i32) as usize);
                        if !parents.contains(&second) {
                            parents.push(second);
                        }
                    }
                }
                let dep = id(((c / 4) % i32) as usize);
                if c % 4 == 0 && !parents.contains(&dep) {
                    depends_on.push(dep);
                }
            }
            RevisionNode {
                id: id(i),
                parents,
                depends_on,
                branch_labels: Vec::new(),
            }
        })
        .collect()
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=30)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(any::<Genes>(), n),
                Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
                prop::collection::vec(any::<bool>(), n),
                0..n,
            )
        })
        .prop_map(|(genes, perm, seed, target)| {
            let nodes = build_nodes(&genes, &perm);
            let picked: Vec<usize> = (0..nodes.len())
                .filter(|&i| seed[i] && i % 3 == 0)
                .collect();
            let applied = Model::new(&nodes).ancestors(&picked);
            Case {
                nodes,
                applied,
                target,
            }
        })
}

/// Reachability computed the slow, obvious way from the raw nodes.
struct Model {
    /// Parent and dependency indexes of each node.
    needs: Vec<Vec<usize>>,
    /// Parent indexes only.
    parents: Vec<Vec<usize>>,
}

impl Model {
    fn new(nodes: &[RevisionNode]) -> Model {
        let ix = |id: &String| nodes.iter().position(|n| &n.id == id).unwrap();
        Model {
            needs: nodes
                .iter()
                .map(|n| n.parents.iter().chain(&n.depends_on).map(ix).collect())
                .collect(),
            parents: nodes
                .iter()
                .map(|n| n.parents.iter().map(ix).collect())
                .collect(),
        }
    }

    fn ancestors(&self, starts: &[usize]) -> Vec<bool> {
        let mut set = vec![false; self.needs.len()];
        for &s in starts {
            set[s] = true;
        }
        loop {
            let mut changed = false;
            for i in 0..set.len() {
                if set[i] {
                    for &p in &self.needs[i] {
                        changed |= !set[p];
                        set[p] = true;
                    }
                }
            }
            if !changed {
                return set;
            }
        }
    }

    fn descendants(&self, start: usize) -> Vec<bool> {
        (0..self.needs.len())
            .map(|i| self.ancestors(&[i])[start])
            .collect()
    }

    fn heads_of(&self, set: &[bool]) -> Vec<usize> {
        (0..set.len())
            .filter(|&i| set[i] && !(0..set.len()).any(|c| set[c] && self.parents[c].contains(&i)))
            .collect()
    }
}

/// Run `steps` on `applied`, checking each step's precondition.
fn run(
    model: &Model,
    applied: &[bool],
    plan: &lithify_core::Plan,
) -> Result<Vec<bool>, TestCaseError> {
    let mut state = applied.to_vec();
    for step in &plan.steps {
        let r = step.revision;
        match step.direction {
            StepDirection::Up => {
                prop_assert!(!state[r], "applies {r} twice");
                prop_assert!(
                    model.needs[r].iter().all(|&p| state[p]),
                    "applies {r} before what it needs"
                );
                state[r] = true;
            }
            StepDirection::Down => {
                prop_assert!(state[r], "reverts {r}, which is not applied");
                let needed_by_applied =
                    (0..state.len()).any(|d| state[d] && model.needs[d].contains(&r));
                prop_assert!(
                    !needed_by_applied,
                    "reverts {r} before its applied descendants"
                );
                state[r] = false;
            }
        }
    }
    Ok(state)
}

fn union(a: &[bool], b: &[bool]) -> Vec<bool> {
    a.iter().zip(b).map(|(x, y)| *x || *y).collect()
}

/// `a` without the strict descendants of `t`.
fn minus_above(a: &[bool], desc: &[bool], t: usize) -> Vec<bool> {
    (0..a.len()).map(|i| a[i] && (i == t || !desc[i])).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn topological_order_is_kahn_with_smallest_id_first(c in case()) {
        let graph = Graph::new(c.nodes.clone()).unwrap();
        let model = Model::new(&c.nodes);
        let mut placed = vec![false; c.nodes.len()];
        for &ix in graph.topological_order() {
            let ready: Vec<usize> = (0..placed.len())
                .filter(|&i| !placed[i] && model.needs[i].iter().all(|&p| placed[p]))
                .collect();
            let smallest = ready.iter().copied().min_by(|&a, &b| c.nodes[a].id.cmp(&c.nodes[b].id));
            prop_assert_eq!(Some(ix), smallest);
            placed[ix] = true;
        }
        prop_assert!(placed.iter().all(|&p| p));
    }

    #[test]
    fn upgrade_runs_needs_first_and_reaches_the_target(c in case()) {
        let graph = Graph::new(c.nodes.clone()).unwrap();
        let model = Model::new(&c.nodes);
        let plan = plan_upgrade(&graph, &c.applied, graph.id(c.target)).unwrap();
        let after = run(&model, &c.applied, &plan)?;
        prop_assert_eq!(after, union(&c.applied, &model.ancestors(&[c.target])));
    }

    #[test]
    fn downgrade_reverts_descendants_first(c in case()) {
        let graph = Graph::new(c.nodes.clone()).unwrap();
        let model = Model::new(&c.nodes);
        let result = plan_downgrade(&graph, &c.applied, graph.id(c.target));
        if !c.applied[c.target] {
            prop_assert!(matches!(result, Err(PlanError::WrongDirection(_))));
            return Ok(());
        }
        let after = run(&model, &c.applied, &result.unwrap())?;
        prop_assert_eq!(after, minus_above(&c.applied, &model.descendants(c.target), c.target));
        let to_base = plan_downgrade(&graph, &c.applied, "base").unwrap();
        prop_assert!(run(&model, &c.applied, &to_base)?.iter().all(|&a| !a));
    }

    #[test]
    fn upgrade_then_downgrade_to_the_original_head(c in case()) {
        let graph = Graph::new(c.nodes.clone()).unwrap();
        let model = Model::new(&c.nodes);
        let heads = model.heads_of(&c.applied);
        let mut reported = applied_heads(&graph, &c.applied);
        reported.sort_unstable();
        prop_assert_eq!(&reported, &heads);
        if heads.len() > 1 {
            return Ok(());
        }
        let up = plan_upgrade(&graph, &c.applied, graph.id(c.target)).unwrap();
        let upgraded = run(&model, &c.applied, &up)?;
        let (back, expected) = match heads.first() {
            None => ("base".to_owned(), vec![false; c.nodes.len()]),
            Some(&h) => (graph.id(h).to_owned(), minus_above(&upgraded, &model.descendants(h), h)),
        };
        let down = plan_downgrade(&graph, &upgraded, &back).unwrap();
        let restored = run(&model, &upgraded, &down)?;
        prop_assert_eq!(&restored, &expected);
        // Whatever the upgrade added above the original head is gone again.
        let added_above_head = heads.first().is_none_or(|&h| {
            let desc = model.descendants(h);
            (0..upgraded.len()).all(|i| !upgraded[i] || c.applied[i] || desc[i])
        });
        if added_above_head {
            prop_assert_eq!(&restored, &c.applied);
        }
    }

    #[test]
    fn stamp_moves_bookkeeping_like_the_documented_rule(c in case()) {
        let graph = Graph::new(c.nodes.clone()).unwrap();
        let model = Model::new(&c.nodes);
        let stamp = plan_stamp(&graph, &c.applied, graph.id(c.target)).unwrap();
        let mut state = c.applied.clone();
        for &a in &stamp.add {
            prop_assert!(!state[a]);
            state[a] = true;
        }
        for &r in &stamp.remove {
            prop_assert!(state[r]);
            state[r] = false;
        }
        let grown = union(&c.applied, &model.ancestors(&[c.target]));
        prop_assert_eq!(state, minus_above(&grown, &model.descendants(c.target), c.target));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn one_step_down_from_a_single_head_reverts_just_that_head(c in case()) {
        let graph = Graph::new(c.nodes.clone()).unwrap();
        let model = Model::new(&c.nodes);
        let heads = model.heads_of(&c.applied);
        let [h] = heads[..] else { return Ok(()) };
        let result = plan_downgrade(&graph, &c.applied, "-1");
        if model.parents[h].len() > 1 {
            let is_ambiguous = matches!(
                result,
                Err(PlanError::Target(lithify_core::TargetError::AmbiguousStep { .. }))
            );
            prop_assert!(is_ambiguous);
        } else {
            let steps: Vec<usize> = result.unwrap().steps.iter().map(|s| s.revision).collect();
            prop_assert_eq!(steps, vec![h]);
        }
    }
}

/// A case whose graph carries branch label `lbl` on one revision.
fn labelled_case() -> impl Strategy<Value = (Case, usize)> {
    (case(), any::<prop::sample::Index>()).prop_map(|(mut c, pick)| {
        let at = pick.index(c.nodes.len());
        c.nodes[at].branch_labels.push("lbl".to_owned());
        (c, at)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn branch_base_downgrade_removes_exactly_the_branch((c, at) in labelled_case()) {
        let graph = Graph::new(c.nodes.clone()).unwrap();
        let model = Model::new(&c.nodes);
        let root = graph.segment_root(at);
        prop_assert!(model.ancestors(&[at])[root], "the branch root lies below the label");
        let plan = plan_downgrade(&graph, &c.applied, "lbl@base").unwrap();
        let after = run(&model, &c.applied, &plan)?;
        let branch = model.descendants(root);
        let expected: Vec<bool> = (0..after.len()).map(|i| c.applied[i] && !branch[i]).collect();
        prop_assert_eq!(after, expected);
    }

    #[test]
    fn branch_upgrades_are_valid_or_refused((c, _at) in labelled_case()) {
        let graph = Graph::new(c.nodes.clone()).unwrap();
        let model = Model::new(&c.nodes);
        for target in ["lbl@head", "lbl@+1", "lbl@+2"] {
            match plan_upgrade(&graph, &c.applied, target) {
                Ok(plan) => {
                    run(&model, &c.applied, &plan)?;
                }
                Err(PlanError::Target(e)) => {
                    let refused = matches!(
                        e,
                        lithify_core::TargetError::AmbiguousStep { .. } | lithify_core::TargetError::OutOfRange { .. }
                    );
                    prop_assert!(refused, "{}: {}", target, e);
                }
                Err(e) => prop_assert!(false, "{}: {}", target, e),
            }
        }
    }
}

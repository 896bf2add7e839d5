//! The revision graph: a DAG of revisions linked by parents (and `depends_on`).
//!
//! Revisions are addressed by index (`usize`, position in the `Vec` given to
//! [`Graph::new`]) for speed; [`Graph::id`] and [`Graph::index_of`] convert.
//!
//! # Topological order (the tie rule)
//!
//! [`Graph::topological_order`] is Kahn's algorithm over parent and
//! `depends_on` edges: a revision becomes ready once all its parents and
//! dependencies are placed, and **among the ready revisions the one with the
//! smallest id, compared byte-wise as a string, goes first**. The order never
//! depends on file-system order or on the order revisions were handed in, and
//! a plain diesel directory (ids are the versions, no parents given, one
//! chain) comes out exactly in diesel's order. Ready revisions wait in a
//! binary heap, so ordering costs O(n log n) even for 10,000+ revisions.
//!
//! # Heads, bases, segments
//!
//! A head has no child, a base has no parent (both by parent edges only;
//! `depends_on` orders without joining branches). The branch segment of a
//! head is its parent-ancestors (inclusive) that are not parent-ancestors of
//! any other head; several heads are fine only when each segment carries a
//! branch label ([`Graph::check_heads`]).
//!
//! # Cycles
//!
//! [`GraphError::Cycle`] lists the revisions child first: each id is followed
//! by a revision it names as parent or dependency, starting from the smallest
//! id and ending with it again (`b -> a -> b`: `b` names `a`, `a` names `b`).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};

use thiserror::Error;

use crate::listing::{first_few, first_few_of, FIRST_FEW};

/// One revision as the graph sees it: its id and its edges.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RevisionNode {
    /// The revision id.
    pub id: String,
    /// Parent ids. None: a base. Two or more: a merge.
    pub parents: Vec<String>,
    /// Ids this revision depends on without joining their branch.
    pub depends_on: Vec<String>,
    /// Branch labels (`label@head`).
    pub branch_labels: Vec<String>,
}

/// A structural problem with the graph. Each names the revisions involved.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GraphError {
    /// Two revisions share an id.
    #[error("revision id `{id}` is used more than once")]
    DuplicateId {
        /// The duplicated id.
        id: String,
    },
    /// A parent names no revision.
    #[error("revision `{id}` names parent `{parent}`, which does not exist")]
    DanglingParent {
        /// The child.
        id: String,
        /// The missing parent.
        parent: String,
    },
    /// A revision lists itself as parent or dependency (both would be a
    /// cycle of one; they get this clearer message instead).
    #[error("revision `{id}` names itself as a parent or in `depends_on`")]
    SelfParent {
        /// The revision.
        id: String,
    },
    /// A `depends_on` names no revision.
    #[error("revision `{id}` depends on `{dependency}`, which does not exist")]
    DanglingDependency {
        /// The dependent revision.
        id: String,
        /// The missing dependency.
        dependency: String,
    },
    /// Parents (or parents and dependencies) form a cycle.
    #[error("revisions form a cycle: {}", first_few_of(.ids, FIRST_FEW, " -> "))]
    Cycle {
        /// The revisions on the cycle, in order, first repeated at the end.
        ids: Vec<String>,
    },
    /// A branch label is used by more than one revision.
    #[error("branch label `{label}` is used by more than one revision: {}", first_few(.ids))]
    DuplicateBranchLabel {
        /// The label.
        label: String,
        /// The revisions carrying it.
        ids: Vec<String>,
    },
    /// A branch label collides with a revision id.
    #[error("branch label `{label}` on revision `{id}` is also a revision id")]
    LabelIsRevisionId {
        /// The label.
        label: String,
        /// The revision carrying it.
        id: String,
    },
    /// More than one head, and they are not each on a labelled branch.
    #[error("there are {} heads: {}", .heads.len(), first_few(.heads))]
    MultipleHeads {
        /// The head ids, in topological order.
        heads: Vec<String>,
    },
}

/// A validated revision graph (no dangling edges, no cycles, unique ids and labels).
///
/// Every adjacency list is index-based and computed once in [`Graph::new`], so
/// queries never search by string and stay linear in the size of the graph.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The nodes exactly as given.
    nodes: Vec<RevisionNode>,
    /// Id -> index.
    ids: HashMap<String, usize>,
    /// Branch label -> index of the revision carrying it.
    labels: HashMap<String, usize>,
    /// Indexes sorted by id, so prefix lookups are a binary search.
    by_id: Vec<usize>,
    /// Parent indexes, in the order the node lists them.
    parents: Vec<Vec<usize>>,
    /// Child indexes, in topological order.
    children: Vec<Vec<usize>>,
    /// Dependency indexes, in the order the node lists them.
    dependencies: Vec<Vec<usize>>,
    /// Dependent indexes, in topological order.
    dependents: Vec<Vec<usize>>,
    /// The deterministic topological order.
    topo: Vec<usize>,
    /// `topo_pos[ix]` = position of `ix` in `topo`.
    topo_pos: Vec<usize>,
}

/// Edges resolved from ids to indexes, with the problems found on the way.
struct Edges {
    parents: Vec<Vec<usize>>,
    dependencies: Vec<Vec<usize>>,
}

impl Graph {
    /// Build and validate. Returns every problem found, not just the first.
    /// Multiple heads are not checked here (see [`Graph::check_heads`]).
    pub fn new(nodes: Vec<RevisionNode>) -> Result<Graph, Vec<GraphError>> {
        let mut errors = Vec::new();
        let ids = index_ids(&nodes, &mut errors);
        let edges = resolve_edges(&nodes, &ids, &mut errors);
        let labels = index_labels(&nodes, &ids, &mut errors);
        let (topo, cycles) = topological_sort(&nodes, &edges);
        errors.extend(cycles);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Graph::assemble(nodes, ids, labels, edges, topo))
    }

    /// Derive the reverse adjacency and lookup tables of a validated graph.
    fn assemble(
        nodes: Vec<RevisionNode>,
        ids: HashMap<String, usize>,
        labels: HashMap<String, usize>,
        edges: Edges,
        topo: Vec<usize>,
    ) -> Graph {
        let n = nodes.len();
        let mut topo_pos = vec![0; n];
        for (pos, &ix) in topo.iter().enumerate() {
            topo_pos[ix] = pos;
        }
        // Filling the reverse lists while walking in topological order leaves
        // them sorted topologically without a separate sort.
        let mut children = vec![Vec::new(); n];
        let mut dependents = vec![Vec::new(); n];
        for &ix in &topo {
            for &p in &edges.parents[ix] {
                children[p].push(ix);
            }
            for &d in &edges.dependencies[ix] {
                dependents[d].push(ix);
            }
        }
        let mut by_id: Vec<usize> = (0..n).collect();
        by_id.sort_by(|&a, &b| nodes[a].id.cmp(&nodes[b].id));
        Graph {
            nodes,
            ids,
            labels,
            by_id,
            parents: edges.parents,
            children,
            dependencies: edges.dependencies,
            dependents,
            topo,
            topo_pos,
        }
    }

    /// Error when more than one head exists and they are not each on a
    /// labelled branch (Alembic's rule, made a build error).
    ///
    /// A head's branch segment is the set of its parent-ancestors (inclusive)
    /// that are not parent-ancestors of any other head; the head counts as
    /// labelled when a revision of that segment carries a branch label.
    pub fn check_heads(&self) -> Result<(), GraphError> {
        let heads = self.heads();
        if heads.len() <= 1 {
            return Ok(());
        }
        let owner = self.head_owners();
        let mut labelled = vec![false; self.len()];
        for (ix, node) in self.nodes.iter().enumerate() {
            if let Owner::One(head) = owner[ix] {
                labelled[head] |= !node.branch_labels.is_empty();
            }
        }
        if heads.iter().all(|&h| labelled[h]) {
            return Ok(());
        }
        Err(GraphError::MultipleHeads {
            heads: heads.iter().map(|&h| self.id(h).to_owned()).collect(),
        })
    }

    /// For every revision, the single head it is a parent-ancestor of, or
    /// `Many`. One pass in reverse topological order keeps this linear even
    /// with thousands of heads.
    fn head_owners(&self) -> Vec<Owner> {
        let mut owner = vec![Owner::Many; self.len()];
        for &ix in self.topo.iter().rev() {
            owner[ix] = match self.children[ix].split_first() {
                None => Owner::One(ix),
                Some((&first, rest)) => {
                    let o = owner[first];
                    if rest.iter().all(|&c| owner[c] == o) {
                        o
                    } else {
                        Owner::Many
                    }
                }
            };
        }
        owner
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when there are no revisions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Index of the revision with this exact id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.ids.get(id).copied()
    }

    /// Revisions whose id starts with `prefix`, sorted by id. A binary search
    /// over the ids, so it costs O(log n + matches).
    pub fn ids_with_prefix(&self, prefix: &str) -> Vec<usize> {
        let start = self
            .by_id
            .partition_point(|&ix| self.nodes[ix].id.as_str() < prefix);
        self.by_id[start..]
            .iter()
            .copied()
            .take_while(|&ix| self.nodes[ix].id.starts_with(prefix))
            .collect()
    }

    /// Id of the revision at `ix`.
    pub fn id(&self, ix: usize) -> &str {
        &self.nodes[ix].id
    }

    /// The node at `ix`, as given to [`Graph::new`].
    pub fn node(&self, ix: usize) -> &RevisionNode {
        &self.nodes[ix]
    }

    /// Parent indexes of `ix`.
    pub fn parents(&self, ix: usize) -> &[usize] {
        &self.parents[ix]
    }

    /// Child indexes of `ix` (revisions naming it as parent), in topological order.
    pub fn children(&self, ix: usize) -> &[usize] {
        &self.children[ix]
    }

    /// Dependency indexes of `ix`.
    pub fn dependencies(&self, ix: usize) -> &[usize] {
        &self.dependencies[ix]
    }

    /// Dependent indexes of `ix` (revisions naming it in `depends_on`), in
    /// topological order.
    pub fn dependents(&self, ix: usize) -> &[usize] {
        &self.dependents[ix]
    }

    /// Heads: revisions with no child, in topological order.
    pub fn heads(&self) -> Vec<usize> {
        self.in_topological_order(|ix| self.children[ix].is_empty())
    }

    /// Heads that no other revision depends on, in topological order
    /// (Alembic's `heads --resolve-dependencies`): a head that is only there
    /// to be depended upon is not a place anyone upgrades to.
    pub fn heads_resolving_dependencies(&self) -> Vec<usize> {
        self.in_topological_order(|ix| {
            self.children[ix].is_empty() && self.dependents[ix].is_empty()
        })
    }

    /// Bases: revisions with no parent, in topological order.
    pub fn bases(&self) -> Vec<usize> {
        self.in_topological_order(|ix| self.parents[ix].is_empty())
    }

    /// The revisions for which `keep` holds, in topological order.
    pub fn in_topological_order(&self, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        self.topo.iter().copied().filter(|&ix| keep(ix)).collect()
    }

    /// Every revision in the deterministic topological order (parents and
    /// dependencies first; ties broken by the documented rule).
    pub fn topological_order(&self) -> &[usize] {
        &self.topo
    }

    /// Position of `ix` in [`Graph::topological_order`].
    pub fn topological_position(&self, ix: usize) -> usize {
        self.topo_pos[ix]
    }

    /// `ix` and everything it needs (parents and dependencies, transitively).
    pub fn ancestors_inclusive(&self, ix: usize) -> Vec<bool> {
        self.ancestors_inclusive_of(&[ix])
    }

    /// `starts` and everything they need (parents and dependencies, transitively).
    pub fn ancestors_inclusive_of(&self, starts: &[usize]) -> Vec<bool> {
        self.reach(starts, |ix| {
            self.parents[ix].iter().chain(&self.dependencies[ix])
        })
    }

    /// `ix` and everything that needs it (children and dependents, transitively).
    pub fn descendants_inclusive(&self, ix: usize) -> Vec<bool> {
        self.descendants_inclusive_of(&[ix])
    }

    /// `starts` and everything that needs them (children and dependents, transitively).
    pub fn descendants_inclusive_of(&self, starts: &[usize]) -> Vec<bool> {
        self.reach(starts, |ix| {
            self.children[ix].iter().chain(&self.dependents[ix])
        })
    }

    /// `starts` and their descendants through child edges only: the branch
    /// above them, without revisions that merely depend on them.
    pub fn branch_descendants_of(&self, starts: &[usize]) -> Vec<bool> {
        self.reach(starts, |ix| self.children[ix].iter().chain(&[]))
    }

    /// Mark everything reachable from `starts` through `next` (inclusive).
    fn reach<'a, I>(&'a self, starts: &[usize], next: impl Fn(usize) -> I) -> Vec<bool>
    where
        I: Iterator<Item = &'a usize>,
    {
        let mut seen = vec![false; self.len()];
        let mut stack = Vec::new();
        for &s in starts {
            if !seen[s] {
                seen[s] = true;
                stack.push(s);
            }
        }
        while let Some(ix) = stack.pop() {
            for &n in next(ix) {
                if !seen[n] {
                    seen[n] = true;
                    stack.push(n);
                }
            }
        }
        seen
    }

    /// The revision carrying branch label `label`.
    pub fn label(&self, label: &str) -> Option<usize> {
        self.labels.get(label).copied()
    }

    /// Every branch label with the revision carrying it, sorted by label.
    pub fn labels(&self) -> Vec<(&str, usize)> {
        let mut all: Vec<(&str, usize)> = self
            .labels
            .iter()
            .map(|(l, &ix)| (l.as_str(), ix))
            .collect();
        all.sort_unstable();
        all
    }

    /// The first revision of the branch segment that starts at or below `ix`:
    /// walk down parents while the step stays on one line (a single parent
    /// that has no other child). Like Alembic, a label thus covers the
    /// unlabelled revisions below it down to the branchpoint; unlike Alembic
    /// the walk stops below a second labelled revision, so one labelled
    /// branch never swallows the labelled branch it was started from.
    ///
    /// `LABEL@base` is the parents of this revision: downgrading there
    /// removes the whole branch and nothing beside it.
    pub fn segment_root(&self, ix: usize) -> usize {
        let labelled = |r: usize| !self.nodes[r].branch_labels.is_empty();
        let mut cur = ix;
        let mut seen_label = labelled(ix);
        while let [p] = self.parents[cur][..] {
            if self.children[p].len() != 1 || (seen_label && labelled(p)) {
                break;
            }
            seen_label |= labelled(p);
            cur = p;
        }
        cur
    }
}

/// Which head a revision leads to (see [`Graph::head_owners`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// Exactly this head.
    One(usize),
    /// Several heads.
    Many,
}

/// Map ids to indexes; the first occurrence wins so later checks can go on.
fn index_ids(nodes: &[RevisionNode], errors: &mut Vec<GraphError>) -> HashMap<String, usize> {
    let mut ids = HashMap::with_capacity(nodes.len());
    let mut reported = HashSet::new();
    for (ix, node) in nodes.iter().enumerate() {
        if ids.contains_key(&node.id) {
            if reported.insert(node.id.as_str()) {
                errors.push(GraphError::DuplicateId {
                    id: node.id.clone(),
                });
            }
        } else {
            ids.insert(node.id.clone(), ix);
        }
    }
    ids
}

/// Turn parent and dependency ids into indexes, reporting self-references and
/// names that match nothing. Bad edges are dropped so the cycle check can
/// still run on the rest.
fn resolve_edges(
    nodes: &[RevisionNode],
    ids: &HashMap<String, usize>,
    errors: &mut Vec<GraphError>,
) -> Edges {
    let mut parents = Vec::with_capacity(nodes.len());
    let mut dependencies = Vec::with_capacity(nodes.len());
    for node in nodes {
        parents.push(resolve_list(
            node,
            &node.parents,
            ids,
            errors,
            |id, parent| GraphError::DanglingParent { id, parent },
        ));
        dependencies.push(resolve_list(
            node,
            &node.depends_on,
            ids,
            errors,
            |id, dependency| GraphError::DanglingDependency { id, dependency },
        ));
    }
    Edges {
        parents,
        dependencies,
    }
}

/// Resolve one edge list of `node` (deduplicated, order kept).
fn resolve_list(
    node: &RevisionNode,
    names: &[String],
    ids: &HashMap<String, usize>,
    errors: &mut Vec<GraphError>,
    dangling: impl Fn(String, String) -> GraphError,
) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(names.len());
    for name in names {
        if *name == node.id {
            errors.push(GraphError::SelfParent {
                id: node.id.clone(),
            });
        } else if let Some(&ix) = ids.get(name) {
            if !out.contains(&ix) {
                out.push(ix);
            }
        } else {
            errors.push(dangling(node.id.clone(), name.clone()));
        }
    }
    out
}

/// Map labels to revisions, reporting labels used twice or equal to an id.
fn index_labels(
    nodes: &[RevisionNode],
    ids: &HashMap<String, usize>,
    errors: &mut Vec<GraphError>,
) -> HashMap<String, usize> {
    let mut carriers: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (ix, node) in nodes.iter().enumerate() {
        for label in &node.branch_labels {
            let list = carriers.entry(label.as_str()).or_default();
            // A label repeated on one revision is harmless; count it once.
            if list.last() != Some(&ix) {
                list.push(ix);
            }
        }
    }
    let mut labels = HashMap::with_capacity(carriers.len());
    for (label, list) in carriers {
        if list.len() > 1 {
            errors.push(GraphError::DuplicateBranchLabel {
                label: label.to_owned(),
                ids: list.iter().map(|&ix| nodes[ix].id.clone()).collect(),
            });
        }
        if ids.contains_key(label) {
            for &ix in &list {
                errors.push(GraphError::LabelIsRevisionId {
                    label: label.to_owned(),
                    id: nodes[ix].id.clone(),
                });
            }
        }
        labels.insert(label.to_owned(), list[0]);
    }
    labels
}

/// Kahn's algorithm over parent and dependency edges, taking the ready
/// revision with the smallest id (byte-wise) first. Returns the order and,
/// when some revisions never become ready, the cycles among them.
fn topological_sort(nodes: &[RevisionNode], edges: &Edges) -> (Vec<usize>, Vec<GraphError>) {
    let n = nodes.len();
    let preds = predecessor_lists(edges);
    let mut indegree: Vec<usize> = preds.iter().map(Vec::len).collect();
    let mut succs = vec![Vec::new(); n];
    for (ix, list) in preds.iter().enumerate() {
        for &p in list {
            succs[p].push(ix);
        }
    }
    let mut ready: BinaryHeap<Reverse<(&str, usize)>> = (0..n)
        .filter(|&ix| indegree[ix] == 0)
        .map(|ix| Reverse((nodes[ix].id.as_str(), ix)))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((_, ix))) = ready.pop() {
        order.push(ix);
        for &s in &succs[ix] {
            indegree[s] -= 1;
            if indegree[s] == 0 {
                ready.push(Reverse((nodes[s].id.as_str(), s)));
            }
        }
    }
    if order.len() == n {
        return (order, Vec::new());
    }
    let stuck: Vec<bool> = indegree.iter().map(|&d| d > 0).collect();
    (order, find_cycles(nodes, &preds, &stuck))
}

/// Parents and dependencies of each revision, without duplicates (a
/// revision may name the same revision as parent and dependency).
fn predecessor_lists(edges: &Edges) -> Vec<Vec<usize>> {
    edges
        .parents
        .iter()
        .zip(&edges.dependencies)
        .map(|(ps, ds)| {
            let mut all = ps.clone();
            all.extend(ds.iter().filter(|d| !ps.contains(d)));
            all
        })
        .collect()
}

/// Name the cycles among the revisions Kahn's algorithm could not order.
///
/// Every stuck revision has a stuck predecessor, so following predecessors
/// from one must come back to a revision already on the walk: that loop is a
/// cycle. Revisions seen by an earlier walk are not walked again, which keeps
/// this linear. Each cycle is listed child first: every id is followed by a
/// revision it names as parent or dependency, starting from the smallest id.
fn find_cycles(nodes: &[RevisionNode], preds: &[Vec<usize>], stuck: &[bool]) -> Vec<GraphError> {
    let mut starts: Vec<usize> = (0..nodes.len()).filter(|&ix| stuck[ix]).collect();
    starts.sort_by(|&a, &b| nodes[a].id.cmp(&nodes[b].id));
    let mut walk_of = vec![usize::MAX; nodes.len()];
    let mut errors = Vec::new();
    for (walk, &start) in starts.iter().enumerate() {
        if walk_of[start] != usize::MAX {
            continue;
        }
        let mut path = Vec::new();
        let mut cur = start;
        while walk_of[cur] == usize::MAX {
            walk_of[cur] = walk;
            path.push(cur);
            let next = preds[cur]
                .iter()
                .copied()
                .filter(|&p| stuck[p])
                .min_by(|&a, &b| nodes[a].id.cmp(&nodes[b].id));
            match next {
                Some(p) => cur = p,
                None => break,
            }
        }
        if walk_of[cur] == walk {
            if let Some(from) = path.iter().position(|&ix| ix == cur) {
                errors.push(cycle_error(nodes, &path[from..]));
            }
        }
    }
    errors
}

/// Build the cycle error, rotated to start at the smallest id so the message
/// does not depend on where the walk happened to enter the loop.
fn cycle_error(nodes: &[RevisionNode], cycle: &[usize]) -> GraphError {
    let first = (0..cycle.len())
        .min_by(|&a, &b| nodes[cycle[a]].id.cmp(&nodes[cycle[b]].id))
        .unwrap_or(0);
    let mut ids: Vec<String> = cycle[first..]
        .iter()
        .chain(&cycle[..first])
        .map(|&ix| nodes[ix].id.clone())
        .collect();
    if let Some(head) = ids.first().cloned() {
        ids.push(head);
    }
    GraphError::Cycle { ids }
}

/// The applied revisions none of whose children are applied (the database's
/// current heads), in topological order.
pub fn applied_heads(graph: &Graph, applied: &[bool]) -> Vec<usize> {
    graph.in_topological_order(|ix| {
        is_applied(applied, ix) && !graph.children(ix).iter().any(|&c| is_applied(applied, c))
    })
}

/// `applied[ix]`, treating a short slice as "not applied" rather than panicking.
pub(crate) fn is_applied(applied: &[bool], ix: usize) -> bool {
    applied.get(ix).copied().unwrap_or(false)
}

/// Reference graphs shared by the unit tests of the graph, target and planner.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{Graph, RevisionNode};

    /// A node from string slices.
    pub(crate) fn node(id: &str, parents: &[&str], deps: &[&str], labels: &[&str]) -> RevisionNode {
        let own = |xs: &[&str]| xs.iter().map(|s| (*s).to_owned()).collect();
        RevisionNode {
            id: id.to_owned(),
            parents: own(parents),
            depends_on: own(deps),
            branch_labels: own(labels),
        }
    }

    /// Base `b0001`; branch `alpha` = `a0001 -> a0002`; branch `beta` =
    /// `x0001 -> x0002`, where `x0002` depends on `a0001`. Two labelled heads.
    pub(crate) fn forked_nodes() -> Vec<RevisionNode> {
        vec![
            node("x0002", &["x0001"], &["a0001"], &[]),
            node("b0001", &[], &[], &[]),
            node("a0001", &["b0001"], &[], &["alpha"]),
            node("x0001", &["b0001"], &[], &["beta"]),
            node("a0002", &["a0001"], &[], &[]),
        ]
    }

    /// [`forked_nodes`] as a graph.
    pub(crate) fn forked() -> Graph {
        Graph::new(forked_nodes()).expect("reference graph is valid")
    }

    /// [`forked`] plus merge `m0001` (of `a0002` and `x0002`) and `c0001` above it.
    pub(crate) fn merged() -> Graph {
        let mut nodes = forked_nodes();
        nodes.push(node("m0001", &["a0002", "x0002"], &[], &[]));
        nodes.push(node("c0001", &["m0001"], &[], &[]));
        Graph::new(nodes).expect("reference graph is valid")
    }

    /// Indexes of `ids`.
    pub(crate) fn ixs(graph: &Graph, ids: &[&str]) -> Vec<usize> {
        ids.iter()
            .map(|id| graph.index_of(id).expect("known id"))
            .collect()
    }

    /// Ids of `ixs`.
    pub(crate) fn ids(graph: &Graph, ixs: &[usize]) -> Vec<String> {
        ixs.iter().map(|&ix| graph.id(ix).to_owned()).collect()
    }

    /// An applied set holding exactly `applied`.
    pub(crate) fn applied(graph: &Graph, applied: &[&str]) -> Vec<bool> {
        let mut set = vec![false; graph.len()];
        for ix in ixs(graph, applied) {
            set[ix] = true;
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{forked, forked_nodes, ids, ixs, merged, node};
    use super::*;

    fn marked(graph: &Graph, set: &[bool]) -> Vec<String> {
        let on = graph.in_topological_order(|ix| set[ix]);
        ids(graph, &on)
    }

    #[test]
    fn order_heads_bases_and_adjacency() {
        let g = forked();
        assert_eq!(
            ids(&g, g.topological_order()),
            ["b0001", "a0001", "a0002", "x0001", "x0002"]
        );
        assert_eq!(ids(&g, &g.heads()), ["a0002", "x0002"]);
        assert_eq!(ids(&g, &g.bases()), ["b0001"]);
        let b = ixs(&g, &["b0001"])[0];
        assert_eq!(ids(&g, g.children(b)), ["a0001", "x0001"]);
        let x2 = ixs(&g, &["x0002"])[0];
        assert_eq!(ids(&g, g.parents(x2)), ["x0001"]);
        assert_eq!(ids(&g, g.dependencies(x2)), ["a0001"]);
        let a1 = ixs(&g, &["a0001"])[0];
        assert_eq!(ids(&g, g.dependents(a1)), ["x0002"]);
        assert_eq!(g.label("alpha"), Some(a1));
        assert_eq!(g.label("gamma"), None);
        assert_eq!(g.node(a1).branch_labels, ["alpha"]);
        assert_eq!(g.topological_position(a1), 1);
        assert_eq!(g.len(), 5);
        assert!(!g.is_empty());
        assert_eq!(
            g.labels(),
            [("alpha", a1), ("beta", ixs(&g, &["x0001"])[0])]
        );
    }

    #[test]
    fn ancestors_and_descendants_follow_dependencies() {
        let g = forked();
        let x2 = ixs(&g, &["x0002"])[0];
        assert_eq!(
            marked(&g, &g.ancestors_inclusive(x2)),
            ["b0001", "a0001", "x0001", "x0002"]
        );
        let a1 = ixs(&g, &["a0001"])[0];
        assert_eq!(
            marked(&g, &g.descendants_inclusive(a1)),
            ["a0001", "a0002", "x0002"]
        );
        assert_eq!(
            marked(&g, &g.branch_descendants_of(&[a1])),
            ["a0001", "a0002"]
        );
    }

    #[test]
    fn tie_rule_reproduces_diesel_order() {
        // A diesel directory: no parents given, ids are versions; the
        // loader chains them, but the order must not depend on input order.
        let g = Graph::new(vec![
            node("20240301000000", &["20240201000000"], &[], &[]),
            node("20240101000000", &[], &[], &[]),
            node("20240201000000", &["20240101000000"], &[], &[]),
        ])
        .unwrap();
        assert_eq!(
            ids(&g, g.topological_order()),
            ["20240101000000", "20240201000000", "20240301000000"]
        );
        // Independent bases are ordered by byte-wise id comparison.
        let g = Graph::new(vec![
            node("b", &[], &[], &[]),
            node("B", &[], &[], &[]),
            node("a", &[], &[], &[]),
        ])
        .unwrap();
        assert_eq!(ids(&g, g.topological_order()), ["B", "a", "b"]);
    }

    #[test]
    fn heads_resolving_dependencies_drops_depended_on_heads() {
        let g = Graph::new(vec![
            node("base", &[], &[], &[]),
            node("lib1", &["base"], &[], &["lib"]),
            node("app1", &["base"], &["lib1"], &["app"]),
        ])
        .unwrap();
        assert_eq!(ids(&g, &g.heads()), ["lib1", "app1"]);
        assert_eq!(ids(&g, &g.heads_resolving_dependencies()), ["app1"]);
    }

    #[test]
    fn check_heads_accepts_one_head_or_labelled_branches() {
        assert_eq!(merged().check_heads(), Ok(()));
        assert_eq!(forked().check_heads(), Ok(()));
        assert_eq!(Graph::new(Vec::new()).unwrap().check_heads(), Ok(()));
    }

    #[test]
    fn check_heads_rejects_unlabelled_heads() {
        let mut nodes = forked_nodes();
        nodes.push(node("z0001", &["b0001"], &[], &[]));
        let g = Graph::new(nodes).unwrap();
        assert_eq!(
            g.check_heads(),
            Err(GraphError::MultipleHeads {
                heads: vec!["a0002".into(), "x0002".into(), "z0001".into()]
            })
        );
    }

    #[test]
    fn check_heads_ignores_labels_shared_by_several_heads() {
        // The label sits below the fork, so it names neither branch.
        let g = Graph::new(vec![
            node("b0001", &[], &[], &["core"]),
            node("a0001", &["b0001"], &[], &[]),
            node("x0001", &["b0001"], &[], &[]),
        ])
        .unwrap();
        let err = g.check_heads().unwrap_err();
        assert_eq!(err.to_string(), "there are 2 heads: a0001, x0001");
    }

    #[test]
    fn segment_root_stops_at_branchpoints_and_labels() {
        let g = merged();
        let [a1, a2, x2, m, c] = ixs(&g, &["a0001", "a0002", "x0002", "m0001", "c0001"])[..] else {
            unreachable!()
        };
        assert_eq!(g.segment_root(a2), a1);
        assert_eq!(g.segment_root(a1), a1);
        assert_eq!(
            g.segment_root(x2),
            ixs(&g, &["x0001"])[0],
            "a label reaches down to the branchpoint"
        );
        assert_eq!(g.segment_root(c), m, "a merge starts a segment");
        // Like Alembic, a label reaches down its line to the branchpoint...
        let g = Graph::new(vec![
            node("p", &[], &[], &["core"]),
            node("q", &["p"], &[], &[]),
            node("r", &["q"], &[], &["feat"]),
            node("s", &["p"], &[], &[]),
        ])
        .unwrap();
        let [q, r] = ixs(&g, &["q", "r"])[..] else {
            unreachable!()
        };
        assert_eq!(g.segment_root(r), q);
        // ...but, unlike Alembic, not into another labelled branch.
        let g = Graph::new(vec![
            node("p", &[], &[], &["core"]),
            node("q", &["p"], &[], &["feat"]),
        ])
        .unwrap();
        let q = ixs(&g, &["q"])[0];
        assert_eq!(g.segment_root(q), q);
    }

    #[test]
    fn prefixes_are_found_by_binary_search() {
        let g = forked();
        assert_eq!(ids(&g, &g.ids_with_prefix("x000")), ["x0001", "x0002"]);
        assert_eq!(ids(&g, &g.ids_with_prefix("a0002")), ["a0002"]);
        assert!(g.ids_with_prefix("q").is_empty());
    }

    fn errors(nodes: Vec<RevisionNode>) -> Vec<GraphError> {
        Graph::new(nodes).unwrap_err()
    }

    #[test]
    fn reports_every_problem_at_once() {
        let errs = errors(vec![
            node("a", &[], &[], &["l", "b"]),
            node("a", &[], &[], &[]),
            node("b", &["b", "nope"], &["b", "gone"], &["l"]),
        ]);
        assert_eq!(
            errs,
            [
                GraphError::DuplicateId { id: "a".into() },
                GraphError::SelfParent { id: "b".into() },
                GraphError::DanglingParent {
                    id: "b".into(),
                    parent: "nope".into()
                },
                GraphError::SelfParent { id: "b".into() },
                GraphError::DanglingDependency {
                    id: "b".into(),
                    dependency: "gone".into()
                },
                GraphError::LabelIsRevisionId {
                    label: "b".into(),
                    id: "a".into()
                },
                GraphError::DuplicateBranchLabel {
                    label: "l".into(),
                    ids: vec!["a".into(), "b".into()]
                },
            ]
        );
    }

    #[test]
    fn names_the_revisions_on_a_cycle() {
        let errs = errors(vec![
            node("r1", &["r3"], &[], &[]),
            node("r2", &["r1"], &[], &[]),
            node("r3", &["r2"], &[], &[]),
            node("r4", &["r3"], &[], &[]),
        ]);
        assert_eq!(
            errs,
            [GraphError::Cycle {
                ids: vec!["r1".into(), "r3".into(), "r2".into(), "r1".into()]
            }]
        );
        assert_eq!(
            errs[0].to_string(),
            "revisions form a cycle: r1 -> r3 -> r2 -> r1"
        );
    }

    #[test]
    fn dependency_cycles_and_separate_cycles_are_all_reported() {
        let errs = errors(vec![
            node("a", &[], &["b"], &[]),
            node("b", &["a"], &[], &[]),
            node("c", &["d"], &[], &[]),
            node("d", &["c"], &[], &[]),
        ]);
        assert_eq!(
            errs,
            [
                GraphError::Cycle {
                    ids: vec!["a".into(), "b".into(), "a".into()]
                },
                GraphError::Cycle {
                    ids: vec!["c".into(), "d".into(), "c".into()]
                },
            ]
        );
    }

    #[test]
    fn ten_thousand_revisions_stay_fast() {
        // A long chain with a side branch every 100 revisions, merged back.
        let n = 10_000;
        let mut nodes = Vec::with_capacity(n + n / 100);
        for i in 0..n {
            let parents: Vec<String> = if i == 0 {
                vec![]
            } else {
                vec![format!("r{:05}", i - 1)]
            };
            nodes.push(RevisionNode {
                id: format!("r{i:05}"),
                parents,
                ..Default::default()
            });
        }
        let started = std::time::Instant::now();
        let g = Graph::new(nodes).unwrap();
        assert_eq!(g.heads().len(), 1);
        assert_eq!(g.check_heads(), Ok(()));
        assert!(g.ancestors_inclusive(n - 1).iter().all(|&b| b));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}

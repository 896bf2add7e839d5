//! The embedded chain seen as a graph, and what the database's bookkeeping
//! rows mean against it (verification).
//!
//! Graph indexes are positions in [`EmbeddedChain::revisions`]: the nodes are
//! handed to [`Graph::new`] in that order.

use std::collections::HashSet;

use lithify_core::{Graph, RevisionNode};

use crate::bookkeeping::{BookkeepingRow, RowState};
use crate::embedded::{EmbeddedChain, Revision};
use crate::error::{Error, Inconsistency};

/// Marker shown for "nothing applied".
pub(crate) const BASE: &str = "<base>";

/// An embedded chain with its validated graph.
pub(crate) struct ChainView {
    pub chain: &'static EmbeddedChain,
    pub graph: Graph,
}

impl ChainView {
    /// Build the graph. The build already validated it, so a failure here means
    /// the generated module was tampered with; it is still an error, not a panic.
    pub fn new(chain: &'static EmbeddedChain) -> Result<ChainView, Error> {
        let nodes = chain
            .revisions
            .iter()
            .map(|r| RevisionNode {
                id: r.id.to_owned(),
                parents: to_strings(r.parents),
                depends_on: to_strings(r.depends_on),
                branch_labels: to_strings(r.branch_labels),
            })
            .collect();
        let graph = Graph::new(nodes).map_err(|errors| Error::InvalidChain {
            problems: errors.iter().map(ToString::to_string).collect(),
        })?;
        Ok(ChainView { chain, graph })
    }

    /// The revision at graph index `ix`.
    pub fn revision(&self, ix: usize) -> &'static Revision {
        self.chain.revisions[ix]
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.chain.revisions.len()
    }

    /// Nothing applied.
    pub fn none_applied(&self) -> Vec<bool> {
        vec![false; self.len()]
    }

    /// `id (head)`-style description of an applied set: its heads, or `<base>`.
    pub fn describe(&self, applied: &[bool]) -> String {
        let heads = lithify_core::planner::applied_heads(&self.graph, applied);
        if heads.is_empty() {
            return BASE.to_owned();
        }
        let chain_heads = self.graph.heads();
        heads
            .iter()
            .map(|&ix| {
                let id = self.graph.id(ix);
                if chain_heads.contains(&ix) {
                    format!("{id} (head)")
                } else {
                    id.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `a, b` for the parents of `ix`, or `<base>`.
    pub fn parents_text(&self, ix: usize) -> String {
        let parents = self.revision(ix).parents;
        if parents.is_empty() {
            BASE.to_owned()
        } else {
            parents.join(", ")
        }
    }

    /// Interpret bookkeeping rows: the applied set, or the first inconsistency
    /// (unknown revision, checksum drift, a revision left started).
    pub fn verify(&self, rows: &[BookkeepingRow]) -> Result<Vec<bool>, Inconsistency> {
        self.verify_with(rows, true)
    }

    /// Like [`ChainView::verify`]; with `refuse_started = false` a started row
    /// counts as not applied (stamp, which is how such a row is resolved).
    pub fn verify_with(
        &self,
        rows: &[BookkeepingRow],
        refuse_started: bool,
    ) -> Result<Vec<bool>, Inconsistency> {
        let mut applied = self.none_applied();
        for row in sorted_by_chain(self, rows) {
            let Some(ix) = self.graph.index_of(&row.id) else {
                return Err(Inconsistency::UnknownRevision {
                    id: row.id.clone(),
                    message: row.message.clone(),
                });
            };
            let revision = self.revision(ix);
            match RowState::parse(&row.state) {
                Some(RowState::Applied) => {}
                Some(RowState::Started) if !refuse_started => continue,
                Some(RowState::Started) => {
                    return Err(Inconsistency::LeftStarted {
                        id: row.id.clone(),
                        name: revision.name.to_owned(),
                        parent: self.parents_text(ix),
                    })
                }
                None => {
                    return Err(Inconsistency::UnknownState {
                        id: row.id.clone(),
                        state: row.state.clone(),
                    })
                }
            }
            if !revision.accepts_checksum(&row.checksum) {
                return Err(Inconsistency::ChecksumDrift {
                    id: row.id.clone(),
                    name: revision.name.to_owned(),
                    applied: row.checksum.clone(),
                    embedded: revision.checksum.to_owned(),
                });
            }
            applied[ix] = true;
        }
        Ok(applied)
    }
}

/// Rows in a stable order: known revisions in chain order, unknown ones first
/// (they are the most important to report).
fn sorted_by_chain<'r>(view: &ChainView, rows: &'r [BookkeepingRow]) -> Vec<&'r BookkeepingRow> {
    let mut rows: Vec<&BookkeepingRow> = rows.iter().collect();
    rows.sort_by_key(|r| {
        (
            view.graph.index_of(&r.id).map_or(0, |ix| ix + 1),
            r.id.clone(),
        )
    });
    let mut seen = HashSet::new();
    rows.retain(|r| seen.insert(r.id.clone()));
    rows
}

fn to_strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

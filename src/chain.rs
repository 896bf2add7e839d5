//! The embedded chain seen as a graph, and what the database's bookkeeping
//! rows mean against it (verification).
//!
//! Graph indexes are positions in [`EmbeddedChain::revisions`]: the nodes are
//! handed to [`Graph::new`] in that order.

use std::collections::HashSet;
use std::sync::OnceLock;

use lithify_core::listing::first_few;
use lithify_core::{ChainHash, Graph, RevisionNode};

use crate::bookkeeping::{BookkeepingRow, ChainState, Record, RowState};
use crate::embedded::{EmbeddedChain, Revision};
use crate::error::{Error, Inconsistency};

/// Marker shown for "nothing applied".
pub(crate) const BASE: &str = "<base>";

/// An embedded chain with its validated graph. Built once per
/// [`crate::Migrator`] (and shared by its clones): the graph costs about as
/// much as reading a thousand bookkeeping rows, so rebuilding it per call
/// would dominate the up-to-date check.
#[derive(Debug)]
pub(crate) struct ChainView {
    pub chain: &'static EmbeddedChain,
    /// The chain's revisions, parsed once (by the first view of the chain).
    revisions: &'static [Revision],
    pub graph: Graph,
    /// `prefixes[k]`: the [`ChainHash`] over the first `k` revisions, so the
    /// hash of an applied set costs its part beyond the longest applied
    /// prefix, not the whole chain (made on the first bookkeeping write).
    prefixes: OnceLock<Vec<ChainHash>>,
}

impl ChainView {
    /// Parse the revisions and build the graph. The build already validated
    /// both, so a failure here means the build's output was tampered with; it
    /// is still an error, not a panic.
    pub fn new(chain: &'static EmbeddedChain) -> Result<ChainView, Error> {
        let revisions = chain.revisions.try_slice()?;
        let nodes = revisions
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
        Ok(ChainView {
            chain,
            revisions,
            graph,
            prefixes: OnceLock::new(),
        })
    }

    /// `sha256:<hex>` [`ChainHash`] over the revisions of `applied`, in chain
    /// order, with their embedded checksums; equal to the chain's
    /// `chain_hash` when all are applied.
    pub fn hash_of(&self, applied: &[bool]) -> String {
        let prefixes = self.prefixes.get_or_init(|| {
            let mut hash = ChainHash::new();
            let mut out = Vec::with_capacity(self.len() + 1);
            out.push(hash.clone());
            for revision in self.revisions {
                hash.push_text(revision.id, revision.checksum);
                out.push(hash.clone());
            }
            out
        });
        let prefix = applied.iter().take_while(|a| **a).count();
        let mut hash = prefixes.get(prefix).cloned().unwrap_or_default();
        for (ix, _) in applied.iter().enumerate().skip(prefix).filter(|(_, a)| **a) {
            let revision = self.revision(ix);
            hash.push_text(revision.id, revision.checksum);
        }
        hash.finish().to_string()
    }

    /// The state a bookkeeping table holding `rows` should have recorded:
    /// rows that verify as applied go into the hash, every row is counted.
    pub fn state_of_rows(&self, rows: &[BookkeepingRow]) -> ChainState {
        let mut applied = self.none_applied();
        for row in rows {
            if let Some(ix) = self.graph.index_of(&row.id) {
                applied[ix] |= matches!(self.check_row(ix, row, false), Ok(true));
            }
        }
        Tracked::new(applied, rows.len()).state(self)
    }

    /// The revision at graph index `ix`.
    pub fn revision(&self, ix: usize) -> &'static Revision {
        &self.revisions[ix]
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// Nothing applied.
    pub fn none_applied(&self) -> Vec<bool> {
        vec![false; self.len()]
    }

    /// `id (head)`-style description of an applied set for messages: its
    /// heads (the first few, then how many more), or `<base>`.
    pub fn describe(&self, applied: &[bool]) -> String {
        first_few_or_base(&self.applied_heads_text(applied))
    }

    /// [`ChainView::describe`] naming every applied head: `current`'s answer.
    pub fn describe_all(&self, applied: &[bool]) -> String {
        let heads = self.applied_heads_text(applied);
        if heads.is_empty() {
            BASE.to_owned()
        } else {
            heads.join(", ")
        }
    }

    /// `id` or `id (head)` for each head of `applied`.
    fn applied_heads_text(&self, applied: &[bool]) -> Vec<String> {
        let chain_heads = self.graph.heads();
        lithify_core::planner::applied_heads(&self.graph, applied)
            .into_iter()
            .map(|ix| {
                let id = self.graph.id(ix);
                if chain_heads.contains(&ix) {
                    format!("{id} (head)")
                } else {
                    id.to_owned()
                }
            })
            .collect()
    }

    /// `a, b` for the parents of `ix`, or `<base>`.
    pub fn parents_text(&self, ix: usize) -> String {
        first_few_or_base(self.revision(ix).parents)
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
            applied[ix] = self.check_row(ix, row, refuse_started)?;
        }
        Ok(applied)
    }

    /// Verify the one row of the revision at `ix`: `Ok(true)` when it is
    /// applied with an accepted checksum, `Ok(false)` for a started row when
    /// `refuse_started` is false, the inconsistency otherwise.
    pub fn check_row(
        &self,
        ix: usize,
        row: &BookkeepingRow,
        refuse_started: bool,
    ) -> Result<bool, Inconsistency> {
        let revision = self.revision(ix);
        match RowState::parse(&row.state) {
            Some(RowState::Applied) => {}
            Some(RowState::Started) if !refuse_started => return Ok(false),
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
        Ok(true)
    }
}

/// What a run believes the bookkeeping holds, kept up to date change by
/// change so the chain state written with each change costs no re-read.
#[derive(Debug, Clone)]
pub(crate) struct Tracked {
    /// Applied revisions, indexed like the chain.
    pub applied: Vec<bool>,
    /// Bookkeeping rows (applied and started).
    pub rows: usize,
}

impl Tracked {
    pub fn new(applied: Vec<bool>, rows: usize) -> Tracked {
        Tracked { applied, rows }
    }

    /// The chain state this belief corresponds to.
    pub fn state(&self, view: &ChainView) -> ChainState {
        ChainState {
            chain_hash: view.hash_of(&self.applied),
            row_count: i64::try_from(self.rows).unwrap_or(i64::MAX),
        }
    }

    /// Account for `record` having been written.
    pub fn after(&mut self, view: &ChainView, record: &Record<'_>) {
        let ix = |id: &str| view.graph.index_of(id);
        match *record {
            Record::Applied { revision, .. } => {
                if let Some(ix) = ix(revision.id) {
                    self.applied[ix] = true;
                }
                self.rows += 1;
            }
            Record::Started { .. } => self.rows += 1,
            Record::Finished { id, .. } => {
                if let Some(ix) = ix(id) {
                    self.applied[ix] = true;
                }
            }
            Record::Reverting { id } => {
                if let Some(ix) = ix(id) {
                    self.applied[ix] = false;
                }
            }
            Record::Removed { id } => {
                if let Some(ix) = ix(id) {
                    self.applied[ix] = false;
                }
                self.rows = self.rows.saturating_sub(1);
            }
            Record::Purge => {
                self.applied.iter_mut().for_each(|a| *a = false);
                self.rows = 0;
            }
        }
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

/// The first few of `items`, or `<base>` when there are none.
fn first_few_or_base<T: std::fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        BASE.to_owned()
    } else {
        first_few(items)
    }
}

fn to_strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

//! A migrations directory read and its graph validated: what compiling,
//! sealing and the authoring commands start from, and the errors of a
//! graph that does not hold, pointing at the file to fix.

use std::collections::HashMap;
use std::path::Path;

use lithify_core::listing::{split_first_few, FIRST_FEW};
use lithify_core::{ChainHash, Checksum, Graph, GraphError, RevisionNode};

use crate::chain::{CompiledChain, CompiledRevision, ForeignKeysOff};
use crate::config::{read_config, Config};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lock::{read_lock, Lock, LockEntry};
use crate::sources::{read_dir, SourceDir, SourceRevision};

/// A directory read and its graph validated; shared by compiling and sealing.
pub(crate) struct Analysis {
    pub sources: SourceDir,
    pub graph: Graph,
    pub lock: Option<Lock>,
    pub config: Config,
}

/// Read `dir` and its `lithify.toml`, validate the graph (heads included)
/// and parse the lock.
pub(crate) fn analyse(dir: &Path) -> Result<Analysis, Diagnostics> {
    let sources = read_dir(dir);
    let config = sources.config.as_deref().map(read_config).transpose();
    let config = match config {
        Ok(config) if !sources.diagnostics.has_errors() => config.unwrap_or_default(),
        // Every error of both at once: the sources' and the settings'.
        result => {
            let mut diags = sources.diagnostics;
            if let Err(errors) = result {
                diags.0.extend(errors.0);
            }
            return Err(diags);
        }
    };
    let nodes = sources
        .revisions
        .iter()
        .map(|r| RevisionNode {
            id: r.id.clone(),
            parents: r.parents.clone(),
            depends_on: r.depends_on.clone(),
            branch_labels: r.branch_labels.clone(),
        })
        .collect();
    let graph_result =
        Graph::new(nodes).and_then(|g| g.check_heads().map(|()| g).map_err(|e| vec![e]));
    let graph = match graph_result {
        Ok(graph) => graph,
        Err(errors) => {
            let mut diags = sources.diagnostics.clone();
            for e in &errors {
                diags.push(graph_diagnostic(&sources, e));
            }
            return Err(diags);
        }
    };
    let lock = match &sources.lock {
        Some(path) => Some(read_lock(path)?),
        None => None,
    };
    Ok(Analysis {
        sources,
        graph,
        lock,
        config,
    })
}

impl Analysis {
    /// Revisions in the graph's topological order.
    pub fn ordered(&self) -> Vec<&SourceRevision> {
        self.graph
            .topological_order()
            .iter()
            .map(|&ix| &self.sources.revisions[ix])
            .collect()
    }

    /// The revision `target` names: an exact id, else the target grammar
    /// (unique prefix, `head`, ...).
    pub fn find(&self, target: &str) -> Result<&SourceRevision, Diagnostics> {
        if let Some(ix) = self.graph.index_of(target) {
            return Ok(&self.sources.revisions[ix]);
        }
        let err = |msg: String| Diagnostics(vec![Diagnostic::error(msg).at(&self.sources.dir)]);
        let none = vec![false; self.graph.len()];
        match lithify_core::target::resolve(target, &self.graph, &none) {
            Ok(ixs) if ixs.len() == 1 => Ok(&self.sources.revisions[ixs[0]]),
            Ok(ixs) => Err(err(format!(
                "`{target}` names {} revisions; name exactly one",
                ixs.len()
            ))),
            Err(e) => Err(err(e.to_string())),
        }
    }

    /// Head ids in topological order.
    pub fn head_ids(&self) -> Vec<String> {
        self.graph
            .heads()
            .into_iter()
            .map(|ix| self.graph.id(ix).to_owned())
            .collect()
    }

    pub(crate) fn into_chain(self, diagnostics: Diagnostics) -> CompiledChain {
        let heads = self.head_ids();
        let order: Vec<usize> = self.graph.topological_order().to_vec();
        let lock = self.lock;
        // A map, not `Lock::entry`, keeps ten thousand sealed revisions linear.
        let sealed: HashMap<&str, &LockEntry> = lock
            .iter()
            .flat_map(|l| l.entries.iter().map(|e| (e.id.as_str(), e)))
            .collect();
        let mut slots: Vec<Option<SourceRevision>> =
            self.sources.revisions.into_iter().map(Some).collect();
        let mut hash = ChainHash::new();
        let mut revisions = Vec::with_capacity(order.len());
        for ix in order {
            let Some(rev) = slots.get_mut(ix).and_then(Option::take) else {
                continue;
            };
            hash.push(&rev.id, &rev.checksum);
            revisions.push(compiled(rev, &sealed));
        }
        CompiledChain {
            dir: self.sources.dir,
            revisions,
            chain_hash: hash.finish(),
            heads,
            config: self.config,
            diagnostics,
            schema: None,
            folded: Default::default(),
        }
    }
}

fn compiled(rev: SourceRevision, sealed: &HashMap<&str, &LockEntry>) -> CompiledRevision {
    let entry = sealed.get(rev.id.as_str()).copied();
    let mut accepted: Vec<Checksum> = Vec::new();
    for a in entry.map(|e| e.amendments.as_slice()).unwrap_or_default() {
        if a.from != rev.checksum && !accepted.contains(&a.from) {
            accepted.push(a.from);
        }
    }
    let mut typed = rev.typed;
    if let (Some(t), Some(e)) = (typed.as_mut(), entry) {
        t.sealed_compiled.clone_from(&e.compiled);
    }
    CompiledRevision {
        id: rev.id,
        dir_name: rev.dir_name,
        dir: rev.dir,
        message: rev.message,
        parents: rev.parents,
        depends_on: rev.depends_on,
        branch_labels: rev.branch_labels,
        transactional: rev.transactional,
        checksum: rev.checksum,
        accepted_checksums: accepted,
        sealed: entry.is_some(),
        up: rev.up,
        down: rev.down,
        typed,
        foreign_keys_off: ForeignKeysOff::default(),
    }
}

/// Turn a graph error into a diagnostic that points at the file to fix.
fn graph_diagnostic(sources: &SourceDir, err: &GraphError) -> Diagnostic {
    let by_id: HashMap<&str, &SourceRevision> = sources
        .revisions
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let dir_of = |id: &str| {
        by_id
            .get(id)
            .map(|r| shown(&r.dir))
            .unwrap_or_else(|| id.to_owned())
    };
    let base = Diagnostic::error(err.to_string());
    match err {
        GraphError::DuplicateId { id } => {
            let dirs: Vec<&SourceRevision> =
                sources.revisions.iter().filter(|r| &r.id == id).collect();
            let d = base.at(dirs
                .first()
                .map(|r| r.dir.clone())
                .unwrap_or_else(|| sources.dir.clone()));
            let notes = dirs
                .iter()
                .map(|r| format!("`{}` has id `{id}`", shown(&r.dir)));
            with_notes(d, notes.collect())
                .with_help("ids must be unique: give one of the directories a different version (`lithify new` picks a fresh one)")
        }
        GraphError::DanglingParent { id, parent } => edge_missing(
            sources,
            by_id.get(id.as_str()).copied(),
            base,
            parent,
            "parents",
        ),
        GraphError::DanglingDependency { id, dependency } => edge_missing(
            sources,
            by_id.get(id.as_str()).copied(),
            base,
            dependency,
            "depends_on",
        ),
        GraphError::SelfParent { id } => {
            at_metadata(base, by_id.get(id.as_str()).copied(), |l| l.parents)
                .with_help("remove the revision's own id from `parents` / `depends_on`")
        }
        GraphError::Cycle { ids } => {
            let d = at_metadata(
                base,
                ids.first().and_then(|id| by_id.get(id.as_str()).copied()),
                |l| l.parents,
            );
            let on_cycle = ids.iter().take(ids.len().saturating_sub(1));
            let notes = on_cycle.map(|id| format!("on the cycle: `{id}` ({})", dir_of(id)));
            with_notes(d, notes.collect())
                .with_help("break the cycle: a revision's `parents` must name only older revisions")
        }
        GraphError::DuplicateBranchLabel { label, ids } => {
            let d = at_metadata(
                base,
                ids.first().and_then(|id| by_id.get(id.as_str()).copied()),
                |l| l.branch_labels,
            );
            let notes = ids
                .iter()
                .map(|id| format!("`{label}` is on `{id}` ({})", dir_of(id)));
            with_notes(d, notes.collect()).with_help(
                "a branch label names one branch: keep it on the branch's first revision only",
            )
        }
        GraphError::LabelIsRevisionId { id, .. } => {
            at_metadata(base, by_id.get(id.as_str()).copied(), |l| l.branch_labels)
                .with_help("rename the branch label")
        }
        GraphError::MultipleHeads { heads } => multiple_heads(sources, base, heads, &dir_of),
    }
}

fn multiple_heads(
    sources: &SourceDir,
    base: Diagnostic,
    heads: &[String],
    dir_of: &dyn Fn(&str) -> String,
) -> Diagnostic {
    let notes = heads.iter().map(|h| format!("head `{h}`: {}", dir_of(h)));
    // The merge command names every head: it is to be run, not read.
    with_notes(base.at(&sources.dir), notes.collect())
        .with_note("two revisions were added on the same parent (typically on two branches that were then merged)")
        .with_help(format!("merge them: `lithify merge {} -m \"merge heads\"`", heads.join(" ")))
        .with_help("or, to keep separate branches on purpose, give each one a `branch_labels` entry in its metadata.toml")
}

/// `notes` on `d`, one per item for the first few, then one saying how many
/// more there are.
fn with_notes(mut d: Diagnostic, notes: Vec<String>) -> Diagnostic {
    let (shown, hidden) = split_first_few(&notes, FIRST_FEW);
    for note in shown {
        d = d.with_note(note.clone());
    }
    if hidden > 0 {
        d = d.with_note(format!("and {hidden} more"));
    }
    d
}

fn at_metadata(
    base: Diagnostic,
    rev: Option<&SourceRevision>,
    line: impl Fn(&crate::sources::MetadataLines) -> Option<u32>,
) -> Diagnostic {
    let Some(rev) = rev else { return base };
    let d = base.at(rev.metadata_path());
    match line(&rev.metadata_lines) {
        Some(l) if rev.metadata_lines.present => d.line(l),
        _ => d,
    }
}

/// A parent or dependency that names no revision: point at the key, and
/// say which revision was meant when the text is a directory name or a
/// version with `-` (`2018-04-23-132822_create_posts`), else list the ids
/// nearest to the missing one (a typo is the usual cause).
fn edge_missing(
    sources: &SourceDir,
    rev: Option<&SourceRevision>,
    base: Diagnostic,
    missing: &str,
    key: &str,
) -> Diagnostic {
    let line = |l: &crate::sources::MetadataLines| {
        if key == "parents" {
            l.parents
        } else {
            l.depends_on
        }
    };
    let mut d = at_metadata(base, rev, line);
    if let Some(meant) = meant_id(sources, missing) {
        return d.with_help(format!(
            "did you mean `{meant}`? `{key}` names revisions by id, the directory's version without `-`"
        ));
    }
    let own = rev.map(|r| r.id.as_str());
    let nearby: Vec<&str> = nearest_ids(sources, missing, 6)
        .into_iter()
        .filter(|id| Some(*id) != own)
        .take(5)
        .collect();
    if !nearby.is_empty() {
        d = d.with_note(format!("existing revisions near it: {}", nearby.join(", ")));
    }
    d.with_help(format!(
        "fix the id in `{key}`, or restore the missing revision's directory"
    ))
}

/// The id of the revision `text` names by its directory name or its version
/// written with `-`, when `text` is not itself an id.
fn meant_id<'a>(sources: &'a SourceDir, text: &str) -> Option<&'a str> {
    if let Some(rev) = sources.revisions.iter().find(|r| r.dir_name == text) {
        return Some(&rev.id);
    }
    let version = text.split_once('_').map_or(text, |(version, _)| version);
    let id = version.replace('-', "");
    if id == text {
        return None;
    }
    sources
        .revisions
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.id.as_str())
}

fn nearest_ids<'a>(sources: &'a SourceDir, missing: &str, n: usize) -> Vec<&'a str> {
    // `revisions` is sorted by id, so the neighbours in sort order are the closest.
    let ids: Vec<&str> = sources.revisions.iter().map(|r| r.id.as_str()).collect();
    let at = ids.partition_point(|id| *id < missing);
    let start = at.saturating_sub(n / 2 + 1);
    ids.iter().skip(start).take(n).copied().collect()
}

fn shown(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

//! Text views of the revision graph for `history`, `show`, `branches` and
//! `heads`, in Alembic's formats: `PARENTS -> ID (labels) (markers), message`
//! for one line, `Rev: ...` blocks for verbose output.
//!
//! A revision's labels in these views are the branch labels of its segment
//! (see [`lithify_core::Graph::segment_root`]): the unlabelled revisions
//! above a labelled one show its label too, as in Alembic, so a head says
//! which branch it ends.

use crate::chain::ChainView;

/// The revisions the database is at, when the command read the database.
pub(super) type Current<'a> = Option<&'a [usize]>;

/// `a, b`, or `none` for an empty list.
fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// Ids of graph indexes.
fn ids<'v>(view: &'v ChainView, ixs: &[usize]) -> Vec<&'v str> {
    ixs.iter().map(|&ix| view.graph.id(ix)).collect()
}

/// The branch labels that apply to `ix`, each with the revision declaring it:
/// its own, then those of the revisions below it on its segment.
fn branch_labels(view: &ChainView, ix: usize) -> Vec<(&'static str, usize)> {
    let root = view.graph.segment_root(ix);
    let mut out = Vec::new();
    let mut cur = ix;
    loop {
        out.extend(view.revision(cur).branch_labels.iter().map(|&l| (l, cur)));
        match view.graph.parents(cur) {
            [parent] if cur != root => cur = *parent,
            _ => break,
        }
    }
    out
}

/// ` (billing)` for a revision on a labelled branch, nothing otherwise.
fn labels_suffix(view: &ChainView, ix: usize) -> String {
    let labels: Vec<&str> = branch_labels(view, ix).iter().map(|&(l, _)| l).collect();
    if labels.is_empty() {
        String::new()
    } else {
        format!(" ({})", labels.join(", "))
    }
}

/// ` (head)`, ` (branchpoint)`, ` (mergepoint)`, ` (current)` as they apply.
fn markers(view: &ChainView, ix: usize, current: Current<'_>) -> String {
    let graph = &view.graph;
    let flags = [
        (graph.children(ix).is_empty(), " (head)"),
        (graph.children(ix).len() > 1, " (branchpoint)"),
        (graph.parents(ix).len() > 1, " (mergepoint)"),
        (current.is_some_and(|c| c.contains(&ix)), " (current)"),
    ];
    flags
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, text)| *text)
        .collect()
}

/// `ID (labels) (markers)`.
fn title(view: &ChainView, ix: usize, current: Current<'_>) -> String {
    format!(
        "{}{}{}",
        view.graph.id(ix),
        labels_suffix(view, ix),
        markers(view, ix, current)
    )
}

/// The first line of the revision's message.
fn summary(view: &ChainView, ix: usize) -> &'static str {
    view.revision(ix).message.lines().next().unwrap_or("")
}

/// The message indented by four spaces, line by line.
fn indented_message(view: &ChainView, ix: usize) -> String {
    view.revision(ix)
        .message
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("    {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `ID (labels) (markers), message`: a revision in `branches` and `heads`.
pub(super) fn short(view: &ChainView, ix: usize, current: Current<'_>) -> String {
    format!("{}, {}", title(view, ix, current), summary(view, ix))
}

/// One `history` line: `PARENTS -> ID (labels) (markers), message`.
pub(super) fn line(view: &ChainView, ix: usize, current: Current<'_>) -> String {
    format!("{} -> {}", view.parents_text(ix), short(view, ix, current))
}

/// A `history --verbose` block: the fields that apply to the revision.
pub(super) fn entry(view: &ChainView, ix: usize, current: Current<'_>) -> String {
    let graph = &view.graph;
    let revision = view.revision(ix);
    let mut out = format!("Rev: {}\n", title(view, ix, current));
    let parent_field = if graph.parents(ix).len() > 1 {
        "Merges"
    } else {
        "Parent"
    };
    out.push_str(&format!("{parent_field}: {}\n", view.parents_text(ix)));
    if !revision.depends_on.is_empty() {
        out.push_str(&format!("Also depends on: {}\n", list(revision.depends_on)));
    }
    if graph.children(ix).len() > 1 {
        let children = ids(view, graph.children(ix));
        out.push_str(&format!("Branches into: {}\n", list(&children)));
    }
    if let Some(labels) = labels_field(view, ix) {
        out.push_str(&format!("Branch names: {labels}\n"));
    }
    out.push_str(&format!(
        "Path: {}\nChecksum: {}\n\n{}\n",
        revision.name,
        revision.checksum,
        indented_message(view, ix)
    ));
    out
}

/// `billing` for a label declared here, `billing (from 5c0e9b2d)` for one
/// declared below on the same branch; `None` without labels.
fn labels_field(view: &ChainView, ix: usize) -> Option<String> {
    let labels: Vec<String> = branch_labels(view, ix)
        .into_iter()
        .map(|(label, at)| {
            if at == ix {
                label.to_owned()
            } else {
                format!("{label} (from {})", view.graph.id(at))
            }
        })
        .collect();
    (!labels.is_empty()).then(|| labels.join(", "))
}

/// `show REV`: every field of the revision, `none` where a list is empty.
pub(super) fn show(view: &ChainView, ix: usize, current: Current<'_>) -> String {
    let graph = &view.graph;
    let revision = view.revision(ix);
    let fields = [
        ("Rev", title(view, ix, current)),
        ("Parents", view.parents_text(ix)),
        ("Children", list(&ids(view, graph.children(ix)))),
        (
            "Branch names",
            labels_field(view, ix).unwrap_or_else(|| "none".into()),
        ),
        ("Depends on", list(revision.depends_on)),
        ("Depended on by", list(&ids(view, graph.dependents(ix)))),
        ("Path", revision.name.to_owned()),
        ("Checksum", revision.checksum.to_owned()),
        ("Transactional", yes_no(revision.transactional)),
        ("Reversible", yes_no(revision.down.is_some())),
    ];
    let mut out: String = fields
        .iter()
        .map(|(name, value)| format!("{name}: {value}\n"))
        .collect();
    out.push('\n');
    out.push_str(&indented_message(view, ix));
    out.push('\n');
    out
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

/// `branches`: each branchpoint, newest first (with `verbose`, as its
/// `history --verbose` entry), then an indented
/// `-> CHILD (labels) (markers), message` line per branch.
pub(super) fn branches(view: &ChainView, current: Current<'_>, verbose: bool) -> String {
    let graph = &view.graph;
    let mut out = String::new();
    for &ix in graph.topological_order().iter().rev() {
        if graph.children(ix).len() < 2 {
            continue;
        }
        if verbose {
            out.push_str(&entry(view, ix, current));
            out.push('\n');
        } else {
            out.push_str(&short(view, ix, current));
            out.push('\n');
        }
        for &child in graph.children(ix) {
            out.push_str(&format!("    -> {}\n", short(view, child, current)));
        }
    }
    out
}

/// `heads`: `ID (labels) (head)` per head, with `, message [directory]`
/// when verbose. `resolve_dependencies` leaves out heads that other
/// revisions depend on (they are reached by upgrading to those).
pub(super) fn heads(view: &ChainView, resolve_dependencies: bool, verbose: bool) -> String {
    let heads = if resolve_dependencies {
        view.graph.heads_resolving_dependencies()
    } else {
        view.graph.heads()
    };
    heads
        .into_iter()
        .map(|ix| {
            if verbose {
                format!("{} [{}]\n", short(view, ix, None), view.revision(ix).name)
            } else {
                format!("{}\n", title(view, ix, None))
            }
        })
        .collect()
}

//! The target grammar (`head`, `REV+N`, `LABEL@-N`, `START:END`, ...):
//! parsed, then resolved against a small graph with a branch, a merge and
//! labels, with every applied set the input's first byte picks.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use lithify_core::graph::{Graph, RevisionNode};
use lithify_core::target::{self, Target};

fn graph() -> &'static Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let node = |id: &str, parents: &[&str], labels: &[&str]| RevisionNode {
            id: id.to_owned(),
            parents: parents.iter().map(|p| (*p).to_owned()).collect(),
            depends_on: Vec::new(),
            branch_labels: labels.iter().map(|l| (*l).to_owned()).collect(),
        };
        Graph::new(vec![
            node("0001aaaa", &[], &[]),
            node("0002bbbb", &["0001aaaa"], &["billing"]),
            node("0003cccc", &["0001aaaa"], &["search"]),
            node("0004dddd", &["0002bbbb", "0003cccc"], &[]),
            node("0005eeee", &["0004dddd"], &[]),
        ])
        .expect("a valid graph")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mask, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let graph = graph();
    let applied: Vec<bool> = (0..5).map(|i| mask & (1 << i) != 0).collect();
    if let Ok(parsed) = Target::parse(input) {
        if let Ok(revisions) = parsed.resolve(input, graph, &applied) {
            assert!(revisions.iter().all(|&ix| ix < 5));
        }
    }
    let _ = target::resolve(input, graph, &applied);
    if let Some((start, end)) = target::split_range(input) {
        let _ = target::resolve(start, graph, &applied);
        let _ = target::resolve(end, graph, &applied);
    }
});

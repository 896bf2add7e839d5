//! The target grammar shared by every command: `head`, `base`, ids, prefixes,
//! relative steps and branch-qualified forms.
//!
//! Grammar (N is a positive decimal integer):
//!
//! | form | meaning |
//! |---|---|
//! | `ID` | that revision |
//! | `PREFIX` (>= 4 chars) | the one revision whose id starts with it |
//! | `head` / `heads` / `base` | the single head / all heads / nothing applied |
//! | `LABEL@head`, `REV@head` | the head of that branch / the head descending from REV |
//! | `LABEL@base` | the base of the labelled branch |
//! | `+N`, `-N` | N steps up / down from the current revision |
//! | `REV+N`, `REV-N`, `head-N` | N steps up / down from REV or head |
//! | `LABEL@+N`, `LABEL@-N` | N steps from the current revision of that branch |
//! | `current` | what the database has applied (commands that read it) |
//!
//! Ids are `[A-Za-z0-9_]+` (see [`crate::id`]), so `@`, `+`, `-` and `:` are
//! always separators. Resolution rules, each chosen so that nothing is guessed:
//!
//! - A name is looked up as a full id, then as a branch label (a bare label
//!   names the revision carrying it, as in Alembic), then as an id prefix.
//!   Labels may never equal ids, so only a label that is also an id prefix
//!   wins over the prefix. A prefix needs [`MIN_PREFIX_LEN`] characters:
//!   shorter ones would silently change meaning as revisions are added.
//! - `+N` / `-N` walk parent edges from the database's single applied head
//!   (with nothing applied, `+1` is the single base). Several applied heads,
//!   a branchpoint on the way up or a mergepoint on the way down is an
//!   [`TargetError::AmbiguousStep`]; walking past a head, or more than one
//!   step below a base, is [`TargetError::OutOfRange`] (exactly one step
//!   below a base is `base`).
//! - `LABEL@head` / `REV@head` is the one head reachable through child
//!   edges; several is an error naming them.
//! - A label's branch is the segment that starts at the labelled revision's
//!   line (see [`Graph::segment_root`]). `LABEL@base` is the parents of that
//!   segment's first revision, and a downgrade there removes the segment
//!   (and what depends on it) but not sibling branches. `LABEL@+N` / `LABEL@-N`
//!   step from the branch's single applied head; `LABEL@+N` with nothing of
//!   the branch applied counts its first revision as `+1`.

use thiserror::Error;

use crate::graph::applied_heads;
use crate::id::RESERVED_IDS;
use crate::listing::first_few;
use crate::Graph;

/// A parsed (not yet resolved) target expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Nothing applied.
    Base,
    /// The single head (error when there are several).
    Head,
    /// Every head.
    Heads,
    /// What the database currently has.
    Current,
    /// An id, a prefix or a branch label, with an optional `@head` / `@base`
    /// qualifier and an optional relative offset.
    Revision {
        /// The id, prefix or label text before `@`, `+` or `-`.
        name: String,
        /// `@head` / `@base` qualifier.
        qualifier: Option<Qualifier>,
        /// Relative steps (positive up, negative down), 0 when absent.
        offset: i64,
    },
    /// `+N` / `-N` / `LABEL@+N`: relative to the current revision (of a branch).
    Relative {
        /// Branch label for `LABEL@+N`.
        branch: Option<String>,
        /// Steps, positive up, negative down.
        offset: i64,
    },
    /// `head-N`.
    HeadRelative {
        /// Steps (negative).
        offset: i64,
    },
}

/// `@head` or `@base`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// `X@head`.
    Head,
    /// `X@base`.
    Base,
}

/// A target expression that does not parse or does not resolve. Each message
/// names the expression and says what would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TargetError {
    /// The text does not follow the grammar.
    #[error("`{input}` is not a valid target: {reason}")]
    Syntax {
        /// The expression.
        input: String,
        /// What is wrong and what is accepted.
        reason: String,
    },
    /// No revision or label matches.
    #[error("no revision or branch label matches `{input}`; expected a full revision id, a unique id prefix of at least 4 characters, a branch label{}, or `head`, `heads`, `base`, `current`", labels_hint(.labels))]
    NotFound {
        /// The expression.
        input: String,
        /// The graph's branch labels, sorted (to suggest the right one).
        labels: Vec<String>,
    },
    /// A prefix matches several revisions.
    #[error("`{input}` is ambiguous: it is a prefix of {}; use more characters of the id", first_few(.candidates))]
    Ambiguous {
        /// The expression.
        input: String,
        /// The matching ids.
        candidates: Vec<String>,
    },
    /// `head` (or a relative step) is ambiguous because there are several heads.
    #[error("`{input}` is ambiguous: there are multiple heads ({}); use `LABEL@head` or `heads`", first_few(.heads))]
    MultipleHeads {
        /// The expression.
        input: String,
        /// The heads.
        heads: Vec<String>,
    },
    /// A relative step crosses a fork or a merge, or starts from several heads.
    #[error("`{input}` is ambiguous: {reason}")]
    AmbiguousStep {
        /// The expression.
        input: String,
        /// Where the ambiguity is.
        reason: String,
    },
    /// A relative step goes past a base or a head.
    #[error(
        "`{input}` goes {steps} step(s) beyond the {end}; a step {steps} smaller stays in range"
    )]
    OutOfRange {
        /// The expression.
        input: String,
        /// How many steps too far.
        steps: i64,
        /// `base` or `head`.
        end: &'static str,
    },
}

/// What a target names, plus the branch a downgrade must stay on.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolution {
    /// The revisions the target names (empty for `base`), topological order.
    pub revisions: Vec<usize>,
    /// For the branch forms that move down (`LABEL@base`, `LABEL@-N`): a
    /// downgrade reverts only applied revisions descending from this one
    /// (inclusive), so sibling branches of the target are left alone.
    pub branch_scope: Option<usize>,
}

impl Resolution {
    /// A resolution without branch restriction, sorted topologically.
    fn plain(graph: &Graph, mut revisions: Vec<usize>) -> Resolution {
        revisions.sort_unstable_by_key(|&ix| graph.topological_position(ix));
        revisions.dedup();
        Resolution {
            revisions,
            branch_scope: None,
        }
    }
}

/// The forms the grammar accepts, quoted by syntax errors that have no more
/// specific fix to offer.
const ACCEPTED: &str = "accepted are a revision id, a unique id prefix of at least 4 characters, \
a branch label, `head`, `heads`, `base`, `current`, `LABEL@head`, `REV@head`, `LABEL@base`, \
`+N`, `-N`, `REV+N`, `REV-N`, `head-N`, `LABEL@+N` and `LABEL@-N` (N a positive integer)";

/// Shortest prefix accepted in place of a full id.
pub const MIN_PREFIX_LEN: usize = 4;

impl Target {
    /// Parse a target expression.
    pub fn parse(input: &str) -> Result<Target, TargetError> {
        match input {
            "" => Err(syntax(input, &format!("the target is empty; {ACCEPTED}"))),
            "head" => Ok(Target::Head),
            "heads" => Ok(Target::Heads),
            "base" => Ok(Target::Base),
            "current" => Ok(Target::Current),
            _ => parse_compound(input),
        }
    }

    /// Resolve to the set of revisions it names (empty for `base`), given the
    /// revisions the database has applied (`applied[ix]`; pass all-false when
    /// no database is involved). The result is sorted in topological order.
    pub fn resolve(
        &self,
        input: &str,
        graph: &Graph,
        applied: &[bool],
    ) -> Result<Vec<usize>, TargetError> {
        self.resolve_scoped(input, graph, applied)
            .map(|r| r.revisions)
    }

    /// Like [`Target::resolve`], also telling the planner which branch a
    /// downgrade to this target is confined to (see [`Resolution`]).
    pub fn resolve_scoped(
        &self,
        input: &str,
        graph: &Graph,
        applied: &[bool],
    ) -> Result<Resolution, TargetError> {
        let cx = Cx {
            input,
            graph,
            applied,
        };
        match self {
            Target::Base => Ok(Resolution::default()),
            Target::Head => Ok(cx.plain(cx.single_head()?.into_iter().collect())),
            Target::Heads => Ok(cx.plain(graph.heads())),
            Target::Current => Ok(cx.plain(applied_heads(graph, applied))),
            Target::Revision {
                name,
                qualifier,
                offset,
            } => cx.revision(name, *qualifier, *offset),
            Target::Relative {
                branch: None,
                offset,
            } => cx.relative_to_current(*offset),
            Target::Relative {
                branch: Some(label),
                offset,
            } => cx.relative_on_branch(label, *offset),
            Target::HeadRelative { offset } => {
                let walk = cx.walk(cx.single_head()?, *offset)?;
                Ok(cx.plain(walk.at.into_iter().collect()))
            }
        }
    }
}

/// Parse everything but the bare keywords.
fn parse_compound(input: &str) -> Result<Target, TargetError> {
    if let Some((name, rest)) = input.split_once('@') {
        return parse_qualified(input, name, rest);
    }
    if input.starts_with(['+', '-']) {
        let offset = parse_offset(input, input)?;
        return Ok(Target::Relative {
            branch: None,
            offset,
        });
    }
    if let Some(pos) = input.find(['+', '-']) {
        let (name, step) = input.split_at(pos);
        return parse_stepped(input, name, parse_offset(input, step)?);
    }
    check_name(input, input)?;
    Ok(Target::Revision {
        name: input.to_owned(),
        qualifier: None,
        offset: 0,
    })
}

/// `NAME+N` / `NAME-N`.
fn parse_stepped(input: &str, name: &str, offset: i64) -> Result<Target, TargetError> {
    match name {
        "head" if offset < 0 => Ok(Target::HeadRelative { offset }),
        "head" => Err(syntax(input, "nothing lies above `head`; use `head-N` to step down from it, or `+N` to step up from the current revision")),
        "heads" | "base" | "current" => Err(syntax(
            input,
            &format!("`{name}` cannot take a step; use `+N` / `-N` to step from the current revision, or `REV+N` / `REV-N` / `head-N`"),
        )),
        _ => {
            check_name(input, name)?;
            Ok(Target::Revision { name: name.to_owned(), qualifier: None, offset })
        }
    }
}

/// `NAME@head`, `NAME@base`, `LABEL@+N`, `LABEL@-N`.
fn parse_qualified(input: &str, name: &str, rest: &str) -> Result<Target, TargetError> {
    check_label_text(input, name)?;
    match rest {
        "head" => Ok(Target::Revision { name: name.to_owned(), qualifier: Some(Qualifier::Head), offset: 0 }),
        "base" => Ok(Target::Revision { name: name.to_owned(), qualifier: Some(Qualifier::Base), offset: 0 }),
        _ if rest.starts_with(['+', '-']) => Ok(Target::Relative {
            branch: Some(name.to_owned()),
            offset: parse_offset(input, rest)?,
        }),
        _ => Err(syntax(
            input,
            &format!("after `@` only `head`, `base`, `+N` or `-N` may follow (`{name}@head`, `{name}@base`, `{name}@+1`, `{name}@-1`), not `{rest}`"),
        )),
    }
}

/// The text before `@`: a branch label or a revision. Labels are free text
/// (Alembic allows `-` in them), so only what would make the expression
/// unreadable is refused here.
fn check_label_text(input: &str, name: &str) -> Result<(), TargetError> {
    if name.is_empty() {
        return Err(syntax(
            input,
            "a branch label or revision must come before `@`, as in `LABEL@head`",
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_whitespace() || *c == ':' || *c == '@')
    {
        return Err(syntax(
            input,
            &format!("{c:?} cannot appear in a branch label or revision before `@` (as in `LABEL@head`, `LABEL@base`, `LABEL@+N`, `LABEL@-N`)"),
        ));
    }
    if RESERVED_IDS.contains(&name) {
        return Err(syntax(
            input,
            &format!("`{name}` is a keyword, not a branch label or revision; {ACCEPTED}"),
        ));
    }
    Ok(())
}

/// An id, prefix or label without qualifier: the id alphabet only.
fn check_name(input: &str, name: &str) -> Result<(), TargetError> {
    if name.is_empty() {
        return Err(syntax(
            input,
            &format!("a revision, prefix or label is missing; {ACCEPTED}"),
        ));
    }
    match name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        Some(c) => Err(syntax(
            input,
            &format!("{c:?} cannot appear in a revision id or prefix (ids use ASCII letters, digits and `_`); {ACCEPTED}"),
        )),
        None => Ok(()),
    }
}

/// `+N` / `-N` with N a positive decimal integer.
fn parse_offset(input: &str, text: &str) -> Result<i64, TargetError> {
    let (sign, digits) = match text.split_at_checked(1) {
        Some(("+", d)) => (1, d),
        Some(("-", d)) => (-1, d),
        _ => return Err(syntax(input, "expected `+N` or `-N`")),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax(
            input,
            &format!(
                "the step after `{}` must be a positive whole number, e.g. `+1` or `-2` (a branch label containing `-` or `+` is only accepted before `@`, as in `LABEL@head`)",
                &text[..1]
            ),
        ));
    }
    match digits.parse::<i64>() {
        Ok(0) => Err(syntax(
            input,
            "a step of 0 moves nowhere; `N` must be at least 1, as in `+1` or `-1`",
        )),
        Ok(n) => Ok(sign * n),
        Err(_) => Err(syntax(
            input,
            &format!("the step `{digits}` is too large; use a smaller `N`"),
        )),
    }
}

/// Build a [`TargetError::Syntax`]. The reason says what to write instead;
/// generic failures quote the whole grammar ([`ACCEPTED`]).
fn syntax(input: &str, reason: &str) -> TargetError {
    TargetError::Syntax {
        input: input.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Where a walk ended.
struct WalkEnd {
    /// The revision reached; `None` is base (nothing applied).
    at: Option<usize>,
    /// The last revision stepped down from: reverting it and what needs it
    /// is exactly what the walk undoes.
    left: Option<usize>,
}

/// Resolution context: the expression, the graph and the applied set.
struct Cx<'a> {
    input: &'a str,
    graph: &'a Graph,
    applied: &'a [bool],
}

impl Cx<'_> {
    /// Sorted, unscoped resolution.
    fn plain(&self, revisions: Vec<usize>) -> Resolution {
        Resolution::plain(self.graph, revisions)
    }

    /// Ids of `ixs`, for messages.
    fn ids(&self, ixs: &[usize]) -> Vec<String> {
        ixs.iter().map(|&ix| self.graph.id(ix).to_owned()).collect()
    }

    /// Ids of `ixs` for messages: the first few, then how many more.
    fn list(&self, ixs: &[usize]) -> String {
        first_few(&self.ids(ixs))
    }

    /// The only head (`None` for an empty graph).
    fn single_head(&self) -> Result<Option<usize>, TargetError> {
        match self.graph.heads()[..] {
            [] => Ok(None),
            [h] => Ok(Some(h)),
            ref heads => Err(TargetError::MultipleHeads {
                input: self.input.to_owned(),
                heads: self.ids(heads),
            }),
        }
    }

    /// `NAME`, `NAME+N`, `NAME-N`, `NAME@head`, `LABEL@base`.
    fn revision(
        &self,
        name: &str,
        qualifier: Option<Qualifier>,
        offset: i64,
    ) -> Result<Resolution, TargetError> {
        match qualifier {
            None => {
                let walk = self.walk(Some(lookup(self.graph, name)?), offset)?;
                Ok(self.plain(walk.at.into_iter().collect()))
            }
            Some(Qualifier::Head) => {
                let head = self.head_above(lookup(self.graph, name)?)?;
                let walk = self.walk(Some(head), offset)?;
                Ok(self.plain(walk.at.into_iter().collect()))
            }
            Some(Qualifier::Base) if offset != 0 => {
                Err(syntax(self.input, "`LABEL@base` takes no step"))
            }
            Some(Qualifier::Base) => self.branch_base(name),
        }
    }

    /// The one head that descends (through parent edges) from `ix`.
    fn head_above(&self, ix: usize) -> Result<usize, TargetError> {
        let above = self.graph.branch_descendants_of(&[ix]);
        match self.graph.in_topological_order(|h| above[h] && self.graph.children(h).is_empty())[..] {
            [h] => Ok(h),
            ref heads => Err(TargetError::AmbiguousStep {
                input: self.input.to_owned(),
                reason: format!(
                    "several heads descend from `{}`: {}; name one of them, or merge them with `lithify merge`",
                    self.graph.id(ix),
                    self.list(heads)
                ),
            }),
        }
    }

    /// `LABEL@base`: the parents of the labelled branch's first revision.
    fn branch_base(&self, label: &str) -> Result<Resolution, TargetError> {
        let root = self.graph.segment_root(self.label(label)?);
        let mut res = self.plain(self.graph.parents(root).to_vec());
        res.branch_scope = Some(root);
        Ok(res)
    }

    /// The revision carrying `label`; a revision name there gets a hint.
    fn label(&self, label: &str) -> Result<usize, TargetError> {
        if let Some(ix) = self.graph.label(label) {
            return Ok(ix);
        }
        let ix = lookup(self.graph, label)?;
        let what = if self.graph.id(ix) == label {
            format!("`{label}` is a revision")
        } else {
            format!("`{label}` names revision `{}`", self.graph.id(ix))
        };
        Err(syntax(
            self.input,
            &format!(
                "{what}, not a branch label; `@base`, `@+N` and `@-N` need a label (known labels: {}); from a revision step with `REV+N` or `REV-N`",
                self.known_labels()
            ),
        ))
    }

    /// Every label, for hints.
    fn known_labels(&self) -> String {
        let labels: Vec<&str> = self.graph.labels().into_iter().map(|(l, _)| l).collect();
        if labels.is_empty() {
            "none".to_owned()
        } else {
            first_few(&labels)
        }
    }

    /// `+N` / `-N` from the database's single current head.
    fn relative_to_current(&self, offset: i64) -> Result<Resolution, TargetError> {
        let heads = applied_heads(self.graph, self.applied);
        if heads.len() > 1 {
            return Err(self.ambiguous(format!(
                "the database has several current heads ({}), so there is no single revision to step from; use `LABEL@{offset:+}` or `REV{offset:+}`",
                self.list(&heads)
            )));
        }
        let walk = self.walk(heads.first().copied(), offset)?;
        Ok(self.plain(walk.at.into_iter().collect()))
    }

    /// `LABEL@+N` / `LABEL@-N`: from the applied head on that branch, or, for
    /// `+N` with nothing of the branch applied, from just below its root.
    fn relative_on_branch(&self, label: &str, offset: i64) -> Result<Resolution, TargetError> {
        let root = self.graph.segment_root(self.label(label)?);
        let branch = self.graph.branch_descendants_of(&[root]);
        let heads: Vec<usize> = applied_heads(self.graph, self.applied)
            .into_iter()
            .filter(|&h| branch[h])
            .collect();
        let walk = match heads[..] {
            [] if offset > 0 => self.walk(Some(root), offset - 1)?,
            [] => return Err(TargetError::OutOfRange { input: self.input.to_owned(), steps: -offset, end: "base" }),
            [h] => self.walk(Some(h), offset)?,
            _ => {
                return Err(self.ambiguous(format!(
                    "branch `{label}` has several applied heads ({}); step from one of them with `REV{offset:+}`",
                    self.list(&heads)
                )))
            }
        };
        let mut res = self.plain(walk.at.into_iter().collect());
        res.branch_scope = walk.left;
        Ok(res)
    }

    /// Build a [`TargetError::AmbiguousStep`].
    fn ambiguous(&self, reason: String) -> TargetError {
        TargetError::AmbiguousStep {
            input: self.input.to_owned(),
            reason,
        }
    }

    /// Walk `offset` steps from `start` (`None`: below every base) along
    /// parent edges, refusing to choose at a fork or a merge.
    fn walk(&self, start: Option<usize>, offset: i64) -> Result<WalkEnd, TargetError> {
        let mut end = WalkEnd {
            at: start,
            left: None,
        };
        let steps = offset.unsigned_abs();
        for done in 0..steps {
            // Steps still to take after this one, for out-of-range messages.
            let remaining = i64::try_from(steps - done).unwrap_or(i64::MAX);
            if offset > 0 {
                end.at = Some(self.step_up(end.at, remaining)?);
            } else {
                end.left = end.at;
                end.at = self.step_down(end.at, remaining)?;
            }
        }
        Ok(end)
    }

    /// One step towards the heads.
    fn step_up(&self, from: Option<usize>, remaining: i64) -> Result<usize, TargetError> {
        let (next, place) = match from {
            None => (self.graph.bases(), "base".to_owned()),
            Some(ix) => (
                self.graph.children(ix).to_vec(),
                format!("`{}`", self.graph.id(ix)),
            ),
        };
        match next[..] {
            [] => Err(TargetError::OutOfRange { input: self.input.to_owned(), steps: remaining, end: "head" }),
            [n] => Ok(n),
            _ if from.is_none() => Err(self.ambiguous(format!(
                "there are several bases ({}), so stepping up from base could mean any of them; use `REV+N` from one of them",
                self.list(&next)
            ))),
            _ => Err(self.ambiguous(format!(
                "{place} is a branchpoint with children {}, so the step up from it could go either way; use `LABEL@+N` or `REV+N` from one of them",
                self.list(&next)
            ))),
        }
    }

    /// One step towards the bases; `Ok(None)` is base itself.
    fn step_down(&self, from: Option<usize>, remaining: i64) -> Result<Option<usize>, TargetError> {
        let Some(ix) = from else {
            return Err(TargetError::OutOfRange {
                input: self.input.to_owned(),
                steps: remaining,
                end: "base",
            });
        };
        match self.graph.parents(ix)[..] {
            [] if remaining == 1 => Ok(None),
            [] => Err(TargetError::OutOfRange { input: self.input.to_owned(), steps: remaining - 1, end: "base" }),
            [p] => Ok(Some(p)),
            ref parents => Err(self.ambiguous(format!(
                "`{}` is a mergepoint with parents {}, so the step down from it could go either way; use `REV-N` from one of them",
                self.graph.id(ix),
                self.list(parents)
            ))),
        }
    }
}

/// ` (the labels are a, b)`, or nothing when the graph has no labels.
fn labels_hint(labels: &[String]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(" (this graph's labels are {})", first_few(labels))
    }
}

/// Find a revision by full id, branch label or unique prefix (in that order;
/// labels never equal ids, so the first two cannot clash). Errors name `name`.
pub fn lookup(graph: &Graph, name: &str) -> Result<usize, TargetError> {
    if let Some(ix) = graph.index_of(name).or_else(|| graph.label(name)) {
        return Ok(ix);
    }
    let matches = graph.ids_with_prefix(name);
    let ids = || {
        matches
            .iter()
            .map(|&ix| graph.id(ix).to_owned())
            .collect::<Vec<_>>()
    };
    match matches[..] {
        [] => Err(TargetError::NotFound {
            input: name.to_owned(),
            labels: graph.labels().iter().map(|&(l, _)| l.to_owned()).collect(),
        }),
        _ if name.chars().count() < MIN_PREFIX_LEN => Err(TargetError::Syntax {
            input: name.to_owned(),
            reason: format!(
                "it is not a full revision id or branch label, and a prefix must be at least {MIN_PREFIX_LEN} characters long to be used (it would match {})",
                first_few(&ids())
            ),
        }),
        [ix] => Ok(ix),
        _ => Err(TargetError::Ambiguous { input: name.to_owned(), candidates: ids() }),
    }
}

/// Parse and resolve in one call.
pub fn resolve(input: &str, graph: &Graph, applied: &[bool]) -> Result<Vec<usize>, TargetError> {
    Target::parse(input)?.resolve(input, graph, applied)
}

/// Split a range `START:END` (either side may be empty: `:head`, `base:`).
pub fn split_range(input: &str) -> Option<(&str, &str)> {
    input.split_once(':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::fixtures::{applied, forked, ids, merged};

    fn rev(name: &str, qualifier: Option<Qualifier>, offset: i64) -> Target {
        Target::Revision {
            name: name.into(),
            qualifier,
            offset,
        }
    }

    /// A real directory's prefix (`2024`) matches hundreds of ids: the
    /// error names the first few, not all.
    #[test]
    fn long_candidate_lists_are_capped() {
        use crate::graph::fixtures::node;
        let nodes: Vec<crate::RevisionNode> = (1..=12)
            .map(|i| {
                let id = format!("2024{i:04}");
                let parent = format!("2024{:04}", i - 1);
                let parents: Vec<&str> = if i == 1 { vec![] } else { vec![&parent] };
                node(&id, &parents, &[], &[])
            })
            .collect();
        let graph = Graph::new(nodes).expect("a line");
        let none = vec![false; graph.len()];
        let err = resolve("2024", &graph, &none).expect_err("ambiguous");
        assert_eq!(
            err.to_string(),
            "`2024` is ambiguous: it is a prefix of 20240001, 20240002, 20240003, 20240004, \
             20240005 and 7 more; use more characters of the id"
        );
    }

    #[test]
    fn parses_every_form() {
        let cases = [
            ("head", Target::Head),
            ("heads", Target::Heads),
            ("base", Target::Base),
            ("current", Target::Current),
            ("ae10", rev("ae10", None, 0)),
            ("ae10+2", rev("ae10", None, 2)),
            ("ae10-1", rev("ae10", None, -1)),
            ("ae10@head", rev("ae10", Some(Qualifier::Head), 0)),
            ("alpha@head", rev("alpha", Some(Qualifier::Head), 0)),
            (
                "my-feature@base",
                rev("my-feature", Some(Qualifier::Base), 0),
            ),
            (
                "+3",
                Target::Relative {
                    branch: None,
                    offset: 3,
                },
            ),
            (
                "-1",
                Target::Relative {
                    branch: None,
                    offset: -1,
                },
            ),
            (
                "alpha@+1",
                Target::Relative {
                    branch: Some("alpha".into()),
                    offset: 1,
                },
            ),
            (
                "alpha@-2",
                Target::Relative {
                    branch: Some("alpha".into()),
                    offset: -2,
                },
            ),
            ("head-2", Target::HeadRelative { offset: -2 }),
        ];
        for (input, want) in cases {
            assert_eq!(Target::parse(input), Ok(want), "{input}");
        }
    }

    #[test]
    fn syntax_errors_name_the_input_and_the_accepted_forms() {
        for input in [
            "",
            "head+1",
            "base+1",
            "heads-1",
            "current+1",
            "+0",
            "+x",
            "-",
            "+",
            "a0001+1+1",
            "@head",
            "alpha@tail",
            "a@b@c",
            "a b",
            "x:y",
            "head@head",
            "ab cd@head",
            "a0001+99999999999999999999",
            "é123",
        ] {
            match Target::parse(input) {
                Err(TargetError::Syntax { input: got, reason }) => {
                    assert_eq!(got, input);
                    // Every reason quotes at least one form that would work.
                    assert!(reason.contains('`'), "{input}: {reason}");
                }
                other => panic!("{input}: {other:?}"),
            }
        }
        let err = Target::parse("head+1").unwrap_err().to_string();
        assert!(
            err.starts_with(
                "`head+1` is not a valid target: nothing lies above `head`; use `head-N`"
            ),
            "{err}"
        );
    }

    fn ok(graph: &Graph, input: &str, on: &[&str]) -> Vec<String> {
        let applied = applied(graph, on);
        match resolve(input, graph, &applied) {
            Ok(ixs) => ids(graph, &ixs),
            Err(e) => panic!("{input}: {e}"),
        }
    }

    fn err(graph: &Graph, input: &str, on: &[&str]) -> TargetError {
        let applied = applied(graph, on);
        resolve(input, graph, &applied).expect_err(input)
    }

    #[test]
    fn ids_prefixes_and_labels() {
        let g = forked();
        assert_eq!(ok(&g, "b0001", &[]), ["b0001"]);
        assert_eq!(ok(&g, "b000", &[]), ["b0001"]);
        assert_eq!(ok(&g, "alpha", &[]), ["a0001"]);
        assert_eq!(
            err(&g, "a000", &[]),
            TargetError::Ambiguous {
                input: "a000".into(),
                candidates: vec!["a0001".into(), "a0002".into()]
            }
        );
        assert_eq!(
            err(&g, "zzzz", &[]),
            TargetError::NotFound {
                input: "zzzz".into(),
                labels: vec!["alpha".into(), "beta".into()]
            }
        );
        assert_eq!(
            err(&g, "zz", &[]),
            TargetError::NotFound {
                input: "zz".into(),
                labels: vec!["alpha".into(), "beta".into()]
            }
        );
        assert_eq!(
            err(&g, "nope@head", &[]),
            TargetError::NotFound {
                input: "nope".into(),
                labels: vec!["alpha".into(), "beta".into()]
            }
        );
        let short = err(&g, "b00", &[]).to_string();
        assert!(
            short.contains("at least 4 characters") && short.contains("b0001"),
            "{short}"
        );
        let missing = err(&g, "zzzz", &[]).to_string();
        assert!(
            missing.contains("unique id prefix of at least 4 characters"),
            "{missing}"
        );
    }

    #[test]
    fn head_heads_base_current() {
        let g = forked();
        assert_eq!(ok(&g, "heads", &[]), ["a0002", "x0002"]);
        assert!(ok(&g, "base", &["b0001"]).is_empty());
        assert_eq!(
            ok(&g, "current", &["b0001", "a0001", "x0001"]),
            ["a0001", "x0001"]
        );
        assert!(ok(&g, "current", &[]).is_empty());
        let e = err(&g, "head", &[]);
        assert_eq!(
            e,
            TargetError::MultipleHeads {
                input: "head".into(),
                heads: vec!["a0002".into(), "x0002".into()]
            }
        );
        assert_eq!(
            e.to_string(),
            "`head` is ambiguous: there are multiple heads (a0002, x0002); use `LABEL@head` or `heads`"
        );
        assert_eq!(ok(&merged(), "head", &[]), ["c0001"]);
        assert!(ok(&Graph::new(Vec::new()).unwrap(), "head", &[]).is_empty());
    }

    #[test]
    fn branch_heads_and_bases() {
        let g = forked();
        assert_eq!(ok(&g, "alpha@head", &[]), ["a0002"]);
        assert_eq!(ok(&g, "beta@head", &[]), ["x0002"]);
        assert_eq!(ok(&g, "x0001@head", &[]), ["x0002"]);
        assert!(matches!(
            err(&g, "b0001@head", &[]),
            TargetError::AmbiguousStep { .. }
        ));
        assert_eq!(ok(&merged(), "b0001@head", &[]), ["c0001"]);
        assert_eq!(ok(&g, "alpha@base", &[]), ["b0001"]);
        let scoped = Target::parse("alpha@base")
            .unwrap()
            .resolve_scoped("alpha@base", &g, &[])
            .unwrap();
        assert_eq!(scoped.branch_scope, g.index_of("a0001"));
        let e = err(&g, "a0001@base", &[]).to_string();
        assert!(
            e.contains("not a branch label") && e.contains("known labels: alpha, beta"),
            "{e}"
        );
        assert!(matches!(
            err(&g, "a0002@+1", &[]),
            TargetError::Syntax { .. }
        ));
    }

    #[test]
    fn relative_steps_from_current() {
        let g = forked();
        assert_eq!(ok(&g, "+1", &[]), ["b0001"]);
        assert_eq!(ok(&g, "+1", &["b0001", "a0001"]), ["a0002"]);
        assert_eq!(ok(&g, "-1", &["b0001", "a0001"]), ["b0001"]);
        assert!(ok(&g, "-2", &["b0001", "a0001"]).is_empty());
        assert_eq!(
            err(&g, "-3", &["b0001", "a0001"]),
            TargetError::OutOfRange {
                input: "-3".into(),
                steps: 1,
                end: "base"
            }
        );
        assert_eq!(
            err(&g, "-1", &[]),
            TargetError::OutOfRange {
                input: "-1".into(),
                steps: 1,
                end: "base"
            }
        );
        let e = err(&g, "+3", &["b0001", "a0001"]);
        assert_eq!(
            e,
            TargetError::OutOfRange {
                input: "+3".into(),
                steps: 2,
                end: "head"
            }
        );
        assert_eq!(
            e.to_string(),
            "`+3` goes 2 step(s) beyond the head; a step 2 smaller stays in range"
        );
        let fork = err(&g, "+2", &[]).to_string();
        assert!(
            fork.contains("`b0001` is a branchpoint with children a0001, x0001"),
            "{fork}"
        );
        let several = err(&g, "+1", &["b0001", "a0001", "x0001"]).to_string();
        assert!(
            several.contains("several current heads (a0001, x0001)"),
            "{several}"
        );
    }

    #[test]
    fn relative_steps_from_a_revision_or_head() {
        let g = merged();
        assert_eq!(ok(&g, "a0002-1", &[]), ["a0001"]);
        assert!(ok(&g, "a0002-3", &[]).is_empty());
        assert_eq!(ok(&g, "a0001+2", &[]), ["m0001"]);
        assert_eq!(ok(&g, "alpha+1", &[]), ["a0002"]);
        assert_eq!(ok(&g, "head-1", &[]), ["m0001"]);
        assert!(matches!(
            err(&forked(), "head-1", &[]),
            TargetError::MultipleHeads { .. }
        ));
        let merge = err(&g, "head-2", &[]).to_string();
        assert!(
            merge.contains("`m0001` is a mergepoint with parents a0002, x0002"),
            "{merge}"
        );
        let two_bases = Graph::new(vec![
            crate::graph::fixtures::node("p0001", &[], &[], &[]),
            crate::graph::fixtures::node("q0001", &[], &[], &[]),
        ])
        .unwrap();
        assert!(err(&two_bases, "+1", &[])
            .to_string()
            .contains("several bases (p0001, q0001)"));
    }

    #[test]
    fn relative_steps_on_a_branch() {
        let g = forked();
        assert_eq!(ok(&g, "alpha@+1", &[]), ["a0001"]);
        assert_eq!(ok(&g, "alpha@+2", &["b0001"]), ["a0002"]);
        assert_eq!(
            err(&g, "alpha@+3", &[]),
            TargetError::OutOfRange {
                input: "alpha@+3".into(),
                steps: 1,
                end: "head"
            }
        );
        assert_eq!(
            err(&g, "alpha@-1", &[]),
            TargetError::OutOfRange {
                input: "alpha@-1".into(),
                steps: 1,
                end: "base"
            }
        );
        let on = applied(&g, &["b0001", "a0001", "a0002", "x0001"]);
        assert_eq!(
            ok(&g, "beta@+1", &["b0001", "a0001", "a0002", "x0001"]),
            ["x0002"]
        );
        let scoped = |input: &str| {
            Target::parse(input)
                .unwrap()
                .resolve_scoped(input, &g, &on)
                .unwrap()
        };
        let alpha = scoped("alpha@-1");
        assert_eq!(ids(&g, &alpha.revisions), ["a0001"]);
        assert_eq!(alpha.branch_scope, g.index_of("a0002"));
        let beta = scoped("beta@-1");
        assert_eq!(ids(&g, &beta.revisions), ["b0001"]);
        assert_eq!(beta.branch_scope, g.index_of("x0001"));
    }

    #[test]
    fn branch_with_several_applied_heads_is_ambiguous() {
        let g = Graph::new(vec![
            crate::graph::fixtures::node("r0001", &[], &[], &["core"]),
            crate::graph::fixtures::node("s0001", &["r0001"], &[], &[]),
            crate::graph::fixtures::node("t0001", &["r0001"], &[], &[]),
        ])
        .unwrap();
        let e = err(&g, "core@-1", &["r0001", "s0001", "t0001"]).to_string();
        assert!(
            e.contains("branch `core` has several applied heads (s0001, t0001)"),
            "{e}"
        );
    }

    #[test]
    fn split_range_keeps_empty_sides() {
        assert_eq!(split_range("base:head"), Some(("base", "head")));
        assert_eq!(split_range(":head"), Some(("", "head")));
        assert_eq!(split_range("head"), None);
    }
}

//! Annotations in a file's comments: which rules are off for which
//! statement.
//!
//! - `-- lithify:allow(rule-id, other-rule)` in or just before a statement
//!   (or after its `;` on the same line) turns those rules off for it.
//! - diesel-guard's `-- safety-assured:start` ... `-- safety-assured:end`
//!   (any case) turn every rule off for the statements between them, so a
//!   project moving from diesel-guard keeps its annotations. As in
//!   diesel-guard, blocks do not nest, and a start without an end or an end
//!   without a start is a mistake: reported (`invalid-lint-annotation`), and
//!   an unclosed block silences nothing.

use super::Rule;

/// What the annotations say about one statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Annotated {
    /// Inside a `safety-assured` block: no rule reads it.
    pub assured: bool,
    /// Rules `lithify:allow` turns off for it.
    pub allowed: Vec<Rule>,
    /// Mistakes in its annotations.
    pub problems: Vec<String>,
}

const ALLOW: &str = "lithify:allow";
const START: &str = "safety-assured:start";
const END: &str = "safety-assured:end";

/// What the annotations say about each statement of a file, from each
/// statement's comments and the comments after the last one.
pub(crate) fn annotate<'a>(
    statements: impl ExactSizeIterator<Item = &'a [String]>,
    trailing: &[String],
) -> Vec<Annotated> {
    let mut out: Vec<Annotated> = Vec::with_capacity(statements.len());
    let mut open: Option<usize> = None;
    for (i, comments) in statements.enumerate() {
        let mut here = Annotated::default();
        for comment in comments {
            allow(comment, &mut here);
            if marker(comment, START) {
                match open {
                    Some(_) => here.problems.push(
                        "`safety-assured:start` inside a block already open: blocks do not nest"
                            .to_owned(),
                    ),
                    None => open = Some(i),
                }
            } else if marker(comment, END) {
                match open.take() {
                    Some(start) => close(&mut out, start),
                    None => here.problems.push(
                        "`safety-assured:end` without a `safety-assured:start` before it"
                            .to_owned(),
                    ),
                }
            }
        }
        out.push(here);
    }
    if let Some(start) = open {
        if trailing.iter().any(|c| marker(c, END)) {
            close(&mut out, start);
        } else if let Some(first) = out.get_mut(start) {
            first.problems.push(
                "`safety-assured:start` is never closed by `-- safety-assured:end`: it silences nothing"
                    .to_owned(),
            );
        }
    }
    out
}

/// Every statement from `start` to the end of `out` is assured.
fn close(out: &mut [Annotated], start: usize) {
    for a in out.iter_mut().skip(start) {
        a.assured = true;
    }
}

/// True when `comment` is the directive `directive`.
fn marker(comment: &str, directive: &str) -> bool {
    comment
        .get(..directive.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(directive))
}

/// Read `lithify:allow(...)` directives in `comment`.
fn allow(comment: &str, into: &mut Annotated) {
    let lower = comment.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find(ALLOW) {
        rest = &rest[at + ALLOW.len()..];
        let Some(list) = rest
            .strip_prefix('(')
            .and_then(|r| r.split_once(')'))
            .map(|(list, _)| list)
        else {
            into.problems.push(
                "`lithify:allow` needs the rules in parentheses: `lithify:allow(rule-id)`"
                    .to_owned(),
            );
            continue;
        };
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match Rule::from_id(name) {
                Some(rule) => into.allowed.push(rule),
                None => into.problems.push(format!(
                    "`lithify:allow({name})`: there is no lint rule `{name}`"
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(files: &[&[&str]], trailing: &[&str]) -> Vec<Annotated> {
        let owned: Vec<Vec<String>> = files
            .iter()
            .map(|c| c.iter().map(|s| (*s).to_owned()).collect())
            .collect();
        let trailing: Vec<String> = trailing.iter().map(|s| (*s).to_owned()).collect();
        annotate(owned.iter().map(Vec::as_slice), &trailing)
    }

    #[test]
    fn allow_names_rules_and_reports_unknown_ones() {
        let a = of(
            &[&["lithify:allow(ban-drop-column, renaming-table)", "why"]],
            &[],
        );
        assert_eq!(a[0].allowed, [Rule::BanDropColumn, Rule::RenamingTable]);
        let b = of(
            &[
                &["Lithify:Allow(no-such-rule)"],
                &["lithify:allow ban-drop-column"],
            ],
            &[],
        );
        assert_eq!(
            b[0].problems,
            ["`lithify:allow(no-such-rule)`: there is no lint rule `no-such-rule`"]
        );
        assert_eq!(b[1].problems.len(), 1);
    }

    #[test]
    fn safety_assured_blocks_cover_the_statements_between_their_markers() {
        // start before 1, end before 3: 1 and 2 are assured.
        let a = of(
            &[&[], &["safety-assured:start"], &[], &["SAFETY-ASSURED:END"]],
            &[],
        );
        let assured: Vec<bool> = a.iter().map(|x| x.assured).collect();
        assert_eq!(assured, [false, true, true, false]);
        // The end after the last statement closes it too.
        let b = of(&[&["safety-assured:start"], &[]], &["safety-assured:end"]);
        assert!(b.iter().all(|x| x.assured && x.problems.is_empty()));
    }

    #[test]
    fn unmatched_markers_are_problems_and_an_open_block_silences_nothing() {
        let a = of(&[&["safety-assured:start"], &[]], &[]);
        assert!(a.iter().all(|x| !x.assured));
        assert_eq!(a[0].problems.len(), 1);
        let b = of(&[&["safety-assured:end"]], &[]);
        assert_eq!(b[0].problems.len(), 1);
        let c = of(
            &[
                &["safety-assured:start"],
                &["safety-assured:start"],
                &["safety-assured:end"],
            ],
            &[],
        );
        assert_eq!(c[1].problems.len(), 1);
        assert!(c[0].assured && c[1].assured && !c[2].assured);
    }
}

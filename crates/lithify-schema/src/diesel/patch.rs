//! diesel.toml's `patch_file`: a unified diff applied to the printed schema,
//! the way diesel_cli applies it (with the `diffy` crate): each hunk is
//! placed where its old lines match exactly, searching outward from the line
//! its header names, and never over lines an earlier hunk changed.

/// A hunk that does not apply, or a patch that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PatchError(pub String);

#[derive(Debug)]
enum Line<'a> {
    Context(&'a str),
    Delete(&'a str),
    Insert(&'a str),
}

#[derive(Debug)]
struct Hunk<'a> {
    new_start: usize,
    lines: Vec<Line<'a>>,
}

/// Apply the unified diff `patch` to `text`.
pub fn apply(text: &str, patch: &str) -> Result<String, PatchError> {
    let hunks = parse(patch)?;
    // (line, already patched)
    let mut image: Vec<(String, bool)> = split_keep_newline(text)
        .into_iter()
        .map(|l| (l.to_owned(), false))
        .collect();
    for (i, hunk) in hunks.iter().enumerate() {
        let old: Vec<&str> = hunk
            .lines
            .iter()
            .filter_map(|l| match l {
                Line::Context(t) | Line::Delete(t) => Some(*t),
                Line::Insert(_) => None,
            })
            .collect();
        let new: Vec<(String, bool)> = hunk
            .lines
            .iter()
            .filter_map(|l| match l {
                Line::Context(t) | Line::Insert(t) => Some(((*t).to_owned(), true)),
                Line::Delete(_) => None,
            })
            .collect();
        let pos = find_position(&image, &old, hunk.new_start).ok_or_else(|| {
            PatchError(format!(
                "hunk #{} of the patch does not apply to the printed schema",
                i + 1
            ))
        })?;
        image.splice(pos..pos + old.len(), new);
    }
    Ok(image.into_iter().map(|(l, _)| l).collect())
}

/// The start, then one line back, one forward, ... (diffy's search).
fn find_position(image: &[(String, bool)], old: &[&str], new_start: usize) -> Option<usize> {
    let start = new_start.saturating_sub(1).min(image.len());
    let fits = |pos: usize| {
        image.get(pos..pos + old.len()).is_some_and(|window| {
            window.iter().all(|(_, patched)| !patched)
                && window
                    .iter()
                    .map(|(l, _)| l.as_str())
                    .eq(old.iter().copied())
        })
    };
    let mut back = (0..start).rev();
    let mut fwd = start + 1..image.len();
    if fits(start) {
        return Some(start);
    }
    let mut flag = false;
    loop {
        flag = !flag;
        let next = if flag {
            back.next().or_else(|| fwd.next())
        } else {
            fwd.next().or_else(|| back.next())
        };
        match next {
            Some(p) if fits(p) => return Some(p),
            Some(_) => {}
            None => return None,
        }
    }
}

fn split_keep_newline(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}

fn parse(patch: &str) -> Result<Vec<Hunk<'_>>, PatchError> {
    let lines = split_keep_newline(patch);
    let mut hunks: Vec<Hunk<'_>> = Vec::new();
    for line in lines {
        if line.starts_with("@@ ") {
            hunks.push(Hunk {
                new_start: new_start(line)?,
                lines: Vec::new(),
            });
            continue;
        }
        let Some(hunk) = hunks.last_mut() else {
            // `---` / `+++` headers and anything before the first hunk.
            continue;
        };
        if line.starts_with('\\') {
            // `\ No newline at end of file`: the line before has none.
            match hunk.lines.last_mut() {
                Some(Line::Context(t) | Line::Delete(t) | Line::Insert(t)) => {
                    *t = t.strip_suffix('\n').unwrap_or(t)
                }
                None => {
                    return Err(PatchError(
                        "a `No newline` line before any hunk line".to_owned(),
                    ))
                }
            }
            continue;
        }
        let (kind, body) = line.split_at(line.chars().next().map_or(0, char::len_utf8));
        let parsed = match kind {
            " " => Line::Context(body),
            "-" => Line::Delete(body),
            "+" => Line::Insert(body),
            // A blank line in a hunk is an empty context line.
            "\n" | "" => Line::Context("\n"),
            _ => {
                return Err(PatchError(format!(
                    "unexpected line in the patch: {}",
                    line.trim_end()
                )))
            }
        };
        hunk.lines.push(parsed);
    }
    if hunks.is_empty() {
        return Err(PatchError("the patch has no hunks".to_owned()));
    }
    Ok(hunks)
}

/// `@@ -a,b +c,d @@` -> c.
fn new_start(header: &str) -> Result<usize, PatchError> {
    let bad = || {
        PatchError(format!(
            "cannot read the hunk header `{}`",
            header.trim_end()
        ))
    };
    let ranges = header
        .strip_prefix("@@ ")
        .and_then(|h| h.split(" @@").next())
        .ok_or_else(bad)?;
    let new = ranges
        .split(' ')
        .find_map(|r| r.strip_prefix('+'))
        .ok_or_else(bad)?;
    new.split(',')
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = "diesel::table! {\n    jobs (id) {\n        id -> Int4,\n        tags -> Nullable<Text>,\n    }\n}\n";

    #[test]
    fn a_hunk_applies_where_its_lines_are() {
        let patch = "--- a/src/schema.rs\n+++ b/src/schema.rs\n@@ -3,3 +3,3 @@\n         id -> Int4,\n-        tags -> Nullable<Text>,\n+        tags -> Nullable<Jsonb>,\n     }\n";
        let out = apply(SCHEMA, patch).unwrap();
        assert!(out.contains("tags -> Nullable<Jsonb>,"), "{out}");
        // The header's line may be off: the hunk is found nearby.
        let shifted = patch.replace("@@ -3,3 +3,3 @@", "@@ -1,3 +1,3 @@");
        assert_eq!(apply(SCHEMA, &shifted).unwrap(), out);
    }

    #[test]
    fn a_hunk_that_does_not_match_is_an_error() {
        let patch = "@@ -1,1 +1,1 @@\n-nothing like this\n+x\n";
        assert_eq!(
            apply(SCHEMA, patch).unwrap_err().0,
            "hunk #1 of the patch does not apply to the printed schema"
        );
        assert!(apply(SCHEMA, "just text\n").is_err());
    }
}

//! Findings as text for tools: one line each in the format of gcc (which
//! editors and CI annotators read), or a JSON array.

use std::fmt::Write as _;

use super::Finding;

/// `path:line:col: warning|error: rule-id: message`, one line per finding.
pub fn gcc(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}: {}: {}",
            path_text(f),
            f.line,
            f.column,
            f.level.severity(),
            f.rule.id(),
            f.message
        );
    }
    out
}

/// A JSON array with one object per finding: `file`, `line`, `column`,
/// `rule`, `level` (`warning` or `error`), `message`, `help`, `revision`,
/// `dialects`.
pub fn json(findings: &[Finding]) -> String {
    let mut out = String::from("[");
    for (i, f) in findings.iter().enumerate() {
        out.push_str(if i == 0 { "\n  " } else { ",\n  " });
        let dialects: Vec<String> = f.dialects.iter().map(|d| string(d.name())).collect();
        let _ = write!(
            out,
            "{{\"file\": {}, \"line\": {}, \"column\": {}, \"rule\": {}, \"level\": {}, \"message\": {}, \"help\": {}, \"revision\": {}, \"dialects\": [{}]}}",
            string(&path_text(f)),
            f.line,
            f.column,
            string(f.rule.id()),
            string(f.level.severity()),
            string(&f.message),
            string(&f.help),
            string(&f.revision),
            dialects.join(", ")
        );
    }
    out.push_str(if findings.is_empty() { "]\n" } else { "\n]\n" });
    out
}

/// The path with forward slashes, the same on every platform.
fn path_text(f: &Finding) -> String {
    f.file.display().to_string().replace('\\', "/")
}

/// `s` as a JSON string.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Level, Rule};
    use crate::model::Dialect;

    fn finding(level: Level) -> Finding {
        Finding {
            rule: Rule::BanDropColumn,
            level,
            revision: "0002".to_owned(),
            file: "migrations/0002_drop/up.sql".into(),
            line: 3,
            column: 5,
            message: "drops `jobs.salary` \"now\"".to_owned(),
            help: "first\tthen\nlater \u{1}".to_owned(),
            dialects: vec![Dialect::Sqlite, Dialect::Postgres],
        }
    }

    #[test]
    fn gcc_is_one_line_per_finding() {
        assert_eq!(
            gcc(&[finding(Level::Warn), finding(Level::Deny)]),
            "migrations/0002_drop/up.sql:3:5: warning: ban-drop-column: drops `jobs.salary` \"now\"\n\
             migrations/0002_drop/up.sql:3:5: error: ban-drop-column: drops `jobs.salary` \"now\"\n"
        );
    }

    #[test]
    fn json_escapes_strings() {
        let text = json(&[finding(Level::Deny)]);
        assert!(
            text.contains(r#""help": "first\tthen\nlater \u0001""#),
            "{text}"
        );
        assert!(
            text.contains(r#""dialects": ["sqlite", "postgres"]"#),
            "{text}"
        );
        assert_eq!(json(&[]), "[]\n");
    }
}

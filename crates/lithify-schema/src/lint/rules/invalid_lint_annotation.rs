//! `invalid-lint-annotation`, on every engine: an annotation that does
//! nothing — `lithify:allow` naming no rule, a `safety-assured` block that
//! is never closed, an end without a start, a block inside a block — says
//! so, since the statement it was meant to silence is linted after all (or
//! more is silenced than meant). Checked inside `safety-assured` blocks too.

use crate::lint::context::{Context, Violation};

pub(crate) fn invalid_lint_annotation(ctx: &Context<'_>, out: &mut Vec<Violation>) {
    for problem in ctx.annotation_problems {
        out.push(Violation::new(
            problem.clone(),
            "`-- lithify:allow(rule-id, ...)` takes the rule ids of lithify's README; a diesel-guard block is \
             `-- safety-assured:start` ... `-- safety-assured:end`",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{case, snap};
    use crate::lint::Rule;
    use crate::model::Dialect;

    #[test]
    fn an_unknown_rule_and_an_unclosed_block() {
        let found = case(Rule::InvalidLintAnnotation, Dialect::Sqlite).errors(
            "-- lithify:allow(ban-drop-colum)\nCREATE TABLE a (x INTEGER);\n-- safety-assured:start\nCREATE TABLE b (x INTEGER);",
        );
        snap!("invalid_lint_annotation", found);
    }

    #[test]
    fn good_annotations_are_quiet() {
        case(Rule::InvalidLintAnnotation, Dialect::Sqlite).ok(
            "-- lithify:allow(ban-drop-column)\nCREATE TABLE a (x INTEGER);\n-- safety-assured:start\nCREATE TABLE b (x INTEGER);\n-- safety-assured:end\n",
        );
    }
}

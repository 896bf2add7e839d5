//! Lists of ids (or paths) in messages: the first few, then how many more.
//!
//! A real diesel directory has hundreds of revisions, and a message that
//! names every pending one is a wall of text that buries its own fix. Every
//! message that lists ids goes through [`first_few`] (or [`first_few_of`]),
//! so they all cap at the same length and read the same:
//! `20240101000000, 20240102000000, 20240103000000, 20240104000000, 20240105000000 and 280 more`.
//! Commands with a `--verbose` flag show the whole list there.

use std::fmt::{self, Display};

/// How many items a capped list shows before "and N more".
pub const FIRST_FEW: usize = 5;

/// `items` joined with `, `, at most [`FIRST_FEW`] of them, then
/// `and N more` for the rest (nothing for an empty list).
pub fn first_few<T: Display>(items: &[T]) -> String {
    first_few_of(items, FIRST_FEW, ", ")
}

/// `items` joined with `separator`, at most `max` of them (at least one),
/// then ` and N more`. A list one longer than `max` is shown whole: "and 1
/// more" would take the place of the item it hides.
pub fn first_few_of<T: Display>(items: &[T], max: usize, separator: &str) -> String {
    FirstFew {
        items,
        max,
        separator,
    }
    .to_string()
}

/// The items a list of `max` shows, and how many it leaves out: the rule
/// [`first_few_of`] writes out, for a list shown as lines or notes.
pub fn split_first_few<T>(items: &[T], max: usize) -> (&[T], usize) {
    let max = max.max(1);
    let shown = if items.len() > max + 1 {
        max
    } else {
        items.len()
    };
    (&items[..shown], items.len() - shown)
}

struct FirstFew<'a, T> {
    items: &'a [T],
    max: usize,
    separator: &'a str,
}

impl<T: Display> Display for FirstFew<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shown, hidden) = split_first_few(self.items, self.max);
        for (i, item) in shown.iter().enumerate() {
            if i > 0 {
                f.write_str(self.separator)?;
            }
            write!(f, "{item}")?;
        }
        match hidden {
            0 => Ok(()),
            more => write!(f, " and {more} more"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("{i:04}")).collect()
    }

    #[test]
    fn short_lists_are_whole() {
        assert_eq!(first_few::<String>(&[]), "");
        assert_eq!(first_few(&ids(1)), "0001");
        assert_eq!(
            first_few(&ids(5)),
            "0001, 0002, 0003, 0004, 0005",
            "exactly FIRST_FEW"
        );
        // "and 1 more" would hide one id to save none.
        assert_eq!(first_few(&ids(6)), "0001, 0002, 0003, 0004, 0005, 0006");
    }

    #[test]
    fn long_lists_say_how_many_more() {
        assert_eq!(
            first_few(&ids(285)),
            "0001, 0002, 0003, 0004, 0005 and 280 more"
        );
        assert_eq!(first_few_of(&ids(4), 2, " -> "), "0001 -> 0002 and 2 more");
        assert_eq!(first_few_of(&ids(3), 0, ", "), "0001 and 2 more");
    }
}

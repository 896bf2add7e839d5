//! Renames: a table or column that went and one that came with the same
//! shape may be the same one renamed. The diff cannot tell, so it asks
//! ([`Ask`], Django's question), unless the caller decided already
//! ([`Renames`]); with nobody to ask it writes drop + add and says that it
//! may be a rename.

use super::DiffError;

/// Renames decided before the diff runs (`--rename`, `--rename-table`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    /// Tables: (old name, new name).
    pub tables: Vec<(String, String)>,
    /// Columns.
    pub columns: Vec<ColumnRename>,
}

/// One column rename: `table.from` is now `table.to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRename {
    /// The table (its old or its new name).
    pub table: String,
    /// The column's old name.
    pub from: String,
    /// Its new name.
    pub to: String,
}

impl Renames {
    /// Read `TABLE.OLD=NEW` (`--rename`).
    ///
    /// # Errors
    /// Text not of that form.
    pub fn parse_column(text: &str) -> Result<ColumnRename, String> {
        let bad =
            || format!("`{text}`: write a column rename as TABLE.OLD=NEW (`jobs.salary=pay`)");
        let (left, to) = text.split_once('=').ok_or_else(bad)?;
        let (table, from) = left.rsplit_once('.').ok_or_else(bad)?;
        let to = to.rsplit_once('.').map_or(to, |(_, c)| c);
        if [table, from, to].iter().any(|s| s.trim().is_empty()) {
            return Err(bad());
        }
        Ok(ColumnRename {
            table: table.trim().to_owned(),
            from: from.trim().to_owned(),
            to: to.trim().to_owned(),
        })
    }

    /// Read `OLD=NEW` (`--rename-table`).
    ///
    /// # Errors
    /// Text not of that form.
    pub fn parse_table(text: &str) -> Result<(String, String), String> {
        match text.split_once('=') {
            Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
                Ok((a.trim().to_owned(), b.trim().to_owned()))
            }
            _ => Err(format!(
                "`{text}`: write a table rename as OLD=NEW (`people=persons`)"
            )),
        }
    }
}

/// What is asked: did `from` become `to`?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenameQuestion {
    /// The table a column is in; `None` when the question is about a table.
    pub table: Option<String>,
    /// The old name.
    pub from: String,
    /// The new name.
    pub to: String,
    /// The type both have (columns), as the dialect writes it.
    pub ty: Option<String>,
}

impl RenameQuestion {
    /// Django's wording: `Did you rename jobs.salary to jobs.pay (integer)? [y/N]`.
    pub fn prompt(&self) -> String {
        match (&self.table, &self.ty) {
            (Some(t), ty) => format!(
                "Did you rename {t}.{} to {t}.{}{}? [y/N]",
                self.from,
                self.to,
                ty.as_deref()
                    .map(|ty| format!(" ({ty})"))
                    .unwrap_or_default()
            ),
            (None, _) => format!("Did you rename table {} to {}? [y/N]", self.from, self.to),
        }
    }

    /// The `--rename` / `--rename-table` argument that answers yes.
    pub fn flag(&self) -> String {
        match &self.table {
            Some(t) => format!("--rename {t}.{}={}", self.from, self.to),
            None => format!("--rename-table {}={}", self.from, self.to),
        }
    }
}

/// The answer to a [`RenameQuestion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// It is a rename.
    Yes,
    /// It is not: drop the old, add the new.
    No,
    /// Nobody was asked (no terminal): drop + add, said to be a possible rename.
    NotAsked,
}

/// Who answers rename questions: a person at a terminal, a test.
pub trait Ask {
    /// Whether `question` is a rename.
    fn rename(&mut self, question: &RenameQuestion) -> Answer;
}

/// Asks nobody: every question is [`Answer::NotAsked`] (no terminal).
#[derive(Debug, Clone, Copy, Default)]
pub struct NobodyToAsk;

impl Ask for NobodyToAsk {
    fn rename(&mut self, _question: &RenameQuestion) -> Answer {
        Answer::NotAsked
    }
}

/// Gives the same answer to every question, and keeps the questions (tests).
#[derive(Debug, Clone, Default)]
pub struct Always {
    /// The answer.
    pub answer: Option<bool>,
    /// The questions asked, in order.
    pub asked: Vec<RenameQuestion>,
}

impl Ask for Always {
    fn rename(&mut self, question: &RenameQuestion) -> Answer {
        self.asked.push(question.clone());
        match self.answer {
            Some(true) => Answer::Yes,
            Some(false) => Answer::No,
            None => Answer::NotAsked,
        }
    }
}

/// Which of the things that went are the things that came, renamed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pairing {
    /// (index in `removed`, index in `added`) decided to be renames.
    pub renamed: Vec<(usize, usize)>,
    /// Pairs nobody was asked about: written as drop + add.
    pub maybe: Vec<(usize, usize)>,
}

/// What [`pair`] needs to know about one kind of thing.
pub(crate) struct Candidates<'a> {
    /// Names that went.
    pub removed: &'a [String],
    /// Names that came.
    pub added: &'a [String],
    /// Renames given by the caller, by name.
    pub given: &'a [(String, String)],
    /// Whether two names compare equal (the dialect's rule).
    pub same: &'a dyn Fn(&str, &str) -> bool,
    /// Whether removed `i` and added `j` have the same shape.
    pub alike: &'a dyn Fn(usize, usize) -> bool,
    /// The question for removed `i` and added `j`.
    pub question: &'a dyn Fn(usize, usize) -> RenameQuestion,
    /// How a bad given rename is reported.
    pub refuse: &'a dyn Fn(&str, &str, String) -> DiffError,
}

/// Pair removed and added things: the given renames first (each must name
/// one of each), then, for each added thing in order, the removed ones of
/// the same shape, asking about each until one is a rename.
pub(crate) fn pair(c: &Candidates<'_>, ask: &mut dyn Ask) -> Result<Pairing, DiffError> {
    let find = |list: &[String], name: &str| list.iter().position(|n| (c.same)(n, name));
    let mut out = Pairing::default();
    for (from, to) in c.given {
        let i = find(c.removed, from).ok_or_else(|| {
            (c.refuse)(
                from,
                to,
                format!("`{from}` is not among what the change removes"),
            )
        })?;
        let j = find(c.added, to).ok_or_else(|| {
            (c.refuse)(
                from,
                to,
                format!("`{to}` is not among what the change adds"),
            )
        })?;
        out.renamed.push((i, j));
    }
    for j in 0..c.added.len() {
        if out.renamed.iter().any(|&(_, b)| b == j) {
            continue;
        }
        for i in 0..c.removed.len() {
            if out.renamed.iter().any(|&(a, _)| a == i) || !(c.alike)(i, j) {
                continue;
            }
            match ask.rename(&(c.question)(i, j)) {
                Answer::Yes => {
                    out.renamed.push((i, j));
                    break;
                }
                Answer::No => {}
                Answer::NotAsked => out.maybe.push((i, j)),
            }
        }
    }
    out.maybe
        .retain(|&(i, j)| !out.renamed.iter().any(|&(a, b)| a == i || b == j));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read() {
        assert_eq!(
            Renames::parse_column("jobs.salary=pay").unwrap(),
            ColumnRename {
                table: "jobs".into(),
                from: "salary".into(),
                to: "pay".into()
            }
        );
        assert_eq!(
            Renames::parse_column("jobs.salary=jobs.pay").unwrap().to,
            "pay"
        );
        assert!(Renames::parse_column("salary=pay").is_err());
        assert!(Renames::parse_column("jobs.=pay").is_err());
        assert_eq!(
            Renames::parse_table("people=persons").unwrap(),
            ("people".into(), "persons".into())
        );
        assert!(Renames::parse_table("people").is_err());
    }

    #[test]
    fn the_question_is_djangos() {
        let q = RenameQuestion {
            table: Some("jobs".into()),
            from: "salary".into(),
            to: "pay".into(),
            ty: Some("integer".into()),
        };
        assert_eq!(
            q.prompt(),
            "Did you rename jobs.salary to jobs.pay (integer)? [y/N]"
        );
        assert_eq!(q.flag(), "--rename jobs.salary=pay");
    }
}

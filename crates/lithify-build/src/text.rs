//! Text of the files lithify reads: canonical UTF-8 (no BOM, LF line
//! ends), and line numbers for diagnostics.

/// Canonical UTF-8 text of a file, or the 1-based line of its first invalid byte.
pub fn decode(bytes: &[u8]) -> Result<String, u32> {
    let canonical = lithify_core::checksum::canonicalize(bytes);
    match std::str::from_utf8(&canonical) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => {
            // Count lines in the raw bytes: CRLF and LF give the same line number.
            let valid = match std::str::from_utf8(bytes) {
                Ok(_) => bytes.len(),
                Err(e) => e.valid_up_to(),
            };
            Err(line_of(bytes, valid))
        }
    }
}

/// Line lookups in one text without rescanning it: the lock of a long chain
/// has thousands of entries, and scanning from the start for each would be
/// quadratic.
#[derive(Debug, Clone)]
pub struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    /// Index the newlines of `text`.
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// 1-based line of byte offset `at`.
    pub fn line(&self, at: usize) -> u32 {
        u32::try_from(self.newlines.partition_point(|&nl| nl < at) + 1).unwrap_or(u32::MAX)
    }
}

/// 1-based line of byte offset `at` in `bytes`.
pub fn line_of(bytes: &[u8], at: usize) -> u32 {
    let end = at.min(bytes.len());
    let newlines = bytes[..end].iter().filter(|&&b| b == b'\n').count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// A multi-line parser message as one line, so it fits a `= note:`.
pub fn one_line(message: &str) -> String {
    message
        .trim()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_of() {
        let text = "a\nbb\n\nccc\n";
        let index = LineIndex::new(text);
        for at in 0..=text.len() {
            assert_eq!(index.line(at), line_of(text.as_bytes(), at), "offset {at}");
        }
    }
}

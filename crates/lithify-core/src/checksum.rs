//! Revision checksums, stable across platforms and git line-ending settings.
//!
//! A revision's checksum is SHA-256 over its canonical bytes:
//!
//! 1. every file lithify reads for the revision (`up.sql`, `down.sql`,
//!    `up.postgres.sql`, `metadata.toml`, ...) is canonicalised: a leading UTF-8
//!    byte-order mark is removed and every CRLF becomes LF;
//! 2. the files are taken in byte-wise order of their names;
//! 3. each contributes `name`, `\n`, its canonical length in decimal, `\n`, its
//!    canonical bytes, `\n`.
//!
//! The result is written `sha256:<64 lowercase hex digits>`. A checkout with
//! `core.autocrlf=true` and one without produce the same checksum, which is what
//! keeps a Windows developer's build from flagging drift in production.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};
use thiserror::Error;

const PREFIX: &str = "sha256:";

/// The SHA-256 checksum of a revision's canonical bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Checksum([u8; 32]);

/// A string that is not `sha256:` followed by 64 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{0}` is not a checksum: expected `sha256:` followed by 64 hexadecimal digits")]
pub struct ChecksumParseError(pub String);

impl Checksum {
    /// Checksum of a revision made of `files` (name, raw bytes), in any order.
    pub fn of_files<'a, I>(files: I) -> Checksum
    where
        I: IntoIterator<Item = (&'a str, &'a [u8])>,
    {
        let mut files: Vec<(&str, &[u8])> = files.into_iter().collect();
        files.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut hasher = Sha256::new();
        for (name, bytes) in files {
            let canonical = canonicalize(bytes);
            hasher.update(name.as_bytes());
            hasher.update(b"\n");
            hasher.update(canonical.len().to_string().as_bytes());
            hasher.update(b"\n");
            hasher.update(&canonical);
            hasher.update(b"\n");
        }
        Checksum(hasher.finalize().into())
    }

    /// The raw 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Build from raw bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Checksum {
        Checksum(bytes)
    }
}

/// Canonical form of one file: without a leading UTF-8 BOM, with CRLF turned into LF.
pub fn canonicalize(bytes: &[u8]) -> Cow<'_, [u8]> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if !bytes.windows(2).any(|w| w == b"\r\n") {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().peekable();
    while let Some(&b) = iter.next() {
        if b == b'\r' && iter.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(b);
    }
    Cow::Owned(out)
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One write of a stack buffer: the build formats every revision's
        // checksum several times, and 32 `{:02x}` calls were a visible share.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = [0u8; 64];
        for (pair, b) in hex.chunks_exact_mut(2).zip(self.0) {
            pair[0] = HEX[usize::from(b >> 4)];
            pair[1] = HEX[usize::from(b & 0x0f)];
        }
        f.write_str(PREFIX)?;
        // Only ASCII hex digits were written.
        f.write_str(std::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Checksum {
    type Err = ChecksumParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ChecksumParseError(s.to_owned());
        let hex = s.strip_prefix(PREFIX).ok_or_else(err)?;
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(err());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| err())?;
        }
        Ok(Checksum(out))
    }
}

/// A hash over an ordered list of revisions and their checksums.
///
/// The lock file records one over all sealed revisions (in topological order) so
/// that a reordering or a removed entry is noticed even when each remaining
/// checksum still matches. Line `i` of the hashed text is `<id> <checksum>\n`.
#[derive(Debug, Default, Clone)]
pub struct ChainHash(Sha256);

impl ChainHash {
    /// An empty chain.
    pub fn new() -> ChainHash {
        ChainHash(Sha256::new())
    }

    /// Append one revision.
    pub fn push(&mut self, id: &str, checksum: &Checksum) {
        self.push_text(id, &checksum.to_string());
    }

    /// Append one revision whose checksum is already text (`sha256:<hex>`,
    /// as [`Checksum`]'s `Display` writes it and as embedded chains store
    /// it): the same bytes as [`ChainHash::push`], without parsing them back.
    pub fn push_text(&mut self, id: &str, checksum: &str) {
        self.0.update(id.as_bytes());
        self.0.update(b" ");
        self.0.update(checksum.as_bytes());
        self.0.update(b"\n");
    }

    /// The hash of the revisions pushed so far.
    pub fn finish(self) -> Checksum {
        Checksum(self.0.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_bom_do_not_change_the_checksum() {
        let lf = Checksum::of_files([("up.sql", &b"CREATE TABLE a (id INT);\nSELECT 1;\n"[..])]);
        let crlf =
            Checksum::of_files([("up.sql", &b"CREATE TABLE a (id INT);\r\nSELECT 1;\r\n"[..])]);
        let bom = Checksum::of_files([(
            "up.sql",
            &b"\xEF\xBB\xBFCREATE TABLE a (id INT);\r\nSELECT 1;\n"[..],
        )]);
        assert_eq!(lf, crlf);
        assert_eq!(lf, bom);
    }

    #[test]
    fn content_names_and_file_boundaries_matter() {
        let a = Checksum::of_files([("up.sql", &b"x"[..]), ("down.sql", &b"y"[..])]);
        let order = Checksum::of_files([("down.sql", &b"y"[..]), ("up.sql", &b"x"[..])]);
        let renamed = Checksum::of_files([("up.sql", &b"y"[..]), ("down.sql", &b"x"[..])]);
        let moved = Checksum::of_files([("up.sql", &b"xy"[..]), ("down.sql", &b""[..])]);
        let lone_cr = Checksum::of_files([("up.sql", &b"x\r"[..]), ("down.sql", &b"y"[..])]);
        assert_eq!(a, order, "input order must not matter");
        assert_ne!(a, renamed);
        assert_ne!(a, moved);
        assert_ne!(a, lone_cr, "a lone CR is content, not a line ending");
    }

    #[test]
    fn known_value_is_stable() {
        // Locks the documented algorithm: sha256("up.sql\n9\nSELECT 1;\n").
        let c = Checksum::of_files([("up.sql", &b"SELECT 1;"[..])]);
        let expected = {
            let mut h = Sha256::new();
            h.update(b"up.sql\n9\nSELECT 1;\n");
            Checksum(h.finalize().into())
        };
        assert_eq!(c, expected);
    }

    #[test]
    fn display_and_parse_round_trip() {
        let c = Checksum::of_files([("up.sql", &b"SELECT 1;"[..])]);
        let text = c.to_string();
        assert!(text.starts_with("sha256:") && text.len() == 71);
        assert_eq!(text.parse::<Checksum>(), Ok(c));
        assert!("sha256:zz".parse::<Checksum>().is_err());
        assert!("md5:00".parse::<Checksum>().is_err());
    }
}

//! Database URLs: any text parses or fails with an error, and a password put
//! in a server URL's user info never shows in what lithify prints (the
//! parsed URL's `Display` and `Debug`, and every error).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lithify::url::{redact, DatabaseUrl};

const SECRET: &str = "Zq9xSECRETx";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Any text at all.
    let _ = DatabaseUrl::parse(text).map(|u| u.to_string());
    let _ = redact(text);

    // `scheme://user:SECRET@host/rest`, with the scheme and host from the
    // input kept to characters that cannot move the user info's end.
    let (head, rest) = text.split_once('/').unwrap_or((text, ""));
    let (scheme, host) = head.split_once('|').unwrap_or((head, "localhost"));
    let clean = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
    };
    // The secret may only come from where it is put (the fuzzer learns it
    // from the comparison and would otherwise put it in the scheme).
    if !clean(scheme) || !clean(host) || scheme.is_empty() || text.contains("SECRET") {
        return;
    }
    let url = format!("{scheme}://user:{SECRET}@{host}/{rest}");
    let shown = match DatabaseUrl::parse(&url) {
        Ok(parsed @ (DatabaseUrl::Postgres { .. } | DatabaseUrl::Mysql { .. })) => {
            format!("{parsed} {parsed:?}")
        }
        // A SQLite path is shown as the path it is.
        Ok(DatabaseUrl::Sqlite { .. }) => return,
        Err(e) => e.to_string(),
    };
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(!redact(&url).contains(SECRET));
});

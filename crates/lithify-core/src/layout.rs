//! rustfmt's layout of comma-separated lists, for generated code that must
//! read as if rustfmt had formatted it (the generated module, the diesel
//! schema) without running rustfmt in a build script.

/// rustfmt's default `max_width`.
pub const MAX_WIDTH: usize = 100;

/// rustfmt's `short_array_element_width_threshold`: lists whose items are
/// all this short are packed several to a line when they do not fit on one.
pub const SHORT_ITEM: usize = 10;

/// `head` + items + `tail` as rustfmt lays out an array or a macro call:
/// on one line when it fits in [`MAX_WIDTH`] (`indent` spaces in), else one
/// item per line, or packed lines when every item is short.
///
/// `trailing_comma`: the one-line form keeps a trailing comma (rustfmt keeps
/// one a macro call was written with, and measures the line without it).
pub fn list(
    out: &mut String,
    indent: usize,
    head: &str,
    items: &[String],
    tail: &str,
    trailing_comma: bool,
) {
    let pad = " ".repeat(indent);
    let joined = items.join(", ");
    let width = indent + head.len() + joined.len() + tail.len();
    if width <= MAX_WIDTH {
        let comma = if trailing_comma && !items.is_empty() {
            ","
        } else {
            ""
        };
        out.push_str(&format!("{pad}{head}{joined}{comma}{tail}\n"));
        return;
    }
    out.push_str(&format!("{pad}{head}\n"));
    if items.iter().all(|i| i.len() <= SHORT_ITEM) {
        packed_lines(out, &pad, items);
    } else {
        for item in items {
            out.push_str(&format!("{pad}    {item},\n"));
        }
    }
    out.push_str(&format!("{pad}{tail}\n"));
}

/// Items packed as many to a line as fit, each followed by a comma.
fn packed_lines(out: &mut String, pad: &str, items: &[String]) {
    let mut line = String::new();
    for item in items {
        let extra = if line.is_empty() {
            item.len() + 1
        } else {
            item.len() + 2
        };
        if !line.is_empty() && pad.len() + 4 + line.len() + extra > MAX_WIDTH {
            out.push_str(&format!("{pad}    {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(item);
        line.push(',');
    }
    if !line.is_empty() {
        out.push_str(&format!("{pad}    {line}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laid_out(indent: usize, items: &[&str]) -> String {
        let items: Vec<String> = items.iter().map(|s| (*s).to_owned()).collect();
        let mut out = String::new();
        list(&mut out, indent, "m!(", &items, ");", true);
        out
    }

    #[test]
    fn one_line_when_it_fits_without_the_trailing_comma() {
        assert_eq!(laid_out(0, &["a", "b"]), "m!(a, b,);\n");
        // 3 + 95 + 2 = 100 columns without the comma: still one line.
        let long = "x".repeat(95);
        assert_eq!(laid_out(0, &[&long]).lines().count(), 1);
        let longer = "x".repeat(96);
        assert_eq!(laid_out(0, &[&longer]).lines().count(), 3);
    }

    #[test]
    fn short_items_pack_and_long_ones_stack() {
        let short = vec!["abcdefghij"; 12];
        let out = laid_out(0, &short);
        assert_eq!(out.lines().count(), 4, "{out}");
        let long = vec!["abcdefghijk"; 12];
        assert_eq!(laid_out(0, &long).lines().count(), 14);
    }
}

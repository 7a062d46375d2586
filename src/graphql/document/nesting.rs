//! How deeply the brackets of a query text nest, read before anything
//! recursive sees it.
//!
//! The parser, validation, variable coercion and even dropping a parsed
//! document recurse once per level of a list, an object, an argument list
//! or a selection set. A few kilobytes of `[[[[…` reach thousands of
//! levels and overflow a worker's stack, which aborts the process rather
//! than failing the request. A flat scan of the text bounds every kind of
//! nesting at once, in linear time, before any of that runs.

/// Refuses text whose brackets nest deeper than `max`: `Err` holds the
/// depth reached. Brackets inside strings and comments do not count;
/// unbalanced text is left for the parser to report.
pub fn check(text: &str, max: usize) -> Result<(), usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    return Err(depth);
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => i = end_of_block_string(bytes, i + 3),
            b'"' => i = end_of_string(bytes, i + 1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The index of the closing quote of a string whose body starts at `i`
/// (or the end of the text, or of the line, where the parser will fail).
fn end_of_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' | b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index of the last quote of a block string whose body starts at `i`;
/// `\"""` inside one does not close it.
fn end_of_block_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\\\"\"\"") {
            i += 4;
        } else if bytes[i..].starts_with(b"\"\"\"") {
            return i + 2;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    #[test]
    fn every_kind_of_bracket_counts_towards_one_depth() {
        assert_eq!(check("{ a(x: [{y: 1}]) { b } }", 4), Ok(()));
        assert_eq!(check("{ a(x: [{y: 1}]) { b } }", 3), Err(4));
        let deep = format!(
            "{{ search(query: {}{}) }}",
            "[".repeat(1_500),
            "]".repeat(1_500)
        );
        assert_eq!(
            check(&deep, Limits::QUERY_NESTING),
            Err(Limits::QUERY_NESTING + 1)
        );
        let objects = format!("{{ a(x: {}1{}) }}", "{a:".repeat(100), "}".repeat(100));
        assert!(check(&objects, Limits::QUERY_NESTING).is_err());
    }

    #[test]
    fn closed_levels_do_not_add_up() {
        let wide = "{ a { b } } ".repeat(1_000);
        assert_eq!(check(&wide, 2), Ok(()));
    }

    #[test]
    fn brackets_in_strings_and_comments_are_text() {
        let text = r#"{ search(query: "[[[[ \" [[[[") # {{{{{{
            { x(y: """ [[[[ \""" [[[[ """) } }"#;
        assert_eq!(check(text, 3), Ok(()));
    }

    #[test]
    fn unterminated_strings_end_the_scan_without_panicking() {
        assert_eq!(check("{ a(x: \"[[[", 2), Ok(()));
        assert_eq!(check("{ a(x: \"\"\"[[[", 2), Ok(()));
        assert_eq!(check("\\", 2), Ok(()));
        assert_eq!(check("\"\\", 2), Ok(()));
    }
}

//! Limits on a filter, checked on its text before any parser sees it. The `cql2` crate's parsers
//! recurse (a pest grammar; serde and a schema check for JSON), and so do compiling and
//! evaluating the expression tree: without these checks, 400 nested parentheses in one
//! anonymous request overflowed a thread's stack and aborted the server.
//!
//! The scan is linear, allocates nothing, and skips quoted text ('...' and "..." in cql2-text,
//! "..." with escapes in cql2-json).

use super::{Lang, OgcError};

/// Longest filter, bytes (a URL of a few kilobytes; GeoJSON literals fit easily).
pub const MAX_FILTER_BYTES: usize = 16 * 1024;
/// Deepest nesting: parentheses (cql2-text, with runs of `NOT` and unary signs) or arrays and
/// objects (cql2-json).
pub const MAX_DEPTH: usize = 32;
/// Most logical operators (`AND`, `OR`, `NOT`; in JSON, `"op"` keys).
pub const MAX_TERMS: usize = 256;
/// Most values in one `IN` list.
pub const MAX_IN_VALUES: usize = 1_000;
/// Longest `LIKE` pattern, characters.
pub const MAX_LIKE_CHARS: usize = 256;

fn too(what: String) -> OgcError {
    OgcError::bad(format!(
        "the filter is too complex: {what}; simplify it or split the query"
    ))
}

/// Checks `text` against the limits; the first one passed is named in the error.
pub fn check(text: &str, lang: Lang) -> Result<(), OgcError> {
    if text.len() > MAX_FILTER_BYTES {
        return Err(too(format!(
            "it is {} bytes long, at most {MAX_FILTER_BYTES} are accepted",
            text.len()
        )));
    }
    let (depth, terms) = match lang {
        Lang::Cql2Text => scan_text(text),
        Lang::Cql2Json => scan_json(text),
    };
    if depth > MAX_DEPTH {
        return Err(too(format!(
            "it nests {depth} levels deep, at most {MAX_DEPTH} are accepted"
        )));
    }
    if terms > MAX_TERMS {
        return Err(too(format!(
            "it has {terms} logical operators, at most {MAX_TERMS} are accepted"
        )));
    }
    Ok(())
}

/// The deepest nesting and the number of logical operators of a cql2-text filter.
fn scan_text(text: &str) -> (usize, usize) {
    let (mut depth, mut max, mut terms) = (0usize, 0usize, 0usize);
    // Prefix operators in a row (NOT NOT x, - - 5) nest as parentheses do.
    let mut prefix_run = 0usize;
    let mut quote: Option<char> = None;
    let mut word = String::new();
    let end_word = |word: &mut String, terms: &mut usize, prefix_run: &mut usize| {
        if word.is_empty() {
            return;
        }
        if word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or") {
            *terms += 1;
            *prefix_run = 0;
        } else if word.eq_ignore_ascii_case("not") {
            *terms += 1;
            *prefix_run += 1;
        } else {
            *prefix_run = 0;
        }
        word.clear();
    };
    for c in text.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            // Only short words can be operators; longer ones are kept short.
            if word.len() < 8 {
                word.push(c);
            }
            continue;
        }
        end_word(&mut word, &mut terms, &mut prefix_run);
        match c {
            '\'' | '"' => quote = Some(c),
            '(' | '[' => {
                depth += 1;
                prefix_run = 0;
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            '-' | '+' => prefix_run += 1,
            c if c.is_whitespace() => {}
            _ => prefix_run = 0,
        }
        max = max.max(depth + prefix_run);
    }
    end_word(&mut word, &mut terms, &mut prefix_run);
    (max.max(depth + prefix_run), terms)
}

/// The deepest nesting and the number of `"op"` keys of a cql2-json filter.
fn scan_json(text: &str) -> (usize, usize) {
    let (mut depth, mut max, mut terms) = (0usize, 0usize, 0usize);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if bytes.get(start..i) == Some(b"op".as_slice()) {
                    terms += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    (max, terms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_terms_and_length_are_counted_outside_quotes() {
        assert_eq!(scan_text("a = 1"), (0, 0));
        assert_eq!(scan_text("((a = 1)) AND NOT (b = 'x ((( AND')"), (2, 2));
        assert_eq!(scan_text("NOT NOT NOT a = 1").0, 3);
        assert_eq!(scan_text("a = - - - 1").0, 3);
        assert_eq!(scan_text("name = 'it''s (' or b = \"odd ( name\"").0, 0);
        assert_eq!(
            scan_json(r#"{"op": "=", "args": [{"property": "a"}, "{[[[\"op\""]}"#),
            (3, 1)
        );
        let deep = format!("{}a = 1{}", "(".repeat(400), ")".repeat(400));
        assert!(check(&deep, Lang::Cql2Text).is_err());
        let deep = format!("{}a = 1{}", "(".repeat(32), ")".repeat(32));
        assert!(check(&deep, Lang::Cql2Text).is_ok());
        let many = vec!["a = 1"; 300].join(" OR ");
        assert!(
            check(&many, Lang::Cql2Text)
                .unwrap_err()
                .to_string()
                .contains("logical operators")
        );
        assert!(check(&"x".repeat(MAX_FILTER_BYTES + 1), Lang::Cql2Text).is_err());
        let json = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(check(&json, Lang::Cql2Json).is_err());
    }
}

//! The raw query string of a request as name/value pairs (`application/x-www-form-urlencoded`
//! decoding: `+` is a space, `%XX` a byte, the result UTF-8), with the checks every endpoint
//! shares: no unknown parameter, no parameter given twice.

use super::OgcError;

/// Decoded query parameters, in the order given.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

fn decode(s: &str) -> Result<String, OgcError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        OgcError::bad(format!(
                            "the query string has a broken escape near {:?}: write % as %25",
                            &s[i..s.len().min(i + 3)]
                        ))
                    })?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| {
        OgcError::bad("the query string is not UTF-8 once decoded: percent-encode text as UTF-8")
    })
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Query {
    /// Parses a raw query string (`None` when the URL has none).
    pub fn parse(raw: Option<&str>) -> Result<Query, OgcError> {
        let mut pairs = Vec::new();
        for part in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            pairs.push((decode(k)?, decode(v)?));
        }
        Ok(Query { pairs })
    }

    /// Fails on the first parameter `known` does not accept, naming it and listing `expected`.
    pub fn only(&self, known: impl Fn(&str) -> bool, expected: &str) -> Result<(), OgcError> {
        match self.pairs.iter().find(|(k, _)| !known(k)) {
            Some((k, _)) => Err(OgcError::bad(format!(
                "unknown query parameter {k:?}; this endpoint takes {expected}"
            ))),
            None => Ok(()),
        }
    }

    /// The value of `name`, if given; giving it twice is an error.
    pub fn one(&self, name: &str) -> Result<Option<&str>, OgcError> {
        let mut found = self.pairs.iter().filter(|(k, _)| k == name);
        let first = found.next().map(|(_, v)| v.as_str());
        if found.next().is_some() {
            return Err(OgcError::bad(format!(
                "{name} is given more than once; give it once"
            )));
        }
        Ok(first)
    }

    /// The query string again, percent-encoded, without the parameters named in `drop`.
    pub fn encode_without(&self, drop: &[&str]) -> String {
        self.pairs
            .iter()
            .filter(|(k, _)| !drop.contains(&k.as_str()))
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Every parameter, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_checks() {
        let q = Query::parse(Some("filter=a%20%3D%20'x+y'&limit=5&&bbox")).unwrap();
        assert_eq!(q.one("filter").unwrap(), Some("a = 'x y'"));
        assert_eq!(q.one("bbox").unwrap(), Some(""));
        assert!(q.only(|k| k != "limit", "x").is_err());
        assert!(Query::parse(Some("a=%zz")).is_err());
        assert!(Query::parse(Some("a=1&a=2")).unwrap().one("a").is_err());
        let arabic = Query::parse(Some("q=%D8%AD%D9%8A")).unwrap();
        assert_eq!(arabic.one("q").unwrap(), Some("حي"));
        let again = Query::parse(Some(&q.encode_without(&["limit"]))).unwrap();
        assert_eq!(again.one("filter").unwrap(), Some("a = 'x y'"));
        assert_eq!(again.one("limit").unwrap(), None);
    }
}

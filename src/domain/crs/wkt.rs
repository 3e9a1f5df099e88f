const MAX_DEPTH: usize = 32;

/// A value inside a WKT node.
pub(super) enum Value {
    Text(String),
    Number(f64),
    Node(Node),
}

/// `KEYWORD[value, value, ...]`, keyword upper-cased.
pub(super) struct Node {
    pub(super) keyword: String,
    pub(super) values: Vec<Value>,
}

impl Node {
    /// The first value when it is a quoted string (the object's name).
    pub(super) fn name(&self) -> Option<&str> {
        match self.values.first()? {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The value at `i` as a number (quoted numbers too).
    pub(super) fn number(&self, i: usize) -> Option<f64> {
        match self.values.get(i)? {
            Value::Number(n) => Some(*n),
            Value::Text(t) => t.trim().parse().ok(),
            Value::Node(_) => None,
        }
    }

    pub(super) fn children(&self) -> impl Iterator<Item = &Node> {
        self.values.iter().filter_map(|v| match v {
            Value::Node(n) => Some(n),
            _ => None,
        })
    }

    pub(super) fn child(&self, keyword: &str) -> Option<&Node> {
        self.children().find(|c| c.keyword == keyword)
    }

    /// `AUTHORITY["EPSG","32639"]` or `ID["EPSG",32639]` directly in this node.
    pub(super) fn authority_code(&self) -> Option<u32> {
        self.children()
            .filter(|c| c.keyword == "AUTHORITY" || c.keyword == "ID")
            .find(|c| c.name().is_some_and(|n| n.eq_ignore_ascii_case("EPSG")))
            .and_then(|c| c.number(1))
            .filter(|n| n.fract() == 0.0 && *n > 0.0 && *n <= f64::from(u32::MAX))
            .map(|n| n as u32)
    }
}

/// Parses one WKT object; trailing text (e.g. a newline) is ignored.
pub(super) fn parse(s: &str) -> Option<Node> {
    let mut p = Parser {
        s: s.as_bytes(),
        i: 0,
    };
    p.skip_ws();
    let keyword = p.keyword()?;
    p.skip_ws();
    p.node(keyword, 0)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.i += 1;
        }
    }

    fn keyword(&mut self) -> Option<String> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.i += 1;
        }
        (self.i > start)
            .then(|| String::from_utf8_lossy(&self.s[start..self.i]).to_ascii_uppercase())
    }

    /// The bracketed part of a node whose keyword has been read.
    fn node(&mut self, keyword: String, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let close = match self.peek()? {
            b'[' => b']',
            b'(' => b')',
            _ => return None,
        };
        self.i += 1;
        let mut values = Vec::new();
        loop {
            self.skip_ws();
            if self.peek()? == close && values.is_empty() {
                self.i += 1;
                break;
            }
            values.push(self.value(depth)?);
            self.skip_ws();
            match self.peek()? {
                b',' => self.i += 1,
                b if b == close => {
                    self.i += 1;
                    break;
                }
                _ => return None,
            }
        }
        Some(Node { keyword, values })
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        match self.peek()? {
            b'"' => self.text().map(Value::Text),
            b'-' | b'+' | b'.' | b'0'..=b'9' => {
                let start = self.i;
                while self.peek().is_some_and(|b| {
                    b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')
                }) {
                    self.i += 1;
                }
                std::str::from_utf8(&self.s[start..self.i])
                    .ok()?
                    .parse()
                    .ok()
                    .map(Value::Number)
            }
            _ => {
                let keyword = self.keyword()?;
                self.skip_ws();
                match self.peek() {
                    Some(b'[' | b'(') => self.node(keyword, depth + 1).map(Value::Node),
                    // A bare enumeration value such as AXIS["E",EAST].
                    _ => Some(Value::Text(keyword)),
                }
            }
        }
    }

    /// A double-quoted string; `""` inside stands for one quote (WKT 2).
    fn text(&mut self) -> Option<String> {
        self.i += 1; // opening quote
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            self.i += 1;
            if b == b'"' {
                if self.peek() == Some(b'"') {
                    self.i += 1;
                    out.push(b'"');
                } else {
                    break;
                }
            } else {
                out.push(b);
            }
        }
        Some(String::from_utf8_lossy(&out).into_owned())
    }
}

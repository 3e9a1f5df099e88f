//! GeoJSON reader: a FeatureCollection streamed feature by feature (memory does not grow with
//! the file), a lone Feature, or newline-delimited GeoJSON (GeoJSONSeq, `.geojsonl`/`.ndjson`).
//!
//! The collection is scanned byte by byte, tracking strings and nesting, so that each element of
//! `features` is cut out and parsed on its own: a garbage element is rejected alone, and a file
//! that ends inside a feature yields the complete features and one "truncated" rejection.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::{Map, Value};

use super::json_geometry::geometry_from_json;
use super::source::{
    BytesRead, CountingRead, FeatureSource, ReadError, ReadItem, SourcePosition, SourceRecord,
    Stop, excerpt,
};

/// A GeoJSON file.
pub struct GeoJsonSource {
    path: String,
    input: BufReader<CountingRead<File>>,
    line_mode: bool,
    declared_crs: Option<String>,
}

impl GeoJsonSource {
    /// Opens `path`; newline-delimited when the extension says so or the first line is a Feature.
    pub fn open(path: &Path, bytes: BytesRead) -> Result<Self, ReadError> {
        let io = |source| ReadError::Io {
            path: path.display().to_string(),
            source,
        };
        let file = File::open(path).map_err(io)?;
        let mut input = BufReader::with_capacity(
            1 << 16,
            CountingRead {
                inner: file,
                counter: bytes,
            },
        );
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let mut line_mode = matches!(
            ext.as_str(),
            "geojsonl" | "geojsons" | "geojsonseq" | "ndjson" | "jsonl"
        );
        let mut declared_crs = None;
        if !line_mode {
            // Peek at the start: a first line that is a whole Feature means GeoJSONSeq; a
            // collection's "crs" member, if it comes early, names the source CRS.
            let head = input.fill_buf().map_err(io)?.to_vec();
            let first_line = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
            if (first_line.len() < head.len() || head.len() < (1 << 16))
                && let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(trim_rs(first_line))
            {
                line_mode = o.get("type").and_then(Value::as_str) == Some("Feature");
            }
            declared_crs = sniff_crs(&head);
        }
        Ok(GeoJsonSource {
            path: path.display().to_string(),
            input,
            line_mode,
            declared_crs,
        })
    }
}

fn trim_rs(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace() && *c != 0x1e)
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end.max(start)]
}

/// Finds a GeoJSON 2008 `"crs": {"type": "name", "properties": {"name": ...}}` in the first bytes.
fn sniff_crs(head: &[u8]) -> Option<String> {
    let at = head.windows(5).position(|w| w == b"\"crs\"")?;
    let rest = &head[at + 5..];
    let colon = rest.iter().position(|b| *b == b':')?;
    let value = serde_json::Deserializer::from_slice(&rest[colon + 1..])
        .into_iter::<Value>()
        .next()?
        .ok()?;
    value["properties"]["name"].as_str().map(str::to_string)
}

impl FeatureSource for GeoJsonSource {
    fn declared_crs(&self) -> Option<String> {
        self.declared_crs.clone()
    }

    fn read_all(
        self: Box<Self>,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
    ) -> Result<(), ReadError> {
        let GeoJsonSource {
            path,
            input,
            line_mode,
            ..
        } = *self;
        let result = if line_mode {
            read_lines(input, sink)
        } else {
            Scanner::new(input).run(sink)
        };
        match result {
            Ok(()) | Err(Failure::Stop) => Ok(()),
            Err(Failure::Io(source)) => Err(ReadError::Io { path, source }),
        }
    }
}

enum Failure {
    Stop,
    Io(std::io::Error),
}

impl From<Stop> for Failure {
    fn from(_: Stop) -> Self {
        Failure::Stop
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Io(e)
    }
}

/// Turns one parsed JSON value into a record, or says why it is not one.
fn item_from_json(text: &[u8], position: SourcePosition) -> ReadItem {
    let unreadable = |message: String| ReadItem::Unreadable {
        position,
        message,
        excerpt: excerpt(&String::from_utf8_lossy(text), 200),
    };
    let value: Value = match serde_json::from_slice(text) {
        Ok(v) => v,
        Err(e) if e.is_eof() => {
            return unreadable(format!(
                "truncated: the input ends inside this feature ({e})"
            ));
        }
        Err(e) => return unreadable(format!("not valid JSON: {e}")),
    };
    let Value::Object(mut o) = value else {
        return unreadable("not a GeoJSON Feature object".into());
    };
    match o.get("type").and_then(Value::as_str) {
        Some("Feature") => {}
        Some(other) => {
            return unreadable(format!("a GeoJSON {other} where a Feature was expected"));
        }
        None => return unreadable("an object without \"type\": \"Feature\"".into()),
    }
    let properties = match o.remove("properties") {
        Some(Value::Object(p)) => p,
        None | Some(Value::Null) => Map::new(),
        Some(_) => return unreadable("\"properties\" is not an object".into()),
    };
    let geometry = geometry_from_json(o.get("geometry").unwrap_or(&Value::Null));
    ReadItem::Record(SourceRecord {
        position,
        id: o.remove("id"),
        properties,
        geometry,
    })
}

fn read_lines(
    mut input: BufReader<CountingRead<File>>,
    sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
) -> Result<(), Failure> {
    let mut line = Vec::new();
    let (mut line_no, mut record) = (0u64, 0u64);
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        line_no += 1;
        let text = trim_rs(&line);
        if text.is_empty() {
            continue;
        }
        record += 1;
        sink(item_from_json(
            text,
            SourcePosition {
                record,
                line: Some(line_no),
            },
        ))?;
    }
}

/// A byte scanner over a GeoJSON text holding one or more top-level values.
struct Scanner<R: Read> {
    input: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    line: u64,
    record: u64,
}

impl<R: Read> Scanner<R> {
    fn new(input: R) -> Self {
        Scanner {
            input,
            buf: vec![0; 1 << 16].into_boxed_slice(),
            pos: 0,
            len: 0,
            line: 1,
            record: 0,
        }
    }

    fn peek(&mut self) -> Result<Option<u8>, Failure> {
        if self.pos == self.len {
            self.len = self.input.read(&mut self.buf)?;
            self.pos = 0;
            if self.len == 0 {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.pos]))
    }

    fn bump(&mut self) -> Result<Option<u8>, Failure> {
        let b = self.peek()?;
        if let Some(c) = b {
            self.pos += 1;
            if c == b'\n' {
                self.line += 1;
            }
        }
        Ok(b)
    }

    fn skip_ws(&mut self) -> Result<Option<u8>, Failure> {
        while let Some(c) = self.peek()? {
            if c.is_ascii_whitespace() || c == 0x1e || c == 0xEF || c == 0xBB || c == 0xBF {
                self.bump()?;
            } else {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// Copies one value (or garbage) up to, not including, a `,` `]` `}` at its own level.
    /// Returns the text and whether the input ended first.
    fn capture(&mut self) -> Result<(Vec<u8>, bool), Failure> {
        let mut out = Vec::new();
        let mut depth = 0i32;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let Some(c) = self.peek()? else {
                return Ok((out, true));
            };
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == b'\\' {
                    escaped = true;
                } else if c == b'"' {
                    in_string = false;
                }
            } else {
                match c {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth == 0 => return Ok((out, false)),
                    b'}' | b']' => depth -= 1,
                    b',' if depth == 0 => return Ok((out, false)),
                    _ => {}
                }
            }
            out.push(c);
            self.bump()?;
        }
    }

    fn run(mut self, sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>) -> Result<(), Failure> {
        while let Some(c) = self.skip_ws()? {
            let line = self.line;
            if c != b'{' {
                let (text, _) = self.capture()?;
                self.bump()?;
                self.record += 1;
                sink(ReadItem::Unreadable {
                    position: SourcePosition {
                        record: self.record,
                        line: Some(line),
                    },
                    message: "not a GeoJSON object".into(),
                    excerpt: excerpt(&String::from_utf8_lossy(&text), 200),
                })?;
                continue;
            }
            self.top_level_object(sink, line)?;
        }
        Ok(())
    }

    /// Reads a top-level object: streams `features` if it is a collection, else treats it as a Feature.
    fn top_level_object(
        &mut self,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
        line: u64,
    ) -> Result<(), Failure> {
        self.bump()?; // '{'
        let mut members = Vec::from(&b"{"[..]);
        let mut saw_features = false;
        loop {
            match self.skip_ws()? {
                None => {
                    return self.truncated(sink, line, &members, saw_features);
                }
                Some(b'}') => {
                    self.bump()?;
                    break;
                }
                Some(b',') => {
                    self.bump()?;
                    continue;
                }
                Some(_) => {}
            }
            let (key, eof) = self.capture_key()?;
            if eof {
                return self.truncated(sink, line, &members, saw_features);
            }
            if key == "features" && self.skip_ws()? == Some(b'[') {
                self.bump()?;
                saw_features = true;
                if !self.features(sink)? {
                    return Ok(());
                }
                continue;
            }
            let (value, eof) = self.capture()?;
            if eof {
                return self.truncated(sink, line, &members, saw_features);
            }
            if members.len() > 1 {
                members.push(b',');
            }
            members.extend_from_slice(serde_json::to_string(&key).unwrap_or_default().as_bytes());
            members.push(b':');
            members.extend_from_slice(&value);
        }
        if !saw_features {
            members.push(b'}');
            self.record += 1;
            sink(item_from_json(
                &members,
                SourcePosition {
                    record: self.record,
                    line: Some(line),
                },
            ))?;
        }
        Ok(())
    }

    fn truncated(
        &mut self,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
        line: u64,
        text: &[u8],
        in_collection: bool,
    ) -> Result<(), Failure> {
        let message = if in_collection {
            format!(
                "truncated: the file ends after feature {} before the collection is closed; any later features are missing",
                self.record
            )
        } else {
            "truncated: the file ends inside this object".to_string()
        };
        self.record += 1;
        sink(ReadItem::Unreadable {
            position: SourcePosition {
                record: self.record,
                line: Some(line),
            },
            message,
            excerpt: excerpt(&String::from_utf8_lossy(text), 200),
        })?;
        Ok(())
    }

    /// Reads `"key" :`; returns the key and whether the input ended.
    fn capture_key(&mut self) -> Result<(String, bool), Failure> {
        let mut raw = Vec::new();
        let mut escaped = false;
        let mut started = false;
        loop {
            let Some(c) = self.bump()? else {
                return Ok((String::new(), true));
            };
            if !started {
                if c == b'"' {
                    started = true;
                }
                continue;
            }
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                break;
            }
            raw.push(c);
        }
        let key = serde_json::from_slice::<String>(&[b"\"", &raw[..], b"\""].concat())
            .unwrap_or_default();
        match self.skip_ws()? {
            Some(b':') => {
                self.bump()?;
                Ok((key, false))
            }
            Some(_) => Ok((key, false)),
            None => Ok((key, true)),
        }
    }

    /// Streams the elements of a `features` array. Returns false when the input ended inside it.
    fn features(
        &mut self,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
    ) -> Result<bool, Failure> {
        loop {
            let Some(c) = self.skip_ws()? else {
                self.truncated(sink, self.line, b"", true)?;
                return Ok(false);
            };
            if c == b']' {
                self.bump()?;
                return Ok(true);
            }
            let line = self.line;
            let (text, eof) = self.capture()?;
            let trimmed = trim_rs(&text);
            if eof {
                if trimmed.is_empty() {
                    self.truncated(sink, line, b"", true)?;
                } else {
                    self.record += 1;
                    let position = SourcePosition {
                        record: self.record,
                        line: Some(line),
                    };
                    sink(ReadItem::Unreadable {
                        position,
                        message: "truncated: the file ends inside this feature".into(),
                        excerpt: excerpt(&String::from_utf8_lossy(trimmed), 200),
                    })?;
                }
                return Ok(false);
            }
            if !trimmed.is_empty() {
                self.record += 1;
                sink(item_from_json(
                    trimmed,
                    SourcePosition {
                        record: self.record,
                        line: Some(line),
                    },
                ))?;
            }
            if self.peek()? == Some(b',') {
                self.bump()?;
            } else if self.peek()? == Some(b'}') {
                // A stray '}' at array level: skip it as garbage.
                self.bump()?;
            }
        }
    }
}

#[cfg(test)]
mod tests;

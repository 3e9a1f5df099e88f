//! CSV (and TSV) reader: one record per row, geometry from a pair of coordinate columns
//! (`lon`/`lat`, `x`/`y`, `easting`/`northing`, ...) or from a WKT column.
//!
//! The delimiter is `,`, a tab for `.tsv`, or `;` (or a tab) when the header row has more of
//! those than commas. Rows are streamed: memory does not grow with the file. CSV has no types, so
//! every other non-empty cell becomes a string property (the attribute mapper parses numbers and
//! dates from text). A row with the wrong number of fields or with bytes that are not UTF-8 is
//! handed on as unreadable, with its line, and reading goes on.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use ::csv::{ByteRecord, ReaderBuilder};
use geozero::GeozeroGeometry;
use geozero::wkt::Wkt;
use serde_json::{Map, Value};

use super::raw_builder::RawBuilder;
use super::source::{
    BytesRead, CountingRead, FeatureSource, ReadError, ReadItem, SourcePosition, SourceRecord,
    Stop, excerpt,
};
use crate::domain::RawGeometry;

/// Coordinate column pairs, in order of preference, matched case-insensitively.
const COORDINATE_PAIRS: &[(&str, &str)] = &[
    ("lon", "lat"),
    ("lng", "lat"),
    ("long", "lat"),
    ("longitude", "latitude"),
    ("x", "y"),
    ("easting", "northing"),
    ("e", "n"),
];

/// Names of a column holding WKT geometry, matched case-insensitively.
const WKT_COLUMNS: &[&str] = &["wkt", "geometry", "geom", "the_geom"];

/// Where a row's geometry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GeometryColumns {
    /// Column indexes of x (longitude, easting) and y (latitude, northing).
    Coordinates { x: usize, y: usize },
    /// Column index of a WKT text.
    Wkt(usize),
}

impl GeometryColumns {
    fn contains(self, i: usize) -> bool {
        match self {
            GeometryColumns::Coordinates { x, y } => i == x || i == y,
            GeometryColumns::Wkt(w) => i == w,
        }
    }
}

/// A CSV file with a header row.
pub struct CsvSource {
    path: PathBuf,
    reader: ::csv::Reader<CountingRead<File>>,
    /// Property name of each column (the header, made unique).
    names: Vec<String>,
    geometry: GeometryColumns,
    delimiter: u8,
}

impl CsvSource {
    /// Opens `path`, picks the delimiter and reads the header row. Fails when the header names
    /// neither a coordinate pair nor a WKT column.
    pub fn open(path: &Path, bytes: BytesRead) -> Result<Self, ReadError> {
        let io = |source| ReadError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut first_line = Vec::new();
        BufReader::new(File::open(path).map_err(io)?)
            .take(1 << 20)
            .read_until(b'\n', &mut first_line)
            .map_err(io)?;
        let delimiter = sniff_delimiter(path, &first_line);
        let file = File::open(path).map_err(io)?;
        let mut reader = ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(CountingRead {
                inner: file,
                counter: bytes,
            });
        let headers = match reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(csv_error(path, e)),
        };
        let mut names = Vec::with_capacity(headers.len());
        for (i, raw) in headers.iter().enumerate() {
            let name = std::str::from_utf8(raw).map_err(|_| {
                format_error(
                    path,
                    format!("header of column {} is not UTF-8 text", i + 1),
                )
            })?;
            names.push(unique_name(name.trim(), i, &names));
        }
        if headers.is_empty() {
            return Err(format_error(
                path,
                "the file is empty: a header row is required".into(),
            ));
        }
        let geometry = find_geometry(&names).ok_or_else(|| {
            let pairs: Vec<String> = COORDINATE_PAIRS
                .iter()
                .map(|(x, y)| format!("{x}/{y}"))
                .collect();
            format_error(
                path,
                format!(
                    "no geometry column: expected a coordinate pair ({}) or a WKT column ({}); \
                     the header has: {}",
                    pairs.join(", "),
                    WKT_COLUMNS.join(", "),
                    names.join(", ")
                ),
            )
        })?;
        Ok(CsvSource {
            path: path.to_path_buf(),
            reader,
            names,
            geometry,
            delimiter,
        })
    }

    /// Turns one row into a record, or says why it is not one.
    fn item(&self, row: &ByteRecord, position: SourcePosition) -> ReadItem {
        let unreadable = |message: String| ReadItem::Unreadable {
            position,
            message,
            excerpt: row_excerpt(row, self.delimiter),
        };
        if row.len() != self.names.len() {
            return unreadable(format!(
                "the row has {} fields but the header has {}",
                row.len(),
                self.names.len()
            ));
        }
        let mut cells = Vec::with_capacity(row.len());
        for (i, raw) in row.iter().enumerate() {
            match std::str::from_utf8(raw) {
                Ok(s) => cells.push(s),
                Err(_) => {
                    return unreadable(format!(
                        "column {}: the text is not UTF-8 (save the file as UTF-8)",
                        self.names[i]
                    ));
                }
            }
        }
        let geometry = match self.geometry {
            GeometryColumns::Coordinates { x, y } => {
                coordinates((&self.names[x], cells[x]), (&self.names[y], cells[y]))
            }
            GeometryColumns::Wkt(w) => wkt_geometry(cells[w]),
        };
        let mut properties = Map::new();
        for (i, cell) in cells.iter().enumerate() {
            if !self.geometry.contains(i) && !cell.trim().is_empty() {
                properties.insert(self.names[i].clone(), Value::from(*cell));
            }
        }
        ReadItem::Record(SourceRecord {
            position,
            id: None,
            properties,
            geometry,
        })
    }
}

impl FeatureSource for CsvSource {
    fn declared_crs(&self) -> Option<String> {
        None
    }

    fn read_all(
        mut self: Box<Self>,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
    ) -> Result<(), ReadError> {
        let mut row = ByteRecord::new();
        let mut record = 0u64;
        loop {
            let item = match self.reader.read_byte_record(&mut row) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    record += 1;
                    let line = row.position().map(|p| p.line());
                    self.item(&row, SourcePosition { record, line })
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    match e.into_kind() {
                        ::csv::ErrorKind::Io(source) => {
                            return Err(ReadError::Io {
                                path: self.path.display().to_string(),
                                source,
                            });
                        }
                        kind => {
                            record += 1;
                            ReadItem::Unreadable {
                                position: SourcePosition { record, line },
                                message: format!("unreadable row: {kind:?}"),
                                excerpt: String::new(),
                            }
                        }
                    }
                }
            };
            if sink(item).is_err() {
                return Ok(());
            }
        }
    }
}

fn format_error(path: &Path, message: String) -> ReadError {
    ReadError::Format {
        path: path.display().to_string(),
        format: "CSV",
        message,
    }
}

fn csv_error(path: &Path, e: ::csv::Error) -> ReadError {
    match e.into_kind() {
        ::csv::ErrorKind::Io(source) => ReadError::Io {
            path: path.display().to_string(),
            source,
        },
        kind => format_error(path, format!("{kind:?}")),
    }
}

/// Tab for `.tsv`; otherwise `;` or a tab when the header row has more of them than commas.
fn sniff_delimiter(path: &Path, header: &[u8]) -> u8 {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if ext.as_deref() == Some("tsv") {
        return b'\t';
    }
    let count = |c: u8| header.iter().filter(|b| **b == c).count();
    let (commas, semicolons, tabs) = (count(b','), count(b';'), count(b'\t'));
    if semicolons > commas && semicolons >= tabs {
        b';'
    } else if tabs > commas && tabs > semicolons {
        b'\t'
    } else {
        b','
    }
}

/// The header name, or `column_N` when empty, with `_2`, `_3`, ... when already taken.
fn unique_name(name: &str, index: usize, taken: &[String]) -> String {
    let base = if name.is_empty() {
        format!("column_{}", index + 1)
    } else {
        name.to_string()
    };
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|c| !taken.contains(c))
        .unwrap_or(base)
}

/// The first coordinate pair present, else the first WKT column.
fn find_geometry(names: &[String]) -> Option<GeometryColumns> {
    let find = |wanted: &str| names.iter().position(|n| n.eq_ignore_ascii_case(wanted));
    let wkt = WKT_COLUMNS.iter().find_map(|w| find(w));
    if let Some(w) = wkt {
        return Some(GeometryColumns::Wkt(w));
    }
    COORDINATE_PAIRS.iter().find_map(|(x, y)| {
        Some(GeometryColumns::Coordinates {
            x: find(x)?,
            y: find(y)?,
        })
    })
}

/// Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII; the Arabic decimal separator (٫) and
/// the minus sign (−) to their ASCII forms.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{066B}' => '.',
            '\u{2212}' => '-',
            other => other,
        })
        .collect()
}

/// A point from two coordinate cells: none when a cell is empty, an error when one is not a
/// number. `NaN` and `inf` are numbers here; validation rejects them as not finite.
fn coordinates(x: (&str, &str), y: (&str, &str)) -> Result<Option<RawGeometry>, String> {
    let parse = |(column, cell): (&str, &str)| -> Result<Option<f64>, String> {
        let t = cell.trim();
        if t.is_empty() {
            return Ok(None);
        }
        ascii_digits(t)
            .parse::<f64>()
            .map(Some)
            .map_err(|_| format!("column {column}: {cell:?} is not a number"))
    };
    match (parse(x)?, parse(y)?) {
        (Some(x), Some(y)) => Ok(Some(RawGeometry::Point(geo::Coord { x, y }))),
        _ => Ok(None),
    }
}

/// A geometry from a WKT cell: none when empty.
fn wkt_geometry(cell: &str) -> Result<Option<RawGeometry>, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let mut builder = RawBuilder::default();
    Wkt(text)
        .process_geom(&mut builder)
        .map_err(|e| format!("invalid WKT: {e}"))?;
    builder
        .finish()
        .map(Some)
        .ok_or_else(|| format!("invalid WKT: no geometry in {:?}", excerpt(text, 60)))
}

fn row_excerpt(row: &ByteRecord, delimiter: u8) -> String {
    let text: Vec<String> = row
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    excerpt(&text.join(&char::from(delimiter).to_string()), 200)
}

#[cfg(test)]
mod tests;

//! FlatGeobuf reader (sequential: no index needed, memory does not grow with the file).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use flatgeobuf::{FallibleStreamingIterator, FgbReader};
use geozero::{ColumnValue, FeatureProperties, GeozeroGeometry, PropertyProcessor};
use serde_json::{Map, Value};

use super::raw_builder::RawBuilder;
use super::source::{
    BytesRead, CountingRead, FeatureSource, ReadError, ReadItem, SourcePosition, SourceRecord, Stop,
};

/// A FlatGeobuf file.
pub struct FgbSource {
    path: PathBuf,
    bytes: BytesRead,
    crs: Option<String>,
}

impl FgbSource {
    /// Opens `path` and reads its header (for the declared CRS).
    pub fn open(path: &Path, bytes: BytesRead) -> Result<Self, ReadError> {
        let reader = FgbReader::open(BufReader::new(
            File::open(path).map_err(|source| io(path, source))?,
        ))
        .map_err(|e| format_error(path, e))?;
        let header = reader.header();
        let crs = header.crs().and_then(|c| {
            let code = c.code();
            let org = c.org().unwrap_or("EPSG");
            if code > 0 {
                Some(format!("{org}:{code}"))
            } else {
                c.code_string().map(str::to_string).or_else(|| {
                    c.wkt()
                        .and_then(crate::domain::crs::epsg_from_prj_wkt)
                        .map(|e| format!("EPSG:{e}"))
                })
            }
        });
        Ok(FgbSource {
            path: path.to_path_buf(),
            bytes,
            crs,
        })
    }
}

fn io(path: &Path, source: std::io::Error) -> ReadError {
    ReadError::io(path, source)
}

fn format_error(path: &Path, e: impl std::fmt::Display) -> ReadError {
    ReadError::format(path, "FlatGeobuf", e)
}

/// Collects properties as JSON values, keeping their types.
#[derive(Default)]
struct Properties(Map<String, Value>);

impl PropertyProcessor for Properties {
    fn property(
        &mut self,
        _idx: usize,
        name: &str,
        value: &ColumnValue,
    ) -> geozero::error::Result<bool> {
        let v = match value {
            ColumnValue::Byte(v) => Value::from(*v),
            ColumnValue::UByte(v) => Value::from(*v),
            ColumnValue::Bool(v) => Value::from(*v),
            ColumnValue::Short(v) => Value::from(*v),
            ColumnValue::UShort(v) => Value::from(*v),
            ColumnValue::Int(v) => Value::from(*v),
            ColumnValue::UInt(v) => Value::from(*v),
            ColumnValue::Long(v) => Value::from(*v),
            ColumnValue::ULong(v) => Value::from(*v),
            ColumnValue::Float(v) => Value::from(f64::from(*v)),
            ColumnValue::Double(v) => Value::from(*v),
            ColumnValue::String(s) => Value::from(*s),
            ColumnValue::DateTime(s) => Value::from(date_or_datetime(s)),
            ColumnValue::Json(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::from(*s)),
            ColumnValue::Binary(b) => {
                Value::from(b.iter().map(|x| format!("{x:02x}")).collect::<String>())
            }
        };
        self.0.insert(name.to_string(), v);
        Ok(false)
    }
}

/// FlatGeobuf has no date type: GDAL and others write a date field as a DateTime at midnight
/// with no zone. Such a value is read back as the date it was, so a FlatGeobuf and a GeoJSON of
/// the same data import the same.
fn date_or_datetime(s: &str) -> &str {
    match s.strip_suffix("T00:00:00") {
        Some(day) if day.len() == 10 && day.as_bytes()[4] == b'-' && day.as_bytes()[7] == b'-' => {
            day
        }
        _ => s,
    }
}

impl FeatureSource for FgbSource {
    fn declared_crs(&self) -> Option<String> {
        self.crs.clone()
    }

    fn read_all(
        self: Box<Self>,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
    ) -> Result<(), ReadError> {
        let path = &self.path;
        let file = File::open(path).map_err(|source| io(path, source))?;
        let counted = BufReader::with_capacity(
            1 << 16,
            CountingRead {
                inner: file,
                counter: self.bytes.clone(),
            },
        );
        let mut features = FgbReader::open(counted)
            .and_then(|r| r.select_all_seq())
            .map_err(|e| format_error(path, e))?;
        let mut record = 0u64;
        loop {
            let feature = match features.next() {
                Ok(Some(f)) => f,
                Ok(None) => return Ok(()),
                Err(e) => {
                    // A damaged or truncated tail: reject what is left and keep what was read.
                    record += 1;
                    let _ = sink(ReadItem::Unreadable {
                        position: SourcePosition { record, line: None },
                        message: format!(
                            "unreadable FlatGeobuf feature (truncated or damaged file): {e}"
                        ),
                        excerpt: String::new(),
                    });
                    return Ok(());
                }
            };
            record += 1;
            let position = SourcePosition { record, line: None };
            let mut props = Properties::default();
            let item = match feature.process_properties(&mut props) {
                Err(e) => ReadItem::Unreadable {
                    position,
                    message: format!("unreadable properties: {e}"),
                    excerpt: String::new(),
                },
                Ok(_) => {
                    let mut builder = RawBuilder::default();
                    let geometry = match feature.process_geom(&mut builder) {
                        Ok(()) => Ok(builder.finish()),
                        Err(geozero::error::GeozeroError::GeometryFormat) => Ok(None),
                        Err(e) => Err(e.to_string()),
                    };
                    ReadItem::Record(SourceRecord {
                        position,
                        id: None,
                        properties: props.0,
                        geometry,
                    })
                }
            };
            if sink(item).is_err() {
                return Ok(());
            }
        }
    }
}

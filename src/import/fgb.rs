//! FlatGeobuf reader (sequential: no index needed, memory does not grow with the file).
//!
//! The `flatgeobuf` crate sizes its buffer from each feature's length prefix before reading
//! it, and asserts on some header values. So the file's layout is walked first ([`layout`]):
//! the header's index size is computed with checked arithmetic, and every length prefix is
//! checked against the bytes that remain. The crate then reads only the well-formed part; a
//! damaged or truncated tail becomes one unreadable record that says where and why.

use std::fs::File;
use std::io::{BufReader, Read};
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
        let layout = layout(path)?;
        let mut features = FgbReader::open(counted.take(layout.features_end))
            .and_then(|r| r.select_all_seq())
            .map_err(|e| format_error(path, e))?;
        let columns: Vec<flatgeobuf::ColumnType> = features
            .header()
            .columns()
            .map(|c| c.iter().map(|c| c.type_()).collect())
            .unwrap_or_default();
        let mut record = 0u64;
        loop {
            let feature = match features.next() {
                Ok(Some(f)) => f,
                Ok(None) => {
                    if let Some(message) = layout.damaged {
                        let _ = sink(ReadItem::Unreadable {
                            position: SourcePosition {
                                record: record + 1,
                                line: None,
                            },
                            message,
                            excerpt: String::new(),
                        });
                    }
                    return Ok(());
                }
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
            if let Err(why) = properties_well_formed(feature, &columns) {
                let item = ReadItem::Unreadable {
                    position,
                    message: format!("unreadable properties (damaged feature): {why}"),
                    excerpt: String::new(),
                };
                if sink(item).is_err() {
                    return Ok(());
                }
                continue;
            }
            // The crate's readers index by the feature's own offsets; the properties were
            // walked above, and a panic left anywhere else becomes this record's rejection.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut props = Properties::default();
                let properties = feature.process_properties(&mut props).map(|_| props);
                let mut builder = RawBuilder::default();
                let geometry = match feature.process_geom(&mut builder) {
                    Ok(()) => Ok(builder.finish()),
                    Err(geozero::error::GeozeroError::GeometryFormat) => Ok(None),
                    Err(e) => Err(e.to_string()),
                };
                (properties, geometry)
            }));
            let Ok((properties, geometry)) = read else {
                let item = ReadItem::Unreadable {
                    position,
                    message: "unreadable feature (damaged geometry or properties)".into(),
                    excerpt: String::new(),
                };
                if sink(item).is_err() {
                    return Ok(());
                }
                continue;
            };
            let item = match properties {
                Err(e) => ReadItem::Unreadable {
                    position,
                    message: format!("unreadable properties: {e}"),
                    excerpt: String::new(),
                },
                Ok(props) => ReadItem::Record(SourceRecord {
                    position,
                    id: None,
                    properties: props.0,
                    geometry,
                }),
            };
            if sink(item).is_err() {
                return Ok(());
            }
        }
    }
}

/// Walks a feature's property bytes as the crate will read them (column index, then a value
/// whose size its column's type gives, strings and blobs length-prefixed), checking every
/// length against the bytes there are; the crate slices without checking.
fn properties_well_formed(
    feature: &flatgeobuf::FgbFeature,
    columns: &[flatgeobuf::ColumnType],
) -> Result<(), String> {
    use flatgeobuf::ColumnType as T;
    let Some(bytes) = feature.fbs_feature().properties().map(|p| p.bytes()) else {
        return Ok(());
    };
    let take = |at: usize, n: usize| -> Result<&[u8], String> {
        bytes
            .get(at..at.checked_add(n).ok_or("length overflows")?)
            .ok_or_else(|| {
                format!(
                    "a value at byte {at} runs past the {} property bytes",
                    bytes.len()
                )
            })
    };
    let mut at = 0usize;
    while at + 1 < bytes.len() {
        let index = take(at, 2)?;
        let column = usize::from(u16::from_le_bytes([index[0], index[1]]));
        at += 2;
        if column >= columns.len() {
            return Err(format!("column {column} of {}", columns.len()));
        }
        let size = match columns[column] {
            T::Byte | T::UByte | T::Bool => 1,
            T::Short | T::UShort => 2,
            T::Int | T::UInt | T::Float => 4,
            T::Long | T::ULong | T::Double => 8,
            T::String | T::Json | T::DateTime | T::Binary => {
                let len = take(at, 4)?;
                at += 4;
                usize::try_from(u32::from_le_bytes([len[0], len[1], len[2], len[3]]))
                    .map_err(|_| "length overflows".to_string())?
            }
            other => return Err(format!("column {column} has unknown type {other:?}")),
        };
        take(at, size)?;
        at += size;
    }
    Ok(())
}

/// Where a FlatGeobuf file's well-formed features end, and what is wrong after them.
struct Layout {
    features_end: u64,
    damaged: Option<String>,
}

/// Size in bytes of the packed R-tree the header declares, or `None` when it overflows.
fn index_size(features: u64, node_size: u16) -> Option<u64> {
    if features == 0 || node_size == 0 {
        return Some(0);
    }
    let node_size = u64::from(node_size);
    // As the crate counts: the leaves, then at least one level above them, up to a root.
    let (mut n, mut nodes) = (features, features);
    loop {
        n = n.div_ceil(node_size);
        nodes = nodes.checked_add(n)?;
        if n == 1 {
            break;
        }
    }
    nodes.checked_mul(40)
}

/// Walks the header, the index and every feature's length prefix (seeking over the bodies)
/// without sizing any buffer from the file.
fn layout(path: &Path) -> Result<Layout, ReadError> {
    let file = File::open(path).map_err(|source| io(path, source))?;
    let file_len = file.metadata().map_err(|source| io(path, source))?.len();
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let (features, node_size) = {
        let fgb = FgbReader::open(&mut reader).map_err(|e| format_error(path, e))?;
        let header = fgb.header();
        (header.features_count(), header.index_node_size())
    };
    if node_size == 1 && features > 0 {
        return Err(format_error(
            path,
            "the header declares a spatial index with nodes of size 1 (0, or 2 and more)",
        ));
    }
    let mut head = [0u8; 12];
    let mut start = File::open(path).map_err(|source| io(path, source))?;
    start
        .read_exact(&mut head)
        .map_err(|e| format_error(path, e))?;
    let header_size = u64::from(u32::from_le_bytes([head[8], head[9], head[10], head[11]]));
    let index = index_size(features, node_size)
        .filter(|size| 12 + header_size + size <= file_len)
        .ok_or_else(|| {
            format_error(
                path,
                format!(
                    "the header declares {features} features with a spatial index larger than \
                     the file ({file_len} bytes): the file is truncated or damaged"
                ),
            )
        })?;
    let mut at = 12 + header_size + index;
    reader
        .seek_relative(i64::try_from(index).unwrap_or(i64::MAX))
        .map_err(|source| io(path, source))?;
    let mut count = 0u64;
    let mut prefix = [0u8; 4];
    while at < file_len {
        let left = file_len - at;
        if left < 4 {
            return Ok(Layout {
                features_end: at,
                damaged: Some(format!(
                    "{left} stray byte(s) after feature {count} at byte {at}: the file is damaged"
                )),
            });
        }
        reader
            .read_exact(&mut prefix)
            .map_err(|source| io(path, source))?;
        let size = u64::from(u32::from_le_bytes(prefix));
        if size > left - 4 {
            return Ok(Layout {
                features_end: at,
                damaged: Some(format!(
                    "feature {} at byte {at} declares {size} bytes but only {} remain: the file \
                     is truncated or damaged from here on",
                    count + 1,
                    left - 4
                )),
            });
        }
        reader
            .seek_relative(size as i64)
            .map_err(|source| io(path, source))?;
        at += 4 + size;
        count += 1;
    }
    let damaged = (features > count).then(|| {
        format!(
            "the header declares {features} features but the file holds {count}: \
             the file is truncated"
        )
    });
    Ok(Layout {
        features_end: at,
        damaged,
    })
}

#[cfg(test)]
mod layout_tests {
    use super::index_size;

    #[test]
    fn index_sizes_match_the_crate_and_overflow_is_caught() {
        for (n, node) in [
            (1u64, 16u16),
            (2, 2),
            (17, 16),
            (1000, 16),
            (66_444, 16),
            (5, 65535),
        ] {
            let ours = index_size(n, node).unwrap();
            let theirs =
                flatgeobuf::packed_r_tree::PackedRTree::index_size(n as usize, node) as u64;
            assert_eq!(ours, theirs, "{n} features, nodes of {node}");
        }
        assert_eq!(index_size(0, 16), Some(0));
        assert_eq!(index_size(u64::MAX, 2), None);
    }
}

//! ESRI Shapefile reader: the `.shp` geometry, the `.dbf` attributes beside it, the `.prj` for
//! the declared CRS and the `.cpg` for the text encoding (UTF-8 unless the `.cpg` says otherwise).
//!
//! The `.shp` is read record by record from its own length fields, so a damaged shape becomes a
//! malformed geometry of that record alone and memory does not grow with the file. The `.dbf` is
//! read alongside; its deleted rows (and their shapes) are skipped as GDAL does, and a `.dbf` row
//! that cannot be decoded becomes an unreadable record. Polygon rings are grouped into polygons
//! (`rings`), kept as the file has them.

use std::fs::File;
use std::io::{BufReader, ErrorKind, Read};
use std::path::{Path, PathBuf};

use geo::Coord;
use shapefile::dbase::encoding_rs::Encoding;
use shapefile::{ReadableShape, Shape};

use super::source::{
    BytesRead, CountingRead, FeatureSource, ReadError, ReadItem, SourcePosition, SourceRecord, Stop,
};
use crate::domain::RawGeometry;
use crate::domain::crs::epsg_from_prj_wkt;

mod dbf;
mod rings;

use dbf::{Dbf, Next, Row};

/// A shapefile (`.shp` with its `.dbf`, and optionally `.prj`, `.cpg`).
pub struct ShpSource {
    path: PathBuf,
    dbf: PathBuf,
    bytes: BytesRead,
    crs: Option<String>,
    /// The `.dbf` text encoding when not UTF-8 (from the `.cpg`).
    encoding: Option<&'static Encoding>,
}

impl ShpSource {
    /// Opens `path` (the `.shp`), checks its header, finds the `.dbf`, and reads the `.prj`
    /// and `.cpg` (UTF-8 unless the `.cpg` names another encoding, such as Arabic Windows-1256).
    pub fn open(path: &Path, bytes: BytesRead) -> Result<Self, ReadError> {
        let mut shp = File::open(path).map_err(|e| io(path, e))?;
        shapefile::header::Header::read_from(&mut shp).map_err(|e| format_error(path, e))?;
        let dbf = sibling(path, "dbf").ok_or_else(|| {
            format_error(
                path,
                "the .dbf file that holds the attributes is missing beside it",
            )
        })?;
        let encoding = text_encoding(path)?;
        Dbf::open(&dbf, encoding)?;
        let crs = match sibling(path, "prj") {
            None => None,
            Some(prj) => {
                let raw = std::fs::read(&prj).map_err(|e| io(&prj, e))?;
                let wkt = String::from_utf8_lossy(&raw);
                match epsg_from_prj_wkt(&wkt) {
                    Some(code) => Some(format!("EPSG:{code}")),
                    None => {
                        tracing::warn!(
                            prj = %prj.display(),
                            "the CRS in the .prj is not one madinati recognises; \
                             pass --srs with the source CRS (the data is otherwise read as EPSG:4326)"
                        );
                        None
                    }
                }
            }
        };
        Ok(ShpSource {
            path: path.to_path_buf(),
            dbf,
            bytes,
            crs,
            encoding,
        })
    }
}

fn io(path: &Path, source: std::io::Error) -> ReadError {
    ReadError::io(path, source)
}

fn format_error(path: &Path, e: impl std::fmt::Display) -> ReadError {
    ReadError::format(path, "Shapefile", e)
}

/// The file beside `path` with extension `ext` (lower or upper case), if there is one.
fn sibling(path: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()]
        .into_iter()
        .map(|e| path.with_extension(e))
        .find(|p| p.is_file())
}

/// The `.dbf` text encoding named by the `.cpg`: `None` for UTF-8 (or ASCII, or no `.cpg`), else
/// the encoding, e.g. Windows-1256 for the `1256`, `ANSI 1256` or `CP1256` that Arabic ArcGIS
/// installations write. An encoding that cannot be named is an error that says how to convert.
fn text_encoding(path: &Path) -> Result<Option<&'static Encoding>, ReadError> {
    let Some(cpg) = sibling(path, "cpg") else {
        return Ok(None);
    };
    let raw = std::fs::read(&cpg).map_err(|e| io(&cpg, e))?;
    let name = String::from_utf8_lossy(&raw)
        .trim()
        .trim_start_matches('\u{feff}')
        .to_string();
    let key: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if matches!(
        key.as_str(),
        "" | "utf8" | "65001" | "ascii" | "usascii" | "20127"
    ) {
        return Ok(None);
    }
    let digits: String = key.chars().filter(char::is_ascii_digit).collect();
    let by_code = match digits.as_str() {
        "" => None,
        d if d.starts_with("8859") => {
            Encoding::for_label(format!("iso-8859-{}", &d[4..]).as_bytes())
        }
        d => Encoding::for_label(format!("windows-{d}").as_bytes()),
    };
    let encoding = Encoding::for_label(name.as_bytes()).or(by_code);
    match encoding {
        Some(e) if e == shapefile::dbase::encoding_rs::UTF_8 => Ok(None),
        Some(e) => Ok(Some(e)),
        None => Err(ReadError::Unsupported(format!(
            "{}: the .cpg says the attributes are encoded as {name:?}, which madinati does not \
             know; convert the shapefile first, e.g. `ogr2ogr -lco ENCODING=UTF-8 converted.shp {}`",
            path.display(),
            path.display()
        ))),
    }
}

/// A shape as a raw geometry, rings as the file has them; `None` for a null shape.
fn shape_geometry(shape: Shape) -> Result<Option<RawGeometry>, String> {
    macro_rules! c {
        ($p:expr) => {
            Coord { x: $p.x, y: $p.y }
        };
    }
    let line = |parts: Vec<Vec<Coord>>| match <[_; 1]>::try_from(parts) {
        Ok([one]) => RawGeometry::LineString(one),
        Err(parts) => RawGeometry::MultiLineString(parts),
    };
    Ok(Some(match shape {
        Shape::NullShape => return Ok(None),
        Shape::Point(p) => RawGeometry::Point(c!(p)),
        Shape::PointM(p) => RawGeometry::Point(c!(p)),
        Shape::PointZ(p) => RawGeometry::Point(c!(p)),
        Shape::Multipoint(m) => RawGeometry::MultiPoint(m.points().iter().map(|p| c!(p)).collect()),
        Shape::MultipointM(m) => {
            RawGeometry::MultiPoint(m.points().iter().map(|p| c!(p)).collect())
        }
        Shape::MultipointZ(m) => {
            RawGeometry::MultiPoint(m.points().iter().map(|p| c!(p)).collect())
        }
        Shape::Polyline(l) => line(
            l.parts()
                .iter()
                .map(|l| l.iter().map(|p| c!(p)).collect())
                .collect(),
        ),
        Shape::PolylineM(l) => line(
            l.parts()
                .iter()
                .map(|l| l.iter().map(|p| c!(p)).collect())
                .collect(),
        ),
        Shape::PolylineZ(l) => line(
            l.parts()
                .iter()
                .map(|l| l.iter().map(|p| c!(p)).collect())
                .collect(),
        ),
        Shape::Polygon(p) => rings::group(rings::classified(p.rings(), |p| c!(p))),
        Shape::PolygonM(p) => rings::group(rings::classified(p.rings(), |p| c!(p))),
        Shape::PolygonZ(p) => rings::group(rings::classified(p.rings(), |p| c!(p))),
        Shape::Multipatch(_) => {
            return Err("a MultiPatch (3D surface) shape, which madinati does not read".into());
        }
    }))
}

/// Checks a record's own counts (parts, points) against its length before the `shapefile`
/// crate sizes its buffers from them: a damaged count must not become a huge allocation.
fn counts_fit(content: &[u8]) -> Result<(), String> {
    let int = |at: usize| {
        content
            .get(at..at + 4)
            .map(|b| i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    };
    let Some(kind) = int(0) else {
        return Err("the record is too short to hold a shape type".into());
    };
    // Bytes the counts need at least: XY points (16 bytes) and part starts (4 bytes).
    let needed = match kind {
        8 | 18 | 28 => int(36).map(|points| (points, 40 + 16 * points)),
        3 | 5 | 13 | 15 | 23 | 25 | 31 => match (int(36), int(40)) {
            (Some(parts), Some(points)) if parts >= 0 => {
                Some((points, 44 + 4 * parts + 16 * points))
            }
            (Some(parts), Some(_)) => Some((parts, 0)),
            _ => None,
        },
        _ => return Ok(()),
    };
    match needed {
        None => Err(format!(
            "the record is too short for a shape of type {kind}"
        )),
        Some((count, _)) if count < 0 => Err(format!("a negative count ({count}) in the record")),
        Some((_, bytes)) if bytes > content.len() as i64 => Err(format!(
            "the record's counts need {bytes} bytes but it holds {}",
            content.len()
        )),
        Some((points, _)) if matches!(kind, 3 | 5 | 13 | 15 | 23 | 25 | 31) => {
            // Each part starts at a point of the shape, in order (the crate sizes each part
            // from the difference of two starts).
            let parts = int(36).unwrap_or(0);
            let mut previous = 0;
            for i in 0..parts {
                let start = int(44 + 4 * i as usize).unwrap_or(-1);
                if start < previous || start >= points.max(1) || (i == 0 && start != 0) {
                    return Err(format!(
                        "part {} starts at point {start}, outside the shape's {points} points or \
                         out of order",
                        i + 1
                    ));
                }
                previous = start;
            }
            Ok(())
        }
        Some(_) => Ok(()),
    }
}

/// Reads one shape from the content of its record.
fn read_shape(content: &[u8]) -> Result<Option<RawGeometry>, String> {
    counts_fit(content).map_err(|e| format!("damaged shape record: {e}"))?;
    let len = i32::try_from(content.len()).map_err(|_| "shape record too large".to_string())?;
    let shape = Shape::read_from(&mut std::io::Cursor::new(content), len)
        .map_err(|e| format!("damaged shape record: {e}"))?;
    shape_geometry(shape)
}

impl FeatureSource for ShpSource {
    fn declared_crs(&self) -> Option<String> {
        self.crs.clone()
    }

    fn read_all(
        self: Box<Self>,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
    ) -> Result<(), ReadError> {
        let ShpSource {
            path,
            dbf: dbf_path,
            bytes,
            ..
        } = *self;
        let path = path.as_path();
        let file = File::open(path).map_err(|e| io(path, e))?;
        // Every length field is checked against what the file really holds before a buffer is
        // sized from it: a damaged header cannot make the reader allocate gigabytes.
        let file_len = file.metadata().map_err(|e| io(path, e))?.len();
        let mut shp = BufReader::with_capacity(
            1 << 16,
            CountingRead {
                inner: file,
                counter: bytes,
            },
        );
        let header =
            shapefile::header::Header::read_from(&mut shp).map_err(|e| format_error(path, e))?;
        let end = u64::try_from(header.file_length).unwrap_or(0) * 2;
        let mut dbf = Dbf::open(&dbf_path, self.encoding)?;
        let mut rows = dbf.rows();
        let mut pending = rows.next()?;
        let rest = |record: u64, message: &str| ReadItem::Unreadable {
            position: SourcePosition { record, line: None },
            message: message.to_string(),
            excerpt: String::new(),
        };
        let (mut at_byte, mut shape) = (100u64, 0u64);
        let mut content = Vec::new();
        while at_byte + 8 <= end {
            shape += 1;
            let mut head = [0u8; 8];
            if let Err(e) = shp.read_exact(&mut head) {
                let message = "the .shp ends early: this record and any after it are missing";
                return truncated(e, path, sink, rest(shape, message));
            }
            let words = i32::from_be_bytes([head[4], head[5], head[6], head[7]]);
            let len = u64::try_from(words).unwrap_or(0) * 2;
            if words < 2 || at_byte + 8 + len > end {
                let message = format!(
                    "damaged record header at byte {at_byte} of the .shp (content length {words} \
                     words): this record and any after it cannot be read"
                );
                let _ = sink(rest(shape, &message));
                return Ok(());
            }
            if at_byte + 8 + len > file_len {
                let message = format!(
                    "the .shp ends inside this record: its header at byte {at_byte} declares \
                     {len} bytes of content but the file holds {file_len} bytes in all; it and \
                     any after it are missing"
                );
                let _ = sink(rest(shape, &message));
                return Ok(());
            }
            content.resize(len as usize, 0);
            if let Err(e) = shp.read_exact(&mut content) {
                let message = "the .shp ends inside this record: it and any after it are missing";
                return truncated(e, path, sink, rest(shape, message));
            }
            at_byte += 8 + len;
            let row = match std::mem::replace(&mut pending, Next::End) {
                // The .dbf reader skipped this shape's row as deleted: skip the shape too.
                Next::Row(index, row) if index + 1 > shape => {
                    pending = Next::Row(index, row);
                    continue;
                }
                Next::End if shape <= rows.count() => continue,
                Next::Row(_, row) => row,
                Next::End | Next::Truncated => {
                    let message = format!(
                        "the .dbf has no row for shape {shape} or any after it \
                         (is it truncated, or from another shapefile?)"
                    );
                    let _ = sink(rest(shape, &message));
                    return Ok(());
                }
            };
            pending = rows.next()?;
            let position = SourcePosition {
                record: shape,
                line: None,
            };
            let item = match row {
                Ok(Row(properties)) => ReadItem::Record(SourceRecord {
                    position,
                    id: None,
                    properties,
                    geometry: read_shape(&content),
                }),
                Err(message) => ReadItem::Unreadable {
                    position,
                    message,
                    excerpt: String::new(),
                },
            };
            if sink(item).is_err() {
                return Ok(());
            }
        }
        let mut extra = 0u64;
        while let Next::Row(..) = pending {
            extra += 1;
            pending = rows.next()?;
        }
        if extra > 0 {
            let message = format!(
                "the .dbf has {extra} row(s) more than the .shp has shapes: they have no geometry"
            );
            let _ = sink(rest(shape + 1, &message));
        }
        Ok(())
    }
}

/// Ends reading at a short `.shp`: an unreadable item for the rest, or the I/O error itself.
fn truncated(
    e: std::io::Error,
    path: &Path,
    sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
    item: ReadItem,
) -> Result<(), ReadError> {
    if e.kind() != ErrorKind::UnexpectedEof {
        return Err(io(path, e));
    }
    let _ = sink(item);
    Ok(())
}

#[cfg(test)]
mod tests;

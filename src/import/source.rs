//! What every format reader produces: records with their position in the source, or the text
//! that could not be read. Readers push items to a sink (so they can keep their own file state),
//! stop when the sink says so, and count the bytes they have read for the progress bar.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use crate::domain::RawGeometry;

/// Where a record is in its source, for the rejects file and messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SourcePosition {
    /// 1-based number of the record (feature, row) in the source.
    pub record: u64,
    /// 1-based line where the record starts, for text formats.
    pub line: Option<u64>,
}

impl fmt::Display for SourcePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "record {}", self.record)?;
        if let Some(l) = self.line {
            write!(f, " (line {l})")?;
        }
        Ok(())
    }
}

/// One record as read from the source, before validation.
#[derive(Clone, Debug)]
pub struct SourceRecord {
    pub position: SourcePosition,
    /// A record-level identifier (GeoJSON's `id` member), when the format has one.
    pub id: Option<Value>,
    pub properties: Map<String, Value>,
    /// `Ok(None)`: no geometry; `Err`: a geometry was there but is malformed.
    pub geometry: Result<Option<RawGeometry>, String>,
}

/// What a reader hands on.
#[derive(Clone, Debug)]
pub enum ReadItem {
    Record(SourceRecord),
    /// Text that is not a record: a garbage line, a truncated tail.
    Unreadable {
        position: SourcePosition,
        message: String,
        excerpt: String,
    },
}

/// The sink refuses more items (the import has failed downstream); the reader must stop.
#[derive(Debug)]
pub struct Stop;

/// A failure that ends the whole import (the store is left as it was).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a readable {format} file: {message}")]
    Format {
        path: String,
        format: &'static str,
        message: String,
    },
    #[error("{0}")]
    Unsupported(String),
}

impl ReadError {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> ReadError {
        ReadError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// `path` is not a readable file of `format`.
    pub fn format(path: &Path, format: &'static str, e: impl std::fmt::Display) -> ReadError {
        ReadError::Format {
            path: path.display().to_string(),
            format,
            message: e.to_string(),
        }
    }
}

/// A byte counter shared between a reader and the progress bar.
#[derive(Clone, Debug, Default)]
pub struct BytesRead(Arc<AtomicU64>);

impl BytesRead {
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub fn set(&self, n: u64) {
        self.0.store(n, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A `Read` that counts what passes through it.
pub struct CountingRead<R> {
    pub inner: R,
    pub counter: BytesRead,
}

impl<R: std::io::Read> std::io::Read for CountingRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.add(n as u64);
        Ok(n)
    }
}

/// A format reader.
pub trait FeatureSource: Send {
    /// The CRS the source declares (an EPSG code or a PROJ string), if it declares one.
    fn declared_crs(&self) -> Option<String>;

    /// Reads every record into `sink`, in order.
    fn read_all(
        self: Box<Self>,
        sink: &mut dyn FnMut(ReadItem) -> Result<(), Stop>,
    ) -> Result<(), ReadError>;
}

/// Input formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// GeoJSON FeatureCollection, or newline-delimited GeoJSON (GeoJSONSeq)
    Geojson,
    /// FlatGeobuf
    Fgb,
    /// CSV with lon/lat, x/y, easting/northing or WKT columns
    Csv,
    /// ESRI Shapefile (.shp with .dbf, .prj)
    Shp,
    /// GeoPackage
    Gpkg,
    /// Anything OGR reads (needs the `gdal` build feature)
    Gdal,
}

impl Format {
    /// Guesses the format from the file name.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let ext = name.rsplit('.').next()?;
        Some(match ext {
            "geojson" | "json" | "geojsonl" | "geojsons" | "geojsonseq" | "ndjson" | "jsonl" => {
                Format::Geojson
            }
            "fgb" => Format::Fgb,
            "csv" | "tsv" => Format::Csv,
            "shp" => Format::Shp,
            "gpkg" => Format::Gpkg,
            "dxf" | "kml" | "kmz" | "gdb" | "gml" | "tab" | "mif" | "dgn" => Format::Gdal,
            _ => return None,
        })
    }
}

/// Opens a reader for `path`. `source_layer` picks a table/layer in multi-layer sources.
pub fn open(
    path: &Path,
    format: Option<Format>,
    source_layer: Option<&str>,
    bytes: BytesRead,
) -> Result<Box<dyn FeatureSource>, ReadError> {
    let guessed = Format::from_path(path).map(|f| match f {
        Format::Geojson if is_esri_json(path) => Format::Gdal,
        other => other,
    });
    if format.is_none()
        && guessed == Some(Format::Gdal)
        && !cfg!(feature = "gdal")
        && is_esri_json(path)
    {
        return Err(ReadError::Unsupported(format!(
            "{} is Esri JSON, not GeoJSON: build madinati with --features gdal to read it, \
             or convert it with `ogr2ogr -f GeoJSON out.geojson {}`",
            path.display(),
            path.display()
        )));
    }
    let format = match format.or(guessed) {
        Some(f) => f,
        None if cfg!(feature = "gdal") => Format::Gdal,
        None => {
            return Err(ReadError::Unsupported(format!(
                "cannot tell the format of {} from its name; pass --format (geojson, fgb, csv, shp, gpkg{})",
                path.display(),
                if cfg!(feature = "gdal") {
                    ", gdal"
                } else {
                    "; build with --features gdal for DXF, KML, FileGDB, Esri JSON"
                }
            )));
        }
    };
    Ok(match format {
        Format::Geojson => Box::new(super::geojson::GeoJsonSource::open(path, bytes)?),
        Format::Fgb => Box::new(super::fgb::FgbSource::open(path, bytes)?),
        Format::Csv => Box::new(super::csv::CsvSource::open(path, bytes)?),
        Format::Shp => Box::new(super::shp::ShpSource::open(path, bytes)?),
        Format::Gpkg => Box::new(super::gpkg::GpkgSource::open(path, source_layer, bytes)?),
        #[cfg(feature = "gdal")]
        Format::Gdal => Box::new(super::gdal::GdalSource::open(path, source_layer, bytes)?),
        #[cfg(not(feature = "gdal"))]
        Format::Gdal => {
            return Err(ReadError::Unsupported(format!(
                "{} needs GDAL: build madinati with --features gdal",
                path.display()
            )));
        }
    })
}

/// Whether a `.json` file is Esri JSON (an ArcGIS feature set) rather than GeoJSON: its first
/// bytes name a `geometryType` or `spatialReference` and no GeoJSON `"type"` of a feature.
fn is_esri_json(path: &Path) -> bool {
    let mut head = vec![0u8; 1 << 14];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    let esri = text.contains("\"geometryType\"") || text.contains("\"spatialReference\"");
    esri && !text.contains("\"FeatureCollection\"") && !text.contains("\"Feature\"")
}

/// Shortens `s` to at most `max` characters for messages.
pub fn excerpt(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

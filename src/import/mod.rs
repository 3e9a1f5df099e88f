//! The importer: format readers → validation and reprojection → one store transaction, with a
//! rejects file for every record that was not imported.
//!
//! Reading and validating run on a blocking thread and hand batches to the writer through a
//! bounded channel, so memory stays flat whatever the file's size (the only thing that grows is
//! the set of ids seen, for duplicate detection). The whole import is one transaction: a fatal
//! error or a kill leaves the store as it was.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::domain::LayerKind;
use crate::domain::category::CategoryRegistry;
use crate::domain::crs::{Crs, CrsError};
use crate::store::{Store, StoreError, WriteCounts, WriteMode};

mod csv;
mod fgb;
#[cfg(feature = "gdal")]
mod gdal;
mod geojson;
mod gpkg;
pub use crate::domain::geojson as json_geometry;
pub mod prepare;
pub mod progress;
pub mod raw_builder;
pub mod rejects;
mod shp;
pub mod source;

use prepare::{Prepared, Preparer, RejectReason, Rejection};
use progress::Progress;
use rejects::RejectsWriter;
use source::{BytesRead, Format, ReadError, SourcePosition, Stop};

/// Records handed from the reader thread to the writer at a time.
const BATCH: usize = 1024;

/// What to import, and how.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub input: PathBuf,
    pub layer: LayerKind,
    /// The source CRS; when unset, what the source declares, else EPSG:4326.
    pub srs: Option<Crs>,
    /// Target field → source property.
    pub mapping: HashMap<String, String>,
    pub mode: WriteMode,
    pub format: Option<Format>,
    /// Table or layer to read from a multi-layer source.
    pub source_layer: Option<String>,
    /// Where rejected records go; default `<input file name>.rejects.geojson` in the working directory.
    pub rejects: Option<PathBuf>,
    pub quiet: bool,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportSummary {
    pub layer: LayerKind,
    pub crs: String,
    /// Records read (including unreadable ones).
    pub read: u64,
    pub imported: u64,
    pub rejected: u64,
    /// Rejections by reason code.
    pub rejected_by_reason: BTreeMap<&'static str, u64>,
    pub rejects_file: Option<PathBuf>,
    pub elapsed: Duration,
}

impl ImportSummary {
    /// Records imported per second.
    pub fn rate(&self) -> f64 {
        self.imported as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{}: read {}, imported {}, rejected {} (source CRS {}, {:.1} s, {:.0} features/s)",
            self.layer,
            self.read,
            self.imported,
            self.rejected,
            self.crs,
            self.elapsed.as_secs_f64(),
            self.rate()
        )?;
        for (reason, n) in &self.rejected_by_reason {
            writeln!(f, "  rejected {n} × {reason}")?;
        }
        if let Some(p) = &self.rejects_file {
            writeln!(f, "rejected records with their reasons: {}", p.display())?;
        }
        Ok(())
    }
}

/// Why an import failed as a whole (nothing was imported).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "the source declares CRS {declared:?} which madinati cannot use ({source}); pass --srs"
    )]
    DeclaredCrs { declared: String, source: CrsError },
    #[error("cannot write the rejects file {path}: {source}")]
    Rejects {
        path: String,
        source: std::io::Error,
    },
    #[error("the reader stopped unexpectedly: {0}")]
    Reader(String),
}

/// Imports `opts.input` into `store`, all or nothing.
pub async fn import(
    store: &dyn Store,
    opts: &ImportOptions,
    categories: Arc<CategoryRegistry>,
) -> Result<ImportSummary, ImportError> {
    let started = Instant::now();
    let bytes = BytesRead::default();
    let total = std::fs::metadata(&opts.input)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let source = source::open(
        &opts.input,
        opts.format,
        opts.source_layer.as_deref(),
        bytes.clone(),
    )?;
    let crs = match (&opts.srs, source.declared_crs()) {
        (Some(c), _) => c.clone(),
        (None, Some(declared)) => {
            Crs::parse(&declared).map_err(|source| ImportError::DeclaredCrs { declared, source })?
        }
        (None, None) => Crs::wgs84(),
    };
    let rejects_path = opts.rejects.clone().unwrap_or_else(|| {
        let name = opts
            .input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "import".into());
        PathBuf::from(format!("{name}.rejects.geojson"))
    });
    let mut rejects = RejectsWriter::new(rejects_path);
    let rejects_err = |path: &std::path::Path| {
        let path = path.display().to_string();
        move |source| ImportError::Rejects { path, source }
    };

    let mut writer = store
        .begin_write(opts.layer, opts.mode, &opts.input.display().to_string())
        .await?;
    let mut seen: HashMap<String, Option<SourcePosition>> = writer
        .existing_source_ids()
        .iter()
        .map(|id| (id.clone(), None))
        .collect();

    let preparer = Preparer {
        layer: opts.layer,
        crs: crs.clone(),
        mapping: opts.mapping.clone(),
        categories,
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Prepared>>(4);
    let reader = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(BATCH);
        let result = source.read_all(&mut |item| {
            batch.push(preparer.prepare(item));
            if batch.len() >= BATCH {
                tx.blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .map_err(|_| Stop)?;
            }
            Ok(())
        });
        if !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        result
    });

    let mut counts = WriteCounts::default();
    let mut by_reason: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut progress = Progress::new(total, opts.quiet);
    let mut features = Vec::with_capacity(BATCH);
    while let Some(batch) = rx.recv().await {
        for p in batch {
            counts.read += 1;
            let rejection = match p {
                Prepared::Rejected(r) => r,
                Prepared::Feature(f, position) => match f.source_id().map(|id| id.to_string()) {
                    Some(id) if seen.contains_key(&id) => Box::new(Rejection {
                        position,
                        reason: RejectReason::DuplicateId {
                            first: seen.get(&id).copied().flatten(),
                            id: id.clone(),
                        },
                        id: Some(id.into()),
                        properties: f.extra().clone(),
                        geometry: json_geometry::raw_to_json(&f.geometry().to_raw()),
                        excerpt: None,
                    }),
                    id => {
                        if let Some(id) = id {
                            seen.insert(id, Some(position));
                        }
                        features.push(*f);
                        continue;
                    }
                },
            };
            counts.rejected += 1;
            *by_reason.entry(rejection.reason.code()).or_default() += 1;
            rejects
                .write(&rejection)
                .map_err(rejects_err(rejects.path()))?;
        }
        writer.insert(&features).await?;
        counts.written += features.len() as u64;
        features.clear();
        progress.update(bytes.get(), || {
            format!(
                "{} read, {} imported, {} rejected",
                counts.read, counts.written, counts.rejected
            )
        });
    }
    progress.finish();
    reader
        .await
        .map_err(|e| ImportError::Reader(e.to_string()))??;
    let rejects_path = rejects.path().to_path_buf();
    let rejects_file = rejects.finish().map_err(rejects_err(&rejects_path))?;
    writer.commit(counts).await?;
    Ok(ImportSummary {
        layer: opts.layer,
        crs: crs.label(),
        read: counts.read,
        imported: counts.written,
        rejected: counts.rejected,
        rejected_by_reason: by_reason,
        rejects_file,
        elapsed: started.elapsed(),
    })
}

//! The rejects file: every record that was not imported, as a GeoJSON FeatureCollection, with
//! its reason, its place in the source and, for geometry faults, where the fault is.
//!
//! Written as the import goes (memory does not grow with the number of rejects); created only
//! when there is something to write, and a stale file from an earlier run is removed.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::prepare::{RejectReason, Rejection};

/// Writes rejected records to a GeoJSON file.
pub struct RejectsWriter {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    count: u64,
}

impl RejectsWriter {
    /// Prepares to write to `path`; nothing is created until the first rejection.
    pub fn new(path: PathBuf) -> Self {
        RejectsWriter {
            path,
            out: None,
            count: 0,
        }
    }

    /// Where the file is written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one rejection.
    pub fn write(&mut self, r: &Rejection) -> std::io::Result<()> {
        if self.out.is_none() {
            let mut out = BufWriter::new(File::create(&self.path)?);
            out.write_all(
                b"{\"type\":\"FeatureCollection\",\"name\":\"rejects\",\"features\":[\n",
            )?;
            self.out = Some(out);
        }
        let Some(out) = self.out.as_mut() else {
            return Ok(());
        };
        if self.count > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *out, &feature(r))?;
        self.count += 1;
        Ok(())
    }

    /// Closes the collection; with no rejections, removes a stale file of an earlier run.
    /// Returns the path when a file was written.
    pub fn finish(self) -> std::io::Result<Option<PathBuf>> {
        match self.out {
            Some(mut out) => {
                out.write_all(b"\n]}\n")?;
                out.flush()?;
                Ok(Some(self.path))
            }
            None => {
                if self.path.exists() {
                    std::fs::remove_file(&self.path)?;
                }
                Ok(None)
            }
        }
    }
}

fn feature(r: &Rejection) -> Value {
    let mut props = r.properties.clone();
    props.insert("_reject_reason".into(), Value::from(r.reason.code()));
    props.insert("_reject_message".into(), Value::from(r.reason.to_string()));
    props.insert("_source_record".into(), Value::from(r.position.record));
    if let Some(line) = r.position.line {
        props.insert("_source_line".into(), Value::from(line));
    }
    if let RejectReason::Geometry(g) = &r.reason
        && let Some((x, y)) = g.location()
    {
        props.insert("_location".into(), json!([x, y]));
    }
    if let Some(e) = &r.excerpt {
        props.insert("_source_text".into(), Value::from(e.as_str()));
    }
    let mut f = json!({"type": "Feature", "properties": props, "geometry": r.geometry.clone().unwrap_or(Value::Null)});
    if let Some(id) = &r.id {
        f["id"] = id.clone();
    }
    f
}

//! Writing one demo layer: a single store transaction (`WriteMode::Replace`), features inserted
//! in chunks as the districts are generated, progress reported after each chunk. Also the one
//! way demo features are made: through `ValidGeometry::new` and `Feature::new`, like any import.

use serde_json::{Map, Value};

use super::DemoError;
use crate::domain::attributes::Attributes;
use crate::domain::{Feature, LayerKind, Lifespan, RawGeometry, SourceId, ValidGeometry};
use crate::store::{LayerWrite, Store, WriteCounts, WriteMode};

/// Features per `insert` call: a few thousand, so a province is never held in memory at once.
pub const CHUNK: usize = 4096;

/// An open write of one layer.
pub struct LayerSink<'p> {
    layer: LayerKind,
    write: Box<dyn LayerWrite>,
    buffer: Vec<Feature>,
    done: u64,
    total: u64,
    progress: &'p mut dyn FnMut(&str, u64, u64),
}

impl<'p> LayerSink<'p> {
    /// Starts replacing `layer` with `total` features coming from `source`.
    pub async fn open(
        store: &dyn Store,
        layer: LayerKind,
        source: &str,
        total: u64,
        progress: &'p mut dyn FnMut(&str, u64, u64),
    ) -> Result<LayerSink<'p>, DemoError> {
        let write = store.begin_write(layer, WriteMode::Replace, source).await?;
        progress(layer.id(), 0, total);
        Ok(LayerSink {
            layer,
            write,
            buffer: Vec::with_capacity(CHUNK),
            done: 0,
            total,
            progress,
        })
    }

    /// Adds features, inserting every full chunk.
    pub async fn extend(&mut self, features: Vec<Feature>) -> Result<(), DemoError> {
        for f in features {
            self.buffer.push(f);
            if self.buffer.len() >= CHUNK {
                self.flush().await?;
            }
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), DemoError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        self.write.insert(&self.buffer).await?;
        self.done += self.buffer.len() as u64;
        self.buffer.clear();
        (self.progress)(self.layer.id(), self.done, self.total.max(self.done));
        Ok(())
    }

    /// Inserts what is left and commits; returns how many features were written.
    pub async fn finish(mut self) -> Result<u64, DemoError> {
        self.flush().await?;
        let done = self.done;
        self.write
            .commit(WriteCounts {
                read: done,
                written: done,
                rejected: 0,
            })
            .await?;
        Ok(done)
    }
}

/// Validates a demo geometry for `layer`; `id` names the feature in the error.
pub fn geometry(layer: LayerKind, id: &str, raw: RawGeometry) -> Result<ValidGeometry, DemoError> {
    ValidGeometry::new(raw, layer.shape()).map_err(|source| DemoError::Geometry {
        layer,
        id: id.to_string(),
        source,
    })
}

/// Makes a feature with source id `id`.
pub fn assemble(
    id: String,
    geometry: ValidGeometry,
    attributes: Attributes,
    extra: Map<String, Value>,
    lifespan: Lifespan,
) -> Result<Feature, DemoError> {
    let layer = attributes.layer();
    let source_id =
        SourceId::from_value(&Value::String(id.clone())).ok_or_else(|| DemoError::Attribute {
            layer,
            id,
            reason: "empty source id".into(),
        })?;
    Ok(Feature::new(
        Some(source_id),
        geometry,
        attributes,
        extra,
        lifespan,
    )?)
}

/// A one-entry `extra` map.
pub fn extra(key: &str, value: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(key.to_string(), Value::String(value.to_string()));
    m
}

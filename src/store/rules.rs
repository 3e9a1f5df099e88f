//! The register's rules, once, above the backends: whatever stores the city, a write obeys
//! these. The backends call them with what they counted or changed; the rules decide.
//!
//! - history is never erased: a layer is not reloaded (`--replace`) once lineage refers to it;
//! - lineage is kept for parcels only;
//! - a feature is retired only while it is current (so two writers never both retire it);
//! - a write of a layer takes features of that layer only.

use super::StoreError;
use crate::domain::{Feature, FeatureId, LayerKind};

/// Whether `layer` may be replaced wholesale when `lineage_edges` lineage records exist.
pub fn replace_allowed(layer: LayerKind, lineage_edges: u64) -> Result<(), StoreError> {
    if layer == LayerKind::Parcels && lineage_edges > 0 {
        return Err(StoreError::Conflict(format!(
            "refusing to replace parcels: {lineage_edges} lineage records refer to them and the register's history is never erased; import without --replace"
        )));
    }
    Ok(())
}

/// Whether lineage may be recorded for features of `layer`.
pub fn lineage_allowed(layer: LayerKind) -> Result<(), StoreError> {
    if layer == LayerKind::Parcels {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "lineage is kept for parcels, not {layer}"
        )))
    }
}

/// The outcome of retiring `fid`: exactly one current version must have been end-dated.
pub fn retired(layer: LayerKind, fid: FeatureId, rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "{} feature {} is not current: it cannot be retired",
            layer.id(),
            fid.0
        )))
    }
}

/// Whether every feature belongs to `layer`.
pub fn same_layer(layer: LayerKind, features: &[Feature]) -> Result<(), StoreError> {
    match features.iter().find(|f| f.layer() != layer) {
        Some(f) => Err(StoreError::Conflict(format!(
            "a {} feature cannot go into {layer}",
            f.layer()
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_refuse_what_would_erase_or_misfile_history() {
        assert!(replace_allowed(LayerKind::Parcels, 0).is_ok());
        assert!(
            replace_allowed(LayerKind::Parcels, 3)
                .unwrap_err()
                .to_string()
                .contains("never erased")
        );
        assert!(replace_allowed(LayerKind::Districts, 3).is_ok());
        assert!(lineage_allowed(LayerKind::Parcels).is_ok());
        assert!(lineage_allowed(LayerKind::Streets).is_err());
        assert!(retired(LayerKind::Parcels, FeatureId(7), 1).is_ok());
        assert!(
            retired(LayerKind::Parcels, FeatureId(7), 0)
                .unwrap_err()
                .to_string()
                .contains("not current")
        );
        assert!(same_layer(LayerKind::Parcels, &[]).is_ok());
    }
}

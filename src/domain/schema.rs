//! One table per layer of what a feature holds: every column the store keeps, in storage order,
//! with its type and whether the public view shows it. The store's columns (`store/sqlite`
//! writes), the public properties (`public::property_names`, hence OGC API items, queryables
//! and tiles) and the conformance test of each backend's tables all derive from here, so a field
//! is added in one place.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::layer::LayerKind;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// The store's feature id.
    Id,
    /// The geometry (GeoPackage blob, EPSG:4326).
    Geometry,
    Integer,
    Real,
    Text,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A moment, RFC 3339 UTC.
    Timestamp,
    /// A JSON object (the source's other properties).
    Json,
}

/// Where a column lives and who sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    /// Stored in the layer's table (else computed for the public view only).
    pub stored: bool,
    /// Written by the feature's insert (else filled by the store, e.g. by a trigger).
    pub written: bool,
    /// Shown by the public view (APIs, tiles).
    pub public: bool,
}

const fn col(name: &'static str, ty: ColumnType) -> Column {
    Column {
        name,
        ty,
        stored: true,
        written: true,
        public: true,
    }
}
const fn private(name: &'static str, ty: ColumnType) -> Column {
    Column {
        name,
        ty,
        stored: true,
        written: true,
        public: false,
    }
}
const fn derived(name: &'static str) -> Column {
    Column {
        name,
        ty: ColumnType::Text,
        stored: false,
        written: false,
        public: true,
    }
}

use ColumnType::*;

const HEAD: [Column; 3] = [
    private("fid", Id),
    private("geom", Geometry),
    col("source_id", Text),
];
const LIFE: [Column; 2] = [col("valid_from", Timestamp), col("valid_to", Timestamp)];
const TAIL: Column = private("properties", Json);

/// The columns of `layer`, in storage order (derived public-only columns where they show).
pub fn columns(layer: LayerKind) -> &'static [Column] {
    static TABLES: LazyLock<HashMap<LayerKind, Vec<Column>>> = LazyLock::new(|| {
        let body = |layer| -> Vec<Column> {
            match layer {
                LayerKind::Districts => vec![
                    col("name_ar", Text),
                    col("name_en", Text),
                    col("city", Text),
                    col("area_m2", Real),
                ],
                LayerKind::Plans => vec![
                    col("plan_no", Text),
                    col("name", Text),
                    col("status", Text),
                    col("approved_on", Date),
                    col("area_m2", Real),
                ],
                LayerKind::Streets => vec![
                    col("name_ar", Text),
                    col("name_en", Text),
                    col("width_m", Real),
                    col("length_m", Real),
                ],
                LayerKind::Parcels => vec![
                    col("parcel_no", Text),
                    col("plan_no", Text),
                    col("block_no", Text),
                    col("district", Text),
                    col("land_use", Text),
                    col("deed_no", Text),
                    col("deed_date", Date),
                    col("official_area_m2", Real),
                    col("area_m2", Real),
                ],
                LayerKind::ServicePoints => vec![
                    col("name_ar", Text),
                    col("name_en", Text),
                    col("category", Text),
                    derived("category_ar"),
                    derived("category_en"),
                    col("phone", Text),
                    col("opening_hours", Text),
                    col("district", Text),
                ],
            }
        };
        LayerKind::ALL
            .into_iter()
            .map(|l| {
                let mut cols: Vec<Column> = HEAD.to_vec();
                cols.extend(body(l));
                cols.extend(LIFE);
                cols.push(TAIL);
                if l == LayerKind::Parcels {
                    // The stable parcel id: filled by the store from the first version's fid.
                    cols.push(Column {
                        name: "parcel_id",
                        ty: Integer,
                        stored: true,
                        written: false,
                        public: false,
                    });
                }
                (l, cols)
            })
            .collect()
    });
    TABLES.get(&layer).map_or(&[], Vec::as_slice)
}

type Names = LazyLock<HashMap<LayerKind, Vec<&'static str>>>;

/// The names of `layer`'s columns that pass `keep`, per layer, computed once.
fn names_where(keep: fn(&Column) -> bool) -> HashMap<LayerKind, Vec<&'static str>> {
    LayerKind::ALL
        .into_iter()
        .map(|l| {
            (
                l,
                columns(l)
                    .iter()
                    .filter(|c| keep(c))
                    .map(|c| c.name)
                    .collect(),
            )
        })
        .collect()
}

/// Names of the columns a feature's insert writes, in order.
pub fn written_names(layer: LayerKind) -> &'static [&'static str] {
    static NAMES: Names = LazyLock::new(|| names_where(|c| c.written));
    NAMES.get(&layer).map_or(&[], Vec::as_slice)
}

/// Names of the public properties, in output order.
pub fn public_names(layer: LayerKind) -> &'static [&'static str] {
    static NAMES: Names = LazyLock::new(|| names_where(|c| c.public));
    NAMES.get(&layer).map_or(&[], Vec::as_slice)
}

/// Names of the columns stored in the layer's table, in order.
pub fn stored_names(layer: LayerKind) -> Vec<&'static str> {
    columns(layer)
        .iter()
        .filter(|c| c.stored)
        .map(|c| c.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_no_column_and_private_columns_are_not_public() {
        for l in LayerKind::ALL {
            let names = public_names(l);
            assert!(!names.iter().any(|n| n.contains("owner")));
            for private in ["fid", "geom", "properties", "parcel_id"] {
                assert!(!names.contains(&private), "{l}: {private}");
            }
            assert_eq!(written_names(l)[..2], ["fid", "geom"]);
        }
    }
}

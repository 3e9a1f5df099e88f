//! Reading stored rows back into domain features.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::gpkg_blob;
use crate::domain::attributes::{
    Attributes, BlockNo, District, LandUse, Parcel, ParcelNo, Plan, PlanNo, PlanStatus,
    ServicePoint, Street,
};
use crate::domain::category::CategoryCode;
use crate::domain::opening_hours::OpeningHours;
use crate::domain::{Feature, FeatureId, LayerKind, Lifespan, SourceId, ValidGeometry};
use crate::store::{StoreError, StoredFeature};

/// Parses a stored timestamp (RFC 3339).
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("bad timestamp {s:?}: {e}"))
}

struct Cols<'r> {
    row: &'r SqliteRow,
    layer: LayerKind,
    fid: i64,
}

impl Cols<'_> {
    fn corrupt(&self, reason: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            layer: self.layer,
            fid: self.fid,
            reason: reason.into(),
        }
    }

    fn get<T: for<'a> sqlx::Decode<'a, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>>(
        &self,
        col: &str,
    ) -> Result<T, StoreError> {
        self.row
            .try_get(col)
            .map_err(|e| self.corrupt(format!("column {col}: {e}")))
    }

    fn text(&self, col: &str) -> Result<Option<String>, StoreError> {
        self.get(col)
    }

    fn parse<T>(
        &self,
        col: &str,
        f: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, StoreError> {
        self.text(col)?
            .map(|s| f(&s).map_err(|e| self.corrupt(format!("column {col}: {e}"))))
            .transpose()
    }

    fn required<T>(
        &self,
        col: &str,
        f: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, StoreError> {
        self.parse(col, f)?
            .ok_or_else(|| self.corrupt(format!("column {col} is empty")))
    }
}

fn date(s: &str) -> Result<NaiveDate, String> {
    s.parse::<NaiveDate>().map_err(|e| e.to_string())
}

/// Decodes one row of `layer`'s table.
pub fn feature(layer: LayerKind, row: &SqliteRow) -> Result<StoredFeature, StoreError> {
    let fid: i64 = row.try_get("fid").map_err(|e| StoreError::Corrupt {
        layer,
        fid: -1,
        reason: e.to_string(),
    })?;
    let c = Cols { row, layer, fid };
    let blob: Vec<u8> = c.get("geom")?;
    let (raw, _) = gpkg_blob::decode(&blob).map_err(|e| c.corrupt(e.to_string()))?;
    let geometry = ValidGeometry::new(raw, layer.shape()).map_err(|e| c.corrupt(e.to_string()))?;
    let attributes = match layer {
        LayerKind::Districts => Attributes::District(District {
            name_ar: c.text("name_ar")?,
            name_en: c.text("name_en")?,
            city: c.text("city")?,
        }),
        LayerKind::Plans => Attributes::Plan(Plan {
            plan_no: c.required("plan_no", |s| PlanNo::try_from(s))?,
            name: c.text("name")?,
            status: c.required("status", str::parse::<PlanStatus>)?,
            approved_on: c.parse("approved_on", date)?,
        }),
        LayerKind::Streets => Attributes::Street(Street {
            name_ar: c.text("name_ar")?,
            name_en: c.text("name_en")?,
            width_m: c.get("width_m")?,
        }),
        LayerKind::Parcels => Attributes::Parcel(Parcel {
            parcel_no: c.required("parcel_no", |s| ParcelNo::try_from(s))?,
            plan_no: c.parse("plan_no", |s| PlanNo::try_from(s))?,
            block_no: c.parse("block_no", |s| BlockNo::try_from(s))?,
            district: c.text("district")?,
            land_use: c.parse("land_use", str::parse::<LandUse>)?,
            deed_no: c.text("deed_no")?,
            deed_date: c.parse("deed_date", date)?,
            official_area_m2: c.get("official_area_m2")?,
            owner: None,
        }),
        LayerKind::ServicePoints => Attributes::ServicePoint(ServicePoint {
            name_ar: c.text("name_ar")?,
            name_en: c.text("name_en")?,
            category: c.required("category", |s| {
                CategoryCode::try_from(s).map_err(|e| e.to_string())
            })?,
            phone: c.text("phone")?,
            opening_hours: c.parse("opening_hours", |s| {
                s.parse::<OpeningHours>().map_err(|e| e.to_string())
            })?,
            district: c.text("district")?,
        }),
    };
    let extra: Map<String, Value> = match c.text("properties")? {
        Some(s) => serde_json::from_str(&s).map_err(|e| c.corrupt(format!("properties: {e}")))?,
        None => Map::new(),
    };
    let lifespan = Lifespan {
        valid_from: c.parse("valid_from", parse_time)?,
        valid_to: c.parse("valid_to", parse_time)?,
    };
    let source_id = c
        .text("source_id")?
        .and_then(|s| SourceId::from_value(&Value::String(s)));
    let feature = Feature::new(source_id, geometry, attributes, extra, lifespan)
        .map_err(|e| c.corrupt(e.to_string()))?;
    Ok(StoredFeature {
        fid: FeatureId(fid),
        feature,
    })
}

//! The survey sketch of an issued request as a `sketch::Sheet`: the surveyed boundary (or the
//! register's, when the surveyor gave none) in KSA-GRF17 / UTM 39N, each side's grid length and
//! bearing and what lies beyond it (a neighbouring parcel, or a street with its width), the
//! neighbours and streets around it for the drawing, the district in both languages, the deed,
//! and the signed verification address. `sketch::render` makes the PDF.

use std::sync::{Arc, OnceLock};

use geo::{Contains, InteriorPoint, LineString, Polygon};

use super::App;
use crate::domain::attributes::Attributes;
use crate::domain::checks::proposal::parse_proposal;
use crate::domain::crs::Crs;
use crate::domain::request::{LandRequest, RequestKind};
use crate::domain::{Bbox, LayerKind, ValidGeometry};
use crate::sketch::{Bilingual, Corner, Drawing, Fonts, Neighbour, Sheet, Side};

/// The cadastral frame sketches are printed in.
pub const SKETCH_EPSG: u32 = 9359;
/// How far around the parcel neighbours and streets are drawn, degrees (about 80 m).
const AROUND_DEG: f64 = 0.0008;
/// A side borders a neighbour whose boundary passes within this of its midpoint, metres.
const NEIGHBOUR_REACH_M: f64 = 1.5;
/// A street of unknown width is taken as this wide, metres.
const DEFAULT_STREET_WIDTH_M: f64 = 12.0;

/// Why a sketch cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum SketchProblem {
    /// The request is not an issued survey sketch (409).
    #[error("{0}")]
    NotIssued(String),
    /// The fonts are missing (503: the operator installs them).
    #[error("{0}")]
    Unavailable(String),
    /// The data cannot be drawn (409, with what is wrong).
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// The fonts, loaded once (`MADINATI_FONTS` names another directory).
pub fn fonts() -> Result<Arc<Fonts>, SketchProblem> {
    static FONTS: OnceLock<Result<Arc<Fonts>, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let dir = std::env::var_os("MADINATI_FONTS")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(Fonts::default_dir);
            Fonts::load(&dir).map(Arc::new).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(SketchProblem::Unavailable)
}

fn ring(p: &Polygon, crs: &Crs) -> Result<Vec<[f64; 2]>, SketchProblem> {
    let pts = &p.exterior().0;
    let n = pts.len().saturating_sub(1);
    pts[..n]
        .iter()
        .map(|c| {
            crs.from_wgs84(*c)
                .map(|q| [q.x, q.y])
                .map_err(|e| SketchProblem::Invalid(format!("cannot project the boundary: {e}")))
        })
        .collect()
}

fn line(l: &LineString, crs: &Crs) -> Vec<[f64; 2]> {
    l.0.iter()
        .filter_map(|c| crs.from_wgs84(*c).ok().map(|q| [q.x, q.y]))
        .collect()
}

fn to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((p[0] - a[0] - t * dx).powi(2) + (p[1] - a[1] - t * dy).powi(2)).sqrt()
}

/// Distance from `p` to a polyline (closed when `closed`), metres.
fn to_line(p: [f64; 2], pts: &[[f64; 2]], closed: bool) -> f64 {
    let mut d = f64::INFINITY;
    for w in pts.windows(2) {
        d = d.min(to_segment(p, w[0], w[1]));
    }
    if closed && pts.len() > 2 {
        d = d.min(to_segment(p, pts[pts.len() - 1], pts[0]));
    }
    d
}

fn bilingual(ar: &Option<String>, en: &Option<String>) -> Bilingual {
    Bilingual {
        ar: ar.clone().unwrap_or_default(),
        en: en.clone().unwrap_or_default(),
    }
}

/// The sheet of an issued survey sketch request; `verify_url` is where its code is checked.
pub async fn sheet(app: &App, r: &LandRequest, verify_base: &str) -> Result<Sheet, SketchProblem> {
    let (Some(issued), RequestKind::SurveySketch) = (&r.issued, r.kind) else {
        return Err(SketchProblem::NotIssued(format!(
            "request {} is not an issued survey sketch (it is a {} request, {})",
            r.id, r.kind, r.status
        )));
    };
    let Some(code) = super::verify::code(app, r).await? else {
        return Err(SketchProblem::NotIssued(format!(
            "request {} issued nothing",
            r.id
        )));
    };
    let fid = *r
        .parcels
        .first()
        .ok_or_else(|| SketchProblem::Invalid("the request names no parcel".into()))?;
    let parcel = app
        .store
        .feature(LayerKind::Parcels, fid)
        .await?
        .ok_or_else(|| SketchProblem::Invalid(format!("parcel {} is not in the store", fid.0)))?;
    let (Attributes::Parcel(attrs), ValidGeometry::Polygon(register)) =
        (parcel.feature.attributes(), parcel.feature.geometry())
    else {
        return Err(SketchProblem::Invalid(format!(
            "feature {} is not a parcel",
            fid.0
        )));
    };
    // The surveyed boundary when the surveyor gave one, else the register's.
    let surveyed: Polygon = if r.proposed.is_null() {
        register.clone()
    } else {
        let crs = Crs::parse(&r.crs).map_err(|e| SketchProblem::Invalid(e.to_string()))?;
        parse_proposal(&r.proposed, &crs)
            .ok()
            .and_then(|ps| ps.into_iter().next())
            .and_then(|p| p.geometry.ok())
            .ok_or_else(|| SketchProblem::Invalid("the surveyed boundary cannot be read".into()))?
    };
    let utm = Crs::from_epsg(SKETCH_EPSG).map_err(|e| SketchProblem::Invalid(e.to_string()))?;
    let corners_xy = ring(&surveyed, &utm)?;
    let corners: Vec<Corner> = corners_xy
        .iter()
        .enumerate()
        .map(|(i, c)| Corner {
            label: (i + 1).to_string(),
            easting: c[0],
            northing: c[1],
        })
        .collect();

    // Neighbours and streets around the parcel, from the index (the register as served).
    let b = ValidGeometry::Polygon(surveyed.clone()).bbox();
    let around = Bbox {
        min_x: b.min_x - AROUND_DEG,
        min_y: b.min_y - AROUND_DEG,
        max_x: b.max_x + AROUND_DEG,
        max_y: b.max_y + AROUND_DEG,
    };
    let snapshot = app.index.snapshot();
    let mut neighbours: Vec<(String, Vec<[f64; 2]>)> = Vec::new();
    for f in snapshot.layer(LayerKind::Parcels).in_bbox(&around) {
        if f.fid == fid {
            continue;
        }
        if let (Attributes::Parcel(p), ValidGeometry::Polygon(poly)) =
            (f.feature.attributes(), f.feature.geometry())
        {
            neighbours.push((p.parcel_no.to_string(), ring(poly, &utm)?));
        }
    }
    let mut streets: Vec<(Bilingual, Vec<[f64; 2]>, Option<f64>)> = Vec::new();
    for f in snapshot.layer(LayerKind::Streets).in_bbox(&around) {
        let Attributes::Street(s) = f.feature.attributes() else {
            continue;
        };
        let name = bilingual(&s.name_ar, &s.name_en);
        if let ValidGeometry::MultiLineString(m) = f.feature.geometry() {
            for l in &m.0 {
                streets.push((name.clone(), line(l, &utm), s.width_m));
            }
        }
    }

    // Each side: grid length and bearing, and what lies beyond its midpoint.
    let n = corners_xy.len();
    let mut sides = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (corners_xy[i], corners_xy[(i + 1) % n]);
        let (de, dn) = (b[0] - a[0], b[1] - a[1]);
        let mid = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
        let parcel_near = neighbours
            .iter()
            .map(|(no, r)| (to_line(mid, r, true), no))
            .filter(|(d, _)| *d <= NEIGHBOUR_REACH_M)
            .min_by(|x, y| x.0.total_cmp(&y.0));
        let street_near = streets
            .iter()
            .map(|(name, l, w)| (to_line(mid, l, false), name, *w))
            .filter(|(d, _, w)| *d <= w.unwrap_or(DEFAULT_STREET_WIDTH_M) / 2.0 + 3.0)
            .min_by(|x, y| x.0.total_cmp(&y.0));
        let neighbour = match (parcel_near, street_near) {
            (Some((_, no)), _) => Neighbour::Parcel {
                parcel_no: no.clone(),
            },
            (None, Some((_, name, width_m))) => Neighbour::Street {
                name: name.clone(),
                width_m,
            },
            (None, None) => Neighbour::Unknown,
        };
        sides.push(Side {
            from: corners[i].label.clone(),
            to: corners[(i + 1) % n].label.clone(),
            length_m: (de * de + dn * dn).sqrt(),
            bearing_deg: de.atan2(dn).to_degrees().rem_euclid(360.0),
            neighbour,
        });
    }

    // The district the parcel lies in, in both languages.
    let inside = surveyed.interior_point();
    let district = snapshot
        .layer(LayerKind::Districts)
        .in_bbox(&b)
        .into_iter()
        .find_map(
            |f| match (f.feature.attributes(), f.feature.geometry(), inside) {
                (Attributes::District(d), ValidGeometry::Polygon(p), Some(pt))
                    if p.contains(&pt) =>
                {
                    Some(bilingual(&d.name_ar, &d.name_en))
                }
                (Attributes::District(d), ValidGeometry::MultiPolygon(m), Some(pt))
                    if m.contains(&pt) =>
                {
                    Some(bilingual(&d.name_ar, &d.name_en))
                }
                _ => None,
            },
        )
        .unwrap_or_else(|| Bilingual {
            ar: attrs.district.clone().unwrap_or_default(),
            en: attrs.district.clone().unwrap_or_default(),
        });

    Ok(Sheet {
        amanah: Bilingual {
            ar: app.sketch.amanah_ar.clone(),
            en: app.sketch.amanah_en.clone(),
        },
        serial: issued.serial.clone(),
        issued_on: issued.at.date_naive(),
        district,
        plan_no: attrs.plan_no.as_ref().map(|v| v.to_string()),
        block_no: attrs.block_no.as_ref().map(|v| v.to_string()),
        parcel_no: attrs.parcel_no.to_string(),
        land_use: attrs.land_use.map(|u| Bilingual {
            ar: u.label_ar().into(),
            en: u.label_en().into(),
        }),
        deed_no: attrs.deed_no.clone(),
        deed_date: attrs.deed_date,
        area_m2: crate::domain::geodesy::area_m2(&ValidGeometry::Polygon(surveyed.clone())),
        crs_label: "KSA-GRF17 / UTM zone 39N (EPSG:9359)".into(),
        corners,
        sides,
        drawing: Drawing {
            parcel: corners_xy,
            neighbours,
            streets: streets.into_iter().map(|(n, l, _)| (n, l)).collect(),
        },
        verify_url: format!("{}/verify/{code}", verify_base.trim_end_matches('/')),
    })
}

/// What the Amanah prints on its sketches (`[sketch]` in the configuration).
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SketchSettings {
    pub amanah_ar: String,
    pub amanah_en: String,
    /// The address citizens reach the server at, for the QR code (e.g.
    /// `https://gis.example.gov.sa`); empty: taken from the request's `Host`.
    pub public_url: String,
}

impl Default for SketchSettings {
    fn default() -> Self {
        SketchSettings {
            amanah_ar: "أمانة المنطقة الشرقية".into(),
            amanah_en: "Eastern Province Municipality".into(),
            public_url: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_to_lines_and_rings() {
        let sq = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        assert!((to_line([5.0, -2.0], &sq, true) - 2.0).abs() < 1e-12);
        assert!((to_line([-3.0, 5.0], &sq, true) - 3.0).abs() < 1e-12);
        // Open: the closing side is not there, so the nearest points are the ends.
        assert!((to_line([-3.0, 5.0], &sq, false) - 3.0_f64.hypot(5.0)).abs() < 1e-12);
        assert_eq!(to_segment([1.0, 1.0], [1.0, 1.0], [1.0, 1.0]), 0.0);
    }
}

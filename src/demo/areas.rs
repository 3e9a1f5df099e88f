//! District (حي) and plan (مخطط) features: squares and rectangles of the city grid.
//!
//! A district covers its whole 1.5 km cell, to the centre lines of the arterials around it, so
//! neighbouring districts share their edges. A plan covers its quadrants of a district between
//! the right-of-way edges of the roads around it, so every parcel of the plan lies inside it.

use super::DemoError;
use super::city::{City, District};
use super::parcels::riyadh_midnight;
use super::sink::{assemble, extra, geometry};
use crate::domain::attributes::{Attributes, District as DistrictAttributes, Plan, PlanNo};
use crate::domain::{Feature, LayerKind, Lifespan, RawGeometry};

/// The district's feature: names in both languages, the city in Arabic (`city_en` in extra).
pub fn district(d: &District, city: &City) -> Result<Feature, DemoError> {
    let g = geometry(
        LayerKind::Districts,
        &d.code,
        RawGeometry::Polygon(vec![city.frame.ring(&d.rect)]),
    )?;
    let attributes = Attributes::District(DistrictAttributes {
        name_ar: Some(d.name_ar.clone()),
        name_en: Some(d.name_en.clone()),
        city: Some(city.spec.name_ar.clone()),
    });
    assemble(
        d.code.clone(),
        g,
        attributes,
        extra("city_en", &city.spec.name_en),
        Lifespan::default(),
    )
}

/// The district's plans, in order (`DMM-017-P1`, ...); the district's name is in extra.
pub fn plans(d: &District, city: &City) -> Result<Vec<Feature>, DemoError> {
    let mut out = Vec::with_capacity(d.plans.len());
    for (k, p) in d.plans.iter().enumerate() {
        let id = format!("{}-P{}", d.code, k + 1);
        let g = geometry(
            LayerKind::Plans,
            &id,
            RawGeometry::Polygon(vec![city.frame.ring(&d.plan_rect(p))]),
        )?;
        let plan_no =
            PlanNo::try_from(p.plan_no.as_str()).map_err(|reason| DemoError::Attribute {
                layer: LayerKind::Plans,
                id: id.clone(),
                reason,
            })?;
        let attributes = Attributes::Plan(Plan {
            plan_no,
            name: Some(p.name.clone()),
            status: p.status,
            approved_on: p.approved_on,
        });
        let lifespan = Lifespan {
            valid_from: p.approved_on.and_then(riyadh_midnight),
            valid_to: None,
        };
        out.push(assemble(
            id,
            g,
            attributes,
            extra("district", &d.name_ar),
            lifespan,
        )?);
    }
    Ok(out)
}

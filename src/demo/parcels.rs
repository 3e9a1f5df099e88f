//! Parcel features of a district: geometry from the layout, land use, plan, block and parcel
//! numbers, and for private parcels of approved plans a deed (number, date 2000-2025, official
//! area within ±0.8 % of the geodesic area, rounded to cm²) and an owner.
//!
//! Public land (mosques, schools, parks, government, hospitals) has no deed and no owner, and
//! neither have parcels of plans not yet approved. A parcel is in force from its deed date at
//! midnight Saudi time (or its plan's approval for public land).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde_json::Map;

use super::DemoError;
use super::city::{City, District};
use super::data::PersonNames;
use super::layout::Layout;
use super::rng::{Purpose, Rng};
use super::sink::{assemble, geometry};
use crate::domain::attributes::{
    Attributes, BlockNo, NationalId, Owner, Parcel, ParcelNo, PlanNo, PlanStatus,
};
use crate::domain::opening_hours::RIYADH_UTC_OFFSET_SECONDS;
use crate::domain::{Feature, LayerKind, Lifespan, RawGeometry, geodesy};

/// Largest relative difference drawn between a deed's area and the geodesic area.
const DEED_AREA_SPREAD: f64 = 0.008;

/// Midnight of `day` in Saudi Arabia (UTC+3), as a UTC instant.
pub fn riyadh_midnight(day: NaiveDate) -> Option<DateTime<Utc>> {
    let offset = FixedOffset::east_opt(RIYADH_UTC_OFFSET_SECONDS)?;
    day.and_hms_opt(0, 0, 0)?
        .and_local_timezone(offset)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// A day drawn uniformly in `from..=to`.
fn day_between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0) as u64;
    from.checked_add_days(chrono::Days::new(rng.below(span + 1)))
        .unwrap_or(from)
}

/// An owner: first, father's and family name; a citizen (id 1...) or a resident (iqama 2...).
fn owner(rng: &mut Rng, names: &PersonNames, id: &str) -> Result<Owner, DemoError> {
    let resident = rng.chance(0.07);
    let first_names = if rng.chance(0.12) {
        &names.first_female
    } else {
        &names.first_male
    };
    let families = if resident {
        &names.resident_family
    } else {
        &names.family
    };
    let parts = [
        rng.pick(first_names),
        rng.pick(&names.first_male),
        rng.pick(families),
    ];
    let name = parts
        .iter()
        .flatten()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let digits: String = (0..9)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect();
    let national_id =
        NationalId::try_from(format!("{}{digits}", if resident { 2 } else { 1 }).as_str())
            .map_err(|reason| DemoError::Attribute {
                layer: LayerKind::Parcels,
                id: id.to_string(),
                reason,
            })?;
    Ok(Owner { name, national_id })
}

/// The parcel features of district `d`, in the layout's order.
pub fn features(
    d: &District,
    city: &City,
    layout: &Layout,
    names: &PersonNames,
    seed: u64,
) -> Result<Vec<Feature>, DemoError> {
    let mut rng = Rng::stream(seed, Purpose::Deeds, &[d.city as u64, u64::from(d.number)]);
    let bad = |id: &str| {
        let id = id.to_string();
        move |reason: String| DemoError::Attribute {
            layer: LayerKind::Parcels,
            id,
            reason,
        }
    };
    let plan_nos = d
        .plans
        .iter()
        .map(|p| PlanNo::try_from(p.plan_no.as_str()).map_err(bad(&d.code)))
        .collect::<Result<Vec<_>, _>>()?;
    let first_deed = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    let last_deed = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default();
    let mut out = Vec::with_capacity(layout.lots.len());
    for (i, lot) in layout.lots.iter().enumerate() {
        let id = format!("{}-{:05}", d.code, i + 1);
        let (Some(plan), Some(plan_no)) = (d.plans.get(lot.plan), plan_nos.get(lot.plan)) else {
            return Err(bad(&id)("parcel outside the district's plans".into()));
        };
        let g = geometry(
            LayerKind::Parcels,
            &id,
            RawGeometry::Polygon(vec![city.frame.ring(&lot.rect)]),
        )?;
        let area = geodesy::area_m2(&g);
        let approved = plan.status == PlanStatus::Approved;
        let (mut deed_no, mut deed_date, mut official_area_m2, mut owner_of) =
            (None, None, None, None);
        if approved && !lot.kind.is_public() {
            let from = plan.approved_on.map_or(first_deed, |a| a.max(first_deed));
            deed_date = Some(day_between(&mut rng, from, last_deed));
            deed_no = Some(rng.digits(12));
            let drawn = area * (1.0 + rng.uniform(-DEED_AREA_SPREAD, DEED_AREA_SPREAD));
            official_area_m2 = Some((drawn * 100.0).round() / 100.0);
            owner_of = Some(owner(&mut rng, names, &id)?);
        }
        let in_force = if lot.kind.is_public() {
            plan.approved_on
        } else {
            deed_date
        };
        let attributes = Attributes::Parcel(Parcel {
            parcel_no: ParcelNo::try_from(lot.parcel_no.to_string().as_str()).map_err(bad(&id))?,
            plan_no: Some(plan_no.clone()),
            block_no: Some(BlockNo::try_from(lot.block_no.to_string().as_str()).map_err(bad(&id))?),
            district: Some(d.name_ar.clone()),
            land_use: Some(lot.kind.land_use()),
            deed_no,
            deed_date,
            official_area_m2,
            owner: owner_of,
        });
        let lifespan = Lifespan {
            valid_from: in_force.and_then(riyadh_midnight),
            valid_to: None,
        };
        out.push(assemble(id, g, attributes, Map::new(), lifespan)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_in_riyadh_is_nine_pm_utc_the_day_before() {
        let day = NaiveDate::from_ymd_opt(2020, 3, 1).unwrap_or_default();
        let t = riyadh_midnight(day).map(|t| t.to_rfc3339());
        assert_eq!(t.as_deref(), Some("2020-02-29T21:00:00+00:00"));
    }
}

//! Service points of a district: where they stand and of which category (planned from the
//! parcels), then their names, phones and opening hours.
//!
//! Shops stand on commercial and mixed-use parcels (up to two per parcel, spread along its
//! frontage), fuel stations on corner parcels at arterials, mosques, schools, government
//! offices and hospitals on their own parcels (a hospital in every sixth district, the first
//! included). The first shops of every district go through all shop categories in turn, so
//! every category is present in every size.

use serde_json::Map;

use super::DemoError;
use super::city::{City, District, RoadClass};
use super::data::{DemoData, ServiceKind};
use super::layout::{Layout, LotKind};
use super::rng::{Purpose, Rng};
use super::sink::{assemble, geometry};
use super::text::{Fill, render};
use crate::domain::attributes::{Attributes, ServicePoint};
use crate::domain::{Feature, LayerKind, Lifespan, RawGeometry};

/// A service point before it has a name: its category and place, metres in the city frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlannedPoint {
    /// Index into [`DemoData::services`].
    pub kind: usize,
    /// A district's grand mosque.
    pub grand: bool,
    pub x: f64,
    pub y: f64,
}

/// The categories the planner needs by role, looked up once.
#[derive(Clone, Debug)]
pub struct Catalogue {
    mosque: usize,
    school: usize,
    government: usize,
    hospital: usize,
    fuel: usize,
    /// Categories of shops (weight > 0) and their weights.
    shops: Vec<usize>,
    weights: Vec<u32>,
}

impl Catalogue {
    pub fn new(data: &DemoData) -> Result<Catalogue, DemoError> {
        let shops: Vec<usize> = (0..data.services.len())
            .filter(|&i| data.services[i].weight > 0)
            .collect();
        Ok(Catalogue {
            mosque: data.service_index("mosque")?,
            school: data.service_index("school")?,
            government: data.service_index("government_office")?,
            hospital: data.service_index("hospital")?,
            fuel: data.service_index("fuel_station")?,
            weights: shops.iter().map(|&i| data.services[i].weight).collect(),
            shops,
        })
    }
}

/// Where district `d`'s service points go, in order.
pub fn plan_points(d: &District, layout: &Layout, cat: &Catalogue, seed: u64) -> Vec<PlannedPoint> {
    let mut rng = Rng::stream(
        seed,
        Purpose::ServicePlan,
        &[d.city as u64, u64::from(d.number)],
    );
    let (mut forced, mut fuel_placed) = (0, false);
    let mut points = Vec::new();
    for lot in &layout.lots {
        let (cx, cy) = lot.rect.centre();
        let mut at = |kind: usize, grand: bool, x: f64| {
            points.push(PlannedPoint {
                kind,
                grand,
                x,
                y: cy,
            })
        };
        match lot.kind {
            LotKind::Mosque => at(cat.mosque, false, cx),
            LotKind::GrandMosque => at(cat.mosque, true, cx),
            LotKind::Government => at(cat.government, false, cx),
            LotKind::Hospital => at(cat.hospital, false, cx),
            LotKind::School if rng.chance(0.5) => {
                // Boys' and girls' schools sharing a block.
                at(cat.school, false, lot.rect.x0 + lot.rect.width() / 3.0);
                at(
                    cat.school,
                    false,
                    lot.rect.x0 + lot.rect.width() * 2.0 / 3.0,
                );
            }
            LotKind::School => at(cat.school, false, cx),
            LotKind::Commercial | LotKind::MixedUse => {
                if lot.corner
                    && lot.front == RoadClass::Arterial
                    && (!fuel_placed || rng.chance(0.03))
                {
                    fuel_placed = true;
                    at(cat.fuel, false, cx);
                    continue;
                }
                let counts: &[u32] = if lot.kind == LotKind::Commercial {
                    &[35, 45, 20]
                } else {
                    &[60, 35, 5]
                };
                let k = rng.weighted(counts);
                for i in 0..k {
                    let kind = match cat.shops.get(forced) {
                        Some(&kind) => {
                            forced += 1;
                            kind
                        }
                        None => cat.shops[rng.weighted(&cat.weights)],
                    };
                    at(
                        kind,
                        false,
                        lot.rect.x0 + lot.rect.width() * (i + 1) as f64 / (k + 1) as f64,
                    );
                }
            }
            LotKind::Residential | LotKind::Vacant | LotKind::Park => {}
        }
    }
    points
}

/// `n` decimal digits, any of them 0.
fn any_digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

/// A phone number as Saudi businesses write them: an Eastern Province landline
/// (`+966 13 8xx xxxx`) or a mobile (`05xxxxxxxx`).
fn phone(rng: &mut Rng, landline: bool) -> String {
    if landline {
        format!("+966 13 8{} {}", any_digits(rng, 2), any_digits(rng, 4))
    } else {
        let operator = [0, 3, 4, 5, 6, 8, 9][rng.index(7)];
        format!("05{operator}{}", any_digits(rng, 7))
    }
}

/// The features of district `d`'s planned service points.
pub fn features(
    d: &District,
    city: &City,
    points: &[PlannedPoint],
    data: &DemoData,
    seed: u64,
) -> Result<Vec<Feature>, DemoError> {
    let mut rng = Rng::stream(
        seed,
        Purpose::ServiceDetails,
        &[d.city as u64, u64::from(d.number)],
    );
    let mut out = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate() {
        let id = format!("{}-S{:04}", d.code, i + 1);
        let missing = || DemoError::Attribute {
            layer: LayerKind::ServicePoints,
            id: id.clone(),
            reason: "no such category".into(),
        };
        let kind: &ServiceKind = data.services.get(p.kind).ok_or_else(missing)?;
        let templates = if p.grand && !kind.grand_names.is_empty() {
            &kind.grand_names
        } else {
            &kind.names
        };
        let (t_ar, t_en) = rng.pick(templates).ok_or_else(missing)?;
        let brand = rng
            .pick(&kind.brands)
            .map_or(("", ""), |(a, e)| (a.as_str(), e.as_str()));
        let fill = Fill {
            brand,
            number: rng.between(1, 250),
            district: (&d.base_ar, &d.name_en),
            city: (&city.spec.name_ar, &city.spec.name_en),
        };
        let phone = match kind.code.as_str() {
            "mosque" => None,
            "school" | "government_office" | "hospital" => Some(phone(&mut rng, true)),
            _ => match rng.weighted(&[6, 3, 1]) {
                0 => Some(phone(&mut rng, false)),
                1 => Some(phone(&mut rng, true)),
                _ => None,
            },
        };
        let attributes = Attributes::ServicePoint(ServicePoint {
            name_ar: Some(render(t_ar, true, &fill)),
            name_en: Some(render(t_en, false, &fill)),
            category: kind.code.clone(),
            phone,
            opening_hours: rng.pick(&kind.hours).cloned(),
            district: Some(d.name_ar.clone()),
        });
        let g = geometry(
            LayerKind::ServicePoints,
            &id,
            RawGeometry::Point(city.frame.lonlat(p.x, p.y)),
        )?;
        out.push(assemble(
            id,
            g,
            attributes,
            Map::new(),
            Lifespan::default(),
        )?);
    }
    Ok(out)
}

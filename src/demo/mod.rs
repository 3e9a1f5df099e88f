//! The demo city: a plausible, deterministic city (or province) around Dammam written into a
//! store through the same constructors and store calls as any import, so it is valid by
//! construction. `madinati demo build --size small|city|province --seed N` calls [`build`].
//!
//! Cities of the Eastern Province (Dammam, Khobar, Dhahran, Qatif, Jubail, Hofuf) are grids of
//! 1.5 km districts (`city`), with arterials between districts, two collectors crossing each
//! district into quadrants, 2-4 plans per district, and blocks of two rows of parcels between
//! local streets (`layout`). Parcels carry deeds and owners (`parcels`); service points of
//! every category stand on commercial, religious, educational and public parcels (`services`).
//! Names come from `data-import/demo/*.toml`, embedded in the binary (`data`).
//!
//! The same seed gives byte-identical features: every random draw comes from a seeded
//! SplitMix64 stream (`rng`) per district and purpose, and the layout is plain arithmetic.
//! Districts are generated and inserted one at a time, so memory stays small even for the
//! province's million parcels.

use std::fmt;
use std::time::{Duration, Instant};

use crate::domain::feature::ShapeMismatch;
use crate::domain::{GeometryProblem, LayerKind};
use crate::store::{Store, StoreError};

mod areas;
mod blocks;
mod city;
mod data;
mod frame;
mod grid;
mod layout;
mod parcels;
mod rng;
mod services;
mod sink;
mod streets;
mod text;

use city::Demo;
use data::DemoData;
use layout::layout;
use services::{Catalogue, plan_points};
use sink::LayerSink;

/// How big a demo to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum DemoSize {
    /// 4 districts of Dammam (2 × 2): about 9,000 parcels and 1,000 service points, for tests
    /// and a first look.
    Small,
    /// 30 districts of Dammam (6 × 5): about 66,000 parcels and 7,600 service points.
    City,
    /// Six cities of the Eastern Province (Dammam, Khobar, Dhahran, Qatif, Jubail, Hofuf), 538
    /// districts: about 1.2 million parcels and 136,000 service points.
    Province,
}

impl DemoSize {
    /// The name used on the command line and in the import log.
    pub fn id(self) -> &'static str {
        match self {
            DemoSize::Small => "small",
            DemoSize::City => "city",
            DemoSize::Province => "province",
        }
    }
}

impl fmt::Display for DemoSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// What a build wrote: features per layer and how long it took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoSummary {
    pub districts: u64,
    pub plans: u64,
    pub streets: u64,
    pub parcels: u64,
    pub service_points: u64,
    /// Wall-clock time of the whole build, store writes included.
    pub elapsed: Duration,
}

/// Why a demo could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// An embedded input file of `data-import/demo/` is not valid (a build-time mistake).
    #[error("demo input {file} is not valid: {reason}")]
    Data { file: &'static str, reason: String },
    /// The cities or districts do not fit together.
    #[error("demo layout is not valid: {0}")]
    Layout(String),
    /// A generated geometry was rejected by validation.
    #[error("demo {layer} feature {id} has an invalid geometry: {source}")]
    Geometry {
        layer: LayerKind,
        id: String,
        source: GeometryProblem,
    },
    /// A generated attribute was rejected.
    #[error("demo {layer} feature {id} has an invalid attribute: {reason}")]
    Attribute {
        layer: LayerKind,
        id: String,
        reason: String,
    },
    /// A geometry of the wrong shape for its layer.
    #[error(transparent)]
    Shape(#[from] ShapeMismatch),
    /// The store refused a write.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Feature counts computed before writing, for progress totals.
#[derive(Default)]
struct Totals {
    plans: u64,
    streets: u64,
    parcels: u64,
    service_points: u64,
}

/// Builds the demo of `size` for `seed` into `store`, replacing all five layers (each in one
/// transaction, source `demo:<size>:seed=<seed>`). `progress(layer, done, total)` is called when
/// a layer starts and after every chunk of features. Fails, leaving the layer being written as
/// it was, when the store refuses a write (e.g. parcels with lineage cannot be replaced).
pub async fn build(
    store: &dyn Store,
    size: DemoSize,
    seed: u64,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<DemoSummary, DemoError> {
    let started = Instant::now();
    let data = DemoData::load()?;
    let catalogue = Catalogue::new(&data)?;
    let demo = Demo::plan(&data, size, seed)?;
    let source = format!("demo:{size}:seed={seed}");

    // Layouts are cheap next to features: count everything first, keep nothing.
    let mut totals = Totals {
        streets: demo.cities.iter().map(streets::arterial_count).sum(),
        ..Totals::default()
    };
    for d in &demo.districts {
        let l = layout(d, seed);
        totals.plans += d.plans.len() as u64;
        totals.streets += 2 + l.streets.len() as u64;
        totals.parcels += l.lots.len() as u64;
        totals.service_points += plan_points(d, &l, &catalogue, seed).len() as u64;
    }
    let city = |d: &city::District| {
        demo.cities
            .get(d.city)
            .ok_or_else(|| DemoError::Layout(format!("district {} has no city", d.code)))
    };

    let total = demo.districts.len() as u64;
    let mut sink = LayerSink::open(store, LayerKind::Districts, &source, total, progress).await?;
    for d in &demo.districts {
        sink.extend(vec![areas::district(d, city(d)?)?]).await?;
    }
    let districts = sink.finish().await?;

    let mut sink =
        LayerSink::open(store, LayerKind::Plans, &source, totals.plans, progress).await?;
    for d in &demo.districts {
        sink.extend(areas::plans(d, city(d)?)?).await?;
    }
    let plans = sink.finish().await?;

    let mut sink =
        LayerSink::open(store, LayerKind::Streets, &source, totals.streets, progress).await?;
    for c in &demo.cities {
        sink.extend(streets::arterials(c)?).await?;
    }
    for d in &demo.districts {
        sink.extend(streets::district_streets(d, city(d)?, &layout(d, seed))?)
            .await?;
    }
    let street_count = sink.finish().await?;

    let mut sink =
        LayerSink::open(store, LayerKind::Parcels, &source, totals.parcels, progress).await?;
    for d in &demo.districts {
        sink.extend(parcels::features(
            d,
            city(d)?,
            &layout(d, seed),
            &data.people,
            seed,
        )?)
        .await?;
    }
    let parcel_count = sink.finish().await?;

    let total = totals.service_points;
    let mut sink =
        LayerSink::open(store, LayerKind::ServicePoints, &source, total, progress).await?;
    for d in &demo.districts {
        let points = plan_points(d, &layout(d, seed), &catalogue, seed);
        sink.extend(services::features(d, city(d)?, &points, &data, seed)?)
            .await?;
    }
    let service_points = sink.finish().await?;

    Ok(DemoSummary {
        districts,
        plans,
        streets: street_count,
        parcels: parcel_count,
        service_points,
        elapsed: started.elapsed(),
    })
}

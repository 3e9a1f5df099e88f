//! The search index of one snapshot: names in an inverted index (`text`), service points by
//! category, plan numbers and parcel references in exact maps (`refs`); built in one pass over
//! the snapshot's layers and never changed (a new snapshot gets a new one).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use geo::Coord;

use super::normalize::{Term, terms, words};
use super::rank::{self, Found, Hit};
use super::reference::{self, Reference};
use super::refs::RefIndex;
use super::text::{Field, TextBuilder, TextIndex, Tier, match_words};
use crate::domain::attributes::Attributes;
use crate::domain::category::{CategoryCode, CategoryRegistry};
use crate::domain::{FeatureId, LayerKind, ValidGeometry};
use crate::index::Snapshot;
use crate::index::chord::ecef;

/// Words of a query looked for; later ones are ignored (a name is rarely longer, and each word
/// costs a lookup, and a scan of the vocabulary when partial matches are wanted).
const MAX_TERMS: usize = 16;

/// A feature reachable through a name or a category.
#[derive(Clone, Copy, Debug)]
struct Target {
    layer: LayerKind,
    fid: FeatureId,
    /// Earth-centred position of a point feature (`index::chord`), for distance bounds.
    at: Option<[f64; 3]>,
}

/// A question to the index.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// What was typed.
    pub text: String,
    /// Where the asker is (lon/lat degrees, EPSG:4326): equal matches come nearest first.
    pub near: Option<Coord>,
    /// At most this many results.
    pub limit: usize,
}

/// The answer: how many features matched, and the first `limit` in ranking order.
#[derive(Clone, Debug)]
pub struct SearchAnswer {
    pub matched: usize,
    pub results: Vec<Found>,
}

/// Sizes of a built index, for logs.
#[derive(Clone, Copy, Debug)]
pub struct SearchStats {
    pub version: u64,
    /// Names indexed (service points, districts, plans).
    pub names: usize,
    /// Distinct canonical words.
    pub words: usize,
    /// Parcels in the reference map.
    pub parcels: usize,
    /// Estimated heap bytes.
    pub bytes: usize,
    pub elapsed: Duration,
}

/// The search index of one snapshot.
pub struct SearchIndex {
    version: u64,
    targets: Vec<Target>,
    text: TextIndex,
    by_category: HashMap<CategoryCode, Vec<u32>>,
    refs: RefIndex,
    elapsed: Duration,
}

impl SearchIndex {
    /// Builds the index of a snapshot: O(n) in features, plus sorting the names' vocabulary and
    /// the parcel references.
    pub fn build(snapshot: &Snapshot) -> SearchIndex {
        let started = Instant::now();
        let mut targets = Vec::new();
        let mut text = TextBuilder::default();
        let mut by_category: HashMap<CategoryCode, Vec<u32>> = HashMap::new();
        let mut refs = RefIndex::default();
        for layer in [
            LayerKind::Districts,
            LayerKind::Plans,
            LayerKind::ServicePoints,
        ] {
            for f in snapshot.layer(layer).iter() {
                let t = targets.len() as u32;
                let at = match f.feature.geometry() {
                    ValidGeometry::Point(p) => Some(ecef(p.0)),
                    _ => None,
                };
                let names = |text: &mut TextBuilder, ar: &Option<String>, en: &Option<String>| {
                    ar.iter().for_each(|n| text.add(t, Field::NameAr, n));
                    en.iter().for_each(|n| text.add(t, Field::NameEn, n));
                };
                match f.feature.attributes() {
                    Attributes::District(d) => names(&mut text, &d.name_ar, &d.name_en),
                    Attributes::ServicePoint(s) => {
                        names(&mut text, &s.name_ar, &s.name_en);
                        by_category.entry(s.category.clone()).or_default().push(t);
                    }
                    Attributes::Plan(p) => {
                        p.name.iter().for_each(|n| text.add(t, Field::Name, n));
                        refs.add_plan(p.plan_no.as_str(), t);
                    }
                    Attributes::Street(_) | Attributes::Parcel(_) => continue,
                }
                targets.push(Target {
                    layer,
                    fid: f.fid,
                    at,
                });
            }
        }
        for f in snapshot.layer(LayerKind::Parcels).iter() {
            if let Attributes::Parcel(p) = f.feature.attributes() {
                refs.add_parcel(
                    p.plan_no.as_ref().map(|v| v.as_str()),
                    p.block_no.as_ref().map(|v| v.as_str()),
                    p.parcel_no.as_str(),
                    f.fid,
                );
            }
        }
        refs.finish();
        SearchIndex {
            version: snapshot.version,
            targets,
            text: text.finish(),
            by_category,
            refs,
            elapsed: started.elapsed(),
        }
    }

    /// The snapshot version this index was built from.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Sizes and build time.
    pub fn stats(&self) -> SearchStats {
        SearchStats {
            version: self.version,
            names: self.text.len(),
            words: self.text.vocabulary(),
            parcels: self.refs.parcel_count(),
            bytes: self.text.heap_bytes()
                + self.refs.heap_bytes()
                + self.targets.capacity() * std::mem::size_of::<Target>()
                + self
                    .by_category
                    .values()
                    .map(|v| 4 * v.len() + 48)
                    .sum::<usize>(),
            elapsed: self.elapsed,
        }
    }

    fn hit(&self, target: u32, field: Field, score: f64) -> Hit {
        let t = self.targets[target as usize];
        Hit {
            layer: t.layer,
            field,
            target,
            fid: t.fid,
            score,
        }
    }

    /// Answers a query against `snapshot`, which must be the snapshot this index was built from
    /// (features it no longer has are left out).
    pub fn search(
        &self,
        snapshot: &Snapshot,
        categories: &CategoryRegistry,
        request: &SearchRequest,
    ) -> SearchAnswer {
        let mut terms = terms(&request.text);
        terms.truncate(MAX_TERMS);
        let reference = reference::parse(&request.text);
        let mut found = Collector::new(self.targets.len());
        if let Some(r) = &reference {
            self.resolve(r, &mut found);
        }
        // A keyword or a slashed number says the query is a reference; its words are searched
        // as names too when it resolves to nothing.
        let names = reference
            .as_ref()
            .is_none_or(|r| !r.keyed || found.is_empty());
        if names {
            self.text
                .full(&terms, |t, field, tier| found.add(t, field, tier));
            self.categories(&terms, categories, false, &mut found);
        }
        if names && found.len() < request.limit {
            self.text
                .partial(&terms, |t, field, tier| found.add(t, field, tier));
            self.categories(&terms, categories, true, &mut found);
        }
        let hits = found.into_hits(self);
        SearchAnswer {
            matched: hits.len(),
            results: rank::top(hits, snapshot, request.near, request.limit, &|h| {
                self.targets.get(h.target as usize).and_then(|t| t.at)
            }),
        }
    }

    /// Plans by number and parcels by reference.
    fn resolve(&self, r: &Reference, found: &mut Collector) {
        let Some(plan) = &r.plan else { return };
        let asked_parcels = r.block.is_some() || r.parcel.is_some();
        if asked_parcels {
            let parcels = self
                .refs
                .parcels(plan, r.block.as_deref(), r.parcel.as_deref());
            let tier = match (&r.parcel, parcels.len()) {
                (Some(_), 1) => Tier::Exact,
                (Some(_), _) if r.block.is_some() => Tier::Exact,
                _ => Tier::Words,
            };
            for fid in parcels {
                found.parcels.push(Hit {
                    layer: LayerKind::Parcels,
                    field: Field::ParcelRef,
                    target: u32::MAX,
                    fid,
                    score: tier.score(),
                });
            }
        }
        // The plan itself: the answer to a plan number, context for a parcel reference.
        let plan_tier = if asked_parcels {
            Tier::Prefix
        } else {
            Tier::Exact
        };
        for t in self.refs.plans(plan) {
            found.add(*t, Field::PlanNo, plan_tier);
        }
        if !asked_parcels {
            let part = Tier::Partial { matched: 1, of: 2 };
            for t in self.refs.plans_with_part(plan) {
                found.add(*t, Field::PlanNo, part);
            }
        }
    }

    /// Service points of the categories whose label or alias matches the query. A category is
    /// never an exact name, so its points rank at most as whole-word matches.
    fn categories(
        &self,
        terms: &[Term],
        registry: &CategoryRegistry,
        partial: bool,
        found: &mut Collector,
    ) {
        if terms.is_empty() {
            return;
        }
        for category in registry.all() {
            let Some(points) = self.by_category.get(&category.code) else {
                continue;
            };
            let names = [&category.label_ar, &category.label_en]
                .into_iter()
                .chain(&category.aliases)
                .map(String::as_str)
                .chain([category.code.as_str()]);
            let best = names
                .filter_map(|n| match_words(&words(n), terms, partial))
                .max_by(|a, b| a.score().total_cmp(&b.score()));
            let Some(tier) = best.filter(|t| t.is_full() != partial) else {
                continue;
            };
            let tier = if tier == Tier::Exact {
                Tier::Words
            } else {
                tier
            };
            for t in points {
                found.add(*t, Field::Category, tier);
            }
        }
    }
}

/// The features a query matched, each once with its best score: a slot per target (a dense
/// array, so no sorting or hashing per hit), and parcels apart.
struct Collector {
    /// Per target: 0 when not matched, else the score in thousandths above 8 bits of
    /// `255 - field`, so a larger value is a better score, then an earlier field.
    best: Vec<u32>,
    touched: Vec<u32>,
    parcels: Vec<Hit>,
}

impl Collector {
    fn new(targets: usize) -> Collector {
        Collector {
            best: vec![0; targets],
            touched: Vec::new(),
            parcels: Vec::new(),
        }
    }

    fn add(&mut self, target: u32, field: Field, tier: Tier) {
        let value = ((tier.score() * 1000.0).round() as u32) << 8 | (255 - field as u32);
        let slot = &mut self.best[target as usize];
        if *slot == 0 {
            self.touched.push(target);
        }
        *slot = (*slot).max(value);
    }

    fn len(&self) -> usize {
        self.touched.len() + self.parcels.len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn into_hits(mut self, index: &SearchIndex) -> Vec<Hit> {
        self.parcels
            .sort_unstable_by(|a, b| a.fid.cmp(&b.fid).then(b.score.total_cmp(&a.score)));
        self.parcels.dedup_by_key(|h| h.fid);
        let mut hits = self.parcels;
        hits.reserve(self.touched.len());
        for t in self.touched {
            let value = self.best[t as usize];
            let field = Field::ALL[(255 - (value & 255)) as usize];
            hits.push(index.hit(t, field, f64::from(value >> 8) / 1000.0));
        }
        hits
    }
}

#[cfg(test)]
mod tests;

//! Selecting and paging features of a collection, and writing them as GeoJSON.
//!
//! Candidates come from the R-tree when there is a box (`bbox`, or the literal of a spatial
//! filter) and from the id-ordered map otherwise; every candidate is checked against the
//! request's predicates, so `numberMatched` counts the whole filtered set. Pages are cut in id
//! order by `paging` (cursors, not offsets: stable under concurrent changes, and linear to page
//! through).

use std::sync::Arc;

use geo::Intersects;
use serde_json::{Value, json};

use chrono::{DateTime, SecondsFormat, SubsecRound, TimeDelta, Utc};

use super::datetime::Interval;
use super::paging::{Candidates, Page, Position, cut};
use super::params::ItemsRequest;
use super::{GEOJSON, JSON, OgcError, crs::OgcCrs, title};
use crate::domain::category::CategoryRegistry;
use crate::domain::public;
use crate::domain::register::StoredFeature;
use crate::domain::{FeatureId, LayerKind, Lifespan, ValidGeometry};
use crate::index::LayerIndex;

fn outline_hits(p: &geo::Polygon, g: &ValidGeometry) -> bool {
    match g {
        ValidGeometry::Point(x) => p.intersects(x),
        ValidGeometry::MultiLineString(x) => p.intersects(x),
        ValidGeometry::Polygon(x) => p.intersects(x),
        ValidGeometry::MultiPolygon(x) => p.intersects(x),
    }
}

/// Candidates out of the R-tree (a box), in id order.
struct Boxed<'a>(Vec<&'a Arc<StoredFeature>>);

impl<'a> Candidates<'a> for Boxed<'a> {
    fn after(
        &self,
        after: Option<FeatureId>,
    ) -> Box<dyn Iterator<Item = &'a Arc<StoredFeature>> + '_> {
        let start = after.map_or(0, |a| self.0.partition_point(|f| f.fid <= a));
        Box::new(self.0[start..].iter().copied())
    }
}

/// Every feature of the layer, in id order.
struct Everything<'a>(&'a LayerIndex);

impl<'a> Candidates<'a> for Everything<'a> {
    fn after(
        &self,
        after: Option<FeatureId>,
    ) -> Box<dyn Iterator<Item = &'a Arc<StoredFeature>> + '_> {
        Box::new(self.0.iter_after(after))
    }
}

/// The page of `layer` that `req` asks for; `version` is the index's (see `paging`). With a
/// `datetime`, the retired versions in `history` are candidates too (the register read as of
/// any date).
pub fn select<'a>(
    layer: &'a LayerIndex,
    history: Option<&'a LayerIndex>,
    req: &ItemsRequest,
    categories: &CategoryRegistry,
    version: u64,
) -> Page<'a> {
    let outline = req.bbox.as_ref().and_then(|b| b.outline.as_ref());
    let unchecked = outline.is_none() && req.datetime.is_none() && req.filter.is_none();
    let keep = |f: &StoredFeature| {
        unchecked
            || (outline.is_none_or(|p| outline_hits(p, f.feature.geometry()))
                && req
                    .datetime
                    .is_none_or(|d| d.overlaps(f.feature.lifespan()))
                && req
                    .filter
                    .as_ref()
                    .is_none_or(|flt| flt.matches(&f.feature, categories)))
    };
    let area = req
        .bbox
        .as_ref()
        .map(|b| b.wgs84)
        .or_else(|| req.filter.as_ref().and_then(|f| f.envelope()));
    if let (Some(history), Some(_)) = (history.filter(|h| !h.is_empty()), req.datetime) {
        let mut all: Vec<&Arc<StoredFeature>> = match area {
            Some(b) => layer
                .in_bbox(&b)
                .into_iter()
                .chain(history.in_bbox(&b))
                .collect(),
            None => layer.iter().chain(history.iter()).collect(),
        };
        all.sort_unstable_by_key(|f| f.fid);
        return cut(&Boxed(all), &keep, None, req.limit, req.cursor, version);
    }
    match area {
        Some(b) => {
            let candidates = Boxed(layer.in_bbox(&b));
            let total = unchecked.then_some(candidates.0.len());
            cut(&candidates, &keep, total, req.limit, req.cursor, version)
        }
        None => {
            let total = unchecked.then_some(layer.len());
            cut(
                &Everything(layer),
                &keep,
                total,
                req.limit,
                req.cursor,
                version,
            )
        }
    }
}

/// A moment as written in messages: RFC 3339, UTC, milliseconds (as the store keeps it).
fn moment(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// When a version was in force, for messages: "it was in force from ... until ...".
fn span(life: Lifespan) -> String {
    match (life.valid_from, life.valid_to) {
        (Some(from), Some(to)) => {
            format!("it was in force from {} until {}", moment(from), moment(to))
        }
        (None, Some(to)) => format!(
            "it was in force from before the register until {}",
            moment(to)
        ),
        (Some(from), None) => format!("it is current, in force since {}", moment(from)),
        (None, None) => "it is current, in force since before the register".to_string(),
    }
}

/// A `datetime` (milliseconds) that reads a retired version: the last millisecond it was in
/// force; `None` when its lifespan holds no whole millisecond.
fn last_instant(life: Lifespan) -> Option<String> {
    let to = life.valid_to?;
    let t = (to - TimeDelta::milliseconds(1)).trunc_subsecs(3);
    life.contains(t).then(|| moment(t))
}

/// Feature `fid` as `/items/{featureId}` answers it: without `datetime` the current feature;
/// with it (the value as given and its interval) the feature's version in force then, current
/// or retired (`history` holds the retired versions, as for `/items`). `Ok(None)` when the
/// layer never had such a feature; a 404 that says why when it had: retired (and the
/// `datetime` that shows it), or not in force at that time (and when it was).
pub fn one<'a>(
    layer: LayerKind,
    current: &'a LayerIndex,
    history: &'a LayerIndex,
    fid: FeatureId,
    datetime: Option<&(String, Interval)>,
) -> Result<Option<&'a StoredFeature>, OgcError> {
    let Some(f) = current.get(fid).or_else(|| history.get(fid)) else {
        return Ok(None);
    };
    let life = f.feature.lifespan();
    let (n, id) = (fid.0, layer.id());
    match datetime {
        None => match life.valid_to {
            None => Ok(Some(f)),
            Some(to) => Err(OgcError::NotFound(match last_instant(life) {
                Some(t) => format!(
                    "feature {n} of {id} was retired at {}; ask with datetime={t} to see it as \
                     it was ({})",
                    moment(to),
                    span(life)
                ),
                None => format!(
                    "feature {n} of {id} was retired at {}: it is no longer in the register",
                    moment(to)
                ),
            })),
        },
        Some((_, at)) if at.overlaps(life) => Ok(Some(f)),
        Some((text, _)) => Err(OgcError::NotFound(format!(
            "feature {n} of {id} was not in the register at datetime={text:?}: {}",
            span(life)
        ))),
    }
}

/// A feature as GeoJSON in `crs` (its `id` is the store's fid).
pub fn feature_json(
    f: &StoredFeature,
    crs: &OgcCrs,
    categories: &CategoryRegistry,
) -> Result<Value, OgcError> {
    let geometry = reproject(f, crs)?;
    Ok(json!({
        "type": "Feature",
        "id": f.fid.0,
        "geometry": geometry,
        "properties": public::properties(&f.feature, categories),
    }))
}

/// The feature's geometry as GeoJSON in `crs`.
fn reproject(f: &StoredFeature, crs: &OgcCrs) -> Result<Value, OgcError> {
    crs.geometry(f.feature.geometry()).map_err(|e| {
        OgcError::bad(format!(
            "feature {} cannot be given in crs={}: {e}; ask for another crs",
            f.fid.0,
            crs.uri()
        ))
    })
}

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": kind, "title": title})
}

/// The time of a response, RFC 3339 UTC.
pub fn time_stamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A page as GeoJSON FeatureCollection text with its links (`base` is the server's URL). The
/// features are written from their kept public text (reprojected when `crs` is not CRS84).
pub fn collection_json(
    layer: LayerKind,
    page: &Page,
    req: &ItemsRequest,
    base: &str,
    categories: &CategoryRegistry,
) -> Result<String, OgcError> {
    use std::fmt::Write;
    let items = format!("{base}/collections/{}/items", layer.id());
    let with = |cursor: Option<Position>| {
        let mut q = req.link_query.clone();
        if let Some(c) = cursor {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str("cursor=");
            q.push_str(&c.encode());
        }
        if q.is_empty() {
            items.clone()
        } else {
            format!("{items}?{q}")
        }
    };
    let mut links = vec![link(with(req.cursor), "self", GEOJSON, "this page")];
    if let Some(c) = page.next {
        links.push(link(with(Some(c)), "next", GEOJSON, "the next page"));
    }
    if let Some(c) = page.prev {
        links.push(link(with(Some(c)), "prev", GEOJSON, "the previous page"));
    }
    links.push(link(
        format!("{base}/collections/{}", layer.id()),
        "collection",
        JSON,
        &title(layer),
    ));
    let mut out = String::with_capacity(512 + page.features.len() * 640);
    let _ = write!(
        out,
        r#"{{"type":"FeatureCollection","timeStamp":"{}","numberMatched":{},"numberReturned":{},"features":["#,
        time_stamp(),
        page.number_matched,
        page.features.len()
    );
    for (i, f) in page.features.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let reprojected = if req.crs.is_crs84() {
            None
        } else {
            Some(reproject(f, &req.crs)?)
        };
        public::write_feature(
            &mut out,
            f.fid.0,
            &f.feature,
            categories,
            &[],
            reprojected.as_ref(),
        );
    }
    let _ = write!(out, r#"],"links":{}}}"#, Value::Array(links));
    Ok(out)
}

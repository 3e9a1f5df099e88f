//! The query parameters of `/collections/{id}/items` and `/items/{featureId}`, checked and
//! converted once: `limit`, `bbox`/`bbox-crs`, `datetime`, `cursor`, `crs`,
//! `filter`/`filter-lang`/`filter-crs`, and a queryable's name as a parameter (`land_use=...`,
//! equality); `crs` and `datetime` for one feature. Anything else is refused, naming the
//! parameter.

use geo::Polygon;

use super::OgcError;
use super::crs::OgcCrs;
use super::datetime::Interval;
use super::filter::{Filter, Lang};
use super::paging::Position;
use super::query::Query;
use crate::domain::Bbox;
use crate::index::LayerIndex;

/// The parameters `/items` takes besides queryables.
pub const ITEMS_PARAMS: [&str; 9] = [
    "limit",
    "bbox",
    "bbox-crs",
    "datetime",
    "cursor",
    "crs",
    "filter",
    "filter-lang",
    "filter-crs",
];
/// Features per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 10;
/// The largest `limit`.
pub const MAX_LIMIT: usize = 10_000;

/// A `bbox` in WGS 84: the box, and the exact outline when it was given in a projected CRS.
#[derive(Clone, Debug)]
pub struct Area {
    pub wgs84: Bbox,
    pub outline: Option<Polygon>,
}

/// A checked `/items` request.
#[derive(Debug)]
pub struct ItemsRequest {
    pub limit: usize,
    pub bbox: Option<Area>,
    pub datetime: Option<Interval>,
    pub filter: Option<Filter>,
    /// Where the page starts (the `cursor` of a `next` or `prev` link).
    pub cursor: Option<Position>,
    pub crs: OgcCrs,
    /// The request's query without `cursor`, encoded, for the paging links.
    pub link_query: String,
}

fn bbox(value: &str, crs: &OgcCrs) -> Result<Area, OgcError> {
    let numbers: Vec<f64> = value
        .split(',')
        .map(|n| n.trim().parse::<f64>().ok().filter(|x| x.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            OgcError::bad(format!(
                "bbox={value:?} must be four numbers: minx,miny,maxx,maxy (in bbox-crs)"
            ))
        })?;
    let b: [f64; 4] = match numbers.as_slice() {
        [a, b, c, d] => [*a, *b, *c, *d],
        [_, _, _, _, _, _] => {
            return Err(OgcError::bad(format!(
                "bbox={value:?} has six numbers (3D), but the collections are 2D: give \
                 minx,miny,maxx,maxy"
            )));
        }
        _ => {
            return Err(OgcError::bad(format!(
                "bbox={value:?} must be four numbers: minx,miny,maxx,maxy (in bbox-crs)"
            )));
        }
    };
    if b[0] > b[2] || b[1] > b[3] {
        return Err(OgcError::bad(format!(
            "bbox={value:?}: give the lower corner first (minx,miny,maxx,maxy)"
        )));
    }
    let (wgs84, outline) = crs.bbox_to_wgs84(b).map_err(|e| {
        OgcError::bad(format!(
            "bbox={value:?} cannot be taken from bbox-crs={} to WGS 84: {e}; check the axis \
             order (EPSG 4326 is latitude first)",
            crs.uri()
        ))
    })?;
    Ok(Area { wgs84, outline })
}

fn needs(q: &Query, name: &str, other: &str) -> Result<(), OgcError> {
    if q.one(name)?.is_some() && q.one(other)?.is_none() {
        return Err(OgcError::bad(format!(
            "{name} applies to {other}; give {other} too, or leave {name} out"
        )));
    }
    Ok(())
}

/// The largest box (square degrees, about 1 km × 1 km here) whose page is cheap enough to write
/// on the request's own thread.
const SMALL_BOX_DEG2: f64 = 1e-4;

impl ItemsRequest {
    /// A small page of a small box without a filter: bounded work (at most a few thousand
    /// candidates), answered without a hop to the blocking pool.
    pub fn is_small(&self) -> bool {
        self.filter.is_none()
            && self.limit <= 1_000
            && self.bbox.as_ref().is_some_and(|a| {
                (a.wgs84.max_x - a.wgs84.min_x) * (a.wgs84.max_y - a.wgs84.min_y) <= SMALL_BOX_DEG2
            })
    }

    /// Checks the query of an `/items` request on `layer`.
    pub fn parse(layer: &LayerIndex, q: &Query) -> Result<ItemsRequest, OgcError> {
        let id = layer.layer().id();
        let mut filters = Vec::new();
        for (name, value) in q.pairs() {
            if ITEMS_PARAMS.contains(&name) {
                q.one(name)?;
                continue;
            }
            match Filter::equals(layer, name, value)? {
                Some(f) => {
                    q.one(name)?;
                    filters.push(f);
                }
                None => {
                    return Err(OgcError::bad(format!(
                        "unknown query parameter {name:?}; /items takes {} and the queryable \
                         properties of /collections/{id}/queryables",
                        ITEMS_PARAMS.join(", ")
                    )));
                }
            }
        }
        needs(q, "bbox-crs", "bbox")?;
        needs(q, "filter-lang", "filter")?;
        needs(q, "filter-crs", "filter")?;

        let limit = match q.one("limit")? {
            None => DEFAULT_LIMIT,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    OgcError::bad(format!(
                        "limit={v:?} must be a whole number from 1 to {MAX_LIMIT}"
                    ))
                })?,
        };
        let bbox_crs = match q.one("bbox-crs")? {
            Some(v) => OgcCrs::parse("bbox-crs", v)?,
            None => OgcCrs::crs84(),
        };
        let bbox = q.one("bbox")?.map(|v| bbox(v, &bbox_crs)).transpose()?;
        let datetime = q.one("datetime")?.map(Interval::parse).transpose()?;
        let cursor = q.one("cursor")?.map(Position::parse).transpose()?;
        let crs = match q.one("crs")? {
            Some(v) => OgcCrs::parse("crs", v)?,
            None => OgcCrs::crs84(),
        };
        if let Some(text) = q.one("filter")? {
            let lang = Lang::parse(q.one("filter-lang")?)?;
            let filter_crs = match q.one("filter-crs")? {
                Some(v) => OgcCrs::parse("filter-crs", v)?,
                None => OgcCrs::crs84(),
            };
            filters.push(Filter::parse(layer, text, lang, &filter_crs)?);
        }
        Ok(ItemsRequest {
            limit,
            bbox,
            datetime,
            filter: Filter::all(filters),
            cursor,
            crs,
            link_query: q.encode_without(&["cursor"]),
        })
    }
}

/// A checked single-feature request (`/items/{featureId}`): `crs`, and `datetime` to read the
/// register as of a moment. `datetime` has the syntax and the meaning of `/items`'s (an instant, a
/// date, or an interval; the feature is answered when its lifespan overlaps it): a feature id
/// has one lifespan (ids are never reused; a change retires a feature into new ones), so at most
/// one version matches, and it is the one `/items` lists for the same `datetime`.
#[derive(Debug)]
pub struct ItemRequest {
    pub crs: OgcCrs,
    /// The value as given, for messages, and its interval.
    pub datetime: Option<(String, Interval)>,
}

impl ItemRequest {
    /// Checks the query of an `/items/{featureId}` request.
    pub fn parse(q: &Query) -> Result<ItemRequest, OgcError> {
        q.only(|k| k == "crs" || k == "datetime", "only crs and datetime")?;
        let crs = match q.one("crs")? {
            Some(v) => OgcCrs::parse("crs", v)?,
            None => OgcCrs::crs84(),
        };
        let datetime = match q.one("datetime")? {
            Some(v) => Some((v.to_string(), Interval::parse(v)?)),
            None => None,
        };
        Ok(ItemRequest { crs, datetime })
    }
}

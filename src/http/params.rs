//! Query-string parsing shared by the API handlers: every parameter is checked at the edge and a
//! bad one is a 400 that names it and says what is expected.

use std::collections::HashMap;

use geo::Coord;

use super::ApiError;

/// The query string as name → values (a name may repeat), with unknown names refused.
pub struct Params(HashMap<String, Vec<String>>);

impl Params {
    /// Parses `raw`; any parameter not in `known` is a 400.
    pub fn parse(raw: Option<&str>, known: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|e| ApiError::BadRequest(format!("the query string is not valid: {e}")))?;
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            if !known.contains(&k.as_str()) {
                return Err(ApiError::BadRequest(format!(
                    "unknown parameter {k:?}; this endpoint takes {}",
                    known.join(", ")
                )));
            }
            map.entry(k).or_default().push(v);
        }
        Ok(Params(map))
    }

    /// The single value of `name`, if given (a repeated single-valued parameter is a 400).
    pub fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(name).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([v]) => Ok(Some(v.as_str())),
            Some(_) => Err(ApiError::BadRequest(format!(
                "{name} is given more than once"
            ))),
        }
    }

    /// Every value of `name`, comma lists split.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .get(name)
            .map(|vs| {
                vs.iter()
                    .flat_map(|v| v.split(','))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A number within `range`, if given.
    pub fn number(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<f64>,
    ) -> Result<Option<f64>, ApiError> {
        let Some(text) = self.one(name)? else {
            return Ok(None);
        };
        let v: f64 = text
            .trim()
            .parse()
            .map_err(|_| ApiError::BadRequest(format!("{name}={text:?} is not a number")))?;
        if !v.is_finite() || !range.contains(&v) {
            return Err(ApiError::BadRequest(format!(
                "{name}={text} is out of range: it must be between {} and {}",
                range.start(),
                range.end()
            )));
        }
        Ok(Some(v))
    }

    /// A required lon/lat pair from `lon` and `lat` (EPSG:4326 degrees).
    pub fn lon_lat(&self) -> Result<Coord, ApiError> {
        let lon = self.number("lon", -180.0..=180.0)?;
        let lat = self.number("lat", -90.0..=90.0)?;
        match (lon, lat) {
            (Some(x), Some(y)) => Ok(Coord { x, y }),
            _ => Err(ApiError::BadRequest(
                "lon and lat are required (WGS 84 degrees, e.g. lon=50.1&lat=26.4)".into(),
            )),
        }
    }

    /// A boolean (`true`/`false`/`1`/`0`), if given.
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.one(name)? {
            None => Ok(None),
            Some("true" | "1" | "yes") => Ok(Some(true)),
            Some("false" | "0" | "no") => Ok(Some(false)),
            Some(other) => Err(ApiError::BadRequest(format!(
                "{name}={other:?} must be true or false"
            ))),
        }
    }
}

/// Which language names and labels are given first in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Ar,
    En,
}

impl Lang {
    /// Parses `lang` (default Arabic; `ar` or `en`, in any case).
    pub fn from_params(p: &Params) -> Result<Lang, ApiError> {
        match p.one("lang")?.map(str::trim) {
            None => Ok(Lang::Ar),
            Some(l) if l.eq_ignore_ascii_case("ar") => Ok(Lang::Ar),
            Some(l) if l.eq_ignore_ascii_case("en") => Ok(Lang::En),
            Some(other) => Err(ApiError::BadRequest(format!(
                "lang must be ar or en, got {other:?}"
            ))),
        }
    }
}

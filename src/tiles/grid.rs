//! The WebMercatorQuad tile grid (OGC 2D TMS, the XYZ scheme of web maps): tile ids and bounds.

use crate::domain::Bbox;

/// The deepest zoom served.
pub const MAX_ZOOM: u8 = 22;
/// Half the width of the Web Mercator world, metres (π · 6 378 137).
pub const HALF_WORLD_M: f64 = 20_037_508.342_789_244;
/// The latitude where Web Mercator's square world ends.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// A tile of the WebMercatorQuad grid: zoom, column (x, from the antimeridian eastwards) and row
/// (y, from the north downwards).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

/// Why a z/x/y is not a tile.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TileIdError {
    #[error("zoom {0} is outside 0–{MAX_ZOOM}")]
    Zoom(i64),
    #[error("{axis}={value} is outside 0–{max} at zoom {z}")]
    OutOfRange {
        axis: &'static str,
        value: i64,
        max: u32,
        z: u8,
    },
}

impl TileId {
    /// Checks that z is 0–22 and x, y are inside the zoom's 2^z × 2^z grid.
    pub fn new(z: i64, x: i64, y: i64) -> Result<TileId, TileIdError> {
        let z8 = u8::try_from(z)
            .ok()
            .filter(|z| *z <= MAX_ZOOM)
            .ok_or(TileIdError::Zoom(z))?;
        let max = (1u32 << z8) - 1;
        let check = |axis: &'static str, value: i64| {
            u32::try_from(value)
                .ok()
                .filter(|v| *v <= max)
                .ok_or(TileIdError::OutOfRange {
                    axis,
                    value,
                    max,
                    z: z8,
                })
        };
        Ok(TileId {
            z: z8,
            x: check("x", x)?,
            y: check("y", y)?,
        })
    }

    /// The tile's bounds in Web Mercator metres: (min_x, min_y, max_x, max_y).
    pub fn mercator_bounds(&self) -> [f64; 4] {
        let size = 2.0 * HALF_WORLD_M / f64::from(1u32 << self.z);
        let min_x = -HALF_WORLD_M + f64::from(self.x) * size;
        let max_y = HALF_WORLD_M - f64::from(self.y) * size;
        [min_x, max_y - size, min_x + size, max_y]
    }

    /// The tile's bounds in lon/lat degrees, grown by `buffer` tile units of `extent` on each side
    /// (e.g. 64 of 4096), with latitudes clamped to Web Mercator's ±85.05°.
    pub fn lon_lat_bounds(&self, buffer: u32, extent: u32) -> Bbox {
        let [x0, y0, x1, y1] = self.mercator_bounds();
        let grow = (x1 - x0) * f64::from(buffer) / f64::from(extent);
        let (min_x, min_y) = mercator_to_lon_lat(x0 - grow, y0 - grow);
        let (max_x, max_y) = mercator_to_lon_lat(x1 + grow, y1 + grow);
        Bbox {
            min_x: min_x.max(-180.0),
            min_y: min_y.max(-MAX_LATITUDE),
            max_x: max_x.min(180.0),
            max_y: max_y.min(MAX_LATITUDE),
        }
    }

    /// The tiles of zoom `z` whose bounds (grown by `buffer` of `extent`) touch the lon/lat box,
    /// as inclusive column and row ranges.
    pub fn covering(
        b: &Bbox,
        z: u8,
        buffer: u32,
        extent: u32,
    ) -> (std::ops::RangeInclusive<u32>, std::ops::RangeInclusive<u32>) {
        let n = f64::from(1u32 << z);
        let grow = f64::from(buffer) / f64::from(extent);
        let (fx0, fy1) = lon_lat_to_tile_fraction(b.min_x, b.min_y, n);
        let (fx1, fy0) = lon_lat_to_tile_fraction(b.max_x, b.max_y, n);
        let last = (1u32 << z) - 1;
        let clamp = |v: f64| (v.floor().max(0.0) as u32).min(last);
        (
            clamp(fx0 - grow)..=clamp(fx1 + grow),
            clamp(fy0 - grow)..=clamp(fy1 + grow),
        )
    }
}

impl std::fmt::Display for TileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Lon/lat degrees to Web Mercator metres (latitude clamped to ±85.05°).
pub fn lon_lat_to_mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE);
    let x = lon.to_radians() * 6_378_137.0;
    let y = (std::f64::consts::FRAC_PI_4 + lat.to_radians() / 2.0)
        .tan()
        .ln()
        * 6_378_137.0;
    (x, y)
}

/// Web Mercator metres to lon/lat degrees.
pub fn mercator_to_lon_lat(x: f64, y: f64) -> (f64, f64) {
    let lon = (x / 6_378_137.0).to_degrees();
    let lat = (2.0 * (y / 6_378_137.0).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees();
    (lon, lat)
}

/// Lon/lat to fractional tile column and row at a grid of `n` tiles a side.
fn lon_lat_to_tile_fraction(lon: f64, lat: f64, n: f64) -> (f64, f64) {
    let (x, y) = lon_lat_to_mercator(lon, lat);
    (
        (x + HALF_WORLD_M) / (2.0 * HALF_WORLD_M) * n,
        (HALF_WORLD_M - y) / (2.0 * HALF_WORLD_M) * n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_ids_are_checked_against_the_zoom() {
        assert!(TileId::new(0, 0, 0).is_ok());
        assert_eq!(TileId::new(23, 0, 0), Err(TileIdError::Zoom(23)));
        assert_eq!(TileId::new(-1, 0, 0), Err(TileIdError::Zoom(-1)));
        assert!(matches!(
            TileId::new(2, 4, 0),
            Err(TileIdError::OutOfRange { axis: "x", .. })
        ));
        assert!(matches!(
            TileId::new(2, 0, -1),
            Err(TileIdError::OutOfRange { axis: "y", .. })
        ));
        assert!(TileId::new(22, (1 << 22) - 1, (1 << 22) - 1).is_ok());
    }

    #[test]
    fn bounds_of_a_dammam_tile() {
        // z14 tile holding Dammam's corniche (50.1°E, 26.43°N).
        let t = TileId::new(14, 10472, 6944).unwrap();
        let b = t.lon_lat_bounds(0, 4096);
        assert!(b.min_x < 50.1 && 50.1 < b.max_x, "{b:?}");
        assert!(b.min_y < 26.43 && 26.43 < b.max_y, "{b:?}");
        let (xs, ys) = TileId::covering(&b, 14, 0, 4096);
        assert!(xs.contains(&10472) && ys.contains(&6944));
        let (lon, lat) = mercator_to_lon_lat(
            lon_lat_to_mercator(50.1, 26.43).0,
            lon_lat_to_mercator(50.1, 26.43).1,
        );
        assert!((lon - 50.1).abs() < 1e-9 && (lat - 26.43).abs() < 1e-9);
    }
}

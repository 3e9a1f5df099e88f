//! What can go wrong parsing a CRS or transforming a coordinate.

use super::supported_codes_list;

/// Errors of CRS parsing and coordinate transformation. Each message says what
/// was wrong and what the user can give instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// The CRS text was empty.
    #[error(
        "no coordinate reference system given: give one such as 'EPSG:32639' or a PROJ string starting with '+proj='"
    )]
    Empty,

    /// The CRS text is in none of the accepted forms.
    #[error(
        "unrecognised coordinate reference system '{input}': give 'EPSG:<code>', a bare EPSG code such as '32639', \
         'urn:ogc:def:crs:EPSG::<code>', 'http://www.opengis.net/def/crs/EPSG/0/<code>', 'CRS84', \
         or a PROJ string starting with '+proj='"
    )]
    Unrecognised {
        /// The text as given (trimmed).
        input: String,
    },

    /// A well-formed EPSG code that this server has no definition for.
    #[error(
        "EPSG:{code} is not a supported coordinate reference system; supported codes are {list}; \
         for any other CRS give its PROJ string instead (starting with '+proj=', e.g. the output of \
         `projinfo -o PROJ EPSG:{code}`)",
        list = supported_codes_list()
    )]
    UnsupportedEpsg {
        /// The EPSG code asked for.
        code: u32,
    },

    /// proj4rs rejected a PROJ string.
    #[error(
        "invalid PROJ string '{definition}': {reason}; check it against the PROJ documentation or generate it \
         with `projinfo -o PROJ EPSG:<code>` (grid shifts and pipelines are not supported)"
    )]
    InvalidProjString {
        /// The PROJ string as given (trimmed).
        definition: String,
        /// What proj4rs reported.
        reason: String,
    },

    /// A coordinate was NaN or infinite.
    #[error("coordinate ({x}, {y}) is not a pair of finite numbers")]
    NonFiniteCoordinate {
        /// x (easting or longitude) as given.
        x: f64,
        /// y (northing or latitude) as given.
        y: f64,
    },

    /// A longitude/latitude in degrees was out of range.
    #[error(
        "longitude/latitude ({lon}, {lat}) is out of range (|longitude| <= 360, |latitude| <= 90 degrees): \
         if these are projected coordinates (metres) give their CRS, e.g. EPSG:32639; \
         if they are degrees, check that longitude comes first"
    )]
    OutOfRange {
        /// Longitude in degrees as given.
        lon: f64,
        /// Latitude in degrees as given.
        lat: f64,
    },

    /// proj4rs could not transform a coordinate.
    #[error(
        "cannot transform ({x}, {y}) from {from} to {to}: {reason}; check that the coordinates really are in \
         {from}, in its units, easting/longitude first"
    )]
    Transform {
        /// Label of the source CRS.
        from: String,
        /// Label of the target CRS.
        to: String,
        /// x of the input coordinate.
        x: f64,
        /// y of the input coordinate.
        y: f64,
        /// What went wrong.
        reason: String,
    },
}

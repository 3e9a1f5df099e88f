//! Street features: centre lines with their right-of-way width and class (`extra.class`).
//!
//! * arterials (40-60 m) on the lines between districts, one feature per segment between two
//!   crossings (`DMM-NS03-05`: north-south line 3, segment 5);
//! * collectors (20-30 m), two per district crossing it from edge to edge (`DMM-017-C1`);
//! * local streets (10-15 m) between blocks, one feature per street, numbered within the
//!   district ("شارع ١٢" / "Street 12", `DMM-017-L012`).

use super::DemoError;
use super::city::{City, DISTRICT_M, District, Road};
use super::layout::Layout;
use super::sink::{assemble, extra, geometry};
use super::text::arabic_digits;
use crate::domain::attributes::{Attributes, Street};
use crate::domain::{Feature, LayerKind, Lifespan, RawGeometry};

/// How many arterial segments a city has.
pub fn arterial_count(city: &City) -> u64 {
    u64::from(city.cols + 1) * u64::from(city.rows)
        + u64::from(city.rows + 1) * u64::from(city.cols)
}

fn street(
    city: &City,
    id: String,
    (from, to): ((f64, f64), (f64, f64)),
    (name_ar, name_en): (&str, &str),
    width_m: f64,
    class: &str,
) -> Result<Feature, DemoError> {
    let line = vec![
        city.frame.lonlat(from.0, from.1),
        city.frame.lonlat(to.0, to.1),
    ];
    let g = geometry(LayerKind::Streets, &id, RawGeometry::LineString(line))?;
    let attributes = Attributes::Street(Street {
        name_ar: Some(name_ar.to_string()),
        name_en: Some(name_en.to_string()),
        width_m: Some(width_m),
    });
    assemble(
        id,
        g,
        attributes,
        extra("class", class),
        Lifespan::default(),
    )
}

/// The arterial segments of a city: north-south lines west to east, then east-west lines.
pub fn arterials(city: &City) -> Result<Vec<Feature>, DemoError> {
    let code = &city.spec.code;
    let mut out = Vec::with_capacity(arterial_count(city) as usize);
    let segment = |road: &Road, id: String, ends| {
        street(
            city,
            id,
            ends,
            (&road.name_ar, &road.name_en),
            road.width_m,
            "arterial",
        )
    };
    for (i, road) in city.north_south.iter().enumerate() {
        let x = i as f64 * DISTRICT_M;
        for j in 0..city.rows as usize {
            let ends = ((x, j as f64 * DISTRICT_M), (x, (j + 1) as f64 * DISTRICT_M));
            out.push(segment(
                road,
                format!("{code}-NS{i:02}-{:02}", j + 1),
                ends,
            )?);
        }
    }
    for (j, road) in city.east_west.iter().enumerate() {
        let y = j as f64 * DISTRICT_M;
        for i in 0..city.cols as usize {
            let ends = ((i as f64 * DISTRICT_M, y), ((i + 1) as f64 * DISTRICT_M, y));
            out.push(segment(
                road,
                format!("{code}-EW{j:02}-{:02}", i + 1),
                ends,
            )?);
        }
    }
    Ok(out)
}

/// The collectors and local streets of district `d`.
pub fn district_streets(
    d: &District,
    city: &City,
    layout: &Layout,
) -> Result<Vec<Feature>, DemoError> {
    let mut out = Vec::with_capacity(2 + layout.streets.len());
    let r = d.rect;
    let [(ns_ar, ns_en), (ew_ar, ew_en)] = &d.collector_names;
    let ((cx, cx_width), (cy, cy_width)) = (d.collector_x, d.collector_y);
    let ns = ((cx, r.y0), (cx, r.y1));
    out.push(street(
        city,
        format!("{}-C1", d.code),
        ns,
        (ns_ar, ns_en),
        cx_width,
        "collector",
    )?);
    let ew = ((r.x0, cy), (r.x1, cy));
    out.push(street(
        city,
        format!("{}-C2", d.code),
        ew,
        (ew_ar, ew_en),
        cy_width,
        "collector",
    )?);
    for (k, s) in layout.streets.iter().enumerate() {
        let n = k as u64 + 1;
        let (ar, en) = (format!("شارع {}", arabic_digits(n)), format!("Street {n}"));
        out.push(street(
            city,
            format!("{}-L{n:03}", d.code),
            (s.from, s.to),
            (&ar, &en),
            s.width_m,
            "local",
        )?);
    }
    Ok(out)
}

//! The demo's inputs, embedded from `data-import/demo/*.toml`: cities and their district and
//! road names, street names, owners' names, and service point templates. Parsed and checked
//! once per build, so a broken input file is a [`DemoError::Data`], never a panic.

use serde::Deserialize;

use super::DemoError;
use super::text::{Fill, PLACEHOLDERS, render};
use crate::domain::category::{CategoryCode, CategoryRegistry};
use crate::domain::opening_hours::OpeningHours;

const DISTRICTS_FILE: &str = "data-import/demo/districts.toml";
const STREETS_FILE: &str = "data-import/demo/streets.toml";
const NAMES_FILE: &str = "data-import/demo/names.toml";
const SERVICES_FILE: &str = "data-import/demo/services.toml";

const DISTRICTS_TOML: &str = include_str!("../../data-import/demo/districts.toml");
const STREETS_TOML: &str = include_str!("../../data-import/demo/streets.toml");
const NAMES_TOML: &str = include_str!("../../data-import/demo/names.toml");
const SERVICES_TOML: &str = include_str!("../../data-import/demo/services.toml");

/// An (Arabic, English) pair of names or templates.
pub type Pair = (String, String);

/// A city of the province (districts.toml).
#[derive(Clone, Debug, Deserialize)]
pub struct CitySpec {
    /// Three capital letters, the prefix of the city's source ids (`DMM`).
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    /// Approximate centre, degrees EPSG:4326.
    pub lon: f64,
    pub lat: f64,
    /// Columns and rows of districts in the `province` size.
    pub grid: [u32; 2],
    /// The city's main roads, most central first.
    pub arterials: Vec<Pair>,
    /// District names without "حي".
    pub districts: Vec<Pair>,
}

#[derive(Deserialize)]
struct CitiesFile {
    city: Vec<CitySpec>,
}

/// Street names (streets.toml).
#[derive(Clone, Debug, Deserialize)]
pub struct StreetNames {
    /// Roads between districts, after a city's own.
    pub arterials: Vec<Pair>,
    /// The streets crossing a district.
    pub collectors: Vec<Pair>,
}

/// Owners' names (names.toml).
#[derive(Clone, Debug, Deserialize)]
pub struct PersonNames {
    pub first_male: Vec<String>,
    pub first_female: Vec<String>,
    pub family: Vec<String>,
    pub resident_family: Vec<String>,
}

#[derive(Deserialize)]
struct KindFile {
    code: String,
    weight: u32,
    names: Vec<Pair>,
    #[serde(default)]
    grand_names: Vec<Pair>,
    brands: Vec<Pair>,
    hours: Vec<String>,
}

#[derive(Deserialize)]
struct ServicesFile {
    category: Vec<KindFile>,
}

/// How the service points of one category are named and when they open (services.toml).
#[derive(Clone, Debug)]
pub struct ServiceKind {
    pub code: CategoryCode,
    /// Share among the shops of commercial parcels; 0 for categories with parcels of their own.
    pub weight: u32,
    pub names: Vec<Pair>,
    /// Names of a district's grand mosque (empty elsewhere).
    pub grand_names: Vec<Pair>,
    pub brands: Vec<Pair>,
    pub hours: Vec<OpeningHours>,
}

/// Every input of the demo, checked.
#[derive(Clone, Debug)]
pub struct DemoData {
    pub cities: Vec<CitySpec>,
    pub streets: StreetNames,
    pub people: PersonNames,
    /// One per category of [`CategoryRegistry::default`], in the file's order.
    pub services: Vec<ServiceKind>,
}

fn data_err(file: &'static str) -> impl Fn(String) -> DemoError {
    move |reason| DemoError::Data { file, reason }
}

fn parse<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<T, DemoError> {
    toml::from_str(text).map_err(|e| DemoError::Data {
        file,
        reason: e.to_string(),
    })
}

fn non_empty<T>(file: &'static str, what: &str, items: &[T]) -> Result<(), DemoError> {
    if items.is_empty() {
        Err(data_err(file)(format!("{what} is empty")))
    } else {
        Ok(())
    }
}

impl DemoData {
    /// Parses and checks the embedded inputs.
    pub fn load() -> Result<DemoData, DemoError> {
        let cities = parse::<CitiesFile>(DISTRICTS_FILE, DISTRICTS_TOML)?.city;
        non_empty(DISTRICTS_FILE, "the list of cities", &cities)?;
        for c in &cities {
            let err = data_err(DISTRICTS_FILE);
            if c.code.len() != 3 || !c.code.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(err(format!(
                    "city code {:?} is not three capital letters",
                    c.code
                )));
            }
            if !(-180.0..=180.0).contains(&c.lon) || !(-85.0..=85.0).contains(&c.lat) {
                return Err(err(format!(
                    "city {} is not at a longitude/latitude",
                    c.code
                )));
            }
            if c.grid[0] == 0 || c.grid[1] == 0 || c.grid[0] > 100 || c.grid[1] > 100 {
                return Err(err(format!(
                    "city {} has a grid of {:?} districts",
                    c.code, c.grid
                )));
            }
            non_empty(
                DISTRICTS_FILE,
                &format!("the district names of {}", c.code),
                &c.districts,
            )?;
        }
        let streets: StreetNames = parse(STREETS_FILE, STREETS_TOML)?;
        non_empty(STREETS_FILE, "arterials", &streets.arterials)?;
        non_empty(STREETS_FILE, "collectors", &streets.collectors)?;
        if streets.collectors.len() < 2 {
            return Err(data_err(STREETS_FILE)(
                "a district needs two collector names".into(),
            ));
        }
        let people: PersonNames = parse(NAMES_FILE, NAMES_TOML)?;
        for (what, list) in [
            ("first_male", &people.first_male),
            ("first_female", &people.first_female),
            ("family", &people.family),
            ("resident_family", &people.resident_family),
        ] {
            non_empty(NAMES_FILE, what, list)?;
        }
        let services = load_services()?;
        Ok(DemoData {
            cities,
            streets,
            people,
            services,
        })
    }

    /// The index in [`Self::services`] of a category.
    pub fn service_index(&self, code: &str) -> Result<usize, DemoError> {
        self.services
            .iter()
            .position(|k| k.code.as_str() == code)
            .ok_or_else(|| data_err(SERVICES_FILE)(format!("category {code} is missing")))
    }
}

fn load_services() -> Result<Vec<ServiceKind>, DemoError> {
    let err = data_err(SERVICES_FILE);
    let registry = CategoryRegistry::default();
    let mut kinds = Vec::new();
    for k in parse::<ServicesFile>(SERVICES_FILE, SERVICES_TOML)?.category {
        let code = CategoryCode::try_from(k.code.as_str()).map_err(|e| err(e.to_string()))?;
        if registry.get(&code).is_none() {
            return Err(err(format!("{code} is not a default category")));
        }
        if kinds.iter().any(|o: &ServiceKind| o.code == code) {
            return Err(err(format!("{code} is listed twice")));
        }
        non_empty(SERVICES_FILE, &format!("the names of {code}"), &k.names)?;
        non_empty(SERVICES_FILE, &format!("the hours of {code}"), &k.hours)?;
        let sample = Fill {
            brand: ("ا", "a"),
            number: 1,
            district: ("ا", "a"),
            city: ("ا", "a"),
        };
        for (ar, en) in k.names.iter().chain(&k.grand_names) {
            for t in [ar, en] {
                let uses_brand = t.contains("{ar}") || t.contains("{en}");
                let unknown = PLACEHOLDERS
                    .iter()
                    .fold(t.clone(), |t, p| t.replace(p, ""))
                    .contains(['{', '}']);
                if unknown
                    || (uses_brand && k.brands.is_empty())
                    || render(t, true, &sample).trim().is_empty()
                {
                    return Err(err(format!(
                        "template {t:?} of {code} has an unknown or unfilled placeholder"
                    )));
                }
            }
        }
        let hours = k
            .hours
            .iter()
            .map(|h| OpeningHours::parse(h).map_err(|e| err(format!("hours {h:?} of {code}: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        kinds.push(ServiceKind {
            code,
            weight: k.weight,
            names: k.names,
            grand_names: k.grand_names,
            brands: k.brands,
            hours,
        });
    }
    if let Some(c) = registry
        .all()
        .iter()
        .find(|c| !kinds.iter().any(|k| k.code == c.code))
    {
        return Err(err(format!("category {} is missing", c.code)));
    }
    if kinds.iter().all(|k| k.weight == 0) {
        return Err(err("no category has a weight among shops".into()));
    }
    Ok(kinds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_inputs_load() {
        let data = DemoData::load().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(data.cities[0].code, "DMM");
        assert_eq!(data.services.len(), CategoryRegistry::default().all().len());
        assert!(data.service_index("mosque").is_ok());
        let mosque = &data.services[data.service_index("mosque").unwrap_or(0)];
        assert!(!mosque.grand_names.is_empty());
    }
}

//! CQL2 filters (Part 3): parsing the `filter` parameter as cql2-text or cql2-json with the
//! `cql2` crate, compiling the expression against a collection's public properties (unknown
//! properties and wrongly typed literals are refused before any feature is read), and
//! evaluating it on features with SQL's three-valued logic (a comparison with a null is unknown,
//! and only features for which the filter is true are selected).
//!
//! Supported: comparisons (`=`, `<>`, `<`, `<=`, `>`, `>=`), `LIKE` (`%`, `_`, `\` escapes),
//! `IN`, `BETWEEN`, `IS NULL`, `AND`/`OR`/`NOT`, `CASEI`, property-to-property comparisons, and
//! the spatial functions `S_INTERSECTS`, `S_DISJOINT`, `S_WITHIN`, `S_CONTAINS`, `S_EQUALS`,
//! `S_TOUCHES`, `S_OVERLAPS`, `S_CROSSES` between `geometry` and a WKT, GeoJSON or `BBOX`
//! literal given in `filter-crs`.

use super::OgcError;
use super::crs::OgcCrs;
use crate::domain::category::CategoryRegistry;
use crate::domain::{Bbox, Feature};
use crate::index::LayerIndex;

mod compile;
mod eval;
pub mod limits;
mod measure;
mod node;
mod spatial;

use compile::Compiler;
pub use eval::like;
pub use measure::{Measure, bounds};

/// The encoding of the `filter` parameter (`filter-lang`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Cql2Text,
    Cql2Json,
}

impl Lang {
    /// The value of `filter-lang` (default cql2-text). `cql-text`, the name of the draft GDAL
    /// before 3.7 sends, is taken as cql2-text.
    pub fn parse(value: Option<&str>) -> Result<Lang, OgcError> {
        match value {
            None | Some("cql2-text") | Some("cql-text") => Ok(Lang::Cql2Text),
            Some("cql2-json") => Ok(Lang::Cql2Json),
            Some(other) => Err(OgcError::bad(format!(
                "filter-lang={other:?} is not supported; use cql2-text (the default) or cql2-json"
            ))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Lang::Cql2Text => "cql2-text",
            Lang::Cql2Json => "cql2-json",
        }
    }
}

/// A compiled filter of one collection.
#[derive(Debug)]
pub struct Filter {
    root: node::Node,
    envelope: Option<Bbox>,
}

/// "line L, column C" out of a pest error's ` --> L:C` header.
fn pest_position(message: &str) -> Option<(String, String)> {
    let after = message.split("-->").nth(1)?.trim_start();
    let spot: String = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    let (line, column) = spot.split_once(':')?;
    Some((line.to_string(), column.to_string()))
}

fn syntax_error(
    text: &str,
    lang: Lang,
    e: &dyn std::fmt::Display,
    at: Option<(String, String)>,
) -> OgcError {
    let message = e.to_string();
    let detail = message
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("= "))
        .unwrap_or(message.lines().next().unwrap_or("").trim())
        .to_string();
    let at = at.map_or(String::new(), |(l, c)| format!(" at line {l}, column {c}"));
    OgcError::bad(format!(
        "the filter is not valid {}{at}: {detail}; filter={text:?} \
         (write e.g. land_use = 'commercial' AND area_m2 > 500, or set filter-lang)",
        lang.name()
    ))
}

impl Filter {
    /// Parses and compiles `text` for the collection `layer`; geometry literals are in `crs`.
    pub fn parse(
        layer: &LayerIndex,
        text: &str,
        lang: Lang,
        crs: &OgcCrs,
    ) -> Result<Filter, OgcError> {
        limits::check(text, lang)?;
        let expr = match lang {
            Lang::Cql2Text => cql2::parse_text(text).map_err(|e| {
                let at = pest_position(&e.to_string());
                syntax_error(text, lang, &e, at)
            })?,
            Lang::Cql2Json => cql2::parse_json(text).map_err(|e| {
                let at = Some((e.line().to_string(), e.column().to_string()));
                let message = e.to_string();
                let detail = message
                    .rsplit_once(" at line ")
                    .map_or(&*message, |(d, _)| d);
                syntax_error(text, lang, &detail, at)
            })?,
        };
        let root = Compiler { layer, crs }.predicate(expr)?;
        Ok(Filter::from_node(root))
    }

    /// `name = value` from a query parameter named after a queryable (Part 3,
    /// queryables-query-parameters); `None` when `name` is no property of the collection.
    pub fn equals(layer: &LayerIndex, name: &str, value: &str) -> Result<Option<Filter>, OgcError> {
        let crs = OgcCrs::crs84();
        Ok(Compiler { layer, crs: &crs }
            .equals(name, value)?
            .map(Filter::from_node))
    }

    /// All of `filters` at once; `None` when there are none.
    pub fn all(filters: Vec<Filter>) -> Option<Filter> {
        let mut nodes: Vec<node::Node> = filters.into_iter().map(|f| f.root).collect();
        match nodes.len() {
            0 => None,
            1 => nodes.pop().map(Filter::from_node),
            _ => Some(Filter::from_node(node::Node::And(nodes))),
        }
    }

    fn from_node(root: node::Node) -> Filter {
        let envelope = root.envelope().map(|r| Bbox {
            min_x: r.min().x,
            min_y: r.min().y,
            max_x: r.max().x,
            max_y: r.max().y,
        });
        Filter { root, envelope }
    }

    /// A box every selected feature intersects, when the filter implies one (a spatial
    /// predicate other than `S_DISJOINT` at the top or under `AND`): candidates come from the
    /// R-tree instead of a scan of the collection.
    pub fn envelope(&self) -> Option<Bbox> {
        self.envelope
    }

    /// Whether the filter is true for `f`.
    pub fn matches(&self, f: &Feature, categories: &CategoryRegistry) -> bool {
        self.root.eval(f, categories) == Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_come_from_pest_messages() {
        let e = cql2::parse_text("land_use = = 'x'")
            .unwrap_err()
            .to_string();
        assert_eq!(pest_position(&e), Some(("1".into(), "12".into())), "{e}");
    }
}

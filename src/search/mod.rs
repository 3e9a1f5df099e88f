//! Search by name and by reference, answered from memory: service points (Arabic and English
//! names, categories), districts, plans (names and numbers) and parcels (plan, block and parcel
//! numbers).
//!
//! - `normalize`: the folding shared by names and queries (Arabic letter variants, diacritics,
//!   tatweel, digits, the optional article, Latin case and accents).
//! - `reference`: reading `مخطط ١٢٣ بلك ٤ قطعة ١٧`, `plan 123 block 4 parcel 17`, `123/4/17`.
//! - `text`: the inverted index of names, and the match tiers (exact, whole words, prefixes,
//!   partial).
//! - `refs`: plan numbers and parcel references resolved exactly; parcels (a million in the
//!   province) are only here, never in the text index.
//! - `rank`: best tier first, then nearest (WGS 84 geodesic) when a point is given, then by id.
//! - `index`: [`SearchIndex`], built from one `index::Snapshot`; `cache`: one per snapshot
//!   version, built on first use.

mod cache;
mod index;
pub mod normalize;
mod rank;
pub mod reference;
mod refs;
mod text;

#[cfg(test)]
mod fixtures;

pub use cache::{BuildFailed, SearchCache};
pub use index::{SearchAnswer, SearchIndex, SearchRequest, SearchStats};
pub use rank::{Found, distance_m};
pub use text::Field;

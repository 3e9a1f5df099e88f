//! Plan numbers and parcel references, resolved exactly: a map from a plan number's key to the
//! plans, and one sorted array of (plan, block, parcel, fid) for every parcel.
//!
//! Parcels are the big layer (1.2 million in the province demo), so they get no text entries:
//! each is 24 bytes here, with its numbers interned as `u32` symbols, and a reference is found
//! by binary search (a plan's parcels, a block's, or one parcel).

use std::collections::HashMap;

use super::reference::key;
use crate::domain::FeatureId;

/// A parcel without a block number.
const NO_BLOCK: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ParcelKey {
    plan: u32,
    block: u32,
    parcel: u32,
    fid: i64,
}

/// The reference maps of one snapshot.
#[derive(Default)]
pub struct RefIndex {
    /// Plan number key → plan targets.
    plans: HashMap<Box<str>, Vec<u32>>,
    /// One part of a slashed plan number (`123` of `2/123`) → plan targets.
    segments: HashMap<Box<str>, Vec<u32>>,
    /// Plan, block and parcel number keys → symbols.
    symbols: HashMap<Box<str>, u32>,
    /// Every parcel with a plan number, sorted.
    parcels: Vec<ParcelKey>,
    /// The last plan and block numbers seen and their symbols: parcels come block by block.
    last: [Option<(Box<str>, u32)>; 2],
}

impl RefIndex {
    fn symbol(&mut self, value: &str) -> u32 {
        let k = key(value);
        if let Some(s) = self.symbols.get(k.as_ref()) {
            return *s;
        }
        let s = self.symbols.len() as u32;
        self.symbols.insert(k.into_owned().into_boxed_str(), s);
        s
    }

    /// `symbol`, remembering the last value of kind `k` (plan 0, block 1).
    fn symbol_again(&mut self, k: usize, value: &str) -> u32 {
        if let Some((last, s)) = &self.last[k]
            && **last == *value
        {
            return *s;
        }
        let s = self.symbol(value);
        self.last[k] = Some((value.into(), s));
        s
    }

    /// Indexes a plan by its number.
    pub fn add_plan(&mut self, plan_no: &str, target: u32) {
        let k = key(plan_no);
        if k.contains('/') {
            for part in k.split('/').filter(|p| !p.is_empty()) {
                self.segments.entry(part.into()).or_default().push(target);
            }
        }
        self.plans
            .entry(k.as_ref().into())
            .or_default()
            .push(target);
    }

    /// Indexes a parcel by its numbers; parcels without a plan number cannot be referenced.
    pub fn add_parcel(
        &mut self,
        plan_no: Option<&str>,
        block_no: Option<&str>,
        parcel_no: &str,
        fid: FeatureId,
    ) {
        let Some(plan_no) = plan_no else { return };
        let plan = self.symbol_again(0, plan_no);
        let block = block_no.map_or(NO_BLOCK, |b| self.symbol_again(1, b));
        let parcel = self.symbol(parcel_no);
        self.parcels.push(ParcelKey {
            plan,
            block,
            parcel,
            fid: fid.0,
        });
    }

    /// Sorts the parcels; called once after the last `add_parcel`.
    pub fn finish(&mut self) {
        self.parcels.sort_unstable();
        self.parcels.shrink_to_fit();
    }

    /// Number of parcels indexed.
    pub fn parcel_count(&self) -> usize {
        self.parcels.len()
    }

    /// Estimated heap bytes.
    pub fn heap_bytes(&self) -> usize {
        let map = |m: &HashMap<Box<str>, Vec<u32>>| {
            m.iter()
                .map(|(k, v)| k.len() + 4 * v.len() + 56)
                .sum::<usize>()
        };
        self.parcels.capacity() * std::mem::size_of::<ParcelKey>()
            + map(&self.plans)
            + map(&self.segments)
            + self.symbols.keys().map(|k| k.len() + 32).sum::<usize>()
    }

    /// The plans whose number is `plan` (a key).
    pub fn plans(&self, plan: &str) -> &[u32] {
        self.plans.get(plan).map_or(&[], Vec::as_slice)
    }

    /// The plans with `part` as one part of a slashed number.
    pub fn plans_with_part(&self, part: &str) -> &[u32] {
        self.segments.get(part).map_or(&[], Vec::as_slice)
    }

    /// The parcels of plan `plan`, narrowed to a block and a parcel number when given (keys).
    pub fn parcels(&self, plan: &str, block: Option<&str>, parcel: Option<&str>) -> Vec<FeatureId> {
        let Some(&plan) = self.symbols.get(plan) else {
            return Vec::new();
        };
        let sym = |v: Option<&str>| v.map(|v| self.symbols.get(v).copied());
        let (block, parcel) = match (sym(block), sym(parcel)) {
            // A block or parcel number no parcel has.
            (Some(None), _) | (_, Some(None)) => return Vec::new(),
            (b, p) => (b.flatten(), p.flatten()),
        };
        let range = |lo: (u32, u32, u32), hi: (u32, u32, u32)| {
            let k = |p: &ParcelKey| (p.plan, p.block, p.parcel);
            let a = self.parcels.partition_point(|p| k(p) < lo);
            let b = self.parcels.partition_point(|p| k(p) <= hi);
            &self.parcels[a..b.max(a)]
        };
        let found = match (block, parcel) {
            (Some(b), Some(p)) => range((plan, b, p), (plan, b, p)),
            (Some(b), None) => range((plan, b, 0), (plan, b, u32::MAX)),
            (None, _) => range((plan, 0, 0), (plan, u32::MAX, u32::MAX)),
        };
        found
            .iter()
            .filter(|k| block.is_some() || parcel.is_none_or(|p| k.parcel == p))
            .map(|k| FeatureId(k.fid))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs() -> RefIndex {
        let mut r = RefIndex::default();
        r.add_plan("123", 0);
        r.add_plan("2/123", 1);
        r.add_parcel(Some("123"), Some("4"), "17", FeatureId(10));
        r.add_parcel(Some("123"), Some("4"), "18", FeatureId(11));
        r.add_parcel(Some("123"), Some("5"), "17", FeatureId(12));
        r.add_parcel(Some("0123"), None, "17", FeatureId(13));
        r.add_parcel(Some("2/123"), Some("4"), "17", FeatureId(14));
        r.add_parcel(None, Some("4"), "17", FeatureId(15));
        r.finish();
        r
    }

    fn ids(v: Vec<FeatureId>) -> Vec<i64> {
        let mut v: Vec<i64> = v.into_iter().map(|f| f.0).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn plans_by_number_and_by_part() {
        let r = refs();
        assert_eq!(r.plans("123"), [0]);
        assert_eq!(r.plans("2/123"), [1]);
        assert_eq!(r.plans_with_part("123"), [1]);
        assert!(r.plans("9").is_empty());
    }

    #[test]
    fn parcels_by_plan_block_and_number() {
        let r = refs();
        assert_eq!(
            r.parcel_count(),
            5,
            "the parcel without a plan is not referenced"
        );
        assert_eq!(ids(r.parcels("123", Some("4"), Some("17"))), [10]);
        assert_eq!(ids(r.parcels("123", None, Some("17"))), [10, 12, 13]);
        assert_eq!(ids(r.parcels("123", Some("4"), None)), [10, 11]);
        assert_eq!(ids(r.parcels("123", None, None)), [10, 11, 12, 13]);
        assert_eq!(ids(r.parcels("2/123", Some("4"), Some("17"))), [14]);
        assert!(r.parcels("123", Some("9"), Some("17")).is_empty());
        assert!(r.parcels("123", Some("4"), Some("99")).is_empty());
        assert!(r.parcels("77", None, None).is_empty());
    }
}

//! The demo's seeded pseudo-random numbers: SplitMix64 (Steele, Lea & Flood, 2014), written out
//! here so that a seed gives the same city on every platform and in every version of madinati,
//! whatever the `rand` crates do. Not for anything secret.
//!
//! Each part of the city draws from its own stream ([`Rng::stream`]), keyed by the seed and a
//! path such as `[purpose, city, district]`, so a district comes out the same however many
//! times, and in whatever order, it is generated.

/// The SplitMix64 increment (the golden ratio in 64-bit fixed point).
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (a 64-bit finaliser with good avalanche).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a stream is drawn for: the first element of a stream's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// A city's road widths and the order of its names.
    City = 1,
    /// A district's plans and collector streets.
    District = 2,
    /// A district's blocks, parcels and land uses.
    Layout = 3,
    /// A district's parcels' deeds and owners.
    Deeds = 4,
    /// Where a district's service points go and of which category.
    ServicePlan = 5,
    /// The service points' names, phones and hours.
    ServiceDetails = 6,
}

/// A SplitMix64 generator.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// The stream for `purpose` and `path` (e.g. city and district indices) under `seed`.
    pub fn stream(seed: u64, purpose: Purpose, path: &[u64]) -> Rng {
        let mut state = mix(seed ^ GOLDEN);
        for p in std::iter::once(purpose as u64).chain(path.iter().copied()) {
            state = mix(state ^ mix(p.wrapping_add(GOLDEN)));
        }
        Rng { state }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// Uniform in `0..n`; 0 when `n` is 0. Unbiased (Lemire's multiply-and-reject).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        let threshold = n.wrapping_neg() % n;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }

    /// Uniform in `0..n` as an index.
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Uniform in `lo..=hi` (`hi < lo` gives `lo`).
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo).saturating_add(1))
    }

    /// Uniform in `[0, 1)`, 53 bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One item, uniformly; `None` for an empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.index(items.len()))
    }

    /// An index drawn with the given weights; the last index when all weights are 0.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut r = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if r < u64::from(*w) {
                return i;
            }
            r -= u64::from(*w);
        }
        weights.len().saturating_sub(1)
    }

    /// Shuffles in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }

    /// `n` decimal digits, the first one not 0 when `n > 0`.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|i| {
                let d = if i == 0 {
                    self.between(1, 9)
                } else {
                    self.below(10)
                };
                char::from(b'0' + d as u8)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // SplitMix64 seeded with 0 starts 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4 (reference C code).
        let mut r = Rng { state: 0 };
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn streams_are_stable_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::stream(7, Purpose::Layout, &[0, 3]);
                move |_| r.next_u64()
            })
            .collect();
        let mut again = Rng::stream(7, Purpose::Layout, &[0, 3]);
        assert!(a.iter().all(|x| *x == again.next_u64()));
        let mut other = Rng::stream(7, Purpose::Layout, &[0, 4]);
        assert_ne!(a[0], other.next_u64());
        let mut other_seed = Rng::stream(8, Purpose::Layout, &[0, 3]);
        assert_ne!(a[0], other_seed.next_u64());
    }

    #[test]
    fn ranges_hold() {
        let mut r = Rng::stream(1, Purpose::City, &[]);
        for _ in 0..10_000 {
            assert!(r.below(7) < 7);
            let b = r.between(3, 5);
            assert!((3..=5).contains(&b));
            let u = r.uniform(-1.0, 1.0);
            assert!((-1.0..1.0).contains(&u));
            assert!(r.weighted(&[0, 5, 0, 1]) % 2 == 1);
        }
        let d = r.digits(12);
        assert_eq!(d.len(), 12);
        assert_ne!(d.as_bytes()[0], b'0');
    }
}

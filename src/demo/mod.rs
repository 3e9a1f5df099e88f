//! The demo city generator (being written by the demo helper; this interface is temporary).

use crate::store::Store;

/// Demo sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoSize {
    Small,
    City,
    Province,
}

/// What was built.
#[derive(Clone, Debug, Default)]
pub struct DemoSummary {
    pub districts: u64,
    pub plans: u64,
    pub streets: u64,
    pub parcels: u64,
    pub service_points: u64,
    pub elapsed: std::time::Duration,
}

/// Why the demo could not be built.
#[derive(Debug, thiserror::Error)]
#[error("demo generator not wired yet")]
pub struct DemoError;

/// Builds the demo city.
pub async fn build(_store: &dyn Store, _size: DemoSize, _seed: u64, _progress: &mut dyn FnMut(&str, u64, u64)) -> Result<DemoSummary, DemoError> {
    Err(DemoError)
}

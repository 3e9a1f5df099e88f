//! madinati (مدينتي): a geoportal, tile and query server for a Saudi municipality's land services.
//!
//! The library holds everything; the binary only parses the command line and calls in.
//! See `docs/ARCHITECTURE.md` for how the parts fit.

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod http;
pub mod import;
pub mod index;
pub mod ogc;
pub mod search;
pub mod sketch;
pub mod store;
pub mod tiles;

//! Configuration: a TOML file, then `MADINATI_*` environment variables, then command-line flags,
//! each overriding the one before.
//!
//! The file is `--config FILE` (or `MADINATI_CONFIG`), else `./madinati.toml` when present.
//! Environment variables and flags are read by clap (`env = ...`), which already gives flags
//! precedence over the environment; `Settings::resolve` puts the file and the defaults under both.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::app::auth::AuthConfig;
use crate::app::documents::DocumentsConfig;
use crate::domain::category::{Category, CategoryError, CategoryRegistry};
use crate::domain::checks::SplitRules;

/// The default GeoPackage of `madinati demo`.
pub const DEMO_STORE: &str = "madinati-demo.gpkg";
/// The default address `serve` listens on.
pub const DEFAULT_LISTEN: &str = "0.0.0.0:8080";
/// The default size of the in-memory tile cache, MiB.
pub const DEFAULT_TILE_CACHE_MB: u64 = 64;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

/// The configuration file, every key optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The GeoPackage store.
    pub store: Option<PathBuf>,
    /// Address to listen on, e.g. "127.0.0.1:8080".
    pub listen: Option<SocketAddr>,
    pub log_format: Option<LogFormat>,
    /// Size of the in-memory tile cache, MiB (0 turns it off).
    pub tile_cache_mb: Option<u64>,
    /// Service categories added to the fixed list.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// The map viewer's npm project (its `dist/` is served); default: `web-viewer/` of the
    /// source tree.
    pub viewer_dir: Option<PathBuf>,
    /// The MapLibre styles (`<name>.json`); default: `styles/` of the source tree.
    pub styles_dir: Option<PathBuf>,
    /// The municipality's rule numbers for subdivisions and merges (`[rules]`); every key
    /// optional, the published values by default.
    #[serde(default)]
    pub rules: SplitRules,
    /// Sessions and login throttling (`[auth]`).
    #[serde(default)]
    pub auth: AuthConfig,
    /// Documents attached to land requests (`[documents]`: `max_bytes`, the largest upload).
    #[serde(default)]
    pub documents: DocumentsConfig,
    /// What survey sketches print (`[sketch]`: `amanah_ar`, `amanah_en`, `public_url`).
    #[serde(default)]
    pub sketch: crate::app::sketch::SketchSettings,
    /// Notifications (`[notify]`, `[notify.email]`, `[notify.sms]`).
    #[serde(default)]
    pub notify: crate::app::notify::NotifyConfig,
}

/// What went wrong reading the configuration.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the configuration file {path} is not valid: {message}")]
    Parse { path: String, message: String },
    #[error("the configuration's categories are not valid: {0}")]
    Categories(#[from] CategoryError),
    #[error(
        "no store given: pass --store FILE, set MADINATI_STORE, or put `store = \"FILE\"` in madinati.toml"
    )]
    NoStore,
}

impl FileConfig {
    /// Loads `explicit`, or `./madinati.toml` if it exists, or nothing.
    pub fn load(explicit: Option<&Path>) -> Result<FileConfig, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None if Path::new("madinati.toml").is_file() => PathBuf::from("madinati.toml"),
            None => return Ok(FileConfig::default()),
        };
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }
}

/// The settings in force after merging file, environment and flags.
#[derive(Clone, Debug)]
pub struct Settings {
    pub store: Option<PathBuf>,
    pub listen: SocketAddr,
    pub log_format: LogFormat,
    pub categories: CategoryRegistry,
    /// Size of the tile cache, MiB (0: off). The flag (`--tile-cache-mb`, or
    /// `MADINATI_TILE_CACHE_MB`) overrides this after `resolve`.
    pub tile_cache_mb: u64,
    /// The map viewer's npm project, when not the source tree's.
    pub viewer_dir: Option<PathBuf>,
    /// The MapLibre styles' directory, when not the source tree's.
    pub styles_dir: Option<PathBuf>,
    pub rules: SplitRules,
    pub auth: AuthConfig,
    pub documents: DocumentsConfig,
    pub sketch: crate::app::sketch::SketchSettings,
    pub notify: crate::app::notify::NotifyConfig,
}

impl Settings {
    /// Merges `flags` (flags and environment, as clap read them) over `file` and the defaults.
    pub fn resolve(
        file: FileConfig,
        store: Option<PathBuf>,
        listen: Option<SocketAddr>,
        log_format: Option<LogFormat>,
    ) -> Result<Settings, ConfigError> {
        let default_listen: SocketAddr =
            DEFAULT_LISTEN
                .parse()
                .map_err(|e: std::net::AddrParseError| ConfigError::Parse {
                    path: "built-in default".into(),
                    message: e.to_string(),
                })?;
        Ok(Settings {
            store: store.or(file.store),
            listen: listen.or(file.listen).unwrap_or(default_listen),
            log_format: log_format.or(file.log_format).unwrap_or_default(),
            categories: CategoryRegistry::with_extra(file.categories)?,
            tile_cache_mb: file.tile_cache_mb.unwrap_or(DEFAULT_TILE_CACHE_MB),
            viewer_dir: file.viewer_dir,
            styles_dir: file.styles_dir,
            rules: file.rules,
            auth: file.auth,
            documents: file.documents,
            sketch: file.sketch,
            notify: file.notify,
        })
    }

    /// The store path, or an error that says how to give one.
    pub fn require_store(&self) -> Result<&Path, ConfigError> {
        self.store.as_deref().ok_or(ConfigError::NoStore)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_file_and_file_overrides_defaults() {
        let file: FileConfig = toml::from_str(
            "store = \"from-file.gpkg\"\nlisten = \"127.0.0.1:9000\"\n[[categories]]\ncode = \"laundry\"\nlabel_ar = \"مغسلة\"\nlabel_en = \"Laundry\"\n",
        )
        .unwrap();
        let s = Settings::resolve(file.clone(), Some("flag.gpkg".into()), None, None).unwrap();
        assert_eq!(s.store.as_deref(), Some(Path::new("flag.gpkg")));
        assert_eq!(s.listen.port(), 9000);
        assert!(s.categories.resolve("مغسلة").is_some());
        assert_eq!(s.tile_cache_mb, DEFAULT_TILE_CACHE_MB);
        let file: FileConfig = toml::from_str("tile_cache_mb = 0").unwrap();
        let s = Settings::resolve(file, None, None, None).unwrap();
        assert_eq!(s.tile_cache_mb, 0);
        let s = Settings::resolve(FileConfig::default(), None, None, None).unwrap();
        assert_eq!(s.listen.port(), 8080);
        assert!(matches!(s.require_store(), Err(ConfigError::NoStore)));
    }

    #[test]
    fn rules_and_auth_come_from_the_file_with_published_defaults() {
        let file: FileConfig = toml::from_str(
            "[rules]\nmin_child_area_m2 = 300.0\nmin_frontage_m = 12.0\n[auth]\nsession_hours = 8.0\n",
        )
        .unwrap();
        let s = Settings::resolve(file, None, None, None).unwrap();
        assert_eq!(s.rules.min_child_area_m2, 300.0);
        assert_eq!(s.rules.min_frontage_m, 12.0);
        assert_eq!(
            s.rules.min_parent_area_m2,
            SplitRules::default().min_parent_area_m2
        );
        assert_eq!(s.auth.session_hours, 8.0);
        assert_eq!(s.auth.max_failures, AuthConfig::default().max_failures);
        assert!(toml::from_str::<FileConfig>("[rules]\nmin_chld_area_m2 = 1.0").is_err());
    }

    #[test]
    fn the_upload_limit_comes_from_the_file() {
        let s = Settings::resolve(FileConfig::default(), None, None, None).unwrap();
        assert_eq!(s.documents.max_bytes, 20 * 1024 * 1024);
        let file: FileConfig = toml::from_str("[documents]\nmax_bytes = 4096\n").unwrap();
        let s = Settings::resolve(file, None, None, None).unwrap();
        assert_eq!(s.documents.max_bytes, 4096);
        assert!(toml::from_str::<FileConfig>("[documents]\nmax_byte = 1").is_err());
    }

    #[test]
    fn unknown_keys_are_an_error() {
        assert!(toml::from_str::<FileConfig>("stor = \"x\"").is_err());
    }
}

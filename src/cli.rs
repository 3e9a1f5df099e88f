//! The command line: parses flags into settings, then runs one command.
//!
//! Exit status: 0 success; 1 a fatal error (nothing was changed); 2 a usage error (clap);
//! 3 an import that rejected some records (the valid rest was imported).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::app::auth::{self, NewUser};
use crate::config::{DEMO_STORE, FileConfig, LogFormat, Settings};
use crate::demo::{self, DemoSize};
use crate::domain::LayerKind;
use crate::domain::account::Roles;
use crate::domain::crs::Crs;
use crate::http::{AppState, Application, viewer};
use crate::import::source::Format;
use crate::import::{self, ImportOptions};
use crate::store::{self, Store, WriteMode};
use crate::tiles::cache::TileCache;

/// Exit status of an import that rejected some records.
pub const EXIT_REJECTED: u8 = 3;

/// madinati (مدينتي): the city's layers, tiles, search and land services.
#[derive(Debug, Parser)]
#[command(name = "madinati", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (TOML); default ./madinati.toml when present.
    #[arg(long, env = "MADINATI_CONFIG", global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Log format.
    #[arg(long, env = "MADINATI_LOG_FORMAT", global = true, value_enum)]
    log_format: Option<LogFormat>,
    /// The map viewer's npm project, whose dist/ is served [default: web-viewer/ of the source tree].
    #[arg(long, env = "MADINATI_VIEWER_DIR", global = true, value_name = "DIR")]
    viewer_dir: Option<PathBuf>,
    /// The MapLibre styles' directory [default: styles/ of the source tree].
    #[arg(long, env = "MADINATI_STYLES_DIR", global = true, value_name = "DIR")]
    styles_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the store over HTTP (health, readiness; maps and APIs as they are built).
    Serve(ServeArgs),
    /// Import a file into a layer: validated, reprojected, all or nothing; rejects written aside.
    Import(ImportArgs),
    /// Build the demo city (and serve it, without a subcommand).
    Demo(DemoArgs),
    /// List the store's layers with their feature counts and extents.
    Layers(StoreArg),
    /// Manage accounts: add, list, disable, enable.
    User(UserArgs),
    /// Write a consistent copy of the store while it serves (SQLite's VACUUM INTO).
    Backup {
        #[command(flatten)]
        store: StoreArg,
        /// The copy to write (a new file).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check a backup and put it in place of the store (stop the server first).
    Restore {
        /// The backup to restore.
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        #[command(flatten)]
        store: StoreArg,
        /// Replace an existing store.
        #[arg(long)]
        force: bool,
        /// Only check the backup; change nothing.
        #[arg(long)]
        check_only: bool,
    },
    /// Deliver the notification outbox by e-mail and SMS (`[notify]` in the configuration),
    /// until stopped; `serve` does the same unless `[notify] send = false`.
    Notify {
        #[command(flatten)]
        store: StoreArg,
        /// Stop once nothing is pending (every delivery sent or given up).
        #[arg(long)]
        until_idle: bool,
    },
}

#[derive(Debug, Args)]
struct UserArgs {
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Debug, Subcommand)]
enum UserAction {
    /// Add an account; the password is read from standard input (one line).
    Add {
        #[command(flatten)]
        store: StoreArg,
        /// 3 to 64 letters, digits, '.', '_', '-', '@'.
        #[arg(long)]
        username: String,
        /// citizen, surveyor, planner, admin; several separated by commas.
        #[arg(long, value_parser = parse_roles)]
        role: Roles,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[arg(long)]
        name_ar: Option<String>,
        #[arg(long)]
        name_en: Option<String>,
        /// National id or iqama number (10 digits).
        #[arg(long)]
        national_id: Option<String>,
        /// Mobile number for SMS notifications (+9665XXXXXXXX or 05XXXXXXXX).
        #[arg(long)]
        phone: Option<String>,
        /// E-mail address for notifications.
        #[arg(long)]
        email: Option<String>,
    },
    /// List accounts (user name, roles, names, disabled); no personal data.
    List {
        #[command(flatten)]
        store: StoreArg,
    },
    /// Disable an account: its sessions end at once and it cannot sign in.
    Disable {
        #[command(flatten)]
        store: StoreArg,
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[command(flatten)]
        store: StoreArg,
        #[arg(long)]
        username: String,
    },
}

fn parse_roles(s: &str) -> Result<Roles, String> {
    Roles::parse(s)
}

#[derive(Debug, Args)]
struct StoreArg {
    /// The GeoPackage store.
    #[arg(long, env = "MADINATI_STORE", value_name = "FILE")]
    store: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    store: StoreArg,
    /// Address to listen on [default: 0.0.0.0:8080].
    #[arg(long, env = "MADINATI_LISTEN", value_name = "ADDR")]
    listen: Option<SocketAddr>,
    #[command(flatten)]
    tile_cache: TileCacheArg,
}

#[derive(Debug, Args)]
struct TileCacheArg {
    /// Size of the in-memory tile cache in MiB; 0 turns it off [default: 64].
    #[arg(long, env = "MADINATI_TILE_CACHE_MB", value_name = "MB")]
    tile_cache_mb: Option<u64>,
}

#[derive(Debug, Args)]
struct ImportArgs {
    #[command(flatten)]
    store: StoreArg,
    /// Target layer: districts, plans, streets, parcels or service_points.
    #[arg(long, value_parser = parse_layer)]
    layer: LayerKind,
    /// The file to import (GeoJSON, GeoJSONSeq, FlatGeobuf, CSV, Shapefile, GeoPackage; more with GDAL).
    input: PathBuf,
    /// Source CRS (EPSG:32639, 20439, 8839, 9359, 3857, ... or a PROJ string); default: what the file declares, else EPSG:4326.
    #[arg(long, value_parser = parse_crs)]
    srs: Option<Crs>,
    /// Read a field from a differently named source property, e.g. --map parcel_no=PARCEL_NUM.
    #[arg(long = "map", value_name = "TARGET=SOURCE", value_parser = parse_mapping)]
    mapping: Vec<(String, String)>,
    /// Replace the layer's features instead of adding to them.
    #[arg(long)]
    replace: bool,
    /// Input format, when the file name does not tell.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Table or layer to read in a multi-layer source (GeoPackage, GDAL).
    #[arg(long, value_name = "NAME")]
    source_layer: Option<String>,
    /// Where to write rejected records [default: <input name>.rejects.geojson].
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// No progress output.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct DemoArgs {
    #[command(subcommand)]
    action: Option<DemoAction>,
    /// The demo GeoPackage to build if missing, then serve.
    #[arg(long, default_value = DEMO_STORE, value_name = "FILE")]
    out: PathBuf,
    /// Address to listen on [default: 0.0.0.0:8080].
    #[arg(long, env = "MADINATI_LISTEN", value_name = "ADDR")]
    listen: Option<SocketAddr>,
    #[command(flatten)]
    tile_cache: TileCacheArg,
}

#[derive(Debug, Subcommand)]
enum DemoAction {
    /// Generate a deterministic demo city around Dammam into a GeoPackage.
    Build {
        /// small (tests), city (≥ 50,000 parcels), province (≥ 1,000,000 parcels, benchmarks).
        #[arg(long, value_enum, default_value = "city")]
        size: DemoSize,
        #[arg(long, default_value = DEMO_STORE, value_name = "FILE")]
        out: PathBuf,
        /// Random seed: the same seed builds the same city.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

fn parse_layer(s: &str) -> Result<LayerKind, String> {
    s.parse()
        .map_err(|e: crate::domain::layer::UnknownLayer| e.to_string())
}

fn parse_crs(s: &str) -> Result<Crs, String> {
    Crs::parse(s).map_err(|e| e.to_string())
}

fn parse_mapping(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((t, src)) if !t.trim().is_empty() && !src.trim().is_empty() => {
            Ok((t.trim().to_string(), src.trim().to_string()))
        }
        _ => Err(format!(
            "{s:?} is not TARGET=SOURCE, e.g. parcel_no=PARCEL_NUM"
        )),
    }
}

/// Parses the command line and runs it; returns the process exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let file = FileConfig::load(cli.config.as_deref())?;
    let (store, listen) = match &cli.command {
        Command::Serve(a) => (a.store.store.clone(), a.listen),
        Command::Import(a) => (a.store.store.clone(), None),
        Command::Layers(a) => (a.store.clone(), None),
        Command::Demo(a) => (None, a.listen),
        Command::Backup { store, .. }
        | Command::Restore { store, .. }
        | Command::Notify { store, .. } => (store.store.clone(), None),
        Command::User(a) => match &a.action {
            UserAction::Add { store, .. }
            | UserAction::List { store }
            | UserAction::Disable { store, .. }
            | UserAction::Enable { store, .. } => (store.store.clone(), None),
        },
    };
    let tile_cache_mb = match &cli.command {
        Command::Serve(a) => a.tile_cache.tile_cache_mb,
        Command::Demo(a) => a.tile_cache.tile_cache_mb,
        _ => None,
    };
    let mut settings = Settings::resolve(file, store, listen, cli.log_format)?;
    if let Some(mb) = tile_cache_mb {
        settings.tile_cache_mb = mb;
    }
    settings.viewer_dir = cli.viewer_dir.or(settings.viewer_dir);
    settings.styles_dir = cli.styles_dir.or(settings.styles_dir);
    init_logging(settings.log_format);
    match cli.command {
        Command::Serve(_) => {
            let store = store::open(settings.require_store()?, false)
                .await
                .context(
                    "open the store (create one with `madinati import` or `madinati demo build`)",
                )?;
            serve(store, &settings).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::User(a) => user_command(&settings, a.action).await,
        Command::Backup { out, .. } => {
            let store = store::open(settings.require_store()?, false)
                .await
                .context("open the store")?;
            let started = std::time::Instant::now();
            let result = store.backup(&out).await;
            store.close().await;
            result?;
            let report = store::sqlite::backup::check(&out).await?;
            println!(
                "backed up {} to {} in {:.1} s: {} current parcels, {} requests, {} audit rows{}",
                settings.require_store()?.display(),
                out.display(),
                started.elapsed().as_secs_f64(),
                report.parcels_current,
                report.requests,
                report.audit_rows,
                if report.problems.is_empty() {
                    String::new()
                } else {
                    format!("; PROBLEMS: {}", report.problems.join("; "))
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore {
            from,
            force,
            check_only,
            ..
        } => restore_command(&from, settings.require_store()?, force, check_only).await,
        Command::Import(a) => import_command(&settings, a).await,
        Command::Layers(_) => {
            let store = store::open(settings.require_store()?, false).await?;
            for layer in LayerKind::ALL {
                let s = store.layer_summary(layer).await?;
                let extent = s.extent.map_or("empty".to_string(), |e| {
                    format!(
                        "({:.6}, {:.6}) - ({:.6}, {:.6})",
                        e.min_x, e.min_y, e.max_x, e.max_y
                    )
                });
                println!("{:<15} {:>9} features  {extent}", layer.id(), s.current);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(a) => demo_command(a, &settings).await,
        Command::Notify { until_idle, .. } => notify_command(&settings, until_idle).await,
    }
}

async fn notify_command(settings: &Settings, until_idle: bool) -> anyhow::Result<ExitCode> {
    let store = store::open(settings.require_store()?, false)
        .await
        .context("open the store")?;
    let sender = crate::app::notify::sender::Sender::new(store.clone(), &settings.notify)
        .map_err(|e| anyhow::anyhow!(e))?;
    if until_idle {
        let r = sender.drain().await;
        store.close().await;
        let r = r?;
        println!(
            "notifications: {} sent, {} retried, {} given up",
            r.sent, r.retried, r.failed
        );
    } else {
        tracing::info!(store = %store.location(), "delivering notifications");
        sender
            .run(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await;
        store.close().await;
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(store: Arc<dyn Store>, settings: &Settings) -> anyhow::Result<()> {
    let listen = settings.listen;
    let defaults = viewer::ViewerPaths::default();
    let paths = viewer::ViewerPaths {
        viewer_dir: settings.viewer_dir.clone().unwrap_or(defaults.viewer_dir),
        styles_dir: settings.styles_dir.clone().unwrap_or(defaults.styles_dir),
    };
    viewer::set_paths(paths.clone());
    tokio::task::spawn_blocking(move || viewer::ensure_built(&paths))
        .await
        .context("build the map viewer")?;
    let state = AppState::load(store.clone(), settings.categories.clone())
        .await?
        .with_tile_cache(TileCache::with_megabytes(settings.tile_cache_mb))
        .with_policy(settings.rules.clone(), settings.auth.clone())
        .with_documents(settings.documents.clone())
        .with_sketch(settings.sketch.clone())
        .with_notify(
            crate::app::notify::Notifier::new(&settings.notify, &settings.sketch.public_url)
                .map_err(|e| anyhow::anyhow!(e))?,
        );
    if settings.notify.send && (settings.notify.email.is_some() || settings.notify.sms.is_some()) {
        let sender = crate::app::notify::sender::Sender::new(store.clone(), &settings.notify)
            .map_err(|e| anyhow::anyhow!(e))?;
        tokio::spawn(async move { sender.run(std::future::pending()).await });
    }
    let app = Application::bind(listen, state)
        .await
        .with_context(|| format!("listen on {listen}"))?;
    tracing::info!(address = %app.local_addr()?, store = %store.location(), "madinati is serving");
    app.run().await?;
    Ok(())
}

async fn import_command(settings: &Settings, a: ImportArgs) -> anyhow::Result<ExitCode> {
    let store = store::open(settings.require_store()?, true).await?;
    let known: Vec<&str> = crate::domain::attributes::fields(a.layer)
        .iter()
        .map(|f| f.name)
        .collect();
    let mut mapping = HashMap::new();
    for (target, source) in a.mapping {
        if !known.contains(&target.as_str()) {
            bail!(
                "--map {target}=...: {} has no field {target}; its fields are {}",
                a.layer,
                known.join(", ")
            );
        }
        mapping.insert(target, source);
    }
    let opts = ImportOptions {
        input: a.input,
        layer: a.layer,
        srs: a.srs,
        mapping,
        mode: if a.replace {
            WriteMode::Replace
        } else {
            WriteMode::Append
        },
        format: a.format,
        source_layer: a.source_layer,
        rejects: a.rejects,
        quiet: a.quiet,
    };
    let summary =
        import::import(store.as_ref(), &opts, Arc::new(settings.categories.clone())).await;
    store.close().await;
    let summary = summary?;
    print!("{summary}");
    Ok(if summary.rejected > 0 {
        ExitCode::from(EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

async fn build_demo(
    size: DemoSize,
    out: &std::path::Path,
    seed: u64,
) -> anyhow::Result<Arc<dyn Store>> {
    let store = store::open(out, true).await?;
    let mut bar = import::progress::Progress::new(None, false);
    let summary = demo::build(store.as_ref(), size, seed, &mut |layer, done, total| {
        bar.update(done, || format!("{layer}: {done}/{total}"));
    })
    .await?;
    bar.finish();
    println!(
        "demo city in {}: {} districts, {} plans, {} streets, {} parcels, {} service points ({:.1} s)",
        out.display(),
        summary.districts,
        summary.plans,
        summary.streets,
        summary.parcels,
        summary.service_points,
        summary.elapsed.as_secs_f64()
    );
    Ok(store)
}

async fn demo_command(a: DemoArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    match a.action {
        Some(DemoAction::Build { size, out, seed }) => {
            build_demo(size, &out, seed).await?.close().await;
        }
        None => {
            let store = if a.out.exists() {
                store::open(&a.out, false).await?
            } else {
                build_demo(DemoSize::City, &a.out, 1).await?
            };
            println!(
                "serving the demo city on http://{}/ (Ctrl-C to stop)",
                settings.listen
            );
            serve(store, settings).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn user_command(settings: &Settings, action: UserAction) -> anyhow::Result<ExitCode> {
    let store = store::open(settings.require_store()?, false)
        .await
        .context("open the store")?;
    let by = format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    );
    let result = match action {
        UserAction::Add {
            username,
            role,
            name_ar,
            name_en,
            national_id,
            phone,
            email,
            ..
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let new = NewUser {
                username,
                password,
                roles: role,
                name_ar,
                name_en,
                national_id,
                phone,
                email,
            };
            auth::add_user(store.as_ref(), new, &by).await.map(|u| {
                println!("added {} ({}), id {}", u.username, u.roles, u.id.0);
            })
        }
        UserAction::List { .. } => {
            let users = store.users().await?;
            for u in &users {
                println!(
                    "{:<24} {:<28} {:<24} {}",
                    u.username.as_str(),
                    u.roles.to_string(),
                    u.name_en.as_deref().or(u.name_ar.as_deref()).unwrap_or("-"),
                    if u.disabled { "disabled" } else { "active" }
                );
            }
            Ok(())
        }
        UserAction::Disable { username, .. } => {
            auth::set_disabled(store.as_ref(), &username, true, &by)
                .await
                .map(|()| println!("disabled {username}; its sessions have ended"))
        }
        UserAction::Enable { username, .. } => {
            auth::set_disabled(store.as_ref(), &username, false, &by)
                .await
                .map(|()| println!("enabled {username}"))
        }
    };
    store.close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn restore_command(
    from: &std::path::Path,
    to: &std::path::Path,
    force: bool,
    check_only: bool,
) -> anyhow::Result<ExitCode> {
    let report = store::sqlite::backup::check(from)
        .await
        .with_context(|| format!("check {}", from.display()))?;
    if !report.problems.is_empty() {
        for p in &report.problems {
            eprintln!("problem: {p}");
        }
        bail!(
            "{} is not a sound backup: nothing was restored",
            from.display()
        );
    }
    println!(
        "{} is sound: {} current parcels, {} requests, {} audit rows",
        from.display(),
        report.parcels_current,
        report.requests,
        report.audit_rows
    );
    if check_only {
        return Ok(ExitCode::SUCCESS);
    }
    if to.exists() && !force {
        bail!(
            "{} exists: stop the server, then restore with --force to replace it",
            to.display()
        );
    }
    // Copied beside the target, flushed, then renamed over it: a crash leaves the old store or
    // the new one, never half of one. The old store's WAL files would not belong to the copy.
    let tmp = to.with_extension("restoring");
    std::fs::copy(from, &tmp).with_context(|| format!("copy to {}", tmp.display()))?;
    std::fs::File::open(&tmp)?.sync_all()?;
    for suffix in ["-wal", "-shm"] {
        let side = std::path::PathBuf::from(format!("{}{suffix}", to.display()));
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("remove {}", side.display()))?;
        }
    }
    std::fs::rename(&tmp, to).with_context(|| format!("put the copy at {}", to.display()))?;
    println!("restored {} to {}", from.display(), to.display());
    Ok(ExitCode::SUCCESS)
}

//! The HTTP server: router, shared state, start-up and graceful shutdown.
//!
//! `router(state)` builds the whole application so tests can call it in-process
//! (`router(state).oneshot(request)`); `Application` binds a socket (port 0 in tests) and serves
//! until SIGINT or SIGTERM, finishing requests in flight.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::app::auth::AuthConfig;
use crate::app::history::History;
use crate::domain::category::CategoryRegistry;
use crate::domain::checks::SplitRules;
use crate::index::Index;
use crate::store::{Store, StoreError};
use crate::tiles::cache::TileCache;

mod auth;
mod body;
mod documents;
mod error;
mod hardening;
mod health;
mod notifications;
mod ogc;
mod params;
mod places;
mod plan_upload;
mod publish;
mod register;
mod requests;
mod search;
mod server;
mod tiles;
pub mod viewer;

pub use error::ApiError;
pub use hardening::{CONTENT_SECURITY_POLICY, harden};
pub use server::ServerLimits;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The truth: readiness checks and (later) writes.
    pub store: Arc<dyn Store>,
    /// Every read is answered from here.
    pub index: Arc<Index>,
    /// Service categories with their Arabic and English labels.
    pub categories: Arc<CategoryRegistry>,
    /// Rendered vector tiles (purged by `publish`).
    pub tiles: Arc<TileCache>,
    /// The application layer (auth, workflows, publishing) over the same store, index and cache.
    pub app: Arc<App>,
}

impl AppState {
    /// Loads the index from the store and builds the state (logs the load time and size).
    pub async fn load(
        store: Arc<dyn Store>,
        categories: CategoryRegistry,
    ) -> Result<AppState, StoreError> {
        let (index, report) = Index::load(store.as_ref()).await?;
        let history = Arc::new(History::load(store.as_ref()).await?);
        tracing::info!(
            features = report.features,
            seconds = report.elapsed.as_secs_f64(),
            mebibytes = report.bytes as f64 / 1048576.0,
            "index loaded"
        );
        let (index, categories, tiles) = (
            Arc::new(index),
            Arc::new(categories),
            Arc::new(TileCache::default()),
        );
        Ok(AppState {
            app: Arc::new(App::new(
                store.clone(),
                index.clone(),
                tiles.clone(),
                categories.clone(),
                SplitRules::default(),
                AuthConfig::default(),
                history,
            )),
            store,
            index,
            categories,
            tiles,
        })
    }
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    // Tiles are stored compressed and rendered on the blocking pool: they skip the compression
    // and timeout layers, whose per-request cost shows on cache hits.
    let tiles = tiles::routes().with_state(state.clone());
    let router = Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .merge(auth::routes())
        .merge(notifications::routes())
        .merge(requests::routes())
        .merge(documents::routes(&state))
        .merge(plan_upload::routes())
        .merge(register::routes())
        .merge(places::routes())
        .merge(search::routes())
        .merge(ogc::routes())
        .merge(viewer::routes())
        .fallback(error::not_found)
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .merge(tiles);
    // Requests are traced by method and path only: a query string can hold what a person typed
    // (a search for a name, an id in a filter), which must not reach a log line.
    hardening::harden(router).layer(TraceLayer::new_for_http().make_span_with(
        |req: &axum::http::Request<axum::body::Body>| {
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
        },
    ))
}

/// Blocking threads per listening socket's runtime (renders, large pages, publishing).
const MAX_BLOCKING_THREADS: usize = 8;

/// A bound server, ready to run: one listening socket per core (`SO_REUSEPORT`, the kernel
/// spreads connections over them), each served by its own single-threaded runtime, as nginx
/// runs one event loop per worker. Requests are short and answered from memory, so a
/// connection never needs to move between threads; the wake-ups and task stealing of a shared
/// multi-threaded runtime cost more than they give (tiles from the cache: +30 % throughput).
/// Slow work (rendering a tile, a large page) still goes to the runtime's blocking pool.
pub struct Application {
    listeners: Vec<std::net::TcpListener>,
    router: Router,
    limits: ServerLimits,
}

/// A non-blocking listening socket on `addr` that other sockets of this process may share.
fn shared_listener(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    #[cfg(unix)]
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    socket.listen(1024)?.into_std()
}

impl Application {
    /// Binds `listen` (port 0 picks a free port), once per available core.
    ///
    /// The address is first bound once without `SO_REUSEPORT`, so that a port another process
    /// (a second madinati, say) already listens on is an error rather than silently shared.
    pub async fn bind(listen: SocketAddr, state: AppState) -> std::io::Result<Application> {
        let addr = std::net::TcpListener::bind(listen)?.local_addr()?;
        let first = shared_listener(addr)?;
        let cores = if cfg!(unix) {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            1
        };
        let mut listeners = vec![first];
        for _ in 1..cores {
            listeners.push(shared_listener(addr)?);
        }
        Ok(Application {
            listeners,
            router: router(state),
            limits: ServerLimits::default(),
        })
    }

    /// The same server with other connection limits.
    pub fn with_limits(mut self, limits: ServerLimits) -> Application {
        self.limits = limits;
        self
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        match self.listeners.first() {
            Some(l) => l.local_addr(),
            None => Err(std::io::Error::other("no listening socket")),
        }
    }

    /// Serves until SIGINT/SIGTERM, then lets requests in flight finish.
    pub async fn run(self) -> std::io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut servers = Vec::new();
        for (i, listener) in self.listeners.into_iter().enumerate() {
            let router = self.router.clone();
            let stopped = stopped.clone();
            let limits = self.limits;
            let server = std::thread::Builder::new()
                .name(format!("http-{i}"))
                .spawn(move || -> std::io::Result<()> {
                    // Slow work (tile renders, large pages) queues for a few blocking threads
                    // rather than starting one per request: hundreds of connections asking
                    // at once would otherwise start hundreds of threads, each keeping its own
                    // allocator heap (resident memory 1.5 GB on the city under 256 connections).
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .max_blocking_threads(MAX_BLOCKING_THREADS)
                        .build()?;
                    runtime.block_on(async move {
                        let listener = tokio::net::TcpListener::from_std(listener)?;
                        server::serve(listener, router, limits, stopped).await
                    })
                })?;
            servers.push(server);
        }
        shutdown_signal().await;
        let _ = stop.send(true);
        tokio::task::spawn_blocking(move || {
            for server in servers {
                match server.join() {
                    Ok(result) => result?,
                    Err(_) => return Err(std::io::Error::other("an HTTP thread panicked")),
                }
            }
            Ok(())
        })
        .await
        .map_err(std::io::Error::other)?
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

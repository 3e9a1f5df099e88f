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

use crate::domain::category::CategoryRegistry;
use crate::index::Index;
use crate::store::{Store, StoreError};
use crate::tiles::cache::TileCache;

mod error;
mod health;
mod ogc;
mod params;
mod places;
mod publish;
mod search;
mod tiles;
pub mod viewer;

pub use error::ApiError;

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
}

impl AppState {
    /// Loads the index from the store and builds the state (logs the load time and size).
    pub async fn load(
        store: Arc<dyn Store>,
        categories: CategoryRegistry,
    ) -> Result<AppState, StoreError> {
        let (index, report) = Index::load(store.as_ref()).await?;
        tracing::info!(
            features = report.features,
            seconds = report.elapsed.as_secs_f64(),
            mebibytes = report.bytes as f64 / 1048576.0,
            "index loaded"
        );
        Ok(AppState {
            store,
            index: Arc::new(index),
            categories: Arc::new(categories),
            tiles: Arc::new(TileCache::default()),
        })
    }
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .merge(places::routes())
        .merge(search::routes())
        .merge(ogc::routes())
        .merge(tiles::routes())
        .merge(viewer::routes())
        .fallback(error::not_found)
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
}

/// A bound server, ready to run.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
}

impl Application {
    /// Binds `listen` (port 0 picks a free port).
    pub async fn bind(listen: SocketAddr, state: AppState) -> std::io::Result<Application> {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        Ok(Application {
            listener,
            router: router(state),
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until SIGINT/SIGTERM, then lets requests in flight finish.
    pub async fn run(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
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

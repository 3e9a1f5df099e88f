//! Liveness and readiness, for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::{ApiError, AppState};

/// `GET /health`: the process is up (no dependency is checked).
pub async fn health() -> Json<Value> {
    Json(json!({"status": "ok", "service": "madinati", "version": env!("CARGO_PKG_VERSION")}))
}

/// `GET /ready`: the store answers; 503 when it does not.
pub async fn ready(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(Json(
        json!({"status": "ready", "store": state.store.location()}),
    ))
}

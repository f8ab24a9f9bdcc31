//! Operations endpoints: `GET /health` (200 while the node serves, with the
//! latest height). `/ready`, `/status` and Prometheus `/metrics` follow.

use crate::chain::Chain;
use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use std::sync::Arc;

/// `/health` and the other operations routes.
pub fn router(chain: Arc<Chain>) -> Router {
    Router::new().route("/health", get(health)).with_state(chain)
}

async fn health(State(chain): State<Arc<Chain>>) -> (StatusCode, Json<serde_json::Value>) {
    match chain.height() {
        Ok(h) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok", "height": h }))),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "error", "error": e.to_string() })),
        ),
    }
}

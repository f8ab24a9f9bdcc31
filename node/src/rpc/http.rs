//! HTTP endpoint (axum): `GET /health` answers 200 with the latest height while
//! the node is serving. REST, `/ready`, `/status`, `/metrics` and the explorer
//! come with the verifiable-reads work.

use crate::chain::Chain;
use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use std::sync::Arc;

/// The HTTP router.
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

//! REST/JSON over the gRPC services (proto3 JSON mapping) and grpc-web.

use crate::chain::Chain;
use axum::Router;
use std::sync::Arc;

/// REST routes.
pub fn router(_chain: Arc<Chain>) -> Router {
    Router::new()
}

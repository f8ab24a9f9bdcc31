//! The HTTP endpoint (axum): one router that merges
//!
//! * [`super::ops`]: `/health`, `/ready`, `/status`, `/metrics`;
//! * [`super::rest`]: REST/JSON for every gRPC query (proto3 JSON mapping),
//!   and grpc-web;
//! * [`super::explorer`]: the web explorer (static files embedded in the binary).

use crate::chain::Chain;
use axum::Router;
use std::sync::Arc;

/// The HTTP router.
pub fn router(chain: Arc<Chain>) -> Router {
    Router::new()
        .merge(super::ops::router(chain.clone()))
        .merge(super::rest::router(chain.clone()))
        .merge(super::explorer::router())
}

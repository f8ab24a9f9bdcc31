//! The HTTP endpoint (axum): one router that merges
//!
//! * [`super::ops`]: `/health`, `/ready`, `/status`, `/metrics`;
//! * [`super::rest`]: REST/JSON and Connect-style POSTs for every gRPC query
//!   (proto3 JSON mapping);
//! * [`super::explorer`]: the web explorer (static files embedded in the binary);
//!
//! and in front of them
//!
//! * grpc-web (`tonic-web`) over the very tonic services of the gRPC port:
//!   any request whose `Content-Type` is `application/grpc-web*` goes there
//!   (unary and server-streaming calls; sizes capped as on the gRPC port);
//! * CORS (`tower-http`) for browsers: origins from `rpc.cors_allowed_origins`
//!   (`"*"` = any), GET/POST with JSON, Connect and grpc-web headers, and the
//!   `grpc-status`/`grpc-message` trailers-as-headers exposed;
//! * on the JSON API, the request body capped at `rpc.max_message_bytes` and
//!   each call at `rpc.max_wait_ms` plus 5 s (a `BroadcastTx` that waits for
//!   its commit fits).

use crate::chain::Chain;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tower::{Layer as _, ServiceExt as _};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

/// An HTTP configuration the router cannot serve.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// An entry of `rpc.cors_allowed_origins` is not a valid origin header.
    #[error(
        "rpc.cors_allowed_origins: {0:?} is not a valid origin (e.g. https://explorer.example)"
    )]
    BadOrigin(String),
}

/// Margin on `max_wait_ms` before a JSON API call times out.
const TIMEOUT_MARGIN: Duration = Duration::from_secs(5);

/// The HTTP router.
pub fn router(chain: Arc<Chain>) -> Result<Router, HttpError> {
    let rpc = chain.config.rpc.clone();
    let cors = cors(&rpc.cors_allowed_origins)?;
    let rest = super::rest::router(chain.clone())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            Duration::from_millis(rpc.max_wait_ms) + TIMEOUT_MARGIN,
        ))
        .layer(DefaultBodyLimit::max(rpc.max_message_bytes));
    let grpc_web =
        GrpcWeb(tonic_web::GrpcWebLayer::new().layer(super::grpc::routes(chain.clone())));
    Ok(Router::new()
        .merge(super::ops::router(chain.clone()))
        .merge(rest)
        .merge(super::explorer::router())
        .fallback(not_found)
        .layer(from_fn_with_state(grpc_web, dispatch_grpc_web))
        .layer(cors))
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Response {
    super::rest::error::ApiError(tonic::Status::not_found(format!(
        "no route {method} {}",
        uri.path()
    )))
    .into_response()
}

/// The grpc-web translation of every tonic service.
#[derive(Clone)]
struct GrpcWeb(tonic_web::GrpcWebService<tonic::service::Routes>);

/// Whether a request is grpc-web (`application/grpc-web`, `+proto`, `-text`…).
fn is_grpc_web(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/grpc-web"))
}

async fn dispatch_grpc_web(
    State(GrpcWeb(svc)): State<GrpcWeb>,
    req: Request,
    next: Next,
) -> Response {
    if !is_grpc_web(&req) {
        return next.run(req).await;
    }
    match svc.oneshot(req).await {
        Ok(resp) => resp.map(axum::body::Body::new),
        Err(e) => match e {},
    }
}

/// CORS for browsers: JSON, Connect and grpc-web requests from `origins`.
fn cors(origins: &[String]) -> Result<CorsLayer, HttpError> {
    let allow_origin = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        let list = origins
            .iter()
            .map(|o| HeaderValue::from_str(o).map_err(|_| HttpError::BadOrigin(o.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        AllowOrigin::list(list)
    };
    let h = HeaderName::from_static;
    Ok(CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT,
            h("x-grpc-web"),
            h("x-user-agent"),
            h("grpc-timeout"),
            h("connect-protocol-version"),
            h("connect-timeout-ms"),
        ])
        .expose_headers([h("grpc-status"), h("grpc-message"), h("grpc-status-details-bin")])
        .max_age(Duration::from_secs(24 * 3600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked() {
        assert!(cors(&["*".into()]).is_ok());
        assert!(cors(&["https://explorer.example".into(), "http://localhost:3000".into()]).is_ok());
        let err = cors(&["https://ok.example".into(), "bad\norigin".into()]).unwrap_err();
        assert!(err.to_string().contains("bad\\norigin"), "{err}");
    }
}

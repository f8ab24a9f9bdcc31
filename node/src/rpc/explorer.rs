//! The web explorer: static HTML/JS/CSS embedded in the binary, served under
//! `/explorer/`; it reads the REST API of [`super::rest`].

use axum::Router;

/// Explorer routes.
pub fn router() -> Router {
    Router::new()
}

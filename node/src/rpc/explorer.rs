//! The web explorer: static HTML/JS/CSS embedded in the binary, served under
//! `/explorer/` (with `/` and `/explorer` redirecting there); it reads the REST
//! API of [`super::rest`] from the browser. No build step: the files under
//! `node/src/explorer/` are served as they are (docs/explorer.md).
//!
//! Every file is sent with its content type, `Cache-Control: no-cache` and an
//! `ETag` (SHA3-256 of its bytes), so browsers revalidate and get `304 Not
//! Modified` until the node is upgraded. `config.json` tells the pages where
//! the system contracts live ([`SystemContract::address`]).

use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use bayledger_types::{Hash, SystemContract};
use std::sync::OnceLock;

/// Where the explorer is mounted.
pub const PREFIX: &str = "/explorer/";

/// Embeds `node/src/explorer/<path>`: `(path, bytes)`.
macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../explorer/", $path)))),*]
    };
}

/// Every file of the explorer, by its path under [`PREFIX`].
const EMBEDDED: &[(&str, &[u8])] = embed![
    "index.html",
    "favicon.svg",
    "css/explorer.css",
    "js/app.js",
    "js/api.js",
    "js/bytes.js",
    "js/format.js",
    "js/dom.js",
    "js/search.js",
    "js/sha3.js",
    "js/jmt.js",
    "js/rfc9162.js",
    "js/protobuf.js",
    "js/registry.js",
    "js/secp256k1.js",
    "js/commit.js",
    "js/pages/dashboard.js",
    "js/pages/block.js",
    "js/pages/tx.js",
    "js/pages/address.js",
    "js/pages/did.js",
    "js/pages/file.js",
];

/// Content-Security-Policy of the pages: only this origin's scripts, styles
/// and API.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One file as served.
struct File {
    path: &'static str,
    content_type: &'static str,
    bytes: Bytes,
    etag: HeaderValue,
}

/// The content type of a file, by extension (only the kinds the explorer has).
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// `config.json`: what the pages need to know that the REST API does not
/// say (the system contracts' addresses).
fn config_json() -> Vec<u8> {
    let contracts: Vec<serde_json::Value> = SystemContract::ALL
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.crate_name(),
                "label": c.label(),
                "address": c.address().to_string(),
            })
        })
        .collect();
    let config = serde_json::json!({
        "api": "/v1",
        "node_version": env!("CARGO_PKG_VERSION"),
        "system_contracts": contracts,
    });
    serde_json::to_vec(&config).unwrap_or_default()
}

/// The served files with their ETags (first 128 bits of SHA3-256), built once.
fn files() -> &'static [File] {
    static FILES: OnceLock<Vec<File>> = OnceLock::new();
    FILES.get_or_init(|| {
        let embedded = EMBEDDED.iter().map(|&(path, bytes)| (path, Bytes::from_static(bytes)));
        embedded
            .chain([("config.json", Bytes::from(config_json()))])
            .map(|(path, bytes)| {
                let tag = format!("\"{}\"", &Hash::sha3(&bytes).to_hex()[..32]);
                File {
                    path,
                    content_type: content_type(path),
                    etag: HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\"")),
                    bytes,
                }
            })
            .collect()
    })
}

/// Explorer routes.
pub fn router() -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::permanent(PREFIX) }))
        .route("/explorer", get(|| async { Redirect::permanent(PREFIX) }))
        .route(PREFIX, get(|headers: HeaderMap| async move { serve("index.html", &headers) }))
        .route(
            "/explorer/{*path}",
            get(|Path(path): Path<String>, headers: HeaderMap| async move {
                serve(&path, &headers)
            }),
        )
}

/// One file; `304` when the client holds this version, `404` when there is
/// no such file.
fn serve(path: &str, headers: &HeaderMap) -> Response {
    let Some(file) = files().iter().find(|f| f.path == path) else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("no explorer file {path:?}\n"),
        )
            .into_response();
    };
    let common = [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::ETAG, file.etag.clone()),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
    ];
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == file.etag || t.trim() == "*"));
    if fresh {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let content_type = [(header::CONTENT_TYPE, HeaderValue::from_static(file.content_type))];
    (StatusCode::OK, common, content_type, file.bytes.clone()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt;

    async fn get(uri: &str, if_none_match: Option<&HeaderValue>) -> Response {
        let mut req = Request::get(uri);
        if let Some(tag) = if_none_match {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        router().oneshot(req.body(Body::empty()).expect("request")).await.expect("infallible")
    }

    fn header(r: &Response, name: header::HeaderName) -> &str {
        r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    #[tokio::test]
    async fn root_and_bare_prefix_redirect_to_the_explorer() {
        for uri in ["/", "/explorer"] {
            let r = get(uri, None).await;
            assert_eq!(r.status(), StatusCode::PERMANENT_REDIRECT, "{uri}");
            assert_eq!(header(&r, header::LOCATION), PREFIX, "{uri}");
        }
    }

    #[tokio::test]
    async fn every_asset_is_served_with_its_type_and_cache_headers() {
        for &(path, bytes) in EMBEDDED {
            let uri = format!("{PREFIX}{path}");
            let r = get(&uri, None).await;
            assert_eq!(r.status(), StatusCode::OK, "{uri}");
            assert_eq!(header(&r, header::CONTENT_TYPE), content_type(path), "{uri}");
            assert_eq!(header(&r, header::CACHE_CONTROL), "no-cache", "{uri}");
            assert_eq!(header(&r, header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{uri}");
            assert!(header(&r, header::ETAG).starts_with('"'), "{uri}");
            let body = to_bytes(r.into_body(), usize::MAX).await.expect("body");
            assert_eq!(body.as_ref(), bytes, "{uri}");
        }
        assert_eq!(content_type("js/app.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("css/explorer.css"), "text/css; charset=utf-8");
    }

    #[tokio::test]
    async fn the_index_is_served_at_the_prefix() {
        let r = get(PREFIX, None).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, header::CONTENT_TYPE), "text/html; charset=utf-8");
        let body = to_bytes(r.into_body(), usize::MAX).await.expect("body");
        assert!(String::from_utf8_lossy(&body).contains("<!doctype html>"));
    }

    #[tokio::test]
    async fn a_matching_etag_is_not_modified() {
        let r = get("/explorer/js/app.js", None).await;
        let tag = r.headers().get(header::ETAG).expect("etag").clone();
        let again = get("/explorer/js/app.js", Some(&tag)).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(to_bytes(again.into_body(), usize::MAX).await.expect("body").len(), 0);
        let other = get("/explorer/js/api.js", Some(&tag)).await;
        assert_eq!(other.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn unknown_files_are_not_found() {
        for uri in ["/explorer/nope.js", "/explorer/../Cargo.toml", "/explorer/js/"] {
            let r = get(uri, None).await;
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{uri}");
        }
    }

    #[tokio::test]
    async fn config_lists_the_system_contracts() {
        let r = get("/explorer/config.json", None).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, header::CONTENT_TYPE), "application/json");
        let body = to_bytes(r.into_body(), usize::MAX).await.expect("body");
        let config: serde_json::Value = serde_json::from_slice(&body).expect("json");
        let contracts = config["system_contracts"].as_array().expect("list");
        assert_eq!(contracts.len(), SystemContract::ALL.len());
        for (c, json) in SystemContract::ALL.iter().zip(contracts) {
            assert_eq!(json["name"], c.crate_name());
            assert_eq!(json["address"], c.address().to_string());
        }
    }
}

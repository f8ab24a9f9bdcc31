//! Connect-style unary calls: `POST /bayledger.node.v1.<Service>/<Method>`
//! with `Content-Type: application/json` and the request message as proto3
//! JSON; the response message comes back as proto3 JSON, an error as
//! [`super::error::ApiError`]. Every unary method of every service is served
//! by calling the same [`Api`] trait method the gRPC server calls.

use super::error::ApiError;
use super::json;
use crate::rpc::grpc::Api;
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bayledger_proto::node::{
    block_service_server::BlockService, index_service_server::IndexService,
    light_service_server::LightService, node_service_server::NodeService,
    state_service_server::StateService, tx_service_server::TxService,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use tonic::Status;

/// Whether the request says its body is JSON.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// Decodes the proto3 JSON request (an empty body is the empty message),
/// runs `call`, encodes the response.
async fn unary<Req, Resp, Fut>(
    headers: HeaderMap,
    body: Bytes,
    call: impl FnOnce(Req) -> Fut,
) -> Response
where
    Req: DeserializeOwned + Default,
    Resp: Serialize,
    Fut: Future<Output = Result<tonic::Response<Resp>, Status>>,
{
    if !is_json(&headers) {
        let got = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("none");
        return (
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::invalid(format!(
                "Content-Type must be application/json (or application/grpc-web* for grpc-web), got {got}"
            )),
        )
            .into_response();
    }
    let req = if body.iter().all(u8::is_ascii_whitespace) {
        Req::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(r) => r,
            Err(e) => {
                return ApiError::invalid(format!(
                    "request body is not a valid proto3 JSON {}: {e}",
                    short_type_name::<Req>()
                ))
                .into_response();
            }
        }
    };
    match call(req).await {
        Ok(resp) => json(resp.get_ref()),
        Err(status) => ApiError(status).into_response(),
    }
}

/// `GetStatusRequest` for `bayledger_proto::node::GetStatusRequest`.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

/// Registers `POST /bayledger.node.v1.<Service>/<Method>` for each listed
/// method, calling `<Trait>::<fn>` on the shared [`Api`].
macro_rules! connect_routes {
    ($router:expr; $($service:literal $method:literal => $tr:ident :: $f:ident),* $(,)?) => {
        $router
        $(
            .route(
                concat!("/bayledger.node.v1.", $service, "/", $method),
                post(|axum::extract::State(api): axum::extract::State<Api>, headers: HeaderMap, body: Bytes| async move {
                    unary(headers, body, |req| async move { $tr::$f(&api, tonic::Request::new(req)).await }).await
                }),
            )
        )*
    };
}

/// The Connect-style routes of every unary method (streams are served by
/// grpc-web).
pub fn router(api: Api) -> Router {
    connect_routes!(Router::new();
        "NodeService" "GetStatus" => NodeService::get_status,
        "TxService" "BroadcastTx" => TxService::broadcast_tx,
        "TxService" "GetTx" => TxService::get_tx,
        "BlockService" "GetBlock" => BlockService::get_block,
        "BlockService" "ListEvidence" => BlockService::list_evidence,
        "BlockService" "GetEvidence" => BlockService::get_evidence,
        "StateService" "GetAccount" => StateService::get_account,
        "StateService" "GetContract" => StateService::get_contract,
        "StateService" "QueryContract" => StateService::query_contract,
        "StateService" "GetStateProof" => StateService::get_state_proof,
        "LightService" "GetSignedHeader" => LightService::get_signed_header,
        "LightService" "GetValidatorSet" => LightService::get_validator_set,
        "LightService" "ListValidatorSetChanges" => LightService::list_validator_set_changes,
        "IndexService" "ListBlocks" => IndexService::list_blocks,
        "IndexService" "ListTxs" => IndexService::list_txs,
        "IndexService" "ListEvents" => IndexService::list_events,
    )
    .route("/bayledger.node.v1.BlockService/SubscribeBlocks", post(server_stream))
    .route("/bayledger.node.v1.IndexService/SubscribeEvents", post(server_stream))
    .with_state(api)
}

/// Server streams have no JSON form here: 501 pointing at grpc-web.
async fn server_stream(uri: axum::http::Uri) -> Response {
    ApiError(Status::unimplemented(format!(
        "{} is a server stream: call it over grpc-web (Content-Type: application/grpc-web+proto) or gRPC",
        uri.path()
    )))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::CONTENT_TYPE, v.parse().expect("header"));
            m
        };
        assert!(is_json(&h("application/json")));
        assert!(is_json(&h("Application/JSON; charset=utf-8")));
        assert!(!is_json(&h("application/grpc-web+proto")));
        assert!(!is_json(&HeaderMap::new()));
        assert_eq!(short_type_name::<bayledger_proto::node::GetTxRequest>(), "GetTxRequest");
    }
}

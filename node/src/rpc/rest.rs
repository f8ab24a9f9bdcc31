//! The JSON API over the gRPC services, on the HTTP port:
//!
//! * Connect-style `POST /bayledger.node.v1.<Service>/<Method>` for every
//!   unary method ([`connect`]);
//! * the GET routes the web explorer uses (below), each the proto3 JSON of
//!   the named response; hashes, addresses and keys as `0x…` hex, cursors as
//!   the base64 of a previous page's `next_cursor`.
//!
//! | route | call |
//! |---|---|
//! | `/v1/status` | `GetStatus` |
//! | `/v1/blocks?before=&limit=` | `ListBlocks` |
//! | `/v1/blocks/{height or 0xhash}` | `GetBlock` |
//! | `/v1/txs/{0xhash}` | `GetTx` |
//! | `/v1/txs?sender=0x…` or `contract=0x…` `&limit=&cursor=&ascending=` | `ListTxs` |
//! | `/v1/events?contract=&topic=&key=&value=&limit=&cursor=&ascending=` | `ListEvents` |
//! | `/v1/accounts/{0xaddr}?height=` | `GetAccount` |
//! | `/v1/contracts/{0xaddr}?height=` | `GetContract` |
//! | `/v1/contracts/{0xaddr}/query?msg=&height=&prove=&fuel=` | `QueryContract` |
//! | `/v1/state/{0xkey}?height=` | `GetStateProof` |
//! | `/v1/headers/{height}` | `GetSignedHeader` |
//! | `/v1/validators?height=` | `GetValidatorSet` |
//! | `/v1/evidence?from=&to=` | `ListEvidence` |
//!
//! Every handler calls the same [`Api`] trait method as the gRPC server.
//! The proto3 JSON mapping itself is generated (`pbjson`, see `proto/build.rs`).

pub mod connect;
pub mod error;
pub mod params;

use crate::chain::Chain;
use crate::rpc::grpc::Api;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bayledger_proto::node::{
    block_service_server::BlockService, index_service_server::IndexService,
    light_service_server::LightService, node_service_server::NodeService,
    state_service_server::StateService, tx_service_server::TxService, *,
};
use error::ApiError;
use params::{Params, hex_bytes, number};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use tonic::Request;

/// REST routes and Connect-style POSTs.
pub fn router(chain: Arc<Chain>) -> Router {
    let api = Api(chain);
    Router::new()
        .route("/v1/status", get(status))
        .route("/v1/blocks", get(list_blocks))
        .route("/v1/blocks/{id}", get(block))
        .route("/v1/txs", get(list_txs))
        .route("/v1/txs/{hash}", get(tx))
        .route("/v1/events", get(list_events))
        .route("/v1/accounts/{address}", get(account))
        .route("/v1/contracts/{address}", get(contract))
        .route("/v1/contracts/{address}/query", get(query_contract))
        .route("/v1/state/{key}", get(state_proof))
        .route("/v1/headers/{height}", get(signed_header))
        .route("/v1/validators", get(validators))
        .route("/v1/evidence", get(evidence))
        .with_state(api.clone())
        .merge(connect::router(api))
}

/// A message as proto3 JSON.
pub fn json<T: Serialize>(msg: &T) -> Response {
    match serde_json::to_vec(msg) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(e) => ApiError(tonic::Status::internal(format!("encoding JSON: {e}"))).into_response(),
    }
}

type QueryParams = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The query parameters, checked against `allowed`.
fn params(q: QueryParams, allowed: &[&str]) -> Result<Params, ApiError> {
    let Query(map) = q.map_err(|e| ApiError::invalid(format!("malformed query string: {e}")))?;
    Params::new(map, allowed)
}

/// Runs a handler body and answers with its message or error.
async fn answer<T: Serialize>(
    f: impl Future<Output = Result<tonic::Response<T>, ApiError>>,
) -> Response {
    match f.await {
        Ok(r) => json(r.get_ref()),
        Err(e) => e.into_response(),
    }
}

async fn status(State(api): State<Api>, q: QueryParams) -> Response {
    answer(async move {
        params(q, &[])?;
        Ok(api.get_status(Request::new(GetStatusRequest {})).await?)
    })
    .await
}

async fn list_blocks(State(api): State<Api>, q: QueryParams) -> Response {
    answer(async move {
        let p = params(q, &["before", "limit"])?;
        let req = ListBlocksRequest { before_height: p.num("before")?, limit: p.num("limit")? };
        Ok(api.list_blocks(Request::new(req)).await?)
    })
    .await
}

async fn block(State(api): State<Api>, Path(id): Path<String>, q: QueryParams) -> Response {
    answer(async move {
        params(q, &[])?;
        let by = if id.starts_with("0x") || id.starts_with("0X") {
            get_block_request::By::Hash(hex_bytes("block hash", &id)?)
        } else {
            get_block_request::By::Height(number("block height", &id)?)
        };
        Ok(api.get_block(Request::new(GetBlockRequest { by: Some(by) })).await?)
    })
    .await
}

async fn tx(State(api): State<Api>, Path(hash): Path<String>, q: QueryParams) -> Response {
    answer(async move {
        params(q, &[])?;
        let req = GetTxRequest { tx_hash: hex_bytes("tx hash", &hash)? };
        Ok(api.get_tx(Request::new(req)).await?)
    })
    .await
}

async fn list_txs(State(api): State<Api>, q: QueryParams) -> Response {
    answer(async move {
        let p = params(q, &["sender", "contract", "limit", "cursor", "ascending"])?;
        let by = match (p.hex_opt("sender")?, p.hex_opt("contract")?) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid("give either sender or contract, not both"));
            }
            (Some(s), None) => Some(list_txs_request::By::Sender(s)),
            (None, Some(c)) => Some(list_txs_request::By::Contract(c)),
            (None, None) => None,
        };
        let req = ListTxsRequest {
            by,
            limit: p.num("limit")?,
            cursor: p.cursor("cursor")?,
            ascending: p.flag("ascending")?,
        };
        Ok(api.list_txs(Request::new(req)).await?)
    })
    .await
}

async fn list_events(State(api): State<Api>, q: QueryParams) -> Response {
    answer(async move {
        let p = params(q, &["contract", "topic", "key", "value", "limit", "cursor", "ascending"])?;
        let req = ListEventsRequest {
            filter: Some(EventFilter {
                contract: p.hex("contract")?,
                topic: p.text("topic"),
                attribute_key: p.text("key"),
                attribute_value: p.text("value"),
            }),
            limit: p.num("limit")?,
            cursor: p.cursor("cursor")?,
            ascending: p.flag("ascending")?,
        };
        Ok(api.list_events(Request::new(req)).await?)
    })
    .await
}

async fn account(State(api): State<Api>, Path(address): Path<String>, q: QueryParams) -> Response {
    answer(async move {
        let p = params(q, &["height"])?;
        let req = GetAccountRequest {
            address: hex_bytes("address", &address)?,
            height: p.num("height")?,
        };
        Ok(api.get_account(Request::new(req)).await?)
    })
    .await
}

async fn contract(State(api): State<Api>, Path(address): Path<String>, q: QueryParams) -> Response {
    answer(async move {
        let p = params(q, &["height"])?;
        let req = GetContractRequest {
            address: hex_bytes("address", &address)?,
            height: p.num("height")?,
        };
        Ok(api.get_contract(Request::new(req)).await?)
    })
    .await
}

async fn query_contract(
    State(api): State<Api>,
    Path(address): Path<String>,
    q: QueryParams,
) -> Response {
    answer(async move {
        let p = params(q, &["msg", "height", "prove", "fuel"])?;
        let msg = p.text("msg");
        if msg.is_empty() {
            return Err(ApiError::invalid("msg (the contract's JSON query message) is required"));
        }
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&msg) {
            return Err(ApiError::invalid(format!("msg must be a JSON message: {e}")));
        }
        let req = QueryContractRequest {
            contract: hex_bytes("contract address", &address)?,
            msg: msg.into_bytes(),
            fuel_limit: p.num("fuel")?,
            height: p.num("height")?,
            prove: p.flag("prove")?,
        };
        Ok(api.query_contract(Request::new(req)).await?)
    })
    .await
}

async fn state_proof(State(api): State<Api>, Path(key): Path<String>, q: QueryParams) -> Response {
    answer(async move {
        let p = params(q, &["height"])?;
        let req =
            GetStateProofRequest { key: hex_bytes("state key", &key)?, height: p.num("height")? };
        Ok(api.get_state_proof(Request::new(req)).await?)
    })
    .await
}

async fn signed_header(
    State(api): State<Api>,
    Path(height): Path<String>,
    q: QueryParams,
) -> Response {
    answer(async move {
        params(q, &[])?;
        let req = GetSignedHeaderRequest { height: number("height", &height)? };
        Ok(api.get_signed_header(Request::new(req)).await?)
    })
    .await
}

async fn validators(State(api): State<Api>, q: QueryParams) -> Response {
    answer(async move {
        let p = params(q, &["height"])?;
        let req = GetValidatorSetRequest { height: p.num("height")? };
        Ok(api.get_validator_set(Request::new(req)).await?)
    })
    .await
}

async fn evidence(State(api): State<Api>, q: QueryParams) -> Response {
    answer(async move {
        let p = params(q, &["from", "to"])?;
        let req = ListEvidenceRequest { from_height: p.num("from")?, to_height: p.num("to")? };
        Ok(api.list_evidence(Request::new(req)).await?)
    })
    .await
}

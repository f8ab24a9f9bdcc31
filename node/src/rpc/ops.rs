//! Operations endpoints:
//!
//! * `GET /health`: 200 while the node can read its chain (with the height);
//! * `GET /ready`: 200 `{"ready":true,…}` when the node serves, is not
//!   catching up and — on a networked node — has at least one peer; 503 with
//!   the reason otherwise (for load balancers and orchestrators);
//! * `GET /status`: the node in the shape of CometBFT's `/status`
//!   (`node_info`, `sync_info`, `validator_info`);
//! * `GET /metrics`: Prometheus metrics ([`crate::metrics`]).

use crate::chain::Chain;
use crate::cli::output::{hex0x, time_text};
use crate::metrics::{CONTENT_TYPE, Metrics};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, extract::State, routing::get};
use bayledger_types::{Address, SealedBlock, pb};
use serde_json::{Value, json};
use std::sync::Arc;

/// `/health`, `/ready`, `/status` and `/metrics`.
pub fn router(chain: Arc<Chain>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/status", get(status))
        .route("/metrics", get(metrics))
        .with_state(chain)
}

async fn health(State(chain): State<Arc<Chain>>) -> (StatusCode, Json<Value>) {
    match chain.height() {
        Ok(h) => (StatusCode::OK, Json(json!({ "status": "ok", "height": h }))),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "error", "error": e.to_string() })),
        ),
    }
}

/// Why a node is not ready, or `None`.
fn not_ready(
    height: Result<u64, String>,
    catching_up: bool,
    peers: Option<usize>,
) -> Option<String> {
    match (height, peers) {
        (Err(e), _) => Some(format!("cannot read the chain: {e}")),
        _ if catching_up => Some("catching up with peers (block sync)".into()),
        (_, Some(0)) => Some("no connected peers".into()),
        _ => None,
    }
}

async fn ready(State(chain): State<Arc<Chain>>) -> (StatusCode, Json<Value>) {
    let peers = chain.metrics.peers().await;
    let catching_up = chain.status.catching_up();
    let height = chain.height().map_err(|e| e.to_string());
    let h = height.as_ref().ok().copied();
    let body = |ready: bool| json!({ "ready": ready, "height": h, "catching_up": catching_up, "peers": peers });
    match not_ready(height, catching_up, peers) {
        None => (StatusCode::OK, Json(body(true))),
        Some(reason) => {
            let mut b = body(false);
            b["reason"] = reason.into();
            (StatusCode::SERVICE_UNAVAILABLE, Json(b))
        }
    }
}

async fn metrics(State(chain): State<Arc<Chain>>) -> Response {
    match Metrics::render(&chain).await {
        Ok(text) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], text).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// `latest_*` / `earliest_*` fields of `sync_info` for one block (height 0 =
/// genesis: no block, the genesis state root).
fn block_info(
    prefix: &str,
    height: u64,
    block: Option<&SealedBlock>,
    root: &[u8],
) -> Vec<(String, Value)> {
    let h = block.map(|b| &b.header.header);
    vec![
        (format!("{prefix}_block_hash"), block.map_or(Value::Null, |b| hex0x(&b.hash().0).into())),
        (format!("{prefix}_app_hash"), hex0x(h.map_or(root, |h| &h.state_root)).into()),
        (format!("{prefix}_block_height"), height.to_string().into()),
        (format!("{prefix}_block_time"), h.map_or(Value::Null, |h| time_text(h.time_ms).into())),
    ]
}

/// The lowest height whose block is stored: 1 once a block is committed,
/// else 0. Blocks are never pruned — pruning deletes state history only;
/// blocks, commits and receipts are kept for block sync (node/storage
/// `prune.rs`, docs/storage.md) — so there is nothing to search for.
fn earliest_block(latest: u64) -> u64 {
    latest.min(1)
}

async fn status(State(chain): State<Arc<Chain>>) -> Response {
    let p2p = chain.metrics.p2p().cloned();
    let c = chain.clone();
    let sync = tokio::task::spawn_blocking(move || -> Result<(Value, Value), String> {
        let latest = c.height().map_err(|e| e.to_string())?;
        let genesis_root = c.store.state_root(0).map_err(|e| e.to_string())?.unwrap_or_default();
        let block = |h: u64| c.store.block_by_height(h).map_err(|e| e.to_string());
        let latest_block = if latest == 0 { None } else { block(latest)? };
        let earliest = earliest_block(latest);
        let earliest_block = if earliest == 0 { None } else { block(earliest)? };
        let mut info = serde_json::Map::new();
        info.extend(block_info("latest", latest, latest_block.as_ref(), &genesis_root.0));
        info.extend(block_info("earliest", earliest, earliest_block.as_ref(), &genesis_root.0));
        info.insert("catching_up".into(), c.status.catching_up().into());
        let set = c.validators_at(latest + 1).map_err(|e| e.to_string())?;
        Ok((Value::Object(info), validator_info(&set, c.status.validator())))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    let (sync_info, validator_info) = match sync {
        Ok(s) => s,
        Err(e) => {
            return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "error": e }))).into_response();
        }
    };
    let rpc = &chain.config.rpc;
    let node_info = json!({
        "id": p2p.as_ref().map(|p| p.local_peer_id().to_string()),
        "network": chain.genesis.chain_id,
        "version": env!("CARGO_PKG_VERSION"),
        "moniker": chain.config.moniker,
        "listen_addrs": p2p.as_ref().map(|p| p.listen_addrs().iter().map(|a| a.to_string()).collect::<Vec<_>>()).unwrap_or_default(),
        "other": { "grpc_address": rpc.grpc_addr.to_string(), "http_address": rpc.http_addr.to_string(),
                   "genesis_hash": hex0x(&chain.genesis_hash.0) },
    });
    Json(
        json!({ "node_info": node_info, "sync_info": sync_info, "validator_info": validator_info }),
    )
    .into_response()
}

/// `validator_info`: this node's validator key in the set that signs the
/// next block (power 0 and no key on a full node, as CometBFT reports).
fn validator_info(set: &pb::ValidatorSet, address: Option<Address>) -> Value {
    let member = address.and_then(|a| set.validators.iter().find(|v| v.address == a.0));
    json!({
        "address": address.map(|a| hex0x(&a.0)),
        "pub_key": member.map(|v| json!({ "type": "secp256k1", "value": hex0x(&v.pub_key) })),
        "voting_power": member.map_or(0, |v| v.power).to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_reasons() {
        assert_eq!(not_ready(Ok(3), false, None), None, "solo node: no peers needed");
        assert_eq!(not_ready(Ok(3), false, Some(2)), None);
        assert!(not_ready(Ok(3), false, Some(0)).expect("no peers").contains("peers"));
        assert!(not_ready(Ok(3), true, Some(2)).expect("syncing").contains("catching up"));
        assert!(not_ready(Err("db".into()), false, None).expect("broken").contains("db"));
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(time_text(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn the_earliest_block_is_1_once_one_is_committed() {
        assert_eq!(earliest_block(0), 0, "genesis: no block");
        assert_eq!(earliest_block(1), 1);
        assert_eq!(earliest_block(500), 1, "blocks are never pruned");
    }
}

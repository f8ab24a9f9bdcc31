//! Starting the p2p service (`bayledger-p2p`, ADR 0008) from the node's home:
//! node key, listen address, persistent peers (`<node pubkey hex>@host:port`)
//! and the allowlist.
//!
//! The allowlist follows the chain: it is the set of node keys admitted in
//! the latest committed state (`sys/nodes/<node key>`: genesis `nodes`, then
//! governance's `AdmitNode` / `RemoveNode`), plus this node's own key; genesis
//! `nodes`, or else the persistent peers' keys, when the state admits none. [`follow_admissions`]
//! re-reads it after every commit and hands a changed list to the p2p service,
//! which closes the connections of removed nodes (and no longer dials them)
//! and lets newly admitted ones connect.

use crate::chain::Chain;
use bayledger_p2p::{Allowlist, P2p, P2pConfig, P2pError, P2pEvent, P2pHandle};
use bayledger_types::state_keys::NODES_PREFIX;
use bayledger_types::{SecretKey, StateError, StateReader};
use std::collections::BTreeSet;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// Why the network could not start.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// A `persistent_peers` entry is malformed or does not resolve.
    #[error("persistent peer {entry:?}: {reason}")]
    Peer {
        /// The entry.
        entry: String,
        /// Why.
        reason: String,
    },
    /// The p2p service refused to start.
    #[error("p2p: {0}")]
    P2p(#[from] bayledger_p2p::P2pError),
    /// The admitted nodes could not be read from the state.
    #[error("reading the admitted nodes: {0}")]
    State(#[from] StateError),
}

/// The node keys admitted in `state` (every `sys/nodes/<key>` entry), in key
/// order. An entry whose key is not 33 bytes is an error.
pub fn admitted_nodes(state: &dyn StateReader) -> Result<BTreeSet<[u8; 33]>, StateError> {
    let mut keys = BTreeSet::new();
    let mut after: Option<Vec<u8>> = None;
    while let Some((key, _)) = state.next(NODES_PREFIX, after.as_deref())? {
        let node: [u8; 33] = key[NODES_PREFIX.len()..].try_into().map_err(|_| {
            StateError(format!("admitted node entry {} is not a 33-byte key", hex::encode(&key)))
        })?;
        keys.insert(node);
        after = Some(key);
    }
    Ok(keys)
}

/// The allowlist for the latest committed state: its admitted nodes (when
/// it admits none — a state from before admissions were recorded — genesis
/// `nodes`, else the persistent peers' keys) and `own`.
fn allowed_keys(
    chain: &Chain,
    bootstrap: &[([u8; 33], SocketAddr)],
    own: [u8; 33],
) -> Result<BTreeSet<[u8; 33]>, NetworkError> {
    let state = chain.store.latest_state().map_err(|e| StateError(e.to_string()))?;
    let mut keys = admitted_nodes(&*state)?;
    if keys.is_empty() {
        keys = chain.genesis.nodes.iter().map(|n| n.node_key.0).collect();
    }
    if keys.is_empty() {
        keys = bootstrap.iter().map(|(k, _)| *k).collect();
    }
    keys.insert(own);
    Ok(keys)
}

/// Parses `<33-byte compressed key hex>@<host>:<port>`.
pub fn parse_peer(entry: &str) -> Result<([u8; 33], SocketAddr), NetworkError> {
    let err = |reason: String| NetworkError::Peer { entry: entry.to_string(), reason };
    let (key, addr) =
        entry.split_once('@').ok_or_else(|| err("expected <key>@<host:port>".into()))?;
    let bytes = hex::decode(key.trim_start_matches("0x")).map_err(|e| err(e.to_string()))?;
    let key: [u8; 33] =
        bytes.try_into().map_err(|_| err("the node key must be 33 bytes (compressed)".into()))?;
    let addr = addr
        .to_socket_addrs()
        .map_err(|e| err(e.to_string()))?
        .next()
        .ok_or_else(|| err("address does not resolve".into()))?;
    Ok((key, addr))
}

/// How long startup waits for persistent peers' host names to resolve. In a
/// container network a peer's name exists only once its container runs, and
/// the consortium's nodes start together.
pub const PEER_RESOLVE_WAIT: Duration = Duration::from_secs(60);

/// [`parse_peer`], retrying a host name that does not resolve yet until
/// `wait` has passed (a malformed entry fails at once).
pub async fn resolve_peer(
    entry: &str,
    wait: Duration,
) -> Result<([u8; 33], SocketAddr), NetworkError> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let entry_owned = entry.to_string();
        let parsed = tokio::task::spawn_blocking(move || parse_peer(&entry_owned))
            .await
            .map_err(|e| NetworkError::Peer { entry: entry.to_string(), reason: e.to_string() })?;
        match parsed {
            Ok(p) => return Ok(p),
            Err(NetworkError::Peer { reason, .. })
                if is_unresolved(&reason) && tokio::time::Instant::now() < deadline =>
            {
                tracing::info!(peer = %entry, %reason, "waiting for the peer's host name to resolve");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

fn is_unresolved(reason: &str) -> bool {
    reason.contains("lookup")
        || reason.contains("does not resolve")
        || reason.contains("resolution")
}

/// Starts the p2p service for `chain` with transport key `node_key`, and the
/// task that keeps its allowlist on the admitted nodes ([`follow_admissions`];
/// it ends with the service).
pub async fn start(
    chain: &Arc<Chain>,
    node_key: &SecretKey,
) -> Result<(P2pHandle, mpsc::Receiver<P2pEvent>), NetworkError> {
    let cfg = &chain.config.p2p;
    let mut bootstrap = Vec::with_capacity(cfg.persistent_peers.len());
    for p in &cfg.persistent_peers {
        bootstrap.push(resolve_peer(p, PEER_RESOLVE_WAIT).await?);
    }
    let own = node_key.public_key().to_compressed();
    // Subscribed before the first read: no commit falls between the two.
    let commits = chain.committed.subscribe();
    let keys = allowed_keys(chain, &bootstrap, own)?;
    let allowlist = Allowlist::from_keys(keys.iter().copied())?;
    let mut config = P2pConfig::new(chain.genesis.chain_id.clone(), cfg.listen_addr);
    config.genesis_hash = Some(chain.genesis_hash.0);
    config.bootstrap = bootstrap.clone();
    config.limits.max_tx_bytes =
        crate::tx_gossip::max_batch_bytes(chain.genesis.params.max_tx_bytes as usize);
    config.limits.max_evidence_bytes = crate::evidence::MAX_EVIDENCE_BYTES;
    config.gossip_heartbeat = Duration::from_millis(cfg.gossip_heartbeat_ms.max(50));
    let (p2p, events) = P2p::spawn(config, node_key, allowlist).await?;
    tokio::spawn(follow_admissions(chain.clone(), p2p.clone(), commits, bootstrap, own, keys));
    Ok((p2p, events))
}

/// After every commit, re-reads the admitted nodes and replaces the p2p
/// allowlist when they changed (`current`: the list in force). Runs until the
/// p2p service or the chain's commit channel stops.
pub async fn follow_admissions(
    chain: Arc<Chain>,
    p2p: P2pHandle,
    mut commits: broadcast::Receiver<u64>,
    bootstrap: Vec<([u8; 33], SocketAddr)>,
    own: [u8; 33],
    mut current: BTreeSet<[u8; 33]>,
) {
    loop {
        let height = match commits.recv().await {
            Ok(h) => h,
            // Missed notifications: the latest state covers them.
            Err(broadcast::error::RecvError::Lagged(_)) => chain.height().unwrap_or_default(),
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let c = chain.clone();
        let b = bootstrap.clone();
        let next = match tokio::task::spawn_blocking(move || allowed_keys(&c, &b, own)).await {
            Ok(Ok(keys)) => keys,
            Ok(Err(e)) => {
                tracing::error!(height, error = %e, "admitted nodes not read; allowlist unchanged");
                continue;
            }
            Err(e) => {
                tracing::error!(height, error = %e, "admitted nodes not read; allowlist unchanged");
                continue;
            }
        };
        if next == current {
            continue;
        }
        let added = next.difference(&current).map(hex::encode).collect::<Vec<_>>();
        let removed = current.difference(&next).map(hex::encode).collect::<Vec<_>>();
        match p2p.set_allowlist(next.iter().copied().collect()).await {
            Ok(()) => {
                tracing::info!(height, ?added, ?removed, "allowlist follows the admitted nodes");
                current = next;
            }
            Err(P2pError::Shutdown) => return,
            Err(e) => tracing::error!(height, error = %e, "allowlist update refused"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_parse_and_bad_ones_are_named() {
        let key = SecretKey::from_bytes(&[7; 32]).expect("key").public_key().to_compressed();
        let entry = format!("{}@127.0.0.1:26656", hex::encode(key));
        let (k, a) = parse_peer(&entry).expect("parses");
        assert_eq!((k, a.port()), (key, 26656));
        for bad in ["nokey", "abcd@127.0.0.1:1", &format!("{}@nowhere", hex::encode(key))] {
            let e = parse_peer(bad).expect_err(bad);
            assert!(e.to_string().contains(bad), "{e}");
        }
    }

    #[test]
    fn the_admitted_nodes_are_the_sys_nodes_entries() {
        let pk = |b: u8| SecretKey::from_bytes(&[b; 32]).expect("key").public_key().to_compressed();
        let mut state = bayledger_types::MemState::default();
        assert!(admitted_nodes(&state).expect("reads").is_empty());
        for b in [3, 1, 2] {
            state.0.insert(bayledger_types::state_keys::node(&pk(b)), b"{}".to_vec());
        }
        // Neighbouring keys are not nodes.
        state.0.insert(b"sys/nodes".to_vec(), vec![1]);
        state.0.insert(b"sys/params".to_vec(), vec![1]);
        let admitted = admitted_nodes(&state).expect("reads");
        assert_eq!(admitted, [pk(1), pk(2), pk(3)].into_iter().collect());

        state.0.insert([NODES_PREFIX, b"short"].concat(), vec![1]);
        let e = admitted_nodes(&state).expect_err("a malformed entry");
        assert!(e.to_string().contains("not a 33-byte key"), "{e}");
    }

    #[tokio::test]
    async fn an_unresolvable_host_is_retried_until_the_deadline_and_named() {
        let key = SecretKey::from_bytes(&[7; 32]).expect("key").public_key().to_compressed();
        let entry = format!("{}@no-such-host.invalid:26656", hex::encode(key));
        let e = resolve_peer(&entry, Duration::from_millis(10)).await.expect_err("cannot resolve");
        assert!(e.to_string().contains("no-such-host.invalid"), "{e}");
        // A malformed entry is not retried.
        let started = std::time::Instant::now();
        resolve_peer("nokey", Duration::from_secs(30)).await.expect_err("malformed");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

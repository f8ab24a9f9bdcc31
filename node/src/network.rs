//! Starting the p2p service (`bayledger-p2p`, ADR 0008) from the node's home:
//! node key, listen address, persistent peers (`<node pubkey hex>@host:port`)
//! and the allowlist from genesis `nodes` (every admitted node, validators and
//! full nodes; the persistent peers' keys when genesis lists none).

use crate::chain::Chain;
use bayledger_p2p::{Allowlist, P2p, P2pConfig, P2pEvent, P2pHandle};
use bayledger_types::SecretKey;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;
use tokio::sync::mpsc;

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

/// Starts the p2p service for `chain` with transport key `node_key`.
pub async fn start(
    chain: &Chain,
    node_key: &SecretKey,
) -> Result<(P2pHandle, mpsc::Receiver<P2pEvent>), NetworkError> {
    let cfg = &chain.config.p2p;
    let mut bootstrap = Vec::with_capacity(cfg.persistent_peers.len());
    for p in &cfg.persistent_peers {
        bootstrap.push(resolve_peer(p, PEER_RESOLVE_WAIT).await?);
    }
    let mut keys: Vec<[u8; 33]> = chain.genesis.nodes.iter().map(|n| n.node_key.0).collect();
    if keys.is_empty() {
        keys = bootstrap.iter().map(|(k, _)| *k).collect();
    }
    keys.push(node_key.public_key().to_compressed());
    let allowlist = Allowlist::from_keys(keys)?;
    let mut config = P2pConfig::new(chain.genesis.chain_id.clone(), cfg.listen_addr);
    config.genesis_hash = Some(chain.genesis_hash.0);
    config.bootstrap = bootstrap;
    config.limits.max_tx_bytes =
        crate::tx_gossip::max_batch_bytes(chain.genesis.params.max_tx_bytes as usize);
    config.limits.max_evidence_bytes = crate::evidence::MAX_EVIDENCE_BYTES;
    config.gossip_heartbeat = Duration::from_millis(cfg.gossip_heartbeat_ms.max(50));
    Ok(P2p::spawn(config, node_key, allowlist).await?)
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

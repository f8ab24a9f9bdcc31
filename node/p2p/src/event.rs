//! What the service tells the node, and what the node tells the service about gossip.

use crate::topics::Topic;
use libp2p::gossipsub::{MessageAcceptance, MessageId};
use libp2p::{Multiaddr, PeerId};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::oneshot;

/// The node's verdict on a received gossip message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptance {
    /// Valid: forward it to the mesh.
    Accept,
    /// Invalid: drop it, do not forward, and count it against the peer that sent it.
    Reject,
    /// Not useful now (e.g. stale) but not malicious: drop it without forwarding or penalty.
    Ignore,
}

impl From<Acceptance> for MessageAcceptance {
    fn from(a: Acceptance) -> Self {
        match a {
            Acceptance::Accept => MessageAcceptance::Accept,
            Acceptance::Reject => MessageAcceptance::Reject,
            Acceptance::Ignore => MessageAcceptance::Ignore,
        }
    }
}

/// Which side opened a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The remote dialed us.
    Inbound,
    /// We dialed the remote.
    Outbound,
}

/// Which connection limit refused a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// Total, per-peer or pending-inbound connection count.
    Connections,
    /// Inbound connections from one IP address.
    PerIp,
}

/// Events from the service to the node.
pub enum P2pEvent {
    /// A gossip message that passed the transport checks (signature, allowlisted source, size).
    /// It is **not forwarded** until the node reports a verdict with [`crate::P2pHandle::report`];
    /// without one it is dropped after [`crate::Limits::validation_timeout`].
    Gossip {
        /// Its topic.
        topic: Topic,
        /// The node that signed (published) it, not necessarily the peer that relayed it.
        source: PeerId,
        /// Its id (SHA3-256 of `topic ‖ 0x00 ‖ data`), to pass back to `report`.
        msg_id: MessageId,
        /// The payload.
        data: Vec<u8>,
    },
    /// A block-sync request. Send the response on `reply`; dropping it (or missing
    /// [`crate::Limits::sync_timeout`]) makes the request fail at the requester. Responses over
    /// [`crate::Limits::max_sync_response_bytes`] are not sent.
    SyncRequest {
        /// Who asked.
        peer: PeerId,
        /// The request body.
        data: Vec<u8>,
        /// Where the response goes.
        reply: oneshot::Sender<Vec<u8>>,
    },
    /// The first connection to an allowlisted peer is up.
    PeerConnected {
        /// The peer.
        peer: PeerId,
        /// Its address on that connection.
        addr: Multiaddr,
        /// Who dialed.
        direction: Direction,
    },
    /// The last connection to a peer closed.
    PeerDisconnected {
        /// The peer.
        peer: PeerId,
    },
    /// A connected peer subscribed to one of our topics (so publishing there reaches it).
    PeerSubscribed {
        /// The peer.
        peer: PeerId,
        /// The topic.
        topic: Topic,
    },
    /// A connection from or to a peer that is not on the allowlist was refused after the noise
    /// handshake authenticated it (or a dial to such a peer was not attempted).
    Refused {
        /// The authenticated peer.
        peer: PeerId,
        /// Its address, when known.
        addr: Option<Multiaddr>,
        /// Who dialed.
        direction: Direction,
    },
    /// An inbound connection failed before it was authenticated (noise or multiplexer upgrade):
    /// typically a node of another chain or genesis (the noise prologue binds both), or something
    /// that is not a Bayledger node.
    HandshakeFailed {
        /// The remote address.
        addr: Option<Multiaddr>,
    },
    /// A connection was refused by a connection limit.
    LimitReached {
        /// The peer, if the handshake had already identified it.
        peer: Option<PeerId>,
        /// Its address, when known.
        addr: Option<Multiaddr>,
        /// Which limit.
        limit: LimitKind,
    },
}

/// Payloads are shown by length only: an event can carry megabytes and ends up in logs.
impl fmt::Debug for P2pEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            P2pEvent::Gossip { topic, source, msg_id, data } => f
                .debug_struct("Gossip")
                .field("topic", topic)
                .field("source", source)
                .field("msg_id", &msg_id.to_string())
                .field("len", &data.len())
                .finish(),
            P2pEvent::SyncRequest { peer, data, .. } => {
                f.debug_struct("SyncRequest").field("peer", peer).field("len", &data.len()).finish()
            }
            P2pEvent::PeerConnected { peer, addr, direction } => f
                .debug_struct("PeerConnected")
                .field("peer", peer)
                .field("addr", addr)
                .field("direction", direction)
                .finish(),
            P2pEvent::PeerDisconnected { peer } => {
                f.debug_struct("PeerDisconnected").field("peer", peer).finish()
            }
            P2pEvent::PeerSubscribed { peer, topic } => {
                f.debug_struct("PeerSubscribed").field("peer", peer).field("topic", topic).finish()
            }
            P2pEvent::Refused { peer, addr, direction } => f
                .debug_struct("Refused")
                .field("peer", peer)
                .field("addr", addr)
                .field("direction", direction)
                .finish(),
            P2pEvent::HandshakeFailed { addr } => {
                f.debug_struct("HandshakeFailed").field("addr", addr).finish()
            }
            P2pEvent::LimitReached { peer, addr, limit } => f
                .debug_struct("LimitReached")
                .field("peer", peer)
                .field("addr", addr)
                .field("limit", limit)
                .finish(),
        }
    }
}

/// A connected peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerInfo {
    /// Its peer id.
    pub peer_id: PeerId,
    /// Its node public key (from the allowlist).
    pub pubkey: Option<[u8; 33]>,
    /// Remote addresses of its open connections.
    pub addrs: Vec<Multiaddr>,
    /// The agent version it announced (identify), once known.
    pub agent_version: Option<String>,
    /// Round trip of its last answered ping, once one was.
    pub rtt: Option<std::time::Duration>,
}

/// Counters since start. Everything refused, dropped or rejected by the service is counted here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct P2pStats {
    /// Connections refused because the peer is not on the allowlist.
    pub refused: u64,
    /// Connections refused by a connection limit.
    pub limited: u64,
    /// Inbound connections whose handshake failed (another chain or genesis, or not a Bayledger
    /// node).
    pub handshake_failed: u64,
    /// Connections closed because a ping went unanswered.
    pub ping_failures: u64,
    /// Gossip rejected by the service before reaching the node (source not allowlisted, payload
    /// over the topic cap).
    pub gossip_rejected: u64,
    /// Gossip that waited too long for a verdict and was dropped.
    pub validation_expired: u64,
    /// Events not delivered because the node's event channel was full.
    pub events_dropped: u64,
    /// Sync responses the node produced over the response cap (not sent).
    pub oversized_responses: u64,
}

/// Shared atomic counters behind [`P2pStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) refused: AtomicU64,
    pub(crate) limited: AtomicU64,
    pub(crate) handshake_failed: AtomicU64,
    pub(crate) ping_failures: AtomicU64,
    pub(crate) gossip_rejected: AtomicU64,
    pub(crate) validation_expired: AtomicU64,
    pub(crate) events_dropped: AtomicU64,
    pub(crate) oversized_responses: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> P2pStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        P2pStats {
            refused: get(&self.refused),
            limited: get(&self.limited),
            handshake_failed: get(&self.handshake_failed),
            ping_failures: get(&self.ping_failures),
            gossip_rejected: get(&self.gossip_rejected),
            validation_expired: get(&self.validation_expired),
            events_dropped: get(&self.events_dropped),
            oversized_responses: get(&self.oversized_responses),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_payload_length_not_bytes() {
        let e = P2pEvent::Gossip {
            topic: Topic::Consensus,
            source: PeerId::random(),
            msg_id: MessageId::new(&[0xab; 4]),
            data: vec![7u8; 100_000],
        };
        let shown = format!("{e:?}");
        assert!(shown.contains("len: 100000") && shown.len() < 300, "{shown}");
    }
}

//! Errors of the p2p service.

use crate::topics::Topic;
use libp2p::PeerId;

/// Why a p2p operation failed. Each variant names the rule or the condition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum P2pError {
    /// A node public key is not a valid 33-byte compressed secp256k1 point.
    #[error("invalid node public key {0}: not a compressed secp256k1 point")]
    InvalidPublicKey(String),
    /// The node secret key could not be turned into a libp2p identity.
    #[error("invalid node secret key")]
    InvalidSecretKey,
    /// A configuration value breaks a rule (the message names it).
    #[error("invalid p2p configuration: {0}")]
    InvalidConfig(String),
    /// The listener could not be opened.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The configured listen address.
        addr: String,
        /// The transport's reason.
        reason: String,
    },
    /// A payload exceeds its hard cap; nothing was sent.
    #[error("{what} of {size} bytes exceeds the cap of {max} bytes")]
    TooLarge {
        /// What was too large (`"tx gossip"`, `"sync request"`, ...).
        what: &'static str,
        /// Its size.
        size: usize,
        /// The cap.
        max: usize,
    },
    /// No connected peer is subscribed to the topic yet, so a publish would reach nobody.
    #[error("no peer is subscribed to the {0} topic")]
    NoPeers(Topic),
    /// The same bytes were already published on this topic (message ids are content hashes).
    #[error("message already published on the {0} topic")]
    Duplicate(Topic),
    /// Gossipsub refused the publish for another reason.
    #[error("publish failed: {0}")]
    Publish(String),
    /// The peer is not connected (or not on the allowlist), so no request was sent.
    #[error("peer {0} is not connected")]
    NotConnected(PeerId),
    /// The peer did not answer the sync request in time.
    #[error("sync request to {0} timed out")]
    Timeout(PeerId),
    /// The sync request failed (stream closed, oversized or malformed response, ...).
    #[error("sync request to {peer} failed: {reason}")]
    Request {
        /// The peer asked.
        peer: PeerId,
        /// What went wrong.
        reason: String,
    },
    /// The service has stopped.
    #[error("the p2p service has stopped")]
    Shutdown,
}

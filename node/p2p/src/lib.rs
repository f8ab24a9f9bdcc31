//! Bayledger peer-to-peer layer (ADR 0008).
//!
//! A permissioned libp2p network for a fixed consortium of validators:
//!
//! - **Transport**: TCP + noise (XX, secp256k1 node keys, prologue bound to the chain id) + yamux.
//! - **Admission**: only peers whose [`PeerId`] is on the [`Allowlist`] (built from 33-byte node
//!   public keys) keep a connection; everyone else is refused right after the noise handshake
//!   authenticates them, logged and counted ([`P2pEvent::Refused`], [`P2pStats::refused`]). The
//!   allowlist can be replaced at runtime ([`P2pHandle::set_allowlist`]). Connection limits (total,
//!   pending, per IP) bound what anyone can make the node hold.
//! - **Gossip**: gossipsub in strict, signed mode on three versioned topics per chain
//!   ([`Topic::Transactions`], [`Topic::Consensus`], [`Topic::Evidence`]) with per-topic size caps. Every received message
//!   waits for the node's verdict ([`P2pHandle::report`]) before it is forwarded.
//! - **Block sync**: request-response on `/bayledger/<chain_id>/sync/1` with a length-prefixed
//!   bytes codec and hard caps on request and response size; the node defines the messages.
//!
//! The service runs on tokio: [`P2p::spawn`] returns a cloneable [`P2pHandle`] and a receiver of
//! [`P2pEvent`]s. The crate moves opaque bytes; decoding and validation belong to the node.

#![forbid(unsafe_code)]

mod allowlist;
mod behaviour;
mod codec;
mod driver;
mod error;
mod event;
mod identity;
mod limits;
mod reconnect;
mod service;
mod topics;

pub use allowlist::Allowlist;
pub use codec::{SYNC_LENGTH_PREFIX, SyncCodec};
pub use error::P2pError;
pub use event::{Acceptance, Direction, LimitKind, P2pEvent, P2pStats, PeerInfo};
pub use identity::{keypair_from_secret, peer_id_of, pubkey_of};
pub use limits::{GOSSIP_FRAME_SLACK_BYTES, GOSSIP_OVERHEAD_BYTES, Limits};
pub use service::{Backoff, P2p, P2pConfig, P2pHandle};
pub use topics::{Topic, sync_protocol, topic_name, validate_chain_id};

pub use libp2p::gossipsub::MessageId;
pub use libp2p::{Multiaddr, PeerId};

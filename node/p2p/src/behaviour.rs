//! The composed libp2p behaviour and its configuration.
//!
//! Order matters: connection checks run field by field and the first refusal wins, so the
//! allowlist (after the handshake) and the limits (before it) come before the protocols.

use crate::allowlist::Allowlist;
use crate::codec::SyncCodec;
use crate::error::P2pError;
use crate::limits::{GOSSIP_FRAME_SLACK_BYTES, Limits, PerIpLimit};
use crate::topics::{Topic, Topics, identify_version, sync_protocol};
use bayledger_types::Hash;
use libp2p::gossipsub::{
    self, IdentityTransform, MessageAuthenticity, MessageId, ValidationMode,
    WhitelistSubscriptionFilter,
};
use libp2p::swarm::NetworkBehaviour;
use libp2p::{
    allow_block_list, connection_limits, identify, identity::Keypair, ping, request_response,
};
use std::collections::HashSet;
use std::time::Duration;

/// Gossipsub with our topic whitelist.
pub(crate) type Gossip = gossipsub::Behaviour<IdentityTransform, WhitelistSubscriptionFilter>;

/// Everything a Bayledger node speaks.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    /// Refuses authenticated peers that are not on the allowlist.
    pub(crate) allow: allow_block_list::Behaviour<allow_block_list::AllowedPeers>,
    /// Total / per-peer / pending connection counts.
    pub(crate) conn_limits: connection_limits::Behaviour,
    /// Inbound connections per IP, checked before the handshake.
    pub(crate) ip_limit: PerIpLimit,
    /// Transactions and consensus messages.
    pub(crate) gossip: Gossip,
    /// Block sync.
    pub(crate) sync: request_response::Behaviour<SyncCodec>,
    /// Agent version and listen addresses of peers (diagnostics).
    pub(crate) identify: identify::Behaviour,
    /// Liveness: a connection whose ping fails is closed (and its peer redialed).
    pub(crate) ping: ping::Behaviour,
}

/// Message ids are content hashes: SHA3-256 of `topic ‖ 0x00 ‖ data`, so the same transaction
/// published by two nodes is one message. Consensus messages also hash the publisher and the
/// sequence number (see below).
pub(crate) fn message_id(message: &gossipsub::Message) -> MessageId {
    let topic = message.topic.as_str();
    if topic.ends_with("/consensus/1") {
        // Consensus re-publishes the same bytes on purpose (ADR 0007 rebroadcast, the only way a
        // peer that missed a vote gets it again). A pure content id made every re-publish a
        // gossipsub duplicate, refused by `publish`, so a 2-2 partition never healed: the id of
        // a consensus message also covers its publisher and sequence number.
        let mut data = message.data.clone();
        data.extend(message.source.map(|p| p.to_bytes()).unwrap_or_default());
        data.extend(message.sequence_number.unwrap_or(0).to_be_bytes());
        return MessageId::from(Hash::tagged(topic.as_bytes(), &data).0.to_vec());
    }
    MessageId::from(Hash::tagged(topic.as_bytes(), &message.data).0.to_vec())
}

/// The gossipsub configuration: strict signed mode, validation by the node, per-topic caps.
pub(crate) fn gossip_config(
    topics: &Topics,
    limits: &Limits,
    heartbeat: Duration,
) -> Result<gossipsub::Config, P2pError> {
    let tx_cap = Limits::gossip_wire_cap(limits.max_tx_bytes);
    let consensus_cap = Limits::gossip_wire_cap(limits.max_consensus_bytes);
    let evidence_cap = Limits::gossip_wire_cap(limits.max_evidence_bytes);
    // Unvalidated messages live in the message cache for `history_length` heartbeats: keep them at
    // least as long as the node may take to decide, or an accepted message could not be forwarded.
    let windows = limits.validation_timeout.as_nanos().div_ceil(heartbeat.as_nanos().max(1));
    let history_length = usize::try_from(windows).unwrap_or(usize::MAX).clamp(5, 1000);
    gossipsub::ConfigBuilder::default()
        .validation_mode(ValidationMode::Strict)
        .validate_messages()
        .message_id_fn(message_id)
        .heartbeat_interval(heartbeat)
        .heartbeat_initial_delay(heartbeat)
        .history_length(history_length)
        // The frame cap bounds any RPC (with read-buffer slack, see GOSSIP_FRAME_SLACK_BYTES);
        // the per-topic caps bound each message in it.
        .max_transmit_size(tx_cap.max(consensus_cap).max(evidence_cap) + GOSSIP_FRAME_SLACK_BYTES)
        .max_transmit_size_for_topic(tx_cap, topics.hash(Topic::Transactions))
        .max_transmit_size_for_topic(consensus_cap, topics.hash(Topic::Consensus))
        .max_transmit_size_for_topic(evidence_cap, topics.hash(Topic::Evidence))
        .build()
        .map_err(|e| P2pError::InvalidConfig(format!("gossipsub: {e}")))
}

impl Behaviour {
    pub(crate) fn new(
        keypair: &Keypair,
        chain_id: &str,
        allowlist: &Allowlist,
        limits: &Limits,
        heartbeat: Duration,
    ) -> Result<Behaviour, P2pError> {
        let topics = Topics::new(chain_id);

        let mut allow = allow_block_list::Behaviour::<allow_block_list::AllowedPeers>::default();
        for peer in allowlist.peer_ids() {
            allow.allow_peer(*peer);
        }

        let conn_limits = connection_limits::Behaviour::new(
            connection_limits::ConnectionLimits::default()
                .with_max_established(Some(limits.max_connections))
                .with_max_established_per_peer(Some(limits.max_connections_per_peer))
                .with_max_pending_incoming(Some(limits.max_pending_incoming)),
        );

        let whitelist: HashSet<_> = Topic::ALL.iter().map(|t| topics.hash(*t)).collect();
        let mut gossip = Gossip::new_with_subscription_filter(
            MessageAuthenticity::Signed(keypair.clone()),
            gossip_config(&topics, limits, heartbeat)?,
            WhitelistSubscriptionFilter(whitelist),
        )
        .map_err(|e| P2pError::InvalidConfig(format!("gossipsub: {e}")))?;
        for topic in Topic::ALL {
            gossip
                .subscribe(topics.get(topic))
                .map_err(|e| P2pError::InvalidConfig(format!("subscribe to {topic}: {e:?}")))?;
        }

        let sync = request_response::Behaviour::with_codec(
            SyncCodec {
                max_request_bytes: limits.max_sync_request_bytes,
                max_response_bytes: limits.max_sync_response_bytes,
            },
            [(sync_protocol(chain_id)?, request_response::ProtocolSupport::Full)],
            request_response::Config::default()
                .with_request_timeout(limits.sync_timeout)
                .with_max_concurrent_streams(limits.max_concurrent_sync_streams),
        );

        let identify = identify::Behaviour::new(
            identify::Config::new(identify_version(chain_id), keypair.public())
                .with_agent_version(format!("bayledger/{}", env!("CARGO_PKG_VERSION"))),
        );

        let ping = ping::Behaviour::new(
            ping::Config::new()
                .with_interval(limits.ping_interval)
                .with_timeout(limits.ping_timeout),
        );

        Ok(Behaviour {
            allow,
            conn_limits,
            ip_limit: PerIpLimit::new(limits.max_connections_per_ip),
            gossip,
            sync,
            identify,
            ping,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_topic_caps_follow_the_limits() {
        let topics = Topics::new("devnet");
        let limits = Limits {
            max_tx_bytes: 5000,
            max_consensus_bytes: 70_000,
            max_evidence_bytes: 3000,
            ..Limits::default()
        };
        let cfg = gossip_config(&topics, &limits, Duration::from_millis(100)).expect("config");
        assert_eq!(cfg.max_transmit_size_for_topic(&topics.hash(Topic::Transactions)), 6024);
        assert_eq!(cfg.max_transmit_size_for_topic(&topics.hash(Topic::Consensus)), 71_024);
        assert_eq!(cfg.max_transmit_size_for_topic(&topics.hash(Topic::Evidence)), 4024);
        assert_eq!(cfg.max_transmit_size(), 71_024 + GOSSIP_FRAME_SLACK_BYTES);
        assert!(matches!(cfg.validation_mode(), ValidationMode::Strict));
        assert!(cfg.validate_messages());
        // 10 s of verdict time at 100 ms heartbeats.
        let limits = Limits { validation_timeout: Duration::from_secs(10), ..limits };
        let cfg = gossip_config(&topics, &limits, Duration::from_millis(100)).expect("config");
        assert_eq!(cfg.history_length(), 100);
    }

    #[test]
    fn message_ids_hash_topic_and_content() {
        let msg = |topic: &str, data: &[u8]| gossipsub::Message {
            source: None,
            data: data.to_vec(),
            sequence_number: Some(1),
            topic: gossipsub::TopicHash::from_raw(topic),
        };
        let a = message_id(&msg("/bayledger/x/tx/1", b"tx"));
        assert_eq!(a.0.len(), 32);
        assert_eq!(
            a,
            message_id(&gossipsub::Message {
                sequence_number: Some(9),
                ..msg("/bayledger/x/tx/1", b"tx")
            })
        );
        assert_ne!(a, message_id(&msg("/bayledger/x/consensus/1", b"tx")));
        assert_ne!(a, message_id(&msg("/bayledger/x/tx/1", b"tx2")));
        // A consensus message re-published (new sequence number) is a new message.
        let c = message_id(&msg("/bayledger/x/consensus/1", b"vote"));
        assert_eq!(c, message_id(&msg("/bayledger/x/consensus/1", b"vote")));
        assert_ne!(
            c,
            message_id(&gossipsub::Message {
                sequence_number: Some(2),
                ..msg("/bayledger/x/consensus/1", b"vote")
            })
        );
    }
}

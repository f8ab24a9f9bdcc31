//! Resource limits: message size caps, connection limits and the per-IP inbound limit.
//!
//! Connection counts (total, per peer, pending inbound) are enforced by libp2p's
//! `connection_limits` behaviour; the per-IP limit is [`PerIpLimit`], which refuses an inbound
//! connection **before** the noise handshake when its source address already holds
//! `max_connections_per_ip` inbound connections (pending or established), so one host cannot
//! exhaust the pending-handshake budget.

use crate::error::P2pError;
use libp2p::PeerId;
use libp2p::core::transport::PortUse;
use libp2p::core::{Endpoint, Multiaddr, multiaddr::Protocol};
use libp2p::swarm::{
    ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler, THandlerInEvent,
    THandlerOutEvent, ToSwarm, dummy,
};
use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::net::IpAddr;
use std::task::{Context, Poll};
use std::time::Duration;

/// Room for the gossipsub envelope around a payload: source peer id, sequence number, DER
/// signature, topic name and protobuf framing (about 200 bytes for a secp256k1 node key; the
/// margin keeps the cap independent of the chain-id length).
pub const GOSSIP_OVERHEAD_BYTES: usize = 1024;

/// Headroom of the gossipsub RPC frame cap over the largest per-topic cap. gossipsub 0.50 checks
/// the frame cap against everything buffered on the stream, and the reader buffers up to 8 KiB past
/// a complete frame before decoding it, so a frame cap equal to the largest message cap would drop
/// a legitimate large message whenever the next one is already in flight. Per-message caps are
/// still enforced exactly, per topic.
pub const GOSSIP_FRAME_SLACK_BYTES: usize = 16 * 1024;

/// Every cap and limit of the service. [`Limits::default`] suits a consortium network; tests
/// shrink the caps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Established connections in total, inbound and outbound.
    pub max_connections: u32,
    /// Established connections to one peer (2 lets simultaneous dials both succeed).
    pub max_connections_per_peer: u32,
    /// Inbound connections still in the handshake.
    pub max_pending_incoming: u32,
    /// Inbound connections (pending or established) from one IP address.
    pub max_connections_per_ip: u32,
    /// Largest payload on the transaction topic (the node sets it from the genesis `max_tx_bytes`
    /// plus the framing of its transaction batches).
    pub max_tx_bytes: usize,
    /// Largest consensus payload gossiped (proposals carry whole blocks).
    pub max_consensus_bytes: usize,
    /// Largest evidence payload gossiped (one piece of equivocation evidence: two signed votes or
    /// proposals).
    pub max_evidence_bytes: usize,
    /// Largest sync request body.
    pub max_sync_request_bytes: usize,
    /// Largest sync response body.
    pub max_sync_response_bytes: usize,
    /// Sync streams open at once per connection (inbound + outbound).
    pub max_concurrent_sync_streams: usize,
    /// How long a sync request may take end to end (also how long the node has to reply).
    pub sync_timeout: Duration,
    /// TCP + noise + yamux upgrade deadline for a new connection.
    pub handshake_timeout: Duration,
    /// How long a connection no protocol needs is kept.
    pub idle_timeout: Duration,
    /// How often each connection is pinged.
    pub ping_interval: Duration,
    /// A ping unanswered this long fails (a peer that vanished without closing its TCP connection —
    /// a network cut, a paused host — is otherwise noticed only when a write fails, minutes later).
    /// libp2p's ping forgives one failure and retries on a new stream, whose negotiation times out
    /// after 10 s: a silent connection is closed about `ping_timeout` + 10 s after it went silent,
    /// and bootstrap peers are then redialed.
    pub ping_timeout: Duration,
    /// How long a received gossip message waits for the node's verdict before it is dropped
    /// (reported as ignored, never forwarded). The gossipsub message cache keeps messages this long
    /// (in heartbeats, at least 5, at most 1000), so it also bounds that cache.
    pub validation_timeout: Duration,
    /// Messages awaiting a verdict at once; beyond this new messages are ignored (not delivered).
    pub max_pending_validations: usize,
    /// Capacity of the event channel to the node; when full, gossip is ignored and sync requests
    /// are dropped (counted in [`crate::P2pStats::events_dropped`]) rather than stalling the network.
    pub event_buffer: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 64,
            max_connections_per_peer: 2,
            max_pending_incoming: 16,
            max_connections_per_ip: 8,
            max_tx_bytes: 1024 * 1024,
            max_consensus_bytes: 8 * 1024 * 1024,
            max_evidence_bytes: 4096,
            max_sync_request_bytes: 1024,
            max_sync_response_bytes: 16 * 1024 * 1024,
            max_concurrent_sync_streams: 32,
            sync_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(600),
            ping_interval: Duration::from_secs(2),
            ping_timeout: Duration::from_secs(5),
            validation_timeout: Duration::from_secs(10),
            max_pending_validations: 16_384,
            event_buffer: 4096,
        }
    }
}

impl Limits {
    /// Checks that every limit is usable.
    pub fn validate(&self) -> Result<(), P2pError> {
        let counts = [
            ("max_connections", self.max_connections as usize),
            ("max_connections_per_peer", self.max_connections_per_peer as usize),
            ("max_pending_incoming", self.max_pending_incoming as usize),
            ("max_connections_per_ip", self.max_connections_per_ip as usize),
            ("max_tx_bytes", self.max_tx_bytes),
            ("max_consensus_bytes", self.max_consensus_bytes),
            ("max_evidence_bytes", self.max_evidence_bytes),
            ("max_sync_request_bytes", self.max_sync_request_bytes),
            ("max_sync_response_bytes", self.max_sync_response_bytes),
            ("max_concurrent_sync_streams", self.max_concurrent_sync_streams),
            ("max_pending_validations", self.max_pending_validations),
            ("event_buffer", self.event_buffer),
        ];
        if let Some((name, _)) = counts.iter().find(|(_, v)| *v == 0) {
            return Err(P2pError::InvalidConfig(format!("{name} must be positive")));
        }
        let times = [
            ("sync_timeout", self.sync_timeout),
            ("handshake_timeout", self.handshake_timeout),
            ("validation_timeout", self.validation_timeout),
            ("ping_interval", self.ping_interval),
            ("ping_timeout", self.ping_timeout),
        ];
        if let Some((name, _)) = times.iter().find(|(_, v)| v.is_zero()) {
            return Err(P2pError::InvalidConfig(format!("{name} must be positive")));
        }
        let frame_max = u32::MAX as usize;
        if self.max_sync_request_bytes > frame_max || self.max_sync_response_bytes > frame_max {
            return Err(P2pError::InvalidConfig("sync caps must fit a u32 length prefix".into()));
        }
        // Gossip frames carry the payload plus the envelope; keep the total well inside u32.
        if self.max_tx_bytes.max(self.max_consensus_bytes).max(self.max_evidence_bytes) > (1 << 30)
        {
            return Err(P2pError::InvalidConfig("gossip caps must be at most 1 GiB".into()));
        }
        Ok(())
    }

    /// The gossipsub wire cap of a topic whose payload cap is `payload`.
    pub(crate) fn gossip_wire_cap(payload: usize) -> usize {
        payload + GOSSIP_OVERHEAD_BYTES
    }
}

/// Refusal cause of [`PerIpLimit`] (found again by downcasting `ConnectionDenied`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IpLimitExceeded {
    pub(crate) ip: IpAddr,
    pub(crate) limit: u32,
}

impl fmt::Display for IpLimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} already holds {} inbound connections", self.ip, self.limit)
    }
}

impl std::error::Error for IpLimitExceeded {}

/// Caps inbound connections per remote IP address.
#[derive(Debug)]
pub(crate) struct PerIpLimit {
    limit: u32,
    by_connection: HashMap<ConnectionId, IpAddr>,
    by_ip: HashMap<IpAddr, u32>,
}

impl PerIpLimit {
    pub(crate) fn new(limit: u32) -> PerIpLimit {
        PerIpLimit { limit, by_connection: HashMap::new(), by_ip: HashMap::new() }
    }

    /// Inbound connections currently held from `ip`.
    #[cfg(test)]
    pub(crate) fn count(&self, ip: IpAddr) -> u32 {
        self.by_ip.get(&ip).copied().unwrap_or(0)
    }

    fn release(&mut self, id: ConnectionId) {
        if let Some(ip) = self.by_connection.remove(&id)
            && let Some(n) = self.by_ip.get_mut(&ip)
        {
            *n -= 1;
            if *n == 0 {
                self.by_ip.remove(&ip);
            }
        }
    }
}

/// The IP address of a multiaddr (`/ip4/..` or `/ip6/..` first component).
pub(crate) fn ip_of(addr: &Multiaddr) -> Option<IpAddr> {
    addr.iter().find_map(|p| match p {
        Protocol::Ip4(ip) => Some(IpAddr::V4(ip)),
        Protocol::Ip6(ip) => Some(IpAddr::V6(ip)),
        _ => None,
    })
}

impl NetworkBehaviour for PerIpLimit {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_inbound_connection(
        &mut self,
        id: ConnectionId,
        _local: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        let Some(ip) = ip_of(remote) else { return Ok(()) };
        let held = self.by_ip.entry(ip).or_insert(0);
        if *held >= self.limit {
            return Err(ConnectionDenied::new(IpLimitExceeded { ip, limit: self.limit }));
        }
        *held += 1;
        self.by_connection.insert(id, ip);
        Ok(())
    }

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, event: FromSwarm<'_>) {
        match event {
            FromSwarm::ListenFailure(f) => self.release(f.connection_id),
            FromSwarm::ConnectionClosed(c) => self.release(c.connection_id),
            _ => {}
        }
    }

    fn on_connection_handler_event(
        &mut self,
        _: PeerId,
        _: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Infallible, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use libp2p::core::ConnectedPoint;
    use libp2p::swarm::ListenError;
    use libp2p::swarm::behaviour::{ConnectionClosed, ListenFailure};

    fn addr(s: &str) -> Multiaddr {
        s.parse().expect("multiaddr")
    }

    #[test]
    fn defaults_are_valid_and_zero_is_refused() {
        Limits::default().validate().expect("defaults");
        let bad = Limits { max_connections_per_ip: 0, ..Limits::default() };
        assert!(matches!(bad.validate(), Err(P2pError::InvalidConfig(m)) if m.contains("per_ip")));
        let bad = Limits { sync_timeout: Duration::ZERO, ..Limits::default() };
        assert!(bad.validate().is_err());
        let bad = Limits { max_consensus_bytes: 2 << 30, ..Limits::default() };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn per_ip_limit_counts_pending_and_releases_on_close_or_failure() {
        let local = addr("/ip4/127.0.0.1/tcp/1");
        let a = addr("/ip4/10.0.0.1/tcp/5000");
        let a2 = addr("/ip4/10.0.0.1/tcp/5001");
        let b = addr("/ip4/10.0.0.2/tcp/5000");
        let ip_a: IpAddr = "10.0.0.1".parse().expect("ip");
        let mut lim = PerIpLimit::new(2);
        let id = ConnectionId::new_unchecked;

        lim.handle_pending_inbound_connection(id(1), &local, &a).expect("first");
        lim.handle_pending_inbound_connection(id(2), &local, &a2).expect("second");
        let denied = lim.handle_pending_inbound_connection(id(3), &local, &a).expect_err("third");
        assert_eq!(
            denied.downcast_ref::<IpLimitExceeded>(),
            Some(&IpLimitExceeded { ip: ip_a, limit: 2 })
        );
        lim.handle_pending_inbound_connection(id(4), &local, &b).expect("other ip");

        // A handshake failure frees its slot.
        let err = ListenError::Aborted;
        lim.on_swarm_event(FromSwarm::ListenFailure(ListenFailure {
            local_addr: &local,
            send_back_addr: &a,
            error: &err,
            connection_id: id(1),
            peer_id: None,
        }));
        assert_eq!(lim.count(ip_a), 1);
        lim.handle_pending_inbound_connection(id(5), &local, &a).expect("slot freed");

        // So does a close; a denied connection never held one.
        let endpoint = ConnectedPoint::Listener { local_addr: local.clone(), send_back_addr: a2 };
        for c in [2, 3] {
            lim.on_swarm_event(FromSwarm::ConnectionClosed(ConnectionClosed {
                peer_id: PeerId::random(),
                connection_id: id(c),
                endpoint: &endpoint,
                cause: None,
                remaining_established: 0,
            }));
        }
        assert_eq!(lim.count(ip_a), 1);
    }
}

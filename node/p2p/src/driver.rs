//! The driver: the one task that owns the swarm, turns handle commands into libp2p calls and
//! libp2p events into [`P2pEvent`]s, enforces the gossip admission rules and redials bootstrap
//! peers.

use crate::allowlist::Allowlist;
use crate::behaviour::{Behaviour, BehaviourEvent};
use crate::error::P2pError;
use crate::event::{Acceptance, Counters, Direction, LimitKind, P2pEvent, PeerInfo};
use crate::identity::pubkey_of;
use crate::limits::{IpLimitExceeded, Limits};
use crate::reconnect::Redialer;
use crate::service::{P2pConfig, Shared, socket_of};
use crate::topics::{Topic, Topics};
use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use libp2p::gossipsub::{self, MessageId, PublishError};
use libp2p::request_response::{self, OutboundFailure, OutboundRequestId, ResponseChannel};
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::{ConnectionDenied, ConnectionId, DialError, ListenError, SwarmEvent};
use libp2p::{Multiaddr, PeerId, Swarm, allow_block_list, connection_limits, identify, ping};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

/// Requests from handles.
#[derive(Debug)]
pub(crate) enum Command {
    Publish { topic: Topic, data: Vec<u8>, reply: oneshot::Sender<Result<MessageId, P2pError>> },
    Report { msg_id: MessageId, acceptance: Acceptance },
    Request { peer: PeerId, data: Vec<u8>, reply: oneshot::Sender<Result<Vec<u8>, P2pError>> },
    SetAllowlist { allowlist: Allowlist, reply: oneshot::Sender<()> },
    Peers { reply: oneshot::Sender<Vec<PeerInfo>> },
    Shutdown,
}

/// A gossip message delivered to the node and awaiting its verdict.
#[derive(Debug)]
struct PendingValidation {
    propagation_source: PeerId,
    received: Instant,
}

#[derive(Debug, Default)]
struct PeerState {
    conns: HashMap<ConnectionId, Multiaddr>,
    agent_version: Option<String>,
    rtt: Option<Duration>,
}

type Reply = (ResponseChannel<Vec<u8>>, PeerId, Option<Vec<u8>>);

pub(crate) struct Driver {
    swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<P2pEvent>,
    shared: Arc<Shared>,
    topics: Topics,
    limits: Limits,
    allowlist: Allowlist,
    redial: Redialer,
    pending_validation: HashMap<MessageId, PendingValidation>,
    pending_requests: HashMap<OutboundRequestId, oneshot::Sender<Result<Vec<u8>, P2pError>>>,
    pending_replies: FuturesUnordered<BoxFuture<'static, Reply>>,
    peers: HashMap<PeerId, PeerState>,
    listening: Option<oneshot::Sender<Result<(), P2pError>>>,
}

impl Driver {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        swarm: Swarm<Behaviour>,
        commands: mpsc::Receiver<Command>,
        events: mpsc::Sender<P2pEvent>,
        shared: Arc<Shared>,
        config: &P2pConfig,
        allowlist: Allowlist,
        bootstrap: Vec<(PeerId, Multiaddr)>,
        listening: oneshot::Sender<Result<(), P2pError>>,
    ) -> Driver {
        Driver {
            swarm,
            commands,
            events,
            shared,
            topics: Topics::new(&config.chain_id),
            limits: config.limits.clone(),
            allowlist,
            redial: Redialer::new(
                bootstrap,
                config.reconnect.initial,
                config.reconnect.max,
                Instant::now(),
            ),
            pending_validation: HashMap::new(),
            pending_requests: HashMap::new(),
            pending_replies: FuturesUnordered::new(),
            peers: HashMap::new(),
            listening: Some(listening),
        }
    }

    pub(crate) async fn run(mut self) {
        let period = (self.limits.validation_timeout / 4)
            .clamp(Duration::from_millis(50), Duration::from_secs(1));
        let mut housekeeping = tokio::time::interval(period);
        housekeeping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let redial_timer = tokio::time::sleep(Duration::ZERO);
        tokio::pin!(redial_timer);

        loop {
            let next_dial = self.redial.next_deadline();
            if let Some(at) = next_dial {
                let at = tokio::time::Instant::from_std(at);
                if redial_timer.deadline() != at {
                    redial_timer.as_mut().reset(at);
                }
            }
            tokio::select! {
                command = self.commands.recv() => match command {
                    None | Some(Command::Shutdown) => break,
                    Some(command) => self.on_command(command),
                },
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                Some(reply) = self.pending_replies.next(), if !self.pending_replies.is_empty() => {
                    self.send_reply(reply)
                }
                () = &mut redial_timer, if next_dial.is_some() => self.dial_due(),
                _ = housekeeping.tick() => self.expire_validations(),
            }
        }
        info!(peer = %self.swarm.local_peer_id(), "p2p service stopped");
    }

    // ---- commands -------------------------------------------------------------------------

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Publish { topic, data, reply } => {
                let _ = reply.send(self.publish(topic, data));
            }
            Command::Report { msg_id, acceptance } => self.report(&msg_id, acceptance),
            Command::Request { peer, data, reply } => self.request(peer, data, reply),
            Command::SetAllowlist { allowlist, reply } => {
                self.set_allowlist(allowlist);
                let _ = reply.send(());
            }
            Command::Peers { reply } => {
                let _ = reply.send(self.peer_infos());
            }
            Command::Shutdown => {}
        }
    }

    fn cap(&self, topic: Topic) -> usize {
        match topic {
            Topic::Transactions => self.limits.max_tx_bytes,
            Topic::Consensus => self.limits.max_consensus_bytes,
            Topic::Evidence => self.limits.max_evidence_bytes,
        }
    }

    fn publish(&mut self, topic: Topic, data: Vec<u8>) -> Result<MessageId, P2pError> {
        let max = self.cap(topic);
        if data.len() > max {
            let what = match topic {
                Topic::Transactions => "tx gossip",
                Topic::Consensus => "consensus gossip",
                Topic::Evidence => "evidence gossip",
            };
            return Err(P2pError::TooLarge { what, size: data.len(), max });
        }
        let hash = self.topics.hash(topic);
        self.swarm.behaviour_mut().gossip.publish(hash, data).map_err(|e| match e {
            PublishError::NoPeersSubscribedToTopic => P2pError::NoPeers(topic),
            PublishError::Duplicate => P2pError::Duplicate(topic),
            other => P2pError::Publish(other.to_string()),
        })
    }

    fn report(&mut self, msg_id: &MessageId, acceptance: Acceptance) {
        let Some(pending) = self.pending_validation.remove(msg_id) else {
            debug!(%msg_id, "verdict for an unknown or expired gossip message");
            return;
        };
        let cached = self.swarm.behaviour_mut().gossip.report_message_validation_result(
            msg_id,
            &pending.propagation_source,
            acceptance.into(),
        );
        if !cached {
            debug!(%msg_id, ?acceptance, "gossip message left the cache before its verdict");
        }
    }

    fn request(
        &mut self,
        peer: PeerId,
        data: Vec<u8>,
        reply: oneshot::Sender<Result<Vec<u8>, P2pError>>,
    ) {
        let max = self.limits.max_sync_request_bytes;
        if data.len() > max {
            let _ =
                reply.send(Err(P2pError::TooLarge { what: "sync request", size: data.len(), max }));
            return;
        }
        // Never dial on behalf of a request: only connected, allowlisted peers are asked.
        if !self.allowlist.contains(&peer) || !self.swarm.is_connected(&peer) {
            let _ = reply.send(Err(P2pError::NotConnected(peer)));
            return;
        }
        let id = self.swarm.behaviour_mut().sync.send_request(&peer, data);
        self.pending_requests.insert(id, reply);
    }

    fn set_allowlist(&mut self, next: Allowlist) {
        let (added, removed) = self.allowlist.diff(&next);
        let now = Instant::now();
        let behaviour = self.swarm.behaviour_mut();
        for peer in &removed {
            // Closes every connection to the peer right away.
            behaviour.allow.disallow_peer(*peer);
        }
        for peer in &added {
            behaviour.allow.allow_peer(*peer);
            self.redial.wake(peer, now);
        }
        self.pending_validation.retain(|_, p| !removed.contains(&p.propagation_source));
        info!(
            added = added.len(),
            removed = removed.len(),
            total = next.len(),
            "allowlist replaced"
        );
        self.allowlist = next;
    }

    fn peer_infos(&self) -> Vec<PeerInfo> {
        self.peers
            .iter()
            .map(|(peer, state)| PeerInfo {
                peer_id: *peer,
                pubkey: self.allowlist.pubkey(peer).copied().or_else(|| pubkey_of(peer)),
                addrs: state.conns.values().cloned().collect(),
                agent_version: state.agent_version.clone(),
                rtt: state.rtt,
            })
            .collect()
    }

    // ---- timers ---------------------------------------------------------------------------

    fn dial_due(&mut self) {
        let now = Instant::now();
        for (peer, addr) in self.redial.take_due(now) {
            if !self.allowlist.contains(&peer) {
                debug!(%peer, "bootstrap peer is not on the allowlist; not dialing");
                continue;
            }
            if self.swarm.is_connected(&peer) {
                self.redial.on_connected(&peer, now);
                continue;
            }
            let opts = DialOpts::peer_id(peer)
                .addresses(vec![addr.clone()])
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build();
            match self.swarm.dial(opts) {
                Ok(()) => debug!(%peer, %addr, "dialing bootstrap peer"),
                // A dial is already in flight; its outcome reschedules.
                Err(DialError::DialPeerConditionFalse(_)) => {}
                Err(e) => {
                    debug!(%peer, %addr, error = %e, "dial failed");
                    self.redial.on_dial_failed(&peer, now);
                }
            }
        }
    }

    fn expire_validations(&mut self) {
        let now = Instant::now();
        let timeout = self.limits.validation_timeout;
        let expired: Vec<MessageId> = self
            .pending_validation
            .iter()
            .filter(|(_, p)| now.duration_since(p.received) >= timeout)
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            if let Some(p) = self.pending_validation.remove(&id) {
                Counters::bump(&self.shared.counters.validation_expired);
                self.swarm.behaviour_mut().gossip.report_message_validation_result(
                    &id,
                    &p.propagation_source,
                    gossipsub::MessageAcceptance::Ignore,
                );
            }
        }
    }

    // ---- swarm events ---------------------------------------------------------------------

    fn emit(&self, event: P2pEvent) {
        if let Err(TrySendError::Full(event)) = self.events.try_send(event) {
            Counters::bump(&self.shared.counters.events_dropped);
            warn!(?event, "event channel full; event dropped");
        }
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Gossip(e)) => self.on_gossip(e),
            SwarmEvent::Behaviour(BehaviourEvent::Sync(e)) => self.on_sync(e),
            SwarmEvent::Behaviour(BehaviourEvent::Identify(e)) => self.on_identify(e),
            SwarmEvent::Behaviour(BehaviourEvent::Ping(e)) => self.on_ping(e),
            SwarmEvent::Behaviour(
                BehaviourEvent::Allow(never)
                | BehaviourEvent::ConnLimits(never)
                | BehaviourEvent::IpLimit(never),
            ) => match never {},
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                num_established,
                ..
            } => {
                let addr = endpoint.get_remote_address().clone();
                let direction =
                    if endpoint.is_dialer() { Direction::Outbound } else { Direction::Inbound };
                self.peers.entry(peer_id).or_default().conns.insert(connection_id, addr.clone());
                if num_established.get() == 1 {
                    info!(peer = %peer_id, %addr, ?direction, "peer connected");
                    self.redial.on_connected(&peer_id, Instant::now());
                    self.emit(P2pEvent::PeerConnected { peer: peer_id, addr, direction });
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id, connection_id, num_established, cause, ..
            } => {
                if let Some(state) = self.peers.get_mut(&peer_id) {
                    state.conns.remove(&connection_id);
                }
                if num_established == 0 {
                    self.peers.remove(&peer_id);
                    info!(peer = %peer_id, cause = ?cause, "peer disconnected");
                    self.redial.on_disconnected(&peer_id, Instant::now());
                    self.emit(P2pEvent::PeerDisconnected { peer: peer_id });
                }
            }
            SwarmEvent::IncomingConnectionError { peer_id, send_back_addr, error, .. } => {
                match &error {
                    ListenError::Denied { cause } => {
                        self.on_denied(peer_id, Some(send_back_addr), Direction::Inbound, cause)
                    }
                    ListenError::Transport(e) => {
                        warn!(
                            addr = %send_back_addr, error = %e,
                            "inbound handshake failed: the remote may run another chain id or \
                             genesis (both are bound into the noise handshake) or not be a \
                             Bayledger node"
                        );
                        Counters::bump(&self.shared.counters.handshake_failed);
                        self.emit(P2pEvent::HandshakeFailed { addr: Some(send_back_addr) });
                    }
                    other => {
                        debug!(addr = %send_back_addr, error = %other, "inbound connection failed")
                    }
                }
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                match &error {
                    DialError::Denied { cause } => {
                        let addr = peer_id.and_then(|p| self.redial.addr_of(&p).cloned());
                        self.on_denied(peer_id, addr, Direction::Outbound, cause)
                    }
                    // A failed noise upgrade (not a refused or timed-out TCP connect): with the
                    // prologue binding chain id and genesis, most likely a different genesis.
                    other if other.to_string().contains("Handshake failed") => warn!(
                        peer = ?peer_id, error = %other,
                        "handshake with peer failed: it may run another chain id or genesis \
                         (both are bound into the noise handshake); compare genesis hashes"
                    ),
                    other => debug!(peer = ?peer_id, error = %other, "outbound connection failed"),
                }
                if let Some(peer) = peer_id {
                    self.redial.on_dial_failed(&peer, Instant::now());
                }
            }
            SwarmEvent::NewListenAddr { address, .. } => {
                if let Some(addr) = socket_of(&address) {
                    self.shared.listen_addrs.write().push(addr);
                }
                if let Some(listening) = self.listening.take() {
                    let _ = listening.send(Ok(()));
                }
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                if let Some(addr) = socket_of(&address) {
                    self.shared.listen_addrs.write().retain(|a| *a != addr);
                }
            }
            SwarmEvent::ListenerClosed { reason, .. } => {
                warn!(reason = ?reason, "p2p listener closed");
                self.fail_listening(format!("listener closed: {reason:?}"));
            }
            SwarmEvent::ListenerError { error, .. } => {
                warn!(error = %error, "p2p listener error");
                self.fail_listening(error.to_string());
            }
            _ => {}
        }
    }

    fn fail_listening(&mut self, reason: String) {
        if let Some(listening) = self.listening.take() {
            let _ = listening.send(Err(P2pError::Listen { addr: "listener".into(), reason }));
        }
    }

    /// A connection refused by the allowlist or a limit: log, count, tell the node.
    fn on_denied(
        &mut self,
        peer: Option<PeerId>,
        addr: Option<Multiaddr>,
        direction: Direction,
        cause: &ConnectionDenied,
    ) {
        let counters = &self.shared.counters;
        if cause.downcast_ref::<allow_block_list::NotAllowed>().is_some() {
            let Some(peer) = peer else { return };
            warn!(%peer, addr = ?addr, ?direction, "refused connection: peer is not on the allowlist");
            Counters::bump(&counters.refused);
            self.emit(P2pEvent::Refused { peer, addr, direction });
        } else {
            let limit = if cause.downcast_ref::<IpLimitExceeded>().is_some() {
                LimitKind::PerIp
            } else if cause.downcast_ref::<connection_limits::Exceeded>().is_some() {
                LimitKind::Connections
            } else {
                debug!(peer = ?peer, addr = ?addr, cause = %cause, "connection denied");
                return;
            };
            warn!(peer = ?peer, addr = ?addr, ?limit, cause = %cause, "refused connection: limit reached");
            Counters::bump(&counters.limited);
            self.emit(P2pEvent::LimitReached { peer, addr, limit });
        }
    }

    /// Transport-level admission of a gossip message: our topic, allowlisted signed source,
    /// payload within the topic cap.
    fn screen(&self, message: &gossipsub::Message) -> Result<(Topic, PeerId), String> {
        let topic = self.topics.which(&message.topic).ok_or("unknown topic")?;
        let source = message.source.ok_or("unsigned message")?;
        if !self.allowlist.contains(&source) {
            return Err(format!("source {source} is not on the allowlist"));
        }
        let max = self.cap(topic);
        if message.data.len() > max {
            return Err(format!("{} bytes exceed the {topic} cap of {max}", message.data.len()));
        }
        Ok((topic, source))
    }

    fn on_gossip(&mut self, event: gossipsub::Event) {
        match event {
            gossipsub::Event::Message { propagation_source, message_id, message } => {
                let verdict = match self.screen(&message) {
                    Err(reason) => {
                        warn!(from = %propagation_source, %message_id, %reason, "gossip rejected");
                        Counters::bump(&self.shared.counters.gossip_rejected);
                        Some(gossipsub::MessageAcceptance::Reject)
                    }
                    Ok(_)
                        if self.pending_validation.len() >= self.limits.max_pending_validations =>
                    {
                        warn!(%message_id, "too many messages awaiting a verdict; ignored");
                        Counters::bump(&self.shared.counters.events_dropped);
                        Some(gossipsub::MessageAcceptance::Ignore)
                    }
                    Ok((topic, source)) => {
                        let event = P2pEvent::Gossip {
                            topic,
                            source,
                            msg_id: message_id.clone(),
                            data: message.data,
                        };
                        match self.events.try_send(event) {
                            Ok(()) => {
                                self.pending_validation.insert(
                                    message_id.clone(),
                                    PendingValidation {
                                        propagation_source,
                                        received: Instant::now(),
                                    },
                                );
                                None
                            }
                            Err(_) => {
                                Counters::bump(&self.shared.counters.events_dropped);
                                Some(gossipsub::MessageAcceptance::Ignore)
                            }
                        }
                    }
                };
                if let Some(acceptance) = verdict {
                    self.swarm.behaviour_mut().gossip.report_message_validation_result(
                        &message_id,
                        &propagation_source,
                        acceptance,
                    );
                }
            }
            gossipsub::Event::Subscribed { peer_id, topic, .. } => {
                if let Some(topic) = self.topics.which(&topic) {
                    debug!(peer = %peer_id, %topic, "peer subscribed");
                    self.emit(P2pEvent::PeerSubscribed { peer: peer_id, topic });
                }
            }
            gossipsub::Event::SlowPeer { peer_id, failed_messages } => {
                warn!(peer = %peer_id, ?failed_messages, "slow gossip peer");
            }
            _ => {}
        }
    }

    fn on_sync(&mut self, event: request_response::Event<Vec<u8>, Vec<u8>>) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request { request, channel, .. } => {
                    let (reply, response) = oneshot::channel();
                    let event = P2pEvent::SyncRequest { peer, data: request, reply };
                    match self.events.try_send(event) {
                        Ok(()) => {
                            let timeout = self.limits.sync_timeout;
                            self.pending_replies.push(Box::pin(async move {
                                let response = tokio::time::timeout(timeout, response)
                                    .await
                                    .ok()
                                    .and_then(Result::ok);
                                (channel, peer, response)
                            }));
                        }
                        Err(_) => {
                            // Dropping the channel fails the request at the requester.
                            Counters::bump(&self.shared.counters.events_dropped);
                            warn!(%peer, "event channel full; sync request dropped");
                        }
                    }
                }
                request_response::Message::Response { request_id, response } => {
                    if let Some(reply) = self.pending_requests.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            request_response::Event::OutboundFailure { peer, request_id, error, .. } => {
                if let Some(reply) = self.pending_requests.remove(&request_id) {
                    let error = match error {
                        OutboundFailure::Timeout => P2pError::Timeout(peer),
                        other => P2pError::Request { peer, reason: other.to_string() },
                    };
                    let _ = reply.send(Err(error));
                }
            }
            request_response::Event::InboundFailure { peer, error, .. } => {
                debug!(%peer, %error, "inbound sync request failed");
            }
            request_response::Event::ResponseSent { .. } => {}
        }
    }

    fn send_reply(&mut self, (channel, peer, response): Reply) {
        let max = self.limits.max_sync_response_bytes;
        match response {
            None => debug!(%peer, "no sync response from the node; request dropped"),
            Some(data) if data.len() > max => {
                Counters::bump(&self.shared.counters.oversized_responses);
                warn!(%peer, size = data.len(), max, "sync response over the cap; not sent");
            }
            Some(data) => {
                if self.swarm.behaviour_mut().sync.send_response(channel, data).is_err() {
                    debug!(%peer, "sync requester went away before the response");
                }
            }
        }
    }

    /// A failed ping closes its connection; the disconnect then schedules a redial of a
    /// bootstrap peer, so a connection that died silently is replaced.
    fn on_ping(&mut self, event: ping::Event) {
        match event.result {
            Ok(rtt) => {
                if let Some(state) = self.peers.get_mut(&event.peer) {
                    state.rtt = Some(rtt);
                }
            }
            Err(error) => {
                warn!(peer = %event.peer, %error, "ping failed; closing the connection");
                Counters::bump(&self.shared.counters.ping_failures);
                self.swarm.close_connection(event.connection);
            }
        }
    }

    fn on_identify(&mut self, event: identify::Event) {
        if let identify::Event::Received { peer_id, info, .. } = event
            && let Some(state) = self.peers.get_mut(&peer_id)
        {
            state.agent_version = Some(info.agent_version);
        }
    }
}

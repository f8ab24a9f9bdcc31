//! The public service: configuration, [`P2p::spawn`] and the [`P2pHandle`].
//!
//! IO stays at the edge: one tokio task (the driver) owns the libp2p swarm; the handle talks to it
//! over a command channel and the node receives [`P2pEvent`]s on a bounded channel.

use crate::allowlist::Allowlist;
use crate::behaviour::Behaviour;
use crate::driver::{Command, Driver};
use crate::error::P2pError;
use crate::event::{Acceptance, Counters, P2pEvent, P2pStats, PeerInfo};
use crate::identity::{keypair_from_secret, peer_id_of};
use crate::limits::Limits;
use crate::topics::{Topic, noise_prologue, validate_chain_id};
use bayledger_types::SecretKey;
use libp2p::core::multiaddr::Protocol;
use libp2p::core::{Transport as _, upgrade};
use libp2p::gossipsub::MessageId;
use libp2p::{Multiaddr, PeerId, Swarm, noise, swarm, tcp, yamux};
use parking_lot::{Mutex, RwLock};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// How long [`P2p::spawn`] waits for the listener to report its address.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(10);
/// Commands queued from handles to the driver.
const COMMAND_BUFFER: usize = 1024;

/// Redial backoff for bootstrap peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// First delay after a drop or a failed dial.
    pub initial: Duration,
    /// Longest delay (the delay doubles up to it); a connection up this long resets the backoff.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { initial: Duration::from_millis(500), max: Duration::from_secs(30) }
    }
}

/// Configuration of the p2p service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct P2pConfig {
    /// Chain id (genesis rule `[a-z0-9-]{1,50}`); scopes topics, the sync protocol and the noise
    /// prologue.
    pub chain_id: String,
    /// The chain's genesis hash, bound into the noise prologue: a node started from another
    /// genesis (same chain id or not) fails the handshake. `None` binds the chain id only.
    pub genesis_hash: Option<[u8; 32]>,
    /// TCP listen address (port 0 picks a free port; see [`P2pHandle::listen_addrs`]).
    pub listen_addr: SocketAddr,
    /// Peers to keep connected to: node public key and address. Redialed with backoff whenever the
    /// connection drops; entries not on the allowlist are skipped until they are added to it.
    pub bootstrap: Vec<([u8; 33], SocketAddr)>,
    /// Caps and limits.
    pub limits: Limits,
    /// Gossipsub heartbeat (mesh maintenance, lazy gossip); 1 s in production, shorter in tests.
    pub gossip_heartbeat: Duration,
    /// Redial backoff.
    pub reconnect: Backoff,
}

impl P2pConfig {
    /// Defaults for everything but the chain id and the listen address.
    pub fn new(chain_id: impl Into<String>, listen_addr: SocketAddr) -> P2pConfig {
        P2pConfig {
            chain_id: chain_id.into(),
            genesis_hash: None,
            listen_addr,
            bootstrap: Vec::new(),
            limits: Limits::default(),
            gossip_heartbeat: Duration::from_secs(1),
            reconnect: Backoff::default(),
        }
    }

    fn validate(&self) -> Result<(), P2pError> {
        validate_chain_id(&self.chain_id)?;
        self.limits.validate()?;
        if self.gossip_heartbeat.is_zero() {
            return Err(P2pError::InvalidConfig("gossip_heartbeat must be positive".into()));
        }
        if self.reconnect.initial.is_zero() || self.reconnect.max < self.reconnect.initial {
            return Err(P2pError::InvalidConfig(
                "reconnect backoff must satisfy 0 < initial <= max".into(),
            ));
        }
        Ok(())
    }
}

/// `/ip4/<ip>/tcp/<port>` (or `/ip6/...`).
pub(crate) fn multiaddr_of(addr: SocketAddr) -> Multiaddr {
    Multiaddr::empty().with(Protocol::from(addr.ip())).with(Protocol::Tcp(addr.port()))
}

/// The socket address of a `/ip4|ip6/../tcp/..` multiaddr.
pub(crate) fn socket_of(addr: &Multiaddr) -> Option<SocketAddr> {
    let mut iter = addr.iter();
    let ip = match iter.next()? {
        Protocol::Ip4(ip) => std::net::IpAddr::V4(ip),
        Protocol::Ip6(ip) => std::net::IpAddr::V6(ip),
        _ => return None,
    };
    match iter.next()? {
        Protocol::Tcp(port) => Some(SocketAddr::new(ip, port)),
        _ => None,
    }
}

/// State the driver shares with the handles without a round trip.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub(crate) counters: Counters,
    pub(crate) listen_addrs: RwLock<Vec<SocketAddr>>,
}

/// The p2p service.
#[derive(Debug)]
pub struct P2p;

impl P2p {
    /// Starts the service on the current tokio runtime: listens, dials the bootstrap peers, and
    /// returns once the listener is up. `node_key` is the node's transport key (not its validator
    /// key); `allowlist` the peers allowed to connect.
    pub async fn spawn(
        config: P2pConfig,
        node_key: &SecretKey,
        allowlist: Allowlist,
    ) -> Result<(P2pHandle, mpsc::Receiver<P2pEvent>), P2pError> {
        config.validate()?;
        let keypair = keypair_from_secret(node_key)?;
        let local_peer_id = keypair.public().to_peer_id();
        let limits = config.limits.clone();

        let noise = noise::Config::new(&keypair)
            .map_err(|e| P2pError::InvalidConfig(format!("noise: {e}")))?
            .with_prologue(noise_prologue(&config.chain_id, config.genesis_hash.as_ref()));
        let transport = tcp::tokio::Transport::new(tcp::Config::default().nodelay(true))
            .upgrade(upgrade::Version::V1)
            .authenticate(noise)
            .multiplex(yamux::Config::default())
            .timeout(limits.handshake_timeout)
            .boxed();
        let behaviour = Behaviour::new(
            &keypair,
            &config.chain_id,
            &allowlist,
            &limits,
            config.gossip_heartbeat,
        )?;
        let mut swarm = Swarm::new(
            transport,
            behaviour,
            local_peer_id,
            swarm::Config::with_tokio_executor().with_idle_connection_timeout(limits.idle_timeout),
        );
        swarm.listen_on(multiaddr_of(config.listen_addr)).map_err(|e| P2pError::Listen {
            addr: config.listen_addr.to_string(),
            reason: e.to_string(),
        })?;

        let mut bootstrap = Vec::with_capacity(config.bootstrap.len());
        for (key, addr) in &config.bootstrap {
            let peer = peer_id_of(key)?;
            if peer != local_peer_id {
                bootstrap.push((peer, multiaddr_of(*addr)));
            }
        }

        let shared = Arc::new(Shared::default());
        let (command_tx, command_rx) = mpsc::channel(COMMAND_BUFFER);
        let (event_tx, event_rx) = mpsc::channel(limits.event_buffer);
        let (listening_tx, listening_rx) = oneshot::channel();
        let driver = Driver::new(
            swarm,
            command_rx,
            event_tx,
            shared.clone(),
            &config,
            allowlist,
            bootstrap,
            listening_tx,
        );
        let task = tokio::spawn(driver.run());

        let listening = tokio::time::timeout(LISTEN_TIMEOUT, listening_rx).await;
        let listen_error =
            |reason: String| P2pError::Listen { addr: config.listen_addr.to_string(), reason };
        match listening {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => return Err(e),
            Ok(Err(_)) => return Err(listen_error("service stopped before listening".into())),
            Err(_) => return Err(listen_error("no listen address reported in time".into())),
        }
        tracing::info!(peer = %local_peer_id, addrs = ?shared.listen_addrs.read(), "p2p listening");

        let handle = P2pHandle {
            inner: Arc::new(Inner {
                commands: command_tx,
                local_peer_id,
                shared,
                task: Mutex::new(Some(task)),
                max_sync_request_bytes: limits.max_sync_request_bytes,
                // The behaviour times the request out at `sync_timeout`; this is only a backstop.
                request_deadline: limits.sync_timeout + Duration::from_secs(1),
            }),
        };
        Ok((handle, event_rx))
    }
}

#[derive(Debug)]
struct Inner {
    commands: mpsc::Sender<Command>,
    local_peer_id: PeerId,
    shared: Arc<Shared>,
    task: Mutex<Option<JoinHandle<()>>>,
    max_sync_request_bytes: usize,
    request_deadline: Duration,
}

/// A cloneable handle to the running service. The service stops on [`P2pHandle::shutdown`] or when
/// every handle is dropped.
#[derive(Debug, Clone)]
pub struct P2pHandle {
    inner: Arc<Inner>,
}

impl P2pHandle {
    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, P2pError> {
        let (tx, rx) = oneshot::channel();
        self.inner.commands.send(make(tx)).await.map_err(|_| P2pError::Shutdown)?;
        rx.await.map_err(|_| P2pError::Shutdown)
    }

    /// Publishes `data` on `topic`; returns its message id. Fails with [`P2pError::TooLarge`] over
    /// the topic cap and [`P2pError::NoPeers`] while no connected peer has subscribed to the topic.
    pub async fn publish(&self, topic: Topic, data: Vec<u8>) -> Result<MessageId, P2pError> {
        self.call(|reply| Command::Publish { topic, data, reply }).await?
    }

    /// Reports the node's verdict on a received gossip message: only accepted messages are
    /// forwarded. Unknown or expired ids are ignored.
    pub async fn report(&self, msg_id: MessageId, acceptance: Acceptance) -> Result<(), P2pError> {
        self.inner
            .commands
            .send(Command::Report { msg_id, acceptance })
            .await
            .map_err(|_| P2pError::Shutdown)
    }

    /// Sends a sync request to a connected, allowlisted peer and waits for its response (bounded
    /// by [`Limits::sync_timeout`]).
    pub async fn request(&self, peer: PeerId, data: Vec<u8>) -> Result<Vec<u8>, P2pError> {
        let max = self.inner.max_sync_request_bytes;
        if data.len() > max {
            return Err(P2pError::TooLarge { what: "sync request", size: data.len(), max });
        }
        let deadline = self.inner.request_deadline;
        let response = self.call(|reply| Command::Request { peer, data, reply });
        tokio::time::timeout(deadline, response).await.map_err(|_| P2pError::Timeout(peer))??
    }

    /// Replaces the allowlist. Connections to removed peers are closed at once; added bootstrap
    /// peers are dialed at once.
    pub async fn set_allowlist(&self, keys: Vec<[u8; 33]>) -> Result<(), P2pError> {
        let allowlist = Allowlist::from_keys(keys)?;
        self.call(|reply| Command::SetAllowlist { allowlist, reply }).await
    }

    /// The connected peers.
    pub async fn peers(&self) -> Result<Vec<PeerInfo>, P2pError> {
        self.call(|reply| Command::Peers { reply }).await
    }

    /// This node's peer id.
    pub fn local_peer_id(&self) -> PeerId {
        self.inner.local_peer_id
    }

    /// The addresses the listener is bound to (with the real port when configured with port 0).
    pub fn listen_addrs(&self) -> Vec<SocketAddr> {
        self.inner.shared.listen_addrs.read().clone()
    }

    /// Counters of refused connections, rejected gossip and dropped events.
    pub fn stats(&self) -> P2pStats {
        self.inner.shared.counters.snapshot()
    }

    /// Stops the service and waits until its listener and connections are closed. Idempotent.
    pub async fn shutdown(&self) {
        // A closed channel means the driver already stopped.
        let _ = self.inner.commands.send(Command::Shutdown).await;
        let task = self.inner.task.lock().take();
        if let Some(task) = task
            && let Err(e) = task.await
        {
            tracing::error!(error = %e, "p2p driver task failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_and_multiaddr_round_trip() {
        for s in ["127.0.0.1:26656", "[::1]:7", "0.0.0.0:0"] {
            let addr: SocketAddr = s.parse().expect("socket addr");
            assert_eq!(socket_of(&multiaddr_of(addr)), Some(addr));
        }
        assert_eq!(
            multiaddr_of("10.1.2.3:9".parse().expect("addr")).to_string(),
            "/ip4/10.1.2.3/tcp/9"
        );
        assert_eq!(socket_of(&"/dns4/example/tcp/1".parse().expect("multiaddr")), None);
    }

    #[test]
    fn config_rules() {
        let addr: SocketAddr = "127.0.0.1:0".parse().expect("addr");
        P2pConfig::new("devnet", addr).validate().expect("defaults");
        assert!(P2pConfig::new("Dev/net", addr).validate().is_err());
        let mut c = P2pConfig::new("devnet", addr);
        c.reconnect = Backoff { initial: Duration::from_secs(2), max: Duration::from_secs(1) };
        assert!(c.validate().is_err());
        let mut c = P2pConfig::new("devnet", addr);
        c.gossip_heartbeat = Duration::ZERO;
        assert!(c.validate().is_err());
    }
}

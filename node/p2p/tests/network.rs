//! Real-socket tests of the p2p service on 127.0.0.1 (port 0). Every wait is on an event with a
//! bounded timeout; every "did not happen" assertion is paired with a positive control that did.

use bayledger_p2p::{
    Acceptance, Allowlist, Backoff, Direction, LimitKind, MessageId, P2p, P2pConfig, P2pError,
    P2pEvent, P2pHandle, PeerId, Topic, peer_id_of,
};
use bayledger_types::SecretKey;
use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

const CHAIN: &str = "p2p-test";
/// Upper bound for any single wait; the happy path takes milliseconds.
const WAIT: Duration = Duration::from_secs(20);

fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes(&[n; 32]).expect("valid scalar")
}

fn pk(n: u8) -> [u8; 33] {
    key(n).public_key().to_compressed()
}

fn pid(n: u8) -> PeerId {
    peer_id_of(&pk(n)).expect("valid key")
}

fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "bayledger_p2p=info".into()),
        )
        .try_init();
}

/// Small caps and fast timers for tests.
fn config(bootstrap: &[(u8, SocketAddr)]) -> P2pConfig {
    let mut c = P2pConfig::new(CHAIN, "127.0.0.1:0".parse().expect("addr"));
    c.gossip_heartbeat = Duration::from_millis(100);
    c.reconnect = Backoff { initial: Duration::from_millis(100), max: Duration::from_secs(1) };
    c.limits.max_tx_bytes = 1024;
    c.limits.max_consensus_bytes = 64 * 1024;
    c.limits.max_evidence_bytes = 512;
    c.limits.max_sync_response_bytes = 64 * 1024;
    c.bootstrap = bootstrap.iter().map(|(n, addr)| (pk(*n), *addr)).collect();
    c
}

struct Node {
    n: u8,
    handle: P2pHandle,
    events: mpsc::Receiver<P2pEvent>,
    /// Events received but not yet matched by a wait, in arrival order.
    backlog: VecDeque<P2pEvent>,
    /// Every gossip payload ever received, in arrival order.
    gossip_log: Vec<Vec<u8>>,
}

impl Node {
    async fn spawn(n: u8, config: P2pConfig, allow: &[u8]) -> Node {
        let allowlist = Allowlist::from_keys(allow.iter().map(|a| pk(*a))).expect("allowlist");
        let (handle, events) = P2p::spawn(config, &key(n), allowlist).await.expect("spawn");
        assert_eq!(handle.local_peer_id(), pid(n));
        Node { n, handle, events, backlog: VecDeque::new(), gossip_log: Vec::new() }
    }

    fn addr(&self) -> SocketAddr {
        *self.handle.listen_addrs().first().expect("listening")
    }

    fn peer(&self) -> PeerId {
        pid(self.n)
    }

    fn record(&mut self, e: &P2pEvent) {
        if let P2pEvent::Gossip { data, .. } = e {
            self.gossip_log.push(data.clone());
        }
    }

    /// Waits for the first event matching `pred` (already received or arriving within `WAIT`);
    /// events that do not match stay in the backlog for later waits.
    async fn until(&mut self, what: &str, pred: impl Fn(&P2pEvent) -> bool) -> P2pEvent {
        if let Some(pos) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(pos).expect("position is in range");
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(e)) => {
                    self.record(&e);
                    if pred(&e) {
                        return e;
                    }
                    self.backlog.push_back(e);
                }
                Ok(None) => panic!("node {}: events closed waiting for {what}", self.n),
                Err(_) => panic!(
                    "node {}: timed out waiting for {what}; backlog {:?}",
                    self.n, self.backlog
                ),
            }
        }
    }

    /// Moves every event already queued into the backlog (and the gossip log).
    fn drain(&mut self) {
        while let Ok(e) = self.events.try_recv() {
            self.record(&e);
            self.backlog.push_back(e);
        }
    }

    /// Forgets every event received so far (call right before the action whose events a test
    /// waits for, so an older event of the same kind cannot match).
    fn forget(&mut self) {
        self.drain();
        self.backlog.clear();
    }

    /// Waits until each of `peers` has subscribed to every topic here.
    async fn subscribed_by(&mut self, peers: &[PeerId]) {
        let mut missing: HashSet<(PeerId, Topic)> =
            peers.iter().flat_map(|p| Topic::ALL.map(|t| (*p, t))).collect();
        while !missing.is_empty() {
            let e = self
                .until("subscriptions", |e| {
                    matches!(e, P2pEvent::PeerSubscribed { peer, topic } if missing.contains(&(*peer, *topic)))
                })
                .await;
            if let P2pEvent::PeerSubscribed { peer, topic } = e {
                missing.remove(&(peer, topic));
            }
        }
    }

    /// Waits for a gossip message with exactly `data` on `topic`; returns its source and id.
    async fn gossip(&mut self, topic: Topic, data: &[u8]) -> (PeerId, MessageId) {
        let e = self
            .until("gossip", |e| {
                matches!(e, P2pEvent::Gossip { data: d, topic: t, .. } if d == data && *t == topic)
            })
            .await;
        match e {
            P2pEvent::Gossip { source, msg_id, .. } => (source, msg_id),
            _ => unreachable!("matched gossip"),
        }
    }

    async fn peer_ids(&self) -> HashSet<PeerId> {
        self.handle.peers().await.expect("peers").into_iter().map(|p| p.peer_id).collect()
    }
}

/// Nodes `ns`, each bootstrapping to every earlier one, all allowing `allow`; returns once every
/// node has seen every other subscribe to every topic.
async fn mesh(ns: &[u8], allow: &[u8]) -> Vec<Node> {
    let mut nodes: Vec<Node> = Vec::new();
    for &n in ns {
        let earlier: Vec<(u8, SocketAddr)> = nodes.iter().map(|m| (m.n, m.addr())).collect();
        nodes.push(Node::spawn(n, config(&earlier), allow).await);
    }
    let all: Vec<PeerId> = nodes.iter().map(Node::peer).collect();
    for node in &mut nodes {
        let others: Vec<PeerId> = all.iter().copied().filter(|p| *p != node.peer()).collect();
        node.subscribed_by(&others).await;
    }
    nodes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_allowlisted_nodes_gossip_tx_and_consensus() {
    init_tracing();
    let mut nodes = mesh(&[1, 2, 3], &[1, 2, 3]).await;

    let tx_id = nodes[0].handle.publish(Topic::Transactions, b"tx-1".to_vec()).await.expect("tx");
    let vote_id =
        nodes[1].handle.publish(Topic::Consensus, b"vote-1".to_vec()).await.expect("vote");

    for i in [1, 2] {
        let (source, id) = nodes[i].gossip(Topic::Transactions, b"tx-1").await;
        assert_eq!((source, &id), (pid(1), &tx_id), "node {i}");
        nodes[i].handle.report(id, Acceptance::Accept).await.expect("report");
    }
    for i in [0, 2] {
        let (source, id) = nodes[i].gossip(Topic::Consensus, b"vote-1").await;
        assert_eq!((source, &id), (pid(2), &vote_id), "node {i}");
        nodes[i].handle.report(id, Acceptance::Accept).await.expect("report");
    }
    // Content-addressed ids: republishing the same bytes is a duplicate.
    assert_eq!(
        nodes[2].handle.publish(Topic::Transactions, b"tx-1".to_vec()).await,
        Err(P2pError::Duplicate(Topic::Transactions))
    );
    let peers = nodes[0].handle.peers().await.expect("peers");
    assert_eq!(peers.len(), 2);
    for p in peers {
        assert_eq!(p.pubkey.map(|k| peer_id_of(&k).expect("valid")), Some(p.peer_id));
        assert!(!p.addrs.is_empty());
    }
    for n in &nodes {
        n.handle.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unlisted_node_is_refused_by_all_and_receives_no_gossip() {
    init_tracing();
    let mut nodes = mesh(&[1, 2, 3], &[1, 2, 3]).await;
    // Node 4 lists everyone and dials everyone, but nobody lists node 4.
    let bootstrap: Vec<(u8, SocketAddr)> = nodes.iter().map(|m| (m.n, m.addr())).collect();
    let mut outsider = Node::spawn(4, config(&bootstrap), &[1, 2, 3, 4]).await;

    for node in &mut nodes {
        let e = node
            .until(
                "refusal of node 4",
                |e| matches!(e, P2pEvent::Refused { peer, .. } if *peer == pid(4)),
            )
            .await;
        let P2pEvent::Refused { addr, direction, .. } = e else { unreachable!() };
        assert_eq!(direction, Direction::Inbound);
        assert!(addr.is_some_and(|a| a.to_string().starts_with("/ip4/127.0.0.1/tcp/")));
        assert!(node.handle.stats().refused >= 1);
        assert!(!node.peer_ids().await.contains(&pid(4)));
    }

    // Positive control: the listed nodes get the message.
    nodes[0].handle.publish(Topic::Transactions, b"members-only".to_vec()).await.expect("publish");
    nodes[1].gossip(Topic::Transactions, b"members-only").await;
    nodes[2].gossip(Topic::Transactions, b"members-only").await;

    // The outsider never completed a subscription exchange and got no gossip.
    outsider.drain();
    assert!(outsider.gossip_log.is_empty(), "outsider received gossip");
    assert!(
        !outsider.backlog.iter().any(|e| matches!(e, P2pEvent::PeerSubscribed { .. })),
        "outsider completed a subscription exchange: {:?}",
        outsider.backlog
    );
    for n in nodes.iter().chain([&outsider]) {
        n.handle.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_of_another_genesis_fails_the_handshake() {
    init_tracing();
    let genesis = |g: u8| {
        move |bootstrap: &[(u8, SocketAddr)]| {
            let mut c = config(bootstrap);
            c.genesis_hash = Some([g; 32]);
            c
        }
    };
    let mut first = Node::spawn(1, genesis(7)(&[]), &[1, 2, 3]).await;
    // Same chain id, listed, other genesis: dials node 1 and never gets a connection.
    let mut other = Node::spawn(3, genesis(8)(&[(1, first.addr())]), &[1, 2, 3]).await;
    let failed = first
        .until("a failed inbound handshake", |e| matches!(e, P2pEvent::HandshakeFailed { .. }))
        .await;
    assert!(matches!(failed, P2pEvent::HandshakeFailed { addr: Some(_) }), "{failed:?}");
    // Positive control: same genesis, dialing after the other one, connects.
    let mut same = Node::spawn(2, genesis(7)(&[(1, first.addr())]), &[1, 2, 3]).await;
    first
        .until("node 2", |e| matches!(e, P2pEvent::PeerConnected { peer, .. } if *peer == pid(2)))
        .await;
    same.until("node 1", |e| matches!(e, P2pEvent::PeerConnected { peer, .. } if *peer == pid(1)))
        .await;
    assert_eq!(first.peer_ids().await, HashSet::from([pid(2)]));
    assert!(other.peer_ids().await.is_empty());
    other.drain();
    assert!(
        !other.backlog.iter().any(|e| matches!(e, P2pEvent::PeerConnected { .. })),
        "the other genesis connected: {:?}",
        other.backlog
    );
    assert!(first.handle.stats().handshake_failed >= 1);
    for n in [&first, &other, &same] {
        n.handle.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gossip_over_the_topic_cap_is_not_delivered() {
    init_tracing();
    // The sender allows far bigger payloads than the receiver.
    let mut big = config(&[]);
    big.limits.max_tx_bytes = 64 * 1024;
    big.limits.max_consensus_bytes = 256 * 1024;
    big.limits.max_evidence_bytes = 64 * 1024;
    let mut sender = Node::spawn(1, big, &[1, 2]).await;
    let mut receiver = Node::spawn(2, config(&[(1, sender.addr())]), &[1, 2]).await;
    sender.subscribed_by(&[pid(2)]).await;
    receiver.subscribed_by(&[pid(1)]).await;

    // The receiver will not publish over its own cap.
    assert!(matches!(
        receiver.handle.publish(Topic::Transactions, vec![0; 1025]).await,
        Err(P2pError::TooLarge { size: 1025, max: 1024, .. })
    ));

    // 4 KiB: over the receiver's wire cap (1 KiB + envelope), dropped by its gossipsub codec.
    sender.handle.publish(Topic::Transactions, vec![4; 4096]).await.expect("publish 4 KiB");
    // 1.5 KiB: within the wire cap, over the payload cap, rejected by the service.
    sender.handle.publish(Topic::Transactions, vec![5; 1536]).await.expect("publish 1.5 KiB");
    // Consensus, 64 KiB + 200: same, on the consensus cap.
    sender.handle.publish(Topic::Consensus, vec![6; 64 * 1024 + 200]).await.expect("publish");
    // Evidence, 512 + 100: same, on the evidence cap.
    sender.handle.publish(Topic::Evidence, vec![9; 612]).await.expect("publish");
    // Positive controls, at the caps.
    sender.handle.publish(Topic::Transactions, vec![7; 1024]).await.expect("publish at cap");
    sender.handle.publish(Topic::Consensus, vec![8; 64 * 1024]).await.expect("publish at cap");
    sender.handle.publish(Topic::Evidence, vec![10; 512]).await.expect("publish at cap");

    receiver.gossip(Topic::Transactions, &[7; 1024]).await;
    receiver.gossip(Topic::Consensus, &[8; 64 * 1024]).await;
    receiver.gossip(Topic::Evidence, &[10; 512]).await;
    // Same stream, same order: anything oversized would have been delivered before the controls.
    let sizes: Vec<usize> = receiver.gossip_log.iter().map(Vec::len).collect();
    assert_eq!(sizes.len(), 3, "oversized gossip delivered: sizes {sizes:?}");
    let rejected = receiver.handle.stats().gossip_rejected;
    assert_eq!(rejected, 3, "1.5 KiB tx, 64 KiB + 200 vote, 612-byte evidence");
    sender.handle.shutdown().await;
    receiver.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_message_is_not_forwarded() {
    init_tracing();
    // A line: 1 — 2 — 3. Node 3 only hears node 1 through node 2.
    let mut relay = Node::spawn(2, config(&[]), &[1, 2, 3]).await;
    let mut origin = Node::spawn(1, config(&[(2, relay.addr())]), &[1, 2, 3]).await;
    let mut far = Node::spawn(3, config(&[(2, relay.addr())]), &[1, 2, 3]).await;
    relay.subscribed_by(&[pid(1), pid(3)]).await;
    origin.subscribed_by(&[pid(2)]).await;
    far.subscribed_by(&[pid(2)]).await;
    assert!(!far.peer_ids().await.contains(&pid(1)), "1 and 3 must not be directly connected");

    for data in [&b"bad"[..], b"good", b"good-2"] {
        origin.handle.publish(Topic::Transactions, data.to_vec()).await.expect("publish");
    }
    // The relay's node judges: "bad" is invalid, the rest is fine.
    for _ in 0..3 {
        let e = relay.until("gossip at relay", |e| matches!(e, P2pEvent::Gossip { .. })).await;
        let P2pEvent::Gossip { msg_id, data, source, .. } = e else { unreachable!() };
        assert_eq!(source, pid(1));
        let verdict = if data == b"bad" { Acceptance::Reject } else { Acceptance::Accept };
        relay.handle.report(msg_id, verdict).await.expect("report");
    }

    let (source, id) = far.gossip(Topic::Transactions, b"good").await;
    assert_eq!(source, pid(1), "signed source survives forwarding");
    far.handle.report(id, Acceptance::Accept).await.expect("report");
    far.gossip(Topic::Transactions, b"good-2").await;
    assert!(!far.gossip_log.iter().any(|d| d == b"bad"), "rejected message was forwarded");
    for n in [&origin, &relay, &far] {
        n.handle.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gossip_signed_by_an_unlisted_source_is_dropped() {
    init_tracing();
    // A line: 1 — 2 — 3, then node 3 drops node 1 from its allowlist. Node 1 is not connected to
    // node 3, so only the signed source of a relayed message can tell node 3 where it came from.
    let mut relay = Node::spawn(2, config(&[]), &[1, 2, 3]).await;
    let mut origin = Node::spawn(1, config(&[(2, relay.addr())]), &[1, 2, 3]).await;
    let mut far = Node::spawn(3, config(&[(2, relay.addr())]), &[1, 2, 3]).await;
    relay.subscribed_by(&[pid(1), pid(3)]).await;
    origin.subscribed_by(&[pid(2)]).await;
    far.subscribed_by(&[pid(2)]).await;
    far.handle.set_allowlist(vec![pk(2), pk(3)]).await.expect("set");

    origin.handle.publish(Topic::Transactions, b"from-unlisted".to_vec()).await.expect("publish");
    let e = relay.until("gossip at relay", |e| matches!(e, P2pEvent::Gossip { .. })).await;
    let P2pEvent::Gossip { msg_id, .. } = e else { unreachable!() };
    relay.handle.report(msg_id, Acceptance::Accept).await.expect("forward it");
    // Positive control on the same stream, after the forwarded message.
    relay.handle.publish(Topic::Transactions, b"from-listed".to_vec()).await.expect("publish");

    let (source, _) = far.gossip(Topic::Transactions, b"from-listed").await;
    assert_eq!(source, pid(2));
    assert_eq!(far.gossip_log, vec![b"from-listed".to_vec()], "unlisted source delivered");
    assert_eq!(far.handle.stats().gossip_rejected, 1);
    for n in [&origin, &relay, &far] {
        n.handle.shutdown().await;
    }
}

/// Answers sync requests: `big:N` → N bytes, `drop` → no answer, `hold` → never answers,
/// anything else → `ok:` + request. Records request sizes.
fn serve_sync(
    mut events: mpsc::Receiver<P2pEvent>,
    seen: Arc<Mutex<Vec<usize>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Some(e) = events.recv().await {
            let P2pEvent::SyncRequest { data, reply, .. } = e else { continue };
            seen.lock().expect("lock").push(data.len());
            let text = String::from_utf8_lossy(&data).into_owned();
            if let Some(n) = text.strip_prefix("big:") {
                let _ = reply.send(vec![1u8; n.parse().expect("size")]);
            } else if text == "drop" {
                drop(reply);
            } else if text == "hold" {
                held.push(reply);
            } else {
                let _ = reply.send([b"ok:".as_slice(), &data].concat());
            }
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_request_response_round_trip_and_caps() {
    init_tracing();
    let mut server_config = config(&[]);
    server_config.limits.max_sync_response_bytes = 256 * 1024;
    let mut server = Node::spawn(2, server_config, &[1, 2]).await;
    let mut client_config = config(&[(2, server.addr())]);
    client_config.limits.max_sync_request_bytes = 4096; // lets it send past the server's 1 KiB cap
    client_config.limits.sync_timeout = Duration::from_secs(1);
    let mut client = Node::spawn(1, client_config, &[1, 2]).await;
    client.until("connected", |e| matches!(e, P2pEvent::PeerConnected { .. })).await;
    server.until("connected", |e| matches!(e, P2pEvent::PeerConnected { .. })).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let server_handle = server.handle.clone();
    let responder = serve_sync(server.events, seen.clone());
    let c = &client.handle;

    assert_eq!(c.request(pid(2), b"height=5".to_vec()).await, Ok(b"ok:height=5".to_vec()));
    // Exactly at the client's 64 KiB response cap: delivered.
    assert_eq!(c.request(pid(2), b"big:65536".to_vec()).await.map(|r| r.len()), Ok(65536));
    // Over the client's cap (the server sends it): refused while reading.
    assert!(matches!(
        c.request(pid(2), b"big:65537".to_vec()).await,
        Err(P2pError::Request { .. })
    ));
    // Over the server's own 256 KiB cap: never sent.
    assert!(matches!(
        c.request(pid(2), b"big:300000".to_vec()).await,
        Err(P2pError::Request { .. })
    ));
    assert_eq!(server_handle.stats().oversized_responses, 1);
    // The server's node drops the reply, or never answers.
    assert!(matches!(c.request(pid(2), b"drop".to_vec()).await, Err(P2pError::Request { .. })));
    assert_eq!(c.request(pid(2), b"hold".to_vec()).await, Err(P2pError::Timeout(pid(2))));
    // Over the server's 1 KiB request cap: refused by its codec before its node sees it.
    assert!(c.request(pid(2), vec![b'x'; 2000]).await.is_err());
    // Over the client's own request cap; to a peer that is not connected.
    assert!(matches!(
        c.request(pid(2), vec![0; 4097]).await,
        Err(P2pError::TooLarge { what: "sync request", .. })
    ));
    assert_eq!(c.request(pid(9), b"x".to_vec()).await, Err(P2pError::NotConnected(pid(9))));
    // The connection survived all of it.
    assert_eq!(c.request(pid(2), b"again".to_vec()).await, Ok(b"ok:again".to_vec()));

    let sizes = seen.lock().expect("lock").clone();
    assert_eq!(
        sizes.len(),
        7,
        "every request but the oversized ones reached the server: {sizes:?}"
    );
    assert!(sizes.iter().all(|s| *s <= 1024));
    client.handle.shutdown().await;
    server_handle.shutdown().await;
    responder.await.expect("responder");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allowlist_removal_disconnects_and_readding_reconnects() {
    init_tracing();
    let mut nodes = mesh(&[1, 2, 3], &[1, 2, 3]).await;
    assert!(nodes[0].peer_ids().await.contains(&pid(3)));

    for n in &mut nodes {
        n.forget();
    }
    nodes[0].handle.set_allowlist(vec![pk(1), pk(2)]).await.expect("set");
    nodes[0]
        .until(
            "3 disconnected",
            |e| matches!(e, P2pEvent::PeerDisconnected { peer } if *peer == pid(3)),
        )
        .await;
    nodes[2]
        .until(
            "1 disconnected",
            |e| matches!(e, P2pEvent::PeerDisconnected { peer } if *peer == pid(1)),
        )
        .await;
    // Node 3 keeps redialing node 1 (its bootstrap peer) and is refused after the handshake.
    nodes[0]
        .until("3 refused", |e| matches!(e, P2pEvent::Refused { peer, .. } if *peer == pid(3)))
        .await;
    assert!(nodes[0].handle.stats().refused >= 1);
    assert_eq!(nodes[0].peer_ids().await, HashSet::from([pid(2)]));
    assert!(nodes[2].peer_ids().await.contains(&pid(2)), "3 keeps its other peers");

    nodes[0].forget();
    nodes[0].handle.set_allowlist(vec![pk(1), pk(2), pk(3)]).await.expect("set");
    nodes[0]
        .until("3 back", |e| matches!(e, P2pEvent::PeerConnected { peer, .. } if *peer == pid(3)))
        .await;
    assert!(nodes[0].peer_ids().await.contains(&pid(3)));
    // An invalid key refuses the whole update.
    assert!(matches!(
        nodes[0].handle.set_allowlist(vec![pk(1), [0u8; 33]]).await,
        Err(P2pError::InvalidPublicKey(_))
    ));
    assert!(nodes[0].peer_ids().await.contains(&pid(3)));
    for n in &nodes {
        n.handle.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarted_peer_is_reconnected_by_its_peers() {
    init_tracing();
    let hub = Node::spawn(2, config(&[]), &[1, 2, 3]).await;
    let hub_addr = hub.addr();
    let mut a = Node::spawn(1, config(&[(2, hub_addr)]), &[1, 2, 3]).await;
    let mut c = Node::spawn(3, config(&[(2, hub_addr)]), &[1, 2, 3]).await;
    a.subscribed_by(&[pid(2)]).await;
    c.subscribed_by(&[pid(2)]).await;

    a.forget();
    c.forget();
    hub.handle.shutdown().await;
    drop(hub);
    for n in [&mut a, &mut c] {
        n.until(
            "hub down",
            |e| matches!(e, P2pEvent::PeerDisconnected { peer } if *peer == pid(2)),
        )
        .await;
    }

    // Same key, same port, no bootstrap of its own: the others must come back to it.
    let mut restarted_config = config(&[]);
    restarted_config.listen_addr = hub_addr;
    let mut hub = Node::spawn(2, restarted_config, &[1, 2, 3]).await;
    for n in [&mut a, &mut c] {
        n.until(
            "hub back",
            |e| matches!(e, P2pEvent::PeerConnected { peer, .. } if *peer == pid(2)),
        )
        .await;
    }
    hub.subscribed_by(&[pid(1), pid(3)]).await;
    a.subscribed_by(&[pid(2)]).await;
    a.handle.publish(Topic::Consensus, b"after-restart".to_vec()).await.expect("publish");
    hub.gossip(Topic::Consensus, b"after-restart").await;
    for n in [&a, &hub, &c] {
        n.handle.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_ip_limit_refuses_extra_inbound_connections() {
    init_tracing();
    let mut limited = config(&[]);
    limited.limits.max_connections_per_ip = 1;
    let mut target = Node::spawn(1, limited, &[1, 2, 3]).await;
    let first = Node::spawn(2, config(&[(1, target.addr())]), &[1, 2, 3]).await;
    target.subscribed_by(&[pid(2)]).await;
    let second = Node::spawn(3, config(&[(1, target.addr())]), &[1, 2, 3]).await;

    let e = target.until("per-IP refusal", |e| matches!(e, P2pEvent::LimitReached { .. })).await;
    let P2pEvent::LimitReached { peer, addr, limit } = e else { unreachable!() };
    assert_eq!(limit, LimitKind::PerIp);
    assert_eq!(peer, None, "refused before the handshake");
    assert!(addr.is_some());
    assert!(target.handle.stats().limited >= 1);
    assert_eq!(target.peer_ids().await, HashSet::from([pid(2)]));
    for n in [&target, &first, &second] {
        n.handle.shutdown().await;
    }
}

/// A TCP relay to `target` that can freeze: while frozen it keeps every connection open and
/// forwards nothing (a cut cable, a paused host), then forwards again when thawed.
async fn freezable_relay(target: SocketAddr) -> (SocketAddr, Arc<AtomicBool>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
    let addr = listener.local_addr().expect("relay addr");
    let frozen = Arc::new(AtomicBool::new(false));
    let f = frozen.clone();
    tokio::spawn(async move {
        while let Ok((inbound, _)) = listener.accept().await {
            let Ok(outbound) = tokio::net::TcpStream::connect(target).await else { continue };
            let (ri, wi) = inbound.into_split();
            let (ro, wo) = outbound.into_split();
            tokio::spawn(pump(ri, wo, f.clone()));
            tokio::spawn(pump(ro, wi, f.clone()));
        }
    });
    (addr, frozen)
}

async fn pump(
    from: tokio::net::tcp::OwnedReadHalf,
    to: tokio::net::tcp::OwnedWriteHalf,
    frozen: Arc<AtomicBool>,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        if from.readable().await.is_err() {
            return;
        }
        let n = match from.try_read(&mut buf) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(_) => return,
        };
        while frozen.load(Ordering::Relaxed) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut sent = 0;
        while sent < n {
            if to.writable().await.is_err() {
                return;
            }
            match to.try_write(&buf[sent..n]) {
                Ok(k) => sent += k,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(_) => return,
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_goes_silent_is_closed_and_redialed() {
    init_tracing();
    let fast_ping = |mut c: P2pConfig| {
        c.limits.ping_interval = Duration::from_millis(200);
        c.limits.ping_timeout = Duration::from_secs(1);
        c
    };
    let mut server = Node::spawn(2, fast_ping(config(&[])), &[1, 2]).await;
    let (relay, frozen) = freezable_relay(server.addr()).await;
    let mut client = Node::spawn(1, fast_ping(config(&[(2, relay)])), &[1, 2]).await;
    client.until("connected", |e| matches!(e, P2pEvent::PeerConnected { .. })).await;
    server.until("connected", |e| matches!(e, P2pEvent::PeerConnected { .. })).await;

    // Pings flow (the ping stream is open) before the silence starts.
    let deadline = tokio::time::Instant::now() + WAIT;
    while !client.handle.peers().await.expect("peers").iter().any(|p| p.rtt.is_some()) {
        assert!(tokio::time::Instant::now() < deadline, "no ping answered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Silence without a close: only the failed ping can tell.
    client.forget();
    let frozen_at = tokio::time::Instant::now();
    frozen.store(true, Ordering::Relaxed);
    client
        .until(
            "the silent peer dropped",
            |e| matches!(e, P2pEvent::PeerDisconnected { peer } if *peer == pid(2)),
        )
        .await;
    assert!(client.handle.stats().ping_failures >= 1);
    let noticed = frozen_at.elapsed();
    // 1 s ping timeout (a first failure is forgiven) + 10 s for the retry stream's negotiation.
    assert!(noticed < Duration::from_secs(15), "noticed after {noticed:?}");
    // Thawed, the redial (bootstrap peer) connects again.
    frozen.store(false, Ordering::Relaxed);
    client
        .until(
            "reconnected",
            |e| matches!(e, P2pEvent::PeerConnected { peer, .. } if *peer == pid(2)),
        )
        .await;
    client.handle.shutdown().await;
    server.handle.shutdown().await;
}

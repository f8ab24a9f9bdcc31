//! Fault scenarios on a real 4-validator network of `bayledger` processes on
//! 127.0.0.1 (homes from `bayledger testnet`, free ports, 250 ms blocks), each
//! ending with an invariant check over every node (`support/invariants.rs`):
//! - every node has the same block hash and state root at every height it holds;
//! - every transaction acknowledged as committed is present exactly once, at the
//!   acknowledged height, on every node;
//! - every commit verifies (`verify_commit`, genesis set) with > 2/3 of the power
//!   and no signature from a non-validator.
//!
//! The checker itself is tested against fabricated forks (negative control).
//! Every wait is bounded and driven by a block stream, a status poll or a log;
//! fixed waits are only used to show that something does *not* happen.
//! The process scenarios run one at a time (a shared lock) so that a loaded
//! 2-core machine never runs more than one network.

use bayledger_node::config::NodeConfig;
use bayledger_sdk::client::BlockInfo;
use bayledger_sdk::tx::{TxBuilder, sign};
use bayledger_types::block::{self, SealedBlock, SealedHeader};
use bayledger_types::{Address, Hash, SecretKey, pb};
use std::collections::{BTreeMap, HashMap};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod support;

use support::invariants::{Acked, ChainView, Load, check_invariants};
use support::{BIN, NETWORK, Node, Spec, Testnet, free_port, wait_log};

const VALIDATORS: usize = 4;
/// Commits must resume within this bound after a partition heals (p2p redial
/// backoff of up to a few seconds, plus grown round timeouts).
const HEAL_BOUND: Duration = Duration::from_secs(30);

/// `bayledger testnet` with 4 validators and 1 full node (250 ms blocks).
const SPEC: Spec =
    Spec { chain_id: "fault-test", validators: VALIDATORS, full_nodes: 1, block_time_ms: 250 };

impl Node {
    /// Every block the node holds, 1..=tip.
    async fn view(&self) -> ChainView {
        ChainView::of(&self.grpc, &self.name).await
    }
}

impl Testnet {
    async fn views(&self, which: &[usize]) -> Vec<ChainView> {
        let mut v = Vec::new();
        for &i in which {
            v.push(self.nodes[i].view().await);
        }
        v
    }

    /// Brings `which` to a common height, then checks the invariants over them
    /// (plus `extra` views, e.g. taken before a crash).
    async fn check(&self, which: &[usize], extra: Vec<ChainView>, acked: &[Acked]) -> u64 {
        let target = self.max_height(which).await;
        self.wait_all(which, target).await;
        let mut views = self.views(which).await;
        views.extend(extra);
        let tips = check_invariants(&views, acked, &self.chain_id, &self.validators)
            .unwrap_or_else(|e| panic!("invariant violated: {e}"));
        for &i in which {
            assert!(
                views.iter().any(|v| v.name == self.nodes[i].name && v.tip() >= target),
                "{} is behind",
                self.nodes[i].name
            );
        }
        tips
    }
}

// ---------------------------------------------------------------------------
// Negative control: the checker catches forks, bad commits and lost txs.
// ---------------------------------------------------------------------------

/// A fabricated chain of `len` blocks signed by `signers`; `salt` makes it
/// differ from another chain from `diverge_at` on (same block before).
fn fabricated_chain(
    keys: &[SecretKey],
    signers: &[SecretKey],
    len: u64,
    diverge_at: u64,
    salt: u64,
    txs_at: &BTreeMap<u64, Vec<Vec<u8>>>,
) -> Vec<BlockInfo> {
    let chain_id = "fault-test";
    let mut parent = Hash::sha3(b"genesis");
    let mut out = Vec::new();
    for h in 1..=len {
        let txs = txs_at.get(&h).cloned().unwrap_or_default();
        let time = 1_000 * h + if h >= diverge_at { salt } else { 0 };
        let header = pb::BlockHeader {
            chain_id: chain_id.into(),
            height: h,
            time_ms: time,
            parent_hash: parent.0.to_vec(),
            proposer: keys[(h % 4) as usize].address().0.to_vec(),
            tx_root: block::tx_root_of(&txs).0.to_vec(),
            receipts_root: Hash::sha3(b"receipts").0.to_vec(),
            state_root: Hash::sha3(format!("state {h} {time}").as_bytes()).0.to_vec(),
            validator_set_hash: Hash::default().0.to_vec(),
            last_commit: None,
            tx_count: txs.len() as u32,
            evidence_root: Hash::default().0.to_vec(),
        };
        let sealed = SealedBlock { header: SealedHeader::seal(header), txs, evidence: vec![] };
        let hash = sealed.hash();
        let signatures =
            signers.iter().map(|k| block::sign_vote(k, chain_id, h, 0, &hash)).collect();
        let commit = pb::Commit { height: h, round: 0, block_hash: hash.0.to_vec(), signatures };
        out.push(BlockInfo {
            hash,
            tx_hashes: sealed.tx_hashes(),
            block: sealed,
            commit: Some(commit),
        });
        parent = hash;
    }
    out
}

#[test]
fn checker_catches_forks_bad_commits_and_lost_transactions() {
    let keys: Vec<SecretKey> =
        (1..=4u8).map(|i| SecretKey::from_bytes(&[i; 32]).expect("key")).collect();
    let set = pb::ValidatorSet {
        validators: keys
            .iter()
            .enumerate()
            .map(|(i, k)| pb::Validator::of_key(&k.public_key(), 10, format!("v{i}")))
            .collect(),
    };
    let sender = SecretKey::from_bytes(&[9; 32]).expect("key");
    let body = TxBuilder::new("fault-test", sender.address(), 0)
        .fuel_limit(1)
        .call(Address([9; 20]), vec![]);
    let tx = sign(&body, &sender);
    let tx_hash = block::signed_tx_hash(&tx);
    let with_tx: BTreeMap<u64, Vec<Vec<u8>>> = [(2, vec![tx.clone()])].into();
    let acked = [Acked { tx_hash, height: 2 }];
    let view = |name: &str, blocks: Vec<BlockInfo>| ChainView {
        name: name.into(),
        blocks,
        snapshot: false,
    };
    let quorum = &keys[..3];

    // Positive control: two nodes on the same chain (one behind) pass.
    let a = fabricated_chain(&keys, quorum, 5, 99, 0, &with_tx);
    let b = fabricated_chain(&keys, &keys, 4, 99, 0, &with_tx);
    let ok = check_invariants(&[view("a", a.clone()), view("b", b)], &acked, "fault-test", &set);
    assert_eq!(ok, Ok(5));

    // Two chains that diverge at height 3, each with a valid quorum commit.
    let fork = fabricated_chain(&keys, quorum, 5, 3, 7, &with_tx);
    let e = check_invariants(&[view("a", a.clone()), view("f", fork)], &acked, "fault-test", &set)
        .expect_err("fork must be caught");
    assert!(e.contains("fork at height 3"), "{e}");

    // A commit with only half the power.
    let weak = fabricated_chain(&keys, &keys[..2], 5, 99, 0, &with_tx);
    let e =
        check_invariants(&[view("w", weak)], &acked, "fault-test", &set).expect_err("weak commit");
    assert!(e.contains("power"), "{e}");

    // A commit signed by a non-validator (plus a quorum of members).
    let mut signers = quorum.to_vec();
    signers.push(SecretKey::from_bytes(&[7; 32]).expect("key"));
    let outsider = fabricated_chain(&keys, &signers, 5, 99, 0, &with_tx);
    let e =
        check_invariants(&[view("o", outsider)], &acked, "fault-test", &set).expect_err("outsider");
    assert!(e.contains("non-validator"), "{e}");

    // An acknowledged transaction that is missing, or included twice.
    let none = fabricated_chain(&keys, quorum, 5, 99, 0, &BTreeMap::new());
    let e = check_invariants(&[view("n", none)], &acked, "fault-test", &set).expect_err("lost tx");
    assert!(e.contains("found at None"), "{e}");
    let twice: BTreeMap<u64, Vec<Vec<u8>>> = [(2, vec![tx.clone()]), (4, vec![tx])].into();
    let dup = fabricated_chain(&keys, quorum, 5, 99, 0, &twice);
    let e = check_invariants(&[view("d", dup)], &acked, "fault-test", &set).expect_err("dup tx");
    assert!(e.contains("[2, 4]"), "{e}");

    // A node that lost committed blocks (behind an acknowledged tx).
    let short = a[..1].to_vec();
    let e = check_invariants(&[view("a", a), view("s", short)], &acked, "fault-test", &set)
        .expect_err("lost blocks");
    assert!(e.contains("s holds 1 blocks"), "{e}");
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

const ALL: [usize; 4] = [0, 1, 2, 3];

/// 1. kill -9 one validator under load; the other three keep committing; it
/// restarts and catches up; nothing acknowledged is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_one_validator_under_load_then_catch_up() {
    let _one = NETWORK.lock().await;
    let t0 = Instant::now();
    let mut net = Testnet::new(SPEC);
    net.start_validators();
    net.wait_all(&ALL, 3).await;
    let load =
        Load::start(&[net.nodes[1].grpc.clone(), net.nodes[2].grpc.clone()], 2, &net.chain_id);
    net.wait_all(&ALL, 6).await;

    net.nodes[3].kill();
    let at_kill = net.max_height(&[0, 1, 2]).await;
    net.wait_all(&[0, 1, 2], at_kill + 6).await;

    net.nodes[3].start();
    let target = net.max_height(&[0, 1, 2]).await + 2;
    net.nodes[3].wait_height(target).await;
    let acked = load.finish().await;
    assert!(!acked.is_empty(), "the load generator got transactions committed");
    let tip = net.check(&ALL, vec![], &acked).await;
    eprintln!("scenario 1: tip {tip}, {} txs, {:?}", acked.len(), t0.elapsed());
}

/// 2. SIGSTOP one validator: the chain keeps committing; SIGCONT: it catches up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigstop_one_validator_then_sigcont_catches_up() {
    let _one = NETWORK.lock().await;
    let t0 = Instant::now();
    let mut net = Testnet::new(SPEC);
    net.start_validators();
    net.wait_all(&ALL, 3).await;
    let load =
        Load::start(&[net.nodes[0].grpc.clone(), net.nodes[1].grpc.clone()], 1, &net.chain_id);

    net.nodes[3].signal("-STOP");
    let at_stop = net.max_height(&[0, 1, 2]).await;
    net.wait_all(&[0, 1, 2], at_stop + 6).await;

    net.nodes[3].signal("-CONT");
    let target = net.max_height(&[0, 1, 2]).await + 2;
    net.nodes[3].wait_height(target).await;
    let acked = load.finish().await;
    let tip = net.check(&ALL, vec![], &acked).await;
    eprintln!("scenario 2: tip {tip}, {} txs, {:?}", acked.len(), t0.elapsed());
}

/// 3. All four validators SIGKILLed at once under load; restarted: no
/// committed block or acknowledged transaction is lost, the chain resumes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_all_validators_under_load_then_resume() {
    let _one = NETWORK.lock().await;
    let t0 = Instant::now();
    let mut net = Testnet::new(SPEC);
    net.start_validators();
    net.wait_all(&ALL, 3).await;
    let urls: Vec<String> = net.nodes[..VALIDATORS].iter().map(|n| n.grpc.clone()).collect();
    let load = Load::start(&urls, 1, &net.chain_id);
    net.wait_all(&ALL, 8).await;

    // Views taken while the load runs; the kill follows immediately.
    let before: Vec<ChainView> = net
        .views(&ALL)
        .await
        .into_iter()
        .map(|mut v| {
            v.name = format!("{} (before kill)", v.name);
            v.snapshot = true;
            v
        })
        .collect();
    for n in net.nodes.iter_mut().take(VALIDATORS) {
        n.kill();
    }
    let acked = load.finish().await;
    assert!(!acked.is_empty(), "the load generator got transactions committed");
    let max_before = before.iter().map(ChainView::tip).max().unwrap_or(0);
    let max_acked = acked.iter().map(|a| a.height).max().unwrap_or(0);

    net.start_validators();
    let resume = max_before.max(max_acked) + 3;
    net.wait_all(&ALL, resume).await;
    let tip = net.check(&ALL, before, &acked).await;
    eprintln!("scenario 3: tip {tip}, {} txs, {:?}", acked.len(), t0.elapsed());
}

/// 4. A node with a wrong genesis (node4's own keys, different block time)
/// fails the noise handshake with every peer (the genesis hash is in the
/// prologue, ADR 0008), says so in its log, keeps running at height 0 and
/// disturbs nobody; a node whose node key is not on the genesis allowlist is
/// refused by the validators and never reaches height 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_genesis_and_unlisted_node_cannot_join() {
    let _one = NETWORK.lock().await;
    let t0 = Instant::now();
    let mut net = Testnet::new(SPEC);

    // node4 (a full node on the allowlist): same chain id and keys, other param.
    let gpath = net.nodes[4].home.join("config/genesis.json");
    let mut genesis = bayledger_genesis::Genesis::load(&gpath).expect("genesis");
    let good_hash = genesis.hash();
    genesis.params.block_time_ms = 300;
    genesis.save(&gpath).expect("save genesis");
    assert_ne!(genesis.hash(), good_hash);

    // An outsider: fresh home and node key, the right genesis, the validators as peers.
    let home = net.dir.path().join("outsider");
    let out = Command::new(BIN)
        .args(["init", "--chain-id", &net.chain_id, "--home"])
        .arg(&home)
        .output()
        .expect("init");
    assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::copy(net.nodes[0].home.join("config/genesis.json"), home.join("config/genesis.json"))
        .expect("copy genesis");
    let _ = std::fs::remove_file(home.join("config/validator_key.json"));
    let path = home.join("config/config.toml");
    let mut cfg = NodeConfig::load(&path).expect("config");
    let peers = NodeConfig::load(&net.nodes[4].home.join("config/config.toml")).expect("config");
    let grpc = free_port();
    cfg.rpc.grpc_addr = ([127, 0, 0, 1], grpc).into();
    cfg.rpc.http_addr = ([127, 0, 0, 1], free_port()).into();
    let p2p_port = free_port();
    cfg.p2p.listen_addr = ([127, 0, 0, 1], p2p_port).into();
    cfg.p2p.gossip_heartbeat_ms = 200;
    cfg.p2p.persistent_peers = peers
        .p2p
        .persistent_peers
        .into_iter()
        .filter(|p| !p.contains(&format!(":{}", net.nodes[4].p2p_port)))
        .collect();
    std::fs::write(&path, cfg.to_toml()).expect("write config");
    let mut outsider = Node {
        name: "outsider".into(),
        home,
        grpc: format!("http://127.0.0.1:{grpc}"),
        p2p_port,
        child: None,
    };

    net.start_validators();
    net.wait_all(&ALL, 2).await;
    net.nodes[4].start();
    outsider.start();
    let outsider_key =
        bayledger_node::home::read_key_file(&outsider.home.join("config/node_key.json"))
            .expect("key");
    let outsider_id = bayledger_p2p::peer_id_of(&outsider_key.public_key().to_compressed())
        .expect("peer id")
        .to_string();

    // The validators refuse the outsider right after its noise handshake.
    for n in &net.nodes[..VALIDATORS] {
        wait_log(n, "refusal of the outsider", |log| {
            log.lines().any(|l| l.contains("not on the allowlist") && l.contains(&outsider_id))
        })
        .await;
    }
    // The genesis hash is bound into the noise handshake (ADR 0008): the
    // wrong-genesis node cannot complete a handshake with anyone. It says so,
    // and so do the validators it dials.
    wait_log(&net.nodes[4], "its failed handshakes", |log| {
        log.contains("handshake with peer failed")
    })
    .await;
    wait_log(&net.nodes[0], "node4's failed handshake", |log| {
        log.contains("inbound handshake failed")
    })
    .await;

    // The validators are unaffected: they keep committing for a while...
    let now = net.max_height(&ALL).await;
    net.wait_all(&ALL, now + 8).await;
    // ...while neither newcomer ever committed or holds a block. The
    // wrong-genesis node keeps running, alone, at height 0.
    let n4 = &mut net.nodes[4];
    let exited = n4.child.as_mut().and_then(|c| c.try_wait().expect("try_wait"));
    assert_eq!(exited, None, "the wrong-genesis node keeps running");
    let s4 = n4.client().await.status().await.expect("status");
    assert_eq!((s4.latest_height, s4.genesis_hash), (0, Some(genesis.hash())));
    assert!(!n4.log().contains("peer connected"), "wrong-genesis node connected");
    assert!(!net.nodes[4].log().contains("committed block"), "wrong-genesis node committed");
    assert_eq!(outsider.height().await, 0, "unlisted node must not hold blocks");
    assert!(!outsider.log().contains("committed block"), "unlisted node committed");

    let tip = net.check(&ALL, vec![], &[]).await;
    eprintln!("scenario 4: tip {tip}, outsider {outsider_id}, {:?}", t0.elapsed());
}

// ---------------------------------------------------------------------------
// 2–2 partition through test-owned TCP proxies on loopback (no root needed):
// every node reaches every peer only through a proxy the test can cut.
// ---------------------------------------------------------------------------

#[derive(Default)]
struct Links {
    /// (dialer, target) -> cut?
    cut: Mutex<HashMap<(usize, usize), bool>>,
    conns: Mutex<Vec<((usize, usize), tokio::task::AbortHandle)>>,
}

impl Links {
    fn is_cut(&self, link: (usize, usize)) -> bool {
        self.cut.lock().expect("lock").get(&link).copied().unwrap_or(false)
    }

    /// Cuts (or heals) every link between the two groups; cutting closes the
    /// open connections at once.
    fn set_partition(&self, groups: &[&[usize]; 2], cut: bool) {
        let mut map = self.cut.lock().expect("lock");
        for &a in groups[0] {
            for &b in groups[1] {
                map.insert((a, b), cut);
                map.insert((b, a), cut);
            }
        }
        drop(map);
        if cut {
            let mut conns = self.conns.lock().expect("lock");
            conns.retain(|(link, h)| {
                let crosses = self.is_cut(*link);
                if crosses {
                    h.abort();
                }
                !crosses
            });
        }
    }
}

async fn proxy(
    listener: tokio::net::TcpListener,
    link: (usize, usize),
    target: u16,
    links: Arc<Links>,
) {
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else { return };
        if links.is_cut(link) {
            drop(inbound); // refused: the dialer sees the connection close
            continue;
        }
        let task = tokio::spawn(async move {
            if let Ok(mut outbound) = tokio::net::TcpStream::connect(("127.0.0.1", target)).await {
                let _ = outbound.set_nodelay(true);
                let _ = inbound.set_nodelay(true);
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
        links.conns.lock().expect("lock").push((link, task.abort_handle()));
    }
}

/// 5. A 2–2 partition: no commits and no fork while it lasts; commits resume
/// within `HEAL_BOUND` after it heals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_two_partition_halts_without_fork_and_heals() {
    let _one = NETWORK.lock().await;
    let t0 = Instant::now();
    // Proxy listeners first (their ports go into the configs).
    let mut listeners = HashMap::new();
    for i in 0..VALIDATORS + 1 {
        for j in 0..VALIDATORS + 1 {
            if i != j {
                listeners.insert(
                    (i, j),
                    tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind"),
                );
            }
        }
    }
    let ports: HashMap<(usize, usize), u16> =
        listeners.iter().map(|(k, l)| (*k, l.local_addr().expect("addr").port())).collect();
    let mut net = Testnet::with_peer_ports(SPEC, |i, j, _| ports[&(i, j)]);
    let links = Arc::new(Links::default());
    for ((i, j), l) in listeners {
        tokio::spawn(proxy(l, (i, j), net.nodes[j].p2p_port, links.clone()));
    }
    net.start_validators();
    net.wait_all(&ALL, 4).await;

    let groups: [&[usize]; 2] = [&[0, 1], &[2, 3]];
    links.set_partition(&groups, true);
    let cut_at = Instant::now();
    // Blocks already decided when the links were cut may still land (one height
    // at most); then nothing may commit for 3 s.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut frozen = Vec::new();
    for i in ALL {
        frozen.push(net.nodes[i].height().await);
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    for i in ALL {
        assert_eq!(
            net.nodes[i].height().await,
            frozen[i],
            "node{i} committed during the partition"
        );
    }
    let max = *frozen.iter().max().expect("heights");
    let min = *frozen.iter().min().expect("heights");
    assert!(max - min <= 1, "heights at the cut: {frozen:?}");
    // No fork during the partition: every node holds the same blocks.
    check_invariants(&net.views(&ALL).await, &[], &net.chain_id, &net.validators)
        .unwrap_or_else(|e| panic!("during partition: {e}"));

    links.set_partition(&groups, false);
    let healed = Instant::now();
    for i in ALL {
        let left = HEAL_BOUND.saturating_sub(healed.elapsed());
        net.nodes[i].wait_height_within(max + 2, left).await;
    }
    let resumed = healed.elapsed();
    let tip = net.check(&ALL, vec![], &[]).await;
    eprintln!(
        "scenario 5: partition {:?}, commits resumed {resumed:?} after healing (bound {HEAL_BOUND:?}), tip {tip}, {:?}",
        healed - cut_at,
        t0.elapsed()
    );
}

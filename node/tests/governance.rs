//! Consortium governance over a real network of `bayledger` processes (homes
//! from `bayledger testnet`, free ports on 127.0.0.1), driven by the
//! committee through `bayledger gov`:
//!
//! 1. A node outside genesis (node4, fresh node and validator keys) is refused
//!    by every validator right after the handshake, and logged.
//! 2. The committee admits its node key and adds its validator key from height
//!    `JOIN`: the node connects, syncs as a full node, and from `JOIN` on its
//!    signature is in the commits while the chain keeps committing.
//! 3. The committee votes node3 out from height `LEAVE`: commits at ≥ `LEAVE`
//!    carry none of its signatures (node3 follows as a full node), a commit
//!    counting it is refused by `verify_commit` under the set of that height,
//!    and the chain goes on with the remaining power.
//! 4. The committee removes node3's node: it is disconnected and refused.
//!
//! The invariant checker (same blocks and state roots everywhere, every commit
//! signed by more than 2/3 of its height's set) runs at the end. Every wait is
//! bounded and driven by a block stream, a status or a log line.

mod support;

use bayledger_types::block::{sign_vote, verify_commit};
use bayledger_types::{Address, pb};
use std::time::Duration;
use support::governance::{node_key, outsider, pass, validator_key, validator_set};
use support::invariants::{ChainView, check_invariants_by_height};
use support::{Node, Spec, Testnet, WAIT, wait_log};

const VALIDATORS: usize = 4;

/// The log of `node` after byte `from`.
fn log_since(node: &Node, from: usize) -> String {
    node.log().get(from..).unwrap_or_default().to_string()
}

/// Whether the commit of block `height` on `node` carries `who`'s signature.
async fn signed_by(node: &Node, height: u64, who: Address) -> bool {
    let b = node.client().await.block_by_height(height).await.expect("block");
    b.commit.expect("commit").signatures.iter().any(|s| s.validator == who.0)
}

/// Polls (bounded) until `node` reports `want` as its validator address.
async fn wait_validator_address(node: &Node, want: Option<Address>) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let got = node.client().await.status().await.expect("status").validator_address;
        if got == want {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{}: validator address {got:?}", node.name);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validators_are_voted_in_and_out_and_the_allowlist_follows() {
    let _one = support::NETWORK.lock().await;
    let mut net = Testnet::new(Spec { full_nodes: 0, ..Spec::new("gov-validators") });
    net.start_validators();
    net.wait_all(&[0, 1, 2, 3], 2).await;

    // 1. node4 is not admitted: every validator refuses it after the handshake.
    let n4 = outsider(&mut net, "node4");
    let logs_before: Vec<usize> = net.nodes[..VALIDATORS].iter().map(|n| n.log().len()).collect();
    net.nodes[n4].start();
    for (n, from) in net.nodes[..VALIDATORS].iter().zip(&logs_before) {
        let from = *from;
        wait_log(n, "refused node4", |_| {
            log_since(n, from).contains("refused connection: peer is not on the allowlist")
        })
        .await;
    }
    assert_eq!(net.nodes[n4].height().await, 0, "a refused node gets no blocks");
    assert_eq!(
        net.nodes[n4].client().await.status().await.expect("status").validator_address,
        None
    );

    // 2. The committee admits node4 and adds its validator key from JOIN.
    let joiner = validator_key(&net.nodes[n4]);
    let join = net.nodes[0].height().await + 12;
    let admit = format!("{}:node4", hex::encode(node_key(&net.nodes[n4])));
    let add = format!("0x{}:10:node4@{join}", hex::encode(joiner.public_key().to_compressed()));
    pass(&net, &net.nodes[0], "node4 joins", &["--admit-node", &admit, "--add-validator", &add]);
    // It connects and syncs as a full node before JOIN...
    net.nodes[n4].wait_height(join - 1).await;
    let before: Vec<Address> = validator_set(&net.nodes[0], join - 1)
        .await
        .validators
        .iter()
        .map(|v| Address::from_slice(&v.address).expect("address"))
        .collect();
    assert!(!before.contains(&joiner.address()), "not a validator before {join}");
    // ...and from JOIN on it signs: its signature is in the commits.
    let set_join = validator_set(&net.nodes[0], join).await;
    assert!(set_join.validators.iter().any(|v| v.address == joiner.address().0));
    assert_eq!(set_join.validators.len(), VALIDATORS + 1);
    wait_validator_address(&net.nodes[n4], Some(joiner.address())).await;
    let mut h = join;
    loop {
        net.wait_all(&[0, n4], h).await;
        if signed_by(&net.nodes[0], h, joiner.address()).await {
            break;
        }
        assert!(h < join + 20, "node4 signed none of the commits {join}..={h}");
        h += 1;
    }
    for early in join.saturating_sub(3)..join {
        assert!(!signed_by(&net.nodes[0], early, joiner.address()).await, "height {early}");
    }
    net.wait_all(&[0, 1, 2, 3, n4], h + 3).await;

    // 3. node3 is voted out from LEAVE: it stops signing there and follows the
    //    chain as a full node; the other four keep committing.
    let leaver = validator_key(&net.nodes[3]);
    let leave = net.nodes[0].height().await + 12;
    let remove = format!("{}@{leave}", hex::encode(leaver.public_key().to_compressed()));
    pass(&net, &net.nodes[0], "node3 leaves the set", &["--remove-validator", &remove]);
    let live = [0, 1, 2, n4];
    net.wait_all(&[0, 1, 2, 3, n4], leave + 3).await;
    wait_log(&net.nodes[3], "node3 left the set", |l| l.contains("left the validator set")).await;
    wait_validator_address(&net.nodes[3], None).await;
    let set_leave = validator_set(&net.nodes[0], leave).await;
    assert!(!set_leave.validators.iter().any(|v| v.address == leaver.address().0));
    for height in leave..=leave + 3 {
        assert!(!signed_by(&net.nodes[0], height, leaver.address()).await, "height {height}");
    }

    // 4. Its node is removed: its connections are closed, its redials refused,
    //    and the chain goes on without it.
    let node3 = hex::encode(node_key(&net.nodes[3]));
    let log3 = net.nodes[3].log().len();
    let log0 = net.nodes[0].log().len();
    pass(&net, &net.nodes[0], "node3 removed", &["--remove-node", &node3]);
    wait_log(&net.nodes[3], "node3 disconnected", |_| {
        log_since(&net.nodes[3], log3).contains("peer disconnected")
    })
    .await;
    wait_log(&net.nodes[0], "node3 refused", |_| {
        let l = log_since(&net.nodes[0], log0);
        l.contains("allowlist follows the admitted nodes")
            && l.contains("refused connection: peer is not on the allowlist")
    })
    .await;
    let cut = net.max_height(&live).await;
    net.wait_all(&live, cut + 3).await;
    // A commit for LEAVE counting node3 (with three of the others) would be
    // enough under the set before (4 of 5) but is refused by the set of LEAVE.
    let b = net.nodes[0].client().await.block_by_height(leave).await.expect("block");
    let chain_id = net.chain_id.clone();
    let keys: Vec<_> = [0, 1, 2].iter().map(|i| validator_key(&net.nodes[*i])).collect();
    let round = b.commit.as_ref().expect("commit").round;
    let forged = pb::Commit {
        height: leave,
        round,
        block_hash: b.hash.0.to_vec(),
        signatures: keys
            .iter()
            .chain([&leaver])
            .map(|k| sign_vote(k, &chain_id, leave, round, &b.hash))
            .collect(),
    };
    let set_before = validator_set(&net.nodes[0], leave - 1).await;
    verify_commit(&forged, &chain_id, leave, &b.hash, &set_before).expect("node3 counted before");
    let refused = verify_commit(&forged, &chain_id, leave, &b.hash, &set_leave);
    assert!(refused.is_err(), "a commit counting node3 at {leave}: {refused:?}");

    // Invariants over the nodes still in the network (node3's chain as a
    // snapshot: it stopped where it was cut off), each commit against the
    // set of its height.
    let mut views = Vec::new();
    for &i in &live {
        views.push(ChainView::of(&net.nodes[i].grpc, &net.nodes[i].name).await);
    }
    let mut snapshot = ChainView::of(&net.nodes[3].grpc, "node3").await;
    snapshot.snapshot = true;
    views.push(snapshot);
    let (best, tip) =
        live.iter().zip(&views).map(|(i, v)| (*i, v.tip())).max_by_key(|(_, t)| *t).expect("views");
    let mut sets = Vec::new();
    for height in 1..=tip {
        sets.push(validator_set(&net.nodes[best], height).await);
    }
    let checked = check_invariants_by_height(&views, &[], &chain_id, &|h| &sets[h as usize - 1])
        .unwrap_or_else(|e| panic!("invariant broken: {e}"));
    assert!(checked >= leave + 4);
}

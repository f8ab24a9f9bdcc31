//! Deterministic simulation of Bayledger's BFT consensus.
//!
//! N [`bayledger_consensus::BftEngine`]s talk through a seeded, lossy,
//! reordering network with partitions, in virtual time (no sleeps, no wall
//! clock). Each scenario runs over several seeds; after each run the invariant
//! checker asserts agreement (no two nodes decide different blocks at a height),
//! that every decision's commit passes `verify_commit` (> 2/3 of the power,
//! validator signatures only — of the height's set, which may change at a
//! height) and that decided blocks chain. The harness also
//! records every own message a node broadcast before its WAL entry was durable
//! (there must be none).

mod app;
mod harness;
mod invariants;
mod net;

use std::collections::BTreeSet;

use bayledger_consensus::cpb;
use bayledger_consensus::verify_equivocation;
use bayledger_types::block::sign_vote;
use bayledger_types::{Address, Hash, SecretKey};
use harness::{Action, Behaviour, CHAIN_ID, CrashAfter, Signed, Sim, SimConfig};
use invariants::{Violation, check, check_sets, equivocators};
use net::NetConfig;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SEEDS: [u64; 6] = [1, 2, 3, 4, 5, 6];

/// The checks every scenario ends with.
fn assert_safe(sim: &Sim) {
    let seed = sim.cfg.seed;
    if let Err(v) = check_sets(&sim.decisions, &sim.app_errors, &sim.sets, CHAIN_ID) {
        panic!("seed {seed}: safety violation: {v:?}");
    }
    assert!(
        sim.unpersisted_broadcasts.is_empty(),
        "seed {seed}: broadcast before WAL: {:?}",
        sim.unpersisted_broadcasts
    );
    for (node, e) in &sim.evidence {
        verify_equivocation(e, &sim.set, CHAIN_ID)
            .unwrap_or_else(|err| panic!("seed {seed}: node {node} produced bad evidence: {err}"));
    }
}

fn tips(sim: &Sim) -> Vec<u64> {
    (0..sim.nodes.len()).map(|i| sim.tip(i)).collect()
}

fn address(sim: &Sim, i: usize) -> Address {
    sim.nodes[i].key.address()
}

/// Heights decided through consensus (not sync) by at least `k` nodes.
fn live_quorum_heights(sim: &Sim, k: usize) -> BTreeSet<u64> {
    (1..=sim.cfg.target_height)
        .filter(|h| sim.decisions.iter().filter(|d| d.height == *h && !d.via_sync).count() >= k)
        .collect()
}

/// Heights of the first decisions made after `t` ms.
fn first_decided_after(sim: &Sim, t: u64) -> Option<u64> {
    sim.decisions.iter().filter(|d| d.time_ms > t).map(|d| d.height).min()
}

#[test]
fn four_honest_validators_decide_the_same_blocks() {
    for seed in SEEDS {
        let mut cfg = SimConfig::new(seed, 4);
        cfg.target_height = 10;
        let mut sim = Sim::new(cfg, &[]);
        sim.run();
        assert_safe(&sim);
        assert!(tips(&sim).iter().all(|t| *t >= 10), "seed {seed}: {:?}", tips(&sim));
        // Consensus decided every height; a node that lost the last precommits of
        // a height to the lossy network catches up through block sync.
        assert_eq!(live_quorum_heights(&sim, 1).len(), 10, "seed {seed}");
        let live = sim.decisions.iter().filter(|d| !d.via_sync).count();
        assert!(live * 10 >= sim.decisions.len() * 9, "seed {seed}: {live} live decisions");
        assert!(equivocators(&sim.observed).is_empty(), "seed {seed}");
        assert!(sim.evidence.is_empty(), "seed {seed}: {:?}", sim.evidence);
        assert!(
            sim.nodes.iter().all(|n| n.engine.as_ref().is_some_and(|e| e.guard_refusals() == 0))
        );
    }
}

#[test]
fn on_a_loss_free_network_every_node_decides_every_height_itself() {
    for seed in SEEDS {
        let mut cfg = SimConfig::new(seed, 4);
        cfg.net = NetConfig { drop: 0.0, min_delay_ms: 1, max_delay_ms: 80 };
        cfg.sync_interval_ms = None;
        let mut sim = Sim::new(cfg, &[]);
        sim.run();
        assert_safe(&sim);
        assert_eq!(live_quorum_heights(&sim, 4).len() as u64, sim.cfg.target_height, "seed {seed}");
    }
}

#[test]
fn seven_weighted_validators_decide_and_rotate_proposers() {
    for seed in SEEDS {
        let mut cfg = SimConfig::new(seed, 7);
        cfg.powers = vec![3, 2, 2, 1, 1, 1, 1];
        cfg.target_height = 11;
        let mut sim = Sim::new(cfg, &[]);
        sim.run();
        assert_safe(&sim);
        assert!(tips(&sim).iter().all(|t| *t >= 11), "seed {seed}: {:?}", tips(&sim));
        // Over the 11-slot schedule period every validator proposed a decided block.
        let proposers: BTreeSet<Vec<u8>> = sim
            .decisions
            .iter()
            .filter(|d| d.height <= 11)
            .map(|d| d.block.header.header.proposer.clone())
            .collect();
        assert!(proposers.len() >= 6, "seed {seed}: only {} proposers", proposers.len());
    }
}

#[test]
fn three_of_four_keep_deciding_while_one_is_down() {
    for seed in SEEDS {
        let mut sim = Sim::new(SimConfig::new(seed, 4), &[]);
        // Down from the start for even seeds, mid-run for odd ones.
        let crash_at = if seed % 2 == 0 { 0 } else { 400 };
        sim.schedule(crash_at, Action::Crash(3));
        sim.run();
        assert_safe(&sim);
        assert!(sim.nodes[3].engine.is_none());
        for i in 0..3 {
            assert!(sim.tip(i) >= sim.cfg.target_height, "seed {seed}: {:?}", tips(&sim));
        }
        assert!(sim.decisions.iter().all(|d| d.node != 3 || d.time_ms <= crash_at));
    }
}

#[test]
fn a_two_two_partition_decides_nothing_and_recovers_after_healing() {
    const SPLIT: u64 = 600;
    const HEAL: u64 = 20_000;
    for seed in SEEDS {
        let mut cfg = SimConfig::new(seed, 4);
        cfg.target_height = 12;
        let mut sim = Sim::new(cfg, &[]);
        sim.schedule(SPLIT, Action::Partition(vec![0, 0, 1, 1]));
        sim.schedule(HEAL, Action::Heal);
        sim.run_until(HEAL - 1);
        assert_safe(&sim);
        let highest = |until: u64| {
            sim.decisions.iter().filter(|d| d.time_ms <= until).map(|d| d.height).max().unwrap_or(0)
        };
        let at_split = highest(SPLIT);
        assert!(at_split > 0, "seed {seed}: nothing decided before the split");
        // Votes that crossed before the split can finish the height in flight,
        // nothing more: neither half holds more than 2/3 of the power.
        assert!(highest(HEAL - 1) <= at_split + 1, "seed {seed}: the split kept deciding");
        assert!(
            sim.decisions.iter().all(|d| d.time_ms <= SPLIT + 2_000),
            "seed {seed}: a decision long after the split"
        );
        let stuck = tips(&sim);
        sim.run();
        assert_safe(&sim);
        assert!(
            tips(&sim).iter().all(|t| *t >= 12),
            "seed {seed}: {:?} -> {:?}",
            stuck,
            tips(&sim)
        );
        assert!(first_decided_after(&sim, HEAL).is_some(), "seed {seed}: nothing after healing");
    }
}

#[test]
fn a_validator_restarted_from_its_wal_never_equivocates_and_catches_up() {
    for seed in SEEDS {
        let mut cfg = SimConfig::new(seed, 4);
        cfg.target_height = 20;
        let mut sim = Sim::new(cfg, &[]);
        // Exact worst moments: right after signing and sending a proposal and a
        // prevote (the WAL is the only memory of them) ...
        sim.crash_triggers.push(CrashAfter {
            node: 1,
            what: Signed::Proposal,
            min_height: 2,
            wipe_wal: false,
        });
        sim.crash_triggers.push(CrashAfter {
            node: 2,
            what: Signed::BlockPrevote,
            min_height: 3,
            wipe_wal: false,
        });
        // ... and random crash/restart cycles of node 2 with seeded timing.
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let mut t = 600;
        for _ in 0..3 {
            t += rng.random_range(50..600);
            sim.schedule(t, Action::Crash(2));
            t += rng.random_range(1..1_200);
            sim.schedule(t, Action::Restart { node: 2, wipe_wal: false });
        }
        let last_restart = t;
        sim.run();
        // All four up again: a few more heights with everyone in consensus.
        sim.cfg.target_height = tips(&sim).into_iter().max().unwrap_or(0) + 3;
        sim.run();
        assert_safe(&sim);
        assert!(sim.crash_triggers.is_empty(), "seed {seed}: a crash trigger never fired");
        // Both triggered restarts replayed messages the node had signed at that
        // height, and Tendermint re-derived exactly those: the guard never had
        // to refuse anything.
        for (node, min_height) in [(1, 2), (2, 3)] {
            assert!(
                sim.recoveries.iter().any(|r| r.node == node
                    && r.height >= min_height
                    && r.own > 0
                    && r.replayed >= r.own),
                "seed {seed}: {:?}",
                sim.recoveries
            );
        }
        let refusals: u64 = sim
            .nodes
            .iter()
            .map(|n| n.guard_refusals + n.engine.as_ref().map_or(0, |e| e.guard_refusals()))
            .sum();
        assert_eq!(refusals, 0, "seed {seed}");
        assert!(equivocators(&sim.observed).is_empty(), "seed {seed}: equivocation after restart");
        assert!(
            tips(&sim).iter().all(|t| *t >= sim.cfg.target_height),
            "seed {seed}: {:?}",
            tips(&sim)
        );
        // The restarted node is back in consensus, not only syncing.
        assert!(
            sim.decisions.iter().any(|d| d.node == 2 && !d.via_sync && d.time_ms > last_restart),
            "seed {seed}: node 2 never decided live after its last restart"
        );
    }
}

#[test]
fn a_byzantine_equivocator_cannot_fork_honest_nodes_and_is_caught() {
    let (mut vote_evidence, mut proposal_evidence) = (0, 0);
    for seed in SEEDS {
        let mut cfg = SimConfig::new(seed, 4);
        cfg.target_height = 10;
        let byz = (seed % 4) as usize;
        let mut behaviours = vec![Behaviour::Honest; 4];
        behaviours[byz] = Behaviour::Equivocator;
        let mut sim = Sim::new(cfg, &behaviours);
        sim.run();
        assert_safe(&sim);
        for i in (0..4).filter(|i| *i != byz) {
            assert!(sim.tip(i) >= 10, "seed {seed}: {:?}", tips(&sim));
        }
        assert_eq!(
            equivocators(&sim.observed),
            BTreeSet::from([address(&sim, byz)]),
            "seed {seed}"
        );
        let honest_evidence: Vec<&cpb::Evidence> =
            sim.evidence.iter().filter(|(n, _)| *n != byz).map(|(_, e)| e).collect();
        assert!(!honest_evidence.is_empty(), "seed {seed}: no evidence");
        for e in &honest_evidence {
            assert_eq!(verify_equivocation(e, &sim.set, CHAIN_ID), Ok(address(&sim, byz)));
        }
        vote_evidence += honest_evidence
            .iter()
            .filter(|e| matches!(e.kind, Some(cpb::evidence::Kind::DuplicateVote(_))))
            .count();
        proposal_evidence += honest_evidence
            .iter()
            .filter(|e| matches!(e.kind, Some(cpb::evidence::Kind::DuplicateProposal(_))))
            .count();
    }
    assert!(vote_evidence > 0, "no double vote was ever caught");
    assert!(proposal_evidence > 0, "no double proposal was ever caught");
}

#[test]
fn negative_control_a_validator_that_forgets_its_state_equivocates_but_cannot_fork() {
    for seed in SEEDS {
        let mut cfg = SimConfig::new(seed, 4);
        // No sync in the first seconds: the restarted node must rejoin height h
        // by itself, proposing again.
        cfg.sync_interval_ms = Some(5_000);
        let mut sim = Sim::new(cfg, &[]);
        sim.crash_triggers.push(CrashAfter {
            node: 1,
            what: Signed::Proposal,
            min_height: 2,
            wipe_wal: true,
        });
        sim.run();
        assert!(sim.crash_triggers.is_empty(), "seed {seed}: the crash never happened");
        // Without its WAL the node signs a second, different proposal for the
        // same height and round: this is exactly what the WAL prevents.
        assert_eq!(equivocators(&sim.observed), BTreeSet::from([address(&sim, 1)]), "seed {seed}");
        // One faulty validator out of four cannot break agreement.
        assert_safe(&sim);
        assert!(
            tips(&sim).iter().all(|t| *t >= sim.cfg.target_height),
            "seed {seed}: {:?}",
            tips(&sim)
        );
    }
}

#[test]
fn the_same_seed_replays_exactly() {
    let run = |seed| {
        let mut sim = Sim::new(SimConfig::new(seed, 4), &[]);
        sim.schedule(300, Action::Crash(0));
        sim.schedule(900, Action::Restart { node: 0, wipe_wal: false });
        sim.run();
        let hashes: Vec<(usize, u64, Hash, u64)> =
            sim.decisions.iter().map(|d| (d.node, d.height, d.hash, d.time_ms)).collect();
        (hashes, sim.events, sim.now)
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7).0, run(8).0);
}

#[test]
fn negative_control_the_checker_catches_forks_and_bad_commits() {
    let mut sim = Sim::new(SimConfig::new(1, 4), &[]);
    sim.run();
    check(&sim.decisions, &[], &sim.set, CHAIN_ID).expect("an honest run is safe");

    // A fork: node 1 "decides" another block at height 3, with a valid-looking
    // commit signed by all four validators.
    let mut forked = sim.decisions.clone();
    let d = forked.iter().position(|d| d.node == 1 && d.height == 3).expect("decision");
    let app = app::MemApp::new(CHAIN_ID, sim.set.clone(), 99);
    let other = app.make_block(3, 1, address(&sim, 0), None, b"fork");
    let keys: Vec<SecretKey> = sim.nodes.iter().map(|n| n.key.clone()).collect();
    forked[d].hash = other.hash();
    forked[d].commit.block_hash = other.hash().0.to_vec();
    forked[d].commit.signatures = keys
        .iter()
        .map(|k| sign_vote(k, CHAIN_ID, 3, forked[d].commit.round, &other.hash()))
        .collect();
    forked[d].block = other;
    assert!(matches!(
        check(&forked, &[], &sim.set, CHAIN_ID),
        Err(Violation::Fork { height: 3, .. })
    ));

    // A commit with too little power, and one signed by an outsider.
    let mut weak = sim.decisions.clone();
    weak[0].commit.signatures.truncate(2);
    assert!(matches!(check(&weak, &[], &sim.set, CHAIN_ID), Err(Violation::BadCommit { .. })));
    let mut outsider = sim.decisions.clone();
    let stranger = SecretKey::from_bytes(&[77; 32]).expect("key");
    let (h, r, hash) = (outsider[0].height, outsider[0].commit.round, outsider[0].hash);
    outsider[0].commit.signatures[0] = sign_vote(&stranger, CHAIN_ID, h, r, &hash);
    assert!(matches!(check(&outsider, &[], &sim.set, CHAIN_ID), Err(Violation::BadCommit { .. })));

    // The equivocation detector flags a double vote.
    let mut observed = sim.observed.clone();
    let vote = observed
        .iter()
        .find_map(|m| match m {
            bayledger_consensus::ConsensusMsg::Vote(v) if !v.message.value.is_nil() => {
                Some(v.clone())
            }
            _ => None,
        })
        .expect("a vote");
    let who = vote.message.validator.0;
    let key = keys.iter().find(|k| k.address() == who).expect("key");
    let nil = bayledger_consensus::context::Vote {
        value: malachitebft_core_types::NilOrVal::Nil,
        ..vote.message.clone()
    };
    observed.push(bayledger_consensus::ConsensusMsg::Vote(
        bayledger_consensus::signing::Signer::new(key.clone()).sign_vote(CHAIN_ID, nil),
    ));
    assert_eq!(equivocators(&observed), BTreeSet::from([who]));
}

/// The validators whose signatures a commit carries.
fn signers(commit: &bayledger_types::pb::Commit) -> BTreeSet<Address> {
    commit
        .signatures
        .iter()
        .map(|s| Address::from_slice(&s.validator).expect("20-byte validator"))
        .collect()
}

#[test]
fn a_validator_joins_and_another_leaves_at_a_height() {
    const JOIN: u64 = 6;
    const LEAVE: u64 = 10;
    for seed in SEEDS {
        // Nodes 0–3 validate from genesis; node 4 follows and joins at JOIN;
        // node 3 is voted out from LEAVE on.
        let mut cfg = SimConfig::new(seed, 5);
        cfg.powers = vec![1, 1, 1, 1, 0];
        cfg.set_changes = vec![(JOIN, vec![1, 1, 1, 1, 1]), (LEAVE, vec![1, 1, 1, 0, 1])];
        cfg.target_height = 16;
        let mut sim = Sim::new(cfg, &[]);
        sim.run();
        assert_safe(&sim);
        assert!(tips(&sim).iter().all(|t| *t >= 16), "seed {seed}: {:?}", tips(&sim));

        let (joiner, leaver) = (address(&sim, 4), address(&sim, 3));
        for d in &sim.decisions {
            let signed = signers(&d.commit);
            assert!(
                d.height >= JOIN || !signed.contains(&joiner),
                "seed {seed}: height {} counts the joiner before it joined",
                d.height
            );
            assert!(
                d.height < LEAVE || !signed.contains(&leaver),
                "seed {seed}: height {} carries the leaver's signature",
                d.height
            );
        }
        let joiner_signed = sim.decisions.iter().any(|d| signers(&d.commit).contains(&joiner));
        assert!(joiner_signed, "seed {seed}: the joiner never signed a commit");
        // The joiner decided through consensus once in; before, only by sync.
        assert!(
            sim.decisions.iter().any(|d| d.node == 4 && d.height >= JOIN && !d.via_sync),
            "seed {seed}: the joiner never voted a block in"
        );
        assert!(sim.decisions.iter().all(|d| d.node != 4 || d.height >= JOIN || d.via_sync));
        // The leaver follows by sync only from LEAVE on.
        assert!(sim.decisions.iter().all(|d| d.node != 3 || d.height < LEAVE || d.via_sync));
        assert!(sim.nodes[3].engine.is_none() && sim.nodes[3].follower, "seed {seed}");

        // A commit at LEAVE that needs the leaver: enough for a set it is in
        // (3 of the 4 genesis validators), refused under the set of that
        // height (2 of 4 plus a stranger).
        let d = sim.decisions.iter().find(|d| d.height == LEAVE).expect("decided");
        let forged = bayledger_types::pb::Commit {
            signatures: [0, 1, 3]
                .iter()
                .map(|&i| sign_vote(&sim.nodes[i].key, CHAIN_ID, LEAVE, d.commit.round, &d.hash))
                .collect(),
            ..d.commit.clone()
        };
        let verify =
            |set| bayledger_types::block::verify_commit(&forged, CHAIN_ID, LEAVE, &d.hash, set);
        verify(&sim.set).expect("a set with the leaver counts it");
        verify(sim.sets.at(LEAVE)).expect_err("the set of its height refuses it");
    }
}

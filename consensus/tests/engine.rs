//! One `BftEngine` driven by hand: WAL restart with a real file, the
//! double-sign guard, evidence, block sync and refused inputs.

#[path = "sim/app.rs"]
#[allow(dead_code)]
mod app;

use bayledger_consensus::context::{BlockValue, Height, Proposal, ValidatorAddress, Vote};
use bayledger_consensus::signing::Signer;
use bayledger_consensus::wal::FileWal;
use bayledger_consensus::{
    BftEngine, ConsensusMsg, EngineConfig, EngineError, Output, TimeoutConfig, TimeoutKind,
    ValidatorSet, WalEntry, cpb, verify_equivocation,
};
use bayledger_types::block::sign_vote;
use bayledger_types::{Hash, SealedBlock, SecretKey, pb};
use malachitebft_core_types::{NilOrVal, Round, SignedVote, VoteType};

const CHAIN: &str = "engine-test";

struct Setup {
    keys: Vec<SecretKey>,
    set: pb::ValidatorSet,
    /// Index (into `keys`) of the proposer of height 1, round 0.
    proposer: usize,
    /// Index of the validator under test (not that proposer).
    me: usize,
}

fn setup() -> Setup {
    let keys: Vec<SecretKey> =
        (1..=4u8).map(|i| SecretKey::from_bytes(&[i; 32]).expect("key")).collect();
    let set = pb::ValidatorSet {
        validators: keys.iter().map(|k| pb::Validator::of_key(&k.public_key(), 1, "")).collect(),
    };
    let vs = ValidatorSet::from_pb(&set).expect("set");
    let p = vs.proposer(1, 0).address.0;
    let proposer = keys.iter().position(|k| k.address() == p).expect("member");
    Setup { me: (proposer + 1) % 4, keys, set, proposer }
}

fn engine(key: &SecretKey) -> BftEngine {
    BftEngine::new(EngineConfig {
        chain_id: CHAIN.into(),
        key: key.clone(),
        timeouts: TimeoutConfig::default(),
    })
}

fn block(s: &Setup, payload: &[u8]) -> SealedBlock {
    app::MemApp::new(CHAIN, s.set.clone(), 0).make_block(
        1,
        app::EPOCH_MS + 1,
        s.keys[s.proposer].address(),
        None,
        payload,
    )
}

fn proposal(s: &Setup, b: &SealedBlock) -> ConsensusMsg {
    let p = Proposal {
        height: Height(1),
        round: Round::new(0),
        value: BlockValue::new(b.clone()),
        pol_round: Round::Nil,
        proposer: ValidatorAddress(s.keys[s.proposer].address()),
    };
    ConsensusMsg::Proposal(Signer::new(s.keys[s.proposer].clone()).sign_proposal(CHAIN, p))
}

fn vote(key: &SecretKey, t: VoteType, value: NilOrVal<Hash>) -> ConsensusMsg {
    let v = Vote {
        height: Height(1),
        round: Round::new(0),
        value,
        vote_type: t,
        validator: ValidatorAddress(key.address()),
    };
    ConsensusMsg::Vote(Signer::new(key.clone()).sign_vote(CHAIN, v))
}

/// Writes `Persist` outputs to the WAL (in order) and returns the rest.
fn persist(wal: &mut FileWal, out: Vec<Output>) -> Vec<Output> {
    let mut rest = Vec::new();
    for o in out {
        match o {
            Output::Persist(e) => wal.append(&e).expect("append"),
            other => rest.push(other),
        }
    }
    rest
}

fn own_prevotes(
    out: &[Output],
    me: &SecretKey,
) -> Vec<SignedVote<bayledger_consensus::context::BayContext>> {
    out.iter()
        .filter_map(|o| match o {
            Output::Broadcast(ConsensusMsg::Vote(v))
                if v.message.validator.0 == me.address()
                    && v.message.vote_type == VoteType::Prevote =>
            {
                Some(v.clone())
            }
            _ => None,
        })
        .collect()
}

/// Fires every timer in `out` (and those they schedule), in order, up to
/// `limit` times; returns everything that came out and the kinds fired.
fn fire_timers(e: &mut BftEngine, out: &[Output], limit: usize) -> (Vec<Output>, Vec<TimeoutKind>) {
    let mut timers: std::collections::VecDeque<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::ScheduleTimeout { timer, .. } => Some(*timer),
            _ => None,
        })
        .collect();
    let mut all = Vec::new();
    let mut fired = 0;
    let mut kinds = Vec::new();
    while let Some(t) = timers.pop_front() {
        if fired == limit {
            break;
        }
        fired += 1;
        kinds.push(t.kind);
        let more = e.timeout_elapsed(t).expect("timeout");
        timers.extend(more.iter().filter_map(|o| match o {
            Output::ScheduleTimeout { timer, .. } => Some(*timer),
            _ => None,
        }));
        all.extend(more);
    }
    (all, kinds)
}

/// Fires the `kind` timer requested in `out`.
fn fire(e: &mut BftEngine, out: &[Output], kind: TimeoutKind) -> Vec<Output> {
    let timer = out
        .iter()
        .find_map(|o| match o {
            Output::ScheduleTimeout { timer, .. } if timer.kind == kind => Some(*timer),
            _ => None,
        })
        .expect("timer requested");
    e.timeout_elapsed(timer).expect("timeout")
}

/// Runs height 1 up to our prevote for the proposed block, logging to `wal`.
fn prevote_for_block(
    s: &Setup,
    wal: &mut FileWal,
) -> (SealedBlock, SignedVote<bayledger_consensus::context::BayContext>) {
    let me = &s.keys[s.me];
    let mut e = engine(me);
    let out = persist(wal, e.recover(1, &s.set, &[]).expect("start"));
    assert!(own_prevotes(&out, me).is_empty());
    let b = block(s, b"honest");
    let out = persist(wal, e.received(proposal(s, &b)).expect("proposal"));
    assert!(
        matches!(&out[..], [Output::ValidateProposal { block, .. }] if block.hash() == b.hash()),
        "{out:?}"
    );
    let raw = e.value_validated(b.hash(), true).expect("validated");
    // The prevote's WAL entry comes before its broadcast.
    let persist_at = raw
        .iter()
        .position(|o| matches!(o, Output::Persist(w) if w.signer() == Some(&me.address().0[..])));
    let send_at = raw.iter().position(|o| matches!(o, Output::Broadcast(ConsensusMsg::Vote(_))));
    assert!(persist_at.is_some() && persist_at < send_at, "{raw:?}");
    let out = persist(wal, raw);
    let prevotes = own_prevotes(&out, me);
    assert_eq!(prevotes.len(), 1);
    assert_eq!(prevotes[0].message.value, NilOrVal::Val(b.hash()));
    (b, prevotes[0].clone())
}

#[test]
fn a_restart_from_a_torn_file_wal_re_sends_the_same_prevote_and_never_a_conflicting_one() {
    let s = setup();
    let me = &s.keys[s.me];
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("consensus.wal");
    let (mut wal, _) = FileWal::open(&path).expect("open");
    let (_, prevote) = prevote_for_block(&s, &mut wal);
    drop(wal); // crash

    // A torn write after the last good record.
    let good = std::fs::read(&path).expect("read");
    let mut torn = good.clone();
    torn.extend_from_slice(&[200, 1, 0, 0, 7, 7]);
    std::fs::write(&path, &torn).expect("write");

    let (mut wal, entries) = FileWal::open(&path).expect("reopen");
    assert_eq!(std::fs::read(&path).expect("read"), good, "the torn tail is cut off");
    assert!(entries.iter().any(|e| e.signer() == Some(&me.address().0[..])));

    let mut e = engine(me);
    let out = persist(&mut wal, e.recover(1, &s.set, &entries).expect("recover"));
    let mut all = out.clone();
    let (after, kinds) = fire_timers(&mut e, &out, 20);
    all.extend(after);
    // The replayed state is past the propose step: no propose timer runs again,
    // only the rebroadcast of what was already signed.
    assert!(kinds.contains(&TimeoutKind::Rebroadcast), "{kinds:?}");
    assert!(!kinds.contains(&TimeoutKind::Propose), "{kinds:?}");
    let prevotes = own_prevotes(&all, me);
    assert!(!prevotes.is_empty(), "the recorded prevote is re-sent: {all:?}");
    assert!(prevotes.iter().all(|v| *v == prevote), "conflicting prevote after restart");
    assert_eq!(e.guard_refusals(), 0);
    // Nothing already in the WAL is written again.
    assert!(!out.iter().any(|o| matches!(o, Output::Persist(_))));
}

#[test]
fn negative_control_without_its_wal_the_restarted_validator_prevotes_nil() {
    let s = setup();
    let me = &s.keys[s.me];
    let dir = tempfile::tempdir().expect("tmp");
    let (mut wal, _) = FileWal::open(dir.path().join("wal")).expect("open");
    let (_, prevote) = prevote_for_block(&s, &mut wal);

    let mut e = engine(me);
    let out = e.recover(1, &s.set, &[]).expect("start");
    let after = fire(&mut e, &out, TimeoutKind::Propose);
    let prevotes = own_prevotes(&after, me);
    assert_eq!(prevotes.len(), 1, "{after:?}");
    assert_eq!(prevotes[0].message.value, NilOrVal::Nil);
    assert_ne!(prevotes[0], prevote, "an amnesiac validator equivocates");
}

#[test]
fn the_guard_refuses_to_sign_a_conflicting_vote_even_when_the_core_asks() {
    let s = setup();
    let me = &s.keys[s.me];
    let dir = tempfile::tempdir().expect("tmp");
    let (mut wal, _) = FileWal::open(dir.path().join("wal")).expect("open");
    let (_, prevote) = prevote_for_block(&s, &mut wal);
    drop(wal);
    let (_, entries) = FileWal::open(dir.path().join("wal")).expect("reopen");
    // Only our own vote survives (the proposal that justified it is gone), so
    // the core, in the propose step, will time out and want to prevote nil.
    let own: Vec<WalEntry> =
        entries.into_iter().filter(|e| e.signer() == Some(&me.address().0[..])).collect();
    assert_eq!(own.len(), 1);

    let mut e = engine(me);
    let out = e.recover(1, &s.set, &own).expect("recover");
    let after = fire(&mut e, &out, TimeoutKind::Propose);
    assert_eq!(e.guard_refusals(), 1);
    let prevotes = own_prevotes(&after, me);
    assert_eq!(prevotes, vec![prevote], "the recorded prevote, not a nil one, goes out");
}

#[test]
fn conflicting_votes_and_proposals_produce_verifiable_evidence() {
    let s = setup();
    let mut e = engine(&s.keys[s.me]);
    e.start_height(1, &s.set).expect("start");
    let cheat = &s.keys[(s.me + 2) % 4];
    let a = vote(cheat, VoteType::Prevote, NilOrVal::Val(Hash::sha3(b"a")));
    let b = vote(cheat, VoteType::Prevote, NilOrVal::Nil);
    assert!(e.received(a).expect("a").iter().all(|o| !matches!(o, Output::Evidence(_))));
    let out = e.received(b).expect("b");
    let ev: Vec<&cpb::Evidence> = out
        .iter()
        .filter_map(|o| if let Output::Evidence(e) = o { Some(e) } else { None })
        .collect();
    assert_eq!(ev.len(), 1, "{out:?}");
    assert_eq!(verify_equivocation(ev[0], &s.set, CHAIN), Ok(cheat.address()));

    let first = e.received(proposal(&s, &block(&s, b"one"))).expect("p1");
    assert!(first.iter().all(|o| !matches!(o, Output::Evidence(_))));
    let out = e.received(proposal(&s, &block(&s, b"two"))).expect("p2");
    let ev: Vec<&cpb::Evidence> = out
        .iter()
        .filter_map(|o| if let Output::Evidence(e) = o { Some(e) } else { None })
        .collect();
    assert_eq!(ev.len(), 1, "{out:?}");
    assert!(matches!(ev[0].kind, Some(cpb::evidence::Kind::DuplicateProposal(_))));
    assert_eq!(verify_equivocation(ev[0], &s.set, CHAIN), Ok(s.keys[s.proposer].address()));
}

#[test]
fn block_sync_decides_only_with_a_valid_commit_for_the_current_height() {
    let s = setup();
    let mut e = engine(&s.keys[s.me]);
    e.start_height(1, &s.set).expect("start");
    let b = block(&s, b"synced");
    let commit = |n: usize| pb::Commit {
        height: 1,
        round: 0,
        block_hash: b.hash().0.to_vec(),
        signatures: s.keys[..n].iter().map(|k| sign_vote(k, CHAIN, 1, 0, &b.hash())).collect(),
    };
    assert!(matches!(e.sync_decided(b.clone(), commit(2)), Err(EngineError::SyncCommit(_))));
    let mut other = commit(3);
    other.block_hash = Hash::sha3(b"other").0.to_vec();
    assert!(matches!(e.sync_decided(b.clone(), other), Err(EngineError::SyncCommit(_))));
    let out = e.sync_decided(b.clone(), commit(3)).expect("sync");
    assert!(matches!(&out[..], [Output::Decided { block, .. }] if block.hash() == b.hash()));
    assert!(e.sync_decided(b.clone(), commit(3)).expect("again").is_empty());
    e.start_height(2, &s.set).expect("next");
    assert!(matches!(
        e.sync_decided(b.clone(), commit(3)),
        Err(EngineError::SyncHeight { got: 1, current: 2 })
    ));
}

#[test]
fn inputs_that_could_lead_to_double_signing_are_refused() {
    let s = setup();
    let me = &s.keys[s.me];
    let mut e = engine(me);
    e.start_height(3, &s.set).expect("start");
    assert!(matches!(
        e.start_height(2, &s.set),
        Err(EngineError::HeightRegression { requested: 2, current: 3 })
    ));
    // A WAL from a height the application never committed.
    let dir = tempfile::tempdir().expect("tmp");
    let (mut wal, _) = FileWal::open(dir.path().join("wal")).expect("open");
    prevote_for_block(&s, &mut wal);
    drop(wal);
    let (_, entries) = FileWal::open(dir.path().join("wal")).expect("reopen");
    let mut fresh = engine(me);
    assert!(matches!(
        fresh.recover(0, &s.set, &entries),
        Err(EngineError::WalAhead { wal: 1, start: 0 })
    ));
    assert!(matches!(
        engine(me).received(vote(me, VoteType::Prevote, NilOrVal::Nil)),
        Err(EngineError::NotStarted)
    ));
}

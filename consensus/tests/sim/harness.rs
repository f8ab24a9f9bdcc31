//! A deterministic, seeded, in-process network of [`BftEngine`]s.
//!
//! Virtual time only: a queue of (time, sequence) → event — message deliveries,
//! engine timers, scheduled faults and block-sync ticks — is drained in order.
//! Every random choice (loss, delay, crash points) comes from one ChaCha8 RNG
//! seeded by the scenario, so a seed replays exactly.
//!
//! The validator set may change at given heights ([`SimConfig::set_changes`]),
//! as governance does on the chain: a node whose key is not in the set of the
//! height it works on runs without an engine (a follower: it only takes
//! decided blocks from block sync) and gets an engine, recovered from its WAL,
//! at the height its key joins; a node that leaves the set drops its engine.

use std::collections::BTreeMap;
use std::time::Duration;

use bayledger_consensus::context::{Proposal, Vote};
use bayledger_consensus::cpb;
use bayledger_consensus::host::AppHost;
use bayledger_consensus::msg::{signed_proposal_to_pb, signed_vote_to_pb};
use bayledger_consensus::signing::Signer;
use bayledger_consensus::wal::{frame, read_records};
use bayledger_consensus::{BftEngine, ConsensusMsg, EngineConfig, Output, TimeoutConfig, Timer};
use bayledger_types::{Hash, SealedBlock, SecretKey, pb};
use malachitebft_core_types::{NilOrVal, SignedProposal, SignedVote, VoteType};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::app::{EPOCH_MS, MemApp, Sets};
use crate::net::{NetConfig, Network};

pub const CHAIN_ID: &str = "bayledger-sim";

#[derive(Clone, Debug)]
pub struct SimConfig {
    pub seed: u64,
    pub powers: Vec<u64>,
    pub net: NetConfig,
    /// Stop once every running node has committed this height.
    pub target_height: u64,
    /// Hard stop (virtual ms).
    pub max_time_ms: u64,
    /// Block sync: every interval, a node behind a connected peer gets the
    /// peer's decided blocks and commits.
    pub sync_interval_ms: Option<u64>,
    pub timeouts: TimeoutConfig,
    /// From each height on, the power of every node (0: not a validator).
    pub set_changes: Vec<(u64, Vec<u64>)>,
}

impl SimConfig {
    pub fn new(seed: u64, n: usize) -> SimConfig {
        SimConfig {
            seed,
            powers: vec![1; n],
            net: NetConfig::default(),
            target_height: 8,
            max_time_ms: 120_000,
            sync_interval_ms: Some(1_000),
            timeouts: TimeoutConfig::default(),
            set_changes: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    Honest,
    /// Runs a correct engine but also signs and sends a conflicting proposal /
    /// vote for every one it sends, splitting the network.
    Equivocator,
}

#[derive(Clone, Debug)]
pub enum Action {
    Crash(usize),
    Restart { node: usize, wipe_wal: bool },
    Partition(Vec<u8>),
    Heal,
}

/// What a [`CrashAfter`] waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signed {
    /// The node's own proposal.
    Proposal,
    /// The node's own prevote for a block (not nil).
    BlockPrevote,
}

/// Crash `node` right after it broadcasts `what` at a height `>= min_height`,
/// and restart it 1 ms later (optionally without its WAL).
#[derive(Clone, Debug)]
pub struct CrashAfter {
    pub node: usize,
    pub what: Signed,
    pub min_height: u64,
    pub wipe_wal: bool,
}

#[derive(Debug)]
enum Event {
    Deliver { to: usize, from: usize, bytes: Vec<u8> },
    Timer { node: usize, incarnation: u32, timer: Timer },
    Act(Action),
    SyncTick,
}

#[derive(Clone, Debug)]
pub struct DecisionRecord {
    pub node: usize,
    pub height: u64,
    pub hash: Hash,
    pub block: SealedBlock,
    pub commit: pb::Commit,
    pub time_ms: u64,
    pub via_sync: bool,
}

/// One restart of a node: how much of its WAL it replayed.
#[derive(Clone, Debug)]
pub struct Recovery {
    pub node: usize,
    pub height: u64,
    /// Entries of the restart height replayed.
    pub replayed: usize,
    /// Of which messages the node itself had signed.
    pub own: usize,
}

pub struct Node {
    pub key: SecretKey,
    pub engine: Option<BftEngine>,
    pub host: AppHost<MemApp>,
    /// The durable WAL image (framed records, as on disk).
    pub wal: Vec<u8>,
    pub incarnation: u32,
    pub behaviour: Behaviour,
    pub guard_refusals: u64,
    /// Up without an engine: its key is not in the current set.
    pub follower: bool,
}

pub struct Sim {
    pub cfg: SimConfig,
    pub now: u64,
    queue: BTreeMap<(u64, u64), Event>,
    seq: u64,
    rng: ChaCha8Rng,
    pub net: Network,
    pub nodes: Vec<Node>,
    /// The genesis set (the set of height 1).
    pub set: pb::ValidatorSet,
    /// Every set by first height.
    pub sets: Sets,
    pub decisions: Vec<DecisionRecord>,
    /// Every signed message any node put on the wire.
    pub observed: Vec<ConsensusMsg>,
    pub evidence: Vec<(usize, cpb::Evidence)>,
    pub app_errors: Vec<(usize, String)>,
    pub crash_triggers: Vec<CrashAfter>,
    /// Own messages broadcast without their WAL entry being durable first.
    pub unpersisted_broadcasts: Vec<(usize, ConsensusMsg)>,
    pub events: u64,
    pub recoveries: Vec<Recovery>,
    started: bool,
}

pub fn keys(n: usize) -> Vec<SecretKey> {
    (0..n).map(|i| SecretKey::from_bytes(&[i as u8 + 1; 32]).expect("key")).collect()
}

pub fn validator_set(keys: &[SecretKey], powers: &[u64]) -> pb::ValidatorSet {
    pb::ValidatorSet {
        validators: keys
            .iter()
            .zip(powers)
            .enumerate()
            .filter(|(_, (_, p))| **p > 0)
            .map(|(i, (k, p))| pb::Validator::of_key(&k.public_key(), *p, format!("v{i}")))
            .collect(),
    }
}

impl Sim {
    pub fn new(cfg: SimConfig, behaviours: &[Behaviour]) -> Sim {
        let n = cfg.powers.len();
        let keys = keys(n);
        let set = validator_set(&keys, &cfg.powers);
        let mut sets = vec![(1, set.clone())];
        for (from, powers) in &cfg.set_changes {
            sets.push((*from, validator_set(&keys, powers)));
        }
        let sets = Sets(sets);
        let nodes = keys
            .into_iter()
            .enumerate()
            .map(|(i, key)| Node {
                key,
                engine: None,
                host: AppHost::new(MemApp::with_sets(CHAIN_ID, sets.clone(), i as u64), None),
                wal: Vec::new(),
                incarnation: 0,
                behaviour: behaviours.get(i).copied().unwrap_or(Behaviour::Honest),
                guard_refusals: 0,
                follower: false,
            })
            .collect();
        Sim {
            rng: ChaCha8Rng::seed_from_u64(cfg.seed),
            net: Network::new(cfg.net.clone()),
            cfg,
            now: 0,
            queue: BTreeMap::new(),
            seq: 0,
            nodes,
            set,
            sets,
            decisions: Vec::new(),
            observed: Vec::new(),
            evidence: Vec::new(),
            app_errors: Vec::new(),
            crash_triggers: Vec::new(),
            unpersisted_broadcasts: Vec::new(),
            events: 0,
            recoveries: Vec::new(),
            started: false,
        }
    }

    fn push(&mut self, at: u64, event: Event) {
        self.seq += 1;
        self.queue.insert((at, self.seq), event);
    }

    pub fn schedule(&mut self, at_ms: u64, action: Action) {
        self.push(at_ms, Event::Act(action));
    }

    fn engine_config(&self, i: usize) -> EngineConfig {
        EngineConfig {
            chain_id: CHAIN_ID.into(),
            key: self.nodes[i].key.clone(),
            timeouts: self.cfg.timeouts,
        }
    }

    /// Runs until every running node has committed the target height, or the
    /// time limit.
    pub fn run(&mut self) {
        self.run_until(self.cfg.max_time_ms);
    }

    /// Starts every node at height 1 (once) and drains events up to `until`
    /// (or until done).
    pub fn run_until(&mut self, until: u64) {
        if !self.started {
            self.started = true;
            for i in 0..self.nodes.len() {
                self.start_node(i, false);
            }
            if let Some(every) = self.cfg.sync_interval_ms {
                self.push(every, Event::SyncTick);
            }
        }
        while let Some((&(at, seq), _)) = self.queue.first_key_value() {
            if at > until || self.done() {
                break;
            }
            let Some(event) = self.queue.remove(&(at, seq)) else { break };
            self.now = at;
            self.events += 1;
            self.handle(event);
        }
    }

    pub fn done(&self) -> bool {
        let running: Vec<&Node> = self.nodes.iter().filter(|n| Sim::up(n)).collect();
        !running.is_empty() && running.iter().all(|n| n.host.app.tip() >= self.cfg.target_height)
    }

    /// Running, with or without an engine (not crashed).
    fn up(node: &Node) -> bool {
        node.engine.is_some() || node.follower
    }

    /// Whether node `i`'s key is in the set of `height`.
    pub fn member(&self, i: usize, height: u64) -> bool {
        let me = self.nodes[i].key.address();
        self.sets.at(height).validators.iter().any(|v| v.address == me.0)
    }

    fn start_node(&mut self, i: usize, wipe_wal: bool) {
        if wipe_wal {
            self.nodes[i].wal.clear();
        }
        let height = self.nodes[i].host.app.tip() + 1;
        self.nodes[i].follower = !self.member(i, height);
        if self.nodes[i].follower {
            return;
        }
        let mut engine = BftEngine::new(self.engine_config(i));
        let (entries, _) = read_records(&self.nodes[i].wal);
        let replayed = entries.iter().filter(|e| e.height() == height).count();
        let own = entries
            .iter()
            .filter(|e| {
                e.height() == height && e.signer() == Some(&self.nodes[i].key.address().0[..])
            })
            .count();
        if self.nodes[i].incarnation > 0 {
            self.recoveries.push(Recovery { node: i, height, replayed, own });
        }
        let set = self.sets.at(height).clone();
        let out = engine.recover(height, &set, &entries).expect("recover");
        self.nodes[i].engine = Some(engine);
        self.dispatch(i, out, false);
    }

    fn crash(&mut self, i: usize) {
        if let Some(e) = self.nodes[i].engine.take() {
            self.nodes[i].guard_refusals += e.guard_refusals();
        }
        self.nodes[i].follower = false;
        self.nodes[i].incarnation += 1;
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Deliver { to, from, bytes } => {
                if !self.net.connected(from, to) || self.nodes[to].engine.is_none() {
                    return;
                }
                let msg = ConsensusMsg::decode(CHAIN_ID, &bytes).expect("decodes");
                self.step(to, false, |e| e.received(msg));
            }
            Event::Timer { node, incarnation, timer } => {
                if self.nodes[node].incarnation == incarnation && self.nodes[node].engine.is_some()
                {
                    self.step(node, false, |e| e.timeout_elapsed(timer));
                }
            }
            Event::Act(Action::Crash(i)) => self.crash(i),
            Event::Act(Action::Restart { node, wipe_wal }) => {
                if !Sim::up(&self.nodes[node]) {
                    self.start_node(node, wipe_wal);
                }
            }
            Event::Act(Action::Partition(groups)) => self.net.partition(groups),
            Event::Act(Action::Heal) => self.net.heal(),
            Event::SyncTick => {
                self.sync_tick();
                if let Some(every) = self.cfg.sync_interval_ms {
                    self.push(self.now + every, Event::SyncTick);
                }
            }
        }
    }

    /// Block sync: a running node behind a connected running peer gets the
    /// peer's decided blocks with their commits, one height after the other.
    /// A follower commits them directly and starts its engine at the height
    /// its key joins the set.
    fn sync_tick(&mut self) {
        for i in 0..self.nodes.len() {
            loop {
                if !Sim::up(&self.nodes[i]) {
                    break;
                }
                let tip = self.nodes[i].host.app.tip();
                let source = (0..self.nodes.len()).find(|&j| {
                    j != i
                        && Sim::up(&self.nodes[j])
                        && self.net.connected(i, j)
                        && self.nodes[j].host.app.tip() > tip
                });
                let Some(j) = source else { break };
                let (block, commit) = self.nodes[j].host.app.chain[tip as usize].clone();
                let before = self.nodes[i].host.app.tip();
                if self.nodes[i].follower {
                    self.follow(i, block, commit);
                    if self.nodes[i].host.app.tip() == before {
                        break;
                    }
                    continue;
                }
                self.step(i, true, |e| e.sync_decided(block, commit));
                if self.nodes[i].host.app.tip() == before {
                    break;
                }
            }
        }
    }

    /// A follower commits a synced block (the application checks its commit
    /// against the block's set); it becomes a validator when its key is in
    /// the set of the next height.
    fn follow(&mut self, i: usize, block: SealedBlock, commit: pb::Commit) {
        use bayledger_consensus::Application;
        if let Err(e) = self.nodes[i].host.app.commit_block(&block, &commit) {
            self.app_errors.push((i, e.to_string()));
            return;
        }
        self.decisions.push(DecisionRecord {
            node: i,
            height: block.height(),
            hash: block.hash(),
            block,
            commit,
            time_ms: self.now,
            via_sync: true,
        });
        let next = self.nodes[i].host.app.tip() + 1;
        if self.member(i, next) {
            self.start_node(i, false);
        }
    }

    /// Feeds one input to node `i` and carries out what follows.
    fn step(
        &mut self,
        i: usize,
        via_sync: bool,
        f: impl FnOnce(&mut BftEngine) -> Result<Vec<Output>, bayledger_consensus::EngineError>,
    ) {
        let Some(engine) = self.nodes[i].engine.as_mut() else { return };
        let out = f(engine).unwrap_or_else(|e| panic!("node {i} engine error: {e}"));
        self.dispatch(i, out, via_sync);
    }

    fn dispatch(&mut self, i: usize, outputs: Vec<Output>, via_sync: bool) {
        let now = self.now;
        let node = &mut self.nodes[i];
        let Some(engine) = node.engine.as_mut() else { return };
        let outputs = match node.host.handle(engine, outputs, EPOCH_MS + now) {
            Ok(o) => o,
            Err(e) => {
                self.app_errors.push((i, e.to_string()));
                return;
            }
        };
        let mut next_height = None;
        let mut crash_now = None;
        for output in outputs {
            match output {
                Output::Persist(entry) => {
                    let rec = frame(&entry.encode()).expect("frame");
                    self.nodes[i].wal.extend(rec);
                }
                Output::Broadcast(msg) => {
                    if !self.persisted(i, &msg) {
                        self.unpersisted_broadcasts.push((i, msg.clone()));
                    }
                    if let Some(t) = self.crash_trigger(i, &msg) {
                        crash_now = Some(t);
                    }
                    self.broadcast(i, msg);
                }
                Output::ScheduleTimeout { timer, duration } => {
                    let inc = self.nodes[i].incarnation;
                    self.push(
                        now + ms(duration),
                        Event::Timer { node: i, incarnation: inc, timer },
                    );
                }
                Output::Decided { block, commit } => {
                    next_height = Some(block.height() + 1);
                    self.decisions.push(DecisionRecord {
                        node: i,
                        height: block.height(),
                        hash: block.hash(),
                        block,
                        commit,
                        time_ms: now,
                        via_sync,
                    });
                }
                Output::Evidence(e) => self.evidence.push((i, e)),
                Output::BuildProposal { .. } | Output::ValidateProposal { .. } => {
                    unreachable!("handled by AppHost")
                }
            }
        }
        if let Some(wipe_wal) = crash_now {
            self.crash(i);
            self.schedule(now + 1, Action::Restart { node: i, wipe_wal });
            return;
        }
        if let Some(h) = next_height {
            // The block is committed: the WAL of its height is no longer needed.
            self.nodes[i].wal.clear();
            if !self.member(i, h) {
                // Voted out: follows the chain without an engine from `h`.
                if let Some(e) = self.nodes[i].engine.take() {
                    self.nodes[i].guard_refusals += e.guard_refusals();
                }
                self.nodes[i].follower = true;
                return;
            }
            let set = self.sets.at(h).clone();
            if let Some(engine) = self.nodes[i].engine.as_mut() {
                let out = engine.start_height(h, &set).expect("start height");
                self.dispatch(i, out, false);
            }
        }
    }

    fn crash_trigger(&mut self, i: usize, msg: &ConsensusMsg) -> Option<bool> {
        let me = self.nodes[i].key.address();
        let (what, height) = match msg {
            ConsensusMsg::Proposal(p) if p.message.proposer.0 == me => {
                (Signed::Proposal, p.message.height.0)
            }
            ConsensusMsg::Vote(v)
                if v.message.validator.0 == me
                    && v.message.vote_type == VoteType::Prevote
                    && !v.message.value.is_nil() =>
            {
                (Signed::BlockPrevote, v.message.height.0)
            }
            _ => return None,
        };
        let pos = self
            .crash_triggers
            .iter()
            .position(|t| t.node == i && t.what == what && height >= t.min_height)?;
        Some(self.crash_triggers.remove(pos).wipe_wal)
    }

    /// Whether one of `i`'s own signed messages is in its durable WAL image.
    fn persisted(&self, i: usize, msg: &ConsensusMsg) -> bool {
        use cpb::wal_entry::Kind;
        if msg.signer() != Some(self.nodes[i].key.address()) {
            return true;
        }
        let (entries, _) = read_records(&self.nodes[i].wal);
        entries.iter().any(|e| match (&e.as_pb().kind, msg) {
            (Some(Kind::Vote(v)), ConsensusMsg::Vote(m)) => *v == signed_vote_to_pb(CHAIN_ID, m),
            (Some(Kind::Proposal(p)), ConsensusMsg::Proposal(m)) => {
                *p == signed_proposal_to_pb(CHAIN_ID, m, true)
            }
            _ => false,
        })
    }

    fn send(&mut self, from: usize, to: usize, bytes: Vec<u8>, extra_delay: u64) {
        if let Some(d) = self.net.route(&mut self.rng, from, to) {
            self.push(self.now + d + extra_delay, Event::Deliver { to, from, bytes });
        }
    }

    fn broadcast(&mut self, from: usize, msg: ConsensusMsg) {
        let n = self.nodes.len();
        let bytes = msg.encode(CHAIN_ID);
        self.observed.push(msg.clone());
        let conflict = match self.nodes[from].behaviour {
            Behaviour::Honest => None,
            Behaviour::Equivocator => self.conflicting(from, &msg),
        };
        match conflict {
            None => {
                for to in (0..n).filter(|&j| j != from) {
                    self.send(from, to, bytes.clone(), 0);
                }
            }
            Some(evil) => {
                // Half the peers see the honest message first, half the
                // conflicting one; everyone eventually gets both.
                self.observed.push(evil.clone());
                let evil_bytes = evil.encode(CHAIN_ID);
                for to in (0..n).filter(|&j| j != from) {
                    let (first, second) =
                        if to % 2 == 0 { (&bytes, &evil_bytes) } else { (&evil_bytes, &bytes) };
                    self.send(from, to, first.clone(), 0);
                    self.send(from, to, second.clone(), 80);
                }
            }
        }
    }

    /// A message conflicting with `msg`, signed by `from` (Byzantine).
    fn conflicting(&mut self, from: usize, msg: &ConsensusMsg) -> Option<ConsensusMsg> {
        let signer = Signer::new(self.nodes[from].key.clone());
        match msg {
            ConsensusMsg::Proposal(p) if p.message.proposer.0 == self.nodes[from].key.address() => {
                let original = p.message.value.block();
                let block = self.nodes[from].host.app.make_block(
                    original.height(),
                    original.header.header.time_ms,
                    self.nodes[from].key.address(),
                    original.header.header.last_commit.clone(),
                    format!("evil/{}", self.now).as_bytes(),
                );
                let evil = Proposal {
                    value: bayledger_consensus::context::BlockValue::new(block),
                    ..p.message.clone()
                };
                let signed: SignedProposal<_> = signer.sign_proposal(CHAIN_ID, evil);
                Some(ConsensusMsg::Proposal(signed))
            }
            ConsensusMsg::Vote(v) if v.message.validator.0 == self.nodes[from].key.address() => {
                let value = match v.message.value {
                    NilOrVal::Nil => NilOrVal::Val(Hash::sha3(b"nothing")),
                    NilOrVal::Val(_) => NilOrVal::Nil,
                };
                let evil = Vote { value, ..v.message.clone() };
                let signed: SignedVote<_> = signer.sign_vote(CHAIN_ID, evil);
                Some(ConsensusMsg::Vote(signed))
            }
            _ => None,
        }
    }

    /// Highest height committed by node `i`.
    pub fn tip(&self, i: usize) -> u64 {
        self.nodes[i].host.app.tip()
    }
}

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

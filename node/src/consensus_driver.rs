//! The BFT edge (ADR 0007): one tokio task owns the pure [`BftEngine`] and
//! carries its outputs out, in order.
//!
//! | input | source |
//! |---|---|
//! | `received` | consensus gossip, decoded and signature-checked first; the verdict goes back to p2p (`Accept` / `Reject` / `Ignore`) so bad messages are not forwarded |
//! | `timeout_elapsed` | a `tokio::time::sleep` per `ScheduleTimeout` |
//! | `proposed_value` | `ChainApp::build_block` on a blocking thread — no earlier than `min_gap` after the previous commit, then as soon as the mempool holds a transaction, at the latest `block_time` after the commit |
//! | `value_validated` | `ChainApp::verify_block` (full re-execution) on a blocking thread; a propose timeout that fires meanwhile is held until the verdict is in (a proposal that arrived in time is not voted `nil` for taking long to verify) |
//! | `sync_decided` | [`crate::sync`]: blocks + commits fetched from peers |
//!
//! `Persist` is appended to `<home>/data/consensus.wal` and fsynced before any
//! later output of the batch runs; `Decided` commits the block (the verified
//! execution result), empties the WAL and starts the next height. At start-up
//! the engine recovers the next height from the WAL. Transactions travel in
//! batches ([`crate::tx_gossip`]): received batches are admitted in order by
//! a worker task, locally submitted transactions are batched and published.
//! Without a validator key (a full node) there is no engine: the node relays
//! gossip and commits what sync delivers.
//!
//! **Validator set changes.** Each height runs with its own set,
//! [`Chain::validators_at`] (the state after the previous block). When a
//! height starts, the edge looks its key up in that set: a member with an
//! engine starts the height with the new set; a key that joined gets an engine
//! (recovered from the WAL, which holds nothing above the committed chain);
//! a key that left drops its engine and follows the chain as a full node from
//! that height. The block time (and so the timeouts) is the one in force at
//! the height ([`block_time_at`]).

use crate::chain::Chain;
use crate::gossip_stats::{self, TxGossipStats};
use crate::sync::{self, Synced};
use crate::tx_gossip;
use bayledger_consensus::signing::{verify_proposal, verify_vote};
use bayledger_consensus::{
    BftEngine, ConsensusMsg, EngineConfig, EngineError, FileWal, Output, TimeoutConfig,
    TimeoutKind, Timer, ValidatorSet,
};
use bayledger_p2p::{Acceptance, MessageId, P2pEvent, P2pHandle, PeerId, Topic};
use bayledger_types::block::SealedBlock;
use bayledger_types::{Address, Hash, SecretKey, pb};
use eyre::{Context, Result};
use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use bayledger_consensus::Application;

/// How the driver runs.
#[derive(Debug, Clone)]
pub struct DriverConfig {
    /// Longest wait after a commit for a transaction before an empty block is
    /// proposed.
    pub block_time: Duration,
    /// Least time between a commit and the next proposal.
    pub min_gap: Duration,
    /// Step timeouts.
    pub timeouts: TimeoutConfig,
    /// The WAL file.
    pub wal_path: PathBuf,
    /// The configured least gap (`None`: a tenth of the block time).
    pub min_gap_setting: Option<Duration>,
}

impl DriverConfig {
    /// Defaults for `block_time`: the propose timeout leaves the proposer its
    /// block time on top of the default; the least gap between blocks is
    /// `min_gap`, or a tenth of the block time.
    pub fn new(block_time: Duration, min_gap: Option<Duration>, wal_path: PathBuf) -> DriverConfig {
        let base = TimeoutConfig::default();
        let timeouts = TimeoutConfig { propose: base.propose + block_time, ..base };
        let min_gap_setting = min_gap;
        let min_gap = min_gap.unwrap_or(block_time / 10).min(block_time);
        DriverConfig { block_time, min_gap, timeouts, wal_path, min_gap_setting }
    }

    /// The same configuration for another block time.
    pub fn with_block_time(&self, block_time: Duration) -> DriverConfig {
        DriverConfig::new(block_time, self.min_gap_setting, self.wal_path.clone())
    }
}

/// The block time consensus runs with at `height`: the node's
/// `consensus.block_time_ms` when set, else the chain's `block_time_ms`
/// parameter in force at that height ([`Chain::params_at`]; governance may
/// change it at a height).
pub fn block_time_at(chain: &Chain, height: u64) -> Result<Duration> {
    Ok(Duration::from_millis(match chain.config.consensus.block_time_ms {
        0 => chain.params_at(height)?.block_time_ms,
        ms => ms,
    }))
}

/// Answers from blocking application work.
#[derive(Debug)]
enum AppDone {
    Built { height: u64, round: u32, block: Result<Box<SealedBlock>, String> },
    Validated { hash: Hash, height: u64, valid: bool },
}

/// The receiving ends the driver selects on.
#[derive(Debug)]
pub struct DriverInputs {
    /// p2p events.
    pub events: mpsc::Receiver<P2pEvent>,
    /// Blocks from sync.
    pub synced: mpsc::Receiver<Synced>,
    /// Locally submitted transactions to gossip (batched by [`tx_gossip`]).
    pub outbox: mpsc::UnboundedReceiver<Vec<u8>>,
    /// Turns true on shutdown.
    pub shutdown: watch::Receiver<bool>,
}

/// The consensus edge of one node.
pub struct Driver {
    chain: Arc<Chain>,
    p2p: P2pHandle,
    cfg: DriverConfig,
    key: Option<SecretKey>,
    engine: Option<BftEngine>,
    wal: Option<FileWal>,
    /// The validator set of `set_height` (the height consensus works on).
    set: ValidatorSet,
    set_height: u64,
    last_commit: Option<pb::Commit>,
    committed_at: Instant,
    seen: watch::Sender<u64>,
    timer_tx: mpsc::UnboundedSender<Timer>,
    app_tx: mpsc::UnboundedSender<AppDone>,
    tx_stats: Arc<TxGossipStats>,
    /// Received tx batches, to the admission worker.
    tx_in: mpsc::Sender<tx_gossip::Received>,
    /// Blocks being verified.
    validating: HashSet<Hash>,
    /// Propose timeouts held while a proposal is being verified.
    held: Vec<Timer>,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver").field("engine", &self.engine).finish_non_exhaustive()
    }
}

impl Driver {
    /// Runs the edge until shutdown. `key`: the validator key (`None` on a
    /// full node); `seen` receives the highest consensus height seen on the
    /// network (it wakes block sync).
    pub async fn run(
        chain: Arc<Chain>,
        p2p: P2pHandle,
        key: Option<SecretKey>,
        cfg: DriverConfig,
        seen: watch::Sender<u64>,
        mut inputs: DriverInputs,
    ) -> Result<()> {
        let tip = chain.height()?;
        let set = ValidatorSet::from_pb(&*chain.validators_at(tip + 1)?)
            .with_context(|| format!("validator set of height {}", tip + 1))?;
        if let Some(k) = &key {
            chain.status.set_validator_key(k.address());
        }
        let (timer_tx, mut timers) = mpsc::unbounded_channel();
        let (app_tx, mut app) = mpsc::unbounded_channel();
        let last_commit = if tip == 0 { None } else { chain.store.commit_at(tip)? };
        let tx_stats = Arc::<TxGossipStats>::default();
        let (tx_in, tx_queue) = mpsc::channel(tx_gossip::INBOUND_QUEUE);
        let background: Vec<JoinHandle<()>> = vec![
            tokio::spawn(tx_gossip::run_outbound(inputs.outbox, p2p.clone())),
            tokio::spawn(tx_gossip::run_inbound(
                chain.clone(),
                p2p.clone(),
                tx_stats.clone(),
                tx_queue,
            )),
        ];
        let mut d = Driver {
            chain,
            p2p,
            cfg,
            key,
            engine: None,
            wal: None,
            set,
            set_height: tip + 1,
            last_commit,
            committed_at: Instant::now(),
            seen,
            timer_tx,
            app_tx,
            tx_stats,
            tx_in,
            validating: HashSet::new(),
            held: Vec::new(),
        };
        let first = d.recover_engine()?;
        d.run_outputs(first).await?;
        let mut stats_tick = tokio::time::interval(gossip_stats::LOG_EVERY);
        let mut stats_prev = d.tx_stats.snapshot();
        let result = loop {
            let step = tokio::select! {
                _ = inputs.shutdown.changed() => break Ok(()),
                ev = inputs.events.recv() => match ev {
                    Some(ev) => d.on_event(ev).await,
                    None => break Err(eyre::eyre!("the p2p service stopped")),
                },
                Some(timer) = timers.recv() => d.on_timer(timer).await,
                Some(done) = app.recv() => d.on_app(done).await,
                Some(s) = inputs.synced.recv() => d.on_synced(s).await,
                _ = stats_tick.tick() => {
                    let pool = d.chain.mempool.lock().len();
                    stats_prev = d.tx_stats.log_since(stats_prev, pool, d.p2p.stats());
                    Ok(())
                }
            };
            if let Err(e) = step {
                break Err(e);
            }
        };
        for task in background {
            task.abort();
        }
        d.p2p.shutdown().await;
        result
    }

    /// A timer fired: to the engine, unless it is a propose timeout while a
    /// proposal is being verified (held until the verdict).
    async fn on_timer(&mut self, timer: Timer) -> Result<()> {
        let Some(engine) = self.engine.as_mut() else { return Ok(()) };
        if timer.kind == TimeoutKind::Propose && !self.validating.is_empty() {
            self.held.push(timer);
            return Ok(());
        }
        let r = engine.timeout_elapsed(timer);
        let outputs = self.feed(r)?;
        self.run_outputs(outputs).await
    }

    /// (Re)builds the engine and recovers the next height from the WAL when
    /// this node's key is in that height's validator set; otherwise runs
    /// without an engine (a full node).
    fn recover_engine(&mut self) -> Result<Vec<Output>> {
        self.engine = None;
        self.wal = None;
        let next = self.chain.height()? + 1;
        let pb_set = self.switch_set(next)?;
        let Some(key) = self.key.clone().filter(|k| self.set.get(&k.address()).is_some()) else {
            if let Some(k) = &self.key {
                tracing::info!(
                    height = next, address = %k.address(),
                    "validator key is not in the validator set; following the chain as a full node"
                );
            }
            return Ok(Vec::new());
        };
        let (wal, entries) = FileWal::open(&self.cfg.wal_path)
            .with_context(|| format!("opening {}", self.cfg.wal_path.display()))?;
        let mut engine = BftEngine::new(EngineConfig {
            chain_id: self.chain.genesis.chain_id.clone(),
            key,
            timeouts: self.cfg.timeouts,
        });
        let outputs = engine
            .recover(next, &pb_set, &entries)
            .with_context(|| format!("recovering height {next} from the WAL"))?;
        tracing::info!(height = next, wal_entries = entries.len(), "consensus started");
        self.engine = Some(engine);
        self.wal = Some(wal);
        Ok(outputs)
    }

    /// Makes `height`'s validator set (and block time) current; records in
    /// the node status whether this node's key is a member. Returns the set.
    fn switch_set(&mut self, height: u64) -> Result<Arc<pb::ValidatorSet>> {
        let pb_set = self.chain.validators_at(height)?;
        if self.set.as_pb() != &*pb_set {
            self.set = ValidatorSet::from_pb(&pb_set)
                .with_context(|| format!("validator set of height {height}"))?;
            tracing::info!(
                height,
                validators = self.set.validators().len(),
                total_power = self.set.total_power(),
                "validator set changed"
            );
        }
        self.set_height = height;
        let block_time = block_time_at(&self.chain, height)?;
        if block_time != self.cfg.block_time {
            tracing::info!(
                height,
                block_time_ms = block_time.as_millis() as u64,
                "block time changed"
            );
            self.cfg = self.cfg.with_block_time(block_time);
        }
        let member = self.key.as_ref().is_some_and(|k| self.set.get(&k.address()).is_some());
        self.chain.status.set_member(member);
        Ok(pb_set)
    }

    /// Starts consensus on `height` (the block below it just committed) with
    /// its validator set: the engine starts the height; a key that joined the
    /// set gets an engine, one that left loses it.
    fn start_height(&mut self, height: u64) -> Result<Vec<Output>> {
        let pb_set = self.switch_set(height)?;
        let member = self.key.as_ref().is_some_and(|k| self.set.get(&k.address()).is_some());
        match (member, self.engine.as_mut()) {
            (true, Some(engine)) => {
                engine.set_timeouts(self.cfg.timeouts);
                let r = engine.start_height(height, &pb_set);
                self.feed(r)
            }
            (true, None) => {
                tracing::info!(height, "joined the validator set; starting consensus");
                self.recover_engine()
            }
            (false, Some(_)) => {
                tracing::info!(
                    height,
                    "left the validator set; following the chain as a full node"
                );
                self.engine = None;
                self.wal = None;
                self.validating.clear();
                self.held.clear();
                Ok(Vec::new())
            }
            (false, None) => Ok(Vec::new()),
        }
    }

    /// Turns an engine answer into outputs; an engine that broke is rebuilt.
    fn feed(&mut self, r: Result<Vec<Output>, EngineError>) -> Result<Vec<Output>> {
        match r {
            Ok(o) => Ok(o),
            Err(e @ (EngineError::Core(_) | EngineError::Internal(_))) => {
                tracing::error!(error = %e, "consensus engine failed; recovering from the WAL");
                self.recover_engine()
            }
            Err(e) => {
                tracing::warn!(error = %e, "consensus input refused");
                Ok(Vec::new())
            }
        }
    }

    /// Carries out outputs in order.
    async fn run_outputs(&mut self, outputs: Vec<Output>) -> Result<()> {
        let mut queue: VecDeque<Output> = outputs.into();
        while let Some(output) = queue.pop_front() {
            match output {
                Output::Persist(entry) => {
                    if let Some(wal) = self.wal.as_mut() {
                        wal.append(&entry).context("appending to the consensus WAL")?;
                    }
                }
                Output::Broadcast(msg) => {
                    let bytes = msg.encode(&self.chain.genesis.chain_id);
                    if let Err(e) = self.p2p.publish(Topic::Consensus, bytes).await {
                        tracing::debug!(error = %e, "consensus message not published");
                    }
                }
                Output::ScheduleTimeout { timer, duration } => {
                    let tx = self.timer_tx.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(duration).await;
                        let _ = tx.send(timer);
                    });
                }
                Output::BuildProposal { height, round } => self.build(height, round),
                Output::ValidateProposal { block, .. } => self.validate(block),
                Output::Decided { block, commit } => {
                    let more = self.commit_decided(block, commit).await?;
                    queue.extend(more);
                }
                Output::Evidence(e) => self.on_evidence(e),
            }
        }
        Ok(())
    }

    /// Verifies locally detected evidence off the runtime, pools it for the
    /// next block this node proposes and, when new, gossips it to the other
    /// validators.
    fn on_evidence(&self, ev: bayledger_consensus::cpb::Evidence) {
        let (chain, p2p) = (self.chain.clone(), self.p2p.clone());
        tokio::spawn(async move {
            let bytes = prost::Message::encode_to_vec(&ev);
            let b = bytes.clone();
            let added = tokio::task::spawn_blocking(move || crate::evidence::add_bytes(&chain, &b));
            match added.await {
                Ok(Ok(Some(o))) => {
                    tracing::warn!(
                        validator = %o.validator, height = o.height, round = o.round,
                        kind = o.kind, id = %o.id, "equivocation detected; evidence pooled"
                    );
                    if let Err(e) = p2p.publish(Topic::Evidence, bytes).await {
                        tracing::debug!(error = %e, id = %o.id, "evidence not gossiped");
                    }
                }
                Ok(Ok(None)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "engine evidence does not verify"),
                Err(e) => tracing::warn!(error = %e, "evidence check failed"),
            }
        });
    }

    /// Evidence from gossip: verified and pooled off the runtime; the verdict
    /// (invalid → `Reject`, nothing new → `Ignore`, pooled → `Accept`, which
    /// forwards it) goes back to p2p.
    fn on_gossiped_evidence(&self, msg_id: MessageId, source: PeerId, data: Vec<u8>) {
        let (chain, p2p) = (self.chain.clone(), self.p2p.clone());
        tokio::spawn(async move {
            let added =
                tokio::task::spawn_blocking(move || crate::evidence::add_bytes(&chain, &data));
            let verdict = match added.await {
                Ok(Ok(Some(o))) => {
                    tracing::warn!(
                        validator = %o.validator, height = o.height, round = o.round,
                        kind = o.kind, id = %o.id, from = %source,
                        "equivocation evidence received; evidence pooled"
                    );
                    Acceptance::Accept
                }
                Ok(Ok(None)) => Acceptance::Ignore,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, from = %source, "gossiped evidence rejected");
                    Acceptance::Reject
                }
                Err(_) => Acceptance::Ignore,
            };
            let _ = p2p.report(msg_id, verdict).await;
        });
    }

    fn build(&self, height: u64, round: u32) {
        let Some(engine) = self.engine.as_ref() else { return };
        let (chain, tx) = (self.chain.clone(), self.app_tx.clone());
        let (proposer, last_commit) = (engine.address(), self.last_commit.clone());
        let earliest = self.committed_at + self.cfg.min_gap;
        let idle_until = self.committed_at + self.cfg.block_time;
        let asked = Instant::now();
        tokio::spawn(async move {
            tokio::time::sleep_until(earliest).await;
            chain.wait_for_txs(idle_until).await;
            let built = tokio::task::spawn_blocking(move || {
                let (started, pool) = (Instant::now(), chain.mempool.lock().len());
                let block = build_now(&chain, height, proposer, last_commit)?;
                tracing::info!(
                    height,
                    round,
                    txs = block.txs.len(),
                    mempool = pool,
                    waited_ms = (started - asked).as_millis() as u64,
                    build_ms = started.elapsed().as_millis() as u64,
                    "built proposal"
                );
                Ok(block)
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r.map(Box::new));
            let _ = tx.send(AppDone::Built { height, round, block: built });
        });
    }

    fn validate(&mut self, block: SealedBlock) {
        let (chain, tx) = (self.chain.clone(), self.app_tx.clone());
        let asked = Instant::now();
        self.validating.insert(block.hash());
        tokio::task::spawn_blocking(move || {
            let (hash, height) = (block.hash(), block.height());
            let started = Instant::now();
            let valid = match chain.verify_proposal(&block) {
                Ok(sigs_checked) => {
                    tracing::info!(
                        height, %hash, txs = block.txs.len(), sigs_checked,
                        queued_ms = (started - asked).as_millis() as u64,
                        verify_ms = started.elapsed().as_millis() as u64,
                        mempool = chain.mempool.lock().len(),
                        "verified proposal"
                    );
                    true
                }
                Err(e) => {
                    tracing::warn!(%hash, height, error = %e, "proposed block is invalid");
                    false
                }
            };
            let _ = tx.send(AppDone::Validated { hash, height, valid });
        });
    }

    async fn on_app(&mut self, done: AppDone) -> Result<()> {
        let Some(engine) = self.engine.as_mut() else { return Ok(()) };
        let r = match done {
            AppDone::Built { height, round, block: Ok(block) } => {
                tracing::debug!(height, round, hash = %block.hash(), "proposing");
                engine.proposed_value(height, round, *block)
            }
            AppDone::Built { height, round, block: Err(e) } => {
                if height == engine.height() {
                    tracing::warn!(height, round, error = %e, "could not build a block");
                } else {
                    tracing::debug!(height, round, error = %e, "stale block build dropped");
                }
                return Ok(());
            }
            AppDone::Validated { hash, height, valid } => {
                self.validating.remove(&hash);
                let r = if height == engine.height() {
                    engine.value_validated(hash, valid)
                } else {
                    Ok(Vec::new())
                };
                let outputs = self.feed(r)?;
                self.run_outputs(outputs).await?;
                return self.release_held().await;
            }
        };
        let outputs = self.feed(r)?;
        self.run_outputs(outputs).await
    }

    /// Hands held propose timeouts to the engine once nothing is being
    /// verified (stale ones are ignored by the engine).
    async fn release_held(&mut self) -> Result<()> {
        if !self.validating.is_empty() {
            return Ok(());
        }
        for timer in std::mem::take(&mut self.held) {
            let Some(engine) = self.engine.as_mut() else { return Ok(()) };
            let r = engine.timeout_elapsed(timer);
            let outputs = self.feed(r)?;
            self.run_outputs(outputs).await?;
        }
        Ok(())
    }

    /// Commits a decided block, empties the WAL and starts the next height.
    async fn commit_decided(
        &mut self,
        block: SealedBlock,
        commit: pb::Commit,
    ) -> Result<Vec<Output>> {
        let (height, hash, txs) = (block.height(), block.hash(), block.txs.len());
        let chain = self.chain.clone();
        let c = commit.clone();
        let started = Instant::now();
        tokio::task::spawn_blocking(move || chain.app().commit_block(&block, &c))
            .await?
            .with_context(|| format!("committing decided block {height} ({hash})"))?;
        let commit_ms = started.elapsed().as_millis() as u64;
        tracing::info!(height, %hash, txs, round = commit.round, commit_ms, "committed block");
        self.last_commit = Some(commit);
        self.committed_at = Instant::now();
        if let Some(wal) = self.wal.as_mut() {
            wal.reset().context("resetting the consensus WAL")?;
        }
        self.start_height(height + 1)
    }

    async fn on_synced(&mut self, s: Synced) -> Result<()> {
        let tip = self.chain.height()?;
        let height = s.block.height();
        if height <= tip {
            let _ = s.done.send(Ok(()));
            return Ok(());
        }
        if height != tip + 1 {
            let _ = s.done.send(Err(format!("height {height}, expected {}", tip + 1)));
            return Ok(());
        }
        let result = match self.engine.as_mut() {
            Some(engine) => {
                let r = engine.sync_decided(s.block, s.commit);
                let outputs = self.feed(r)?;
                self.run_outputs(outputs).await
            }
            None => self.commit_decided(s.block, s.commit).await.map(drop),
        };
        let committed = self.chain.height()? > tip;
        let _ = s.done.send(if committed { Ok(()) } else { Err("not committed".into()) });
        result
    }

    async fn on_event(&mut self, event: P2pEvent) -> Result<()> {
        match event {
            P2pEvent::Gossip { topic: Topic::Consensus, msg_id, data, .. } => {
                self.on_consensus(msg_id, &data).await
            }
            P2pEvent::Gossip { topic: Topic::Transactions, msg_id, data, .. } => {
                self.on_tx_batch(msg_id, data).await;
                Ok(())
            }
            P2pEvent::Gossip { topic: Topic::Evidence, msg_id, source, data } => {
                self.on_gossiped_evidence(msg_id, source, data);
                Ok(())
            }
            P2pEvent::SyncRequest { data, reply, .. } => {
                let chain = self.chain.clone();
                tokio::task::spawn_blocking(move || {
                    let _ = reply.send(sync::respond(&chain, &data));
                });
                Ok(())
            }
            P2pEvent::PeerConnected { peer, .. } => {
                tracing::info!(%peer, "peer connected");
                Ok(())
            }
            P2pEvent::PeerDisconnected { peer } => {
                tracing::info!(%peer, "peer disconnected");
                Ok(())
            }
            other => {
                tracing::debug!(event = ?other, "p2p event");
                Ok(())
            }
        }
    }

    /// The height consensus works on (the next one to commit).
    fn current_height(&self) -> Result<u64> {
        Ok(match self.engine.as_ref() {
            Some(e) => e.height(),
            None => self.chain.height()? + 1,
        })
    }

    async fn on_consensus(&mut self, msg_id: MessageId, data: &[u8]) -> Result<()> {
        let current = self.current_height()?;
        if self.set_height != current {
            self.switch_set(current)?;
        }
        let (verdict, msg) =
            consensus_verdict(&self.chain.genesis.chain_id, &self.set, current, data);
        if let Err(e) = self.p2p.report(msg_id, verdict).await {
            tracing::debug!(error = %e, "gossip verdict not delivered");
        }
        let Some(msg) = msg else { return Ok(()) };
        if msg.height() > current && verdict == Acceptance::Accept {
            self.seen.send_if_modified(|h| {
                let higher = msg.height() > *h;
                if higher {
                    *h = msg.height();
                }
                higher
            });
        }
        let Some(engine) = self.engine.as_mut() else { return Ok(()) };
        let r = engine.received(msg);
        let outputs = self.feed(r)?;
        self.run_outputs(outputs).await
    }

    /// Queues a received tx batch for the admission worker; ignored (not
    /// forwarded) when the queue is full.
    async fn on_tx_batch(&self, msg_id: MessageId, data: Vec<u8>) {
        let received = tx_gossip::Received { msg_id, data };
        if let Err(mpsc::error::TrySendError::Full(r)) = self.tx_in.try_send(received) {
            self.tx_stats.queue_full.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let _ = self.p2p.report(r.msg_id, Acceptance::Ignore).await;
        }
    }
}

/// The verdict on consensus gossip at height `current`, whose validator set
/// is `set`, and the message when it goes to the engine:
///
/// - undecodable (or another chain's) → `Reject`;
/// - below `current` → `Ignore`;
/// - a proposal or vote validly signed by a member of `set` → `Accept`
///   (forwarded); signed otherwise by a member → `Reject`;
/// - at `current` from a non-member → `Reject`;
/// - above `current` from a non-member → `Ignore` (not forwarded) but handed
///   to the engine: that height's set is not known yet (a validator may join
///   at it), and the engine checks the signature against it when the height
///   starts;
/// - certificates are checked vote by vote by the engine (`Accept`).
pub fn consensus_verdict(
    chain_id: &str,
    set: &ValidatorSet,
    current: u64,
    data: &[u8],
) -> (Acceptance, Option<ConsensusMsg>) {
    let Ok(msg) = ConsensusMsg::decode(chain_id, data) else { return (Acceptance::Reject, None) };
    if msg.height() < current {
        return (Acceptance::Ignore, None);
    }
    let key_of = |a: &Address| set.get(a).map(|v| v.public_key);
    let signed = match &msg {
        ConsensusMsg::Proposal(p) => {
            key_of(&p.message.proposer.0).map(|k| verify_proposal(chain_id, p, &k).is_ok())
        }
        ConsensusMsg::Vote(v) => {
            key_of(&v.message.validator.0).map(|k| verify_vote(chain_id, v, &k).is_ok())
        }
        ConsensusMsg::PolkaCertificate(_) | ConsensusMsg::RoundCertificate(_) => Some(true),
    };
    match signed {
        Some(true) => (Acceptance::Accept, Some(msg)),
        None if msg.height() > current => (Acceptance::Ignore, Some(msg)),
        Some(false) | None => (Acceptance::Reject, None),
    }
}

/// Builds the next block now (time: wall clock, above the parent's).
fn build_now(
    chain: &Chain,
    height: u64,
    proposer: Address,
    last_commit: Option<pb::Commit>,
) -> Result<SealedBlock, String> {
    let parent_time = chain.block_time_ms(height.saturating_sub(1)).map_err(|e| e.to_string())?;
    let time_ms = crate::verify::now_ms().max(parent_time + 1);
    chain.app().build_block(height, time_ms, proposer, last_commit).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    const CHAIN: &str = "driver-test";

    fn keys() -> Vec<SecretKey> {
        (1..=4u8).map(|b| SecretKey::from_bytes(&[b; 32]).expect("key")).collect()
    }

    fn set_of(keys: &[SecretKey]) -> pb::ValidatorSet {
        pb::ValidatorSet {
            validators: keys
                .iter()
                .map(|k| pb::Validator::of_key(&k.public_key(), 10, ""))
                .collect(),
        }
    }

    /// A real signed prevote (nil, after the propose timeout) from a validator
    /// that does not propose at height 1, round 0.
    fn signed_vote(keys: &[SecretKey], set: &pb::ValidatorSet) -> Vec<u8> {
        let cs = ValidatorSet::from_pb(set).expect("set");
        let proposer = cs.proposer(1, 0).address;
        let key = keys.iter().find(|k| k.address() != proposer.0).expect("a non-proposer");
        let mut engine = BftEngine::new(EngineConfig {
            chain_id: CHAIN.into(),
            key: key.clone(),
            timeouts: TimeoutConfig::default(),
        });
        let out = engine.start_height(1, set).expect("starts");
        let timer = out
            .iter()
            .find_map(|o| match o {
                Output::ScheduleTimeout { timer, .. } if timer.kind == TimeoutKind::Propose => {
                    Some(*timer)
                }
                _ => None,
            })
            .expect("propose timer");
        let out = engine.timeout_elapsed(timer).expect("times out");
        out.iter()
            .find_map(|o| match o {
                Output::Broadcast(m @ ConsensusMsg::Vote(_)) => Some(m.encode(CHAIN)),
                _ => None,
            })
            .expect("a prevote")
    }

    #[test]
    fn blocks_are_spaced_by_a_tenth_of_the_block_time_unless_configured() {
        let wal = PathBuf::from("wal");
        let second = Duration::from_secs(1);
        let d = DriverConfig::new(second, None, wal.clone());
        assert_eq!((d.min_gap, d.block_time), (Duration::from_millis(100), second));
        assert_eq!(d.timeouts.propose, TimeoutConfig::default().propose + second);
        let d = DriverConfig::new(second, Some(Duration::ZERO), wal.clone());
        assert_eq!(d.min_gap, Duration::ZERO);
        let d = DriverConfig::new(second, Some(Duration::from_secs(5)), wal);
        assert_eq!(d.min_gap, second, "never above the block time");
    }

    #[test]
    fn gossip_verdicts_accept_only_validly_signed_current_messages() {
        let keys = keys();
        let set = set_of(&keys);
        let cs = ValidatorSet::from_pb(&set).expect("set");
        let vote = signed_vote(&keys, &set);
        assert_eq!(consensus_verdict(CHAIN, &cs, 1, &vote).0, Acceptance::Accept);
        assert_eq!(consensus_verdict(CHAIN, &cs, 2, &vote).0, Acceptance::Ignore, "stale");
        assert_eq!(consensus_verdict("other", &cs, 1, &vote).0, Acceptance::Reject, "chain");
        assert_eq!(consensus_verdict(CHAIN, &cs, 1, b"junk").0, Acceptance::Reject);

        let mut forged =
            bayledger_consensus::cpb::ConsensusMessage::decode(vote.as_slice()).expect("decodes");
        if let Some(bayledger_consensus::cpb::consensus_message::Kind::Vote(v)) =
            forged.kind.as_mut()
        {
            v.signature[7] ^= 1;
        }
        let forged = forged.encode_to_vec();
        assert_ne!(forged, vote);
        assert_eq!(consensus_verdict(CHAIN, &cs, 1, &forged).0, Acceptance::Reject, "forged");

        // Signed by a key outside the set.
        let outsider = set_of(&[SecretKey::from_bytes(&[9; 32]).expect("key")]);
        let others = ValidatorSet::from_pb(&outsider).expect("set");
        assert_eq!(consensus_verdict(CHAIN, &others, 1, &vote).0, Acceptance::Reject, "member");
        // At a future height the signer may have joined the set: not forwarded,
        // but kept for the engine, which checks it against that height's set.
        let (verdict, msg) = consensus_verdict(CHAIN, &others, 0, &vote);
        assert_eq!((verdict, msg.map(|m| m.height())), (Acceptance::Ignore, Some(1)), "joined");
        let forged_future = consensus_verdict(CHAIN, &cs, 0, &forged);
        assert_eq!(forged_future.0, Acceptance::Reject, "a member's forgery at any height");
    }
}

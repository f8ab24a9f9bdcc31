//! [`BftEngine`]: Tendermint (Malachite's core) as a pure state machine.
//!
//! The engine owns no thread, socket, timer, clock or file. Each call takes one
//! input and returns the [`Output`]s it caused, **in order**; the node's edge
//! carries them out:
//!
//! | input | from |
//! |---|---|
//! | [`BftEngine::start_height`] / [`BftEngine::recover`] | after a commit / at start-up (with the WAL) |
//! | [`BftEngine::received`] | the network (decoded with [`ConsensusMsg::decode`]) |
//! | [`BftEngine::timeout_elapsed`] | a timer requested by [`Output::ScheduleTimeout`] |
//! | [`BftEngine::proposed_value`] | the application, answering [`Output::BuildProposal`] |
//! | [`BftEngine::value_validated`] | the application, answering [`Output::ValidateProposal`] |
//! | [`BftEngine::sync_decided`] | block sync: a decided block with its commit |
//!
//! **Ordering contract.** A [`Output::Persist`] must be durable (WAL append +
//! fsync) before any later output of the same batch is carried out; in
//! particular before the [`Output::Broadcast`] of the message it records. The
//! engine emits the entry of every message it signs before the message's
//! broadcast (double-sign guard, ADR 0007).
//!
//! Internally every input becomes a Malachite `Input` run through
//! `malachitebft_core_consensus::process!`; the effects Malachite yields are
//! answered synchronously (signing, signature and certificate checks) or turned
//! into outputs (publish, timers, value requests, WAL appends, decisions).

use std::convert::Infallible;
use std::time::Duration;

use bayledger_types::block::verify_commit;
use bayledger_types::{Address, BlockError, Hash, SealedBlock, SecretKey, pb};
use malachitebft_core_consensus::{
    self as mcc, Input, LocallyProposedValue, Params, ProposedValue, State, ValuePayload, process,
};
use malachitebft_core_types::{
    Round, ThresholdParams, Timeout, Validity, ValueOrigin, VoteExtensionPolicy,
};

use crate::context::{BayContext, BlockValue, Height, ValidatorAddress};
use crate::cpb;
use crate::effects::{Fx, Replay};
use crate::msg::{ConsensusMsg, MsgError};
use crate::signing::{Signer, wire_round};
use crate::timeouts::{TimeoutConfig, TimeoutKind, Timer};
use crate::validators::{ValidatorSet, ValidatorSetError};
use crate::wal::{WalEntry, input_of};

/// What the edge has to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Send to every validator.
    Broadcast(ConsensusMsg),
    /// Start a timer; call [`BftEngine::timeout_elapsed`] after `duration`.
    ScheduleTimeout {
        /// The timer.
        timer: Timer,
        /// After how long.
        duration: Duration,
    },
    /// We propose in this round: build a block (`Application::build_block`) and
    /// hand it to [`BftEngine::proposed_value`] before the propose timeout.
    BuildProposal {
        /// Height.
        height: u64,
        /// Round.
        round: u32,
    },
    /// Check this proposed block (`Application::verify_block`) and answer with
    /// [`BftEngine::value_validated`].
    ValidateProposal {
        /// Height.
        height: u64,
        /// Round it was proposed in.
        round: u32,
        /// The block.
        block: SealedBlock,
    },
    /// Append to the WAL and fsync before carrying out any later output.
    Persist(WalEntry),
    /// The block is decided (paper line 49): commit it with its commit
    /// (`Application::commit_block`), then call [`BftEngine::start_height`] for
    /// the next height.
    Decided {
        /// The block.
        block: SealedBlock,
        /// The precommits that decided it; passes `verify_commit`.
        commit: pb::Commit,
    },
    /// Proof that a validator equivocated (gossip it, put it in a block).
    Evidence(cpb::Evidence),
}

/// Engine configuration.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Chain id (signed into every vote and proposal).
    pub chain_id: String,
    /// This validator's key.
    pub key: SecretKey,
    /// Step timeouts.
    pub timeouts: TimeoutConfig,
}

/// Why the engine refused an input. After [`EngineError::Core`] or
/// [`EngineError::Internal`] the engine must be dropped and rebuilt with
/// [`BftEngine::recover`].
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The validator set is malformed.
    #[error("validator set: {0}")]
    ValidatorSet(#[from] ValidatorSetError),
    /// An input arrived before the first `start_height`.
    #[error("consensus has not started a height")]
    NotStarted,
    /// `start_height` with a height not above the current one.
    #[error("cannot start height {requested}: already at height {current}")]
    HeightRegression {
        /// Requested.
        requested: u64,
        /// Current.
        current: u64,
    },
    /// The WAL holds entries above the height being started: this node signed
    /// at a height the application has not committed (lost state). Starting
    /// would risk equivocation, so the engine refuses.
    #[error("the WAL holds entries for height {wal}, above the starting height {start}")]
    WalAhead {
        /// Highest height in the WAL.
        wal: u64,
        /// Height being started.
        start: u64,
    },
    /// A WAL entry does not convert back into a consensus input.
    #[error("wal entry: {0}")]
    Wal(#[from] MsgError),
    /// A synced block is not at the current height.
    #[error("synced block for height {got}, consensus is at height {current}")]
    SyncHeight {
        /// Block height.
        got: u64,
        /// Current height.
        current: u64,
    },
    /// A synced commit does not decide the synced block.
    #[error("synced commit: {0}")]
    SyncCommit(#[from] BlockError),
    /// Malachite's core failed (e.g. WAL replay diverged from the record).
    #[error("consensus core: {0}")]
    Core(String),
    /// An effect could not be honoured.
    #[error("internal: {0}")]
    Internal(String),
}

/// Tendermint BFT over Malachite's core, with IO at the edge. See the module docs.
pub struct BftEngine {
    state: Option<State<BayContext>>,
    set: Option<ValidatorSet>,
    fx: Fx,
}

impl std::fmt::Debug for BftEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BftEngine")
            .field("address", &self.fx.me)
            .field("height", &self.fx.height)
            .field("round", &self.round())
            .finish()
    }
}

/// Heights of buffered future inputs Malachite keeps, and inputs per height.
const QUEUE_HEIGHTS: usize = 8;
const QUEUE_PER_HEIGHT: usize = 4096;

impl BftEngine {
    /// A new engine; nothing happens until [`BftEngine::start_height`] or
    /// [`BftEngine::recover`].
    pub fn new(config: EngineConfig) -> BftEngine {
        let me = ValidatorAddress(config.key.address());
        BftEngine {
            state: None,
            set: None,
            fx: Fx::new(
                BayContext::new(&config.chain_id),
                Signer::new(config.key),
                me,
                config.timeouts,
            ),
        }
    }

    /// This validator's address.
    pub fn address(&self) -> Address {
        self.fx.me.0
    }

    /// The chain id.
    pub fn chain_id(&self) -> &str {
        self.fx.ctx.chain_id()
    }

    /// Current height (0 before the first start).
    pub fn height(&self) -> u64 {
        self.fx.height
    }

    /// Current round, if a height is running.
    pub fn round(&self) -> Option<u32> {
        self.state.as_ref().and_then(|s| s.round().as_u32())
    }

    /// The validator set of the current height.
    pub fn validator_set(&self) -> Option<&ValidatorSet> {
        self.set.as_ref()
    }

    /// Step timeouts for timers scheduled from now on (the edge sets them
    /// before starting a height whose chain parameters changed).
    pub fn set_timeouts(&mut self, timeouts: TimeoutConfig) {
        self.fx.timeouts = timeouts;
    }

    /// How many times the double-sign guard refused to sign a message
    /// conflicting with one already signed (0 for a correct run).
    pub fn guard_refusals(&self) -> u64 {
        self.fx.guard_refusals
    }

    /// Starts consensus for `height` (paper line 10, `StartRound(0)`) with
    /// `validators`, the set of that height (it may differ from the previous
    /// height's: only its members' votes count from now on). Call it at
    /// start-up on an empty WAL and after committing each decided block. The
    /// edge empties its WAL first.
    pub fn start_height(
        &mut self,
        height: u64,
        validators: &pb::ValidatorSet,
    ) -> Result<Vec<Output>, EngineError> {
        // Restarting a running height would forget its votes; only the guard
        // would stand between that and a double vote. Heights only go up.
        if self.state.is_some() && height <= self.fx.height {
            return Err(EngineError::HeightRegression {
                requested: height,
                current: self.fx.height,
            });
        }
        let set = match &self.set {
            Some(s) if s.as_pb() == validators => s.clone(),
            _ => ValidatorSet::from_pb(validators)?,
        };
        self.fx.enter_height(height);
        self.set = Some(set.clone());
        if self.state.is_none() {
            self.state = Some(State::new(
                self.fx.ctx.clone(),
                Height(height),
                set.clone(),
                Params {
                    address: self.fx.me,
                    threshold_params: ThresholdParams::default(),
                    // Proposals carry the whole block, but the value is only
                    // "full" once the application has judged it (paper line 22:
                    // valid(v)), which is what this mode waits for.
                    value_payload: ValuePayload::ProposalAndParts,
                    enabled: true,
                },
                QUEUE_HEIGHTS,
                QUEUE_PER_HEIGHT,
            ));
        }
        self.run(Input::StartHeight(
            Height(height),
            set,
            false,
            None,
            VoteExtensionPolicy::Disabled,
        ))
    }

    /// Restarts at `height` after a crash: starts the height and replays the
    /// WAL `entries` (entries of lower heights are ignored). Messages this node
    /// signed before the crash are re-derived and re-used, never signed
    /// differently; outputs for still-pending work (timers, block building,
    /// validation) are emitted afresh.
    pub fn recover(
        &mut self,
        height: u64,
        validators: &pb::ValidatorSet,
        entries: &[WalEntry],
    ) -> Result<Vec<Output>, EngineError> {
        if let Some(max) = entries.iter().map(WalEntry::height).max().filter(|m| *m > height) {
            return Err(EngineError::WalAhead { wal: max, start: height });
        }
        let chain_id = self.fx.ctx.chain_id().to_string();
        let entries: Vec<&WalEntry> = entries.iter().filter(|e| e.height() == height).collect();
        let mut inputs = Vec::with_capacity(entries.len());
        let mut replay = Replay::default();
        for e in &entries {
            let input = input_of(&chain_id, e)?;
            replay.recorded.insert(e.encode());
            inputs.push(input);
        }
        self.fx.replay = Some(replay);
        // The guard must know what we signed before the core re-derives anything.
        for input in &inputs {
            self.fx.remember_own(input, true);
        }
        let mut outputs = match self.start_height(height, validators) {
            Ok(o) => o,
            Err(e) => {
                self.fx.replay = None;
                return Err(e);
            }
        };
        if let Some(state) = self.state.as_mut() {
            state.index_wal_entries(inputs.iter());
        }
        let mut result = Ok(());
        for input in inputs {
            if let Input::TimeoutElapsed(t) = &input
                && let (Some(r), Some(k)) = (t.round.as_u32(), TimeoutKind::from_mc(t.kind))
            {
                self.fx.timers.remove(&(r, k));
            }
            match self.run(input) {
                Ok(o) => outputs.extend(o),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if let Some(state) = self.state.as_mut() {
            state.reset_entries_index();
        }
        let replay = self.fx.replay.take().unwrap_or_default();
        result?;
        outputs.extend(self.after_replay(height, replay));
        Ok(outputs)
    }

    fn after_replay(&mut self, height: u64, replay: Replay) -> Vec<Output> {
        let mut out = Vec::new();
        // Blocks whose validation was pending at the crash.
        for (hash, known) in &self.fx.blocks {
            if known.proposer != self.fx.me
                && !self.fx.validated.contains(hash)
                && self.fx.validation_requested.insert(*hash)
            {
                out.push(Output::ValidateProposal {
                    height,
                    round: wire_round(known.round),
                    block: known.value.block().clone(),
                });
            }
        }
        // A value we were asked to build and had not proposed yet.
        if let (Some((h, r)), Some(state)) = (replay.wanted, self.state.as_ref())
            && h == height
            && state.round() == Round::new(r)
            && state.driver.step_is_propose()
            && state
                .full_proposal_at_round_and_proposer(&Height(h), Round::new(r), &self.fx.me)
                .is_none()
        {
            self.fx.wanted_value = Some((h, r));
            out.push(Output::BuildProposal { height: h, round: r });
        }
        // Timers still running, afresh.
        let timers: Vec<(u32, TimeoutKind)> = self.fx.timers.keys().copied().collect();
        for (round, kind) in timers {
            out.push(self.fx.schedule(round, kind));
        }
        out
    }

    /// A message from the network.
    pub fn received(&mut self, msg: ConsensusMsg) -> Result<Vec<Output>, EngineError> {
        if self.state.is_none() {
            return Err(EngineError::NotStarted);
        }
        if msg.height() < self.fx.height {
            return Ok(Vec::new());
        }
        match msg {
            ConsensusMsg::Proposal(p) => self.run(Input::Proposal(p)),
            ConsensusMsg::Vote(v) => self.run(Input::Vote(v)),
            ConsensusMsg::PolkaCertificate(c) => self.run(Input::PolkaCertificate(c)),
            ConsensusMsg::RoundCertificate(c) => self.run(Input::RoundCertificate(c)),
        }
    }

    /// A timer fired. Stale, cancelled and superseded timers are ignored.
    pub fn timeout_elapsed(&mut self, timer: Timer) -> Result<Vec<Output>, EngineError> {
        if timer.height != self.fx.height
            || self.fx.timers.get(&(timer.round, timer.kind)) != Some(&timer.id)
        {
            return Ok(Vec::new());
        }
        self.fx.timers.remove(&(timer.round, timer.kind));
        self.run(Input::TimeoutElapsed(Timeout::new(Round::new(timer.round), timer.kind.to_mc())))
    }

    /// The block the application built for [`Output::BuildProposal`]
    /// (`height`, `round`). Ignored if that request is no longer current.
    pub fn proposed_value(
        &mut self,
        height: u64,
        round: u32,
        block: SealedBlock,
    ) -> Result<Vec<Output>, EngineError> {
        if self.fx.wanted_value != Some((height, round)) || block.height() != height {
            return Ok(Vec::new());
        }
        self.fx.wanted_value = None;
        let value = BlockValue::new(block);
        self.run(Input::Propose(LocallyProposedValue::new(
            Height(height),
            Round::new(round),
            value,
        )))
    }

    /// The application's verdict on a block from [`Output::ValidateProposal`].
    /// An invalid block is prevoted `nil` (paper line 26). Ignored if the block
    /// is not one proposed at the current height.
    pub fn value_validated(
        &mut self,
        block_hash: Hash,
        valid: bool,
    ) -> Result<Vec<Output>, EngineError> {
        let Some(known) = self.fx.blocks.get(&block_hash).cloned() else {
            return Ok(Vec::new());
        };
        if !self.fx.validated.insert(block_hash) {
            return Ok(Vec::new());
        }
        let value = ProposedValue {
            height: Height(self.fx.height),
            round: known.round,
            valid_round: known.pol_round,
            proposer: known.proposer,
            value: known.value,
            validity: Validity::from_bool(valid),
        };
        self.run(Input::ProposedValue(value, ValueOrigin::Consensus))
    }

    /// A block decided elsewhere, delivered by block sync with its commit. If it
    /// is for the current height and the commit verifies (more than 2/3 of the
    /// power, validator signatures only), it is decided here too.
    pub fn sync_decided(
        &mut self,
        block: SealedBlock,
        commit: pb::Commit,
    ) -> Result<Vec<Output>, EngineError> {
        let set = self.set.as_ref().ok_or(EngineError::NotStarted)?;
        if block.height() != self.fx.height {
            return Err(EngineError::SyncHeight { got: block.height(), current: self.fx.height });
        }
        if self.fx.decided == Some(self.fx.height) {
            return Ok(Vec::new());
        }
        verify_commit(&commit, self.fx.ctx.chain_id(), block.height(), &block.hash(), set.as_pb())?;
        self.fx.decided = Some(self.fx.height);
        self.fx.timers.clear();
        Ok(vec![Output::Decided { block, commit }])
    }

    fn run(&mut self, input: Input<BayContext>) -> Result<Vec<Output>, EngineError> {
        let state = self.state.as_mut().ok_or(EngineError::NotStarted)?;
        let fx = &mut self.fx;
        let result: Result<(), mcc::Error<BayContext>> = process!(
            input: input,
            state: state,
            metrics: &(),
            with: effect => Ok::<_, Infallible>(fx.handle(effect))
        );
        fx.collect_evidence(state);
        let out = std::mem::take(&mut fx.out);
        if let Err(e) = result {
            return Err(EngineError::Core(e.to_string()));
        }
        if !fx.errors.is_empty() {
            return Err(EngineError::Internal(std::mem::take(&mut fx.errors).join("; ")));
        }
        Ok(out)
    }
}

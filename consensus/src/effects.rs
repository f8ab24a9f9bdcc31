//! Answering the effects Malachite's core yields while it processes an input.
//!
//! Synchronous effects are answered on the spot: signing (behind the
//! double-sign guard), signature and certificate checks. The others become
//! [`Output`]s for the edge: publishing, timers, value requests, WAL appends,
//! decisions and evidence.

use std::collections::{BTreeMap, BTreeSet};

use bayledger_types::block::verify_commit;
use bayledger_types::{BlockError, Hash};
use malachitebft_core_consensus::{
    self as mcc, Effect, Input, LivenessMsg, Resumable, Resume, SignedConsensusMsg, State,
    VoteExtensionError,
};
use malachitebft_core_types::{
    self as mc, CertificateError, CommitCertificate, Round, SignedProposal, SignedVote,
    ThresholdParams, VoteType,
};
use prost::Message;

use crate::context::{BayContext, BlockValue, ValidatorAddress};
use crate::cpb;
use crate::engine::Output;
use crate::evidence::{duplicate_proposal, duplicate_vote};
use crate::msg::ConsensusMsg;
use crate::signing::{Signer, certificate_to_commit, verify_proposal, verify_vote, wire_round};
use crate::timeouts::{TimeoutConfig, TimeoutKind, Timer};
use crate::validators::ValidatorSet;
use crate::wal::entry_of;

/// Key of the double-sign guard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SignKind {
    Prevote,
    Precommit,
    Proposal,
}

#[derive(Clone, Debug)]
pub(crate) enum Signed {
    Vote(SignedVote<BayContext>),
    Proposal(SignedProposal<BayContext>),
}

/// A block seen at the current height, with the proposal metadata that goes
/// with it.
#[derive(Clone, Debug)]
pub(crate) struct KnownBlock {
    pub(crate) value: BlockValue,
    pub(crate) round: Round,
    pub(crate) pol_round: Round,
    pub(crate) proposer: ValidatorAddress,
}

#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// Encoded entries already in the WAL (not persisted again).
    pub(crate) recorded: BTreeSet<Vec<u8>>,
    /// The core asked for a value during replay.
    pub(crate) wanted: Option<(u64, u32)>,
}

/// Everything the effect handler touches (disjoint from Malachite's state).
#[derive(Debug)]
pub(crate) struct Fx {
    pub(crate) ctx: BayContext,
    pub(crate) signer: Signer,
    pub(crate) me: ValidatorAddress,
    pub(crate) timeouts: TimeoutConfig,
    /// Current height.
    pub(crate) height: u64,
    /// Outputs of the input being processed, in order.
    pub(crate) out: Vec<Output>,
    /// Running timers of this height: (round, kind) → id of the latest schedule.
    pub(crate) timers: BTreeMap<(u32, TimeoutKind), u64>,
    pub(crate) next_timer: u64,
    /// Double-sign guard: what we signed per (height, round, type).
    pub(crate) signed: BTreeMap<(u64, u32, SignKind), Signed>,
    /// Which of those are in the WAL.
    pub(crate) persisted_own: BTreeSet<(u64, u32, SignKind)>,
    /// Blocks proposed (or built by us) at this height.
    pub(crate) blocks: BTreeMap<Hash, KnownBlock>,
    pub(crate) validation_requested: BTreeSet<Hash>,
    /// Blocks the application judged (valid or not).
    pub(crate) validated: BTreeSet<Hash>,
    /// The (height, round) we were asked to build a block for.
    pub(crate) wanted_value: Option<(u64, u32)>,
    /// Last height a `Decided` was emitted for.
    pub(crate) decided: Option<u64>,
    /// Evidence already emitted (this height).
    pub(crate) evidence_seen: BTreeSet<Vec<u8>>,
    /// Set while the WAL is being replayed.
    pub(crate) replay: Option<Replay>,
    /// Effects that could not be honoured during this input.
    pub(crate) errors: Vec<String>,
    pub(crate) guard_refusals: u64,
}

impl Fx {
    pub(crate) fn new(
        ctx: BayContext,
        signer: Signer,
        me: ValidatorAddress,
        timeouts: TimeoutConfig,
    ) -> Fx {
        Fx {
            ctx,
            signer,
            me,
            timeouts,
            height: 0,
            out: Vec::new(),
            timers: BTreeMap::new(),
            next_timer: 0,
            signed: BTreeMap::new(),
            persisted_own: BTreeSet::new(),
            blocks: BTreeMap::new(),
            validation_requested: BTreeSet::new(),
            validated: BTreeSet::new(),
            wanted_value: None,
            decided: None,
            evidence_seen: BTreeSet::new(),
            replay: None,
            errors: Vec::new(),
            guard_refusals: 0,
        }
    }

    pub(crate) fn enter_height(&mut self, height: u64) {
        self.height = height;
        self.timers.clear();
        self.blocks.clear();
        self.validation_requested.clear();
        self.validated.clear();
        self.wanted_value = None;
        self.evidence_seen.clear();
        self.signed.retain(|(h, _, _), _| *h >= height);
        self.persisted_own.retain(|(h, _, _)| *h >= height);
    }

    pub(crate) fn chain_id(&self) -> &str {
        self.ctx.chain_id()
    }

    pub(crate) fn schedule(&mut self, round: u32, kind: TimeoutKind) -> Output {
        self.next_timer += 1;
        let id = self.next_timer;
        self.timers.insert((round, kind), id);
        Output::ScheduleTimeout {
            timer: Timer { height: self.height, round, kind, id },
            duration: self.timeouts.duration(kind, round),
        }
    }

    /// Registers an own signed message found in the WAL (guard + persisted).
    pub(crate) fn remember_own(&mut self, input: &Input<BayContext>, persisted: bool) {
        let (key, signed) = match input {
            Input::Vote(v) if v.message.validator == self.me => {
                (vote_key(&v.message), Signed::Vote(v.clone()))
            }
            Input::Proposal(p) if p.message.proposer == self.me => (
                (p.message.height.0, wire_round(p.message.round), SignKind::Proposal),
                Signed::Proposal(p.clone()),
            ),
            _ => return,
        };
        self.signed.entry(key).or_insert(signed);
        if persisted {
            self.persisted_own.insert(key);
        }
    }

    pub(crate) fn push(&mut self, output: Output) {
        self.out.push(output);
    }

    pub(crate) fn handle(&mut self, effect: Effect<BayContext>) -> Resume<BayContext> {
        match effect {
            Effect::CancelAllTimeouts(r) => {
                self.timers.clear();
                r.resume_with(())
            }
            Effect::CancelTimeout(t, r) => {
                if let (Some(round), Some(kind)) = (t.round.as_u32(), TimeoutKind::from_mc(t.kind))
                {
                    self.timers.remove(&(round, kind));
                }
                r.resume_with(())
            }
            Effect::ScheduleTimeout(t, r) => {
                match (t.round.as_u32(), TimeoutKind::from_mc(t.kind)) {
                    (Some(round), Some(kind)) => {
                        let out = self.schedule(round, kind);
                        if self.replay.is_none() {
                            self.push(out);
                        }
                    }
                    _ => self.errors.push(format!("unsupported timeout {t}")),
                }
                r.resume_with(())
            }
            Effect::StartRound(_, _, _, _, r) => r.resume_with(()),
            Effect::PublishConsensusMsg(msg, r) => {
                let msg = match msg {
                    SignedConsensusMsg::Vote(v) => ConsensusMsg::Vote(v),
                    SignedConsensusMsg::Proposal(p) => ConsensusMsg::Proposal(p),
                };
                self.ensure_persisted(&msg);
                self.push(Output::Broadcast(msg));
                r.resume_with(())
            }
            Effect::PublishLivenessMsg(msg, r) => {
                let msg = match msg {
                    LivenessMsg::Vote(v) => ConsensusMsg::Vote(v),
                    LivenessMsg::PolkaCertificate(c) => ConsensusMsg::PolkaCertificate(c),
                    LivenessMsg::SkipRoundCertificate(c) => ConsensusMsg::RoundCertificate(c),
                };
                self.push(Output::Broadcast(msg));
                r.resume_with(())
            }
            Effect::RepublishVote(v, r) => {
                self.push(Output::Broadcast(ConsensusMsg::Vote(v)));
                r.resume_with(())
            }
            Effect::RepublishRoundCertificate(c, r) => {
                self.push(Output::Broadcast(ConsensusMsg::RoundCertificate(c)));
                r.resume_with(())
            }
            Effect::GetValue(h, round, _timeout, r) => {
                let want = (h.0, wire_round(round));
                match self.replay.as_mut() {
                    Some(replay) => replay.wanted = Some(want),
                    None => {
                        self.wanted_value = Some(want);
                        self.push(Output::BuildProposal { height: want.0, round: want.1 });
                    }
                }
                r.resume_with(())
            }
            // Our proposals carry the whole block, and Malachite re-publishes the
            // signed proposal itself where it matters; nothing is streamed.
            Effect::RestreamProposal(_, _, _, _, _, r) => r.resume_with(()),
            // Malachite's own sync path is not used (see `sync_decided`).
            Effect::CertVerifiedSyncValue(_, _, r) => r.resume_with(()),
            Effect::CertRejectedSyncValue(_, _, _, r) => r.resume_with(()),
            Effect::Decide(cert, _extensions, r) => {
                self.decide(&cert);
                r.resume_with(())
            }
            Effect::Finalize(_cert, _extensions, evidence, r) => {
                for pairs in evidence.votes.iter().map(|(_, p)| p) {
                    for pair in pairs {
                        self.emit_evidence(duplicate_vote(self.ctx.chain_id(), pair));
                    }
                }
                for pairs in evidence.proposals.iter().map(|(_, p)| p) {
                    for pair in pairs {
                        self.emit_evidence(duplicate_proposal(self.ctx.chain_id(), pair));
                    }
                }
                r.resume_with(())
            }
            Effect::SignVote(vote, r) => r.resume_with(self.sign_vote(vote)),
            Effect::SignProposal(proposal, r) => r.resume_with(self.sign_proposal(proposal)),
            Effect::VerifySignature(msg, key, r) => {
                let ok = match &msg.message {
                    mcc::ConsensusMsg::Vote(v) => {
                        let signed = SignedVote::new(v.clone(), msg.signature);
                        self.is_own_record(&signed)
                            || verify_vote(self.chain_id(), &signed, &key).is_ok()
                    }
                    mcc::ConsensusMsg::Proposal(p) => {
                        let signed = SignedProposal::new(p.clone(), msg.signature);
                        verify_proposal(self.chain_id(), &signed, &key).is_ok()
                    }
                };
                r.resume_with(ok)
            }
            Effect::VerifyCommitCertificate(cert, set, _threshold, r) => {
                r.resume_with(self.verify_certificate(&cert, &set))
            }
            Effect::VerifyExtendedCommitCertificate(cert, set, _threshold, _policy, r) => {
                let result = match cert.commit_signatures.iter().find(|s| s.extension.is_some()) {
                    Some(s) => Err(CertificateError::UnexpectedVoteExtension(s.address)),
                    None => self.verify_certificate(&cert.trim_vote_extensions(), &set),
                };
                r.resume_with(result)
            }
            Effect::VerifyPolkaCertificate(cert, set, threshold, r) => {
                let votes: Vec<_> = cert.votes(&self.ctx).collect();
                r.resume_with(self.verify_votes(&votes, &set, threshold))
            }
            Effect::VerifyRoundCertificate(cert, set, threshold, r) => {
                let votes: Vec<_> = cert.votes(&self.ctx).collect();
                r.resume_with(self.verify_votes(&votes, &set, threshold))
            }
            Effect::WalAppend(height, input, r) => {
                self.wal_append(height.0, &input);
                r.resume_with(())
            }
            // Vote extensions are disabled: never produced, never accepted.
            Effect::ExtendVote(_, _, _, _, r) => r.resume_with(None),
            Effect::VerifyVoteExtension(_, _, _, _, _, _, r) => {
                r.resume_with(Err(VoteExtensionError::InvalidVoteExtension))
            }
        }
    }

    /// `decide(h, v)` (paper line 49): the block with the commit built from its
    /// precommits.
    pub(crate) fn decide(&mut self, cert: &CommitCertificate<BayContext>) {
        if self.decided == Some(cert.height.0) {
            return;
        }
        let Some(known) = self.blocks.get(&cert.value_id) else {
            self.errors.push(format!("decided block {} is unknown", cert.value_id));
            return;
        };
        self.decided = Some(cert.height.0);
        let out = Output::Decided {
            block: known.value.block().clone(),
            commit: certificate_to_commit(cert),
        };
        self.push(out);
    }

    pub(crate) fn verify_certificate(
        &self,
        cert: &CommitCertificate<BayContext>,
        set: &ValidatorSet,
    ) -> Result<(), CertificateError<BayContext>> {
        let commit = certificate_to_commit(cert);
        verify_commit(&commit, self.chain_id(), cert.height.0, &cert.value_id, set.as_pb()).map_err(
            |e| match e {
                BlockError::InsufficientPower { signed, total } => {
                    CertificateError::NotEnoughVotingPower {
                        signed,
                        total,
                        expected: total / 3 * 2 + 1,
                    }
                }
                BlockError::NotAValidator(a) => {
                    CertificateError::UnknownValidator(ValidatorAddress(a))
                }
                BlockError::DuplicateSigner(a) => {
                    CertificateError::DuplicateVote(ValidatorAddress(a))
                }
                other => {
                    CertificateError::VerificationError(Some(mc::BoxError::new(Box::new(other))))
                }
            },
        )
    }

    pub(crate) fn verify_votes(
        &self,
        votes: &[SignedVote<BayContext>],
        set: &ValidatorSet,
        threshold: ThresholdParams,
    ) -> Result<(), CertificateError<BayContext>> {
        let mut seen = BTreeSet::new();
        let mut signed: u64 = 0;
        for v in votes {
            let who = v.message.validator;
            let member = set.get(&who.0).ok_or(CertificateError::UnknownValidator(who))?;
            if !seen.insert(who) {
                return Err(CertificateError::DuplicateVote(who));
            }
            verify_vote(self.chain_id(), v, &member.public_key).map_err(|e| {
                CertificateError::VerificationError(Some(mc::BoxError::new(Box::new(e))))
            })?;
            signed = signed.saturating_add(member.power);
        }
        let total = set.total_power();
        if threshold.quorum.is_met(signed, total) {
            Ok(())
        } else {
            Err(CertificateError::NotEnoughVotingPower {
                signed,
                total,
                expected: threshold.quorum.min_expected(total),
            })
        }
    }

    pub(crate) fn is_own_record(&self, v: &SignedVote<BayContext>) -> bool {
        v.message.validator == self.me
            && matches!(self.signed.get(&vote_key(&v.message)), Some(Signed::Vote(s)) if s == v)
    }

    /// Signs our prevote (paper lines 22–35, 44) or precommit (lines 36–43,
    /// 61), behind the double-sign guard: at most one signed vote per
    /// (height, round, type); a request for a different one gets the vote
    /// already signed.
    pub(crate) fn sign_vote(&mut self, vote: crate::context::Vote) -> SignedVote<BayContext> {
        let key = vote_key(&vote);
        match self.signed.get(&key) {
            Some(Signed::Vote(prev)) => {
                if prev.message != vote {
                    self.guard_refusals += 1;
                }
                prev.clone()
            }
            _ => {
                let signed = self.signer.sign_vote(self.ctx.chain_id(), vote);
                self.signed.insert(key, Signed::Vote(signed.clone()));
                signed
            }
        }
    }

    /// Signs our proposal (paper line 19), behind the double-sign guard: at
    /// most one signed proposal per (height, round).
    pub(crate) fn sign_proposal(
        &mut self,
        proposal: crate::context::Proposal,
    ) -> SignedProposal<BayContext> {
        let key = (proposal.height.0, wire_round(proposal.round), SignKind::Proposal);
        match self.signed.get(&key) {
            Some(Signed::Proposal(prev)) => {
                if prev.message != proposal {
                    self.guard_refusals += 1;
                }
                prev.clone()
            }
            _ => {
                let signed = self.signer.sign_proposal(self.ctx.chain_id(), proposal);
                self.signed.insert(key, Signed::Proposal(signed.clone()));
                signed
            }
        }
    }

    /// Emits the WAL entry of one of our own messages if it was not persisted yet.
    pub(crate) fn ensure_persisted(&mut self, msg: &ConsensusMsg) {
        let (key, input) = match msg {
            ConsensusMsg::Vote(v) if v.message.validator == self.me => {
                (vote_key(&v.message), Input::Vote(v.clone()))
            }
            ConsensusMsg::Proposal(p) if p.message.proposer == self.me => (
                (p.message.height.0, wire_round(p.message.round), SignKind::Proposal),
                Input::Proposal(p.clone()),
            ),
            _ => return,
        };
        if !self.persisted_own.contains(&key) {
            self.wal_append(key.0, &input);
        }
    }

    pub(crate) fn wal_append(&mut self, height: u64, input: &Input<BayContext>) {
        if height != self.height {
            return;
        }
        let Some(entry) = entry_of(self.ctx.chain_id(), height, input) else {
            self.errors.push("the core asked to log an input that is never logged".into());
            return;
        };
        // Track blocks and what the application already judged.
        match input {
            Input::Proposal(p) => {
                let hash = p.message.value.hash();
                self.blocks.entry(hash).or_insert_with(|| KnownBlock {
                    value: p.message.value.clone(),
                    round: p.message.round,
                    pol_round: p.message.pol_round,
                    proposer: p.message.proposer,
                });
                if p.message.proposer != self.me
                    && !self.validated.contains(&hash)
                    && self.replay.is_none()
                    && self.validation_requested.insert(hash)
                {
                    self.push(Output::ValidateProposal {
                        height,
                        round: wire_round(p.message.round),
                        block: p.message.value.block().clone(),
                    });
                }
            }
            Input::ProposedValue(v, _) => {
                let hash = v.value.hash();
                self.blocks.entry(hash).or_insert_with(|| KnownBlock {
                    value: v.value.clone(),
                    round: v.round,
                    pol_round: v.valid_round,
                    proposer: v.proposer,
                });
                self.validated.insert(hash);
            }
            _ => {}
        }
        self.remember_own(input, true);
        let bytes = entry.encode();
        let recorded = self.replay.as_ref().is_some_and(|r| r.recorded.contains(&bytes));
        if !recorded {
            self.push(Output::Persist(entry));
        }
    }

    pub(crate) fn emit_evidence(&mut self, evidence: cpb::Evidence) {
        if self.evidence_seen.insert(evidence.encode_to_vec()) {
            self.push(Output::Evidence(evidence));
        }
    }

    pub(crate) fn collect_evidence(&mut self, state: &State<BayContext>) {
        let mut found = Vec::new();
        for (_, pairs) in state.driver.votes().evidence().iter() {
            found.extend(pairs.iter().map(|p| duplicate_vote(self.chain_id(), p)));
        }
        for (_, pairs) in state.driver.proposals().evidence().iter() {
            found.extend(pairs.iter().map(|p| duplicate_proposal(self.chain_id(), p)));
        }
        for e in found {
            self.emit_evidence(e);
        }
    }
}

pub(crate) fn vote_key(v: &crate::context::Vote) -> (u64, u32, SignKind) {
    let kind = match v.vote_type {
        VoteType::Prevote => SignKind::Prevote,
        VoteType::Precommit => SignKind::Precommit,
    };
    (v.height.0, wire_round(v.round), kind)
}

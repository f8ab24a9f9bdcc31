//! Consensus messages on the wire (`bayledger.consensus.v1.ConsensusMessage`).
//!
//! Decoding enforces the canonical-protobuf rule (ADR 0001), the chain id,
//! field lengths and — for a proposal — that the carried block decodes, is
//! internally consistent and hashes to the signed `block_hash`. Signatures are
//! *not* checked here; the engine checks them against the validator set.

use bayledger_types::{Address, Hash, SealedBlock, decode_canonical};
use malachitebft_core_types::{
    NilOrVal, PolkaCertificate, Round, RoundCertificate, RoundCertificateType, SignedProposal,
    SignedVote, VoteType,
};
use prost::Message;

use crate::context::{BayContext, BlockValue, Height, Proposal, Signature, ValidatorAddress, Vote};
use crate::cpb;
use crate::signing::{proposal_to_pb, value_from_pb, vote_to_pb, vote_type_from_pb, wire_round};

/// A signed proposal (carrying its block), a signed vote, or a certificate
/// (a bundle of signed votes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsensusMsg {
    /// `⟨PROPOSAL, h, r, v, vr⟩` signed by the round's proposer.
    Proposal(SignedProposal<BayContext>),
    /// `⟨PREVOTE/PRECOMMIT, h, r, id(v)⟩` signed by a validator.
    Vote(SignedVote<BayContext>),
    /// 2f+1 prevotes for one block in one round.
    PolkaCertificate(PolkaCertificate<BayContext>),
    /// The votes justifying a round change.
    RoundCertificate(RoundCertificate<BayContext>),
}

/// Why bytes are not a consensus message of this chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MsgError {
    /// Not canonical protobuf, or a block that does not decode.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// Another chain's message.
    #[error("message for chain {0:?}")]
    WrongChain(String),
    /// A field of the wrong length or value.
    #[error("bad field: {0}")]
    Field(&'static str),
    /// The carried block does not hash to the signed block hash.
    #[error("proposal block does not match the signed block hash")]
    BlockMismatch,
}

impl ConsensusMsg {
    /// Height of the message.
    pub fn height(&self) -> u64 {
        match self {
            ConsensusMsg::Proposal(p) => p.message.height.0,
            ConsensusMsg::Vote(v) => v.message.height.0,
            ConsensusMsg::PolkaCertificate(c) => c.height.0,
            ConsensusMsg::RoundCertificate(c) => c.height.0,
        }
    }

    /// The signer of a proposal or vote (certificates bundle many signers).
    pub fn signer(&self) -> Option<Address> {
        match self {
            ConsensusMsg::Proposal(p) => Some(p.message.proposer.0),
            ConsensusMsg::Vote(v) => Some(v.message.validator.0),
            _ => None,
        }
    }

    /// Every signed vote the message carries (certificates unpacked).
    pub fn votes(&self, chain_id: &str) -> Vec<SignedVote<BayContext>> {
        let ctx = BayContext::new(chain_id);
        match self {
            ConsensusMsg::Proposal(_) => Vec::new(),
            ConsensusMsg::Vote(v) => vec![v.clone()],
            ConsensusMsg::PolkaCertificate(c) => c.votes(&ctx).collect(),
            ConsensusMsg::RoundCertificate(c) => c.votes(&ctx).collect(),
        }
    }

    /// The protocol form.
    pub fn to_pb(&self, chain_id: &str) -> cpb::ConsensusMessage {
        let kind = match self {
            ConsensusMsg::Proposal(p) => {
                cpb::consensus_message::Kind::Proposal(signed_proposal_to_pb(chain_id, p, true))
            }
            ConsensusMsg::Vote(v) => {
                cpb::consensus_message::Kind::Vote(signed_vote_to_pb(chain_id, v))
            }
            ConsensusMsg::PolkaCertificate(c) => {
                cpb::consensus_message::Kind::PolkaCertificate(polka_to_pb(chain_id, c))
            }
            ConsensusMsg::RoundCertificate(c) => {
                cpb::consensus_message::Kind::RoundCertificate(round_certificate_to_pb(chain_id, c))
            }
        };
        cpb::ConsensusMessage { kind: Some(kind) }
    }

    /// Canonical bytes for the wire.
    pub fn encode(&self, chain_id: &str) -> Vec<u8> {
        self.to_pb(chain_id).encode_to_vec()
    }

    /// Decodes wire bytes for `chain_id`.
    pub fn decode(chain_id: &str, bytes: &[u8]) -> Result<ConsensusMsg, MsgError> {
        let msg: cpb::ConsensusMessage = decode_canonical("ConsensusMessage", bytes)
            .map_err(|e| MsgError::Malformed(e.to_string()))?;
        match msg.kind {
            Some(cpb::consensus_message::Kind::Proposal(p)) => {
                signed_proposal_from_pb(chain_id, &p).map(ConsensusMsg::Proposal)
            }
            Some(cpb::consensus_message::Kind::Vote(v)) => {
                signed_vote_from_pb(chain_id, &v).map(ConsensusMsg::Vote)
            }
            Some(cpb::consensus_message::Kind::PolkaCertificate(c)) => {
                polka_from_pb(chain_id, &c).map(ConsensusMsg::PolkaCertificate)
            }
            Some(cpb::consensus_message::Kind::RoundCertificate(c)) => {
                round_certificate_from_pb(chain_id, &c).map(ConsensusMsg::RoundCertificate)
            }
            None => Err(MsgError::Field("kind")),
        }
    }
}

/// The protocol form of a signed vote.
pub fn signed_vote_to_pb(chain_id: &str, v: &SignedVote<BayContext>) -> cpb::SignedVote {
    cpb::SignedVote {
        vote: Some(vote_to_pb(chain_id, &v.message)),
        validator: v.message.validator.0.0.to_vec(),
        signature: v.signature.0.to_vec(),
    }
}

/// A signed vote from its protocol form (signature not checked).
pub fn signed_vote_from_pb(
    chain_id: &str,
    v: &cpb::SignedVote,
) -> Result<SignedVote<BayContext>, MsgError> {
    let vote = v.vote.as_ref().ok_or(MsgError::Field("vote"))?;
    if vote.chain_id != chain_id {
        return Err(MsgError::WrongChain(vote.chain_id.clone()));
    }
    let validator = Address::from_slice(&v.validator).map_err(|_| MsgError::Field("validator"))?;
    let value = value_from_pb(&vote.block_hash).ok_or(MsgError::Field("block_hash"))?;
    let vote_type = vote_type_from_pb(vote.vote_type).ok_or(MsgError::Field("vote_type"))?;
    let signature =
        Signature::from_slice(&v.signature).map_err(|_| MsgError::Field("signature"))?;
    Ok(SignedVote::new(
        Vote {
            height: Height(vote.height),
            round: Round::new(vote.round),
            value,
            vote_type,
            validator: ValidatorAddress(validator),
        },
        signature,
    ))
}

/// The protocol form of a signed proposal, with or without its block.
pub fn signed_proposal_to_pb(
    chain_id: &str,
    p: &SignedProposal<BayContext>,
    with_block: bool,
) -> cpb::SignedProposal {
    cpb::SignedProposal {
        proposal: Some(proposal_to_pb(chain_id, &p.message)),
        signature: p.signature.0.to_vec(),
        block: if with_block { p.message.value.block().encode() } else { Vec::new() },
    }
}

/// A signed proposal (with its block) from its protocol form (signature not checked).
pub fn signed_proposal_from_pb(
    chain_id: &str,
    p: &cpb::SignedProposal,
) -> Result<SignedProposal<BayContext>, MsgError> {
    let proposal = p.proposal.as_ref().ok_or(MsgError::Field("proposal"))?;
    if proposal.chain_id != chain_id {
        return Err(MsgError::WrongChain(proposal.chain_id.clone()));
    }
    let proposer =
        Address::from_slice(&proposal.proposer).map_err(|_| MsgError::Field("proposer"))?;
    let signature =
        Signature::from_slice(&p.signature).map_err(|_| MsgError::Field("signature"))?;
    let block = SealedBlock::decode(&p.block).map_err(|e| MsgError::Malformed(e.to_string()))?;
    match value_from_pb(&proposal.block_hash) {
        Some(NilOrVal::Val(h)) if h == block.hash() => {}
        Some(NilOrVal::Val(_)) => return Err(MsgError::BlockMismatch),
        _ => return Err(MsgError::Field("block_hash")),
    }
    if block.height() != proposal.height || block.header.header.chain_id != chain_id {
        return Err(MsgError::Field("block height or chain id"));
    }
    Ok(SignedProposal::new(
        Proposal {
            height: Height(proposal.height),
            round: Round::new(proposal.round),
            value: BlockValue::new(block),
            pol_round: proposal.pol_round.map(Round::new).unwrap_or(Round::Nil),
            proposer: ValidatorAddress(proposer),
        },
        signature,
    ))
}

/// The protocol form of a polka certificate.
pub fn polka_to_pb(chain_id: &str, c: &PolkaCertificate<BayContext>) -> cpb::PolkaCertificate {
    let ctx = BayContext::new(chain_id);
    cpb::PolkaCertificate {
        height: c.height.0,
        round: wire_round(c.round),
        block_hash: c.value_id.0.to_vec(),
        votes: c.votes(&ctx).map(|v| signed_vote_to_pb(chain_id, &v)).collect(),
    }
}

/// A polka certificate from its protocol form: every vote must be a prevote
/// for the certified block at the certified height and round (signatures are
/// checked by the engine).
pub fn polka_from_pb(
    chain_id: &str,
    c: &cpb::PolkaCertificate,
) -> Result<PolkaCertificate<BayContext>, MsgError> {
    let hash = Hash::from_slice(&c.block_hash).ok_or(MsgError::Field("block_hash"))?;
    let mut votes = Vec::with_capacity(c.votes.len());
    for v in &c.votes {
        let v = signed_vote_from_pb(chain_id, v)?;
        let m = &v.message;
        if m.height.0 != c.height
            || m.round != Round::new(c.round)
            || m.vote_type != VoteType::Prevote
            || m.value != NilOrVal::Val(hash)
        {
            return Err(MsgError::Field("polka vote"));
        }
        votes.push(v);
    }
    Ok(PolkaCertificate::new(Height(c.height), Round::new(c.round), hash, votes))
}

/// The protocol form of a round certificate.
pub fn round_certificate_to_pb(
    chain_id: &str,
    c: &RoundCertificate<BayContext>,
) -> cpb::RoundCertificate {
    let ctx = BayContext::new(chain_id);
    let kind = match c.cert_type {
        RoundCertificateType::Precommit => cpb::RoundCertificateType::Precommit,
        RoundCertificateType::Skip => cpb::RoundCertificateType::Skip,
    };
    cpb::RoundCertificate {
        height: c.height.0,
        round: wire_round(c.round),
        kind: kind as i32,
        votes: c.votes(&ctx).map(|v| signed_vote_to_pb(chain_id, &v)).collect(),
    }
}

/// A round certificate from its protocol form: every vote must be at the
/// certificate's height and round (signatures and thresholds are checked by
/// the engine).
pub fn round_certificate_from_pb(
    chain_id: &str,
    c: &cpb::RoundCertificate,
) -> Result<RoundCertificate<BayContext>, MsgError> {
    let cert_type = match cpb::RoundCertificateType::try_from(c.kind) {
        Ok(cpb::RoundCertificateType::Precommit) => RoundCertificateType::Precommit,
        Ok(cpb::RoundCertificateType::Skip) => RoundCertificateType::Skip,
        _ => return Err(MsgError::Field("round certificate kind")),
    };
    let mut votes = Vec::with_capacity(c.votes.len());
    for v in &c.votes {
        let v = signed_vote_from_pb(chain_id, v)?;
        if v.message.height.0 != c.height || v.message.round != Round::new(c.round) {
            return Err(MsgError::Field("round certificate vote"));
        }
        votes.push(v);
    }
    Ok(RoundCertificate::new_from_votes(Height(c.height), Round::new(c.round), cert_type, votes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::Signer;
    use bayledger_types::block::{SealedHeader, tx_root_of};
    use bayledger_types::{SecretKey, pb};

    fn key(i: u8) -> SecretKey {
        SecretKey::from_bytes(&[i; 32]).expect("key")
    }

    fn vote(k: &SecretKey, t: VoteType, value: NilOrVal<Hash>) -> SignedVote<BayContext> {
        let v = Vote {
            height: Height(4),
            round: Round::new(2),
            value,
            vote_type: t,
            validator: ValidatorAddress(k.address()),
        };
        Signer::new(k.clone()).sign_vote("c", v)
    }

    fn proposal(k: &SecretKey, chain: &str) -> SignedProposal<BayContext> {
        let header = pb::BlockHeader {
            chain_id: chain.into(),
            height: 4,
            tx_root: tx_root_of(&[]).0.to_vec(),
            ..Default::default()
        };
        let block =
            SealedBlock { header: SealedHeader::seal(header), txs: vec![], evidence: vec![] };
        let p = Proposal {
            height: Height(4),
            round: Round::new(2),
            value: BlockValue::new(block),
            pol_round: Round::new(1),
            proposer: ValidatorAddress(k.address()),
        };
        Signer::new(k.clone()).sign_proposal("c", p)
    }

    #[test]
    fn every_message_kind_round_trips() {
        let h = Hash::sha3(b"b");
        let votes: Vec<_> =
            (1..=3).map(|i| vote(&key(i), VoteType::Prevote, NilOrVal::Val(h))).collect();
        let msgs = vec![
            ConsensusMsg::Proposal(proposal(&key(1), "c")),
            ConsensusMsg::Vote(vote(&key(1), VoteType::Precommit, NilOrVal::Nil)),
            ConsensusMsg::Vote(votes[0].clone()),
            ConsensusMsg::PolkaCertificate(PolkaCertificate::new(
                Height(4),
                Round::new(2),
                h,
                votes.clone(),
            )),
            ConsensusMsg::RoundCertificate(RoundCertificate::new_from_votes(
                Height(4),
                Round::new(2),
                RoundCertificateType::Skip,
                votes,
            )),
        ];
        for m in msgs {
            let bytes = m.encode("c");
            assert_eq!(ConsensusMsg::decode("c", &bytes), Ok(m.clone()));
            assert!(matches!(ConsensusMsg::decode("d", &bytes), Err(MsgError::WrongChain(_))));
        }
    }

    #[test]
    fn malformed_messages_are_refused() {
        let p = proposal(&key(1), "c");
        // A block that is not the signed one.
        let mut wire = signed_proposal_to_pb("c", &p, true);
        wire.proposal.as_mut().expect("proposal").block_hash = Hash::sha3(b"x").0.to_vec();
        let bytes =
            cpb::ConsensusMessage { kind: Some(cpb::consensus_message::Kind::Proposal(wire)) }
                .encode_to_vec();
        assert_eq!(ConsensusMsg::decode("c", &bytes), Err(MsgError::BlockMismatch));
        // A block of another chain under this chain's proposal.
        let foreign = proposal(&key(1), "other");
        let bytes = ConsensusMsg::Proposal(foreign).encode("c");
        assert!(matches!(ConsensusMsg::decode("c", &bytes), Err(MsgError::Field(_))));
        // Trailing unknown field: not canonical.
        let mut bytes =
            ConsensusMsg::Vote(vote(&key(1), VoteType::Prevote, NilOrVal::Nil)).encode("c");
        bytes.extend_from_slice(&[0x78, 0x01]);
        assert!(matches!(ConsensusMsg::decode("c", &bytes), Err(MsgError::Malformed(_))));
        // A polka certificate smuggling a nil prevote.
        let h = Hash::sha3(b"b");
        let mut polka = polka_to_pb(
            "c",
            &PolkaCertificate::new(
                Height(4),
                Round::new(2),
                h,
                vec![vote(&key(1), VoteType::Prevote, NilOrVal::Val(h))],
            ),
        );
        polka.votes.push(signed_vote_to_pb("c", &vote(&key(2), VoteType::Prevote, NilOrVal::Nil)));
        assert_eq!(polka_from_pb("c", &polka), Err(MsgError::Field("polka vote")));
        // A 3-byte hash.
        let mut v = signed_vote_to_pb("c", &vote(&key(1), VoteType::Prevote, NilOrVal::Nil));
        v.vote.as_mut().expect("vote").block_hash = vec![1, 2, 3];
        assert_eq!(signed_vote_from_pb("c", &v), Err(MsgError::Field("block_hash")));
    }
}

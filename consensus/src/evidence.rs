//! Equivocation evidence: two conflicting messages signed by one validator.
//!
//! - **Duplicate vote**: two votes with the same chain id, height, round and type
//!   and different block hashes (`nil` counts as a value), both validly signed by
//!   the same member of the validator set. Tendermint's safety proof (paper §4)
//!   assumes correct processes never do this; two such votes prove the signer is
//!   faulty.
//! - **Duplicate proposal**: two different signed proposals by the same proposer
//!   for the same height and round (blocks left out: the signature covers the block
//!   hash).
//!
//! [`verify_equivocation`] is what any node (or a light client) runs on
//! evidence it did not witness itself.

use bayledger_types::block::vote_digest;
use bayledger_types::{Address, CryptoError, PublicKey, pb};
use malachitebft_core_types::{DoubleProposal, DoubleVote};

use crate::context::BayContext;
use crate::cpb;
use crate::msg::{signed_proposal_to_pb, signed_vote_to_pb};
use crate::signing::{check_signature, proposal_digest_of};

/// Why evidence does not prove equivocation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    /// A required field is missing or malformed.
    #[error("malformed evidence: {0}")]
    Malformed(&'static str),
    /// The two messages are not for the same chain, height, round (and type).
    #[error("the two messages are not for the same chain, height, round and type")]
    NotConflicting,
    /// The two messages are identical or agree on the block.
    #[error("the two messages do not conflict")]
    SameMessage,
    /// Signed by different validators.
    #[error("the two messages are by different validators")]
    DifferentSigners,
    /// Evidence for another chain.
    #[error("evidence for chain {0:?}")]
    WrongChain(String),
    /// The signer is not in the validator set.
    #[error("{0} is not in the validator set")]
    NotAValidator(Address),
    /// A signature does not verify under the signer's key.
    #[error("signature by {validator}: {reason}")]
    Signature {
        /// Claimed signer.
        validator: Address,
        /// Why.
        reason: CryptoError,
    },
}

/// Evidence of a double vote, in protocol form.
pub fn duplicate_vote(chain_id: &str, pair: &DoubleVote<BayContext>) -> cpb::Evidence {
    cpb::Evidence {
        kind: Some(cpb::evidence::Kind::DuplicateVote(cpb::DuplicateVoteEvidence {
            first: Some(signed_vote_to_pb(chain_id, &pair.0)),
            second: Some(signed_vote_to_pb(chain_id, &pair.1)),
        })),
    }
}

/// Evidence of a double proposal, in protocol form (blocks left out).
pub fn duplicate_proposal(chain_id: &str, pair: &DoubleProposal<BayContext>) -> cpb::Evidence {
    cpb::Evidence {
        kind: Some(cpb::evidence::Kind::DuplicateProposal(cpb::DuplicateProposalEvidence {
            first: Some(signed_proposal_to_pb(chain_id, &pair.0, false)),
            second: Some(signed_proposal_to_pb(chain_id, &pair.1, false)),
        })),
    }
}

/// Checks that `evidence` proves a member of `set` equivocated on `chain_id`;
/// returns the equivocator.
pub fn verify_equivocation(
    evidence: &cpb::Evidence,
    set: &pb::ValidatorSet,
    chain_id: &str,
) -> Result<Address, EvidenceError> {
    match evidence.kind.as_ref().ok_or(EvidenceError::Malformed("kind"))? {
        cpb::evidence::Kind::DuplicateVote(e) => {
            let a = e.first.as_ref().ok_or(EvidenceError::Malformed("first"))?;
            let b = e.second.as_ref().ok_or(EvidenceError::Malformed("second"))?;
            let va = a.vote.as_ref().ok_or(EvidenceError::Malformed("first.vote"))?;
            let vb = b.vote.as_ref().ok_or(EvidenceError::Malformed("second.vote"))?;
            if va.chain_id != chain_id {
                return Err(EvidenceError::WrongChain(va.chain_id.clone()));
            }
            if (&va.chain_id, va.height, va.round, va.vote_type)
                != (&vb.chain_id, vb.height, vb.round, vb.vote_type)
            {
                return Err(EvidenceError::NotConflicting);
            }
            if va.block_hash == vb.block_hash {
                return Err(EvidenceError::SameMessage);
            }
            let signer = same_signer(&a.validator, &b.validator)?;
            let key = member_key(set, &signer)?;
            for (vote, sig) in [(va, &a.signature), (vb, &b.signature)] {
                check_signature(&vote_digest(vote), sig, &key)
                    .map_err(|reason| EvidenceError::Signature { validator: signer, reason })?;
            }
            Ok(signer)
        }
        cpb::evidence::Kind::DuplicateProposal(e) => {
            let a = e.first.as_ref().ok_or(EvidenceError::Malformed("first"))?;
            let b = e.second.as_ref().ok_or(EvidenceError::Malformed("second"))?;
            let pa = a.proposal.as_ref().ok_or(EvidenceError::Malformed("first.proposal"))?;
            let pb_ = b.proposal.as_ref().ok_or(EvidenceError::Malformed("second.proposal"))?;
            if pa.chain_id != chain_id {
                return Err(EvidenceError::WrongChain(pa.chain_id.clone()));
            }
            if (&pa.chain_id, pa.height, pa.round) != (&pb_.chain_id, pb_.height, pb_.round) {
                return Err(EvidenceError::NotConflicting);
            }
            if pa == pb_ {
                return Err(EvidenceError::SameMessage);
            }
            let signer = same_signer(&pa.proposer, &pb_.proposer)?;
            let key = member_key(set, &signer)?;
            for (p, sig) in [(pa, &a.signature), (pb_, &b.signature)] {
                check_signature(&proposal_digest_of(p), sig, &key)
                    .map_err(|reason| EvidenceError::Signature { validator: signer, reason })?;
            }
            Ok(signer)
        }
    }
}

fn same_signer(a: &[u8], b: &[u8]) -> Result<Address, EvidenceError> {
    if a != b {
        return Err(EvidenceError::DifferentSigners);
    }
    Address::from_slice(a).map_err(|_| EvidenceError::Malformed("validator"))
}

fn member_key(set: &pb::ValidatorSet, who: &Address) -> Result<PublicKey, EvidenceError> {
    let member = set
        .validators
        .iter()
        .find(|v| v.address == who.0)
        .ok_or(EvidenceError::NotAValidator(*who))?;
    PublicKey::from_sec1(&member.pub_key).map_err(|_| EvidenceError::Malformed("member pub_key"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{Height, ValidatorAddress, Vote};
    use crate::signing::Signer;
    use bayledger_types::{Hash, SecretKey};
    use malachitebft_core_types::{NilOrVal, Round, VoteType};

    fn setup() -> (Vec<SecretKey>, pb::ValidatorSet) {
        let keys: Vec<SecretKey> =
            (1..=4u8).map(|i| SecretKey::from_bytes(&[i; 32]).expect("key")).collect();
        let set = pb::ValidatorSet {
            validators: keys
                .iter()
                .map(|k| pb::Validator::of_key(&k.public_key(), 1, ""))
                .collect(),
        };
        (keys, set)
    }

    fn vote(k: &SecretKey, value: NilOrVal<Hash>, t: VoteType) -> Vote {
        Vote {
            height: Height(5),
            round: Round::new(1),
            value,
            vote_type: t,
            validator: ValidatorAddress(k.address()),
        }
    }

    #[test]
    fn double_vote_is_verified_and_honest_pairs_are_not_evidence() {
        let (keys, set) = setup();
        let s = Signer::new(keys[0].clone());
        let a =
            s.sign_vote("c", vote(&keys[0], NilOrVal::Val(Hash::sha3(b"a")), VoteType::Prevote));
        let b = s.sign_vote("c", vote(&keys[0], NilOrVal::Nil, VoteType::Prevote));
        let ev = duplicate_vote("c", &(a.clone(), b.clone()));
        assert_eq!(verify_equivocation(&ev, &set, "c"), Ok(keys[0].address()));
        assert_eq!(verify_equivocation(&ev, &set, "d"), Err(EvidenceError::WrongChain("c".into())));
        // Same vote twice: no conflict.
        let same = duplicate_vote("c", &(a.clone(), a.clone()));
        assert_eq!(verify_equivocation(&same, &set, "c"), Err(EvidenceError::SameMessage));
        // A prevote and a precommit for different blocks are not a double vote.
        let pc = s.sign_vote("c", vote(&keys[0], NilOrVal::Nil, VoteType::Precommit));
        let mixed = duplicate_vote("c", &(a.clone(), pc));
        assert_eq!(verify_equivocation(&mixed, &set, "c"), Err(EvidenceError::NotConflicting));
        // Forged second signature (by another key) is refused.
        let other = Signer::new(keys[1].clone()).sign_vote("c", b.message.clone());
        let forged = duplicate_vote("c", &(a.clone(), other));
        assert!(matches!(
            verify_equivocation(&forged, &set, "c"),
            Err(EvidenceError::Signature { .. })
        ));
        // Outsider.
        let outsider = SecretKey::from_bytes(&[9; 32]).expect("key");
        let so = Signer::new(outsider.clone());
        let oa = so.sign_vote("c", vote(&outsider, NilOrVal::Nil, VoteType::Prevote));
        let ob = so.sign_vote("c", vote(&outsider, NilOrVal::Val(Hash::ZERO), VoteType::Prevote));
        assert_eq!(
            verify_equivocation(&duplicate_vote("c", &(oa, ob)), &set, "c"),
            Err(EvidenceError::NotAValidator(outsider.address()))
        );
    }
}

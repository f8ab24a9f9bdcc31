//! What validators sign, and how it is checked.
//!
//! - **Votes** are signed over `bayledger_types::block::vote_digest(pb::Vote{chain_id,
//!   height, round, block_hash, vote_type})` — the very digest a commit signature
//!   signs. A `nil` vote has an empty `block_hash`. The precommits that decide a
//!   block are therefore, byte for byte, the `CommitSig`s of its `pb::Commit`, and
//!   [`bayledger_types::block::verify_commit`] accepts the commit built from them.
//! - **Proposals** are signed over `SHA3-256("bayledger/proposal/v1" ‖ 0x00 ‖
//!   Proposal bytes)` ([`PROPOSAL_DOMAIN`]); the distinct tag means a proposal
//!   signature can never be replayed as a vote or a transaction.
//!
//! Signatures follow ADR 0003 (65 bytes, low S, `v ∈ {0,1}`); a signature is
//! accepted only if the key recovered from it *is* the validator's key, the same
//! check `verify_commit` makes.

use bayledger_types::block::vote_digest;
use bayledger_types::{CryptoError, Hash, PublicKey, RecoverableSignature, SecretKey, pb};
use malachitebft_core_types::{
    CommitCertificate, NilOrVal, Round, SignedProposal, SignedVote, VoteType,
};

use crate::context::{BayContext, Proposal, Signature, Vote};
use crate::cpb;

/// Domain tag of the digest a proposer signs.
pub const PROPOSAL_DOMAIN: &[u8] = b"bayledger/proposal/v1";

/// A round as carried on the wire. Votes and proposals always have a defined
/// round; `Round::Nil` (never produced by the driver for a message) maps to
/// `u32::MAX`, a round no honest node ever reaches.
pub fn wire_round(round: Round) -> u32 {
    round.as_u32().unwrap_or(u32::MAX)
}

/// The protocol vote a [`Vote`] stands for on `chain_id`.
pub fn vote_to_pb(chain_id: &str, vote: &Vote) -> pb::Vote {
    pb::Vote {
        chain_id: chain_id.to_string(),
        height: vote.height.0,
        round: wire_round(vote.round),
        block_hash: match &vote.value {
            NilOrVal::Nil => Vec::new(),
            NilOrVal::Val(h) => h.0.to_vec(),
        },
        vote_type: match vote.vote_type {
            VoteType::Prevote => pb::VoteType::Prevote as i32,
            VoteType::Precommit => pb::VoteType::Precommit as i32,
        },
    }
}

/// The digest a validator signs for `vote`.
pub fn vote_sign_digest(chain_id: &str, vote: &Vote) -> Hash {
    vote_digest(&vote_to_pb(chain_id, vote))
}

/// The signed-proposal message (without the block) for `proposal`.
pub fn proposal_to_pb(chain_id: &str, proposal: &Proposal) -> cpb::Proposal {
    cpb::Proposal {
        chain_id: chain_id.to_string(),
        height: proposal.height.0,
        round: wire_round(proposal.round),
        pol_round: proposal.pol_round.as_u32(),
        block_hash: proposal.value.hash().0.to_vec(),
        proposer: proposal.proposer.0.0.to_vec(),
    }
}

/// The digest of a protocol proposal.
pub fn proposal_digest_of(p: &cpb::Proposal) -> Hash {
    Hash::tagged(PROPOSAL_DOMAIN, &prost::Message::encode_to_vec(p))
}

/// The digest a proposer signs for `proposal`.
pub fn proposal_sign_digest(chain_id: &str, proposal: &Proposal) -> Hash {
    proposal_digest_of(&proposal_to_pb(chain_id, proposal))
}

/// Signs votes and proposals with this node's key.
#[derive(Clone, Debug)]
pub struct Signer {
    key: SecretKey,
}

impl Signer {
    /// A signer over `key`.
    pub fn new(key: SecretKey) -> Signer {
        Signer { key }
    }

    /// The key's public key.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    /// Signs a vote.
    pub fn sign_vote(&self, chain_id: &str, vote: Vote) -> SignedVote<BayContext> {
        let sig = self.key.sign_digest(&vote_sign_digest(chain_id, &vote).0);
        SignedVote::new(vote, Signature(sig.0))
    }

    /// Signs a proposal.
    pub fn sign_proposal(&self, chain_id: &str, proposal: Proposal) -> SignedProposal<BayContext> {
        let sig = self.key.sign_digest(&proposal_sign_digest(chain_id, &proposal).0);
        SignedProposal::new(proposal, Signature(sig.0))
    }
}

/// Checks that `signature` over `digest` recovers exactly `expected`.
pub fn check_signature(
    digest: &Hash,
    signature: &[u8],
    expected: &PublicKey,
) -> Result<(), CryptoError> {
    let key = RecoverableSignature::from_slice(signature)?.recover(&digest.0)?;
    if key == *expected { Ok(()) } else { Err(CryptoError::BadSignature) }
}

/// Checks a signed vote against the voter's key.
pub fn verify_vote(
    chain_id: &str,
    vote: &SignedVote<BayContext>,
    key: &PublicKey,
) -> Result<(), CryptoError> {
    check_signature(&vote_sign_digest(chain_id, &vote.message), &vote.signature.0, key)
}

/// Checks a signed proposal against the proposer's key.
pub fn verify_proposal(
    chain_id: &str,
    proposal: &SignedProposal<BayContext>,
    key: &PublicKey,
) -> Result<(), CryptoError> {
    check_signature(&proposal_sign_digest(chain_id, &proposal.message), &proposal.signature.0, key)
}

/// The `pb::Commit` of a Malachite commit certificate: the same height, round,
/// block hash and precommit signatures.
pub fn certificate_to_commit(cert: &CommitCertificate<BayContext>) -> pb::Commit {
    pb::Commit {
        height: cert.height.0,
        round: wire_round(cert.round),
        block_hash: cert.value_id.0.to_vec(),
        signatures: cert
            .commit_signatures
            .iter()
            .map(|s| pb::CommitSig {
                validator: s.address.0.0.to_vec(),
                signature: s.signature.0.to_vec(),
            })
            .collect(),
    }
}

/// Malachite's vote type of a protocol vote type.
pub fn vote_type_from_pb(value: i32) -> Option<VoteType> {
    match pb::VoteType::try_from(value).ok()? {
        pb::VoteType::Prevote => Some(VoteType::Prevote),
        pb::VoteType::Precommit => Some(VoteType::Precommit),
        pb::VoteType::Unspecified => None,
    }
}

/// `nil` for an empty hash, the hash for 32 bytes, `None` otherwise.
pub fn value_from_pb(block_hash: &[u8]) -> Option<NilOrVal<Hash>> {
    if block_hash.is_empty() {
        Some(NilOrVal::Nil)
    } else {
        Hash::from_slice(block_hash).map(NilOrVal::Val)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{Height, ValidatorAddress};
    use bayledger_types::block::verify_commit;
    use malachitebft_core_types::CommitSignature;

    fn key(i: u8) -> SecretKey {
        SecretKey::from_bytes(&[i; 32]).expect("key")
    }

    #[test]
    fn precommit_signatures_are_commit_signatures() {
        let keys: Vec<SecretKey> = (1..=4).map(key).collect();
        let set = pb::ValidatorSet {
            validators: keys
                .iter()
                .map(|k| pb::Validator::of_key(&k.public_key(), 1, ""))
                .collect(),
        };
        let hash = Hash::sha3(b"block");
        let votes: Vec<_> = keys[..3]
            .iter()
            .map(|k| {
                Signer::new(k.clone()).sign_vote(
                    "c",
                    Vote {
                        height: Height(9),
                        round: Round::new(2),
                        value: NilOrVal::Val(hash),
                        vote_type: VoteType::Precommit,
                        validator: ValidatorAddress(k.address()),
                    },
                )
            })
            .collect();
        // Same bytes as the foundation's single-validator commit signature.
        let solo = bayledger_types::block::sign_vote(&keys[0], "c", 9, 2, &hash);
        assert_eq!(votes[0].signature.0.to_vec(), solo.signature);
        let cert = CommitCertificate {
            height: Height(9),
            round: Round::new(2),
            value_id: hash,
            commit_signatures: votes
                .iter()
                .map(|v| CommitSignature::new(v.validator, v.signature))
                .collect(),
        };
        let commit = certificate_to_commit(&cert);
        verify_commit(&commit, "c", 9, &hash, &set).expect("commit verifies");
        assert!(verify_commit(&commit, "other", 9, &hash, &set).is_err());
    }

    #[test]
    fn a_prevote_never_verifies_as_a_precommit_and_proposals_use_their_own_domain() {
        let k = key(1);
        let s = Signer::new(k.clone());
        let mut vote = Vote {
            height: Height(1),
            round: Round::new(0),
            value: NilOrVal::Val(Hash::sha3(b"b")),
            vote_type: VoteType::Prevote,
            validator: ValidatorAddress(k.address()),
        };
        let signed = s.sign_vote("c", vote.clone());
        verify_vote("c", &signed, &k.public_key()).expect("verifies");
        vote.vote_type = VoteType::Precommit;
        let forged = SignedVote::new(vote, signed.signature);
        assert_eq!(verify_vote("c", &forged, &k.public_key()), Err(CryptoError::BadSignature));
        assert_eq!(verify_vote("c", &signed, &key(2).public_key()), Err(CryptoError::BadSignature));
        let p = cpb::Proposal { chain_id: "c".into(), height: 1, ..Default::default() };
        let v = pb::Vote { chain_id: "c".into(), height: 1, ..Default::default() };
        assert_ne!(proposal_digest_of(&p), vote_digest(&v));
    }
}

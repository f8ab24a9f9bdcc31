//! Block headers, blocks, votes, commits and validator sets.
//!
//! The block hash is `SHA3-256("bayledger/header/v1" || 0x00 || header bytes)`
//! over the exact (canonical) header bytes. A block carries the header bytes and
//! the exact transaction bytes, so whoever holds a block can recompute every
//! hash without trusting a re-encoding (ADR 0001).

use crate::address::Address;
use crate::canonical::{CanonicalError, decode_canonical};
use crate::crypto::{CryptoError, PublicKey, RecoverableSignature, SecretKey};
use crate::hash::{Hash, domain};
use crate::merkle;
use crate::pb;
use crate::tx::{DecodedTx, tx_hash};
use prost::Message;
use std::collections::BTreeSet;

/// Why a block, header or commit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlockError {
    /// Not canonical protobuf.
    #[error(transparent)]
    Encoding(#[from] CanonicalError),
    /// The header's tx root does not match its transactions.
    #[error("tx root mismatch: header says {header}, transactions hash to {computed}")]
    TxRoot {
        /// Claimed.
        header: Hash,
        /// Computed.
        computed: Hash,
    },
    /// tx_count disagrees with the body.
    #[error("header says {header} transactions, block has {actual}")]
    TxCount {
        /// Claimed.
        header: u32,
        /// Actual.
        actual: usize,
    },
    /// A commit for another block or height.
    #[error(
        "commit is for height {got_height} block {got_hash}, expected height {height} block {hash}"
    )]
    CommitTarget {
        /// Expected height.
        height: u64,
        /// Expected block hash.
        hash: Hash,
        /// Commit's height.
        got_height: u64,
        /// Commit's block hash.
        got_hash: Hash,
    },
    /// A signature in a commit is invalid.
    #[error("commit signature by {validator}: {reason}")]
    CommitSignature {
        /// Claimed signer.
        validator: Address,
        /// Why.
        reason: CryptoError,
    },
    /// A commit signature from an address outside the validator set.
    #[error("commit signed by {0}, which is not in the validator set")]
    NotAValidator(Address),
    /// The same validator signed twice in one commit.
    #[error("commit has two signatures by {0}")]
    DuplicateSigner(Address),
    /// Less than two thirds of the voting power signed.
    #[error("commit carries {signed} of {total} voting power; more than two thirds is required")]
    InsufficientPower {
        /// Signed power.
        signed: u64,
        /// Total power.
        total: u64,
    },
    /// A transaction in the block is malformed.
    #[error("transaction {index} of the block is malformed: {reason}")]
    Tx {
        /// Position in the block.
        index: usize,
        /// Why.
        reason: String,
    },
    /// A field has the wrong length.
    #[error("{0} has the wrong length")]
    FieldLength(&'static str),
}

/// A header together with its exact bytes and hash.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedHeader {
    /// Decoded header.
    pub header: pb::BlockHeader,
    /// Exact canonical bytes.
    pub bytes: Vec<u8>,
    /// Block hash.
    pub hash: Hash,
}

impl SealedHeader {
    /// Encodes and hashes a header.
    pub fn seal(header: pb::BlockHeader) -> SealedHeader {
        let bytes = header.encode_to_vec();
        SealedHeader { hash: header_hash(&bytes), header, bytes }
    }

    /// Decodes exact header bytes (canonical rule enforced).
    pub fn decode(bytes: &[u8]) -> Result<SealedHeader, BlockError> {
        let header: pb::BlockHeader = decode_canonical("BlockHeader", bytes)?;
        Ok(SealedHeader { hash: header_hash(bytes), header, bytes: bytes.to_vec() })
    }

    /// Height.
    pub fn height(&self) -> u64 {
        self.header.height
    }

    /// State root after this block.
    pub fn state_root(&self) -> Hash {
        Hash::from_slice(&self.header.state_root).unwrap_or_default()
    }
}

/// The block hash of exact header bytes.
pub fn header_hash(header_bytes: &[u8]) -> Hash {
    Hash::tagged(domain::HEADER, header_bytes)
}

/// A block with its sealed header and exact transaction bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedBlock {
    /// Header.
    pub header: SealedHeader,
    /// Exact SignedTx bytes, in order.
    pub txs: Vec<Vec<u8>>,
    /// Encoded evidence (empty until the BFT network exists).
    pub evidence: Vec<Vec<u8>>,
}

impl SealedBlock {
    /// The block's hash.
    pub fn hash(&self) -> Hash {
        self.header.hash
    }

    /// Height.
    pub fn height(&self) -> u64 {
        self.header.header.height
    }

    /// Encodes as a `Block` message.
    pub fn encode(&self) -> Vec<u8> {
        pb::Block {
            header: self.header.bytes.clone(),
            txs: self.txs.clone(),
            evidence: self.evidence.clone(),
        }
        .encode_to_vec()
    }

    /// Decodes a `Block`, checks every transaction is a canonical `SignedTx`
    /// and the header matches the body (tx root, count).
    pub fn decode(bytes: &[u8]) -> Result<SealedBlock, BlockError> {
        let block: pb::Block = decode_canonical("Block", bytes)?;
        let header = SealedHeader::decode(&block.header)?;
        for (index, tx) in block.txs.iter().enumerate() {
            DecodedTx::decode(tx, usize::MAX)
                .map_err(|e| BlockError::Tx { index, reason: e.to_string() })?;
        }
        let sealed = SealedBlock { header, txs: block.txs, evidence: block.evidence };
        sealed.check_body()?;
        Ok(sealed)
    }

    /// Checks tx root and count against the transactions.
    pub fn check_body(&self) -> Result<(), BlockError> {
        let h = &self.header.header;
        if h.tx_count as usize != self.txs.len() {
            return Err(BlockError::TxCount { header: h.tx_count, actual: self.txs.len() });
        }
        let computed = tx_root_of(&self.txs);
        let header = Hash::from_slice(&h.tx_root).ok_or(BlockError::FieldLength("tx_root"))?;
        if header != computed {
            return Err(BlockError::TxRoot { header, computed });
        }
        Ok(())
    }

    /// Hashes of the transactions, in order.
    pub fn tx_hashes(&self) -> Vec<Hash> {
        self.txs.iter().map(|t| signed_tx_hash(t)).collect()
    }
}

/// Transaction hash of a SignedTx given its exact bytes (the hash of its body;
/// zero if the bytes are not a SignedTx — [`SealedBlock::decode`] refuses such blocks).
pub fn signed_tx_hash(signed_tx: &[u8]) -> Hash {
    pb::SignedTx::decode(signed_tx).map(|s| tx_hash(&s.body)).unwrap_or_default()
}

/// Merkle root over the exact SignedTx bytes (signatures included), so the
/// block hash commits to every byte of every transaction.
pub fn tx_root_of(txs: &[Vec<u8>]) -> Hash {
    merkle::root(txs)
}

/// Merkle root over encoded receipts.
pub fn receipts_root(receipts: &[pb::Receipt]) -> Hash {
    let enc: Vec<Vec<u8>> = receipts.iter().map(|r| r.encode_to_vec()).collect();
    merkle::root(&enc)
}

impl pb::Validator {
    /// The validator-set entry of `key` with `power`; the address is derived
    /// from the key.
    pub fn of_key(key: &PublicKey, power: u64, name: impl Into<String>) -> pb::Validator {
        pb::Validator {
            address: key.address().0.to_vec(),
            pub_key: key.to_compressed().to_vec(),
            power,
            name: name.into(),
        }
    }
}

/// Hash of a validator set.
pub fn validator_set_hash(set: &pb::ValidatorSet) -> Hash {
    Hash::tagged(domain::VALIDATOR_SET, &set.encode_to_vec())
}

/// The digest a validator signs to vote for a block.
pub fn vote_digest(vote: &pb::Vote) -> Hash {
    Hash::tagged(domain::VOTE, &vote.encode_to_vec())
}

/// The precommit vote for `block_hash` that commit signatures sign.
pub fn precommit(chain_id: &str, height: u64, round: u32, block_hash: &Hash) -> pb::Vote {
    pb::Vote {
        chain_id: chain_id.to_string(),
        height,
        round,
        block_hash: block_hash.0.to_vec(),
        vote_type: pb::VoteType::Precommit as i32,
    }
}

/// Signs a precommit for `block_hash`.
pub fn sign_vote(
    key: &SecretKey,
    chain_id: &str,
    height: u64,
    round: u32,
    block_hash: &Hash,
) -> pb::CommitSig {
    let vote = precommit(chain_id, height, round, block_hash);
    let sig = key.sign_digest(&vote_digest(&vote).0);
    pb::CommitSig { validator: key.address().0.to_vec(), signature: sig.0.to_vec() }
}

/// Verifies that `commit` finalises block `hash` at `height`: every signature
/// valid and by a distinct member of `set`, together more than 2/3 of the power.
pub fn verify_commit(
    commit: &pb::Commit,
    chain_id: &str,
    height: u64,
    hash: &Hash,
    set: &pb::ValidatorSet,
) -> Result<(), BlockError> {
    let got_hash = Hash::from_slice(&commit.block_hash).unwrap_or_default();
    if commit.height != height || got_hash != *hash {
        return Err(BlockError::CommitTarget {
            height,
            hash: *hash,
            got_height: commit.height,
            got_hash,
        });
    }
    let digest = vote_digest(&precommit(chain_id, height, commit.round, hash));
    let total: u64 = set.validators.iter().fold(0u64, |acc, v| acc.saturating_add(v.power));
    let mut seen = BTreeSet::new();
    let mut signed: u64 = 0;
    for cs in &commit.signatures {
        let validator =
            Address::from_slice(&cs.validator).map_err(|_| BlockError::FieldLength("validator"))?;
        let member = set
            .validators
            .iter()
            .find(|v| v.address == cs.validator)
            .ok_or(BlockError::NotAValidator(validator))?;
        if !seen.insert(validator) {
            return Err(BlockError::DuplicateSigner(validator));
        }
        let sig = RecoverableSignature::from_slice(&cs.signature)
            .map_err(|reason| BlockError::CommitSignature { validator, reason })?;
        let key = sig
            .recover(&digest.0)
            .map_err(|reason| BlockError::CommitSignature { validator, reason })?;
        if key.to_compressed().as_slice() != member.pub_key.as_slice() {
            return Err(BlockError::CommitSignature {
                validator,
                reason: CryptoError::BadSignature,
            });
        }
        signed = signed.saturating_add(member.power);
    }
    if signed.saturating_mul(3) <= total.saturating_mul(2) {
        return Err(BlockError::InsufficientPower { signed, total });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(keys: &[SecretKey]) -> pb::ValidatorSet {
        pb::ValidatorSet {
            validators: keys
                .iter()
                .map(|k| pb::Validator::of_key(&k.public_key(), 1, ""))
                .collect(),
        }
    }

    #[test]
    fn commit_needs_more_than_two_thirds_of_distinct_validators() {
        let keys: Vec<SecretKey> =
            (1..=4).map(|i| SecretKey::from_bytes(&[i; 32]).expect("key")).collect();
        let vs = set(&keys);
        let h = Hash::sha3(b"block");
        let mk = |n: usize| pb::Commit {
            height: 7,
            round: 0,
            block_hash: h.0.to_vec(),
            signatures: keys[..n].iter().map(|k| sign_vote(k, "c", 7, 0, &h)).collect(),
        };
        assert!(verify_commit(&mk(3), "c", 7, &h, &vs).is_ok());
        assert!(matches!(
            verify_commit(&mk(2), "c", 7, &h, &vs),
            Err(BlockError::InsufficientPower { .. })
        ));
        let mut dup = mk(2);
        dup.signatures.push(dup.signatures[0].clone());
        assert!(matches!(
            verify_commit(&dup, "c", 7, &h, &vs),
            Err(BlockError::DuplicateSigner(_))
        ));
        assert!(matches!(
            verify_commit(&mk(3), "other-chain", 7, &h, &vs),
            Err(BlockError::CommitSignature { .. })
        ));
        assert!(matches!(
            verify_commit(&mk(3), "c", 8, &h, &vs),
            Err(BlockError::CommitTarget { .. })
        ));
        let outsider = SecretKey::from_bytes(&[9; 32]).expect("key");
        let mut bad = mk(3);
        bad.signatures.push(sign_vote(&outsider, "c", 7, 0, &h));
        assert!(matches!(verify_commit(&bad, "c", 7, &h, &vs), Err(BlockError::NotAValidator(_))));
    }

    #[test]
    fn block_decode_checks_tx_root() {
        let header = pb::BlockHeader {
            chain_id: "c".into(),
            height: 1,
            tx_root: tx_root_of(&[]).0.to_vec(),
            ..Default::default()
        };
        let b = SealedBlock { header: SealedHeader::seal(header), txs: vec![], evidence: vec![] };
        assert_eq!(SealedBlock::decode(&b.encode()).expect("decodes"), b);
        let mut garbage = b.clone();
        garbage.txs.push(vec![1, 2, 3]);
        assert!(matches!(
            SealedBlock::decode(&garbage.encode()),
            Err(BlockError::Tx { index: 0, .. })
        ));
        let key = SecretKey::from_bytes(&[3; 32]).expect("key");
        let body = pb::TxBody {
            chain_id: "c".into(),
            sender: key.address().0.to_vec(),
            fuel_limit: 1,
            expiry_height: 1,
            action: Some(pb::Action {
                kind: Some(pb::action::Kind::Call(pb::Call { contract: vec![1; 20], msg: vec![] })),
            }),
            ..Default::default()
        };
        let mut smuggled = b.clone();
        smuggled.txs.push(crate::tx::sign(&body, &key));
        assert!(matches!(SealedBlock::decode(&smuggled.encode()), Err(BlockError::TxCount { .. })));
    }
}

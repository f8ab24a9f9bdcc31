//! Pure light verification (no IO, so bundles verify offline): signed
//! headers against the trusted validator sets, validator-set changes, and
//! proven state entries against a verified state root. The rules are those
//! of docs/light-verification.md.

use super::{LightError, TrustAnchor};
use bayledger_proto::node::{ProvenEntry, SignedHeader};
use bayledger_types::block::{SealedHeader, validator_set_hash, verify_commit};
use bayledger_types::canonical::decode_canonical;
use bayledger_types::proof::{decode_proof, verify_proof};
use bayledger_types::{Hash, pb, state_keys};

/// A header whose commit carries more than 2/3 of the power of the set
/// trusted for its height.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedHeader {
    /// Height.
    pub height: u64,
    /// Block hash (of the exact header bytes).
    pub hash: Hash,
    /// The header, decoded from its exact bytes.
    pub header: pb::BlockHeader,
    /// State root after the block.
    pub state_root: Hash,
    /// Signatures in the commit (`None` for the anchor's own block, trusted
    /// by hash).
    pub signatures: Option<usize>,
}

/// A change of the validator set at `height` (the first block the new set
/// signs): the signed header of block `height - 1`, which the old set
/// signed, and `sys/validators` proven against its state root.
#[derive(Debug, Clone, PartialEq)]
pub struct SetChange {
    /// First height signed by the new set.
    pub height: u64,
    /// Signed header of block `height - 1`.
    pub header: SignedHeader,
    /// `sys/validators` after block `height - 1`.
    pub entry: ProvenEntry,
}

/// A validator set and the heights it signs (from `from_height` until the
/// next epoch's).
#[derive(Debug, Clone, PartialEq)]
pub struct Epoch {
    /// First height the set signs.
    pub from_height: u64,
    /// The set.
    pub set: pb::ValidatorSet,
    /// Its hash (`validator_set_hash` of the headers it signs).
    pub set_hash: Hash,
}

/// What a light client trusts: the anchor and the validator sets it has
/// verified since, in height order.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustedState {
    chain_id: String,
    anchor_height: u64,
    anchor_hash: Hash,
    epochs: Vec<Epoch>,
}

impl TrustedState {
    /// Starts from `anchor` (its set signs from `anchor.height + 1` on).
    pub fn new(anchor: &TrustAnchor) -> Result<TrustedState, LightError> {
        let (set, set_hash) = anchor.checked_set()?;
        Ok(TrustedState {
            chain_id: anchor.chain_id.clone(),
            anchor_height: anchor.height,
            anchor_hash: anchor.block_hash,
            epochs: vec![Epoch { from_height: anchor.height + 1, set, set_hash }],
        })
    }

    /// The chain.
    pub fn chain_id(&self) -> &str {
        &self.chain_id
    }

    /// Height of the anchor block.
    pub fn anchor_height(&self) -> u64 {
        self.anchor_height
    }

    /// The verified sets, oldest first (the first is the anchor's).
    pub fn epochs(&self) -> &[Epoch] {
        &self.epochs
    }

    /// The newest verified set.
    pub fn latest_epoch(&self) -> &Epoch {
        self.epochs.last().expect("a trusted state always holds the anchor's set")
    }

    /// The set trusted to sign block `height` (`None` at or below the anchor).
    pub fn epoch_for(&self, height: u64) -> Option<&Epoch> {
        self.epochs.iter().rev().find(|e| e.from_height <= height)
    }

    /// Verifies a signed header: its bytes hash to its block hash, it is for
    /// this chain, it names the set trusted for its height, and its commit
    /// carries more than 2/3 of that set's power. The anchor's own block is
    /// accepted by hash; the block after the anchor must name it as parent.
    pub fn verify_header(&self, signed: &SignedHeader) -> Result<VerifiedHeader, LightError> {
        let sealed = SealedHeader::decode(&signed.header).map_err(LightError::HeaderEncoding)?;
        let (height, hash) = (sealed.height(), sealed.hash);
        if !signed.block_hash.is_empty() {
            let claimed = Hash::from_slice(&signed.block_hash).unwrap_or_default();
            if claimed != hash {
                return Err(LightError::BlockHash { claimed, computed: hash });
            }
        }
        if signed.decoded.as_ref().is_some_and(|d| *d != sealed.header) {
            return Err(LightError::DecodedHeader { height });
        }
        if sealed.header.chain_id != self.chain_id {
            return Err(LightError::ChainId {
                expected: self.chain_id.clone(),
                got: sealed.header.chain_id.clone(),
            });
        }
        let verified = |signatures| VerifiedHeader {
            height,
            hash,
            state_root: Hash::from_slice(&sealed.header.state_root).unwrap_or_default(),
            header: sealed.header.clone(),
            signatures,
        };
        if height < self.anchor_height {
            return Err(LightError::BeforeAnchor { height, anchor: self.anchor_height });
        }
        if height == self.anchor_height {
            if hash != self.anchor_hash {
                return Err(LightError::AnchorMismatch {
                    height,
                    reason: format!("block {hash}, the anchor is block {}", self.anchor_hash),
                });
            }
            return Ok(verified(None));
        }
        if height == self.anchor_height + 1 && sealed.header.parent_hash != self.anchor_hash.0 {
            return Err(LightError::AnchorMismatch {
                height,
                reason: format!(
                    "parent {}, the anchor is block {}",
                    hex::encode(&sealed.header.parent_hash),
                    self.anchor_hash
                ),
            });
        }
        let epoch = self.epoch_for(height).expect("heights above the anchor have a set");
        let header_set = Hash::from_slice(&sealed.header.validator_set_hash).unwrap_or_default();
        if header_set != epoch.set_hash {
            return Err(LightError::UnknownSetChange {
                height,
                header_set,
                trusted_set: epoch.set_hash,
            });
        }
        let commit = signed.commit.as_ref().ok_or(LightError::MissingCommit(height))?;
        verify_commit(commit, &self.chain_id, height, &hash, &epoch.set)
            .map_err(|source| LightError::Commit { height, source })?;
        Ok(verified(Some(commit.signatures.len())))
    }

    /// Verifies a validator-set change and trusts the new set from
    /// `change.height` on. Changes must come in height order, each after
    /// the newest trusted set's first height.
    pub fn apply_change(&mut self, change: &SetChange) -> Result<&Epoch, LightError> {
        let height = change.height;
        let refuse = |reason: String| LightError::SetChange { height, reason };
        let latest = self.latest_epoch();
        if height <= latest.from_height {
            return Err(refuse(format!(
                "out of order: the newest trusted set already signs from height {}",
                latest.from_height
            )));
        }
        let header = self.verify_header(&change.header)?;
        if header.height != height - 1 {
            return Err(refuse(format!(
                "carried by the header of height {}, not {}",
                header.height,
                height - 1
            )));
        }
        if change.entry.key != state_keys::VALIDATORS {
            return Err(refuse(format!(
                "the proven entry is key {}, not sys/validators",
                hex::encode(&change.entry.key)
            )));
        }
        let value = verify_entry(header.state_root, &change.entry)?
            .ok_or_else(|| refuse("the proof shows no validator set".into()))?;
        let set: pb::ValidatorSet = decode_canonical("ValidatorSet", &value)
            .map_err(|e| refuse(format!("the proven set does not decode: {e}")))?;
        if set.validators.is_empty() {
            return Err(refuse("the proven set is empty".into()));
        }
        let set_hash = validator_set_hash(&set);
        if set_hash == latest.set_hash {
            return Err(refuse("the proven set is the one already trusted".into()));
        }
        self.epochs.push(Epoch { from_height: height, set, set_hash });
        Ok(self.latest_epoch())
    }
}

/// Checks a proven entry against a verified state root: the value it holds,
/// or `None` when the proof shows the key is absent.
pub fn verify_entry(state_root: Hash, entry: &ProvenEntry) -> Result<Option<Vec<u8>>, LightError> {
    let key = || hex::encode(&entry.key);
    if !entry.exists && !entry.value.is_empty() {
        return Err(LightError::MalformedEntry(key()));
    }
    let proof =
        decode_proof(&entry.proof).map_err(|source| LightError::Proof { key: key(), source })?;
    let value = entry.exists.then_some(entry.value.as_slice());
    verify_proof(state_root, &entry.key, value, &proof)
        .map_err(|source| LightError::Proof { key: key(), source })?;
    Ok(value.map(<[u8]>::to_vec))
}

/// Checks that `entry` is for `key`, then [`verify_entry`].
pub fn verify_entry_for(
    state_root: Hash,
    key: &[u8],
    entry: &ProvenEntry,
) -> Result<Option<Vec<u8>>, LightError> {
    if entry.key != key {
        return Err(LightError::WrongKey {
            expected: hex::encode(key),
            got: hex::encode(&entry.key),
        });
    }
    verify_entry(state_root, entry)
}

//! Equivocation evidence in blocks (ADR 0007, "Evidence in blocks").
//!
//! - **Pool.** Evidence the engine outputs (`Output::Evidence`) is checked
//!   with `verify_equivocation` and kept in a bounded [`EvidencePool`] (one
//!   entry per offence, oldest dropped first) until a block commits it.
//! - **Gossip.** Newly pooled evidence is published on the p2p evidence topic
//!   (payload cap [`MAX_EVIDENCE_BYTES`]); evidence received there goes
//!   through the same checks ([`add_bytes`]) before it is pooled and
//!   forwarded, so every validator can include an offence only one of them
//!   witnessed.
//! - **Blocks.** A proposer includes up to [`MAX_BLOCK_EVIDENCE`] pending pieces:
//!   `block.evidence` = canonical `bayledger.consensus.v1.Evidence` bytes,
//!   `header.evidence_root` = `merkle::root(block.evidence)` (empty when there
//!   is no evidence, so evidence-free blocks hash as before).
//! - **Validity** ([`check_block_evidence`]): size bounds, canonical encoding,
//!   `verify_equivocation` against the validator set of the offence's height, the
//!   offence at a height in `(block height − MAX_EVIDENCE_AGE, block height]`,
//!   no offence twice in a block nor already committed, and the root.
//! - **Index.** Executing a block writes `sys/evidence/<offence id>` →
//!   `inclusion height (u64 BE) ‖ evidence bytes` into its state write set, so
//!   committed evidence is covered by the state root (provable), duplicates are
//!   refused by a state read, and the RPC can find it.
//!
//! An offence is identified by what was violated, not by the exact pair of
//! messages: `(kind, validator, height, round, vote type)`. Two different pairs
//! proving the same double vote are one offence.

use crate::chain::{Chain, ChainError};
use bayledger_consensus::cpb;
use bayledger_consensus::verify_equivocation;
use bayledger_types::canonical::decode_canonical;
use bayledger_types::{Address, Hash, SealedBlock, merkle};
use prost::Message;
use std::collections::VecDeque;

/// Most pieces of evidence in one block.
pub const MAX_BLOCK_EVIDENCE: usize = 16;
/// Largest encoded piece of evidence accepted.
pub const MAX_EVIDENCE_BYTES: usize = 4096;
/// Evidence older than this many heights (relative to the including block) is refused.
pub const MAX_EVIDENCE_AGE: u64 = 100_000;
/// Pending evidence kept by the pool.
pub const POOL_CAPACITY: usize = 256;
/// Prefix of the evidence index in the state tree.
pub const STATE_PREFIX: &[u8] = b"sys/evidence/";
const OFFENCE_DOMAIN: &[u8] = b"bayledger/evidence/v1";

/// What a checked piece of evidence proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offence {
    /// Identity of the offence (the state index key's suffix).
    pub id: Hash,
    /// `duplicate_vote` or `duplicate_proposal`.
    pub kind: &'static str,
    /// The equivocator.
    pub validator: Address,
    /// Height of the conflicting messages.
    pub height: u64,
    /// Their round.
    pub round: u32,
}

/// `sys/evidence/<offence id>`.
pub fn state_key(id: &Hash) -> Vec<u8> {
    [STATE_PREFIX, &id.0].concat()
}

/// Value of the state index entry.
pub fn state_value(included_at: u64, evidence: &[u8]) -> Vec<u8> {
    [&included_at.to_be_bytes()[..], evidence].concat()
}

/// Splits a state index value into inclusion height and evidence bytes.
pub fn parse_state_value(value: &[u8]) -> Option<(u64, &[u8])> {
    let (h, ev) = value.split_at_checked(8)?;
    Some((u64::from_be_bytes(h.try_into().ok()?), ev))
}

/// Decodes (canonically) and verifies one piece of evidence against the
/// validator set of the offence's height (which must be known: at most the
/// next height).
pub fn check(chain: &Chain, bytes: &[u8]) -> Result<Offence, String> {
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(format!("{} bytes (max {MAX_EVIDENCE_BYTES})", bytes.len()));
    }
    let ev: cpb::Evidence = decode_canonical("Evidence", bytes).map_err(|e| e.to_string())?;
    let height = offence_height(&ev).ok_or("malformed evidence")?;
    let set = chain.validators_at(height).map_err(|e| match e {
        // Evidence is checked for the next block (or the pool feeding it).
        ChainError::NoValidatorSet { latest, .. } if height > latest => {
            format!("offence at height {height} is above the block")
        }
        e => e.to_string(),
    })?;
    let validator =
        verify_equivocation(&ev, &set, &chain.genesis.chain_id).map_err(|e| e.to_string())?;
    offence(&ev, validator).ok_or_else(|| "malformed evidence".to_string())
}

/// The height of the conflicting messages.
fn offence_height(ev: &cpb::Evidence) -> Option<u64> {
    Some(match ev.kind.as_ref()? {
        cpb::evidence::Kind::DuplicateVote(d) => d.first.as_ref()?.vote.as_ref()?.height,
        cpb::evidence::Kind::DuplicateProposal(d) => d.first.as_ref()?.proposal.as_ref()?.height,
    })
}

/// The offence proven by verified evidence by `validator`.
fn offence(ev: &cpb::Evidence, validator: Address) -> Option<Offence> {
    let (kind, tag, height, round, vote_type) = match ev.kind.as_ref()? {
        cpb::evidence::Kind::DuplicateVote(d) => {
            let v = d.first.as_ref()?.vote.as_ref()?;
            ("duplicate_vote", 1u8, v.height, v.round, v.vote_type)
        }
        cpb::evidence::Kind::DuplicateProposal(d) => {
            let p = d.first.as_ref()?.proposal.as_ref()?;
            ("duplicate_proposal", 2u8, p.height, p.round, 0)
        }
    };
    let mut data = vec![tag];
    data.extend_from_slice(&validator.0);
    data.extend_from_slice(&height.to_be_bytes());
    data.extend_from_slice(&round.to_be_bytes());
    data.extend_from_slice(&vote_type.to_be_bytes());
    Some(Offence { id: Hash::tagged(OFFENCE_DOMAIN, &data), kind, validator, height, round })
}

/// The offence of committed (already verified) evidence, without checking
/// the signatures again.
pub fn describe(bytes: &[u8]) -> Option<Offence> {
    let ev = cpb::Evidence::decode(bytes).ok()?;
    let signer = match ev.kind.as_ref()? {
        cpb::evidence::Kind::DuplicateVote(d) => d.first.as_ref()?.validator.clone(),
        cpb::evidence::Kind::DuplicateProposal(d) => {
            d.first.as_ref()?.proposal.as_ref()?.proposer.clone()
        }
    };
    offence(&ev, Address::from_slice(&signer).ok()?)
}

/// Whether `offence` may go into block `height`: recent enough, not from the
/// future and not committed yet (read from the latest committed state).
fn admissible(chain: &Chain, offence: &Offence, height: u64) -> Result<(), String> {
    if offence.height > height {
        return Err(format!("offence at height {} is above the block", offence.height));
    }
    if height - offence.height >= MAX_EVIDENCE_AGE {
        return Err(format!("offence at height {} is too old", offence.height));
    }
    let state = chain.store.latest_state().map_err(|e| e.to_string())?;
    if state.get(&state_key(&offence.id)).map_err(|e| e.to_string())?.is_some() {
        return Err(format!("offence {} is already committed", offence.id));
    }
    Ok(())
}

/// The Merkle root committed in `header.evidence_root` (empty for no evidence).
pub fn evidence_root(evidence: &[Vec<u8>]) -> Vec<u8> {
    if evidence.is_empty() { Vec::new() } else { merkle::root(evidence).0.to_vec() }
}

/// Checks the evidence of `block` (rules in the module docs); returns the
/// offence ids with their bytes, in block order, for the state index.
pub fn check_block_evidence(
    chain: &Chain,
    block: &SealedBlock,
) -> Result<Vec<(Hash, Vec<u8>)>, ChainError> {
    let invalid = |reason: String| ChainError::InvalidBlock {
        hash: block.hash(),
        height: block.height(),
        reason,
    };
    if block.evidence.len() > MAX_BLOCK_EVIDENCE {
        return Err(invalid(format!("more than {MAX_BLOCK_EVIDENCE} pieces of evidence")));
    }
    if block.header.header.evidence_root != evidence_root(&block.evidence) {
        return Err(invalid("evidence root mismatch".into()));
    }
    let mut out: Vec<(Hash, Vec<u8>)> = Vec::with_capacity(block.evidence.len());
    for (i, bytes) in block.evidence.iter().enumerate() {
        let offence = check(chain, bytes).map_err(|e| invalid(format!("evidence {i}: {e}")))?;
        if out.iter().any(|(id, _)| *id == offence.id) {
            return Err(invalid(format!(
                "evidence {i}: offence {} twice in the block",
                offence.id
            )));
        }
        admissible(chain, &offence, block.height())
            .map_err(|e| invalid(format!("evidence {i}: {e}")))?;
        out.push((offence.id, bytes.clone()));
    }
    Ok(out)
}

/// Verified evidence waiting for a block, one entry per offence, bounded.
#[derive(Debug, Default)]
pub struct EvidencePool {
    pending: VecDeque<(Offence, Vec<u8>)>,
}

impl EvidencePool {
    /// Adds evidence unless its offence is already pending; the oldest entry
    /// is dropped when full. Returns whether it was added.
    pub fn insert(&mut self, offence: Offence, bytes: Vec<u8>) -> bool {
        if self.pending.iter().any(|(o, _)| o.id == offence.id) {
            return false;
        }
        if self.pending.len() >= POOL_CAPACITY {
            self.pending.pop_front();
        }
        self.pending.push_back((offence, bytes));
        true
    }

    /// Pending entries, oldest first.
    pub fn pending(&self) -> Vec<(Offence, Vec<u8>)> {
        self.pending.iter().cloned().collect()
    }

    /// Forgets committed offences.
    pub fn remove(&mut self, ids: &[Hash]) {
        self.pending.retain(|(o, _)| !ids.contains(&o.id));
    }

    /// Whether the offence `id` is pending.
    pub fn contains(&self, id: &Hash) -> bool {
        self.pending.iter().any(|(o, _)| o.id == *id)
    }

    /// Number of pending entries.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Verifies evidence from the engine and adds it to the chain's pool; returns
/// the offence when it is new.
pub fn add_to_pool(chain: &Chain, ev: &cpb::Evidence) -> Result<Option<Offence>, String> {
    add_bytes(chain, &ev.encode_to_vec())
}

/// Checks encoded evidence (from the engine or from gossip) and adds it to
/// the chain's pool. `Err`: it is malformed or does not prove an
/// equivocation by a validator. `Ok(None)`: valid but nothing new — its
/// offence is already pending, committed, too old or above our next height.
/// `Ok(Some)`: pooled. An offence already pending is recognised before any
/// signature is checked.
pub fn add_bytes(chain: &Chain, bytes: &[u8]) -> Result<Option<Offence>, String> {
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(format!("{} bytes (max {MAX_EVIDENCE_BYTES})", bytes.len()));
    }
    let next = chain.height().map_err(|e| e.to_string())? + 1;
    if describe(bytes).is_some_and(|o| o.height > next || chain.evidence.lock().contains(&o.id)) {
        return Ok(None);
    }
    let offence = check(chain, bytes)?;
    if admissible(chain, &offence, next).is_err() {
        return Ok(None);
    }
    Ok(chain.evidence.lock().insert(offence.clone(), bytes.to_vec()).then_some(offence))
}

/// The pending evidence a proposer of block `height` includes: still
/// admissible, at most [`MAX_BLOCK_EVIDENCE`], one per offence.
pub fn reap(chain: &Chain, height: u64) -> Vec<(Hash, Vec<u8>)> {
    let pending = chain.evidence.lock().pending();
    let mut out: Vec<(Hash, Vec<u8>)> = Vec::new();
    let mut stale = Vec::new();
    for (offence, bytes) in pending {
        if out.len() >= MAX_BLOCK_EVIDENCE {
            break;
        }
        match admissible(chain, &offence, height) {
            Ok(()) => out.push((offence.id, bytes)),
            Err(e) => {
                tracing::debug!(id = %offence.id, error = %e, "evidence dropped from the pool");
                stale.push(offence.id);
            }
        }
    }
    if !stale.is_empty() {
        chain.evidence.lock().remove(&stale);
    }
    out
}

//! Offline verification of a bundle against a trust anchor: the header chain from the anchor
//! (validator-set changes, then the record's signed header), every entry against that header's
//! state root, then the record recomputed from the proven values and compared.

use super::BundleError;
use super::format::{Bundle, Entry, HexBytes, SetChange};
use super::query::Query;
use super::record::{At, Record};
use super::state::{ProvenState, show_key};
use crate::light::{self, ProvenEntry, SignedHeader, TrustAnchor, TrustedState};
use bayledger_types::canonical::decode_canonical;
use bayledger_types::{Hash, pb};
use serde::Serialize;

/// A record whose every byte was checked against the anchor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifiedRecord {
    /// The chain.
    pub chain_id: String,
    /// The block the record is proven at.
    pub height: u64,
    /// Its hash.
    pub block_hash: Hash,
    /// Its time, ms.
    pub block_time_ms: u64,
    /// Its state root, which every entry was proven against.
    pub state_root: Hash,
    /// Heights at which the validator set changed between the anchor and the block.
    pub validator_set_changes: Vec<u64>,
    /// What was asked.
    pub query: Query,
    /// The answer, as recomputed from the proven state.
    pub record: Record,
}

/// Verifies `bundle` against `anchor`, with no network. Fails on the first check that does
/// not hold, naming it.
pub fn verify(bundle: &Bundle, anchor: &TrustAnchor) -> Result<VerifiedRecord, BundleError> {
    if bundle.format != super::FORMAT {
        return Err(BundleError::Format(bundle.format.clone()));
    }
    if bundle.chain_id != anchor.chain_id {
        return Err(BundleError::ChainId {
            bundle: bundle.chain_id.clone(),
            anchor: anchor.chain_id.clone(),
        });
    }
    let mut trusted = TrustedState::new(anchor).map_err(|source| BundleError::Header {
        height: bundle.height,
        source: Box::new(source),
    })?;
    for change in &bundle.validator_set_changes {
        if change.height > bundle.height {
            return Err(BundleError::SetChangeAfterRecord {
                height: change.height,
                record_height: bundle.height,
            });
        }
        let height = change.height;
        let light_change = light::SetChange {
            height,
            header: signed_header(&change.header, &change.commit, "a set change's commit")?,
            entry: proven_entry(&change.validator_set),
        };
        trusted
            .apply_change(&light_change)
            .map_err(|source| BundleError::SetChange { height, source: Box::new(source) })?;
    }
    let signed = signed_header(&bundle.header, &bundle.commit, "the commit")?;
    let header = trusted.verify_header(&signed).map_err(|source| BundleError::Header {
        height: bundle.height,
        source: Box::new(source),
    })?;
    if header.height != bundle.height {
        return Err(BundleError::Header {
            height: bundle.height,
            source: Box::new(light::LightError::Height {
                expected: bundle.height,
                got: header.height,
            }),
        });
    }
    let mut state = ProvenState::default();
    for (index, entry) in bundle.entries.iter().enumerate() {
        let key = || show_key(&entry.key.0);
        let value = light::verify_entry(header.state_root, &proven_entry(entry))
            .map_err(|source| BundleError::Entry { index, key: key(), source: Box::new(source) })?;
        state.insert(entry.key.0.clone(), value).map_err(|first| BundleError::DuplicateEntry {
            first,
            second: index,
            key: key(),
        })?;
    }
    let at = At { height: header.height, time_ms: header.header.time_ms };
    let record = Record::evaluate(&bundle.query, at, &mut state)?;
    if let Some((index, key)) = state.first_unread() {
        return Err(BundleError::UnusedEntry { index, key: show_key(key) });
    }
    if let Some((position, &index)) =
        state.read_order().iter().enumerate().find(|(position, index)| position != *index)
    {
        return Err(BundleError::EntryOrder { index, position });
    }
    if record != bundle.record {
        return Err(BundleError::RecordMismatch {
            bundle: bundle.record.to_json(),
            proven: record.to_json(),
        });
    }
    Ok(VerifiedRecord {
        chain_id: bundle.chain_id.clone(),
        height: header.height,
        block_hash: header.hash,
        block_time_ms: header.header.time_ms,
        state_root: header.state_root,
        validator_set_changes: bundle.validator_set_changes.iter().map(|c| c.height).collect(),
        query: bundle.query.clone(),
        record,
    })
}

/// The light verifier's form of a header and its commit (exact header bytes; the block hash
/// is computed from them).
fn signed_header(
    header: &HexBytes,
    commit: &HexBytes,
    what: &str,
) -> Result<SignedHeader, BundleError> {
    let commit: pb::Commit = decode_canonical("Commit", &commit.0)
        .map_err(|e| BundleError::Encoding { what: what.to_string(), reason: e.to_string() })?;
    Ok(SignedHeader {
        header: header.0.clone(),
        decoded: None,
        block_hash: Vec::new(),
        commit: Some(commit),
    })
}

/// The light verifier's form of an entry.
pub(super) fn proven_entry(entry: &Entry) -> ProvenEntry {
    ProvenEntry {
        key: entry.key.0.clone(),
        exists: entry.value.is_some(),
        value: entry.value.as_ref().map(|v| v.0.clone()).unwrap_or_default(),
        proof: entry.proof.0.clone(),
    }
}

/// The bundle's form of a light [`light::SetChange`].
pub(super) fn set_change(change: &light::SetChange) -> Result<SetChange, BundleError> {
    let commit =
        change.header.commit.as_ref().ok_or(light::LightError::MissingCommit(change.height - 1))?;
    Ok(SetChange {
        height: change.height,
        header: HexBytes(change.header.header.clone()),
        commit: HexBytes(prost::Message::encode_to_vec(commit)),
        validator_set: entry_of(&change.entry),
    })
}

/// The bundle's form of a proven entry.
pub(super) fn entry_of(entry: &ProvenEntry) -> Entry {
    Entry {
        key: HexBytes(entry.key.clone()),
        value: entry.exists.then(|| HexBytes(entry.value.clone())),
        proof: HexBytes(entry.proof.clone()),
    }
}

//! Building a bundle from a node: the latest verified header, the validator-set changes since
//! the anchor, and a proof of each state key the record turns out to read (found by evaluating
//! the record and asking for every key it needs that is not proven yet). Everything the node
//! sends is verified on arrival, so a node that lies fails the fetch, not only the later
//! verification.

use super::BundleError;
use super::format::{Bundle, FORMAT, HexBytes};
use super::query::Query;
use super::record::{At, Record};
use super::state::ProvenState;
use super::verify::{entry_of, set_change};
use crate::client::Client;
use crate::light::{LightClient, LightError, ProvenEntry, TrustAnchor};
use prost::Message;

/// Most state keys one record reads (a DID version reads six); a bound on the rounds of
/// evaluating and fetching.
const MAX_READS: usize = 16;

/// Fetches a bundle answering `query` at the node's latest height, with the validator-set
/// changes since `anchor`. Every part is verified against `anchor` as it arrives.
pub async fn fetch(
    client: &Client,
    anchor: &TrustAnchor,
    query: Query,
) -> Result<Bundle, BundleError> {
    query.check()?;
    let mut light = LightClient::new(client, anchor)?;
    let (signed, header) = light.signed_and_verified(0).await?;
    let height = header.height;
    let commit = signed.commit.ok_or(LightError::MissingCommit(height))?;
    let changes = light.changes().iter().map(set_change).collect::<Result<Vec<_>, _>>()?;

    let at = At { height, time_ms: header.header.time_ms };
    let mut state = ProvenState::default();
    let mut proofs: Vec<ProvenEntry> = Vec::new();
    let record = loop {
        state.reset_reads();
        match Record::evaluate(&query, at, &mut state) {
            Ok(record) => break record,
            Err(BundleError::MissingEntry(shown)) => {
                let key = state.take_missing().ok_or(BundleError::MissingEntry(shown))?;
                if proofs.len() >= MAX_READS {
                    return Err(BundleError::Query(format!(
                        "the record reads more than {MAX_READS} state keys"
                    )));
                }
                let entry = light.entry_at(&header, &key).await.map_err(|e| match e {
                    // Failing to ask the node for a proof stays `Node`, as before.
                    LightError::Node(e) => BundleError::Node(e),
                    e => e.into(),
                })?;
                state
                    .insert(key, entry.value)
                    .expect("`take_missing` names a key no entry proves yet");
                proofs.push(entry.proof);
            }
            Err(other) => return Err(other),
        }
    };
    let entries = state.read_order().iter().map(|&i| entry_of(&proofs[i])).collect();
    Ok(Bundle {
        format: FORMAT.to_string(),
        chain_id: anchor.chain_id.clone(),
        query,
        record,
        height,
        header: HexBytes(signed.header),
        commit: HexBytes(commit.encode_to_vec()),
        validator_set_changes: changes,
        entries,
    })
}

/// A bundle for hash `hash` (`0x` + 64 hex digits): registered, by whom, when, active at
/// `at_ms` (default: the block's time).
pub async fn fetch_hash(
    client: &Client,
    anchor: &TrustAnchor,
    hash: &str,
    at_ms: Option<u64>,
) -> Result<Bundle, BundleError> {
    fetch(client, anchor, Query::Hash { hash: hash.to_string(), at_ms }).await
}

/// A bundle for credential `id`: its anchor, status and validity at `at_ms`.
pub async fn fetch_credential(
    client: &Client,
    anchor: &TrustAnchor,
    id: &str,
    at_ms: Option<u64>,
) -> Result<Bundle, BundleError> {
    fetch(client, anchor, Query::Credential { id: id.to_string(), at_ms }).await
}

/// A bundle for consent `id`: its record and status at `at_ms`.
pub async fn fetch_consent(
    client: &Client,
    anchor: &TrustAnchor,
    id: u64,
    at_ms: Option<u64>,
) -> Result<Bundle, BundleError> {
    fetch(client, anchor, Query::Consent { id, at_ms }).await
}

/// A bundle for DID `did`'s document at `version` (default: the latest).
pub async fn fetch_did(
    client: &Client,
    anchor: &TrustAnchor,
    did: &str,
    version: Option<u64>,
) -> Result<Bundle, BundleError> {
    fetch(client, anchor, Query::Did { did: did.to_string(), version }).await
}

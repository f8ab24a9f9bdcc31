//! Storage layout.
//!
//! | key | value |
//! |---|---|
//! | `did_registry` | the registry address (20 bytes) |
//! | `next_id` | next consent id (u64, starts at 1) |
//! | map `consent`: u64be(id) | [`ConsentRecord`] as JSON |
//! | map `nonce`: subject DID | next delegation nonce (u64) |
//! | map `transfers`: u64be(id) | number of receipts of the consent (u64) |
//! | index `by_subject`: DID, u64be(id) | empty |
//! | index `by_provider`: DID, u64be(id) | empty |
//! | index `by_parties`: [`parties_key`], u64be(id) | empty |
//! | index `receipt`: u64be(id), u64be(seq) | [`Receipt`] as JSON |
//!
//! An index entry lives under `u8(len ns) ‖ ns ‖ u8(len scope) ‖ scope ‖ u64be(n)`: the
//! length bytes keep scopes from overlapping, so a prefix scan of one scope sees only its own
//! entries, in numeric order of `n`.

use crate::msg::Receipt;
use crate::record::ConsentRecord;
use alloc::format;
use alloc::vec::Vec;
use bayledger_contract_sdk::storage::{self, Item, Map};
use bayledger_contract_sdk::{Address, Error, crypto};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The DID registry consulted for `authorized`.
pub(crate) const DID_REGISTRY: Item<Address> = Item::new("did_registry");
/// The next consent id.
pub(crate) const NEXT_ID: Item<u64> = Item::new("next_id");
/// Consent records by id, as JSON.
pub const CONSENTS: Map<u64, Vec<u8>> = Map::new("consent");
/// Next delegation nonce per subject DID.
pub(crate) const NONCES: Map<alloc::string::String, u64> = Map::new("nonce");
/// Number of receipts per consent.
pub(crate) const TRANSFER_COUNT: Map<u64, u64> = Map::new("transfers");

/// Consent ids per subject DID.
pub(crate) const BY_SUBJECT: Index = Index::new("by_subject");
/// Consent ids per provider DID.
pub(crate) const BY_PROVIDER: Index = Index::new("by_provider");
/// Consent ids per (subject, provider, recipient), scoped by [`parties_key`].
pub(crate) const BY_PARTIES: Index = Index::new("by_parties");
/// Receipts per consent, scoped by `u64be(consent id)`, numbered by `seq`.
pub(crate) const RECEIPTS: Index = Index::new("receipt");

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::new(format!("cannot encode record: {e}")))
}

fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::new(format!("corrupt stored record: {e}")))
}

/// The consent with this id, if any.
pub(crate) fn load_consent(id: u64) -> Result<Option<ConsentRecord>, Error> {
    CONSENTS.get(&id)?.map(|b| from_json(&b)).transpose()
}

/// The consent with this id, or `not found: consent <id>`.
pub(crate) fn must_load_consent(id: u64) -> Result<ConsentRecord, Error> {
    load_consent(id)?.ok_or_else(|| Error::new(format!("not found: consent {id}")))
}

/// Stores a consent under its id.
pub(crate) fn save_consent(record: &ConsentRecord) -> Result<(), Error> {
    CONSENTS.set(&record.id, &to_json(record)?);
    Ok(())
}

/// Stores a receipt.
pub(crate) fn save_receipt(consent_id: u64, receipt: &Receipt) -> Result<(), Error> {
    RECEIPTS.insert(&consent_id.to_be_bytes(), receipt.seq, &to_json(receipt)?);
    Ok(())
}

/// A page of the receipts of a consent.
pub(crate) fn receipts_page(
    consent_id: u64,
    start_after: Option<u64>,
    limit: usize,
) -> Result<Vec<Receipt>, Error> {
    RECEIPTS
        .entries(&consent_id.to_be_bytes(), start_after)
        .take(limit)
        .map(|e| e.and_then(|(_, v)| from_json(&v)))
        .collect()
}

/// The scope of [`BY_PARTIES`]: SHA3-256 of the three DIDs, each `u16be(len) ‖ bytes`
/// (three DIDs together would not fit a storage key).
pub(crate) fn parties_key(subject: &str, provider: &str, recipient: &str) -> [u8; 32] {
    let mut buf = Vec::with_capacity(6 + subject.len() + provider.len() + recipient.len());
    for did in [subject, provider, recipient] {
        // DIDs are validated to at most 128 bytes, so the length fits.
        buf.extend_from_slice(&(did.len() as u16).to_be_bytes());
        buf.extend_from_slice(did.as_bytes());
    }
    crypto::sha3_256(&buf)
}

/// Numbered entries grouped by a scope (at most 255 bytes), iterated in number order.
#[derive(Debug)]
pub(crate) struct Index {
    ns: &'static str,
}

impl Index {
    const fn new(ns: &'static str) -> Index {
        Index { ns }
    }

    fn prefix(&self, scope: &[u8]) -> Vec<u8> {
        let mut p = Vec::with_capacity(2 + self.ns.len() + scope.len() + 8);
        // Namespaces are short literals; scopes are DIDs (≤ 128 bytes), hashes or ids.
        p.push(self.ns.len() as u8);
        p.extend_from_slice(self.ns.as_bytes());
        p.push(scope.len() as u8);
        p.extend_from_slice(scope);
        p
    }

    fn key(&self, scope: &[u8], n: u64) -> Vec<u8> {
        let mut k = self.prefix(scope);
        k.extend_from_slice(&n.to_be_bytes());
        k
    }

    /// Adds entry `n` of `scope`.
    pub(crate) fn insert(&self, scope: &[u8], n: u64, value: &[u8]) {
        storage::set(&self.key(scope, n), value);
    }

    /// Entries of `scope` after `start_after`, in number order.
    pub(crate) fn entries(
        &self,
        scope: &[u8],
        start_after: Option<u64>,
    ) -> impl Iterator<Item = Result<(u64, Vec<u8>), Error>> + use<> {
        let prefix = self.prefix(scope);
        let prefix_len = prefix.len();
        let iter = match start_after {
            Some(n) => storage::iter_prefix_after(&prefix, &self.key(scope, n)),
            None => storage::iter_prefix(&prefix),
        };
        iter.map(move |(key, value)| {
            let n = key
                .get(prefix_len..)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .ok_or_else(|| Error::new("corrupt index key"))?;
            Ok((n, value))
        })
    }

    /// The numbers of `scope` after `start_after`, in order.
    pub(crate) fn numbers(
        &self,
        scope: &[u8],
        start_after: Option<u64>,
    ) -> impl Iterator<Item = Result<u64, Error>> + use<> {
        self.entries(scope, start_after).map(|e| e.map(|(n, _)| n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_contract_sdk::mock;

    #[test]
    fn index_scopes_do_not_overlap_and_iterate_in_order() {
        mock::reset();
        BY_SUBJECT.insert(b"did:a", 300, b"");
        BY_SUBJECT.insert(b"did:a", 2, b"");
        BY_SUBJECT.insert(b"did:ab", 1, b"");
        BY_PROVIDER.insert(b"did:a", 5, b"");
        let all = |scope: &[u8], after| {
            BY_SUBJECT.numbers(scope, after).collect::<Result<Vec<_>, _>>().expect("decodes")
        };
        assert_eq!(all(b"did:a", None), [2, 300]);
        assert_eq!(all(b"did:a", Some(2)), [300]);
        assert_eq!(all(b"did:ab", None), [1]);
        assert_eq!(all(b"did:", None), Vec::<u64>::new());
    }

    #[test]
    fn parties_key_separates_the_dids() {
        mock::reset();
        assert_ne!(parties_key("did:a:b", "c", "d"), parties_key("did:a:", "bc", "d"));
        assert_eq!(parties_key("s", "p", "r"), parties_key("s", "p", "r"));
    }
}

//! Point reads of contract state from proven entries, decoded with the contracts' own storage
//! layouts and codecs. The same reader serves the verifier (entries already proven against a
//! state root) and the fetcher (which proves each key the record turns out to need).

use super::BundleError;
use bayledger_contract_sdk::Codec;
use bayledger_contract_sdk::storage::{Item, Map};
use bayledger_types::{SystemContract, state_keys};

/// Proven state: keys with their values (`None`: proven absent), remembering which were read.
#[derive(Debug, Default)]
pub(crate) struct ProvenState {
    entries: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    /// Indexes into `entries`, in first-read order.
    read: Vec<usize>,
    /// The last key asked for that no entry proves.
    missing: Option<Vec<u8>>,
}

impl ProvenState {
    /// Adds a proven entry; `Err(index)` of the entry already holding the key.
    pub(crate) fn insert(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) -> Result<(), usize> {
        match self.position(&key) {
            Some(i) => Err(i),
            None => {
                self.entries.push((key, value));
                Ok(())
            }
        }
    }

    fn position(&self, key: &[u8]) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == key)
    }

    /// The value of `key`; `MissingEntry` when no entry proves it.
    pub(crate) fn get(&mut self, key: &[u8]) -> Result<Option<&[u8]>, BundleError> {
        let Some(i) = self.position(key) else {
            self.missing = Some(key.to_vec());
            return Err(BundleError::MissingEntry(show_key(key)));
        };
        if !self.read.contains(&i) {
            self.read.push(i);
        }
        Ok(self.entries[i].1.as_deref())
    }

    /// Forgets what was read (before evaluating again).
    pub(crate) fn reset_reads(&mut self) {
        self.read.clear();
        self.missing = None;
    }

    /// The key of the last `MissingEntry`, taken.
    pub(crate) fn take_missing(&mut self) -> Option<Vec<u8>> {
        self.missing.take()
    }

    /// Indexes of the entries read, in first-read order.
    pub(crate) fn read_order(&self) -> &[usize] {
        &self.read
    }

    /// The first entry never read, if any.
    pub(crate) fn first_unread(&self) -> Option<(usize, &[u8])> {
        (0..self.entries.len())
            .find(|i| !self.read.contains(i))
            .map(|i| (i, self.entries[i].0.as_slice()))
    }

    /// Entry `key` of `contract`'s map `map`, decoded.
    pub(crate) fn map<K: Codec, V: Codec>(
        &mut self,
        contract: SystemContract,
        map: &Map<K, V>,
        key: &K,
    ) -> Result<Option<V>, BundleError> {
        self.decoded(state_keys::storage(&contract.address(), &map.storage_key(key)))
    }

    /// `contract`'s item `item`, decoded.
    pub(crate) fn item<V: Codec>(
        &mut self,
        contract: SystemContract,
        item: &Item<V>,
    ) -> Result<Option<V>, BundleError> {
        self.decoded(state_keys::storage(&contract.address(), item.storage_key()))
    }

    fn decoded<V: Codec>(&mut self, key: Vec<u8>) -> Result<Option<V>, BundleError> {
        let Some(bytes) = self.get(&key)? else { return Ok(None) };
        V::decode(bytes)
            .map(Some)
            .map_err(|e| BundleError::Corrupt { key: show_key(&key), reason: e.to_string() })
    }
}

/// A state key for messages: its printable ASCII prefix as text, then hex
/// (`kv/` + contract address + the contract's key).
pub fn show_key(key: &[u8]) -> String {
    if let Some(rest) = key.strip_prefix(b"kv/")
        && rest.len() >= 20
    {
        return format!("kv/0x{}/{}", hex::encode(&rest[..20]), hex::encode(&rest[20..]));
    }
    match std::str::from_utf8(key) {
        Ok(text) if text.chars().all(|c| c.is_ascii_graphic()) => text.to_string(),
        _ => hex::encode(key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_tracked_and_missing_keys_named() {
        let mut s = ProvenState::default();
        s.insert(b"a".to_vec(), Some(b"1".to_vec())).expect("new");
        s.insert(b"b".to_vec(), None).expect("new");
        assert_eq!(s.insert(b"a".to_vec(), None), Err(0));
        assert_eq!(s.get(b"b").expect("proven"), None);
        assert_eq!(s.get(b"a").expect("proven"), Some(&b"1"[..]));
        assert_eq!(s.read_order(), [1, 0]);
        assert!(s.first_unread().is_none());
        let err = s.get(b"c").expect_err("not proven");
        assert!(matches!(err, BundleError::MissingEntry(k) if k == "c"));
    }
}

//! The read interface to committed state that the VM executes against, and the
//! write set it produces. Storage implements [`StateReader`] over RocksDB; tests
//! use [`MemState`].

use std::collections::BTreeMap;
use std::ops::Bound;

/// Writes of a block or transaction: `None` deletes the key.
pub type WriteSet = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// A storage failure while reading state. Execution stops (the block is not
/// produced or applied) rather than turn an I/O error into a divergent result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("state read failed: {0}")]
pub struct StateError(pub String);

/// A key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// Read access to a consistent version of the state.
pub trait StateReader: Send + Sync {
    /// The value at `key`.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;

    /// The smallest entry whose key starts with `prefix` and is greater than
    /// `after` (or at least `prefix` when `after` is `None`).
    fn next(&self, prefix: &[u8], after: Option<&[u8]>) -> Result<Option<Entry>, StateError>;
}

/// In-memory state for tests, harnesses and genesis construction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemState(pub BTreeMap<Vec<u8>, Vec<u8>>);

impl MemState {
    /// Applies a write set.
    pub fn apply(&mut self, writes: &WriteSet) {
        for (k, v) in writes {
            match v {
                Some(v) => self.0.insert(k.clone(), v.clone()),
                None => self.0.remove(k),
            };
        }
    }
}

/// First entry of `map` with key > `after` (or >= `prefix`) that has `prefix`.
pub fn next_in_map<'a, V: 'a>(
    map: &'a BTreeMap<Vec<u8>, V>,
    prefix: &[u8],
    after: Option<&[u8]>,
) -> Option<(&'a Vec<u8>, &'a V)> {
    let lower = match after {
        Some(a) if a >= prefix => Bound::Excluded(a.to_vec()),
        _ => Bound::Included(prefix.to_vec()),
    };
    map.range((lower, Bound::Unbounded)).next().filter(|(k, _)| k.starts_with(prefix))
}

impl StateReader for MemState {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.0.get(key).cloned())
    }

    fn next(&self, prefix: &[u8], after: Option<&[u8]>) -> Result<Option<Entry>, StateError> {
        Ok(next_in_map(&self.0, prefix, after).map(|(k, v)| (k.clone(), v.clone())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_respects_prefix_and_after() {
        let mut s = MemState::default();
        for k in [b"a/1".as_slice(), b"a/2", b"b/1"] {
            s.0.insert(k.to_vec(), k.to_vec());
        }
        assert_eq!(s.next(b"a/", None).expect("ok").map(|e| e.0), Some(b"a/1".to_vec()));
        assert_eq!(s.next(b"a/", Some(b"a/1")).expect("ok").map(|e| e.0), Some(b"a/2".to_vec()));
        assert_eq!(s.next(b"a/", Some(b"a/2")).expect("ok"), None);
        assert_eq!(s.next(b"c/", None).expect("ok"), None);
    }
}

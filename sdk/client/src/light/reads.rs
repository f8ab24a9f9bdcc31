//! [`ProvenReads`]: the state a proven query read, as a [`StateReader`], so
//! a verifier with a VM can re-run the query on exactly the proven values
//! and compare its answer with the node's.

use bayledger_types::{Entry, StateError, StateReader};
use std::collections::BTreeMap;

/// Verified `(key, value or absence)` pairs; any other key is an error, not
/// an absence (the node did not prove it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvenReads(pub BTreeMap<Vec<u8>, Option<Vec<u8>>>);

impl ProvenReads {
    /// The proven value of `key`: `Some(None)` when proven absent, `None`
    /// when not proven at all.
    pub fn value(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        self.0.get(key).map(Option::as_deref)
    }

    /// Number of proven keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No key proven.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl StateReader for ProvenReads {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.0.get(key).cloned().ok_or_else(|| {
            StateError(format!("key {} is not among the proven reads", hex::encode(key)))
        })
    }

    fn next(&self, prefix: &[u8], _after: Option<&[u8]>) -> Result<Option<Entry>, StateError> {
        Err(StateError(format!(
            "prefix iteration (prefix {}) cannot be proven: state keys are hashed in the tree",
            hex::encode(prefix)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_proven_keys_read() {
        let reads = ProvenReads(
            [(b"a".to_vec(), Some(b"1".to_vec())), (b"b".to_vec(), None)].into_iter().collect(),
        );
        assert_eq!(reads.get(b"a").expect("proven"), Some(b"1".to_vec()));
        assert_eq!(reads.get(b"b").expect("proven absent"), None);
        assert!(reads.get(b"c").is_err(), "unproven is not absent");
        assert!(reads.next(b"a", None).is_err());
        assert_eq!(reads.value(b"b"), Some(None));
        assert_eq!(reads.value(b"c"), None);
    }
}

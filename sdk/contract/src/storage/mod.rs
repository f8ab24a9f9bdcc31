//! Contract storage: raw bytes, prefix iteration, and typed [`Item`] / [`Map`] helpers.
//!
//! Keys are relative to the running contract (the host stores them under
//! `kv/<contract address>/…`), at most [`crate::limits::MAX_KEY_LEN`] bytes; values at most
//! [`crate::limits::MAX_VALUE_LEN`]. Writes and removals trap inside a query.

mod typed;

pub use typed::{Item, Map, MapIter};

use crate::host;
use alloc::vec::Vec;

/// The value under `key`, if any.
pub fn get(key: &[u8]) -> Option<Vec<u8>> {
    host::storage_read(key)
}

/// Stores `value` under `key`, replacing any previous value.
pub fn set(key: &[u8], value: &[u8]) {
    host::storage_write(key, value)
}

/// Deletes `key` (a no-op if absent).
pub fn remove(key: &[u8]) {
    host::storage_remove(key)
}

/// Whether `key` holds a value.
pub fn has(key: &[u8]) -> bool {
    host::storage_read(key).is_some()
}

/// All entries whose key starts with `prefix`, in ascending key order.
pub fn iter_prefix(prefix: &[u8]) -> PrefixIter {
    PrefixIter { prefix: prefix.to_vec(), after: None, done: false }
}

/// Entries whose key starts with `prefix` and is strictly greater than `start_after`, in
/// ascending key order (pagination: pass the last key of the previous page).
pub fn iter_prefix_after(prefix: &[u8], start_after: &[u8]) -> PrefixIter {
    PrefixIter { prefix: prefix.to_vec(), after: Some(start_after.to_vec()), done: false }
}

/// Iterator over `(key, value)` pairs under a prefix. Each step is one stateless
/// `storage_next` host call, so the iterator holds no host resources and may be dropped at any
/// point; writes made while iterating are seen by later steps.
#[derive(Debug, Clone)]
pub struct PrefixIter {
    prefix: Vec<u8>,
    after: Option<Vec<u8>>,
    done: bool,
}

impl Iterator for PrefixIter {
    type Item = (Vec<u8>, Vec<u8>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let after = self.after.as_deref().unwrap_or(&[]);
        match host::storage_next(&self.prefix, after) {
            Some((key, value)) => {
                self.after = Some(key.clone());
                Some((key, value))
            }
            None => {
                self.done = true;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock;

    fn keys(it: PrefixIter) -> Vec<Vec<u8>> {
        it.map(|(k, _)| k).collect()
    }

    #[test]
    fn set_get_has_remove() {
        mock::reset();
        assert_eq!(get(b"a"), None);
        set(b"a", b"1");
        assert!(has(b"a"));
        assert_eq!(get(b"a"), Some(b"1".to_vec()));
        set(b"a", b"2");
        assert_eq!(get(b"a"), Some(b"2".to_vec()));
        remove(b"a");
        assert!(!has(b"a"));
        remove(b"a");
    }

    #[test]
    fn prefix_iteration_is_ordered_bounded_and_resumable() {
        mock::reset();
        for k in [&b"p/b"[..], b"p/a", b"p/c", b"q/a", b"p", b"o"] {
            set(k, k);
        }
        assert_eq!(keys(iter_prefix(b"p/")), [b"p/a".to_vec(), b"p/b".to_vec(), b"p/c".to_vec()]);
        assert_eq!(keys(iter_prefix_after(b"p/", b"p/a")), [b"p/b".to_vec(), b"p/c".to_vec()]);
        assert_eq!(keys(iter_prefix_after(b"p/", b"p/c")), Vec::<Vec<u8>>::new());
        assert_eq!(iter_prefix(b"q/").next(), Some((b"q/a".to_vec(), b"q/a".to_vec())));
        assert_eq!(iter_prefix(b"").count(), 6);
        assert_eq!(
            keys(iter_prefix(b"p")),
            [b"p".to_vec(), b"p/a".to_vec(), b"p/b".to_vec(), b"p/c".to_vec()]
        );
    }
}

//! Composite storage keys, prefix scans over them, and page sizes of list queries.
//!
//! A composite key is a sequence of parts: strings end with a NUL byte (no validated string
//! contains one), integers are fixed-width big-endian. So `("a", "bc")` and `("ab", "c")` never
//! collide, a key built from leading parts is a prefix of every key that extends it, and keys
//! sort by their parts in order (integers numerically).

use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::storage::{self, Map};
use bayledger_contract_sdk::{Codec, Error};

/// Page size of a list query when no limit is given.
pub const DEFAULT_LIMIT: u32 = 10;
/// Largest page of a list query.
pub const MAX_LIMIT: u32 = 100;

/// The page size for a requested `limit`.
pub(crate) fn page_size(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

/// Builds a composite key part by part.
#[derive(Debug, Default, Clone)]
pub(crate) struct Key(Vec<u8>);

impl Key {
    /// An empty key.
    pub(crate) fn new() -> Key {
        Key(Vec::new())
    }

    /// Appends a string part.
    pub(crate) fn str(mut self, s: &str) -> Key {
        self.0.extend_from_slice(s.as_bytes());
        self.0.push(0);
        self
    }

    /// Appends a `u32` part.
    pub(crate) fn u32(mut self, n: u32) -> Key {
        self.0.extend_from_slice(&n.to_be_bytes());
        self
    }

    /// Appends a `u64` part.
    pub(crate) fn u64(mut self, n: u64) -> Key {
        self.0.extend_from_slice(&n.to_be_bytes());
        self
    }

    /// The key bytes.
    pub(crate) fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

/// Entries of `map` whose key starts with `prefix`, in key order, strictly after the key
/// `start_after` when given. Yields the rest of each key after `prefix`, and the value.
pub(crate) fn scan<V: Codec>(
    map: &Map<Vec<u8>, V>,
    prefix: &[u8],
    start_after: Option<&[u8]>,
) -> impl Iterator<Item = Result<(Vec<u8>, V), Error>> + use<V> {
    let full_prefix = map.storage_key(&prefix.to_vec());
    let skip = full_prefix.len();
    let raw = match start_after {
        Some(after) => storage::iter_prefix_after(&full_prefix, &map.storage_key(&after.to_vec())),
        None => storage::iter_prefix(&full_prefix),
    };
    raw.map(move |(key, value)| {
        let rest =
            key.get(skip..).ok_or_else(|| Error::new("storage: key shorter than its prefix"))?;
        Ok((rest.to_vec(), V::decode(&value)?))
    })
}

/// A string part read from the start of `bytes`, and the bytes after it.
pub(crate) fn read_str(bytes: &[u8]) -> Result<(String, &[u8]), Error> {
    let end = bytes
        .iter()
        .position(|b| *b == 0)
        .ok_or_else(|| Error::new("storage: index key lacks a string terminator"))?;
    let s = core::str::from_utf8(&bytes[..end])
        .map_err(|_| Error::new("storage: index key part is not UTF-8"))?;
    Ok((String::from(s), &bytes[end + 1..]))
}

/// A big-endian `u64` read from the first 8 bytes of `bytes`.
pub(crate) fn read_u64(bytes: &[u8]) -> Result<u64, Error> {
    bytes
        .get(..8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| Error::new("storage: index key lacks its 8-byte number"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_contract_sdk::mock;

    const M: Map<Vec<u8>, u64> = Map::new("m");

    #[test]
    fn keys_are_prefix_free_and_ordered() {
        assert_ne!(
            Key::new().str("a").str("bc").into_vec(),
            Key::new().str("ab").str("c").into_vec()
        );
        assert!(Key::new().str("a").u64(2).into_vec() < Key::new().str("a").u64(10).into_vec());
        assert!(Key::new().str("a").u64(u64::MAX).into_vec() < Key::new().str("b").into_vec());
        let prefix = Key::new().str("x").into_vec();
        assert!(Key::new().str("x").u32(7).into_vec().starts_with(&prefix));
    }

    #[test]
    fn scans_stay_inside_their_prefix_and_resume() {
        mock::reset();
        for (who, n) in [("a", 3u64), ("a", 1), ("ab", 2), ("b", 4)] {
            M.set(&Key::new().str(who).u64(n).into_vec(), &(n * 10));
        }
        let prefix = Key::new().str("a").into_vec();
        let all: Vec<(u64, u64)> = scan(&M, &prefix, None)
            .map(|e| e.map(|(rest, v)| (read_u64(&rest).expect("number"), v)))
            .collect::<Result<_, _>>()
            .expect("decodes");
        assert_eq!(all, [(1, 10), (3, 30)]);
        let after = Key::new().str("a").u64(1).into_vec();
        let rest: Vec<u64> =
            scan(&M, &prefix, Some(&after)).map(|e| e.expect("decodes").1).collect();
        assert_eq!(rest, [30]);
        assert_eq!(page_size(None), 10);
        assert_eq!(page_size(Some(1000)), 100);
        assert!(read_u64(&[1, 2]).is_err());
        let key = Key::new().str("did:x:y").u64(5).into_vec();
        let (s, rest) = read_str(&key).expect("terminated");
        assert_eq!((s.as_str(), read_u64(rest).ok()), ("did:x:y", Some(5)));
        assert!(read_str(b"no terminator").is_err());
    }
}

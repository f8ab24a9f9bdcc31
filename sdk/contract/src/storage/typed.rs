//! Typed storage: [`Item`] (one value under a fixed key) and [`Map`] (a namespace of keyed
//! values), both over [`Codec`].
//!
//! Layout: an `Item` is stored under its name's bytes; a `Map` entry under
//! `u8(namespace length) ‖ namespace ‖ key.encode()`. The length byte keeps namespaces from
//! overlapping (`"a"` + `"bc"` never meets `"ab"` + `"c"`).

use crate::{Codec, Error};
use alloc::vec::Vec;
use core::marker::PhantomData;

/// One value of type `T` under a fixed key. Declare as a `const`:
/// `const OWNER: Item<Address> = Item::new("owner");`
#[derive(Debug)]
pub struct Item<T> {
    key: &'static str,
    value: PhantomData<fn() -> T>,
}

impl<T: Codec> Item<T> {
    /// An item stored under `key`.
    pub const fn new(key: &'static str) -> Item<T> {
        Item { key, value: PhantomData }
    }

    /// The storage key of the value (its name's bytes).
    pub fn storage_key(&self) -> &'static [u8] {
        self.key.as_bytes()
    }

    /// The value, or `None` if never set (or removed).
    pub fn get(&self) -> Result<Option<T>, Error> {
        super::get(self.key.as_bytes()).map(|b| T::decode(&b)).transpose()
    }

    /// The value; an error naming the key if it is not set.
    pub fn load(&self) -> Result<T, Error> {
        self.get()?
            .ok_or_else(|| Error::new(alloc::format!("storage: item `{}` is not set", self.key)))
    }

    /// Stores `value`.
    pub fn set(&self, value: &T) {
        super::set(self.key.as_bytes(), &value.encode())
    }

    /// Deletes the value.
    pub fn remove(&self) {
        super::remove(self.key.as_bytes())
    }

    /// Whether a value is stored.
    pub fn exists(&self) -> bool {
        super::has(self.key.as_bytes())
    }
}

/// Values of type `V` keyed by `K` under a namespace. Declare as a `const`:
/// `const BALANCES: Map<Address, u128> = Map::new("balances");`
/// Iteration follows the byte order of `K::encode()`.
#[derive(Debug)]
pub struct Map<K, V> {
    namespace: &'static str,
    types: PhantomData<fn() -> (K, V)>,
}

impl<K: Codec, V: Codec> Map<K, V> {
    /// A map under `namespace` (at most 255 bytes; checked at compile time for `const`s).
    pub const fn new(namespace: &'static str) -> Map<K, V> {
        assert!(namespace.len() <= 255, "storage: a map namespace is at most 255 bytes");
        Map { namespace, types: PhantomData }
    }

    /// The storage key prefix shared by every entry of this map.
    pub fn prefix(&self) -> Vec<u8> {
        let mut p = Vec::with_capacity(1 + self.namespace.len());
        // `new` guarantees the length fits in a byte.
        p.push(self.namespace.len() as u8);
        p.extend_from_slice(self.namespace.as_bytes());
        p
    }

    /// The full storage key of `key`.
    pub fn storage_key(&self, key: &K) -> Vec<u8> {
        let mut k = self.prefix();
        k.extend_from_slice(&key.encode());
        k
    }

    /// The value under `key`, if any.
    pub fn get(&self, key: &K) -> Result<Option<V>, Error> {
        super::get(&self.storage_key(key)).map(|b| V::decode(&b)).transpose()
    }

    /// Stores `value` under `key`.
    pub fn set(&self, key: &K, value: &V) {
        super::set(&self.storage_key(key), &value.encode())
    }

    /// Deletes `key` (a no-op if absent).
    pub fn remove(&self, key: &K) {
        super::remove(&self.storage_key(key))
    }

    /// Whether `key` holds a value.
    pub fn has(&self, key: &K) -> bool {
        super::has(&self.storage_key(key))
    }

    /// Entries in key order, starting after `start_after` (or from the first entry).
    pub fn range(&self, start_after: Option<&K>) -> MapIter<K, V> {
        let prefix = self.prefix();
        let inner = match start_after {
            Some(k) => super::iter_prefix_after(&prefix, &self.storage_key(k)),
            None => super::iter_prefix(&prefix),
        };
        MapIter { prefix_len: prefix.len(), inner, types: PhantomData }
    }
}

/// Iterator over a [`Map`]'s decoded entries; a stored entry that does not decode yields `Err`.
#[derive(Debug)]
pub struct MapIter<K, V> {
    prefix_len: usize,
    inner: super::PrefixIter,
    types: PhantomData<fn() -> (K, V)>,
}

impl<K: Codec, V: Codec> Iterator for MapIter<K, V> {
    type Item = Result<(K, V), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (key, value) = self.inner.next()?;
        let k = key
            .get(self.prefix_len..)
            .ok_or_else(|| Error::new("storage: map key shorter than its prefix"));
        Some(k.and_then(K::decode).and_then(|k| Ok((k, V::decode(&value)?))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{mock, storage};
    use alloc::string::String;
    use alloc::string::ToString;

    const COUNT: Item<u64> = Item::new("count");
    const NAMES: Map<u32, String> = Map::new("names");
    const OTHER: Map<u32, String> = Map::new("name");

    #[test]
    fn item_get_load_set_remove() {
        mock::reset();
        assert_eq!(COUNT.get(), Ok(None));
        assert_eq!(
            COUNT.load().map_err(|e| e.to_string()),
            Err("storage: item `count` is not set".into())
        );
        COUNT.set(&41);
        assert!(COUNT.exists());
        assert_eq!(COUNT.load(), Ok(41));
        assert_eq!(storage::get(b"count"), Some(41u64.to_be_bytes().to_vec()));
        COUNT.remove();
        assert_eq!(COUNT.get(), Ok(None));
    }

    #[test]
    fn map_entries_are_namespaced_and_iterate_in_key_order() {
        mock::reset();
        for (k, v) in [(300u32, "c"), (2, "a"), (10, "b")] {
            NAMES.set(&k, &String::from(v));
        }
        OTHER.set(&1, &String::from("other"));
        assert_eq!(NAMES.get(&10), Ok(Some(String::from("b"))));
        assert!(!NAMES.has(&1));
        let all: Result<Vec<_>, _> = NAMES.range(None).collect();
        let keys: Vec<u32> = all.expect("decodes").into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, [2, 10, 300]);
        let rest: Vec<u32> = NAMES.range(Some(&10)).map(|e| e.expect("decodes").0).collect();
        assert_eq!(rest, [300]);
        NAMES.remove(&2);
        assert_eq!(NAMES.range(None).count(), 2);
        assert_eq!(NAMES.storage_key(&1), [5, b'n', b'a', b'm', b'e', b's', 0, 0, 0, 1]);
    }

    #[test]
    fn undecodable_entries_surface_as_errors() {
        mock::reset();
        storage::set(&NAMES.storage_key(&1), &[0xff]);
        assert!(NAMES.get(&1).is_err());
        assert!(matches!(NAMES.range(None).next(), Some(Err(_))));
    }
}

//! `bench-counter`: the contract `bayledger bench` drives. Every call does one
//! WASM call and exactly two storage writes: it increments the caller's
//! counter (`n/<caller>`, u64 little-endian) and stores the message as `last`.
//! It returns the caller's new count. `query` with a 20-byte address returns
//! that address's count (8 bytes, little-endian).

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error, entry_points, env, storage};

fn counter_key(who: &Address) -> Vec<u8> {
    [b"n/".as_slice(), who.as_bytes().as_slice()].concat()
}

fn count_of(who: &Address) -> Result<u64, Error> {
    match storage::get(&counter_key(who)) {
        None => Ok(0),
        Some(v) => <[u8; 8]>::try_from(v.as_slice())
            .map(u64::from_le_bytes)
            .map_err(|_| Error::new("corrupt counter")),
    }
}

/// Nothing to set up.
pub fn instantiate(_msg: &[u8]) -> Result<Vec<u8>, Error> {
    Ok(Vec::new())
}

/// Two writes: the caller's counter and `last`.
pub fn call(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let caller = env::caller();
    let n = count_of(&caller)? + 1;
    storage::set(&counter_key(&caller), &n.to_le_bytes());
    storage::set(b"last", msg);
    Ok(n.to_le_bytes().to_vec())
}

/// The count of the 20-byte address in `msg`.
pub fn query(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let who = <[u8; 20]>::try_from(msg).map_err(|_| Error::new("query takes a 20-byte address"))?;
    Ok(count_of(&Address(who))?.to_le_bytes().to_vec())
}

entry_points! {
    instantiate: instantiate,
    call: call,
    query: query,
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_contract_sdk::mock;

    #[test]
    fn each_call_counts_per_caller_and_writes_last() {
        let alice = Address([1; 20]);
        let bob = Address([2; 20]);
        mock::reset();
        mock::set_sender(alice);
        assert_eq!(mock::execute(call, b"a").expect("call"), 1u64.to_le_bytes());
        assert_eq!(mock::execute(call, b"b").expect("call"), 2u64.to_le_bytes());
        assert_eq!(storage::get(b"last"), Some(b"b".to_vec()));
        assert_eq!(query(&alice.0).expect("query"), 2u64.to_le_bytes());
        assert_eq!(query(&bob.0).expect("query"), 0u64.to_le_bytes());
        assert!(query(b"short").is_err());
    }
}

//! Keys of the authenticated state tree. All state — accounts, code, contract
//! metadata and contract storage — lives in one key space so that one state
//! root commits to all of it and every record can be proven (ADR 0004).

use crate::address::Address;
use crate::hash::Hash;

/// `acct/<address>` → `AccountState`.
pub fn account(addr: &Address) -> Vec<u8> {
    [b"acct/".as_slice(), &addr.0].concat()
}

/// `code/<code hash>` → WASM bytes.
pub fn code(hash: &Hash) -> Vec<u8> {
    [b"code/".as_slice(), &hash.0].concat()
}

/// `ctr/<address>` → `ContractInfo`.
pub fn contract(addr: &Address) -> Vec<u8> {
    [b"ctr/".as_slice(), &addr.0].concat()
}

/// Prefix of a contract's storage: `kv/<address>`.
pub fn storage_prefix(addr: &Address) -> Vec<u8> {
    [b"kv/".as_slice(), &addr.0].concat()
}

/// `kv/<address><key>` → value written by the contract.
pub fn storage(addr: &Address, key: &[u8]) -> Vec<u8> {
    [b"kv/".as_slice(), &addr.0, key].concat()
}

//! Native build without the `mock` feature: the crate compiles (contracts type-check with the
//! rest of a workspace) but there is no host to talk to, so every host call panics and says how
//! to get one.

use crate::Address;
use alloc::string::String;
use alloc::vec::Vec;

fn no_host() -> ! {
    panic!(
        "bayledger-contract-sdk: no host outside wasm32; enable the `mock` feature to run contract code natively"
    )
}

pub(crate) fn storage_read(_key: &[u8]) -> Option<Vec<u8>> {
    no_host()
}
pub(crate) fn storage_write(_key: &[u8], _value: &[u8]) {
    no_host()
}
pub(crate) fn storage_remove(_key: &[u8]) {
    no_host()
}
pub(crate) fn storage_next(_prefix: &[u8], _after: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    no_host()
}
pub(crate) fn caller() -> Address {
    no_host()
}
pub(crate) fn origin() -> Address {
    no_host()
}
pub(crate) fn self_address() -> Address {
    no_host()
}
pub(crate) fn block_height() -> u64 {
    no_host()
}
pub(crate) fn block_time_ms() -> u64 {
    no_host()
}
pub(crate) fn emit_event(_topic: &[u8], _data: &[u8]) {
    no_host()
}
pub(crate) fn sha3_256(_data: &[u8]) -> [u8; 32] {
    no_host()
}
pub(crate) fn keccak256(_data: &[u8]) -> [u8; 32] {
    no_host()
}
pub(crate) fn secp256k1_verify(_digest: &[u8; 32], _sig: &[u8; 64], _pubkey: &[u8]) -> bool {
    no_host()
}
pub(crate) fn secp256k1_recover(_digest: &[u8; 32], _sig: &[u8; 65]) -> Option<[u8; 33]> {
    no_host()
}
pub(crate) fn call_contract(_addr: &Address, _msg: &[u8], _fuel: i64) -> Result<Vec<u8>, String> {
    no_host()
}
pub(crate) fn query_contract(_addr: &Address, _msg: &[u8]) -> Result<Vec<u8>, String> {
    no_host()
}
pub(crate) fn system_apply(_action: &[u8]) -> Result<(), String> {
    no_host()
}
pub(crate) fn set_return(_data: &[u8]) {
    no_host()
}
pub(crate) fn abort(_msg: &str) -> ! {
    no_host()
}

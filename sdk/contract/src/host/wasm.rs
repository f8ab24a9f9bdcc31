//! The wasm backend: `extern "C"` imports of module `bl`, exactly as ADR 0006 specifies, and
//! safe wrappers that own the pointer/length and result-buffer plumbing.

#![allow(unsafe_code)]

use crate::Address;
use alloc::string::String;
use alloc::vec::Vec;

/// The raw imports. Pointers and lengths are `i32` on wasm32 (`usize` is 32 bits there).
mod sys {
    #[link(wasm_import_module = "bl")]
    unsafe extern "C" {
        pub(super) fn storage_read(key_ptr: *const u8, key_len: usize) -> i64;
        pub(super) fn storage_write(
            key_ptr: *const u8,
            key_len: usize,
            val_ptr: *const u8,
            val_len: usize,
        );
        pub(super) fn storage_remove(key_ptr: *const u8, key_len: usize);
        pub(super) fn storage_next(
            prefix_ptr: *const u8,
            prefix_len: usize,
            after_ptr: *const u8,
            after_len: usize,
        ) -> i64;
        pub(super) fn result_read(dst_ptr: *mut u8);
        pub(super) fn caller(dst_ptr: *mut u8);
        pub(super) fn origin(dst_ptr: *mut u8);
        pub(super) fn self_address(dst_ptr: *mut u8);
        pub(super) fn block_height() -> i64;
        pub(super) fn block_time_ms() -> i64;
        pub(super) fn emit_event(
            topic_ptr: *const u8,
            topic_len: usize,
            data_ptr: *const u8,
            data_len: usize,
        );
        pub(super) fn sha3_256(ptr: *const u8, len: usize, dst_ptr: *mut u8);
        pub(super) fn keccak256(ptr: *const u8, len: usize, dst_ptr: *mut u8);
        pub(super) fn secp256k1_verify(
            digest_ptr: *const u8,
            sig_ptr: *const u8,
            pubkey_ptr: *const u8,
            pubkey_len: usize,
        ) -> i32;
        pub(super) fn secp256k1_recover(
            digest_ptr: *const u8,
            sig_ptr: *const u8,
            dst_ptr: *mut u8,
        ) -> i32;
        pub(super) fn call_contract(
            addr_ptr: *const u8,
            msg_ptr: *const u8,
            msg_len: usize,
            fuel: i64,
        ) -> i64;
        pub(super) fn query_contract(
            addr_ptr: *const u8,
            msg_ptr: *const u8,
            msg_len: usize,
        ) -> i64;
        pub(super) fn system_apply(ptr: *const u8, len: usize) -> i64;
        pub(super) fn set_return(ptr: *const u8, len: usize);
        pub(super) fn abort(msg_ptr: *const u8, msg_len: usize);
    }
}

/// Copies `len` bytes out of the host's result buffer.
fn read_result(len: usize) -> Vec<u8> {
    let mut buf = Vec::with_capacity(len);
    // SAFETY: `buf` has capacity for `len` bytes and the host just reported that the result
    // buffer holds exactly `len` bytes; `result_read` writes all of them before we set the length.
    unsafe {
        sys::result_read(buf.as_mut_ptr());
        buf.set_len(len);
    }
    buf
}

/// Interprets the call/query convention: `>= 0` success length, `-(len + 1)` failure reason.
fn call_result(ret: i64) -> Result<Vec<u8>, String> {
    match usize::try_from(ret) {
        Ok(len) => Ok(read_result(len)),
        Err(_) => {
            let len = usize::try_from(-(ret + 1)).unwrap_or(0);
            Err(String::from_utf8_lossy(&read_result(len)).into_owned())
        }
    }
}

fn address(import: unsafe extern "C" fn(*mut u8)) -> Address {
    let mut out = [0u8; 20];
    // SAFETY: `out` is a writable 20-byte buffer: exactly what caller/origin/self_address write.
    unsafe { import(out.as_mut_ptr()) };
    Address(out)
}

fn counter(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub(crate) fn storage_read(key: &[u8]) -> Option<Vec<u8>> {
    // SAFETY: pointer and length describe a live slice that the host only reads.
    let ret = unsafe { sys::storage_read(key.as_ptr(), key.len()) };
    usize::try_from(ret).ok().map(read_result)
}

pub(crate) fn storage_write(key: &[u8], value: &[u8]) {
    // SAFETY: both pointer/length pairs describe live slices that the host only reads.
    unsafe { sys::storage_write(key.as_ptr(), key.len(), value.as_ptr(), value.len()) }
}

pub(crate) fn storage_remove(key: &[u8]) {
    // SAFETY: pointer and length describe a live slice that the host only reads.
    unsafe { sys::storage_remove(key.as_ptr(), key.len()) }
}

pub(crate) fn storage_next(prefix: &[u8], after: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    // SAFETY: both pointer/length pairs describe live slices that the host only reads.
    let ret =
        unsafe { sys::storage_next(prefix.as_ptr(), prefix.len(), after.as_ptr(), after.len()) };
    let len = usize::try_from(ret).ok()?;
    Some(super::split_next_entry(&read_result(len)))
}

pub(crate) fn caller() -> Address {
    address(sys::caller)
}

pub(crate) fn origin() -> Address {
    address(sys::origin)
}

pub(crate) fn self_address() -> Address {
    address(sys::self_address)
}

pub(crate) fn block_height() -> u64 {
    // SAFETY: no arguments; the import only returns a value.
    counter(unsafe { sys::block_height() })
}

pub(crate) fn block_time_ms() -> u64 {
    // SAFETY: no arguments; the import only returns a value.
    counter(unsafe { sys::block_time_ms() })
}

pub(crate) fn emit_event(topic: &[u8], data: &[u8]) {
    // SAFETY: both pointer/length pairs describe live slices that the host only reads.
    unsafe { sys::emit_event(topic.as_ptr(), topic.len(), data.as_ptr(), data.len()) }
}

pub(crate) fn sha3_256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: `data` is a live slice; `out` is the 32 writable bytes the import fills.
    unsafe { sys::sha3_256(data.as_ptr(), data.len(), out.as_mut_ptr()) };
    out
}

pub(crate) fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: `data` is a live slice; `out` is the 32 writable bytes the import fills.
    unsafe { sys::keccak256(data.as_ptr(), data.len(), out.as_mut_ptr()) };
    out
}

pub(crate) fn secp256k1_verify(digest: &[u8; 32], sig: &[u8; 64], pubkey: &[u8]) -> bool {
    // SAFETY: fixed-size arrays of the sizes the import reads (32 and 64) and a live key slice.
    unsafe {
        sys::secp256k1_verify(digest.as_ptr(), sig.as_ptr(), pubkey.as_ptr(), pubkey.len()) == 1
    }
}

pub(crate) fn secp256k1_recover(digest: &[u8; 32], sig: &[u8; 65]) -> Option<[u8; 33]> {
    let mut out = [0u8; 33];
    // SAFETY: inputs are arrays of the sizes the import reads (32, 65); `out` is the 33 bytes it writes.
    let ok = unsafe { sys::secp256k1_recover(digest.as_ptr(), sig.as_ptr(), out.as_mut_ptr()) };
    (ok == 1).then_some(out)
}

pub(crate) fn call_contract(addr: &Address, msg: &[u8], fuel: i64) -> Result<Vec<u8>, String> {
    // SAFETY: `addr` is 20 readable bytes and `msg` a live slice; the host only reads them.
    call_result(unsafe { sys::call_contract(addr.0.as_ptr(), msg.as_ptr(), msg.len(), fuel) })
}

pub(crate) fn query_contract(addr: &Address, msg: &[u8]) -> Result<Vec<u8>, String> {
    // SAFETY: `addr` is 20 readable bytes and `msg` a live slice; the host only reads them.
    call_result(unsafe { sys::query_contract(addr.0.as_ptr(), msg.as_ptr(), msg.len()) })
}

pub(crate) fn system_apply(action: &[u8]) -> Result<(), String> {
    // SAFETY: pointer and length describe a live slice that the host only reads.
    call_result(unsafe { sys::system_apply(action.as_ptr(), action.len()) }).map(|_| ())
}

pub(crate) fn set_return(data: &[u8]) {
    // SAFETY: pointer and length describe a live slice that the host only reads.
    unsafe { sys::set_return(data.as_ptr(), data.len()) }
}

pub(crate) fn abort(msg: &str) -> ! {
    // SAFETY: pointer and length describe a live string that the host only reads.
    unsafe { sys::abort(msg.as_ptr(), msg.len()) };
    // The host never resumes a guest after `abort`; trap if it ever did.
    core::arch::wasm32::unreachable()
}

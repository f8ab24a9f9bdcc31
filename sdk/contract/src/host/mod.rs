//! The one seam between the SDK and its host: the same internal functions, backed by the wasm
//! imports of module `bl` (on `wasm32`), the thread-local mock host (feature `mock`), or,
//! natively without `mock`, a backend that panics naming the missing feature.

#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
pub(crate) use wasm::*;

#[cfg(all(not(target_arch = "wasm32"), feature = "mock"))]
pub(crate) use crate::mock::backend::*;

#[cfg(all(not(target_arch = "wasm32"), not(feature = "mock")))]
mod unavailable;
#[cfg(all(not(target_arch = "wasm32"), not(feature = "mock")))]
pub(crate) use unavailable::*;

/// Splits a `storage_next` result buffer, `u32le(key_len) ‖ key ‖ value`, into key and value.
/// A malformed buffer (impossible from a conforming host) aborts the contract.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn split_next_entry(buf: &[u8]) -> (alloc::vec::Vec<u8>, alloc::vec::Vec<u8>) {
    let parsed = buf.split_first_chunk::<4>().and_then(|(len, rest)| {
        let key_len = usize::try_from(u32::from_le_bytes(*len)).ok()?;
        (key_len <= rest.len()).then(|| rest.split_at(key_len))
    });
    match parsed {
        Some((key, value)) => (key.to_vec(), value.to_vec()),
        None => abort("storage_next: malformed result buffer from host"),
    }
}

#[cfg(test)]
mod tests {
    use super::split_next_entry;

    #[test]
    fn storage_next_buffer_is_split_at_the_key_length() {
        let buf = [3, 0, 0, 0, b'k', b'e', b'y', b'v', b'a', b'l'];
        assert_eq!(split_next_entry(&buf), (b"key".to_vec(), b"val".to_vec()));
        assert_eq!(split_next_entry(&[0, 0, 0, 0]), (vec![], vec![]));
    }

    #[test]
    #[should_panic(expected = "malformed result buffer")]
    fn truncated_storage_next_buffer_aborts() {
        split_next_entry(&[9, 0, 0, 0, b'k']);
    }
}

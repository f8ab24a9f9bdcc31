//! Runtime support used by the code [`entry_points!`](crate::entry_points) generates: reading
//! the input the host wrote through `bl_alloc`, dispatching to a handler, and turning its
//! result into `set_return` + `0` or an `abort`. On wasm32 without `std` this module also
//! provides the contract's `#[panic_handler]` and `#[global_allocator]`.
//! Not a public API: only the macro should use it.

#![allow(unsafe_code)]

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod bump;
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
mod panic;

use crate::{Error, host};
use alloc::vec::Vec;

/// A contract entry-point handler.
pub type Handler = fn(&[u8]) -> Result<Vec<u8>, Error>;

#[cfg(target_arch = "wasm32")]
/// `bl_alloc`: `len` bytes (alignment 1) for the host to write input into. Never freed:
/// instances live for one entry-point call (see the allocator's docs).
pub fn bl_alloc(len: i32) -> i32 {
    let Ok(len) = usize::try_from(len) else { host::abort("bl_alloc: negative length") };
    let mut buf = core::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len));
    // Pointers are 32 bits on wasm32.
    buf.as_mut_ptr() as usize as i32
}

#[cfg(target_arch = "wasm32")]
/// Runs `handler` on the `len` input bytes at `ptr`: on `Ok` sets the return data and returns
/// `0`; on `Err` aborts with the error's message.
///
/// # Safety
/// `ptr`/`len` must describe `len` initialised bytes that stay valid and unaliased for the
/// call: what the host guarantees for a buffer it obtained from `bl_alloc` and filled.
pub unsafe fn run(ptr: i32, len: i32, handler: Handler) -> i32 {
    let len = usize::try_from(len).unwrap_or(0);
    let input: &[u8] = if len == 0 {
        &[]
    } else {
        // SAFETY: the caller guarantees `ptr` points to `len` initialised bytes (see above).
        unsafe { core::slice::from_raw_parts(ptr as usize as *const u8, len) }
    };
    finish(handler(input))
}

/// Reports a handler's result to the host.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn finish(result: Result<Vec<u8>, Error>) -> i32 {
    match result {
        Ok(data) => {
            if !data.is_empty() {
                host::set_return(&data);
            }
            0
        }
        Err(e) => host::abort(e.message()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock;

    #[test]
    fn ok_sets_return_data_and_err_aborts_with_its_message() {
        mock::reset();
        assert_eq!(finish(Ok(b"out".to_vec())), 0);
        assert_eq!(mock::return_data(), Some(b"out".to_vec()));
        let aborted = mock::execute(|_| Ok(vec![finish(Err(Error::new("bad input"))) as u8]), b"");
        assert_eq!(aborted, Err(Error::new("bad input")));
    }
}

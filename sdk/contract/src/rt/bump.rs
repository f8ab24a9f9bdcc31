//! The contract's global allocator: a bump allocator over `memory.grow`.
//!
//! A contract instance lives for a single entry-point call, so memory is never returned to
//! the host: allocation moves a pointer forward (growing linear memory a page at a time when
//! needed) and freeing only rolls back the most recent allocation, which makes the common
//! "build a Vec, grow it, drop it" pattern reuse its memory. Everything is a pure function of
//! the calls made, so allocation is deterministic across nodes. Out of memory (the host's page
//! limit) returns null, which Rust turns into a panic, i.e. an abort.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

const PAGE: usize = 64 * 1024;

unsafe extern "C" {
    /// First byte after the data segments and the stack, placed by `wasm-ld`.
    static __heap_base: u8;
}

struct Bump {
    /// Next free byte; 0 until the first allocation.
    next: AtomicUsize,
    /// Start of the most recent allocation (for roll-back and in-place growth).
    last: AtomicUsize,
}

impl Bump {
    fn next_free(&self) -> usize {
        match self.next.load(Relaxed) {
            // Only the address of the linker symbol is taken, never its contents.
            0 => core::ptr::addr_of!(__heap_base) as usize,
            n => n,
        }
    }
}

/// Grows linear memory so that `end` is in bounds; false if the host refuses.
fn ensure_memory(end: usize) -> bool {
    let have = wasm32::memory_size(0) * PAGE;
    if end <= have {
        return true;
    }
    let pages = (end - have).div_ceil(PAGE);
    wasm32::memory_grow(0, pages) != usize::MAX
}

// SAFETY: single-threaded wasm; every returned block is inside linear memory (grown first),
// aligned as requested, and disjoint from every other live block because `next` only moves
// backwards when the most recent block is freed.
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(start) = self.next_free().checked_next_multiple_of(layout.align()) else {
            return core::ptr::null_mut();
        };
        let Some(end) = start.checked_add(layout.size()) else { return core::ptr::null_mut() };
        if !ensure_memory(end) {
            return core::ptr::null_mut();
        }
        self.last.store(start, Relaxed);
        self.next.store(end, Relaxed);
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let start = ptr as usize;
        if start == self.last.load(Relaxed) && start + layout.size() == self.next.load(Relaxed) {
            self.next.store(start, Relaxed);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let start = ptr as usize;
        let is_last =
            start == self.last.load(Relaxed) && start + layout.size() == self.next.load(Relaxed);
        if is_last {
            let Some(end) = start.checked_add(new_size) else { return core::ptr::null_mut() };
            if !ensure_memory(end) {
                return core::ptr::null_mut();
            }
            self.next.store(end, Relaxed);
            return ptr;
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (the caller guarantees
        // it does not overflow when rounded), and the old block is live for `layout.size()` bytes.
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.alloc(new_layout);
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            }
            new
        }
    }
}

#[global_allocator]
static ALLOCATOR: Bump = Bump { next: AtomicUsize::new(0), last: AtomicUsize::new(0) };

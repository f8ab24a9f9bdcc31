//! The contract's panic handler: aborts with `panicked at <file>:<line>: <message>`, formatted
//! into a fixed stack buffer (no allocation, since the allocator may be why we panicked) and
//! truncated to the host's 1 KiB abort limit.

use core::fmt::{self, Write};
use core::panic::PanicInfo;

/// A fixed-capacity text buffer that silently truncates (at a character boundary).
struct Truncating {
    buf: [u8; crate::limits::MAX_ABORT_LEN],
    len: usize,
}

impl Write for Truncating {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.len() - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        self.buf[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let mut out = Truncating { buf: [0; crate::limits::MAX_ABORT_LEN], len: 0 };
    let _ = match info.location() {
        Some(loc) => write!(out, "panicked at {}:{}: {}", loc.file(), loc.line(), info.message()),
        None => write!(out, "panicked: {}", info.message()),
    };
    // Only whole characters were copied.
    let msg = core::str::from_utf8(&out.buf[..out.len]).unwrap_or("panicked");
    crate::host::abort(msg)
}

//! A tiny fixed binary encoding (big-endian integers, length-prefixed strings) shared by the log
//! leaf format ([`crate::leaf`]) and the stored records ([`crate::state`]).
//!
//! Writing never fails: callers validate lengths before encoding (see [`crate::validate`]).
//! Reading is strict: a short, overlong or malformed input is an error naming what was being
//! read, since it can only mean corrupted state.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error};

/// Appends fields to a byte buffer.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// An empty buffer.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// One byte.
    pub fn u8(&mut self, v: u8) -> &mut Writer {
        self.buf.push(v);
        self
    }

    /// A `u16`, big-endian.
    pub fn u16(&mut self, v: u16) -> &mut Writer {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    /// A `u64`, big-endian.
    pub fn u64(&mut self, v: u64) -> &mut Writer {
        self.buf.extend_from_slice(&v.to_be_bytes());
        self
    }

    /// Raw bytes (fixed-size fields: hashes, addresses).
    pub fn bytes(&mut self, v: &[u8]) -> &mut Writer {
        self.buf.extend_from_slice(v);
        self
    }

    /// A string of at most 255 bytes, prefixed by its length as one byte.
    /// The caller has checked the length; longer input is truncated to keep the format intact.
    pub fn str8(&mut self, v: &str) -> &mut Writer {
        let bytes = &v.as_bytes()[..v.len().min(usize::from(u8::MAX))];
        self.u8(bytes.len() as u8).bytes(bytes)
    }

    /// A string of at most 65,535 bytes, prefixed by its length as a big-endian `u16`.
    /// The caller has checked the length; longer input is truncated to keep the format intact.
    pub fn str16(&mut self, v: &str) -> &mut Writer {
        let bytes = &v.as_bytes()[..v.len().min(usize::from(u16::MAX))];
        self.u16(bytes.len() as u16).bytes(bytes)
    }

    /// The encoded bytes.
    pub fn finish(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.buf)
    }
}

/// Reads fields back in order; `what` names the record in error messages.
#[derive(Debug)]
pub struct Reader<'a> {
    rest: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, which hold one `what`.
    pub fn new(bytes: &'a [u8], what: &'static str) -> Reader<'a> {
        Reader { rest: bytes, what }
    }

    /// An error about the record being read.
    pub fn corrupt(&self, detail: &str) -> Error {
        Error::new(format!("corrupt {}: {detail}", self.what))
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if self.rest.len() < n {
            return Err(self.corrupt("truncated"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.rest)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    /// A big-endian `u16`.
    pub fn u16(&mut self) -> Result<u16, Error> {
        self.array().map(u16::from_be_bytes)
    }

    /// A big-endian `u64`.
    pub fn u64(&mut self) -> Result<u64, Error> {
        self.array().map(u64::from_be_bytes)
    }

    /// A 20-byte address.
    pub fn address(&mut self) -> Result<Address, Error> {
        self.array().map(Address)
    }

    /// A string written by [`Writer::str8`].
    pub fn str8(&mut self) -> Result<String, Error> {
        let len = usize::from(self.u8()?);
        self.utf8(len)
    }

    /// A string written by [`Writer::str16`].
    pub fn str16(&mut self) -> Result<String, Error> {
        let len = usize::from(self.u16()?);
        self.utf8(len)
    }

    fn utf8(&mut self, len: usize) -> Result<String, Error> {
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.corrupt("string is not UTF-8"))
    }

    /// Succeeds only if every byte was read.
    pub fn end(&self) -> Result<(), Error> {
        if self.rest.is_empty() { Ok(()) } else { Err(self.corrupt("trailing bytes")) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn fields_round_trip_and_bad_input_is_named() {
        let bytes = Writer::new()
            .u8(7)
            .u16(0x0102)
            .u64(u64::MAX - 1)
            .bytes(&[9; 20])
            .str8("kyc")
            .str16("ipfs://x")
            .finish();
        let mut r = Reader::new(&bytes, "test record");
        assert_eq!(r.u8(), Ok(7));
        assert_eq!(r.u16(), Ok(0x0102));
        assert_eq!(r.u64(), Ok(u64::MAX - 1));
        assert_eq!(r.address(), Ok(Address([9; 20])));
        assert_eq!(r.str8().as_deref(), Ok("kyc"));
        assert_eq!(r.str16().as_deref(), Ok("ipfs://x"));
        assert_eq!(r.end(), Ok(()));

        let mut short = Reader::new(&bytes[..3], "test record");
        assert_eq!(
            short.u64().map_err(|e| e.to_string()),
            Err("corrupt test record: truncated".into())
        );
        let mut long = Reader::new(&bytes, "test record");
        long.u8().expect("one byte");
        assert_eq!(
            long.end().map_err(|e| e.to_string()),
            Err("corrupt test record: trailing bytes".into())
        );
        let mut bad = Reader::new(&[1, 0xff], "test record");
        assert_eq!(
            bad.str8().map_err(|e| e.to_string()),
            Err("corrupt test record: string is not UTF-8".into())
        );
    }
}

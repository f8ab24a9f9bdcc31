//! [`Codec`]: the tiny byte encoding behind the typed storage helpers.
//!
//! Integers are fixed-width big-endian, so encoded keys sort in numeric order (unsigned types)
//! and [`crate::storage::Map`] ranges come out in key order. Strings and byte vectors are stored
//! as-is. Contracts with richer values implement `Codec` for their own types (for example with
//! `serde_json` inside the contract), keeping the SDK free of a serialization framework.

use crate::{Address, Error};
use alloc::string::String;
use alloc::vec::Vec;

/// A value that can be stored: a self-delimited-by-storage byte encoding.
pub trait Codec: Sized {
    /// The bytes to store.
    fn encode(&self) -> Vec<u8>;
    /// Back from stored bytes; an error names what was expected.
    fn decode(bytes: &[u8]) -> Result<Self, Error>;
}

impl Codec for Vec<u8> {
    fn encode(&self) -> Vec<u8> {
        self.clone()
    }
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        Ok(bytes.to_vec())
    }
}

impl Codec for String {
    fn encode(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        String::from_utf8(bytes.to_vec())
            .map_err(|_| Error::new("codec: stored string is not UTF-8"))
    }
}

impl Codec for Address {
    fn encode(&self) -> Vec<u8> {
        self.0.to_vec()
    }
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        <[u8; 20]>::try_from(bytes)
            .map(Address)
            .map_err(|_| Error::new("codec: an address is 20 bytes"))
    }
}

impl Codec for bool {
    fn encode(&self) -> Vec<u8> {
        alloc::vec![u8::from(*self)]
    }
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        match bytes {
            [0] => Ok(false),
            [1] => Ok(true),
            _ => Err(Error::new("codec: a bool is one byte, 0 or 1")),
        }
    }
}

macro_rules! int_codec {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn encode(&self) -> Vec<u8> {
                self.to_be_bytes().to_vec()
            }
            fn decode(bytes: &[u8]) -> Result<Self, Error> {
                bytes.try_into().map(<$t>::from_be_bytes).map_err(|_| {
                    Error::new(alloc::format!(
                        "codec: {} is {} big-endian bytes, got {}",
                        stringify!($t),
                        core::mem::size_of::<$t>(),
                        bytes.len()
                    ))
                })
            }
        }
    )*};
}

int_codec!(u8, u16, u32, u64, u128, i32, i64, i128);

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn round_trip<T: Codec + PartialEq + core::fmt::Debug>(v: T) {
        assert_eq!(T::decode(&v.encode()), Ok(v));
    }

    #[test]
    fn values_round_trip() {
        round_trip(String::from("héllo"));
        round_trip(alloc::vec![0u8, 255]);
        round_trip(Address([9; 20]));
        round_trip(true);
        round_trip(false);
        round_trip(u64::MAX - 1);
        round_trip(-5i64);
        round_trip(1u128 << 100);
    }

    #[test]
    fn unsigned_encodings_sort_numerically() {
        assert!(255u32.encode() < 256u32.encode());
        assert_eq!(7u16.encode(), [0, 7]);
    }

    #[test]
    fn malformed_bytes_are_refused_with_a_reason() {
        assert_eq!(
            u64::decode(&[1, 2]).map_err(|e| e.to_string()),
            Err("codec: u64 is 8 big-endian bytes, got 2".into())
        );
        assert!(bool::decode(&[2]).is_err());
        assert!(Address::decode(&[0; 19]).is_err());
        assert!(String::decode(&[0xff]).is_err());
    }
}

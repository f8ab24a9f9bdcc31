//! Field encodings used by the schema: a compressed public key as `0x` hex and
//! contract code as standard (padded) base64. Both serialise back to exactly one
//! form, so the canonical hash does not depend on how the file spelled them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A 33-byte compressed SEC1 secp256k1 public key, written `0x` + 66 hex digits.
///
/// Parsing checks only the length; whether it is a point on the curve is
/// checked by [`crate::Genesis::validate`], which can name the validator.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompressedKey(pub [u8; 33]);

impl fmt::Display for CompressedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for CompressedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CompressedKey({self})")
    }
}

impl Serialize for CompressedKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CompressedKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let digits = s.strip_prefix("0x").unwrap_or(&s);
        let bytes = hex::decode(digits)
            .map_err(|e| D::Error::custom(format!("pub_key {s:?} is not hex: {e}")))?;
        <[u8; 33]>::try_from(bytes.as_slice()).map(CompressedKey).map_err(|_| {
            D::Error::custom(format!(
                "pub_key must be a 33-byte compressed secp256k1 key (0x + 66 hex digits), got {} bytes",
                bytes.len()
            ))
        })
    }
}

/// Bytes written as standard base64 with padding (RFC 4648 §4), strictly decoded.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Base64Bytes(pub Vec<u8>);

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        STANDARD
            .decode(s.as_bytes())
            .map(Base64Bytes)
            .map_err(|e| D::Error::custom(format!("code_base64 is not valid standard base64: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_accepts_prefix_or_not_and_prints_lowercase_with_prefix() {
        let hex66 = format!("02{}", "AB".repeat(32));
        let a: CompressedKey = serde_json::from_str(&format!("\"0x{hex66}\"")).expect("with 0x");
        let b: CompressedKey = serde_json::from_str(&format!("\"{hex66}\"")).expect("without 0x");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), format!("0x02{}", "ab".repeat(32)));
    }

    #[test]
    fn key_rejects_wrong_length_and_non_hex_naming_the_field() {
        let err =
            serde_json::from_str::<CompressedKey>("\"0x0202\"").expect_err("too short").to_string();
        assert!(err.contains("pub_key") && err.contains("got 2 bytes"), "{err}");
        let err =
            serde_json::from_str::<CompressedKey>("\"0xzz\"").expect_err("not hex").to_string();
        assert!(err.contains("not hex"), "{err}");
    }

    #[test]
    fn base64_round_trips_and_rejects_non_canonical_input() {
        let b: Base64Bytes = serde_json::from_str("\"AGFzbQ==\"").expect("decodes");
        assert_eq!(b.0, b"\0asm");
        assert_eq!(serde_json::to_string(&b).expect("encodes"), "\"AGFzbQ==\"");
        // Missing padding and non-zero trailing bits are refused, so one value has one spelling.
        assert!(serde_json::from_str::<Base64Bytes>("\"AGFzbQ\"").is_err());
        assert!(serde_json::from_str::<Base64Bytes>("\"AGFzbR==\"").is_err());
        assert!(serde_json::from_str::<Base64Bytes>("\"not base64!\"").is_err());
    }
}

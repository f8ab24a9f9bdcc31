//! Serde for the registry's hex strings: hashes and bytes as `0x` + lower-case hex, the way
//! the contract writes and expects them (a [`Hash`]'s own serde form has no `0x`).

use bayledger_types::Hash;
use serde::{Deserialize, Deserializer, Serializer};

/// `0x` + 64 hex digits.
pub fn hash_text(hash: &Hash) -> String {
    format!("0x{}", hash.to_hex())
}

fn parse_hash<E: serde::de::Error>(text: &str) -> Result<Hash, E> {
    text.strip_prefix("0x")
        .and_then(Hash::from_hex)
        .ok_or_else(|| E::custom(format!("{text:?} is not 0x + 64 hex digits")))
}

/// `Hash` as `0x…`.
pub mod hash {
    use super::*;

    /// Serialises as `0x…`.
    pub fn serialize<S: Serializer>(hash: &Hash, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hash_text(hash))
    }

    /// Parses `0x…`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        parse_hash(&String::deserialize(d)?)
    }
}

/// `Option<Hash>` as `0x…` or `null`.
pub mod opt_hash {
    use super::*;

    /// Serialises as `0x…` or `null`.
    pub fn serialize<S: Serializer>(hash: &Option<Hash>, s: S) -> Result<S::Ok, S::Error> {
        match hash {
            Some(h) => s.serialize_some(&hash_text(h)),
            None => s.serialize_none(),
        }
    }

    /// Parses `0x…` or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Hash>, D::Error> {
        Option::<String>::deserialize(d)?.map(|t| parse_hash(&t)).transpose()
    }
}

/// `Vec<Hash>` as a list of `0x…`.
pub mod hashes {
    use super::*;
    use serde::ser::SerializeSeq;

    /// Serialises as a list of `0x…`.
    pub fn serialize<S: Serializer>(hashes: &[Hash], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(hashes.len()))?;
        for h in hashes {
            seq.serialize_element(&hash_text(h))?;
        }
        seq.end()
    }

    /// Parses a list of `0x…`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Hash>, D::Error> {
        Vec::<String>::deserialize(d)?.iter().map(|t| parse_hash(t)).collect()
    }
}

/// Bytes as `0x…`.
pub mod bytes {
    use super::*;

    /// Serialises as `0x…`.
    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(bytes)))
    }

    /// Parses `0x…`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        text.strip_prefix("0x")
            .and_then(|h| hex::decode(h).ok())
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not 0x-prefixed hex")))
    }
}

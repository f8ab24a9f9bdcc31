//! 32-byte SHA3-256 hashes and the domain tags that separate what is hashed.

use sha3::{Digest, Keccak256, Sha3_256};
use std::fmt;

/// Domain tags prefixed (followed by a zero byte) to every hashed or signed
/// preimage, so a signature or hash of one kind can never be replayed as another.
pub mod domain {
    /// Transaction body: the transaction hash and the digest the sender signs.
    pub const TX: &[u8] = b"bayledger/tx/v1";
    /// Block header: the block hash.
    pub const HEADER: &[u8] = b"bayledger/header/v1";
    /// A validator's vote on a block.
    pub const VOTE: &[u8] = b"bayledger/vote/v1";
    /// A validator set.
    pub const VALIDATOR_SET: &[u8] = b"bayledger/valset/v1";
    /// Contract address derivation.
    pub const CONTRACT: &[u8] = b"bayledger/contract/v1";
    /// Genesis file.
    pub const GENESIS: &[u8] = b"bayledger/genesis/v1";
}

/// A SHA3-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The all-zero hash (e.g. the parent of the initial block).
    pub const ZERO: Hash = Hash([0u8; 32]);

    /// SHA3-256 of `data`.
    pub fn sha3(data: &[u8]) -> Hash {
        Hash(Sha3_256::digest(data).into())
    }

    /// SHA3-256 of `tag || 0x00 || data`.
    pub fn tagged(tag: &[u8], data: &[u8]) -> Hash {
        let mut h = Sha3_256::new();
        h.update(tag);
        h.update([0u8]);
        h.update(data);
        Hash(h.finalize().into())
    }

    /// Parses exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Hash> {
        <[u8; 32]>::try_from(bytes).ok().map(Hash)
    }

    /// Parses 64 hex digits, with or without a `0x` prefix.
    pub fn from_hex(s: &str) -> Option<Hash> {
        let s = s.strip_prefix("0x").unwrap_or(s);
        let bytes = hex::decode(s).ok()?;
        Hash::from_slice(&bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lower-case hex without prefix.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

/// Keccak-256 (the pre-standard SHA-3 used by Ethereum), offered to contracts.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl serde::Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Hash::from_hex(&s).ok_or_else(|| serde::de::Error::custom("expected 32 bytes as hex"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha3_matches_fips202_empty_vector() {
        assert_eq!(
            Hash::sha3(b"").to_hex(),
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        );
    }

    #[test]
    fn tagged_differs_by_tag() {
        assert_ne!(Hash::tagged(domain::TX, b"x"), Hash::tagged(domain::VOTE, b"x"));
    }

    #[test]
    fn hex_round_trip_and_rejects_wrong_length() {
        let h = Hash::sha3(b"abc");
        assert_eq!(Hash::from_hex(&format!("0x{}", h.to_hex())), Some(h));
        assert_eq!(Hash::from_hex("abcd"), None);
    }
}

//! 20-byte account and contract addresses.

use crate::hash::{Hash, domain};
use std::fmt;
use std::str::FromStr;

/// An account or contract address: the last 20 bytes of SHA3-256 of the
/// 33-byte compressed secp256k1 public key (accounts), or of the contract
/// derivation preimage (contracts). Shown as `0x` + 40 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 20]);

/// Why a string or byte slice is not an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not 20 bytes.
    #[error("address must be 20 bytes, got {0}")]
    Length(usize),
    /// Not hex.
    #[error("address must be 0x followed by 40 hex digits")]
    Hex,
}

impl Address {
    /// Address of an account key, from its 33-byte compressed SEC1 encoding.
    pub fn from_compressed_pubkey(pubkey: &[u8; 33]) -> Address {
        Address::from_hash(&Hash::sha3(pubkey))
    }

    /// Address of the contract created by `creator`'s instantiate transaction
    /// with nonce `nonce`: unique because (creator, nonce) is.
    pub fn contract(creator: &Address, nonce: u64) -> Address {
        let mut pre = Vec::with_capacity(28);
        pre.extend_from_slice(&creator.0);
        pre.extend_from_slice(&nonce.to_be_bytes());
        Address::from_hash(&Hash::tagged(domain::CONTRACT, &pre))
    }

    fn from_hash(h: &Hash) -> Address {
        let mut a = [0u8; 20];
        a.copy_from_slice(&h.0[12..]);
        Address(a)
    }

    /// Parses exactly 20 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Address, AddressError> {
        <[u8; 20]>::try_from(bytes).map(Address).map_err(|_| AddressError::Length(bytes.len()))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }
}

impl FromStr for Address {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.strip_prefix("0x").unwrap_or(s);
        let bytes = hex::decode(s).map_err(|_| AddressError::Hex)?;
        Address::from_slice(&bytes)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{}", hex::encode(self.0))
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

impl serde::Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_display_round_trip() {
        let a = Address([7u8; 20]);
        assert_eq!(a.to_string().parse::<Address>(), Ok(a));
        assert_eq!("0x1234".parse::<Address>(), Err(AddressError::Length(2)));
        assert_eq!("0xzz".parse::<Address>(), Err(AddressError::Hex));
    }

    #[test]
    fn contract_addresses_differ_by_nonce_and_creator() {
        let c = Address([1u8; 20]);
        assert_ne!(Address::contract(&c, 0), Address::contract(&c, 1));
        assert_ne!(Address::contract(&c, 0), Address::contract(&Address([2u8; 20]), 0));
    }
}

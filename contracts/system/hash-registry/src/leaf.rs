//! A registration and its log leaf: the fixed binary encoding appended to the Merkle log.
//!
//! The leaf is what a verifier hashes (`SHA-256(0x00 ‖ leaf)`, RFC 9162 §2.1.1) to check an
//! inclusion proof, so its layout is part of the contract's interface. Version 1:
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 1 | version, `0x01` |
//! | 1 | 32 | `hash`: the registered hash or commitment |
//! | 33 | 20 | `registrant`: the address that registered it |
//! | 53 | 8 | `registered_at_ms`: block time, `u64` big-endian |
//! | 61 | 8 | `registered_height`: block height, `u64` big-endian |
//! | 69 | 1 | length `L` of `data_type` (1–64) |
//! | 70 | `L` | `data_type`, ASCII |
//! | … | 1 | length `S` of `commitment_scheme` (0 when absent, else 1–64) |
//! | … | `S` | `commitment_scheme`, ASCII |
//! | … | 2 | length `U` of `metadata_uri`, `u16` big-endian (0 when absent, else 1–256) |
//! | … | `U` | `metadata_uri`, ASCII |
//! | … | 1 | `0x00` when it supersedes nothing, `0x01` when it supersedes a hash |
//! | … | 32 | the superseded hash (only after `0x01`) |
//!
//! Nothing else follows. The same bytes, behind the leaf's log index, are the stored record of
//! the registration ([`crate::state`]), so the log and the registry cannot disagree.

use crate::binary::{Reader, Writer};
use crate::validate::Hash;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error};

/// The leaf format version written by this contract.
pub const LEAF_VERSION: u8 = 1;

/// One registration: everything the log commits to. Never changes once written; co-signatures
/// and revocation live in [`crate::state::StatusRecord`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The registered hash or salted commitment.
    pub hash: Hash,
    /// Who registered it (the caller).
    pub registrant: Address,
    /// Block time of the registration, ms since the Unix epoch.
    pub registered_at_ms: u64,
    /// Block height of the registration.
    pub registered_height: u64,
    /// What kind of record was hashed.
    pub data_type: String,
    /// How `hash` was computed when it is a salted commitment.
    pub commitment_scheme: Option<String>,
    /// Where more (non-personal) information about the record is found.
    pub metadata_uri: Option<String>,
    /// The hash this registration superseded, if any.
    pub supersedes: Option<Hash>,
}

impl Registration {
    /// The leaf bytes (version 1, see the module docs).
    pub fn to_leaf(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.u8(LEAF_VERSION)
            .bytes(&self.hash)
            .bytes(&self.registrant.0)
            .u64(self.registered_at_ms)
            .u64(self.registered_height)
            .str8(&self.data_type)
            .str8(self.commitment_scheme.as_deref().unwrap_or(""))
            .str16(self.metadata_uri.as_deref().unwrap_or(""));
        match &self.supersedes {
            Some(old) => w.u8(1).bytes(old),
            None => w.u8(0),
        };
        w.finish()
    }

    /// Parses leaf bytes; anything but a well-formed version-1 leaf is an error.
    pub fn from_leaf(leaf: &[u8]) -> Result<Registration, Error> {
        let mut r = Reader::new(leaf, "registration leaf");
        let version = r.u8()?;
        if version != LEAF_VERSION {
            return Err(r.corrupt("unknown leaf version"));
        }
        let hash = r.array()?;
        let registrant = r.address()?;
        let registered_at_ms = r.u64()?;
        let registered_height = r.u64()?;
        let data_type = r.str8()?;
        if data_type.is_empty() {
            return Err(r.corrupt("empty data_type"));
        }
        let commitment_scheme = Some(r.str8()?).filter(|s| !s.is_empty());
        let metadata_uri = Some(r.str16()?).filter(|s| !s.is_empty());
        let supersedes = match r.u8()? {
            0 => None,
            1 => Some(r.array()?),
            _ => return Err(r.corrupt("bad supersedes flag")),
        };
        r.end()?;
        Ok(Registration {
            hash,
            registrant,
            registered_at_ms,
            registered_height,
            data_type,
            commitment_scheme,
            metadata_uri,
            supersedes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn sample() -> Registration {
        Registration {
            hash: [0xaa; 32],
            registrant: Address([0x11; 20]),
            registered_at_ms: 0x0102_0304_0506_0708,
            registered_height: 9,
            data_type: "kyc".into(),
            commitment_scheme: None,
            metadata_uri: None,
            supersedes: None,
        }
    }

    #[test]
    fn leaf_layout_is_the_documented_one() {
        let leaf = sample().to_leaf();
        let mut expected = vec![1];
        expected.extend([0xaa; 32]);
        expected.extend([0x11; 20]);
        expected.extend([1, 2, 3, 4, 5, 6, 7, 8]);
        expected.extend([0, 0, 0, 0, 0, 0, 0, 9]);
        expected.extend([3, b'k', b'y', b'c']);
        expected.extend([0, 0, 0, 0]);
        assert_eq!(leaf, expected);
        assert_eq!(Registration::from_leaf(&leaf), Ok(sample()));
    }

    #[test]
    fn optional_fields_round_trip() {
        let full = Registration {
            commitment_scheme: Some("sha3-256(salt||data)".into()),
            metadata_uri: Some("https://bank.example/r/1".into()),
            supersedes: Some([0xbb; 32]),
            ..sample()
        };
        let leaf = full.to_leaf();
        assert_eq!(leaf.len(), 70 + 3 + 1 + 20 + 2 + 24 + 1 + 32);
        assert_eq!(Registration::from_leaf(&leaf), Ok(full));
    }

    #[test]
    fn malformed_leaves_are_refused() {
        let leaf = sample().to_leaf();
        let err = |bytes: &[u8]| Registration::from_leaf(bytes).map_err(|e| e.to_string());
        assert_eq!(
            err(&leaf[..leaf.len() - 1]),
            Err("corrupt registration leaf: truncated".into())
        );
        let mut v2 = leaf.clone();
        v2[0] = 2;
        assert_eq!(err(&v2), Err("corrupt registration leaf: unknown leaf version".into()));
        let mut flag = leaf.clone();
        *flag.last_mut().expect("non-empty") = 2;
        assert_eq!(err(&flag), Err("corrupt registration leaf: bad supersedes flag".into()));
        let mut long = leaf;
        long.push(0);
        assert_eq!(err(&long), Err("corrupt registration leaf: trailing bytes".into()));
    }
}

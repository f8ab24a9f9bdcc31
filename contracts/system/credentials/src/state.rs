//! Storage layout. Records are stored as JSON; composite keys are built with
//! [`crate::index::Key`] (parts listed next to each map).

use crate::record::{CredentialRecord, IssuerRecord, SchemaVersion, Status, TypeRecord};
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::storage::{Item, Map};
use bayledger_contract_sdk::{Address, Codec, Error};

/// Records stored as their JSON.
macro_rules! json_codec {
    ($($t:ty),* $(,)?) => {$(
        impl Codec for $t {
            fn encode(&self) -> Vec<u8> {
                serde_json::to_vec(self)
                    .expect("records of strings, integers and enums always serialise")
            }
            fn decode(bytes: &[u8]) -> Result<Self, Error> {
                serde_json::from_slice(bytes).map_err(|e| {
                    Error::new(alloc::format!(
                        "storage: cannot decode {}: {e}",
                        stringify!($t)
                    ))
                })
            }
        }
    )*};
}

json_codec!(TypeRecord, SchemaVersion, IssuerRecord, CredentialRecord);

/// The consortium committee: the only address that registers types and admits or removes
/// issuers, until governance takes over (`set_committee`).
pub(crate) const COMMITTEE: Item<Address> = Item::new("committee");
/// The DID registry asked whether a sender controls an issuer DID.
pub(crate) const DID_REGISTRY: Item<Address> = Item::new("did_registry");

/// Type id → type.
pub const TYPES: Map<String, TypeRecord> = Map::new("types");
/// (type id, version `u32`) → schema version.
pub(crate) const SCHEMAS: Map<Vec<u8>, SchemaVersion> = Map::new("schemas");
/// (type id, issuer DID) → authorisation periods.
pub const ISSUERS: Map<Vec<u8>, IssuerRecord> = Map::new("issuers");

/// Credential id → credential number (its key in [`CREDENTIALS`]).
pub const CREDENTIAL_NOS: Map<String, u64> = Map::new("credential_nos");
/// Credential number → credential. Numbers count up from 0 in issuance order.
pub const CREDENTIALS: Map<u64, CredentialRecord> = Map::new("credentials");
/// The next credential number.
pub(crate) const NEXT_CREDENTIAL_NO: Item<u64> = Item::new("next_credential_no");
/// Raw 32-byte VC hash → credential number (a VC is anchored once).
pub(crate) const VC_HASHES: Map<Vec<u8>, u64> = Map::new("vc_hashes");
/// (subject DID, type id, `u64::MAX` − credential number) → credential number: newest first.
pub(crate) const BY_SUBJECT: Map<Vec<u8>, u64> = Map::new("by_subject");
/// (issuer DID, status index `u64`) → credential number.
pub(crate) const BY_ISSUER: Map<Vec<u8>, u64> = Map::new("by_issuer");
/// Issuer DID → the next status index in its status list.
pub(crate) const NEXT_STATUS_INDEX: Map<String, u64> = Map::new("next_status_index");
/// (issuer DID, list `u32`, block time `u64`, credential number `u64`, history position `u32`)
/// → the status a credential took at that time and its bit position in the list.
pub(crate) const STATUS_LOG: Map<Vec<u8>, StatusLogEntry> = Map::new("status_log");

/// One status change in an issuer's status list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatusLogEntry {
    /// Bit position inside the list.
    pub position: u32,
    /// The status taken.
    pub status: Status,
}

impl Codec for StatusLogEntry {
    fn encode(&self) -> Vec<u8> {
        let mut out = self.position.to_be_bytes().to_vec();
        out.push(match self.status {
            Status::Active => 0,
            Status::Suspended => 1,
            Status::Revoked => 2,
        });
        out
    }

    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let bad = || Error::new("storage: a status-log entry is a u32 position and a status byte");
        let [a, b, c, d, s] = <[u8; 5]>::try_from(bytes).map_err(|_| bad())?;
        let status = match s {
            0 => Status::Active,
            1 => Status::Suspended,
            2 => Status::Revoked,
            _ => return Err(bad()),
        };
        Ok(StatusLogEntry { position: u32::from_be_bytes([a, b, c, d]), status })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_log_entries_round_trip() {
        for status in [Status::Active, Status::Suspended, Status::Revoked] {
            let e = StatusLogEntry { position: 131_071, status };
            assert_eq!(StatusLogEntry::decode(&e.encode()), Ok(e));
        }
        assert!(StatusLogEntry::decode(&[0, 0, 0, 0, 3]).is_err());
        assert!(StatusLogEntry::decode(&[0, 0, 0]).is_err());
    }
}

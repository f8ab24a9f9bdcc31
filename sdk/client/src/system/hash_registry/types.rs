//! The registry's messages and answers, typed (schemas in `contracts/system/hash-registry/
//! schema/`). Hashes and byte strings travel as `0x` + lower-case hex.

use super::commitment::{Commitment, SCHEME_SHA3_SALTED};
use bayledger_types::{Address, Hash};
use serde::{Deserialize, Serialize};

/// One registration to make (`register`, each batch entry, the new one of `supersede`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterEntry {
    /// The hash or salted commitment.
    #[serde(with = "super::hex::hash")]
    pub hash: Hash,
    /// What kind of record was hashed: 1–64 of `[A-Za-z0-9._:/+-]`.
    pub data_type: String,
    /// How a salted commitment was computed; absent for a plain hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_scheme: Option<String>,
    /// Where non-personal metadata about the record is found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_uri: Option<String>,
}

impl RegisterEntry {
    /// A plain hash of a record of `data_type`.
    pub fn plain(hash: Hash, data_type: &str) -> RegisterEntry {
        RegisterEntry {
            hash,
            data_type: data_type.into(),
            commitment_scheme: None,
            metadata_uri: None,
        }
    }

    /// A salted commitment ([`SCHEME_SHA3_SALTED`]) to a record of `data_type`.
    pub fn salted(commitment: &Commitment, data_type: &str) -> RegisterEntry {
        RegisterEntry {
            commitment_scheme: Some(SCHEME_SHA3_SALTED.into()),
            ..RegisterEntry::plain(commitment.hash, data_type)
        }
    }

    /// The same entry with a metadata URI.
    pub fn with_metadata_uri(mut self, uri: &str) -> RegisterEntry {
        self.metadata_uri = Some(uri.into());
        self
    }
}

/// Answer of `register` and `supersede` (for the new hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    /// The registered hash.
    #[serde(with = "super::hex::hash")]
    pub hash: Hash,
    /// Its leaf index in the log.
    pub log_index: u64,
    /// The log size after the call.
    pub tree_size: u64,
}

/// One registration of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    /// The registered hash.
    #[serde(with = "super::hex::hash")]
    pub hash: Hash,
    /// Its leaf index in the log.
    pub log_index: u64,
}

/// Answer of `register_batch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// The registrations, in message order.
    pub registered: Vec<Registered>,
    /// The log size after the call.
    pub tree_size: u64,
}

/// Status of a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Registered and neither revoked nor superseded.
    Active,
    /// Revoked by its registrant.
    Revoked,
    /// Replaced by a new registration.
    Superseded,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Active => "active",
            Status::Revoked => "revoked",
            Status::Superseded => "superseded",
        })
    }
}

/// A co-signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cosigner {
    /// The co-signer.
    pub address: Address,
    /// When, ms.
    pub at_ms: u64,
    /// At which height.
    pub height: u64,
}

/// When and why a registration was revoked or superseded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// When, ms.
    pub at_ms: u64,
    /// At which height.
    pub height: u64,
    /// Who (the registrant).
    pub actor: Address,
    /// Why.
    pub reason: String,
}

/// Answer of `status` (and the registration inside `verify`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusResponse {
    /// The registered hash.
    #[serde(with = "super::hex::hash")]
    pub hash: Hash,
    /// Who registered it.
    pub registrant: Address,
    /// What kind of record was hashed.
    pub data_type: String,
    /// How the commitment was computed, or `None` for a plain hash.
    pub commitment_scheme: Option<String>,
    /// Metadata location.
    pub metadata_uri: Option<String>,
    /// The hash this registration superseded.
    #[serde(with = "super::hex::opt_hash")]
    pub supersedes: Option<Hash>,
    /// Registration block time, ms.
    pub registered_at_ms: u64,
    /// Registration block height.
    pub registered_height: u64,
    /// Leaf index in the log.
    pub log_index: u64,
    /// Status as of the time asked.
    pub status: Status,
    /// Co-signatures, oldest first.
    pub cosigners: Vec<Cosigner>,
    /// The revocation or supersession.
    pub status_change: Option<StatusChange>,
    /// The replacing hash when superseded.
    #[serde(with = "super::hex::opt_hash")]
    pub superseded_by: Option<Hash>,
}

/// Answer of `verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyResponse {
    /// The hash checked.
    #[serde(with = "super::hex::hash")]
    pub hash: Hash,
    /// Registered (by the expected registrant) and active at the time asked.
    pub valid: bool,
    /// Why it is valid or not.
    pub reason: String,
    /// The registration as of that time, or `None` if the hash was not registered then.
    pub registration: Option<StatusResponse>,
}

/// What a history entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Registered.
    Registered,
    /// Co-signed by `actor`.
    Cosigned,
    /// Revoked.
    Revoked,
    /// Superseded by `related_hash`.
    Superseded,
}

/// One history entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// 0-based position in the history.
    pub seq: u32,
    /// What happened.
    pub action: Action,
    /// When, ms.
    pub at_ms: u64,
    /// At which height.
    pub height: u64,
    /// Who did it.
    pub actor: Address,
    /// The reason of a revocation or supersession.
    pub reason: Option<String>,
    /// `registered`: the hash it superseded; `superseded`: the new hash.
    #[serde(with = "super::hex::opt_hash")]
    pub related_hash: Option<Hash>,
}

/// Answer of `history`: a page, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryResponse {
    /// The registered hash.
    #[serde(with = "super::hex::hash")]
    pub hash: Hash,
    /// The entries of this page.
    pub entries: Vec<HistoryEntry>,
}

/// One registration of a `by_registrant` page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationSummary {
    /// The registered hash.
    #[serde(with = "super::hex::hash")]
    pub hash: Hash,
    /// Leaf index in the log.
    pub log_index: u64,
    /// What kind of record was hashed.
    pub data_type: String,
    /// Registration block time, ms.
    pub registered_at_ms: u64,
    /// Registration block height.
    pub registered_height: u64,
    /// Current status.
    pub status: Status,
}

/// Answer of `by_registrant`: a page in log order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByRegistrantResponse {
    /// The registrant asked about.
    pub registrant: Address,
    /// The registrations of this page.
    pub registrations: Vec<RegistrationSummary>,
}

/// A tree head of the log: its size and RFC 9162 root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeHead {
    /// Number of leaves.
    pub tree_size: u64,
    /// `MTH` over them (SHA-256).
    #[serde(with = "super::hex::hash")]
    pub root_hash: Hash,
}

/// Answer of `inclusion_proof`. Check it with [`InclusionProof::verify`] against a tree head
/// obtained independently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionProof {
    /// The leaf's index.
    pub leaf_index: u64,
    /// The size of the tree proven against.
    pub tree_size: u64,
    /// The registered hash at that leaf.
    #[serde(with = "super::hex::hash")]
    pub hash: Hash,
    /// The leaf bytes ([`super::Leaf`]).
    #[serde(with = "super::hex::bytes")]
    pub leaf: Vec<u8>,
    /// `SHA-256(0x00 ‖ leaf)`.
    #[serde(with = "super::hex::hash")]
    pub leaf_hash: Hash,
    /// RFC 9162 `PATH(leaf_index, D[tree_size])`, from the leaf up.
    #[serde(with = "super::hex::hashes")]
    pub inclusion_path: Vec<Hash>,
    /// The root the node claims (a verifier uses its own tree head).
    #[serde(with = "super::hex::hash")]
    pub root_hash: Hash,
}

/// Answer of `consistency_proof`. Check it with [`ConsistencyProof::verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyProof {
    /// The older size.
    pub first: u64,
    /// The newer size.
    pub second: u64,
    /// Root of the older tree, as the node claims.
    #[serde(with = "super::hex::hash")]
    pub first_root: Hash,
    /// Root of the newer tree, as the node claims.
    #[serde(with = "super::hex::hash")]
    pub second_root: Hash,
    /// RFC 9162 `PROOF(first, D[second])`.
    #[serde(with = "super::hex::hashes")]
    pub consistency_path: Vec<Hash>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_serialise_as_the_contract_expects() {
        let entry = RegisterEntry::plain(Hash([0xab; 32]), "kyc");
        assert_eq!(
            serde_json::to_value(&entry).expect("json"),
            json!({"hash": format!("0x{}", "ab".repeat(32)), "data_type": "kyc"})
        );
        let c = Commitment { salt: vec![1; 32], hash: Hash([0xcd; 32]) };
        let salted = RegisterEntry::salted(&c, "kyc").with_metadata_uri("https://b.example/m");
        assert_eq!(
            serde_json::to_value(&salted).expect("json"),
            json!({"hash": format!("0x{}", "cd".repeat(32)), "data_type": "kyc",
                   "commitment_scheme": "sha3-256(salt||data)",
                   "metadata_uri": "https://b.example/m"})
        );
    }

    #[test]
    fn a_status_answer_decodes_and_round_trips() {
        let h = |b: &str| format!("0x{}", b.repeat(32));
        let answer = json!({
            "hash": h("aa"), "registrant": format!("0x{}", "11".repeat(20)),
            "data_type": "kyc", "commitment_scheme": null, "metadata_uri": null,
            "supersedes": null, "registered_at_ms": 5, "registered_height": 2, "log_index": 0,
            "status": "superseded",
            "cosigners": [{"address": format!("0x{}", "22".repeat(20)), "at_ms": 6, "height": 3}],
            "status_change": {"at_ms": 7, "height": 4,
                              "actor": format!("0x{}", "11".repeat(20)), "reason": "corrected"},
            "superseded_by": h("bb")
        });
        let status: StatusResponse = serde_json::from_value(answer.clone()).expect("decodes");
        assert_eq!(status.status, Status::Superseded);
        assert_eq!(status.superseded_by, Some(Hash([0xbb; 32])));
        assert_eq!(status.cosigners[0].address, Address([0x22; 20]));
        assert_eq!(serde_json::to_value(&status).expect("json"), answer);
        let mut bad = answer;
        bad["hash"] = json!("aa".repeat(32));
        assert!(serde_json::from_value::<StatusResponse>(bad).is_err(), "0x required");
    }
}

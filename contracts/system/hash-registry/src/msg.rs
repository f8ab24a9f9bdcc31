//! The contract's JSON messages, responses and event payloads (documented by the schemas in
//! `schema/`). Hashes and addresses are `0x`-prefixed lower-case hex strings; times are ms
//! since the Unix epoch.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Instantiate message: `{}` (or empty input). The registry needs no configuration.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {}

/// Migrate message: `{}` (or empty input). The state layout has not changed, so a migration
/// carries no instructions.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}

/// One registration to make (`register`, each `register_batch` entry, `supersede.new`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterEntry {
    /// The hash or salted commitment: `0x` + 64 lower-case hex digits.
    pub hash: String,
    /// What kind of record was hashed: 1–64 of `[A-Za-z0-9._:/+-]`.
    pub data_type: String,
    /// How a salted commitment was computed, e.g. `sha3-256(salt||data)`; absent for a plain hash.
    #[serde(default)]
    pub commitment_scheme: Option<String>,
    /// Where non-personal metadata about the record is found.
    #[serde(default)]
    pub metadata_uri: Option<String>,
}

/// State-changing messages.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CallMsg {
    /// Registers one hash; the caller is its registrant.
    Register(RegisterEntry),
    /// Registers 1–64 hashes atomically (all or none).
    RegisterBatch {
        /// The registrations, appended to the log in this order.
        entries: Vec<RegisterEntry>,
    },
    /// Adds the caller's co-signature to a registration made by someone else.
    Cosign {
        /// The registered hash.
        hash: String,
    },
    /// Revokes a registration (registrant only).
    Revoke {
        /// The registered hash.
        hash: String,
        /// Why: 1–256 bytes, no control characters.
        reason: String,
    },
    /// Replaces a registration by a new one (registrant only): registers `new` and marks `hash`
    /// superseded by it.
    Supersede {
        /// The registered hash to supersede.
        hash: String,
        /// Why: 1–256 bytes, no control characters.
        reason: String,
        /// The replacement registration.
        new: RegisterEntry,
    },
}

/// Read-only messages.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QueryMsg {
    /// Only in the `v2` build (the upgrade test's variant): `{"version":{}}` → `{"version":2}`.
    #[cfg(feature = "v2")]
    Version {},
    /// A registration's status: registrant, time, co-signers, revocation or supersession.
    Status {
        /// The registered hash.
        hash: String,
        /// Answer as of this time (ms); latest when absent.
        #[serde(default)]
        at_ms: Option<u64>,
    },
    /// Whether `hash` was registered (by `registrant`, when given) and is active at `at_ms`.
    Verify {
        /// The hash to check.
        hash: String,
        /// The expected registrant.
        #[serde(default)]
        registrant: Option<String>,
        /// Check as of this time (ms); latest when absent.
        #[serde(default)]
        at_ms: Option<u64>,
    },
    /// A registration's history, oldest first, paginated by `seq`.
    History {
        /// The registered hash.
        hash: String,
        /// Start after this `seq` (exclusive).
        #[serde(default)]
        start_after: Option<u32>,
        /// Page size; default 10, at most 100.
        #[serde(default)]
        limit: Option<u32>,
    },
    /// A registrant's registrations in log order, paginated by log index.
    ByRegistrant {
        /// The registrant's address.
        registrant: String,
        /// Start after this log index (exclusive).
        #[serde(default)]
        start_after: Option<u64>,
        /// Page size; default 10, at most 100.
        #[serde(default)]
        limit: Option<u32>,
    },
    /// The log's tree head: the committed one, or the one at a past size.
    TreeHead {
        /// A past size (at most the current one).
        #[serde(default)]
        tree_size: Option<u64>,
    },
    /// An RFC 9162 inclusion proof of one leaf, given by `hash` or `leaf_index` (exactly one).
    InclusionProof {
        /// The registered hash.
        #[serde(default)]
        hash: Option<String>,
        /// The leaf's log index.
        #[serde(default)]
        leaf_index: Option<u64>,
        /// The tree size to prove against; the committed size when absent.
        #[serde(default)]
        tree_size: Option<u64>,
    },
    /// An RFC 9162 consistency proof between two tree sizes.
    ConsistencyProof {
        /// The older size, at least 1.
        first: u64,
        /// The newer size, at least `first`; the committed size when absent.
        #[serde(default)]
        second: Option<u64>,
    },
}

/// Return data of `register` and `supersede` (for the new hash).
#[derive(Debug, Serialize)]
pub struct RegisterResponse {
    /// The registered hash.
    pub hash: String,
    /// Its leaf index in the log.
    pub log_index: u64,
    /// The log size after the call.
    pub tree_size: u64,
}

/// One registration of a batch.
#[derive(Debug, Serialize)]
pub struct Registered {
    /// The registered hash.
    pub hash: String,
    /// Its leaf index in the log.
    pub log_index: u64,
}

/// Return data of `register_batch`.
#[derive(Debug, Serialize)]
pub struct BatchResponse {
    /// The registrations, in message order.
    pub registered: Vec<Registered>,
    /// The log size after the call.
    pub tree_size: u64,
}

/// Status of a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Registered and neither revoked nor superseded.
    Active,
    /// Revoked by its registrant.
    Revoked,
    /// Replaced by a new registration.
    Superseded,
}

/// A co-signature in a status response.
#[derive(Debug, Serialize)]
pub struct CosignerInfo {
    /// The co-signer.
    pub address: String,
    /// When, ms.
    pub at_ms: u64,
    /// At which height.
    pub height: u64,
}

/// When and why a registration was revoked or superseded.
#[derive(Debug, Serialize)]
pub struct StatusChangeInfo {
    /// When, ms.
    pub at_ms: u64,
    /// At which height.
    pub height: u64,
    /// Who (the registrant).
    pub actor: String,
    /// Why.
    pub reason: String,
}

/// `status` response (also inside `verify`).
#[derive(Debug, Serialize)]
pub struct StatusResponse {
    /// The registered hash.
    pub hash: String,
    /// Who registered it.
    pub registrant: String,
    /// What kind of record was hashed.
    pub data_type: String,
    /// How the commitment was computed, or `null` for a plain hash.
    pub commitment_scheme: Option<String>,
    /// Metadata location, or `null`.
    pub metadata_uri: Option<String>,
    /// The hash this registration superseded, or `null`.
    pub supersedes: Option<String>,
    /// Registration block time, ms.
    pub registered_at_ms: u64,
    /// Registration block height.
    pub registered_height: u64,
    /// Leaf index in the log.
    pub log_index: u64,
    /// `active`, `revoked` or `superseded` (as of `at_ms`).
    pub status: Status,
    /// Co-signatures, oldest first (as of `at_ms`).
    pub cosigners: Vec<CosignerInfo>,
    /// The revocation or supersession (as of `at_ms`), or `null`.
    pub status_change: Option<StatusChangeInfo>,
    /// The replacing hash when superseded, else `null`.
    pub superseded_by: Option<String>,
}

/// `verify` response.
#[derive(Debug, Serialize)]
pub struct VerifyResponse {
    /// The hash checked.
    pub hash: String,
    /// Registered (by the expected registrant) and active at the time asked.
    pub valid: bool,
    /// Why it is valid or not.
    pub reason: String,
    /// The registration's status as of that time, or `null` if it was not registered then.
    pub registration: Option<StatusResponse>,
}

/// What a history entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Serialize)]
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
    pub actor: String,
    /// The reason of a revocation or supersession, else `null`.
    pub reason: Option<String>,
    /// `registered`: the hash it superseded; `superseded`: the new hash; else `null`.
    pub related_hash: Option<String>,
}

/// `history` response.
#[derive(Debug, Serialize)]
pub struct HistoryResponse {
    /// The registered hash.
    pub hash: String,
    /// A page of entries, oldest first.
    pub entries: Vec<HistoryEntry>,
}

/// One registration in a `by_registrant` page.
#[derive(Debug, Serialize)]
pub struct RegistrationSummary {
    /// The registered hash.
    pub hash: String,
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

/// `by_registrant` response.
#[derive(Debug, Serialize)]
pub struct ByRegistrantResponse {
    /// The registrant asked about.
    pub registrant: String,
    /// A page of registrations in log order.
    pub registrations: Vec<RegistrationSummary>,
}

/// `tree_head` response.
#[derive(Debug, Serialize)]
pub struct TreeHeadResponse {
    /// Number of leaves.
    pub tree_size: u64,
    /// RFC 9162 `MTH` over them.
    pub root_hash: String,
}

/// `inclusion_proof` response.
#[derive(Debug, Serialize)]
pub struct InclusionProofResponse {
    /// The leaf's index.
    pub leaf_index: u64,
    /// The size of the tree proven against.
    pub tree_size: u64,
    /// The registered hash at that leaf.
    pub hash: String,
    /// The leaf bytes (see the leaf format).
    pub leaf: String,
    /// `SHA-256(0x00 ‖ leaf)`.
    pub leaf_hash: String,
    /// RFC 9162 `PATH(leaf_index, D[tree_size])`, from the leaf upwards.
    pub inclusion_path: Vec<String>,
    /// The root of the tree of `tree_size` leaves.
    pub root_hash: String,
}

/// `consistency_proof` response.
#[derive(Debug, Serialize)]
pub struct ConsistencyProofResponse {
    /// The older size.
    pub first: u64,
    /// The newer size.
    pub second: u64,
    /// Root of the older tree.
    pub first_root: String,
    /// Root of the newer tree.
    pub second_root: String,
    /// RFC 9162 `PROOF(first, D[second])` (empty when the sizes are equal).
    pub consistency_path: Vec<String>,
}

/// `hash.registered` event data.
#[derive(Debug, Serialize)]
pub struct RegisteredEvent<'a> {
    /// The registered hash.
    pub hash: &'a str,
    /// The registrant.
    pub actor: &'a str,
    /// What kind of record was hashed.
    pub data_type: &'a str,
    /// How the commitment was computed, or `null`.
    pub commitment_scheme: Option<&'a str>,
    /// Metadata location, or `null`.
    pub metadata_uri: Option<&'a str>,
    /// The hash this registration supersedes, or `null`.
    pub supersedes: Option<&'a str>,
    /// Leaf index in the log.
    pub log_index: u64,
}

/// `hash.cosigned` event data.
#[derive(Debug, Serialize)]
pub struct CosignedEvent<'a> {
    /// The registered hash.
    pub hash: &'a str,
    /// The co-signer.
    pub actor: &'a str,
    /// The registration's leaf index.
    pub log_index: u64,
    /// Number of co-signers now.
    pub cosigners: u32,
}

/// `hash.revoked` event data.
#[derive(Debug, Serialize)]
pub struct RevokedEvent<'a> {
    /// The revoked hash.
    pub hash: &'a str,
    /// The registrant.
    pub actor: &'a str,
    /// The registration's leaf index.
    pub log_index: u64,
    /// Why.
    pub reason: &'a str,
}

/// `hash.superseded` event data.
#[derive(Debug, Serialize)]
pub struct SupersededEvent<'a> {
    /// The superseded hash.
    pub hash: &'a str,
    /// The registrant.
    pub actor: &'a str,
    /// The superseded registration's leaf index.
    pub log_index: u64,
    /// Why.
    pub reason: &'a str,
    /// The replacing hash.
    pub new_hash: &'a str,
    /// The replacing registration's leaf index.
    pub new_log_index: u64,
}

/// `version` (the `v2` build only): which code variant answers.
#[cfg(feature = "v2")]
#[derive(Debug, Serialize)]
pub struct VersionResponse {
    /// 2.
    pub version: u32,
}

//! Why a genesis file was refused. Every variant names the offending field.

use std::path::PathBuf;

/// A genesis file that cannot be read, parsed or accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenesisError {
    /// The file could not be read.
    #[error("cannot read genesis file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("cannot write genesis file {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not JSON, or not the genesis schema (unknown field, wrong type, bad hex or base64).
    #[error("genesis does not match the schema: {0}")]
    Json(#[from] serde_json::Error),
    /// `chain_id` is not 1 to 50 characters of `[a-z0-9-]`.
    #[error("chain_id {0:?} is invalid: it must be 1 to 50 characters from [a-z0-9-]")]
    ChainId(String),
    /// `genesis_time` is not an RFC 3339 UTC timestamp at or after the Unix epoch.
    #[error(
        "genesis_time {value:?} is invalid ({reason}); expected RFC 3339 UTC such as 2026-11-22T00:00:00Z"
    )]
    GenesisTime {
        /// The field's value.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `initial_height` is zero.
    #[error("initial_height must be at least 1")]
    InitialHeight,
    /// A parameter is zero.
    #[error("params.{0} must be positive")]
    ZeroParam(&'static str),
    /// Two parameters contradict each other.
    #[error("params.{field} ({value}) must be {relation} {other} ({other_value})")]
    InconsistentParams {
        /// The parameter that is out of bounds.
        field: &'static str,
        /// Its value.
        value: u64,
        /// "at most", "less than", ...
        relation: &'static str,
        /// What it is compared with (another parameter or a protocol limit).
        other: &'static str,
        /// That bound's value.
        other_value: u64,
    },
    /// The validator list is empty.
    #[error("validators must contain at least one validator")]
    NoValidators,
    /// One field of one validator is invalid.
    #[error("validators[{index}].{field}: {reason}")]
    Validator {
        /// Position in `validators`.
        index: usize,
        /// Field name.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Two validators share a key (and so an address) or a name.
    #[error("validators[{second}].{field} duplicates validators[{first}].{field}")]
    DuplicateValidator {
        /// Field name.
        field: &'static str,
        /// Earlier position.
        first: usize,
        /// Later position.
        second: usize,
    },
    /// The validators' power adds up to more than the protocol allows.
    #[error("total validator power exceeds the maximum of {max}")]
    TotalPower {
        /// The maximum total power.
        max: u64,
    },
    /// One field of one member is invalid.
    #[error("members[{index}].{field}: {reason}")]
    Member {
        /// Position in `members`.
        index: usize,
        /// Field name.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Two members share an address or name.
    #[error("members[{second}].{field} duplicates members[{first}].{field}")]
    DuplicateMember {
        /// Field name.
        field: &'static str,
        /// Earlier position.
        first: usize,
        /// Later position.
        second: usize,
    },
    /// One field of one admitted node is invalid.
    #[error("nodes[{index}].{field}: {reason}")]
    Node {
        /// Position in `nodes`.
        index: usize,
        /// Field name.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Two admitted nodes share a key or name.
    #[error("nodes[{second}].{field} duplicates nodes[{first}].{field}")]
    DuplicateNode {
        /// Field name.
        field: &'static str,
        /// Earlier position.
        first: usize,
        /// Later position.
        second: usize,
    },
    /// An entry of `permissions.code_uploaders` is invalid.
    #[error("permissions.code_uploaders[{index}]: {reason}")]
    CodeUploader {
        /// Position in `code_uploaders`.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// One field of one genesis contract is invalid.
    #[error("contracts[{index}].{field}: {reason}")]
    Contract {
        /// Position in `contracts`.
        index: usize,
        /// Field name.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Two genesis contracts share a label.
    #[error("contracts[{second}].label duplicates contracts[{first}].label ({label:?})")]
    DuplicateContractLabel {
        /// The label.
        label: String,
        /// Earlier position.
        first: usize,
        /// Later position.
        second: usize,
    },
}

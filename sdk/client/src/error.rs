//! The SDK's error type and the mapping from gRPC statuses.
//!
//! A status from the node becomes the variant named after its code, carrying
//! the node's message unchanged, so callers can both match on the kind of
//! failure and show the node's own explanation.

use crate::keystore::KeystoreError;
use bayledger_types::{Hash, pb};

/// Anything that can go wrong in the SDK.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SdkError {
    /// The node URL does not parse.
    #[error("invalid node url {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The node could not be reached.
    #[error("cannot connect to node at {url}: {reason}")]
    Connect {
        /// The URL.
        url: String,
        /// Transport error.
        reason: String,
    },
    /// `NOT_FOUND`: no such block, transaction, account or contract.
    #[error("not found: {0}")]
    NotFound(String),
    /// `INVALID_ARGUMENT`: the request or transaction is malformed.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// `FAILED_PRECONDITION`: refused in the current state (bad nonce, expired...).
    #[error("rejected: {0}")]
    Rejected(String),
    /// `ALREADY_EXISTS`: e.g. the transaction is already in the mempool.
    #[error("already exists: {0}")]
    AlreadyExists(String),
    /// `RESOURCE_EXHAUSTED`: mempool full, message too large, rate limited.
    #[error("resource exhausted: {0}")]
    ResourceExhausted(String),
    /// `DEADLINE_EXCEEDED`: the node (or the client) gave up waiting.
    #[error("timed out: {0}")]
    Timeout(String),
    /// `UNAVAILABLE`: the node is down, restarting or unreachable.
    #[error("node unavailable: {0}")]
    Unavailable(String),
    /// `UNAUTHENTICATED` or `PERMISSION_DENIED`.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// `UNIMPLEMENTED`: the node does not offer this call.
    #[error("not supported by the node: {0}")]
    Unimplemented(String),
    /// Any other status code.
    #[error("node error ({code:?}): {message}")]
    Rpc {
        /// gRPC status code.
        code: tonic::Code,
        /// The node's message.
        message: String,
    },
    /// The transaction was committed but did not succeed.
    #[error("transaction 0x{tx_hash} failed ({}): {error}", status_name(*status))]
    TxFailed {
        /// Execution status from the receipt.
        status: pb::ExecStatus,
        /// The receipt's error message.
        error: String,
        /// Transaction hash.
        tx_hash: Hash,
    },
    /// The node answered, but with something inconsistent or incomplete.
    #[error("unexpected response from the node: {0}")]
    BadResponse(String),
    /// A local argument is invalid (before anything is sent).
    #[error("{0}")]
    Invalid(String),
    /// A keystore operation failed.
    #[error(transparent)]
    Keystore(#[from] KeystoreError),
}

/// An execution status without its `EXEC_STATUS_` prefix (`OK`, `OUT_OF_FUEL`...).
pub fn status_name(status: pb::ExecStatus) -> &'static str {
    let name = status.as_str_name();
    name.strip_prefix("EXEC_STATUS_").unwrap_or(name)
}

impl SdkError {
    /// The contract's own error line when a contract refused a call (`unauthorized: …`,
    /// `not found: …`; docs/domain-contracts.md), without the VM's `aborted: ` prefix; `None`
    /// for any other failure.
    pub fn contract_error(&self) -> Option<&str> {
        match self {
            SdkError::TxFailed { status: pb::ExecStatus::Aborted, error, .. } => {
                Some(error.strip_prefix("aborted: ").unwrap_or(error))
            }
            _ => None,
        }
    }
}

impl From<tonic::Status> for SdkError {
    fn from(status: tonic::Status) -> SdkError {
        let message = status.message().to_string();
        match status.code() {
            tonic::Code::NotFound => SdkError::NotFound(message),
            tonic::Code::InvalidArgument => SdkError::InvalidArgument(message),
            tonic::Code::FailedPrecondition => SdkError::Rejected(message),
            tonic::Code::AlreadyExists => SdkError::AlreadyExists(message),
            tonic::Code::ResourceExhausted => SdkError::ResourceExhausted(message),
            tonic::Code::DeadlineExceeded => SdkError::Timeout(message),
            tonic::Code::Unavailable => SdkError::Unavailable(message),
            tonic::Code::Unauthenticated | tonic::Code::PermissionDenied => {
                SdkError::PermissionDenied(message)
            }
            tonic::Code::Unimplemented => SdkError::Unimplemented(message),
            code => SdkError::Rpc { code, message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_map_to_variants_and_keep_the_message() {
        let e = SdkError::from(tonic::Status::not_found("no block at height 9"));
        assert!(matches!(&e, SdkError::NotFound(m) if m == "no block at height 9"));
        assert_eq!(e.to_string(), "not found: no block at height 9");
        let e = SdkError::from(tonic::Status::failed_precondition("nonce 3 expected, got 5"));
        assert!(matches!(&e, SdkError::Rejected(m) if m == "nonce 3 expected, got 5"));
        let e = SdkError::from(tonic::Status::deadline_exceeded("not committed within 30s"));
        assert!(matches!(e, SdkError::Timeout(_)));
        let e = SdkError::from(tonic::Status::data_loss("disk"));
        assert!(
            matches!(e, SdkError::Rpc { code: tonic::Code::DataLoss, ref message } if message == "disk")
        );
    }

    #[test]
    fn contract_errors_are_the_contracts_own_line() {
        let refused = SdkError::TxFailed {
            status: pb::ExecStatus::Aborted,
            error: "aborted: unauthorized: only the registrant may revoke".into(),
            tx_hash: Hash([1; 32]),
        };
        assert_eq!(refused.contract_error(), Some("unauthorized: only the registrant may revoke"));
        let trap = SdkError::TxFailed {
            status: pb::ExecStatus::Trap,
            error: "unreachable".into(),
            tx_hash: Hash([1; 32]),
        };
        assert_eq!(trap.contract_error(), None);
        assert_eq!(SdkError::NotFound("x".into()).contract_error(), None);
    }

    #[test]
    fn tx_failed_names_status_hash_and_reason() {
        let e = SdkError::TxFailed {
            status: pb::ExecStatus::OutOfFuel,
            error: "ran out of fuel after 100".into(),
            tx_hash: Hash([0xab; 32]),
        };
        let s = e.to_string();
        assert!(s.contains("(OUT_OF_FUEL)"), "{s}");
        assert!(s.contains(&format!("0x{}", "ab".repeat(32))), "{s}");
        assert!(s.ends_with("ran out of fuel after 100"), "{s}");
    }
}

//! Request validation and error mapping shared by the gRPC services: every
//! malformed request gets a status with a useful message, never a panic.

use crate::chain::{Chain, ChainError};
use crate::mempool::MempoolError;
use bayledger_storage::{ChainStore, StorageError};
use bayledger_types::{Address, Hash, StateError};
use tonic::Status;

/// Parses a 20-byte address field.
pub fn address(field: &str, bytes: &[u8]) -> Result<Address, Status> {
    Address::from_slice(bytes).map_err(|_| {
        Status::invalid_argument(format!(
            "{field} must be a 20-byte address, got {} bytes",
            bytes.len()
        ))
    })
}

/// Parses a 32-byte hash field.
pub fn hash(field: &str, bytes: &[u8]) -> Result<Hash, Status> {
    Hash::from_slice(bytes).ok_or_else(|| {
        Status::invalid_argument(format!(
            "{field} must be a 32-byte hash, got {} bytes",
            bytes.len()
        ))
    })
}

/// Maps a mempool refusal onto a gRPC status.
pub fn mempool_status(e: MempoolError) -> Status {
    let msg = e.to_string();
    match e {
        MempoolError::Tx(_) => Status::invalid_argument(msg),
        MempoolError::Duplicate(_) => Status::already_exists(msg),
        MempoolError::NonceTooLow { .. }
        | MempoolError::NoncePending { .. }
        | MempoolError::NonceGap { .. } => Status::failed_precondition(msg),
        MempoolError::Full { .. } | MempoolError::SenderFull(_) => Status::resource_exhausted(msg),
        MempoolError::Governance(_) => Status::permission_denied(msg),
        MempoolError::State(_) => Status::internal(msg),
    }
}

/// Internal failures.
pub fn internal(e: impl std::fmt::Display) -> Status {
    Status::internal(e.to_string())
}

impl From<ChainError> for Status {
    /// A storage failure maps as [`storage`] does (the latest height is not
    /// at hand here: a pruned read names the heights kept "from E on").
    fn from(e: ChainError) -> Status {
        match e {
            ChainError::Storage(e) => storage_status(e, || None),
            e => internal(e),
        }
    }
}

/// FAILED_PRECONDITION for a read at a pruned height, naming the heights
/// the node keeps.
fn pruned(height: u64, earliest: u64, latest: Option<u64>) -> Status {
    let keeps = match latest {
        Some(latest) => format!("{earliest}..={latest}"),
        None => format!("from {earliest} on"),
    };
    Status::failed_precondition(format!(
        "height {height} is pruned; this node keeps heights {keeps}"
    ))
}

/// Maps a storage failure of a read onto a status. Every read at a height
/// goes through here: a pruned height is FAILED_PRECONDITION "height H is
/// pruned; this node keeps heights E..=L", a height not committed yet is
/// NOT_FOUND, a bad list cursor or limit INVALID_ARGUMENT, anything else
/// INTERNAL.
pub fn storage(e: StorageError, store: &dyn ChainStore) -> Status {
    storage_status(e, || store.latest_height().ok().flatten())
}

/// [`storage`], with `latest_height` the latest height if known (read only
/// for a pruned height).
fn storage_status(e: StorageError, latest_height: impl FnOnce() -> Option<u64>) -> Status {
    match e {
        StorageError::Pruned { height, earliest } => pruned(height, earliest, latest_height()),
        StorageError::UnknownVersion { version, latest } => Status::not_found(format!(
            "height {version} is not committed (latest: {})",
            latest.map_or("none".into(), |l| l.to_string())
        )),
        StorageError::BadCursor(_) | StorageError::BadLimit => {
            Status::invalid_argument(e.to_string())
        }
        e => internal(e),
    }
}

/// [`storage`] for a read from `chain`'s store (the gRPC services' reads).
pub(crate) fn chain_storage(chain: &Chain, e: StorageError) -> Status {
    storage(e, &*chain.store)
}

/// State read failures.
pub fn state(e: StateError) -> Status {
    internal(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    #[test]
    fn chain_storage_errors_map_like_storage_reads() {
        let pruned =
            Status::from(ChainError::Storage(StorageError::Pruned { height: 3, earliest: 10 }));
        assert_eq!(pruned.code(), Code::FailedPrecondition);
        assert_eq!(pruned.message(), "height 3 is pruned; this node keeps heights from 10 on");
        let unknown = Status::from(ChainError::Storage(StorageError::UnknownVersion {
            version: 9,
            latest: Some(4),
        }));
        assert_eq!(unknown.code(), Code::NotFound);
        assert_eq!(unknown.message(), "height 9 is not committed (latest: 4)");
        let limit = Status::from(ChainError::Storage(StorageError::BadLimit));
        assert_eq!(limit.code(), Code::InvalidArgument);
    }
}

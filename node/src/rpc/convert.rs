//! Request validation and error mapping shared by the gRPC services: every
//! malformed request gets a status with a useful message, never a panic.

use crate::chain::ChainError;
use crate::mempool::MempoolError;
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
        MempoolError::State(_) => Status::internal(msg),
    }
}

/// Internal failures.
pub fn internal(e: impl std::fmt::Display) -> Status {
    Status::internal(e.to_string())
}

impl From<ChainError> for Status {
    fn from(e: ChainError) -> Status {
        internal(e)
    }
}

/// State read failures.
pub fn state(e: StateError) -> Status {
    internal(e)
}

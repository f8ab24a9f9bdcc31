//! Node-level VM failures.

use bayledger_types::{Address, Hash, StateError};

/// A failure of the node rather than of the contract or the sender: the state could
/// not be read, the state is inconsistent, or the engine failed. The block executor
/// must not turn these into receipts (another node would not fail the same way);
/// it stops and reports them. Contract failures are [`crate::ExecOutcome`]s.
#[derive(Debug, thiserror::Error)]
pub enum VmError {
    /// Reading the state failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// Building the engine or linker failed.
    #[error("VM engine setup failed: {0}")]
    Engine(String),
    /// A contract's metadata record cannot be decoded.
    #[error("contract metadata of {contract} is corrupt: {reason}")]
    CorruptContract {
        /// The contract.
        contract: Address,
        /// The decoding error.
        reason: String,
    },
    /// A contract refers to code that is not in the state.
    #[error("contract {contract} refers to code {code_hash}, which is not in the state")]
    MissingCode {
        /// The contract.
        contract: Address,
        /// Its code hash.
        code_hash: Hash,
    },
    /// Compiling validated code failed.
    #[error("compiling code {code_hash} failed: {reason}")]
    Compile {
        /// The code.
        code_hash: Hash,
        /// The engine's message.
        reason: String,
    },
    /// The pooling allocator has no free instance slot: too many concurrent
    /// executions on this node. Retry later; never a contract error.
    #[error("VM instance pool exhausted: {0}")]
    PoolExhausted(String),
    /// Anything else the engine reported that is not the contract's doing.
    #[error("VM internal failure: {0}")]
    Internal(String),
}

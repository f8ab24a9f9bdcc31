//! Cross-contract calls. The callee runs with this contract as its caller; a failing callee's
//! changes are reverted and its reason comes back as a [`CallError`] (the caller keeps running).
//! Calls nest at most [`crate::limits::MAX_CALL_DEPTH`] deep.

use crate::{Address, host};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why a called contract failed: the reason reported by the host (the callee's abort message,
/// a trap, "call depth limit exceeded", ...).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CallError {
    /// The host's reason, decoded lossily as UTF-8.
    pub reason: String,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "called contract failed: {}", self.reason)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CallError {}

/// Calls `contract`'s `call` entry point with `msg`, giving it all the remaining fuel.
/// Returns its return data. Traps inside a query (use [`query_contract`]).
pub fn call_contract(contract: &Address, msg: &[u8]) -> Result<Vec<u8>, CallError> {
    call_contract_with_fuel(contract, msg, 0)
}

/// Like [`call_contract`], but gives the callee at most `fuel` (0: all that is left).
pub fn call_contract_with_fuel(
    contract: &Address,
    msg: &[u8],
    fuel: u64,
) -> Result<Vec<u8>, CallError> {
    let fuel = i64::try_from(fuel).unwrap_or(i64::MAX);
    host::call_contract(contract, msg, fuel).map_err(|reason| CallError { reason })
}

/// Calls `contract`'s read-only `query` entry point with `msg` and returns its return data.
pub fn query_contract(contract: &Address, msg: &[u8]) -> Result<Vec<u8>, CallError> {
    host::query_contract(contract, msg).map_err(|reason| CallError { reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, env, mock};

    const TOKEN: Address = Address([0x70; 20]);

    #[test]
    fn registered_contracts_answer_calls_and_queries() {
        mock::reset();
        mock::set_self_address(Address([0x5e; 20]));
        mock::on_call(TOKEN, |msg| {
            // The callee sees the calling contract as its caller.
            let caller = env::caller();
            if msg == b"fail" {
                Err(Error::new("insufficient funds"))
            } else {
                Ok([&caller.0[..1], msg].concat())
            }
        });
        mock::on_query(TOKEN, |_| Ok(b"42".to_vec()));
        assert_eq!(call_contract(&TOKEN, b"ok"), Ok(b"\x5eok".to_vec()));
        let err = call_contract_with_fuel(&TOKEN, b"fail", 10).expect_err("callee fails");
        assert_eq!(err.to_string(), "called contract failed: insufficient funds");
        assert_eq!(query_contract(&TOKEN, b"balance"), Ok(b"42".to_vec()));
        // Context is restored after the nested call.
        assert_eq!(env::self_address(), Address([0x5e; 20]));
    }

    #[test]
    fn unknown_contract_is_a_callee_failure() {
        mock::reset();
        let err = query_contract(&Address([1; 20]), b"").expect_err("nobody there");
        assert!(err.reason.contains("no contract"), "{err}");
        assert_eq!(
            Error::from(err).message(),
            "called contract failed: mock: no contract at 0x0101010101010101010101010101010101010101"
        );
    }
}

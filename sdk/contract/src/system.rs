//! Governed system actions: the one privileged host function, `system_apply`.
//!
//! Only the governance system contract may use it, and only in a state-changing entry point:
//! from any other contract, or inside a query, the host traps. The action is the JSON form of
//! `governance::action::SystemAction` (this crate does not depend on that type; it passes the
//! bytes through). The host validates the action and applies it to the chain state in the
//! calling transaction's journal: a refused action changes nothing and comes back as a
//! [`SystemError`]; actions applied earlier in the same transaction stay applied unless the
//! contract then fails (returns `Err` or aborts), which reverts all of them.
//!
//! With the mock host, [`apply`] records the action in [`crate::mock::MockHost::system_actions`]
//! (reverted with storage when the entry point fails) and answers with the hook set by
//! [`crate::mock::on_system_apply`] (default: accept).

use crate::host;
use alloc::string::{String, ToString};
use core::fmt;

/// Why the host refused a system action: its reason (an invalid action, an effective height
/// not above the current one, a removal that would leave no validator, ...).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SystemError {
    /// The host's reason, decoded lossily as UTF-8.
    pub reason: String,
}

impl fmt::Display for SystemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "system action refused: {}", self.reason)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SystemError {}

impl From<SystemError> for crate::Error {
    fn from(e: SystemError) -> crate::Error {
        crate::Error::new(e.to_string())
    }
}

/// Applies one system action (`SystemAction` JSON). `Ok(())` once it is applied; `Err` with the
/// host's reason if it was refused (nothing changed). Traps unless the running contract is the
/// governance contract in a state-changing entry point.
pub fn apply(action_json: &[u8]) -> Result<(), SystemError> {
    host::system_apply(action_json).map_err(|reason| SystemError { reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Address, Error, mock, storage};

    const GOVERNANCE: Address = Address([0x60; 20]);

    #[test]
    fn applied_actions_are_recorded_and_reverted_with_a_failing_entry_point() {
        mock::reset();
        let ok = mock::execute(
            |msg| {
                apply(msg)?;
                Ok(Vec::new())
            },
            br#"{"grant_upload":{"account":"0x01"}}"#,
        );
        assert_eq!(ok, Ok(Vec::new()));
        let failed = mock::execute(
            |msg| {
                apply(msg)?;
                storage::set(b"k", b"v");
                Err(Error::new("later step failed"))
            },
            br#"{"freeze":{"address":"0x02"}}"#,
        );
        assert_eq!(failed, Err(Error::new("later step failed")));
        assert_eq!(
            mock::system_actions(),
            vec![br#"{"grant_upload":{"account":"0x01"}}"#.to_vec()]
        );
    }

    #[test]
    fn a_refusal_from_the_hook_is_an_error_and_is_not_recorded() {
        mock::reset();
        mock::on_system_apply(|action| {
            if action.starts_with(b"{\"set_validator\"") {
                Err("effective height 1 is not above the current height 5".into())
            } else {
                Ok(())
            }
        });
        let err = apply(br#"{"set_validator":{}}"#).expect_err("hook refuses");
        assert_eq!(
            err.to_string(),
            "system action refused: effective height 1 is not above the current height 5"
        );
        assert!(mock::system_actions().is_empty());
        apply(br#"{"unfreeze":{"address":"0x02"}}"#).expect("hook accepts");
        assert_eq!(mock::system_actions().len(), 1);
    }

    #[test]
    fn apply_traps_in_a_query_and_outside_the_configured_governance_address() {
        mock::reset();
        let in_query =
            mock::query(|msg| apply(msg).map(|()| Vec::new()).map_err(Error::from), b"{}");
        assert_eq!(in_query, Err(Error::new("`system_apply`: state is read-only in a query")));
        mock::set_governance(GOVERNANCE);
        let elsewhere =
            mock::execute(|msg| apply(msg).map(|()| Vec::new()).map_err(Error::from), b"{}");
        assert!(
            elsewhere.as_ref().is_err_and(|e| e.message().contains("only the governance contract")),
            "{elsewhere:?}"
        );
        mock::set_self_address(GOVERNANCE);
        assert_eq!(apply(b"{}"), Ok(()));
    }
}

//! Governed system actions (ADR 0012): what the governance contract may change in the chain
//! itself through the `system_apply` host function, and the end-of-block step that puts
//! scheduled changes in force.
//!
//! Everything here reads and writes the `sys/…` keys of [`bayledger_types::state_keys`] and
//! contract metadata (`ctr/…`) through an [`Overlay`], so every change is part of the running
//! transaction's journal: a refused action writes nothing, and a failing proposal reverts every
//! action it applied. The node also reads these keys (frozen senders, the upload right, the
//! parameters in force) through the helpers re-exported here.
//!
//! - [`validators`]: validator changes scheduled for an effective height;
//! - [`params`]: parameter changes scheduled for an effective height;
//! - [`access`]: upload rights, freezes, admitted nodes, contract admins;
//! - [`migrate`]: the checks of an in-place code upgrade (the VM then runs `migrate`).

pub mod access;
pub mod migrate;
pub mod params;
pub mod validators;

use crate::config::CodeLimits;
use crate::overlay::Overlay;
use bayledger_types::{Address, Hash, PublicKey, StateError, StateReader, SystemContract};
use governance::action::SystemAction;

pub use access::{is_frozen, may_upload, write_genesis};
pub use params::params_in_force;
pub use validators::put_set as put_validator_set;

/// The only contract allowed to call `system_apply`: the governance system contract
/// (`SystemContract::Governance`, genesis contract 4).
pub fn governance_address() -> Address {
    SystemContract::Governance.address()
}

/// Why a system action was not applied, or the end-of-block step failed.
#[derive(Debug, thiserror::Error)]
pub enum SystemError {
    /// The action is not acceptable here; nothing was written. The governance contract gets
    /// this text back from `system::apply`.
    #[error("{0}")]
    Refused(String),
    /// A `sys/…` record in state cannot be decoded (a node-level failure).
    #[error("corrupt system record {key}: {reason}")]
    Corrupt {
        /// The key, printable.
        key: String,
        /// The decoding error.
        reason: String,
    },
    /// Reading the state failed.
    #[error(transparent)]
    State(#[from] StateError),
}

impl SystemError {
    pub(crate) fn refused(reason: impl Into<String>) -> SystemError {
        SystemError::Refused(reason.into())
    }

    pub(crate) fn corrupt(key: &[u8], reason: impl std::fmt::Display) -> SystemError {
        SystemError::Corrupt {
            key: String::from_utf8_lossy(key).into_owned(),
            reason: reason.to_string(),
        }
    }
}

/// What an applied action still needs from the VM.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Applied {
    /// Nothing: the action is complete.
    Done,
    /// The contract's code was switched; run its `migrate` entry point with `msg`.
    Migrate {
        /// The migrated contract.
        contract: Address,
        /// The `migrate` message (JSON bytes).
        msg: Vec<u8>,
    },
}

/// Who applies an action, and when.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ActionCtx<'a> {
    /// Height of the block being executed.
    pub(crate) height: u64,
    /// The applying contract (the governance contract).
    pub(crate) caller: Address,
    /// Upload limits, for the code a migration switches to.
    pub(crate) code_limits: &'a CodeLimits,
}

/// Validates `action` and applies it to `overlay`. On `Err` nothing was written.
pub(crate) fn apply(
    overlay: &mut Overlay<'_>,
    action: &SystemAction,
    ctx: ActionCtx<'_>,
) -> Result<Applied, SystemError> {
    match action {
        SystemAction::SetValidator { pub_key, power, name, effective_height } => {
            let update = validators::Update { pub_key: parse_key(pub_key)?, power: *power, name };
            validators::schedule(overlay, ctx.height, *effective_height, update)?
        }
        SystemAction::AdmitNode { node_key, name } => {
            access::admit_node(overlay, &parse_key(node_key)?, name)?
        }
        SystemAction::RemoveNode { node_key } => {
            access::remove_node(overlay, &parse_key(node_key)?)?
        }
        SystemAction::GrantUpload { account } => {
            access::grant_upload(overlay, &parse_address("account", account)?, ctx.height)?
        }
        SystemAction::RevokeUpload { account } => {
            access::revoke_upload(overlay, &parse_address("account", account)?)?
        }
        SystemAction::SetAdmin { contract, admin } => {
            let admin = admin.as_deref().map(|a| parse_address("admin", a)).transpose()?;
            access::set_admin(overlay, &parse_address("contract", contract)?, admin)?
        }
        SystemAction::Freeze { address } => {
            access::freeze(overlay, &parse_address("address", address)?, ctx.height)?
        }
        SystemAction::Unfreeze { address } => {
            access::unfreeze(overlay, &parse_address("address", address)?)?
        }
        SystemAction::SetParams { effective_height, params } => {
            let vm_limit = ctx.code_limits.max_code_bytes;
            params::schedule(overlay, ctx.height, *effective_height, params, vm_limit)?
        }
        SystemAction::Migrate { contract, code_hash, msg } => {
            let contract = parse_address("contract", contract)?;
            let code_hash = Hash::from_hex(code_hash).ok_or_else(|| {
                SystemError::refused(format!("code_hash {code_hash:?} is not 32 bytes of hex"))
            })?;
            // Encoded before the switch, so that a refusal has written nothing.
            let msg = serde_json::to_vec(msg)
                .map_err(|e| SystemError::refused(format!("migrate msg: {e}")))?;
            migrate::switch_code(overlay, &contract, &code_hash, ctx.caller, ctx.code_limits)?;
            return Ok(Applied::Migrate { contract, msg });
        }
    }
    Ok(Applied::Done)
}

/// Puts in force what was scheduled for the block after `height`: run once at the end of
/// executing block `height`, so the state after it holds the validator set and parameters of
/// block `height + 1`.
pub fn end_block(overlay: &mut Overlay<'_>, height: u64) -> Result<(), SystemError> {
    let next = height.saturating_add(1);
    validators::apply_pending(overlay, next)?;
    params::apply_pending(overlay, next)
}

/// Refuses a scheduled change whose `effective_height` is not above the current `height`.
fn check_effective(height: u64, effective_height: u64) -> Result<(), SystemError> {
    if effective_height <= height {
        return Err(SystemError::refused(format!(
            "effective_height {effective_height} must be above the current height {height}"
        )));
    }
    Ok(())
}

/// Every schedule under `prefix` (keys `<prefix><effective height, u64 big-endian>`) decoded
/// by `decode(key, value)`, by effective height (ascending).
fn pending<T>(
    state: &dyn StateReader,
    prefix: &[u8],
    decode: impl Fn(&[u8], &[u8]) -> Result<T, SystemError>,
) -> Result<Vec<(u64, T)>, SystemError> {
    let mut out = Vec::new();
    let mut after: Option<Vec<u8>> = None;
    while let Some((key, value)) = state.next(prefix, after.as_deref())? {
        let height = <[u8; 8]>::try_from(&key[prefix.len()..])
            .map(u64::from_be_bytes)
            .map_err(|_| SystemError::corrupt(&key, "height is not 8 bytes"))?;
        out.push((height, decode(&key, &value)?));
        after = Some(key);
    }
    Ok(out)
}

/// The index of `height`'s entry in `schedule` (ascending, as [`pending`] returns it),
/// inserting an empty one in order if there is none.
fn slot<T: Default>(schedule: &mut Vec<(u64, T)>, height: u64) -> usize {
    match schedule.binary_search_by_key(&height, |(h, _)| *h) {
        Ok(i) => i,
        Err(i) => {
            schedule.insert(i, (height, T::default()));
            i
        }
    }
}

/// A `0x`-prefixed 33-byte compressed secp256k1 key that is a point on the curve.
fn parse_key(text: &str) -> Result<[u8; 33], SystemError> {
    let bad = |why: &str| SystemError::refused(format!("key {text:?} {why}"));
    let hex_part = text.strip_prefix("0x").ok_or_else(|| bad("must start with 0x"))?;
    let bytes = hex::decode(hex_part).map_err(|_| bad("is not hex"))?;
    // The curve check comes first: a short key is reported as not a point, as it always was.
    PublicKey::from_sec1(&bytes).map_err(|_| bad("is not a point on secp256k1"))?;
    // A valid 33-byte SEC1 key is compressed, so these are already its compressed bytes.
    bytes.try_into().map_err(|_| bad("must be a 33-byte compressed key"))
}

/// A `0x` + 40 hex digit address.
fn parse_address(field: &str, text: &str) -> Result<Address, SystemError> {
    if !text.starts_with("0x") {
        return Err(SystemError::refused(format!("{field} {text:?} must start with 0x")));
    }
    text.parse()
        .map_err(|e| SystemError::refused(format!("{field} {text:?} is not an address: {e}")))
}

/// A height as stored by marks (`sys/uploaders/…`, `sys/frozen/…`): u64 big-endian.
pub(crate) fn height_mark(height: u64) -> Vec<u8> {
    height.to_be_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_key_takes_only_compressed_points() {
        let key = bayledger_types::SecretKey::generate().public_key();
        let compressed = key.to_compressed();
        assert_eq!(parse_key(&format!("0x{}", hex::encode(compressed))).ok(), Some(compressed));
        for (text, why) in [
            (
                format!("0x{}", hex::encode(key.to_uncompressed())),
                "must be a 33-byte compressed key",
            ),
            ("0x02ff".to_string(), "is not a point on secp256k1"),
            (format!("0x04{}", "00".repeat(64)), "is not a point on secp256k1"),
            ("0xzz".to_string(), "is not hex"),
            (hex::encode(compressed), "must start with 0x"),
        ] {
            let err = parse_key(&text).expect_err(why).to_string();
            assert!(err.ends_with(why), "{text}: {err}");
        }
    }
}

//! Proposal actions: their checks when proposed, and carrying them out when executed.
//!
//! Committee changes write this contract's own state; system actions go to the VM through
//! [`crate::system::apply`]; issuer admissions and generic calls are nested calls with this
//! contract as the caller. [`run`] stops at the first failing action with
//! `action <n> (<kind>): <reason>`; the caller ([`crate::proposals::execute`]) runs it inside a
//! nested call, so that failure reverts every earlier action.

use crate::action::SystemAction;
use crate::codec::to_json;
use crate::committee;
use crate::event::{self, ContractCalled, SystemApplied};
use crate::msg::ProposalAction;
use crate::state::CONFIG;
use crate::validate::{self, MAX_ACTIONS};
use alloc::format;
use alloc::string::{String, ToString};
use bayledger_contract_sdk::{Address, Error, call, env};
use serde_json::json;

/// The action's name as in its JSON.
pub(crate) fn kind(action: &ProposalAction) -> &'static str {
    match action {
        ProposalAction::AddMember(_) => "add_member",
        ProposalAction::RemoveMember { .. } => "remove_member",
        ProposalAction::UpdateMember { .. } => "update_member",
        ProposalAction::SetRules { .. } => "set_rules",
        ProposalAction::System(_) => "system",
        ProposalAction::AddIssuer { .. } => "add_issuer",
        ProposalAction::RemoveIssuer { .. } => "remove_issuer",
        ProposalAction::CallContract { .. } => "call_contract",
    }
}

/// Field checks a proposal's actions must pass before it is opened (what only execution can
/// tell — membership, the chain's own checks of system actions — is checked then).
pub(crate) fn check_all(actions: &[ProposalAction]) -> Result<(), Error> {
    if actions.is_empty() || actions.len() > MAX_ACTIONS {
        return Err(Error::new(format!(
            "invalid actions: {} given, a proposal carries 1–{MAX_ACTIONS}",
            actions.len()
        )));
    }
    for (i, a) in actions.iter().enumerate() {
        check(a).map_err(|e| Error::new(format!("{} (action {i}, {})", e.message(), kind(a))))?;
    }
    Ok(())
}

fn check(action: &ProposalAction) -> Result<(), Error> {
    match action {
        ProposalAction::AddMember(m) => committee::member("add_member", m).map(|_| ()),
        ProposalAction::RemoveMember { address } => {
            validate::address("address", address).map(|_| ())
        }
        ProposalAction::UpdateMember { address, weight, name } => {
            validate::address("address", address)?;
            if let Some(w) = weight {
                validate::weight("weight", *w)?;
            }
            if let Some(n) = name {
                validate::text("name", n, validate::MAX_NAME, false)?;
            }
            if weight.is_none() && name.is_none() {
                return Err(Error::new("invalid update_member: give a weight, a name or both"));
            }
            Ok(())
        }
        ProposalAction::SetRules {
            participation_threshold,
            approval_threshold,
            voting_period_blocks,
            execute_on_pass,
        } => committee::with_rules(
            CONFIG.load()?,
            *participation_threshold,
            *approval_threshold,
            *voting_period_blocks,
            *execute_on_pass,
        )
        .map(|_| ()),
        ProposalAction::System(a) => check_system(a),
        ProposalAction::AddIssuer { credential_type, issuer }
        | ProposalAction::RemoveIssuer { credential_type, issuer } => {
            credentials()?;
            validate::text("credential_type", credential_type, 64, true)?;
            validate::did("issuer", issuer)
        }
        ProposalAction::CallContract { contract, msg } => {
            let contract = validate::address("contract", contract)?;
            if contract == env::self_address() {
                return Err(Error::new(
                    "invalid contract: a proposal cannot call the governance contract itself",
                ));
            }
            if !msg.is_object() {
                return Err(Error::new("invalid msg: a contract message is a JSON object"));
            }
            Ok(())
        }
    }
}

/// Address and key formats of a system action (the VM checks the rest when applying it).
fn check_system(action: &SystemAction) -> Result<(), Error> {
    match action {
        SystemAction::SetValidator { pub_key, name, .. } => {
            validate::hex("pub_key", pub_key, 33)?;
            validate::text("name", name, validate::MAX_NAME, false)
        }
        SystemAction::AdmitNode { node_key, name } => {
            validate::hex("node_key", node_key, 33)?;
            validate::text("name", name, validate::MAX_NAME, true)
        }
        SystemAction::RemoveNode { node_key } => validate::hex("node_key", node_key, 33),
        SystemAction::GrantUpload { account } | SystemAction::RevokeUpload { account } => {
            validate::address("account", account).map(|_| ())
        }
        SystemAction::SetAdmin { contract, admin } => {
            validate::address("contract", contract)?;
            match admin {
                Some(a) => validate::address("admin", a).map(|_| ()),
                None => Ok(()),
            }
        }
        SystemAction::Migrate { contract, code_hash, .. } => {
            validate::address("contract", contract)?;
            validate::hex("code_hash", code_hash, 32)
        }
        SystemAction::Freeze { address } | SystemAction::Unfreeze { address } => {
            validate::address("address", address).map(|_| ())
        }
        SystemAction::SetParams { .. } => Ok(()),
    }
}

/// The credentials contract, or an error if the committee has none.
fn credentials() -> Result<Address, Error> {
    let c = CONFIG.load()?.credentials.ok_or_else(|| {
        Error::new("invalid actions: this committee has no credentials contract configured")
    })?;
    validate::address("credentials", &c)
}

/// Carries out proposal `id`'s actions in order; the first failure stops it.
pub(crate) fn run(id: u64, actions: &[ProposalAction]) -> Result<(), Error> {
    for (i, a) in actions.iter().enumerate() {
        apply(id, a)
            .map_err(|e| Error::new(format!("action {i} ({}): {}", kind(a), e.message())))?;
    }
    Ok(())
}

fn apply(id: u64, action: &ProposalAction) -> Result<(), Error> {
    match action {
        ProposalAction::AddMember(m) => committee::add(m),
        ProposalAction::RemoveMember { address } => committee::remove(address),
        ProposalAction::UpdateMember { address, weight, name } => {
            committee::update(address, *weight, name.as_deref())
        }
        ProposalAction::SetRules {
            participation_threshold,
            approval_threshold,
            voting_period_blocks,
            execute_on_pass,
        } => committee::set_rules(
            *participation_threshold,
            *approval_threshold,
            *voting_period_blocks,
            *execute_on_pass,
        ),
        ProposalAction::System(a) => {
            crate::system::apply(a)?;
            event::emit(event::SYSTEM_ACTION, &SystemApplied { id, action: a })
        }
        ProposalAction::AddIssuer { credential_type, issuer } => call_contract(
            id,
            &credentials()?,
            &json!({"add_issuer": {"credential_type": credential_type, "issuer": issuer}}),
        ),
        ProposalAction::RemoveIssuer { credential_type, issuer } => call_contract(
            id,
            &credentials()?,
            &json!({"remove_issuer": {"credential_type": credential_type, "issuer": issuer}}),
        ),
        ProposalAction::CallContract { contract, msg } => {
            let contract = validate::address("contract", contract)?;
            if contract == env::self_address() {
                return Err(Error::new("invalid contract: cannot call the governance contract"));
            }
            call_contract(id, &contract, msg)
        }
    }
}

fn call_contract(id: u64, contract: &Address, msg: &serde_json::Value) -> Result<(), Error> {
    call::call_contract(contract, &to_json(msg)?)
        .map_err(|e| Error::new(format!("{contract} refused: {}", e.reason)))?;
    let contract: String = contract.to_string();
    event::emit(event::CONTRACT_CALLED, &ContractCalled { id, contract: &contract, msg })
}

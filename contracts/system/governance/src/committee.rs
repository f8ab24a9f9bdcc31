//! The committee: its members with weights and its voting rules, set at instantiation and
//! changed only by executed proposals.

use crate::event::{self, MemberChanged, MemberRemoved, RulesChanged};
use crate::msg::{InstantiateMsg, MemberMsg};
use crate::record::{Config, Member};
use crate::state::CONFIG;
use crate::validate::{self, MAX_MEMBERS, MAX_NAME};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;

/// A member message checked: canonical address, weight in range, bounded name.
pub(crate) fn member(field: &str, m: &MemberMsg) -> Result<Member, Error> {
    let address = validate::canonical(&format!("{field}.address"), &m.address)?;
    let weight = validate::weight(&format!("{field}.weight"), m.weight)?;
    validate::text(&format!("{field}.name"), &m.name, MAX_NAME, false)?;
    Ok(Member { address, weight, name: m.name.clone() })
}

/// The configuration an instantiate message describes.
pub(crate) fn from_instantiate(msg: &InstantiateMsg) -> Result<Config, Error> {
    if msg.members.is_empty() || msg.members.len() > MAX_MEMBERS {
        return Err(Error::new(format!(
            "invalid members: {} given, a committee has 1–{MAX_MEMBERS}",
            msg.members.len()
        )));
    }
    let mut members = Vec::with_capacity(msg.members.len());
    for (i, m) in msg.members.iter().enumerate() {
        let m = member(&format!("members[{i}]"), m)?;
        if members.iter().any(|x: &Member| x.address == m.address) {
            return Err(Error::new(format!("invalid members: {} is listed twice", m.address)));
        }
        members.push(m);
    }
    members.sort_by(|a, b| a.address.cmp(&b.address));
    let credentials = match &msg.credentials {
        Some(c) => Some(validate::canonical("credentials", c)?),
        None => None,
    };
    Ok(Config {
        members,
        participation_threshold: validate::percent(
            "participation_threshold",
            msg.participation_threshold,
        )?,
        approval_threshold: validate::percent("approval_threshold", msg.approval_threshold)?,
        voting_period_blocks: validate::period("voting_period_blocks", msg.voting_period_blocks)?,
        execute_on_pass: msg.execute_on_pass,
        credentials,
    })
}

/// Stores `config` and emits its members and rules (instantiation).
pub(crate) fn init(config: &Config) -> Result<(), Error> {
    CONFIG.set(config);
    let total_weight = config.total_weight();
    for m in &config.members {
        event::emit(
            event::MEMBER_ADDED,
            &MemberChanged { address: &m.address, weight: m.weight, name: &m.name, total_weight },
        )?;
    }
    emit_rules(config)
}

fn emit_rules(c: &Config) -> Result<(), Error> {
    event::emit(
        event::RULES_CHANGED,
        &RulesChanged {
            participation_threshold: c.participation_threshold,
            approval_threshold: c.approval_threshold,
            voting_period_blocks: c.voting_period_blocks,
            execute_on_pass: c.execute_on_pass,
        },
    )
}

/// Adds a member.
pub(crate) fn add(m: &MemberMsg) -> Result<(), Error> {
    let m = member("add_member", m)?;
    let mut config = CONFIG.load()?;
    if config.weight_of(&m.address).is_some() {
        return Err(Error::new(format!("already exists: {} is already a member", m.address)));
    }
    if config.members.len() >= MAX_MEMBERS {
        return Err(Error::new(format!("limit: the committee has {MAX_MEMBERS} members")));
    }
    let pos = config.members.partition_point(|x| x.address < m.address);
    config.members.insert(pos, m.clone());
    CONFIG.set(&config);
    event::emit(
        event::MEMBER_ADDED,
        &MemberChanged {
            address: &m.address,
            weight: m.weight,
            name: &m.name,
            total_weight: config.total_weight(),
        },
    )
}

fn position(config: &Config, address: &str) -> Result<usize, Error> {
    config
        .members
        .iter()
        .position(|m| m.address == address)
        .ok_or_else(|| Error::new(format!("not found: {address} is not a member")))
}

/// Removes a member; the last one stays.
pub(crate) fn remove(address: &str) -> Result<(), Error> {
    let address = validate::canonical("remove_member.address", address)?;
    let mut config = CONFIG.load()?;
    let pos = position(&config, &address)?;
    if config.members.len() == 1 {
        return Err(Error::new(format!(
            "conflict: {address} is the last member; a committee cannot be empty"
        )));
    }
    config.members.remove(pos);
    CONFIG.set(&config);
    event::emit(
        event::MEMBER_REMOVED,
        &MemberRemoved { address: &address, total_weight: config.total_weight() },
    )
}

/// Changes a member's weight and/or name.
pub(crate) fn update(address: &str, weight: Option<u64>, name: Option<&str>) -> Result<(), Error> {
    let address = validate::canonical("update_member.address", address)?;
    if weight.is_none() && name.is_none() {
        return Err(Error::new("invalid update_member: give a weight, a name or both"));
    }
    let mut config = CONFIG.load()?;
    let pos = position(&config, &address)?;
    if let Some(w) = weight {
        config.members[pos].weight = validate::weight("update_member.weight", w)?;
    }
    if let Some(n) = name {
        validate::text("update_member.name", n, MAX_NAME, false)?;
        config.members[pos].name = String::from(n);
    }
    CONFIG.set(&config);
    let m = &config.members[pos];
    event::emit(
        event::MEMBER_UPDATED,
        &MemberChanged {
            address: &m.address,
            weight: m.weight,
            name: &m.name,
            total_weight: config.total_weight(),
        },
    )
}

/// The rules a `set_rules` action would give, checked (without storing them).
pub(crate) fn with_rules(
    mut config: Config,
    participation: Option<u8>,
    approval: Option<u8>,
    period: Option<u64>,
    execute_on_pass: Option<bool>,
) -> Result<Config, Error> {
    if participation.is_none()
        && approval.is_none()
        && period.is_none()
        && execute_on_pass.is_none()
    {
        return Err(Error::new("invalid set_rules: give at least one rule"));
    }
    if let Some(p) = participation {
        config.participation_threshold = validate::percent("participation_threshold", p)?;
    }
    if let Some(a) = approval {
        config.approval_threshold = validate::percent("approval_threshold", a)?;
    }
    if let Some(b) = period {
        config.voting_period_blocks = validate::period("voting_period_blocks", b)?;
    }
    if let Some(e) = execute_on_pass {
        config.execute_on_pass = e;
    }
    Ok(config)
}

/// Changes the voting rules for proposals made from now on.
pub(crate) fn set_rules(
    participation: Option<u8>,
    approval: Option<u8>,
    period: Option<u64>,
    execute_on_pass: Option<bool>,
) -> Result<(), Error> {
    let config = with_rules(CONFIG.load()?, participation, approval, period, execute_on_pass)?;
    CONFIG.set(&config);
    emit_rules(&config)
}

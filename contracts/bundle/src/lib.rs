//! The system contracts as every consortium member deploys them at genesis.
//!
//! Genesis code is consensus-critical: all members must deploy byte-identical modules, so the
//! node does not build them but embeds the copies checked in under `contracts/bundle/wasm/`
//! (`scripts/build-contracts.sh --update-artifacts` refreshes them; `checksums.txt` lists their
//! SHA3-256, and the test `system_contract_artifacts_match_sources` fails while a checked-in
//! module differs from what the sources build to).
//!
//! [`with_system_contracts`] puts them first in a genesis, in [`SystemContract::ALL`] order, so
//! contract `i` has the address `Genesis::contract_address(i)` (docs/domain-contracts.md), and
//! gives each the addresses of the others it needs in its instantiate message. The governance
//! contract holds the genesis [`Committee`]; it is the credentials contract's committee and every
//! system contract's admin, so issuer admissions and upgrades (`migrate`) are decided by the
//! committee's vote (docs/governance.md, ADR 0011).

use bayledger_genesis::Genesis;
pub use bayledger_types::SystemContract;
use bayledger_types::{Address, Hash};
use governance::msg::{InstantiateMsg, MemberMsg};
use governance::validate::{self as limits, MAX_MEMBERS, MAX_NAME};
use serde_json::{Value, json};

/// The checked-in module of `contract`.
pub fn wasm(contract: SystemContract) -> &'static [u8] {
    match contract {
        SystemContract::HashRegistry => include_bytes!("../wasm/hash_registry.wasm"),
        SystemContract::DidRegistry => include_bytes!("../wasm/did_registry.wasm"),
        SystemContract::Credentials => include_bytes!("../wasm/credentials.wasm"),
        SystemContract::Consent => include_bytes!("../wasm/consent.wasm"),
        SystemContract::Governance => include_bytes!("../wasm/governance.wasm"),
    }
}

/// SHA3-256 of [`wasm`] (the code hash the chain stores it under).
pub fn code_hash(contract: SystemContract) -> Hash {
    Hash::sha3(wasm(contract))
}

/// The instantiate message of `contract`.
pub fn init_msg(contract: SystemContract, config: &SystemConfig) -> Value {
    let did_registry = SystemContract::DidRegistry.address().to_string();
    match contract {
        SystemContract::HashRegistry => json!({}),
        SystemContract::DidRegistry => json!({ "network": config.network }),
        SystemContract::Credentials => json!({
            "committee": SystemContract::Governance.address().to_string(),
            "did_registry": did_registry,
        }),
        SystemContract::Consent => json!({ "did_registry": did_registry }),
        SystemContract::Governance => {
            let c = &config.committee;
            let msg = InstantiateMsg {
                members: c
                    .members
                    .iter()
                    .map(|m| MemberMsg {
                        address: m.address.to_string(),
                        weight: m.weight,
                        name: m.name.clone(),
                    })
                    .collect(),
                participation_threshold: c.participation_threshold,
                approval_threshold: c.approval_threshold,
                voting_period_blocks: c.voting_period_blocks,
                execute_on_pass: true,
                credentials: Some(SystemContract::Credentials.address().to_string()),
            };
            serde_json::to_value(msg).expect("a message of strings and integers serialises")
        }
    }
}

/// What the system contracts are configured with at genesis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemConfig {
    /// The DID network name: `did:bayledger:<network>:…` (by default the chain id).
    pub network: String,
    /// The governance committee at genesis.
    pub committee: Committee,
}

/// One member of the genesis committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeMember {
    /// The member's account.
    pub address: Address,
    /// Voting weight (1–1,000,000).
    pub weight: u64,
    /// Human-readable name (e.g. the organisation).
    pub name: String,
}

/// The governance committee at genesis: members and voting rules (docs/governance.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committee {
    /// 1–64 members with distinct addresses.
    pub members: Vec<CommitteeMember>,
    /// Quorum: % of the total weight that must vote (1–100).
    pub participation_threshold: u8,
    /// Approval: % of the non-abstaining weight that must vote yes (1–100).
    pub approval_threshold: u8,
    /// Blocks a proposal stays open for votes and execution (1–1,000,000).
    pub voting_period_blocks: u64,
}

impl Committee {
    /// Default quorum: half of the total weight.
    pub const DEFAULT_PARTICIPATION: u8 = 50;
    /// Default approval: two thirds of the non-abstaining weight (3 of 4 equal members).
    pub const DEFAULT_APPROVAL: u8 = 67;
    /// Default voting period: 100,000 blocks (about a day at 1 s blocks).
    pub const DEFAULT_VOTING_PERIOD: u64 = 100_000;

    /// `members` under the default rules.
    pub fn new(members: Vec<CommitteeMember>) -> Committee {
        Committee {
            members,
            participation_threshold: Self::DEFAULT_PARTICIPATION,
            approval_threshold: Self::DEFAULT_APPROVAL,
            voting_period_blocks: Self::DEFAULT_VOTING_PERIOD,
        }
    }

    /// A committee of one member of weight 1 (a dev chain, or a founding operator who then
    /// proposes the other members): its proposals pass and execute as they are made.
    pub fn sole(address: Address, name: &str) -> Committee {
        Committee::new(vec![CommitteeMember { address, weight: 1, name: name.to_string() }])
    }

    /// Checks what the governance contract would refuse at genesis, with its own limits.
    pub fn validate(&self) -> Result<(), BundleError> {
        let bad = |why: String| BundleError::Committee(why);
        if self.members.is_empty() || self.members.len() > MAX_MEMBERS {
            let n = self.members.len();
            return Err(bad(format!("{n} members; a committee has 1–{MAX_MEMBERS}")));
        }
        for (i, m) in self.members.iter().enumerate() {
            let who = m.address;
            limits::weight("weight", m.weight)
                .map_err(|e| bad(format!("member {who} has weight {}: {e}", m.weight)))?;
            limits::text("name", &m.name, MAX_NAME, false)
                .map_err(|e| bad(format!("member {who}: {e}")))?;
            if self.members[..i].iter().any(|o| o.address == who) {
                return Err(bad(format!("member {who} is listed twice")));
            }
        }
        for (what, p) in [
            ("participation threshold", self.participation_threshold),
            ("approval threshold", self.approval_threshold),
        ] {
            limits::percent(what, p).map_err(|e| bad(e.to_string()))?;
        }
        limits::period("voting period", self.voting_period_blocks)
            .map_err(|e| bad(e.to_string()))?;
        Ok(())
    }
}

/// Why the system contracts cannot be added.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BundleError {
    /// System contracts must come first so their addresses are the documented ones.
    #[error("the genesis already lists {0} contract(s); system contracts must come first")]
    NotFirst(usize),
    /// The genesis committee would be refused by the governance contract.
    #[error("invalid committee: {0}")]
    Committee(String),
}

/// `genesis` with the system contracts prepended in [`SystemContract::ALL`] order.
pub fn with_system_contracts(
    mut genesis: Genesis,
    config: &SystemConfig,
) -> Result<Genesis, BundleError> {
    if !genesis.contracts.is_empty() {
        return Err(BundleError::NotFirst(genesis.contracts.len()));
    }
    config.committee.validate()?;
    let admin = Some(SystemContract::Governance.address());
    for c in SystemContract::ALL {
        genesis = genesis.with_contract(c.label(), wasm(c).to_vec(), init_msg(c, config), admin);
    }
    Ok(genesis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_file_lists_every_embedded_module() {
        let listed = include_str!("../wasm/checksums.txt");
        for c in SystemContract::ALL {
            let line = format!("{}  {}.wasm", code_hash(c).to_hex(), c.wasm_name());
            assert!(listed.lines().any(|l| l == line), "checksums.txt lacks {line:?}");
        }
        assert_eq!(listed.lines().count(), SystemContract::ALL.len());
    }

    #[test]
    fn genesis_order_fixes_the_documented_addresses() {
        let key = bayledger_types::SecretKey::generate();
        let config = SystemConfig {
            network: "testnet".into(),
            committee: Committee::sole(key.address(), "k"),
        };
        let genesis = Genesis::single_validator("testnet", &key.public_key(), 1_700_000_000_000);
        let genesis = with_system_contracts(genesis, &config).expect("adds");
        genesis.validate().expect("valid genesis");
        for c in SystemContract::ALL {
            assert_eq!(genesis.contracts[c.index()].label, c.label());
            assert_eq!(Genesis::contract_address(c.index()), c.address());
            assert_eq!(SystemContract::by_label(c.label()), Some(c));
        }
        assert_eq!(
            with_system_contracts(genesis, &config).map(|_| ()),
            Err(BundleError::NotFirst(5))
        );
        assert_eq!(
            init_msg(SystemContract::Credentials, &config)["did_registry"],
            SystemContract::DidRegistry.address().to_string()
        );
    }

    #[test]
    fn governance_is_the_credentials_committee_and_every_system_contract_s_admin() {
        let key = bayledger_types::SecretKey::generate();
        let config = SystemConfig {
            network: "testnet".into(),
            committee: Committee::sole(key.address(), "k"),
        };
        let genesis = Genesis::single_validator("testnet", &key.public_key(), 1_700_000_000_000);
        let genesis = with_system_contracts(genesis, &config).expect("adds");
        let governance = SystemContract::Governance.address();
        assert_eq!(
            genesis.contracts[SystemContract::Credentials.index()].init_msg["committee"],
            governance.to_string()
        );
        for c in &genesis.contracts {
            assert_eq!(c.admin, Some(governance), "{}", c.label);
        }
        let init = &genesis.contracts[SystemContract::Governance.index()].init_msg;
        assert_eq!(init["members"][0]["address"], key.address().to_string());
        assert_eq!(init["approval_threshold"], Committee::DEFAULT_APPROVAL);
        assert_eq!(init["credentials"], SystemContract::Credentials.address().to_string());
    }

    #[test]
    fn a_committee_the_contract_would_refuse_is_refused_at_genesis() {
        let key = bayledger_types::SecretKey::generate();
        let member =
            |weight| CommitteeMember { address: key.address(), weight, name: String::new() };
        let genesis = || Genesis::single_validator("testnet", &key.public_key(), 1);
        for (committee, why) in [
            (Committee::new(vec![]), "0 members"),
            (Committee::new(vec![member(0)]), "weight 0"),
            (Committee::new(vec![member(1), member(2)]), "listed twice"),
            (Committee { approval_threshold: 101, ..Committee::new(vec![member(1)]) }, "approval"),
            (
                Committee { voting_period_blocks: 0, ..Committee::new(vec![member(1)]) },
                "voting period",
            ),
        ] {
            let config = SystemConfig { network: "t".into(), committee };
            let err = with_system_contracts(genesis(), &config).expect_err(why).to_string();
            assert!(err.starts_with("invalid committee: ") && err.contains(why), "{err}");
        }
    }

    #[test]
    fn committee_names_are_checked_like_the_contract_does() {
        let member = |name: &str| CommitteeMember {
            address: Address([1; 20]),
            weight: 1,
            name: name.into(),
        };
        assert_eq!(Committee::new(vec![member("Org\nwith a line break")]).validate(), Ok(()));
        for (name, why) in
            [("Org\u{7}", "control characters"), (&"x".repeat(129), "129 bytes, at most 128")]
        {
            let err = Committee::new(vec![member(name)]).validate().expect_err(why).to_string();
            assert!(err.starts_with("invalid committee: ") && err.contains(why), "{err}");
        }
    }

    #[test]
    fn the_governance_init_msg_keeps_its_genesis_form() {
        let committee = Committee {
            voting_period_blocks: 7,
            ..Committee::new(vec![
                CommitteeMember { address: Address([1; 20]), weight: 3, name: "One".into() },
                CommitteeMember { address: Address([2; 20]), weight: 1, name: String::new() },
            ])
        };
        let config = SystemConfig { network: "t".into(), committee };
        let msg = init_msg(SystemContract::Governance, &config);
        let expected = json!({
            "members": [
                {"address": Address([1; 20]).to_string(), "weight": 3, "name": "One"},
                {"address": Address([2; 20]).to_string(), "weight": 1, "name": ""},
            ],
            "participation_threshold": 50,
            "approval_threshold": 67,
            "voting_period_blocks": 7,
            "execute_on_pass": true,
            "credentials": SystemContract::Credentials.address().to_string(),
        });
        assert_eq!(msg, expected);
        let parsed: InstantiateMsg = serde_json::from_value(msg).expect("the contract's message");
        assert!(parsed.execute_on_pass);
    }

    #[test]
    fn embedded_modules_pass_upload_validation() {
        for c in SystemContract::ALL {
            let info = bayledger_vm::validate_code(wasm(c), &bayledger_vm::CodeLimits::default())
                .unwrap_or_else(|e| panic!("{}: {e}", c.label()));
            assert_eq!(info.hash, code_hash(c));
        }
    }
}

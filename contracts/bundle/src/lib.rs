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
//! gives each the addresses of the others it needs in its instantiate message.

use bayledger_genesis::Genesis;
pub use bayledger_types::SystemContract;
use bayledger_types::{Address, Hash};
use serde_json::{Value, json};

/// The checked-in module of `contract`.
pub fn wasm(contract: SystemContract) -> &'static [u8] {
    match contract {
        SystemContract::HashRegistry => include_bytes!("../wasm/hash_registry.wasm"),
        SystemContract::DidRegistry => include_bytes!("../wasm/did_registry.wasm"),
        SystemContract::Credentials => include_bytes!("../wasm/credentials.wasm"),
        SystemContract::Consent => include_bytes!("../wasm/consent.wasm"),
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
        SystemContract::Credentials => {
            json!({ "committee": config.committee.to_string(), "did_registry": did_registry })
        }
        SystemContract::Consent => json!({ "did_registry": did_registry }),
    }
}

/// What the system contracts are configured with at genesis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemConfig {
    /// The DID network name: `did:bayledger:<network>:…` (by default the chain id).
    pub network: String,
    /// The committee address that admits credential types and issuers (until on-chain
    /// governance takes over).
    pub committee: Address,
}

/// Why the system contracts cannot be added.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BundleError {
    /// System contracts must come first so their addresses are the documented ones.
    #[error("the genesis already lists {0} contract(s); system contracts must come first")]
    NotFirst(usize),
}

/// `genesis` with the system contracts prepended in [`SystemContract::ALL`] order.
pub fn with_system_contracts(
    mut genesis: Genesis,
    config: &SystemConfig,
) -> Result<Genesis, BundleError> {
    if !genesis.contracts.is_empty() {
        return Err(BundleError::NotFirst(genesis.contracts.len()));
    }
    for c in SystemContract::ALL {
        genesis = genesis.with_contract(c.label(), wasm(c).to_vec(), init_msg(c, config), None);
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
        let config = SystemConfig { network: "testnet".into(), committee: key.address() };
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
            Err(BundleError::NotFirst(4))
        );
        assert_eq!(
            init_msg(SystemContract::Credentials, &config)["did_registry"],
            SystemContract::DidRegistry.address().to_string()
        );
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

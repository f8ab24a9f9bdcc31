//! Builds the state at height 0 from `genesis.json`: the validator set, the
//! governed records (`sys/params`, admitted `sys/nodes/…`, upload permissions;
//! ADR 0012), and every genesis contract uploaded and instantiated (creator `0x00…00`, so
//! contract `i` lives at `Genesis::contract_address(i)`).

use bayledger_genesis::Genesis;
use bayledger_types::pb::{self, ExecStatus};
use bayledger_types::{Address, Hash, StateReader, WriteSet, state_keys};
use bayledger_vm::{BlockEnv, Overlay, Vm};
use eyre::{Result, bail};
use prost::Message;

/// Computes the genesis write set.
pub fn genesis_writes(genesis: &Genesis, vm: &Vm, empty: &dyn StateReader) -> Result<WriteSet> {
    let mut overlay = Overlay::new(empty);
    bayledger_vm::system::put_validator_set(&mut overlay, &genesis.validator_set());
    bayledger_vm::system::write_genesis(&mut overlay, genesis);
    let env = BlockEnv {
        height: 0,
        time_ms: genesis.genesis_time_ms()?,
        chain_id: genesis.chain_id.clone(),
    };
    let creator = Address::default();
    for (i, c) in genesis.contracts.iter().enumerate() {
        let wasm = genesis.contract_code(i);
        let info =
            vm.validate(&wasm).map_err(|e| eyre::eyre!("genesis contract {:?}: {e}", c.label))?;
        overlay.put(state_keys::code(&info.hash), wasm);
        let address = Genesis::contract_address(i);
        let contract = pb::ContractInfo {
            code_hash: info.hash.0.to_vec(),
            creator: creator.0.to_vec(),
            admin: c.admin.unwrap_or(creator).0.to_vec(),
            label: c.label.clone(),
            created_height: 0,
        };
        overlay.put(state_keys::contract(&address), contract.encode_to_vec());
        let outcome = vm.instantiate(
            &mut overlay,
            &env,
            creator,
            address,
            &genesis.init_msg_bytes(i),
            genesis.params.max_tx_fuel,
        )?;
        if outcome.status != ExecStatus::Ok {
            bail!(
                "genesis contract {:?} failed to instantiate: {:?}: {}",
                c.label,
                outcome.status,
                outcome.error
            );
        }
    }
    Ok(overlay.into_writes())
}

/// Code hash of genesis contract `i` (for display).
pub fn genesis_code_hash(genesis: &Genesis, i: usize) -> Hash {
    Hash::sha3(&genesis.contract_code(i))
}

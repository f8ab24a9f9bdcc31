//! Deterministic state transition: applies a block's transactions to state.
//!
//! Per transaction: check the nonce against state (a mismatch makes the
//! transaction *invalid*: it is left out of a block being built, and makes a
//! received block invalid), consume the nonce, then run the action inside a
//! checkpoint. A failed action (trap, out of fuel, abort, rejected) reverts
//! its own writes but keeps the consumed nonce, and its receipt says why.
//!
//! Governance (ADR 0012): a frozen sender's transaction consumes its nonce and is
//! `REJECTED`; so is an upload by an account without the upload right. After the
//! block's transactions, [`Executor::end_block`] puts in force the validator and
//! parameter changes scheduled for the next height.

use bayledger_genesis::Params;
use bayledger_types::pb::{self, ExecStatus, action::Kind};
use bayledger_types::tx::VerifiedTx;
use bayledger_types::{Address, Hash, StateError, state_keys};
use bayledger_vm::system::{self, SystemError};
use bayledger_vm::{BlockEnv, ExecOutcome, Overlay, Vm, VmError};

use crate::mempool::Forbidden;
use prost::Message;

/// Why a block could not be executed (never the sender's fault: those are receipts).
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The transaction cannot execute here (wrong nonce); leave it out.
    #[error("invalid transaction {hash}: {reason}")]
    InvalidTx {
        /// Transaction.
        hash: Hash,
        /// Why.
        reason: String,
    },
    /// State could not be read.
    #[error(transparent)]
    State(#[from] StateError),
    /// The VM failed (not the contract).
    #[error(transparent)]
    Vm(#[from] VmError),
    /// A governed system record could not be read or applied.
    #[error(transparent)]
    System(#[from] SystemError),
}

/// Reads an account's next nonce from a state view.
pub fn account_nonce(
    get: impl FnOnce(&[u8]) -> Result<Option<Vec<u8>>, StateError>,
    addr: &Address,
) -> Result<u64, StateError> {
    match get(&state_keys::account(addr))? {
        None => Ok(0),
        Some(bytes) => pb::AccountState::decode(bytes.as_slice())
            .map(|a| a.nonce)
            .map_err(|e| StateError(format!("corrupt account record for {addr}: {e}"))),
    }
}

/// Executes transactions against an overlay.
#[derive(Debug)]
pub struct Executor<'v> {
    /// The VM.
    pub vm: &'v Vm,
    /// Chain parameters in force for the block.
    pub params: &'v Params,
}

impl Executor<'_> {
    /// Executes one transaction, returning its receipt.
    pub fn execute_tx(
        &self,
        overlay: &mut Overlay<'_>,
        env: &BlockEnv,
        tx: &VerifiedTx,
    ) -> Result<pb::Receipt, ExecError> {
        let nonce = account_nonce(|k| overlay.get(k), &tx.sender)?;
        if tx.body.nonce != nonce {
            return Err(ExecError::InvalidTx {
                hash: tx.hash,
                reason: format!(
                    "nonce {} but account {} expects {}",
                    tx.body.nonce, tx.sender, nonce
                ),
            });
        }
        if tx.body.expiry_height < env.height {
            return Err(ExecError::InvalidTx {
                hash: tx.hash,
                reason: format!("expired at {}", tx.body.expiry_height),
            });
        }
        overlay.put(
            state_keys::account(&tx.sender),
            pb::AccountState { nonce: nonce + 1 }.encode_to_vec(),
        );

        let fuel = tx.body.fuel_limit;
        let mut receipt = pb::Receipt { tx_hash: tx.hash.0.to_vec(), ..Default::default() };
        let outcome = match (Forbidden::check(overlay, &tx.sender, &tx.body)?, tx.action()) {
            (Some(forbidden), _) => rejected(forbidden.to_string(), 0),
            (None, Kind::UploadCode(u)) => self.upload(overlay, &u.wasm, fuel, &mut receipt),
            (None, Kind::Instantiate(i)) => self.instantiate(overlay, env, tx, i, &mut receipt)?,
            (None, Kind::Call(c)) => match Address::from_slice(&c.contract) {
                Ok(contract) => self.vm.call(overlay, env, tx.sender, contract, &c.msg, fuel)?,
                Err(e) => rejected(e.to_string(), 0),
            },
        };
        receipt.status = outcome.status as i32;
        receipt.error = outcome.error;
        receipt.fuel_used = outcome.fuel_used;
        receipt.return_data = outcome.return_data;
        receipt.events = outcome.events;
        if outcome.status != ExecStatus::Ok {
            receipt.contract_address.clear();
            receipt.code_hash.clear();
        }
        Ok(receipt)
    }

    /// Ends block `height`: puts in force what governance scheduled for `height + 1`.
    pub fn end_block(&self, overlay: &mut Overlay<'_>, height: u64) -> Result<(), ExecError> {
        Ok(system::end_block(overlay, height)?)
    }

    fn upload(
        &self,
        overlay: &mut Overlay<'_>,
        wasm: &[u8],
        fuel: u64,
        receipt: &mut pb::Receipt,
    ) -> ExecOutcome {
        if wasm.len() > self.params.max_code_bytes as usize {
            return rejected(
                format!(
                    "code is {} bytes, above max_code_bytes {}",
                    wasm.len(),
                    self.params.max_code_bytes
                ),
                0,
            );
        }
        let cost = self.vm.upload_fuel(wasm.len());
        if cost > fuel {
            return failed(
                ExecStatus::OutOfFuel,
                format!("uploading {} bytes needs {cost} fuel, limit is {fuel}", wasm.len()),
                fuel,
            );
        }
        match self.vm.validate(wasm) {
            Ok(info) => {
                overlay.put(state_keys::code(&info.hash), wasm.to_vec());
                receipt.code_hash = info.hash.0.to_vec();
                ok(cost)
            }
            Err(e) => rejected(format!("invalid code: {e}"), cost),
        }
    }

    fn instantiate(
        &self,
        overlay: &mut Overlay<'_>,
        env: &BlockEnv,
        tx: &VerifiedTx,
        i: &pb::Instantiate,
        receipt: &mut pb::Receipt,
    ) -> Result<ExecOutcome, ExecError> {
        let Some(code_hash) = Hash::from_slice(&i.code_hash) else {
            return Ok(rejected("code_hash must be 32 bytes".into(), 0));
        };
        if overlay.get(&state_keys::code(&code_hash))?.is_none() {
            return Ok(rejected(format!("no code uploaded with hash {code_hash}"), 0));
        }
        let address = Address::contract(&tx.sender, tx.body.nonce);
        let checkpoint = overlay.checkpoint();
        let info = pb::ContractInfo {
            code_hash: code_hash.0.to_vec(),
            creator: tx.sender.0.to_vec(),
            admin: tx.sender.0.to_vec(),
            label: i.label.clone(),
            created_height: env.height,
        };
        overlay.put(state_keys::contract(&address), info.encode_to_vec());
        let outcome = self.vm.instantiate(
            overlay,
            env,
            tx.sender,
            address,
            &i.init_msg,
            tx.body.fuel_limit,
        )?;
        if outcome.status == ExecStatus::Ok {
            receipt.contract_address = address.0.to_vec();
        } else {
            overlay.revert(checkpoint);
        }
        Ok(outcome)
    }
}

fn ok(fuel_used: u64) -> ExecOutcome {
    ExecOutcome {
        status: ExecStatus::Ok,
        error: String::new(),
        fuel_used,
        return_data: vec![],
        events: vec![],
    }
}

fn failed(status: ExecStatus, error: String, fuel_used: u64) -> ExecOutcome {
    ExecOutcome { status, error, fuel_used, return_data: vec![], events: vec![] }
}

fn rejected(error: String, fuel_used: u64) -> ExecOutcome {
    failed(ExecStatus::Rejected, error, fuel_used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::tx::{DecodedTx, sign};
    use bayledger_types::{MemState, SecretKey};
    use bayledger_vm::VmConfig;

    fn signed(key: &SecretKey, action: Kind) -> VerifiedTx {
        let body = pb::TxBody {
            chain_id: "c".into(),
            sender: key.address().0.to_vec(),
            nonce: 0,
            fuel_limit: 10_000_000,
            expiry_height: 100,
            action: Some(pb::Action { kind: Some(action) }),
        };
        let bytes = sign(&body, key);
        DecodedTx::decode(&bytes, 1 << 20).and_then(DecodedTx::verify).expect("valid tx")
    }

    fn run(state: &MemState, tx: &VerifiedTx) -> (pb::Receipt, u64) {
        let vm = Vm::new(VmConfig::default()).expect("vm");
        let params = Params::default();
        let executor = Executor { vm: &vm, params: &params };
        let mut overlay = Overlay::new(state);
        let env = BlockEnv { height: 1, time_ms: 1, chain_id: "c".into() };
        let receipt = executor.execute_tx(&mut overlay, &env, tx).expect("executes");
        let nonce = account_nonce(|k| overlay.get(k), &tx.sender).expect("nonce");
        (receipt, nonce)
    }

    /// An upload of bytes that are not a module: past the governance checks it is refused
    /// as invalid code, so the receipt tells which check refused it.
    fn upload() -> Kind {
        Kind::UploadCode(pb::UploadCode { wasm: b"not wasm".to_vec() })
    }

    #[test]
    fn a_frozen_senders_transaction_in_a_block_is_rejected_and_uses_its_nonce() {
        let key = SecretKey::from_bytes(&[3; 32]).expect("key");
        let tx = signed(&key, upload());
        let mut state = MemState::default();
        let control = run(&state, &tx).0;
        assert!(control.error.starts_with("invalid code"), "not frozen: {}", control.error);
        state.0.insert(state_keys::frozen(&key.address()), 1u64.to_be_bytes().to_vec());
        let (receipt, nonce) = run(&state, &tx);
        assert_eq!(receipt.status(), ExecStatus::Rejected);
        assert_eq!(receipt.error, format!("account {} is frozen by governance", key.address()));
        assert_eq!(nonce, 1, "the nonce is consumed");
    }

    #[test]
    fn an_upload_without_the_right_is_rejected_while_uploads_are_restricted() {
        let key = SecretKey::from_bytes(&[4; 32]).expect("key");
        let tx = signed(&key, upload());
        let mut state = MemState::default();
        state.0.insert(state_keys::UPLOADS_RESTRICTED.to_vec(), vec![1]);
        let (receipt, _) = run(&state, &tx);
        assert_eq!(receipt.status(), ExecStatus::Rejected);
        assert!(receipt.error.contains("may not upload code"), "{}", receipt.error);
        state.0.insert(state_keys::uploader(&key.address()), 0u64.to_be_bytes().to_vec());
        let granted = run(&state, &tx).0;
        assert!(granted.error.starts_with("invalid code"), "with the right: {}", granted.error);
    }
}

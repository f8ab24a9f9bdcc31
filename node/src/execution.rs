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
        let outcome = match tx.action() {
            _ if system::is_frozen(overlay, &tx.sender)? => {
                rejected(Forbidden::Frozen(tx.sender).to_string(), 0)
            }
            Kind::UploadCode(_) if !system::may_upload(overlay, &tx.sender)? => {
                rejected(Forbidden::Upload(tx.sender).to_string(), 0)
            }
            Kind::UploadCode(u) => self.upload(overlay, &u.wasm, fuel, &mut receipt),
            Kind::Instantiate(i) => self.instantiate(overlay, env, tx, i, &mut receipt)?,
            Kind::Call(c) => match Address::from_slice(&c.contract) {
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

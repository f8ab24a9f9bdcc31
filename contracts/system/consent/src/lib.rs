//! `consent`: Bayledger system contract: ISO/IEC TS 27560 consent records, checks and transfer receipts. (Work in progress: see docs/domain-contracts.md.)

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

use alloc::vec::Vec;
use bayledger_contract_sdk::Error;

fn unimplemented_entry(_msg: &[u8]) -> Result<Vec<u8>, Error> {
    Err(Error::new("not implemented yet"))
}

bayledger_contract_sdk::entry_points! {
    instantiate: unimplemented_entry,
    call: unimplemented_entry,
    query: unimplemented_entry,
}

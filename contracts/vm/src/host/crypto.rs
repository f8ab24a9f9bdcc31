//! Hashing and signatures: `sha3_256`, `keccak256`, `secp256k1_verify`,
//! `secp256k1_recover`. Signatures follow the chain's own rules
//! (`bayledger_types::crypto`: low-S only, recovery id 0 or 1).

use super::guest::{self, charge_call, cost};
use super::{HostCtx, HostError, to_wasm};
use crate::abi::IMPORT_MODULE;
use crate::fuel::HOST_COSTS;
use bayledger_types::{Hash, PublicKey, RecoverableSignature};
use wasmtime::{Caller, Linker};

fn hash(
    caller: &mut Caller<'_, HostCtx>,
    func: &str,
    ptr: i32,
    len: i32,
    dst: i32,
    digest: fn(&[u8]) -> [u8; 32],
) -> Result<(), HostError> {
    let len = guest::len(len);
    charge_call(
        caller,
        cost(HOST_COSTS.hash_base, HOST_COSTS.hash_per_byte, len).saturating_add(cost(
            0,
            HOST_COSTS.copy_per_byte,
            32,
        )),
    )?;
    let input = guest::read(caller, func, ptr, len)?;
    guest::write(caller, func, dst, &digest(&input))
}

fn verify(
    caller: &mut Caller<'_, HostCtx>,
    digest_ptr: i32,
    sig_ptr: i32,
    key_ptr: i32,
    key_len: i32,
) -> Result<i32, HostError> {
    const F: &str = "secp256k1_verify";
    charge_call(caller, HOST_COSTS.secp256k1_verify)?;
    let key_len = guest::len(key_len);
    if key_len != 33 && key_len != 65 {
        return Ok(0);
    }
    let digest: [u8; 32] = guest::read_array(caller, F, digest_ptr)?;
    let sig: [u8; 64] = guest::read_array(caller, F, sig_ptr)?;
    let key = guest::read(caller, F, key_ptr, key_len)?;
    let valid = PublicKey::from_sec1(&key).and_then(|k| k.verify_digest(&digest, &sig)).is_ok();
    Ok(i32::from(valid))
}

fn recover(
    caller: &mut Caller<'_, HostCtx>,
    digest_ptr: i32,
    sig_ptr: i32,
    dst: i32,
) -> Result<i32, HostError> {
    const F: &str = "secp256k1_recover";
    charge_call(caller, HOST_COSTS.secp256k1_recover)?;
    let digest: [u8; 32] = guest::read_array(caller, F, digest_ptr)?;
    let sig: [u8; 65] = guest::read_array(caller, F, sig_ptr)?;
    match RecoverableSignature(sig).recover(&digest) {
        Ok(key) => {
            guest::write(caller, F, dst, &key.to_compressed())?;
            Ok(1)
        }
        Err(_) => Ok(0),
    }
}

pub(super) fn register(linker: &mut Linker<HostCtx>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "sha3_256",
        |mut c: Caller<'_, HostCtx>, p: i32, l: i32, d: i32| {
            to_wasm(hash(&mut c, "sha3_256", p, l, d, |b| Hash::sha3(b).0))
        },
    )?;
    linker.func_wrap(
        IMPORT_MODULE,
        "keccak256",
        |mut c: Caller<'_, HostCtx>, p: i32, l: i32, d: i32| {
            to_wasm(hash(&mut c, "keccak256", p, l, d, bayledger_types::hash::keccak256))
        },
    )?;
    linker.func_wrap(
        IMPORT_MODULE,
        "secp256k1_verify",
        |mut c: Caller<'_, HostCtx>, dp: i32, sp: i32, kp: i32, kl: i32| {
            to_wasm(verify(&mut c, dp, sp, kp, kl))
        },
    )?;
    linker.func_wrap(
        IMPORT_MODULE,
        "secp256k1_recover",
        |mut c: Caller<'_, HostCtx>, dp: i32, sp: i32, d: i32| to_wasm(recover(&mut c, dp, sp, d)),
    )?;
    Ok(())
}

//! Keys of the authenticated state tree. All state — accounts, code, contract
//! metadata and contract storage — lives in one key space so that one state
//! root commits to all of it and every record can be proven (ADR 0004).

use crate::address::Address;
use crate::hash::Hash;

/// `acct/<address>` → `AccountState`.
pub fn account(addr: &Address) -> Vec<u8> {
    [b"acct/".as_slice(), &addr.0].concat()
}

/// `code/<code hash>` → WASM bytes.
pub fn code(hash: &Hash) -> Vec<u8> {
    [b"code/".as_slice(), &hash.0].concat()
}

/// `ctr/<address>` → `ContractInfo`.
pub fn contract(addr: &Address) -> Vec<u8> {
    [b"ctr/".as_slice(), &addr.0].concat()
}

/// Prefix of a contract's storage: `kv/<address>`.
pub fn storage_prefix(addr: &Address) -> Vec<u8> {
    [b"kv/".as_slice(), &addr.0].concat()
}

/// `kv/<address><key>` → value written by the contract.
pub fn storage(addr: &Address, key: &[u8]) -> Vec<u8> {
    [b"kv/".as_slice(), &addr.0, key].concat()
}

// ---- Chain state governed by the consortium (`sys/…`, ADR 0012). Written only at genesis,
// by the `system_apply` host function (for the governance contract) and at the end of a block
// (pending schedules); never by contract storage, which lives under `kv/`.

/// `sys/validators` → `pb::ValidatorSet`: the set that signs the NEXT block. Written at genesis
/// and rewritten at the end of block `H - 1` when changes take effect at `H`, so the state
/// committed at version `H - 1` holds the set for height `H`.
pub const VALIDATORS: &[u8] = b"sys/validators";

/// Prefix of the validator-set history: `sys/valsets/`.
pub const VALIDATOR_SETS_PREFIX: &[u8] = b"sys/valsets/";

/// `sys/valsets/<validator_set_hash>` → `pb::ValidatorSet`: every set that `sys/validators` has
/// held, by its `validator_set_hash` (the header field). Written with `sys/validators` and never
/// deleted, so a node that prunes old state still knows the set of any height from its header.
pub fn validator_set_by_hash(set_hash: &Hash) -> Vec<u8> {
    [VALIDATOR_SETS_PREFIX, &set_hash.0].concat()
}

/// Prefix of the pending validator changes: `sys/validators/pending/`.
pub const PENDING_VALIDATORS_PREFIX: &[u8] = b"sys/validators/pending/";

/// `sys/validators/pending/<effective height, u64 big-endian>` → `pb::ValidatorSet` holding
/// the *updates* taking effect at that height, in the order they were made: each entry sets
/// that key's power (0 removes it) and name. Applied and deleted at the end of block
/// `effective height - 1`.
pub fn pending_validators(effective_height: u64) -> Vec<u8> {
    [PENDING_VALIDATORS_PREFIX, &effective_height.to_be_bytes()].concat()
}

/// `sys/params` → the chain parameters in force: canonical JSON of `bayledger_genesis::Params`
/// (fields in declaration order, no whitespace). Written at genesis and rewritten at the end
/// of block `H - 1` for changes effective at `H`.
pub const PARAMS: &[u8] = b"sys/params";

/// Prefix of the pending parameter changes: `sys/params/pending/`.
pub const PENDING_PARAMS_PREFIX: &[u8] = b"sys/params/pending/";

/// `sys/params/pending/<effective height, u64 big-endian>` → JSON of the merged
/// `governance::action::ParamsChange` for that height (later changes win per field).
pub fn pending_params(effective_height: u64) -> Vec<u8> {
    [PENDING_PARAMS_PREFIX, &effective_height.to_be_bytes()].concat()
}

/// Prefix of the admitted nodes: `sys/nodes/`.
pub const NODES_PREFIX: &[u8] = b"sys/nodes/";

/// `sys/nodes/<33-byte compressed node key>` → canonical JSON of the admitted node
/// (`bayledger_genesis::GenesisNode`: `name`, `node_key`, `role`). Genesis `nodes` are written
/// here; `AdmitNode` adds one (role `full`), `RemoveNode` deletes it. The p2p allowlist
/// follows this prefix.
pub fn node(node_key: &[u8; 33]) -> Vec<u8> {
    [NODES_PREFIX, node_key.as_slice()].concat()
}

/// `sys/uploads_restricted` → `[1]` when only listed accounts may upload code (genesis
/// `permissions.code_uploaders` present). Absent: anyone may upload.
pub const UPLOADS_RESTRICTED: &[u8] = b"sys/uploads_restricted";

/// Prefix of the accounts allowed to upload code: `sys/uploaders/`.
pub const UPLOADERS_PREFIX: &[u8] = b"sys/uploaders/";

/// `sys/uploaders/<address>` → the height (u64 big-endian) the right was granted at (0:
/// genesis). Consulted only while [`UPLOADS_RESTRICTED`] is set.
pub fn uploader(addr: &Address) -> Vec<u8> {
    [UPLOADERS_PREFIX, &addr.0].concat()
}

/// Prefix of the frozen accounts and contracts: `sys/frozen/`.
pub const FROZEN_PREFIX: &[u8] = b"sys/frozen/";

/// `sys/frozen/<address>` → the height (u64 big-endian) it was frozen at. A frozen account's
/// transactions are refused; calls to a frozen contract fail.
pub fn frozen(addr: &Address) -> Vec<u8> {
    [FROZEN_PREFIX, &addr.0].concat()
}

#[cfg(test)]
mod sys_key_tests {
    use super::*;

    #[test]
    fn pending_keys_sort_by_effective_height() {
        assert!(pending_validators(255) < pending_validators(256));
        assert!(pending_params(1) < pending_params(u64::MAX));
        assert!(pending_validators(7).starts_with(PENDING_VALIDATORS_PREFIX));
        assert_eq!(pending_params(7).len(), PENDING_PARAMS_PREFIX.len() + 8);
    }

    #[test]
    fn iterated_sys_prefixes_are_disjoint_and_hold_no_exact_key() {
        let prefixes = [
            FROZEN_PREFIX,
            UPLOADERS_PREFIX,
            NODES_PREFIX,
            PENDING_PARAMS_PREFIX,
            PENDING_VALIDATORS_PREFIX,
        ];
        for a in prefixes {
            for b in prefixes.iter().filter(|b| **b != a) {
                assert!(!a.starts_with(b), "{:?} lies inside {:?}", a, b);
            }
            for exact in [VALIDATORS, PARAMS, UPLOADS_RESTRICTED] {
                assert!(!exact.starts_with(a), "{:?} lies inside {:?}", exact, a);
            }
        }
        let a = Address([7; 20]);
        assert!(
            frozen(&a).starts_with(FROZEN_PREFIX) && uploader(&a).starts_with(UPLOADERS_PREFIX)
        );
        assert!(node(&[2; 33]).starts_with(NODES_PREFIX));
    }
}

//! The rules a genesis file must satisfy before a node will start from it.

use crate::error::GenesisError;
use crate::schema::{
    Genesis, GenesisContract, GenesisMember, GenesisNode, GenesisValidator, Params, Permissions,
};
use crate::time::parse_genesis_time;
use bayledger_types::PublicKey;
use std::collections::HashMap;
use std::hash::Hash as StdHash;

/// Largest total voting power: `i64::MAX / 8`, so sums, `3 * power` and
/// signed-integer arithmetic in consensus can never overflow.
pub const MAX_TOTAL_POWER: u64 = (i64::MAX / 8) as u64;

/// Longest chain id.
pub const MAX_CHAIN_ID_LEN: usize = 50;

/// Longest contract label, as for an Instantiate transaction.
pub const MAX_LABEL_LEN: usize = 128;

/// The first eight bytes of every WebAssembly 1.0 binary module.
const WASM_PREAMBLE: [u8; 8] = *b"\0asm\x01\0\0\0";

impl Genesis {
    /// Checks every rule, in file order, and reports the first violation with
    /// the field that breaks it.
    pub fn validate(&self) -> Result<(), GenesisError> {
        validate_chain_id(&self.chain_id)?;
        parse_genesis_time(&self.genesis_time)?;
        if self.initial_height == 0 {
            return Err(GenesisError::InitialHeight);
        }
        validate_params(&self.params)?;
        validate_validators(&self.validators)?;
        validate_members(&self.members)?;
        validate_contracts(&self.contracts, &self.params)?;
        validate_nodes(&self.nodes)?;
        self.permissions.as_ref().map_or(Ok(()), validate_permissions)
    }
}

impl Params {
    /// Checks the parameter rules alone (every value positive, the limits consistent with each
    /// other): for genesis, and for parameters a governance proposal would put in force.
    pub fn validate(&self) -> Result<(), GenesisError> {
        validate_params(self)
    }
}

fn validate_chain_id(id: &str) -> Result<(), GenesisError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_CHAIN_ID_LEN
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok { Ok(()) } else { Err(GenesisError::ChainId(id.to_string())) }
}

fn validate_params(p: &Params) -> Result<(), GenesisError> {
    let all = [
        ("block_time_ms", p.block_time_ms),
        ("max_block_bytes", p.max_block_bytes),
        ("max_block_txs", p.max_block_txs),
        ("max_tx_bytes", p.max_tx_bytes),
        ("max_block_fuel", p.max_block_fuel),
        ("max_tx_fuel", p.max_tx_fuel),
        ("max_code_bytes", p.max_code_bytes),
        ("query_fuel_limit", p.query_fuel_limit),
    ];
    if let Some((name, _)) = all.iter().find(|(_, v)| *v == 0) {
        return Err(GenesisError::ZeroParam(name));
    }
    let bound = |field, value, relation, other, other_value, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(GenesisError::InconsistentParams { field, value, relation, other, other_value })
        }
    };
    bound(
        "max_tx_bytes",
        p.max_tx_bytes,
        "at most",
        "params.max_block_bytes",
        p.max_block_bytes,
        p.max_tx_bytes <= p.max_block_bytes,
    )?;
    bound(
        "max_tx_fuel",
        p.max_tx_fuel,
        "at most",
        "params.max_block_fuel",
        p.max_block_fuel,
        p.max_tx_fuel <= p.max_block_fuel,
    )?;
    bound(
        "max_code_bytes",
        p.max_code_bytes,
        "less than",
        "params.max_tx_bytes",
        p.max_tx_bytes,
        p.max_code_bytes < p.max_tx_bytes,
    )?;
    // The header's tx_count is a uint32.
    bound(
        "max_block_txs",
        p.max_block_txs,
        "at most",
        "the header's u32 tx_count limit",
        u64::from(u32::MAX),
        p.max_block_txs <= u64::from(u32::MAX),
    )
}

/// The validator rules of a genesis file, which every set the chain puts in force also meets
/// (`apply_updates` in the VM): at least one validator; each named, its address derived from its
/// key, its power positive; keys and names distinct; total power at most [`MAX_TOTAL_POWER`].
/// Also what a light client's trust anchor must satisfy.
pub fn validate_validators(vals: &[GenesisValidator]) -> Result<(), GenesisError> {
    if vals.is_empty() {
        return Err(GenesisError::NoValidators);
    }
    let mut total: u64 = 0;
    for (index, v) in vals.iter().enumerate() {
        let err = |field, reason: String| GenesisError::Validator { index, field, reason };
        if v.name.is_empty() {
            return Err(err("name", "must not be empty".into()));
        }
        let key = PublicKey::from_sec1(&v.pub_key.0)
            .map_err(|_| err("pub_key", format!("{} is not a point on secp256k1", v.pub_key)))?;
        let derived = key.address();
        if derived != v.address {
            return Err(err(
                "address",
                format!("{} is not the address of pub_key (that is {derived})", v.address),
            ));
        }
        if v.power == 0 {
            return Err(err("power", "must be positive".into()));
        }
        total = total
            .checked_add(v.power)
            .filter(|t| *t <= MAX_TOTAL_POWER)
            .ok_or(GenesisError::TotalPower { max: MAX_TOTAL_POWER })?;
    }
    let dup = |field, (first, second)| GenesisError::DuplicateValidator { field, first, second };
    // Each address was checked to be its key's, so distinct keys mean distinct addresses.
    first_duplicate(vals.iter().map(|v| v.pub_key)).map_or(Ok(()), |d| Err(dup("pub_key", d)))?;
    first_duplicate(vals.iter().map(|v| v.name.as_str())).map_or(Ok(()), |d| Err(dup("name", d)))
}

fn validate_members(members: &[GenesisMember]) -> Result<(), GenesisError> {
    if let Some(index) = members.iter().position(|m| m.name.is_empty()) {
        return Err(GenesisError::Member {
            index,
            field: "name",
            reason: "must not be empty".into(),
        });
    }
    let dup = |field, (first, second)| GenesisError::DuplicateMember { field, first, second };
    first_duplicate(members.iter().map(|m| m.address))
        .map_or(Ok(()), |d| Err(dup("address", d)))?;
    first_duplicate(members.iter().map(|m| m.name.as_str())).map_or(Ok(()), |d| Err(dup("name", d)))
}

fn validate_contracts(contracts: &[GenesisContract], params: &Params) -> Result<(), GenesisError> {
    for (index, c) in contracts.iter().enumerate() {
        let err = |field, reason: String| GenesisError::Contract { index, field, reason };
        if c.label.is_empty() || c.label.len() > MAX_LABEL_LEN {
            return Err(err(
                "label",
                format!("must be 1 to {MAX_LABEL_LEN} bytes, got {}", c.label.len()),
            ));
        }
        let code = &c.code_base64.0;
        if code.is_empty() {
            return Err(err("code_base64", "decodes to no bytes".into()));
        }
        if code.len() as u64 > params.max_code_bytes {
            return Err(err(
                "code_base64",
                format!(
                    "code is {} bytes, above params.max_code_bytes ({})",
                    code.len(),
                    params.max_code_bytes
                ),
            ));
        }
        if !code.starts_with(&WASM_PREAMBLE) {
            return Err(err(
                "code_base64",
                "is not a WebAssembly 1.0 binary (bad magic or version)".into(),
            ));
        }
    }
    match first_duplicate(contracts.iter().map(|c| c.label.as_str())) {
        Some((first, second)) => Err(GenesisError::DuplicateContractLabel {
            label: contracts[second].label.clone(),
            first,
            second,
        }),
        None => Ok(()),
    }
}

/// Positions of the first item equal to an earlier one.
fn first_duplicate<T: Eq + StdHash>(items: impl Iterator<Item = T>) -> Option<(usize, usize)> {
    let mut seen = HashMap::new();
    for (i, item) in items.enumerate() {
        if let Some(&first) = seen.get(&item) {
            return Some((first, i));
        }
        seen.insert(item, i);
    }
    None
}

fn validate_permissions(p: &Permissions) -> Result<(), GenesisError> {
    if let Some(index) =
        p.code_uploaders.iter().position(|a| *a == bayledger_types::Address::default())
    {
        return Err(GenesisError::CodeUploader {
            index,
            reason: "the zero address cannot sign transactions".into(),
        });
    }
    match first_duplicate(p.code_uploaders.iter()) {
        Some((first, index)) => Err(GenesisError::CodeUploader {
            index,
            reason: format!("duplicates code_uploaders[{first}]"),
        }),
        None => Ok(()),
    }
}

fn validate_nodes(nodes: &[GenesisNode]) -> Result<(), GenesisError> {
    for (index, n) in nodes.iter().enumerate() {
        let err = |field, reason: String| GenesisError::Node { index, field, reason };
        if n.name.is_empty() {
            return Err(err("name", "must not be empty".into()));
        }
        PublicKey::from_sec1(&n.node_key.0)
            .map_err(|_| err("node_key", format!("{} is not a point on secp256k1", n.node_key)))?;
    }
    let dup = |field, (first, second)| GenesisError::DuplicateNode { field, first, second };
    first_duplicate(nodes.iter().map(|n| n.node_key))
        .map_or(Ok(()), |d| Err(dup("node_key", d)))?;
    first_duplicate(nodes.iter().map(|n| n.name.as_str())).map_or(Ok(()), |d| Err(dup("name", d)))
}

#[cfg(test)]
mod permission_tests {
    use crate::{Genesis, GenesisError, Permissions};
    use bayledger_types::{Address, SecretKey};

    fn chain() -> Genesis {
        let key = SecretKey::from_bytes(&[7; 32]).expect("valid key");
        Genesis::single_validator("perm", &key.public_key(), 0)
    }

    #[test]
    fn omitted_permissions_keep_the_file_and_its_hash_unchanged() {
        let g = chain();
        let json = serde_json::to_string(&g).expect("serialises");
        assert!(!json.contains("permissions"), "{json}");
        let mut restricted = g.clone();
        restricted.permissions = Some(Permissions { code_uploaders: vec![Address([1; 20])] });
        restricted.validate().expect("a listed uploader is valid");
        assert_ne!(restricted.hash(), g.hash());
        let back = Genesis::from_json(&serde_json::to_string(&restricted).expect("ser"))
            .expect("parses back");
        assert_eq!(back, restricted);
    }

    #[test]
    fn code_uploaders_refuse_the_zero_address_duplicates_and_unknown_fields() {
        let mut g = chain();
        g.permissions =
            Some(Permissions { code_uploaders: vec![Address([1; 20]), Address::default()] });
        let err = g.validate().expect_err("zero address");
        assert!(matches!(err, GenesisError::CodeUploader { index: 1, .. }), "{err}");
        g.permissions =
            Some(Permissions { code_uploaders: vec![Address([1; 20]), Address([1; 20])] });
        let err = g.validate().expect_err("duplicate");
        assert_eq!(err.to_string(), "permissions.code_uploaders[1]: duplicates code_uploaders[0]");
        let mut json = serde_json::to_value(chain()).expect("ser");
        json["permissions"] = serde_json::json!({"code_uploaders": [], "admins": []});
        let err = Genesis::from_json(&json.to_string()).expect_err("unknown field");
        assert!(err.to_string().contains("admins"), "{err}");
    }
}

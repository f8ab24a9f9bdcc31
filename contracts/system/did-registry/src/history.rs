//! The `history` query: a DID's versions, oldest first, paginated by version id.

use crate::msg::{HistoryEntry, HistoryResponse, parse_version_id};
use crate::operations::local_did;
use crate::state;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;

/// Page size when no limit is given.
pub const DEFAULT_LIMIT: u32 = 10;
/// Largest page.
pub const MAX_LIMIT: u32 = 100;

/// A page of the versions of `did` after `start_after`.
pub fn history(
    did: &str,
    start_after: Option<&str>,
    limit: Option<u32>,
) -> Result<HistoryResponse, Error> {
    let network = state::network()?;
    let did = local_did("did", did, &network)?;
    if state::load(did.id())?.is_none() {
        return Err(Error::new(format!("not found: {did} is not registered")));
    }
    let after = match start_after {
        Some(text) => {
            parse_version_id(text).map_err(|e| Error::new(format!("invalid start_after: {e}")))?
        }
        None => 0,
    };
    let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    let versions = state::versions_after(did.id(), after)
        .take(limit)
        .map(|entry| {
            entry.map(|(version, meta)| HistoryEntry {
                version_id: version.to_string(),
                operation: meta.operation.name().into(),
                time_ms: meta.time_ms,
                height: meta.height,
                sender: meta.sender.to_string(),
                document_hash: hex_0x(&meta.document_hash),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HistoryResponse { did: did.to_string(), versions })
}

/// `0x` + lower-case hex.
fn hex_0x(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 + 2 * bytes.len());
    out.push_str("0x");
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_prefixed_lower_case() {
        assert_eq!(hex_0x(&[0x00, 0xab, 0x7f]), "0x00ab7f");
    }
}

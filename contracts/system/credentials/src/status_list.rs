//! Status lists in the spirit of W3C Bitstring Status List v1.0.
//!
//! Each issuer numbers its credentials 0, 1, 2, … (the status index, assigned at issuance).
//! Index `i` is bit `i % 131072` of the issuer's list `i / 131072`; a list is 131,072 bits
//! (16 KiB, the W3C minimum size for herd privacy). There are two purposes: in the
//! `revocation` list a bit is 1 while the credential is revoked, in the `suspension` list while
//! it is suspended.
//!
//! Every status change is appended to a per-list log keyed by block time, so the list at any
//! time `t` is rebuilt by replaying the log up to `t`; the cost grows with the number of status
//! changes in the list, not with the number of credentials.
//!
//! Encoding (differs from W3C's `encodedList`, which is GZIP-compressed then multibase): the
//! raw 16 KiB bitstring as base64url without padding (RFC 4648 §5); the first index is the most
//! significant bit of the first byte, so bit `i` is `(byte[i / 8] >> (7 - i % 8)) & 1`.

use crate::credentials::issuer_key;
use crate::index::{Key, read_u64, scan};
use crate::msg::Purpose;
use crate::record::{CredentialRecord, Status};
use crate::response::StatusListResponse;
use crate::state::{BY_ISSUER, STATUS_LOG, StatusLogEntry};
use crate::validate;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use bayledger_contract_sdk::Error;

/// Bits in one status list.
pub const LIST_BITS: u32 = 131_072;

/// `(list, bit position)` of a status index.
pub(crate) fn position(status_index: u64) -> Result<(u32, u32), Error> {
    let list = u32::try_from(status_index / u64::from(LIST_BITS))
        .map_err(|_| Error::new("limit: the issuer's status lists are full"))?;
    // The remainder is below LIST_BITS, so it fits.
    let bit = (status_index % u64::from(LIST_BITS)) as u32;
    Ok((list, bit))
}

/// Logs that credential number `no` took `status` at `at_ms` as history entry `seq`.
pub(crate) fn log_change(
    credential: &CredentialRecord,
    no: u64,
    seq: u32,
    at_ms: u64,
    status: Status,
) -> Result<(), Error> {
    let (list, bit) = position(credential.status_index)?;
    let key = Key::new().str(&credential.issuer).u32(list).u64(at_ms).u64(no).u32(seq).into_vec();
    STATUS_LOG.set(&key, &StatusLogEntry { position: bit, status });
    Ok(())
}

fn flagged(purpose: Purpose) -> Status {
    match purpose {
        Purpose::Revocation => Status::Revoked,
        Purpose::Suspension => Status::Suspended,
    }
}

/// The raw bits of `issuer`'s list `list` for `purpose` at `at_ms`.
pub(crate) fn bits(
    issuer: &str,
    list: u32,
    purpose: Purpose,
    at_ms: u64,
) -> Result<Vec<u8>, Error> {
    let mut bits = vec![0u8; (LIST_BITS / 8) as usize];
    let prefix = Key::new().str(issuer).u32(list).into_vec();
    for entry in scan(&STATUS_LOG, &prefix, None) {
        let (rest, change) = entry?;
        if read_u64(&rest)? > at_ms {
            break;
        }
        let byte = &mut bits[(change.position / 8) as usize];
        let mask = 0x80u8 >> (change.position % 8);
        if change.status == flagged(purpose) {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
    }
    Ok(bits)
}

/// Whether `issuer` has a credential with a status index in list `list`.
fn started(issuer: &str, list: u32) -> Result<bool, Error> {
    let first = u64::from(list) * u64::from(LIST_BITS);
    let after = first.checked_sub(1).map(|i| issuer_key(issuer, i));
    let prefix = Key::new().str(issuer).into_vec();
    match scan(&BY_ISSUER, &prefix, after.as_deref()).next() {
        Some(entry) => Ok(read_u64(&entry?.0)? < first + u64::from(LIST_BITS)),
        None => Ok(false),
    }
}

/// `status_list`: `not found` for a list the issuer has not started.
pub(crate) fn query(
    issuer: &str,
    purpose: Purpose,
    list: u32,
    at_ms: u64,
) -> Result<StatusListResponse, Error> {
    validate::did("issuer", issuer)?;
    if !started(issuer, list)? {
        return Err(Error::new(format!("not found: issuer {issuer} has no status list {list}")));
    }
    Ok(StatusListResponse {
        issuer: String::from(issuer),
        purpose,
        list,
        at_ms,
        size: LIST_BITS,
        encoded_list: base64url(&bits(issuer, list, purpose, at_ms)?),
    })
}

/// base64url without padding (RFC 4648 §5).
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        // A chunk of k bytes gives k + 1 characters.
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64url(plain.as_bytes()), encoded, "{plain}");
        }
        assert_eq!(base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
    }

    #[test]
    fn positions_split_indexes_into_lists() {
        assert_eq!(position(0), Ok((0, 0)));
        assert_eq!(position(131_071), Ok((0, 131_071)));
        assert_eq!(position(131_072), Ok((1, 0)));
        assert!(position(u64::MAX).is_err());
    }
}

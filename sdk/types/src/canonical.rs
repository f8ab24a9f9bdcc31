//! The canonical-protobuf rule: hashed and signed messages must be in the one
//! encoding prost produces (fields in tag order, defaults omitted, no unknown
//! fields). Decoding re-encodes and compares, so two different byte strings can
//! never decode to the same message — the encoding is bijective for every
//! message that is hashed (ADR 0001).

use prost::Message;

/// Why bytes were refused as a canonical message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// Not valid protobuf for the expected message.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// Message name.
        what: &'static str,
        /// Decoder's explanation.
        reason: String,
    },
    /// Valid protobuf, but not the canonical encoding.
    #[error(
        "non-canonical encoding of {what} (fields out of order, defaults written or unknown fields)"
    )]
    NonCanonical {
        /// Message name.
        what: &'static str,
    },
}

/// Decodes `bytes` as `M` and checks they are the canonical encoding.
pub fn decode_canonical<M: Message + Default>(
    what: &'static str,
    bytes: &[u8],
) -> Result<M, CanonicalError> {
    let msg =
        M::decode(bytes).map_err(|e| CanonicalError::Malformed { what, reason: e.to_string() })?;
    if msg.encoded_len() != bytes.len() || msg.encode_to_vec() != bytes {
        return Err(CanonicalError::NonCanonical { what });
    }
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pb::AccountState;

    #[test]
    fn accepts_canonical_rejects_default_written_and_unknown_fields() {
        let ok = AccountState { nonce: 5 }.encode_to_vec();
        assert_eq!(
            decode_canonical::<AccountState>("AccountState", &ok),
            Ok(AccountState { nonce: 5 })
        );
        // nonce = 0 written explicitly: valid protobuf, not canonical.
        assert!(matches!(
            decode_canonical::<AccountState>("AccountState", &[0x08, 0x00]),
            Err(CanonicalError::NonCanonical { .. })
        ));
        // Unknown field 2.
        let mut unknown = ok.clone();
        unknown.extend_from_slice(&[0x10, 0x01]);
        assert!(matches!(
            decode_canonical::<AccountState>("AccountState", &unknown),
            Err(CanonicalError::NonCanonical { .. })
        ));
        assert!(matches!(
            decode_canonical::<AccountState>("AccountState", &[0xff]),
            Err(CanonicalError::Malformed { .. })
        ));
    }
}

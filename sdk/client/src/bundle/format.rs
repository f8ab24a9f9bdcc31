//! The bundle's JSON form (`bayledger-bundle/v1`): fields in a fixed order, binary values as
//! lower-case hex of their exact bytes, pretty-printed with a final newline. That text is the
//! bundle's one canonical encoding: [`Bundle::from_json`] re-encodes what it parsed and refuses
//! any other bytes, so an edit anywhere — even in whitespace — is caught before any proof is
//! looked at.

use super::BundleError;
use super::query::Query;
use super::record::Record;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The format tag of this version of the bundle.
pub const FORMAT: &str = "bayledger-bundle/v1";

/// Portable evidence of one system-contract record at one block (docs/verification-bundles.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bundle {
    /// Always [`FORMAT`].
    pub format: String,
    /// The chain the evidence is from (must match the trust anchor's).
    pub chain_id: String,
    /// What was asked, tagged with its kind.
    pub query: Query,
    /// The answer, recomputed by the verifier from the proven entries and compared.
    pub record: Record,
    /// The block whose state the entries are proven against.
    pub height: u64,
    /// Exact `BlockHeader` bytes of block `height`.
    pub header: HexBytes,
    /// `Commit` (protobuf) finalising block `height`.
    pub commit: HexBytes,
    /// Validator-set changes after the anchor up to `height`, in height order.
    pub validator_set_changes: Vec<SetChange>,
    /// The state entries the record is read from, in the order the record reads them.
    pub entries: Vec<Entry>,
}

/// A validator-set change at `height`: the signed header of block `height - 1` (signed by the
/// set trusted before the change) and `sys/validators` proven against its state root, which is
/// the set that signs from block `height` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetChange {
    /// First height signed by the new set.
    pub height: u64,
    /// Exact `BlockHeader` bytes of block `height - 1`.
    pub header: HexBytes,
    /// `Commit` (protobuf) finalising block `height - 1`.
    pub commit: HexBytes,
    /// `sys/validators` after block `height - 1`.
    pub validator_set: Entry,
}

/// A state key with its value (or `null`: absent) and a Merkle proof against a state root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The full state key (`kv/<contract><key>`, `sys/validators`, …).
    pub key: HexBytes,
    /// The value, or `null` when the proof shows the key is absent.
    pub value: Option<HexBytes>,
    /// Borsh encoding of the JMT `SparseMerkleProof` (ADR 0010).
    pub proof: HexBytes,
}

/// Bytes written as lower-case hex (no prefix). Upper-case digits are refused, so each byte
/// string has exactly one spelling.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct HexBytes(pub Vec<u8>);

impl std::fmt::Debug for HexBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl Serialize for HexBytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for HexBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<HexBytes, D::Error> {
        let text = String::deserialize(d)?;
        decode_hex(&text).map(HexBytes).map_err(serde::de::Error::custom)
    }
}

/// Strict lower-case hex.
pub(crate) fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    if let Some(bad) = text.chars().find(|c| !matches!(c, '0'..='9' | 'a'..='f')) {
        return Err(format!("{bad:?} is not a lower-case hex digit"));
    }
    hex::decode(text).map_err(|e| e.to_string())
}

/// The bundle as parsed, before the record is typed by the query's kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Parsed {
    format: String,
    chain_id: String,
    query: Query,
    record: Value,
    height: u64,
    header: HexBytes,
    commit: HexBytes,
    validator_set_changes: Vec<SetChange>,
    entries: Vec<Entry>,
}

impl Bundle {
    /// The canonical JSON text.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self)
            .expect("a bundle holds strings, integers and typed records only");
        text.push('\n');
        text
    }

    /// Parses a bundle and checks `bytes` are its canonical text.
    pub fn from_json(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let parsed: Parsed =
            serde_json::from_slice(bytes).map_err(|e| BundleError::Malformed(e.to_string()))?;
        if parsed.format != FORMAT {
            return Err(BundleError::Format(parsed.format));
        }
        let record = Record::from_json(&parsed.query, parsed.record)?;
        let bundle = Bundle {
            format: parsed.format,
            chain_id: parsed.chain_id,
            query: parsed.query,
            record,
            height: parsed.height,
            header: parsed.header,
            commit: parsed.commit,
            validator_set_changes: parsed.validator_set_changes,
            entries: parsed.entries,
        };
        let canonical = bundle.to_json();
        if canonical.as_bytes() != bytes {
            let offset = canonical.bytes().zip(bytes).position(|(a, b)| a != *b);
            let offset = offset.unwrap_or_else(|| canonical.len().min(bytes.len()));
            return Err(BundleError::NotCanonical { offset });
        }
        Ok(bundle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bundle {
        Bundle {
            format: FORMAT.into(),
            chain_id: "c".into(),
            query: Query::Consent { id: 1, at_ms: None },
            record: Record::Consent(crate::bundle::ConsentRecord {
                id: 1,
                at_ms: 5,
                consent: None,
            }),
            height: 2,
            header: HexBytes(vec![0xab]),
            commit: HexBytes(vec![]),
            validator_set_changes: vec![],
            entries: vec![Entry {
                key: HexBytes(b"k".to_vec()),
                value: None,
                proof: HexBytes(vec![0]),
            }],
        }
    }

    #[test]
    fn only_the_canonical_text_parses() {
        let b = sample();
        let text = b.to_json();
        assert!(text.starts_with("{\n  \"format\": \"bayledger-bundle/v1\",\n"), "{text}");
        assert_eq!(Bundle::from_json(text.as_bytes()).expect("canonical"), b);
        let edits = [
            text.replace("\n  \"chain_id\"", "\n   \"chain_id\""),
            text.trim_end().to_string(),
            text.replace("\"ab\"", "\"AB\""),
            text.replace("\"height\": 2", "\"height\": 2, \"extra\": 1"),
            text.replace("bayledger-bundle/v1", "bayledger-bundle/v2"),
            text.replace("\"kind\": \"consent\"", "\"kind\": \"unknown\""),
        ];
        for (i, edited) in edits.iter().enumerate() {
            assert_ne!(edited, &text, "edit {i} changes the text");
            assert!(Bundle::from_json(edited.as_bytes()).is_err(), "edit {i} parsed: {edited}");
        }
        assert!(matches!(
            Bundle::from_json(edits[0].as_bytes()),
            Err(BundleError::NotCanonical { .. })
        ));
        assert!(matches!(
            Bundle::from_json(edits[4].as_bytes()),
            Err(BundleError::Format(f)) if f == "bayledger-bundle/v2"
        ));
    }

    #[test]
    fn hex_is_lower_case_only() {
        assert_eq!(decode_hex("00ff"), Ok(vec![0, 255]));
        assert!(decode_hex("00FF").is_err());
        assert!(decode_hex("0x00").is_err());
        assert!(decode_hex("0").is_err());
        assert_eq!(decode_hex(""), Ok(vec![]));
    }
}

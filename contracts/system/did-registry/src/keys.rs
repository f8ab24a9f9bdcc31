//! secp256k1 public keys of verification methods: `publicKeyJwk` (RFC 7517/8812: `kty` `EC`,
//! `crv` `secp256k1`, base64url `x` and `y`) and `publicKeyMultibase` (`z` + base58btc of the
//! multicodec `secp256k1-pub` = `0xe7 0x01` + the 33-byte compressed key), both decoded to the
//! 33-byte compressed SEC1 key whose ADR 0003 address is `SHA3-256(key)[12..]`.

use crate::curve;
use alloc::format;
use alloc::string::String;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bayledger_contract_sdk::{Address, crypto};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

/// A compressed SEC1 secp256k1 key: prefix `02`/`03` + 32-byte `x`.
pub type CompressedKey = [u8; 33];

/// The multicodec prefix of a secp256k1 public key (`secp256k1-pub`, 0xe7 as a varint).
pub const MULTICODEC_SECP256K1_PUB: [u8; 2] = [0xe7, 0x01];
/// Longest `publicKeyMultibase` accepted (35 bytes need at most 49 base58 digits).
const MAX_MULTIBASE_LEN: usize = 64;
/// Longest `kid`.
const MAX_KID_LEN: usize = 128;

/// A public JSON Web Key on secp256k1. Private members (`d`) are refused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jwk {
    /// Must be `EC`.
    pub kty: String,
    /// Must be `secp256k1`.
    pub crv: String,
    /// The x coordinate: 32 bytes, base64url without padding.
    pub x: String,
    /// The y coordinate: 32 bytes, base64url without padding.
    pub y: String,
    /// Optional; `ES256K` if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Optional key id, 1–128 printable ASCII characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// The private scalar: recognised only to refuse it.
    #[serde(default, skip_serializing)]
    pub d: Option<IgnoredAny>,
}

impl Jwk {
    /// Checks every member and returns the compressed key.
    pub fn decode(&self) -> Result<CompressedKey, String> {
        if self.d.is_some() {
            return Err("publicKeyJwk contains the private key member \"d\"; publish only the \
                        public key"
                .into());
        }
        if self.kty != "EC" {
            return Err(format!("publicKeyJwk.kty must be \"EC\", got {:?}", self.kty));
        }
        if self.crv != "secp256k1" {
            return Err(format!("publicKeyJwk.crv must be \"secp256k1\", got {:?}", self.crv));
        }
        if let Some(alg) = self.alg.as_deref().filter(|a| *a != "ES256K") {
            return Err(format!("publicKeyJwk.alg must be \"ES256K\" if present, got {alg:?}"));
        }
        if let Some(kid) = &self.kid {
            let printable = kid.bytes().all(|b| b.is_ascii_graphic());
            if kid.is_empty() || kid.len() > MAX_KID_LEN || !printable {
                return Err(format!(
                    "publicKeyJwk.kid must be 1-{MAX_KID_LEN} printable ASCII characters"
                ));
            }
        }
        let x = coordinate("x", &self.x)?;
        let y = coordinate("y", &self.y)?;
        if !curve::is_on_curve(&x, &y) {
            return Err("publicKeyJwk (x, y) is not a point on secp256k1".into());
        }
        Ok(compress(&x, y[31] & 1 == 1))
    }
}

fn compress(x: &[u8; 32], y_is_odd: bool) -> CompressedKey {
    let mut key = [0u8; 33];
    key[0] = if y_is_odd { 0x03 } else { 0x02 };
    key[1..].copy_from_slice(x);
    key
}

fn coordinate(name: &str, text: &str) -> Result<[u8; 32], String> {
    // 32 bytes are exactly 43 base64url characters; the length check bounds the work.
    if text.len() != 43 {
        return Err(format!(
            "publicKeyJwk.{name} must be 43 base64url characters (32 bytes), got {}",
            text.len()
        ));
    }
    let mut out = [0u8; 32];
    match URL_SAFE_NO_PAD.decode_slice(text, &mut out) {
        Ok(32) => Ok(out),
        Ok(n) => Err(format!("publicKeyJwk.{name} decodes to {n} bytes, not 32")),
        Err(e) => Err(format!("publicKeyJwk.{name} is not base64url without padding: {e}")),
    }
}

/// Decodes a `publicKeyMultibase` to a compressed secp256k1 key, checking the multibase
/// prefix, the multicodec, the length, the SEC1 prefix and that `x` is on the curve.
pub fn decode_multibase(text: &str) -> Result<CompressedKey, String> {
    if text.len() > MAX_MULTIBASE_LEN {
        return Err(format!(
            "publicKeyMultibase is at most {MAX_MULTIBASE_LEN} characters, got {}",
            text.len()
        ));
    }
    let Some(digits) = text.strip_prefix('z') else {
        return Err("publicKeyMultibase must start with 'z' (base58btc)".into());
    };
    let mut raw = [0u8; 48];
    let n = bs58::decode(digits)
        .onto(&mut raw[..])
        .map_err(|e| format!("publicKeyMultibase is not base58btc: {e}"))?;
    let raw = &raw[..n];
    let Some(key) = raw.strip_prefix(&MULTICODEC_SECP256K1_PUB[..]) else {
        return Err("publicKeyMultibase must carry the multicodec secp256k1-pub (0xe7 0x01)".into());
    };
    let key: CompressedKey = key.try_into().map_err(|_| {
        format!("publicKeyMultibase must hold a 33-byte compressed key, got {} bytes", key.len())
    })?;
    if key[0] != 0x02 && key[0] != 0x03 {
        return Err(format!(
            "publicKeyMultibase key must start with 0x02 or 0x03 (compressed), got {:#04x}",
            key[0]
        ));
    }
    let mut x = [0u8; 32];
    x.copy_from_slice(&key[1..]);
    if !curve::is_valid_x(&x) {
        return Err("publicKeyMultibase is not a point on secp256k1".into());
    }
    Ok(key)
}

/// The ADR 0003 address of a key: the last 20 bytes of `SHA3-256(compressed key)`.
pub fn address(key: &CompressedKey) -> Address {
    let digest = crypto::sha3_256(key);
    let mut out = [0u8; 20];
    out.copy_from_slice(&digest[12..]);
    Address(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use bayledger_contract_sdk::mock;

    fn k256_key(seed: u8) -> k256::ecdsa::VerifyingKey {
        *k256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("scalar").verifying_key()
    }

    fn jwk_of(seed: u8) -> Jwk {
        let point = k256_key(seed).to_sec1_point(false);
        let b = point.as_bytes();
        Jwk {
            kty: "EC".into(),
            crv: "secp256k1".into(),
            x: B64.encode(&b[1..33]),
            y: B64.encode(&b[33..65]),
            alg: None,
            kid: None,
            d: None,
        }
    }

    fn multibase(bytes: &[u8]) -> String {
        format!("z{}", bs58::encode(bytes).into_string())
    }

    fn compressed(seed: u8) -> Vec<u8> {
        k256_key(seed).to_sec1_point(true).as_bytes().to_vec()
    }

    #[test]
    fn jwk_decodes_to_the_compressed_key_of_either_parity() {
        let mut parities = [false; 2];
        for seed in 1..=12 {
            let key = jwk_of(seed).decode().expect("valid JWK");
            assert_eq!(key.to_vec(), compressed(seed), "seed {seed}");
            parities[usize::from(key[0] == 3)] = true;
        }
        assert_eq!(parities, [true, true], "both y parities exercised");
    }

    #[test]
    fn jwk_members_are_checked() {
        let err = |f: fn(&mut Jwk)| {
            let mut jwk = jwk_of(5);
            f(&mut jwk);
            jwk.decode().expect_err("refused")
        };
        assert!(err(|j| j.kty = "OKP".into()).contains("kty must be \"EC\""));
        assert!(err(|j| j.crv = "P-256".into()).contains("crv must be \"secp256k1\""));
        assert!(err(|j| j.alg = Some("ES256".into())).contains("alg must be \"ES256K\""));
        assert!(err(|j| j.kid = Some("a b".into())).contains("kid"));
        assert!(err(|j| j.d = Some(IgnoredAny)).contains("private key"));
        assert!(err(|j| j.x = j.x[..42].into()).contains("43 base64url characters"));
        assert!(err(|j| j.x = format!("{}+", &j.x[..42])).contains("not base64url"));
        // A trailing character with non-zero unused bits is a non-canonical encoding.
        assert!(err(|j| j.x = format!("{}B", &j.x[..42])).contains("not base64url"));
        assert!(err(|j| j.y = jwk_of(6).y).contains("not a point"));
        let mut ok = jwk_of(5);
        ok.alg = Some("ES256K".into());
        ok.kid = Some("key-1".into());
        assert!(ok.decode().is_ok());
    }

    #[test]
    fn multikey_decodes_and_checks_every_layer() {
        for seed in 1..=6 {
            let key = compressed(seed);
            let text = multibase(&[&MULTICODEC_SECP256K1_PUB[..], &key].concat());
            assert_eq!(decode_multibase(&text).map(|k| k.to_vec()), Ok(key));
        }
        let key = compressed(7);
        let with = |codec: &[u8], key: &[u8]| multibase(&[codec, key].concat());
        let err = |text: &str| decode_multibase(text).expect_err(text);
        assert!(err(&with(&MULTICODEC_SECP256K1_PUB, &key).replacen('z', "u", 1)).contains("'z'"));
        assert!(err("z0OIl").contains("not base58btc"));
        assert!(err(&with(&[0xed, 0x01], &key[1..])).contains("multicodec"));
        assert!(err(&with(&MULTICODEC_SECP256K1_PUB, &key[..32])).contains("33-byte"));
        let uncompressed = k256_key(7).to_sec1_point(false);
        assert!(
            err(&with(&MULTICODEC_SECP256K1_PUB, uncompressed.as_bytes())).contains("at most 64")
        );
        let mut bad_prefix = key.clone();
        bad_prefix[0] = 0x04;
        assert!(err(&with(&MULTICODEC_SECP256K1_PUB, &bad_prefix)).contains("0x02 or 0x03"));
        // Find an x that is not on the curve (about half are not).
        let off_curve = (0u8..)
            .map(|i| [&[0x02, i][..], &[0x11; 31]].concat())
            .find(|k| k256::ecdsa::VerifyingKey::from_sec1_bytes(k).is_err())
            .expect("some x is off the curve");
        assert!(err(&with(&MULTICODEC_SECP256K1_PUB, &off_curve)).contains("not a point"));
        assert!(err(&format!("z{}", "1".repeat(64))).contains("at most 64"));
    }

    #[test]
    fn address_is_the_adr_0003_address() {
        mock::reset();
        for seed in 1..=4 {
            let key: CompressedKey = compressed(seed).try_into().expect("33 bytes");
            let expected = bayledger_types::Address::from_compressed_pubkey(&key);
            assert_eq!(address(&key).0, expected.0);
        }
    }
}

//! secp256k1 keys of verification methods, both encodings the registry accepts
//! (docs/did-method.md §3): `publicKeyJwk` (`kty` `EC`, `crv` `secp256k1`, 32-byte `x` and `y`
//! in base64url without padding) and `publicKeyMultibase` (`z` + base58btc of the multicodec
//! `secp256k1-pub` `0xe7 0x01` ‖ the 33-byte compressed key). Decoding checks every layer and
//! that the point is on the curve.

use super::multibase;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bayledger_types::PublicKey;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

/// The multicodec prefix of a secp256k1 public key (`secp256k1-pub`, 0xe7 as a varint).
pub const MULTICODEC_SECP256K1_PUB: [u8; 2] = [0xe7, 0x01];

/// A public JSON Web Key on secp256k1 (RFC 7517, RFC 8812).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jwk {
    /// `EC`.
    pub kty: String,
    /// `secp256k1`.
    pub crv: String,
    /// The x coordinate: 32 bytes, base64url without padding.
    pub x: String,
    /// The y coordinate: 32 bytes, base64url without padding.
    pub y: String,
    /// Optional; `ES256K` if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Optional key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// The private scalar: recognised only to refuse it (never serialised).
    #[serde(default, skip_serializing)]
    pub d: Option<IgnoredAny>,
}

impl Jwk {
    /// The JWK of `key`.
    pub fn from_key(key: &PublicKey) -> Jwk {
        let point = key.to_uncompressed();
        Jwk {
            kty: "EC".into(),
            crv: "secp256k1".into(),
            x: URL_SAFE_NO_PAD.encode(&point[1..33]),
            y: URL_SAFE_NO_PAD.encode(&point[33..65]),
            alg: None,
            kid: None,
            d: None,
        }
    }

    /// The public key, after checking every member and that `(x, y)` is on the curve.
    pub fn public_key(&self) -> Result<PublicKey, String> {
        if self.d.is_some() {
            return Err("publicKeyJwk contains the private key member \"d\"".into());
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
        let mut point = [0u8; 65];
        point[0] = 0x04;
        point[1..33].copy_from_slice(&coordinate("x", &self.x)?);
        point[33..].copy_from_slice(&coordinate("y", &self.y)?);
        PublicKey::from_sec1(&point)
            .map_err(|_| "publicKeyJwk (x, y) is not a point on secp256k1".to_string())
    }
}

fn coordinate(name: &str, text: &str) -> Result<[u8; 32], String> {
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

/// The `publicKeyMultibase` of `key`.
pub fn multikey_of(key: &PublicKey) -> String {
    let bytes = [&MULTICODEC_SECP256K1_PUB[..], &key.to_compressed()].concat();
    format!("z{}", multibase::encode(&bytes))
}

/// The key of a `publicKeyMultibase`, checking the multibase prefix, the multicodec, the
/// length and that the compressed point is on the curve.
pub fn key_of_multikey(text: &str) -> Result<PublicKey, String> {
    let digits = text
        .strip_prefix('z')
        .ok_or_else(|| "publicKeyMultibase must start with 'z' (base58btc)".to_string())?;
    if digits.len() > 63 {
        return Err(format!("publicKeyMultibase is at most 64 characters, got {}", text.len()));
    }
    let raw = multibase::decode(digits)
        .map_err(|e| format!("publicKeyMultibase is not base58btc: {e}"))?;
    let key = raw.strip_prefix(&MULTICODEC_SECP256K1_PUB[..]).ok_or_else(|| {
        "publicKeyMultibase must carry the multicodec secp256k1-pub (0xe7 0x01)".to_string()
    })?;
    if key.len() != 33 || !matches!(key[0], 0x02 | 0x03) {
        return Err(format!(
            "publicKeyMultibase must hold a 33-byte compressed key (0x02/0x03 prefix), got {} bytes",
            key.len()
        ));
    }
    PublicKey::from_sec1(key).map_err(|_| "publicKeyMultibase is not a point on secp256k1".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::SecretKey;

    fn key(seed: u8) -> PublicKey {
        SecretKey::from_bytes(&[seed; 32]).expect("scalar").public_key()
    }

    #[test]
    fn jwk_round_trips_keys_of_both_parities() {
        let mut parities = [false; 2];
        for seed in 1..=12 {
            let k = key(seed);
            assert_eq!(Jwk::from_key(&k).public_key(), Ok(k));
            parities[usize::from(k.to_compressed()[0] == 3)] = true;
        }
        assert_eq!(parities, [true, true]);
    }

    #[test]
    fn jwk_refusals_name_the_member() {
        let err = |f: fn(&mut Jwk)| {
            let mut jwk = Jwk::from_key(&key(5));
            f(&mut jwk);
            jwk.public_key().expect_err("refused")
        };
        assert!(err(|j| j.kty = "OKP".into()).contains("kty"));
        assert!(err(|j| j.crv = "P-256".into()).contains("crv"));
        assert!(err(|j| j.alg = Some("ES256".into())).contains("alg"));
        assert!(err(|j| j.d = Some(IgnoredAny)).contains("private"));
        assert!(err(|j| j.x.truncate(42)).contains("43 base64url"));
        assert!(err(|j| j.x = format!("{}+", &j.x[..42])).contains("not base64url"));
        assert!(err(|j| j.y = Jwk::from_key(&key(6)).y).contains("not a point"));
        let parsed: Result<Jwk, _> =
            serde_json::from_str(r#"{"kty":"EC","crv":"secp256k1","x":"a","y":"b","use":"sig"}"#);
        assert!(parsed.expect_err("unknown member").to_string().contains("use"));
    }

    #[test]
    fn multikey_round_trips_and_checks_every_layer() {
        for seed in 1..=6 {
            let k = key(seed);
            let text = multikey_of(&k);
            assert!(text.starts_with("zQ3s"), "{text}");
            assert_eq!(key_of_multikey(&text), Ok(k));
        }
        let compressed = key(7).to_compressed();
        let with =
            |codec: &[u8], body: &[u8]| format!("z{}", multibase::encode(&[codec, body].concat()));
        let err = |text: &str| key_of_multikey(text).expect_err(text);
        assert!(err(&multikey_of(&key(7)).replacen('z', "u", 1)).contains("'z'"));
        assert!(err("z0OIl").contains("not base58btc"));
        assert!(err(&with(&[0xed, 0x01], &compressed[1..])).contains("multicodec"));
        assert!(err(&with(&MULTICODEC_SECP256K1_PUB, &compressed[..32])).contains("33-byte"));
        let mut bad_prefix = compressed;
        bad_prefix[0] = 0x04;
        assert!(err(&with(&MULTICODEC_SECP256K1_PUB, &bad_prefix)).contains("33-byte"));
        let off_curve = (0u8..)
            .map(|i| [&[0x02, i][..], &[0x11; 31]].concat())
            .find(|k| PublicKey::from_sec1(k).is_err())
            .expect("some x is off the curve");
        assert!(err(&with(&MULTICODEC_SECP256K1_PUB, &off_curve)).contains("not a point"));
        assert!(err(&format!("z{}", "1".repeat(64))).contains("at most 64"));
    }

    #[test]
    fn the_method_spec_example_multikey_decodes() {
        let k = key_of_multikey("zQ3shScWratmosu8R95gHDdPPypPdxht5hkJ16K2Pv7NWWW4m")
            .expect("the example in docs/did-method.md is a valid key");
        assert_eq!(multikey_of(&k), "zQ3shScWratmosu8R95gHDdPPypPdxht5hkJ16K2Pv7NWWW4m");
        let jwk = Jwk {
            x: "G4TFVnsSZECZXT7VqroFZdceGDRgSBn_nBf16dXdB48".into(),
            y: "cL6vj1iLVBUH_tamQsWrQt_fgSCn9jneUSLUemmo6NE".into(),
            ..Jwk::from_key(&k)
        };
        assert!(jwk.public_key().is_ok(), "the example JWK is a curve point");
    }
}

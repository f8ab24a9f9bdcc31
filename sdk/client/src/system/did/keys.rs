//! secp256k1 keys of verification methods, both encodings the registry accepts
//! (docs/did-method.md §3): `publicKeyJwk` (`kty` `EC`, `crv` `secp256k1`, 32-byte `x` and `y`
//! in base64url without padding) and `publicKeyMultibase` (`z` + base58btc of the multicodec
//! `secp256k1-pub` `0xe7 0x01` ‖ the 33-byte compressed key). Decoding checks every layer and
//! that the point is on the curve.

//!
//! The types and the decoding are the registry's own (`did_registry::keys`); this module adds
//! the conversions to and from [`PublicKey`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bayledger_types::PublicKey;

pub use ::did_registry::keys::{Jwk, MULTICODEC_SECP256K1_PUB};

/// A [`Jwk`] (the registry's type) to and from a [`PublicKey`].
pub trait JwkExt: Sized {
    /// The JWK of `key`.
    fn from_key(key: &PublicKey) -> Self;

    /// The public key, after checking every member and that `(x, y)` is on the curve (the
    /// registry's own checks).
    fn public_key(&self) -> Result<PublicKey, String>;
}

impl JwkExt for Jwk {
    fn from_key(key: &PublicKey) -> Jwk {
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

    fn public_key(&self) -> Result<PublicKey, String> {
        let key = self.decode()?;
        PublicKey::from_sec1(&key)
            .map_err(|_| "publicKeyJwk (x, y) is not a point on secp256k1".to_string())
    }
}

/// The `publicKeyMultibase` of `key`.
pub fn multikey_of(key: &PublicKey) -> String {
    let bytes = [&MULTICODEC_SECP256K1_PUB[..], &key.to_compressed()].concat();
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The key of a `publicKeyMultibase`, checking the multibase prefix, the multicodec, the
/// length and that the compressed point is on the curve (the registry's own checks).
pub fn key_of_multikey(text: &str) -> Result<PublicKey, String> {
    let key = ::did_registry::keys::decode_multibase(text)?;
    PublicKey::from_sec1(&key).map_err(|_| "publicKeyMultibase is not a point on secp256k1".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::SecretKey;
    use serde::de::IgnoredAny;

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
        let with = |codec: &[u8], body: &[u8]| {
            format!("z{}", bs58::encode([codec, body].concat()).into_string())
        };
        let err = |text: &str| key_of_multikey(text).expect_err(text);
        assert!(err(&multikey_of(&key(7)).replacen('z', "u", 1)).contains("'z'"));
        assert!(err("z0OIl").contains("not base58btc"));
        assert!(err(&with(&[0xed, 0x01], &compressed[1..])).contains("multicodec"));
        assert!(err(&with(&MULTICODEC_SECP256K1_PUB, &compressed[..32])).contains("33-byte"));
        let mut bad_prefix = compressed;
        bad_prefix[0] = 0x04;
        assert!(err(&with(&MULTICODEC_SECP256K1_PUB, &bad_prefix)).contains("0x02 or 0x03"));
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

//! Path and query parameters of the GET routes: hex (`0x…`) keys, hashes and
//! addresses, decimal numbers, booleans and base64 cursors, each refused with
//! a 400 that names the parameter. Unknown query parameters are refused too,
//! so a misspelt filter is not silently ignored.

use super::error::ApiError;
use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use std::collections::HashMap;

/// Hex bytes, with or without a `0x` prefix.
pub fn hex_bytes(name: &str, s: &str) -> Result<Vec<u8>, ApiError> {
    let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    hex::decode(digits)
        .map_err(|e| ApiError::invalid(format!("{name} must be hex (0x…): {e}, got {s:?}")))
}

/// A decimal unsigned integer.
pub fn number<T: std::str::FromStr>(name: &str, s: &str) -> Result<T, ApiError> {
    s.parse().map_err(|_| {
        ApiError::invalid(format!("{name} must be a non-negative decimal integer, got {s:?}"))
    })
}

/// Standard or URL-safe base64, padded or not.
fn base64_bytes(name: &str, s: &str) -> Result<Vec<u8>, ApiError> {
    let cfg = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let standard = GeneralPurpose::new(&base64::alphabet::STANDARD, cfg);
    let url_safe = GeneralPurpose::new(&base64::alphabet::URL_SAFE, cfg);
    standard
        .decode(s)
        .or_else(|_| url_safe.decode(s))
        .map_err(|e| ApiError::invalid(format!("{name} must be base64: {e}, got {s:?}")))
}

/// Encodes bytes as the cursors the API returns (standard base64).
pub fn base64_encode(bytes: &[u8]) -> String {
    general_purpose::STANDARD.encode(bytes)
}

/// The query parameters of one request.
#[derive(Debug)]
pub struct Params(HashMap<String, String>);

impl Params {
    /// Checks that every parameter is one of `allowed`.
    pub fn new(map: HashMap<String, String>, allowed: &[&str]) -> Result<Params, ApiError> {
        if let Some(bad) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(ApiError::invalid(format!(
                "unknown query parameter {bad:?}; this route takes {}",
                if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") }
            )));
        }
        Ok(Params(map))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// A number (absent or empty: 0).
    pub fn num<T: std::str::FromStr + Default>(&self, name: &str) -> Result<T, ApiError> {
        self.get(name).map_or(Ok(T::default()), |v| number(name, v))
    }

    /// `true`/`false` (absent: false).
    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name) {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") => Ok(true),
            Some(v) => Err(ApiError::invalid(format!("{name} must be true or false, got {v:?}"))),
        }
    }

    /// Hex bytes (absent: empty).
    pub fn hex(&self, name: &str) -> Result<Vec<u8>, ApiError> {
        self.get(name).map_or(Ok(Vec::new()), |v| hex_bytes(name, v))
    }

    /// Hex bytes if present.
    pub fn hex_opt(&self, name: &str) -> Result<Option<Vec<u8>>, ApiError> {
        self.get(name).map(|v| hex_bytes(name, v)).transpose()
    }

    /// A base64 cursor (absent: empty).
    pub fn cursor(&self, name: &str) -> Result<Vec<u8>, ApiError> {
        self.get(name).map_or(Ok(Vec::new()), |v| base64_bytes(name, v))
    }

    /// A string (absent: empty).
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)], allowed: &[&str]) -> Result<Params, ApiError> {
        Params::new(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), allowed)
    }

    #[test]
    fn parses_and_names_what_is_wrong() {
        let p = params(
            &[("height", "12"), ("x", "0xAb01"), ("c", "+/8="), ("u", "-_8")],
            &["height", "x", "c", "u", "limit"],
        )
        .expect("allowed");
        assert_eq!(p.num::<u64>("height").expect("n"), 12);
        assert_eq!(p.num::<u32>("limit").expect("absent"), 0);
        assert_eq!(p.hex("x").expect("hex"), vec![0xab, 0x01]);
        assert_eq!(p.cursor("c").expect("std"), vec![0xfb, 0xff]);
        assert_eq!(p.cursor("u").expect("url-safe"), vec![0xfb, 0xff]);
        let bad = params(&[("height", "-1"), ("x", "0xzz")], &["height", "x"]).expect("allowed");
        assert!(bad.num::<u64>("height").unwrap_err().0.message().contains("height"));
        assert!(bad.hex("x").unwrap_err().0.message().contains("x must be hex"));
        let err = params(&[("heigth", "1")], &["height"]).unwrap_err();
        assert!(err.0.message().contains("heigth"), "{}", err.0.message());
        assert_eq!(err.0.code(), tonic::Code::InvalidArgument);
    }
}

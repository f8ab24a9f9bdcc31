//! `0x`-prefixed lower-case hex: the text form of hashes, addresses, leaves and proof nodes.

use alloc::string::String;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `0x` followed by the lower-case hex digits of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + 2 * bytes.len());
    out.push_str("0x");
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Exactly `N` bytes from `0x` + `2N` lower-case hex digits; `None` for anything else
/// (no prefix, wrong length, upper case, non-hex characters).
pub fn decode_fixed<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.strip_prefix("0x")?.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_strictness() {
        assert_eq!(encode(&[0x00, 0xab, 0xff]), "0x00abff");
        assert_eq!(decode_fixed::<3>("0x00abff"), Some([0x00, 0xab, 0xff]));
        assert_eq!(decode_fixed::<3>("00abff"), None, "prefix required");
        assert_eq!(decode_fixed::<3>("0x00ABFF"), None, "lower case only");
        assert_eq!(decode_fixed::<3>("0x00abf"), None, "length");
        assert_eq!(decode_fixed::<3>("0x00abfg"), None, "non-hex");
        assert_eq!(decode_fixed::<2>("0x00abff"), None, "too long");
    }
}

//! Lower-case hex with a `0x` prefix: the one spelling of hashes and signatures in messages.

use alloc::format;
use alloc::string::String;

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `0x` + lower-case hex of `bytes`.
pub fn encode_prefixed(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Exactly `N` bytes from `0x` + `2N` lower-case hex digits; the error says what is wrong.
pub fn decode_prefixed<const N: usize>(s: &str) -> Result<[u8; N], String> {
    let expected = || format!("expected 0x followed by {} lower-case hex digits", 2 * N);
    let digits = s.strip_prefix("0x").ok_or_else(expected)?.as_bytes();
    if digits.len() != 2 * N {
        return Err(format!("{}, got {} digits", expected(), digits.len()));
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        _ => Err(expected()),
    };
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let s = encode_prefixed(&[0x00, 0xab, 0xff]);
        assert_eq!(s, "0x00abff");
        assert_eq!(decode_prefixed::<3>(&s), Ok([0x00, 0xab, 0xff]));
        assert_eq!(
            decode_prefixed::<3>("00abff"),
            Err("expected 0x followed by 6 lower-case hex digits".into())
        );
        assert_eq!(
            decode_prefixed::<3>("0x00ab"),
            Err("expected 0x followed by 6 lower-case hex digits, got 4 digits".into())
        );
        assert!(decode_prefixed::<3>("0x00ABff").is_err());
        assert!(decode_prefixed::<3>("0x00abfg").is_err());
    }
}

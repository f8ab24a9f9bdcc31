//! Multibase base58btc (`z…`), as used by `Multikey` verification methods: the Bitcoin
//! alphabet, leading zero bytes written as `1`s (draft-msporny-base58).

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// `bytes` in base58btc.
pub fn encode(bytes: &[u8]) -> String {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    // Base-58 digits, least significant first.
    let mut digits: Vec<u8> = Vec::with_capacity(bytes.len() * 138 / 100 + 1);
    for &byte in &bytes[zeros..] {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut out = String::with_capacity(zeros + digits.len());
    out.extend(std::iter::repeat_n('1', zeros));
    out.extend(digits.iter().rev().map(|d| char::from(ALPHABET[usize::from(*d)])));
    out
}

/// Decodes base58btc; an error names the first character outside the alphabet.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let zeros = text.bytes().take_while(|b| *b == b'1').count();
    // Bytes, least significant first.
    let mut bytes: Vec<u8> = Vec::with_capacity(text.len() * 733 / 1000 + 1);
    for c in text[zeros..].chars() {
        let value = u8::try_from(c)
            .ok()
            .and_then(|b| ALPHABET.iter().position(|a| *a == b))
            .ok_or_else(|| format!("{c:?} is not a base58btc digit"))?;
        let mut carry = value as u32;
        for b in bytes.iter_mut() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let mut out = vec![0u8; zeros];
    out.extend(bytes.iter().rev());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        // draft-msporny-base58 §5.
        assert_eq!(encode(b"Hello World!"), "2NEpo7TZRRrLZSi2U");
        assert_eq!(
            encode(b"The quick brown fox jumps over the lazy dog."),
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z"
        );
        assert_eq!(encode(&[0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd]), "11233QC4");
        assert_eq!(decode("11233QC4"), Ok(vec![0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd]));
        assert_eq!(decode("2NEpo7TZRRrLZSi2U"), Ok(b"Hello World!".to_vec()));
        assert_eq!(encode(&[]), "");
        assert_eq!(decode(""), Ok(vec![]));
    }

    #[test]
    fn round_trips_and_refuses_foreign_digits() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37) ^ (len % 3)).collect();
            assert_eq!(decode(&encode(&bytes)), Ok(bytes));
        }
        for bad in ["0", "O", "I", "l", "abc+", "zé"] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}

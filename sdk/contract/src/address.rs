//! The 20-byte account / contract address, printed as `0x` + 40 lowercase hex digits.

use core::fmt;
use core::str::FromStr;

/// A Bayledger address (account or contract): 20 bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 20]);

/// Why a string is not an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressParseError {
    /// Not 40 hex digits (after an optional `0x`); holds the digit count found.
    Length(usize),
    /// A character that is not a hex digit.
    Hex,
}

impl fmt::Display for AddressParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressParseError::Length(n) => write!(f, "address must be 40 hex digits, got {n}"),
            AddressParseError::Hex => f.write_str("address contains a non-hex character"),
        }
    }
}

impl Address {
    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }
}

impl FromStr for Address {
    type Err = AddressParseError;

    /// Parses `0x` + 40 hex digits (the prefix is optional, either case accepted).
    fn from_str(s: &str) -> Result<Address, AddressParseError> {
        let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s).as_bytes();
        if digits.len() != 40 {
            return Err(AddressParseError::Length(digits.len()));
        }
        let mut out = [0u8; 20];
        for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Ok(Address(out))
    }
}

fn nibble(c: u8) -> Result<u8, AddressParseError> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(AddressParseError::Hex),
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 42];
        buf[0] = b'0';
        buf[1] = b'x';
        for (i, b) in self.0.iter().enumerate() {
            buf[2 + 2 * i] = HEX[usize::from(b >> 4)];
            buf[3 + 2 * i] = HEX[usize::from(b & 0x0f)];
        }
        // Only ASCII was written.
        f.write_str(core::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn display_and_parse_round_trip() {
        let a = Address([0xab; 20]);
        let s = a.to_string();
        assert_eq!(s, "0xabababababababababababababababababababab");
        assert_eq!(s.parse::<Address>(), Ok(a));
        assert_eq!(s.to_uppercase().replacen("0X", "0x", 1).parse::<Address>(), Ok(a));
        assert_eq!(s[2..].parse::<Address>(), Ok(a));
    }

    #[test]
    fn parse_errors_are_named() {
        assert_eq!("0x1234".parse::<Address>(), Err(AddressParseError::Length(4)));
        let bad = alloc::format!("0x{}zz", "0".repeat(38));
        assert_eq!(bad.parse::<Address>(), Err(AddressParseError::Hex));
        assert_eq!(
            AddressParseError::Length(4).to_string(),
            "address must be 40 hex digits, got 4"
        );
    }
}

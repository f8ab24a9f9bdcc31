//! DID syntax: `did:bayledger:<network>:<id>` identifiers of this method, the generic DID syntax
//! (W3C DID Core §3.1) for DIDs of other methods, and DID URL references (`#fragment` or
//! `<did>#fragment`) inside a document.

use alloc::format;
use alloc::string::{String, ToString};
use bayledger_contract_sdk::Address;
use core::fmt;

/// The method prefix, `did:bayledger:`.
pub const METHOD_PREFIX: &str = "did:bayledger:";
/// Longest `<network>`.
pub const MAX_NETWORK_LEN: usize = 50;
/// Longest `<id>`.
pub const MAX_ID_LEN: usize = 64;
/// Longest fragment of a verification method or service id.
pub const MAX_FRAGMENT_LEN: usize = 64;
/// Longest DID of any method accepted (e.g. a verification method's `controller`).
pub const MAX_DID_LEN: usize = 200;

/// A `did:bayledger` DID: its network and method-specific id, both validated.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Did {
    network: String,
    id: String,
}

/// Why a string is not a DID this registry can answer for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DidError {
    /// Not a DID at all, or a malformed `did:bayledger` DID.
    Invalid(String),
    /// A well-formed DID of another method.
    OtherMethod(String),
    /// A well-formed `did:bayledger` DID of another network.
    OtherNetwork(String),
}

impl fmt::Display for DidError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DidError::Invalid(m) | DidError::OtherMethod(m) | DidError::OtherNetwork(m) => {
                f.write_str(m)
            }
        }
    }
}

impl Did {
    /// Parses `s` as a DID of this registry's `network`.
    pub fn parse(s: &str, network: &str) -> Result<Did, DidError> {
        let Some(rest) = s.strip_prefix(METHOD_PREFIX) else {
            return Err(match check_generic(s) {
                Ok(()) => DidError::OtherMethod(format!(
                    "{s:?} is not a did:bayledger DID (method not supported)"
                )),
                Err(e) => DidError::Invalid(e),
            });
        };
        let Some((net, id)) = rest.split_once(':') else {
            return Err(DidError::Invalid(format!(
                "{s:?} is not of the form did:bayledger:<network>:<id>"
            )));
        };
        check_network(net).map_err(|e| DidError::Invalid(format!("{s:?}: {e}")))?;
        check_id(id).map_err(|e| DidError::Invalid(format!("{s:?}: {e}")))?;
        if net != network {
            return Err(DidError::OtherNetwork(format!(
                "{s:?} belongs to network {net:?}; this registry serves {network:?}"
            )));
        }
        Ok(Did { network: net.to_string(), id: id.to_string() })
    }

    /// The DID with `id` on `network`; `id` must already satisfy [`check_id`].
    pub fn new(network: &str, id: &str) -> Did {
        Did { network: network.to_string(), id: id.to_string() }
    }

    /// The default DID of an account: its address as 40 lower-case hex digits.
    pub fn of_address(network: &str, address: &Address) -> Did {
        Did::new(network, &address_id(address))
    }

    /// The method-specific id (`<id>`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The network.
    pub fn network(&self) -> &str {
        &self.network
    }
}

impl fmt::Display for Did {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{METHOD_PREFIX}{}:{}", self.network, self.id)
    }
}

/// `address` as 40 lower-case hex digits, the default `<id>` of its owner's DID.
pub fn address_id(address: &Address) -> String {
    let s = address.to_string();
    s.strip_prefix("0x").unwrap_or(&s).to_string()
}

/// Whether `id` has the form of an account address (40 hex digits, any case): such ids are
/// reserved for the account with that address.
pub fn is_address_like(id: &str) -> bool {
    id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `<network>`: 1–50 characters of `[a-z0-9-]` (the chain-id alphabet).
pub fn check_network(network: &str) -> Result<(), String> {
    if network.is_empty() || network.len() > MAX_NETWORK_LEN {
        return Err(format!(
            "network must be 1-{MAX_NETWORK_LEN} characters, got {}",
            network.len()
        ));
    }
    if let Some(c) = network.chars().find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-')) {
        return Err(format!("network may contain only [a-z0-9-], found {c:?}"));
    }
    Ok(())
}

/// `<id>`: 1–64 characters of `[A-Za-z0-9._-]`.
pub fn check_id(id: &str) -> Result<(), String> {
    check_token(id, "id", MAX_ID_LEN)
}

/// A fragment of a DID URL: 1–64 characters of `[A-Za-z0-9._-]`.
pub fn check_fragment(fragment: &str) -> Result<(), String> {
    check_token(fragment, "fragment", MAX_FRAGMENT_LEN)
}

fn check_token(s: &str, what: &str, max: usize) -> Result<(), String> {
    if s.is_empty() || s.len() > max {
        return Err(format!("{what} must be 1-{max} characters, got {}", s.len()));
    }
    if let Some(c) =
        s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!("{what} may contain only [A-Za-z0-9._-], found {c:?}"));
    }
    Ok(())
}

/// The generic DID syntax of W3C DID Core: `did:<method>:<method-specific-id>`, method name
/// `[a-z0-9]+`, the id made of `idchar`s (`ALPHA / DIGIT / "." / "-" / "_" / pct-encoded`) and
/// `:` separators, not ending in `:`; at most [`MAX_DID_LEN`] characters.
pub fn check_generic(s: &str) -> Result<(), String> {
    if s.len() > MAX_DID_LEN {
        return Err(format!("a DID is at most {MAX_DID_LEN} characters, got {}", s.len()));
    }
    let not_a_did = || format!("{s:?} is not a DID (did:<method>:<method-specific-id>)");
    let rest = s.strip_prefix("did:").ok_or_else(not_a_did)?;
    let (method, msid) = rest.split_once(':').ok_or_else(not_a_did)?;
    if method.is_empty() || !method.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9')) {
        return Err(format!("{s:?}: the method name must be [a-z0-9]+"));
    }
    if msid.is_empty() || msid.ends_with(':') {
        return Err(format!("{s:?}: empty method-specific id"));
    }
    let bytes = msid.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                if hex.is_none() {
                    return Err(format!("{s:?}: '%' must start a %XX escape"));
                }
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':') => i += 1,
            _ => {
                return Err(format!(
                    "{s:?}: the method-specific id may contain only [A-Za-z0-9._:-] and %XX escapes"
                ));
            }
        }
    }
    Ok(())
}

/// The fragment a reference names inside the document of `did`: `#frag` or `<did>#frag`.
pub fn fragment_of<'a>(reference: &'a str, did: &str) -> Result<&'a str, String> {
    let fragment = match reference.strip_prefix('#') {
        Some(f) => f,
        None => reference
            .strip_prefix(did)
            .and_then(|r| r.strip_prefix('#'))
            .ok_or_else(|| format!("{reference:?} is neither #<fragment> nor {did}#<fragment>"))?,
    };
    check_fragment(fragment).map_err(|e| format!("{reference:?}: {e}"))?;
    Ok(fragment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dids_of_this_network() {
        let did = Did::parse("did:bayledger:testnet:bank-a.eu_1", "testnet").expect("valid");
        assert_eq!((did.network(), did.id()), ("testnet", "bank-a.eu_1"));
        assert_eq!(did.to_string(), "did:bayledger:testnet:bank-a.eu_1");
        let max = format!("did:bayledger:{}:{}", "n".repeat(50), "i".repeat(64));
        assert!(Did::parse(&max, &"n".repeat(50)).is_ok());
    }

    #[test]
    fn names_what_is_wrong_with_a_did() {
        let err = |s: &str| Did::parse(s, "testnet").expect_err(s);
        assert!(matches!(err("did:web:example.com"), DidError::OtherMethod(_)));
        assert!(matches!(err("did:bayledger:mainnet:abc"), DidError::OtherNetwork(_)));
        for bad in [
            "bayledger:testnet:abc",
            "did:bayledger:testnet",
            "did:bayledger:testnet:",
            "did:bayledger:Testnet:abc",
            "did:bayledger:testnet:a:b",
            "did:bayledger:testnet:a b",
            "did:bayledger::abc",
            "did:Web:x",
            "did:web:",
            "did:web:a%zz",
            "",
        ] {
            assert!(matches!(err(bad), DidError::Invalid(_)), "{bad}");
        }
        let long_id = format!("did:bayledger:testnet:{}", "i".repeat(65));
        assert_eq!(
            err(&long_id).to_string(),
            format!("{long_id:?}: id must be 1-64 characters, got 65")
        );
        assert_eq!(
            err("did:bayledger:testnet:a/b").to_string(),
            "\"did:bayledger:testnet:a/b\": id may contain only [A-Za-z0-9._-], found '/'"
        );
    }

    #[test]
    fn generic_syntax_accepts_other_methods() {
        for ok in ["did:web:example.com", "did:example:a:b%2Fc", "did:key:z6Mk-x_y.z"] {
            assert_eq!(check_generic(ok), Ok(()), "{ok}");
        }
        for bad in ["did:web:a:", "did::x", "did:web", "did:web:a#b", "did:web:a/b"] {
            assert!(check_generic(bad).is_err(), "{bad}");
        }
        assert!(check_generic(&format!("did:web:{}", "a".repeat(200))).is_err());
    }

    #[test]
    fn networks_use_the_chain_id_alphabet() {
        assert_eq!(check_network("bayledger-dev-2"), Ok(()));
        assert!(check_network("").is_err());
        assert!(check_network("Main").is_err());
        assert!(check_network("a.b").is_err());
        assert!(check_network(&"n".repeat(51)).is_err());
    }

    #[test]
    fn references_resolve_to_fragments_of_the_same_did() {
        let did = "did:bayledger:testnet:abc";
        assert_eq!(fragment_of("#key-1", did), Ok("key-1"));
        assert_eq!(fragment_of("did:bayledger:testnet:abc#key-1", did), Ok("key-1"));
        assert!(fragment_of("did:bayledger:testnet:abcd#key-1", did).is_err());
        assert!(fragment_of("did:bayledger:testnet:other#key-1", did).is_err());
        assert!(fragment_of("key-1", did).is_err());
        assert!(fragment_of("#", did).is_err());
        assert!(fragment_of("#a b", did).is_err());
        assert!(fragment_of(&format!("#{}", "k".repeat(65)), did).is_err());
    }

    #[test]
    fn address_ids_are_lower_case_hex_without_prefix() {
        let a = Address([0xab; 20]);
        assert_eq!(address_id(&a), "ab".repeat(20));
        assert_eq!(
            Did::of_address("testnet", &a).to_string(),
            format!("did:bayledger:testnet:{}", "ab".repeat(20))
        );
        assert!(is_address_like(&"AB".repeat(20)));
        assert!(!is_address_like(&"ab".repeat(19)));
        assert!(!is_address_like(&format!("{}zz", "ab".repeat(19))));
    }
}

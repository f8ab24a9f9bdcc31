//! `did:bayledger` syntax on the client side (docs/did-method.md §1): DIDs, DID URLs
//! (`<did>#<fragment>`) and references inside a document (`#frag` or `<did>#frag`), checked
//! before anything is sent so a typo fails here with a precise message.

use super::DidError;
use bayledger_types::Address;

/// The method prefix, `did:bayledger:`.
pub const METHOD_PREFIX: &str = "did:bayledger:";
/// Longest `<network>`.
pub const MAX_NETWORK_LEN: usize = 50;
/// Longest `<id>`.
pub const MAX_ID_LEN: usize = 64;
/// Longest fragment of a verification method or service id.
pub const MAX_FRAGMENT_LEN: usize = 64;

/// A parsed `did:bayledger:<network>:<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DidParts<'a> {
    /// The network (the chain's network name).
    pub network: &'a str,
    /// The method-specific id.
    pub id: &'a str,
}

/// Parses a `did:bayledger` DID, checking the network and id alphabets and lengths.
pub fn parse_did(did: &str) -> Result<DidParts<'_>, DidError> {
    let invalid = |reason: String| DidError::InvalidDid { did: did.to_string(), reason };
    let rest = did.strip_prefix(METHOD_PREFIX).ok_or_else(|| {
        invalid(format!("not a did:bayledger DID (it must start with {METHOD_PREFIX:?})"))
    })?;
    let (network, id) = rest
        .split_once(':')
        .ok_or_else(|| invalid("not of the form did:bayledger:<network>:<id>".into()))?;
    check_network(network).map_err(invalid)?;
    check_token(id, "id", MAX_ID_LEN).map_err(invalid)?;
    Ok(DidParts { network, id })
}

/// The default DID of an account on `network`: its address as 40 lower-case hex digits.
pub fn default_did(network: &str, address: &Address) -> Result<String, DidError> {
    let did = format!("{METHOD_PREFIX}{network}:{}", hex::encode(address.0));
    parse_did(&did)?;
    Ok(did)
}

/// Splits an absolute DID URL `<did>#<fragment>` into the DID and the fragment, both checked.
pub fn split_did_url(did_url: &str) -> Result<(&str, &str), DidError> {
    let invalid = |reason: String| DidError::InvalidDidUrl { did_url: did_url.to_string(), reason };
    let (did, fragment) = did_url.split_once('#').ok_or_else(|| {
        invalid("expected <did>#<fragment>, e.g. did:bayledger:net:bank#key-1".into())
    })?;
    parse_did(did).map_err(|e| invalid(e.to_string()))?;
    check_fragment(fragment).map_err(invalid)?;
    Ok((did, fragment))
}

/// The fragment a reference names inside the document of `did`: `#frag` or `<did>#frag`.
pub fn fragment_of<'a>(reference: &'a str, did: &str) -> Option<&'a str> {
    let fragment = match reference.strip_prefix('#') {
        Some(f) => f,
        None => reference.strip_prefix(did)?.strip_prefix('#')?,
    };
    check_fragment(fragment).ok().map(|()| fragment)
}

/// A fragment: 1–64 characters of `[A-Za-z0-9._-]`.
pub fn check_fragment(fragment: &str) -> Result<(), String> {
    check_token(fragment, "fragment", MAX_FRAGMENT_LEN)
}

fn check_network(network: &str) -> Result<(), String> {
    if network.is_empty() || network.len() > MAX_NETWORK_LEN {
        return Err(format!(
            "the network must be 1-{MAX_NETWORK_LEN} characters, got {}",
            network.len()
        ));
    }
    match network.chars().find(|c| !matches!(c, 'a'..='z' | '0'..='9' | '-')) {
        Some(c) => Err(format!("the network may contain only [a-z0-9-], found {c:?}")),
        None => Ok(()),
    }
}

fn check_token(s: &str, what: &str, max: usize) -> Result<(), String> {
    if s.is_empty() || s.len() > max {
        return Err(format!("the {what} must be 1-{max} characters, got {}", s.len()));
    }
    match s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        Some(c) => Err(format!("the {what} may contain only [A-Za-z0-9._-], found {c:?}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dids_parse_and_bad_ones_are_named() {
        let p = parse_did("did:bayledger:testnet:bank-a").expect("valid");
        assert_eq!((p.network, p.id), ("testnet", "bank-a"));
        let err = |s: &str| parse_did(s).expect_err(s).to_string();
        assert!(err("did:web:example.com").contains("must start with"));
        assert!(err("did:bayledger:testnet").contains("<network>:<id>"));
        assert!(err("did:bayledger:Test:x").contains("[a-z0-9-]"));
        assert!(err("did:bayledger:testnet:a/b").contains("[A-Za-z0-9._-]"));
        assert!(err(&format!("did:bayledger:t:{}", "i".repeat(65))).contains("1-64"));
        assert!(err("did:bayledger::x").contains("1-50"));
    }

    #[test]
    fn default_did_is_the_address_in_lower_case_hex() {
        let did = default_did("testnet", &Address([0xab; 20])).expect("valid");
        assert_eq!(did, format!("did:bayledger:testnet:{}", "ab".repeat(20)));
        assert!(default_did("Bad Net", &Address([0; 20])).is_err());
    }

    #[test]
    fn did_urls_and_references() {
        assert_eq!(
            split_did_url("did:bayledger:n:bank#key-1").expect("valid"),
            ("did:bayledger:n:bank", "key-1")
        );
        for bad in ["did:bayledger:n:bank", "did:bayledger:n:bank#", "#key-1", "did:x:y#k"] {
            assert!(split_did_url(bad).is_err(), "{bad}");
        }
        let did = "did:bayledger:n:bank";
        assert_eq!(fragment_of("#key-1", did), Some("key-1"));
        assert_eq!(fragment_of("did:bayledger:n:bank#key-1", did), Some("key-1"));
        assert_eq!(fragment_of("did:bayledger:n:other#key-1", did), None);
        assert_eq!(fragment_of("key-1", did), None);
        assert_eq!(fragment_of("#k y", did), None);
    }
}

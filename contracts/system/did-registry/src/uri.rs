//! Service endpoint URIs: absolute RFC 3986 URIs of the schemes an institution publishes
//! (`https`, `wss`, `did`), without user information, bounded in length.
//!
//! The scheme allow-list is a privacy rule as much as a syntax rule: `mailto:` and `tel:`
//! endpoints, or `https://user@host` user information, would put personal data on chain.

use crate::did;
use alloc::format;
use alloc::string::String;

/// Longest service endpoint.
pub const MAX_ENDPOINT_LEN: usize = 256;
/// Schemes a service endpoint may use.
pub const ALLOWED_SCHEMES: [&str; 3] = ["https", "wss", "did"];

/// Checks a `serviceEndpoint`.
pub fn check_endpoint(uri: &str) -> Result<(), String> {
    if uri.is_empty() || uri.len() > MAX_ENDPOINT_LEN {
        return Err(format!("must be 1-{MAX_ENDPOINT_LEN} characters, got {}", uri.len()));
    }
    if let Some(c) = uri.chars().find(|c| !is_uri_char(*c)) {
        return Err(format!("{uri:?} contains {c:?}, which a URI may not contain"));
    }
    check_escapes(uri)?;
    let (scheme, rest) = uri
        .split_once(':')
        .filter(|(s, _)| is_scheme(s))
        .ok_or_else(|| format!("{uri:?} is not an absolute URI (<scheme>:…)"))?;
    let scheme_lower = scheme.to_ascii_lowercase();
    match scheme_lower.as_str() {
        "https" | "wss" => {
            let after = rest
                .strip_prefix("//")
                .ok_or_else(|| format!("{uri:?}: an {scheme} URI needs //<host>"))?;
            let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
            if authority.contains('@') {
                return Err(format!(
                    "{uri:?}: user information (user@host) is not allowed in an endpoint"
                ));
            }
            let host = authority.rsplit_once(':').map_or(authority, |(h, _port)| h);
            if host.is_empty() {
                return Err(format!("{uri:?}: empty host"));
            }
            Ok(())
        }
        "did" => {
            let did_part = uri.split(['/', '?', '#']).next().unwrap_or_default();
            did::check_generic(did_part)
        }
        _ => Err(format!(
            "{uri:?}: scheme {scheme:?} is not allowed (only {})",
            ALLOWED_SCHEMES.join(", ")
        )),
    }
}

fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// RFC 3986 characters: unreserved, reserved, and `%` (for escapes).
fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn check_escapes(uri: &str) -> Result<(), String> {
    let b = uri.as_bytes();
    for (i, _) in uri.match_indices('%') {
        if !b.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
            return Err(format!("{uri:?}: '%' must start a %XX escape"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_institutional_endpoints() {
        for ok in [
            "https://bank-a.example/.well-known/did-configuration.json",
            "https://api.bank-a.example:8443/v1/verify?x=1#frag",
            "wss://relay.health.example/ws",
            "did:bayledger:testnet:mediator#didcomm",
            "HTTPS://EXAMPLE.COM",
            "https://example.com/a%20b",
            "https://[2001:db8::1]:443/",
        ] {
            assert_eq!(check_endpoint(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_personal_data_schemes_and_malformed_uris() {
        for (bad, why) in [
            ("mailto:alice@example.com", "not allowed"),
            ("tel:+441234567890", "not allowed"),
            ("http://example.com", "not allowed"),
            ("https://alice:pw@example.com/", "user information"),
            ("https:example.com", "needs //"),
            ("https:///path", "empty host"),
            ("https://:443/", "empty host"),
            ("example.com/path", "not an absolute URI"),
            ("1https://x", "not an absolute URI"),
            ("https://example.com/a b", "may not contain"),
            ("https://example.com/<script>", "may not contain"),
            ("https://example.com/%zz", "%XX"),
            ("https://example.com/%2", "%XX"),
            ("did:web", "not a DID"),
            ("", "1-256"),
        ] {
            let err = check_endpoint(bad).expect_err(bad);
            assert!(err.contains(why), "{bad}: {err}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_ENDPOINT_LEN));
        assert!(check_endpoint(&long).expect_err("too long").contains("1-256"));
    }
}

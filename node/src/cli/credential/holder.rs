//! `credential issue` and `credential verify`: the credential itself, a `vc+jwt` that travels
//! off-chain between issuer, holder and verifier.

use super::super::client_opts::{ClientOpts, KeyOpts, TxOpts, read_file};
use super::super::output::{OutputFormat, hex0x, print_value, time_text};
use super::{contract, parse_time};
use bayledger_sdk::system::credentials::{
    IssueRequest, Verdict, issue_credential, verify_credential,
};
use clap::Args;
use eyre::{Result, WrapErr, bail, eyre};
use serde_json::{Map, Value, json};
use std::io::Read;
use std::path::{Path, PathBuf};

/// `credential issue`.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The issuer DID (its #key-1 is the --from key; the key's account must control it).
    #[arg(long, value_name = "DID")]
    issuer_did: String,
    /// The subject's (holder's) DID.
    #[arg(long, value_name = "DID")]
    subject: String,
    /// The credential type id, e.g. health-certificate.
    #[arg(long = "type", value_name = "TYPE")]
    credential_type: String,
    /// The claims about the subject, a JSON object.
    #[arg(
        long,
        value_name = "JSON",
        conflicts_with = "claims_file",
        required_unless_present = "claims_file"
    )]
    claims: Option<String>,
    /// A file holding the claims JSON object.
    #[arg(long, value_name = "FILE")]
    claims_file: Option<PathBuf>,
    /// The credential id [default: a new urn:uuid:…].
    #[arg(long, value_name = "URI")]
    id: Option<String>,
    /// Start of validity, RFC 3339 [default: the latest block's time].
    #[arg(long, value_name = "RFC3339")]
    valid_from: Option<String>,
    /// End of validity (exclusive), RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    valid_until: Option<String>,
    /// Where to write the vc+jwt [default: printed].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// `credential verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The vc+jwt file (`-` for stdin).
    file: PathBuf,
    /// Verify as of this time, RFC 3339 [default: the latest block's time].
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    client: ClientOpts,
}

/// The claims object from `--claims` or `--claims-file`.
fn claims(inline: Option<&str>, file: Option<&Path>) -> Result<Map<String, Value>> {
    let (text, source) = match (inline, file) {
        (Some(json), _) => (json.to_string(), "--claims".to_string()),
        (None, Some(path)) => {
            let bytes = read_file(path)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| eyre!("{} is not UTF-8 text", path.display()))?;
            (text, path.display().to_string())
        }
        (None, None) => bail!("give the claims with --claims JSON or --claims-file FILE"),
    };
    match serde_json::from_str::<Value>(&text).wrap_err_with(|| format!("{source} is not JSON"))? {
        Value::Object(map) => Ok(map),
        other => bail!("{source} must be a JSON object of claims, not {other}"),
    }
}

impl IssueArgs {
    /// Signs, anchors, and writes or prints the credential.
    pub async fn run(self) -> Result<()> {
        let req = IssueRequest {
            credential_type: self.credential_type,
            issuer: self.issuer_did,
            subject: self.subject,
            claims: claims(self.claims.as_deref(), self.claims_file.as_deref())?,
            id: self.id,
            valid_from_ms: parse_time("valid-from", self.valid_from.as_deref())?,
            valid_until_ms: parse_time("valid-until", self.valid_until.as_deref())?,
        };
        let key = self.key.load()?;
        let credentials = contract(self.tx.apply(self.client.connect().await?)).await?;
        let issued = issue_credential(credentials.handle().client(), &key, &req).await?;
        let mut v = json!({
            "id": issued.id,
            "credential_type": req.credential_type,
            "issuer": req.issuer,
            "subject": req.subject,
            "vc_hash": hex0x(&issued.vc_hash.0),
            "tx_hash": hex0x(&issued.receipt.tx_hash),
        });
        match &self.out {
            Some(path) => {
                std::fs::write(path, format!("{}\n", issued.jwt))
                    .wrap_err_with(|| format!("cannot write {}", path.display()))?;
                v["out"] = Value::String(path.display().to_string());
            }
            None => v["jwt"] = Value::String(issued.jwt),
        }
        print_value(&v, self.client.output);
        Ok(())
    }
}

/// The compact credential from a file or stdin.
fn read_jwt(path: &Path) -> Result<String> {
    let text = if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .wrap_err("cannot read the credential from stdin")?;
        s
    } else {
        String::from_utf8(read_file(path)?)
            .map_err(|_| eyre!("{} is not a vc+jwt (not UTF-8 text)", path.display()))?
    };
    let jwt = text.trim();
    if jwt.is_empty() {
        bail!("{} is empty", path.display());
    }
    Ok(jwt.to_string())
}

impl VerifyArgs {
    /// Prints every check; fails when the credential is not valid.
    pub async fn run(self) -> Result<()> {
        let jwt = read_jwt(&self.file)?;
        let at = parse_time("at", self.at.as_deref())?;
        let credentials = contract(self.client.connect().await?).await?;
        let verdict = verify_credential(credentials.handle().client(), &jwt, at).await?;
        match self.client.output {
            OutputFormat::Json => print_value(&serde_json::to_value(&verdict)?, OutputFormat::Json),
            OutputFormat::Text => println!("{}", verdict_text(&verdict)),
        }
        if !verdict.ok {
            bail!("the credential is not valid");
        }
        Ok(())
    }
}

/// The verdict for people: the credential, then one line per check.
fn verdict_text(v: &Verdict) -> String {
    let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    let mut lines = vec![
        format!("credential: {}", show(&v.credential_id)),
        format!("type:       {}", show(&v.credential_type)),
        format!("issuer:     {}", show(&v.issuer)),
        format!("subject:    {}", show(&v.subject)),
        format!("vc_hash:    {}", v.vc_hash),
        format!("at:         {}", time_text(v.at_ms)),
    ];
    let width = v.checks.iter().map(|c| c.name.as_str().len()).max().unwrap_or(0);
    for c in &v.checks {
        let mark = if c.ok { "ok  " } else { "FAIL" };
        lines.push(format!("  {mark} {:width$}  {}", c.name.as_str(), c.reason));
    }
    lines.push(format!("result:     {}", if v.ok { "VALID" } else { "NOT VALID" }));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_sdk::system::credentials::{Check, CheckName};

    #[test]
    fn claims_must_be_a_json_object() {
        assert_eq!(
            claims(Some(r#"{"result":"negative"}"#), None).ok(),
            json!({"result": "negative"}).as_object().cloned()
        );
        let e = claims(Some("[1]"), None).expect_err("not an object").to_string();
        assert!(e.contains("must be a JSON object"), "{e}");
        let e = claims(Some("{"), None).expect_err("not JSON").to_string();
        assert!(e.contains("--claims is not JSON"), "{e}");
        let e = claims(None, Some(Path::new("/nonexistent/claims.json"))).expect_err("missing");
        assert!(e.to_string().contains("cannot read /nonexistent/claims.json"), "{e}");
    }

    #[test]
    fn verdict_text_lists_every_check() {
        let v = Verdict {
            ok: false,
            at_ms: 1_700_000_000_000,
            vc_hash: format!("0x{}", "ab".repeat(32)),
            credential_id: Some("urn:uuid:1".into()),
            credential_type: None,
            issuer: Some("did:bayledger:t:gd".into()),
            subject: None,
            checks: vec![
                Check { name: CheckName::Format, ok: true, reason: "fine".into() },
                Check { name: CheckName::IssuerDid, ok: false, reason: "deactivated".into() },
            ],
        };
        let text = verdict_text(&v);
        assert!(text.contains("  ok   format      fine"), "{text}");
        assert!(text.contains("  FAIL issuer_did  deactivated"), "{text}");
        assert!(text.ends_with("result:     NOT VALID"), "{text}");
        assert!(text.contains("type:       -"), "{text}");
    }
}

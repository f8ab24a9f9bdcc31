//! What a flow runs against: the nodes the parties talk to, the governance committee's member
//! keys, and a transcript of what each party saw; the committee's decisions (a proposal passed
//! by the members' votes and executed); and the two checks every flow makes (a party's node
//! has caught up; a call was refused by the contract for the right reason).

use bayledger_sdk::client::Client;
use bayledger_sdk::system::governance::{Governance, Proposal, ProposalAction};
use bayledger_sdk::{Address, SdkError, SecretKey};
use eyre::{Result, bail, eyre};
use std::path::PathBuf;
use std::time::Duration;

/// The chain as the flows see it.
#[derive(Debug, Clone)]
pub struct Network {
    /// One client per node; party `i` talks to node `i % len`.
    pub nodes: Vec<Client>,
    /// Keys of governance committee members, enough of them to pass a proposal: the first
    /// proposes, the others vote yes (docs/governance.md). The credentials contract's committee
    /// is the governance contract, so credential types and issuers are admitted by vote.
    pub committee: Vec<SecretKey>,
    /// The DID network name (`did:bayledger:<network>:…`): the chain id.
    pub did_network: String,
    /// Where the example contracts were built (`scripts/build-contracts.sh`), e.g. the
    /// health-data policy the portability flow deploys.
    pub contracts_dir: PathBuf,
}

/// One institution or person in a flow, with a fresh key and its own node.
#[derive(Debug, Clone)]
pub struct Party {
    /// Who it is, as printed ("Shenzhen bank").
    pub name: String,
    /// Its account key.
    pub key: SecretKey,
    /// The node it talks to.
    pub client: Client,
}

impl Network {
    /// The committee member who proposes (and owns what the committee registers).
    pub fn committee_member(&self) -> Result<&SecretKey> {
        self.committee.first().ok_or_else(|| eyre!("the flows need a committee member key"))
    }

    /// The committee member's address.
    pub fn committee_address(&self) -> Result<Address> {
        Ok(self.committee_member()?.address())
    }

    /// Gets `actions` decided by the committee through node 0: proposed by the first member,
    /// voted yes by the others until executed. Fails unless the proposal executed.
    pub async fn govern(&self, title: &str, actions: Vec<ProposalAction>) -> Result<Proposal> {
        let gov = Governance::new(self.nodes[0].clone());
        gov.handle().check().await?;
        Ok(gov.pass(&self.committee, title, actions).await?)
    }

    /// A party with a fresh key; the `index`-th party uses node `index % nodes`.
    pub fn party(&self, name: &str, index: usize) -> Party {
        Party {
            name: name.to_string(),
            key: SecretKey::generate(),
            client: self.nodes[index % self.nodes.len()].clone(),
        }
    }
}

/// What each party saw, in order: `(party, line)`. Printed live when `echo` is set.
#[derive(Debug, Default)]
pub struct Transcript {
    /// The lines so far.
    pub lines: Vec<(String, String)>,
    /// Print each line as it is added.
    pub echo: bool,
}

impl Transcript {
    /// A transcript that prints as it goes (the demos).
    pub fn printing() -> Transcript {
        Transcript { lines: Vec::new(), echo: true }
    }

    /// Records what `party` saw.
    pub fn say(&mut self, party: &str, line: impl Into<String>) {
        let line = line.into();
        if self.echo {
            println!("[{party}] {line}");
        }
        self.lines.push((party.to_string(), line));
    }
}

/// How long a party waits for its own node to reach what another party's node committed.
pub const CATCH_UP: Duration = Duration::from_secs(30);

/// Waits (at most [`CATCH_UP`]) until `reader`'s node has committed everything `writer`'s node
/// had committed when called: a party on another node reads only what its own node holds.
pub async fn caught_up(reader: &Client, writer: &Client) -> Result<()> {
    if reader.url() == writer.url() {
        return Ok(());
    }
    let target = writer.status().await?.latest_height;
    if reader.status().await?.latest_height >= target {
        return Ok(());
    }
    let mut blocks = reader.subscribe_blocks(target).await?;
    let block = tokio::time::timeout(CATCH_UP, blocks.next()).await.map_err(|_| {
        eyre!("{} did not reach height {target} within {CATCH_UP:?}", reader.url())
    })??;
    match block {
        Some(b) if b.height() >= target => Ok(()),
        Some(b) => bail!("{} streamed height {} when {target} was asked", reader.url(), b.height()),
        None => bail!("{} closed its block stream before height {target}", reader.url()),
    }
}

/// Errors unless `result` is a call the contract refused with an error line starting with
/// `kind` (`unauthorized`, `conflict`, …); returns that line.
pub fn refused_as<T>(kind: &str, result: Result<T, SdkError>, what: &str) -> Result<String> {
    match result {
        Ok(_) => bail!("the chain accepted {what}"),
        Err(e) => match e.contract_error() {
            Some(line) if line.starts_with(kind) => Ok(line.to_string()),
            Some(line) => bail!("{what} was refused, but not as {kind:?}: {line}"),
            None => bail!("{what} failed, but not as a refusal by the contract: {e}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_sdk::{Hash, pb};

    #[test]
    fn refusals_are_recognised_by_kind() {
        let failed = |error: &str| SdkError::TxFailed {
            status: pb::ExecStatus::Aborted,
            error: error.into(),
            tx_hash: Hash([0; 32]),
        };
        let ok: Result<(), SdkError> = Err(failed("aborted: unauthorized: no"));
        assert_eq!(refused_as("unauthorized: ", ok, "x").expect("refused"), "unauthorized: no");
        let wrong: Result<(), SdkError> = Err(failed("aborted: conflict: no"));
        assert!(refused_as("unauthorized: ", wrong, "x").is_err());
        assert!(refused_as("unauthorized: ", Ok::<(), SdkError>(()), "x").is_err());
        let other: Result<(), SdkError> = Err(SdkError::Timeout("slow".into()));
        assert!(refused_as("unauthorized: ", other, "x").is_err());
    }
}

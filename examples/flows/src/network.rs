//! What a flow runs against: the nodes the parties talk to, the consortium committee key,
//! and a transcript of what each party saw.

use bayledger_sdk::SecretKey;
use bayledger_sdk::client::Client;
use std::path::PathBuf;

/// The chain as the flows see it.
#[derive(Debug, Clone)]
pub struct Network {
    /// One client per node; party `i` talks to node `i % len`.
    pub nodes: Vec<Client>,
    /// The system contracts' committee (admits credential types and issuers).
    pub committee: SecretKey,
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

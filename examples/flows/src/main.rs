//! `bayledger-flows`: runs the cross-border flows against a running chain and prints what
//! each party sees (`scripts/demo-*.sh` start a chain and call it).
//!
//! ```text
//! bayledger-flows [--node URL]... --keystore DIR [--committee NAME]... [FLOW]...
//! FLOW: hash-verification | health-certificate | data-portability (default: all three)
//! ```
//! The governance committee member keys (whose proposals admit credential types and issuers)
//! are read from the keystore with the passphrase in `$BAYLEDGER_PASSPHRASE`.

use bayledger_flows::{Network, Transcript};
use bayledger_sdk::client::Client;
use bayledger_sdk::keystore::Keystore;
use clap::{Parser, ValueEnum};
use eyre::{Result, WrapErr, eyre};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Flow {
    /// A Shenzhen bank registers a record's hash; a Hong Kong bank verifies it.
    HashVerification,
    /// A Guangdong health authority issues a credential; a Macau checkpoint verifies it.
    HealthCertificate,
    /// A data subject grants and withdraws consent for a cross-border transfer.
    DataPortability,
}

/// Run the Bayledger cross-border flows against a running chain, printing each party's view.
#[derive(Debug, Parser)]
#[command(name = "bayledger-flows", version)]
struct Args {
    /// Which flows to run, in order [default: all three].
    #[arg(value_enum)]
    flows: Vec<Flow>,
    /// Node gRPC URL; repeat to spread the parties over several nodes.
    #[arg(long = "node", default_value = "http://127.0.0.1:9090")]
    nodes: Vec<String>,
    /// Keystore holding the committee member keys.
    #[arg(long, env = "BAYLEDGER_KEYSTORE")]
    keystore: PathBuf,
    /// Name of a governance committee member's key in the keystore; repeat until the members
    /// given can pass a proposal (the first proposes, the others vote yes).
    #[arg(long, default_value = "committee")]
    committee: Vec<String>,
    /// Where the example contracts were built.
    #[arg(long, default_value = "target/contracts")]
    contracts_dir: PathBuf,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::parse();
    let passphrase = std::env::var("BAYLEDGER_PASSPHRASE")
        .map_err(|_| eyre!("set BAYLEDGER_PASSPHRASE to the committee key's passphrase"))?;
    let keystore = Keystore::open(&args.keystore)?;
    let committee = args
        .committee
        .iter()
        .map(|name| {
            keystore
                .load(name, &passphrase)
                .wrap_err_with(|| format!("loading the committee key {name:?}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut nodes = Vec::new();
    for url in &args.nodes {
        nodes.push(Client::connect(url).await.wrap_err_with(|| format!("connecting to {url}"))?);
    }
    let chain_id = nodes[0].status().await?.chain_id;
    let net = Network {
        nodes,
        committee,
        did_network: chain_id.clone(),
        contracts_dir: args.contracts_dir,
    };
    let members: Vec<String> = net.committee.iter().map(|k| k.address().to_string()).collect();
    println!(
        "chain {chain_id}: {} node(s), committee member(s) {}",
        net.nodes.len(),
        members.join(", ")
    );
    let flows = if args.flows.is_empty() {
        vec![Flow::HashVerification, Flow::HealthCertificate, Flow::DataPortability]
    } else {
        args.flows
    };
    for flow in flows {
        let mut t = Transcript::printing();
        println!("\n=== {flow:?} ===");
        let result = match flow {
            Flow::HashVerification => bayledger_flows::hash_verification::run(&net, &mut t).await,
            Flow::HealthCertificate => bayledger_flows::health_certificate::run(&net, &mut t).await,
            Flow::DataPortability => bayledger_flows::data_portability::run(&net, &mut t).await,
        };
        result.wrap_err_with(|| format!("{flow:?} failed"))?;
        println!("=== {flow:?}: every check passed ===");
    }
    Ok(())
}

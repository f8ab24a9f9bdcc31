//! The `bayledger` binary.

use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = bayledger_node::cli::Cli::parse();
    if let Err(e) = cli.run().await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

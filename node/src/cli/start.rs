//! `bayledger start`: runs a node until SIGINT/SIGTERM.

use crate::config::NodeConfig;
use crate::home::Home;
use crate::logging;
use crate::service::RunningNode;
use clap::Args;
use eyre::Result;
use std::path::PathBuf;

/// Arguments of `start`.
#[derive(Debug, Args)]
pub struct StartArgs {
    /// Home directory (default: $BAYLEDGER_HOME or ~/.bayledger).
    #[arg(long)]
    pub home: Option<PathBuf>,
    /// Log format: text or json (overrides config).
    #[arg(long)]
    pub log_format: Option<String>,
}

impl StartArgs {
    /// Runs `start`.
    pub async fn run(self) -> Result<()> {
        let home = Home(self.home.unwrap_or_else(Home::default_path));
        let mut config = NodeConfig::load(&home.config())?;
        if let Some(f) = self.log_format {
            config.log.format = f;
        }
        logging::init(&config.log.format, &config.log.level);
        RunningNode::start(&home, config).await?.run_until_signal().await
    }
}

//! Node configuration: `<home>/config/config.toml`, every key optional, with
//! environment overrides of the form `BAYLEDGER__<SECTION>__<KEY>=value`
//! (e.g. `BAYLEDGER__RPC__GRPC_ADDR=0.0.0.0:9090`).

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;

/// Prefix of environment overrides.
pub const ENV_PREFIX: &str = "BAYLEDGER__";

/// The whole node configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct NodeConfig {
    /// Human-readable node name.
    pub moniker: String,
    /// Client-facing endpoints.
    pub rpc: RpcConfig,
    /// Peer-to-peer endpoint (used by the BFT network).
    pub p2p: P2pConfig,
    /// Transaction pool limits.
    pub mempool: MempoolConfig,
    /// Block production.
    pub consensus: ConsensusConfig,
    /// Database: which state history to keep.
    pub storage: StorageConfig,
    /// Logging.
    pub log: LogConfig,
}

/// Database settings (`docs/storage.md`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// `"archive"` (every height) or `{ keep_recent = N }` (the state of the
    /// last N heights, N >= 2; blocks, receipts and indexes are always kept).
    pub pruning: PruningConfig,
}

/// Which state versions the node keeps, as written in `config.toml`:
/// `pruning = "archive"` or `pruning = { keep_recent = 1000 }`.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PruningConfig {
    /// Every height's state (historical queries at any height).
    #[default]
    Archive,
    /// The state of the last N heights.
    KeepRecent(u64),
}

impl From<PruningConfig> for bayledger_storage::Pruning {
    fn from(p: PruningConfig) -> Self {
        match p {
            PruningConfig::Archive => bayledger_storage::Pruning::Archive,
            PruningConfig::KeepRecent(n) => bayledger_storage::Pruning::KeepRecent(n),
        }
    }
}

/// gRPC and HTTP listeners.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RpcConfig {
    /// gRPC listen address.
    pub grpc_addr: SocketAddr,
    /// HTTP listen address: REST/JSON, Connect-style POSTs and grpc-web of
    /// every gRPC service, `/health` `/ready` `/status` `/metrics`, explorer.
    pub http_addr: SocketAddr,
    /// Largest gRPC message accepted or sent, in bytes.
    pub max_message_bytes: usize,
    /// Longest a `BroadcastTx` with `wait_for_commit` waits, in milliseconds.
    pub max_wait_ms: u64,
    /// Concurrent requests served per connection.
    pub concurrency_per_connection: usize,
    /// Origins allowed to call the HTTP API from a browser (CORS); `"*"`
    /// allows any origin.
    pub cors_allowed_origins: Vec<String>,
}

/// P2P listener and peers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct P2pConfig {
    /// Listen address.
    pub listen_addr: SocketAddr,
    /// Peers to keep connected to, as `<node public key hex>@<host>:<port>`.
    pub persistent_peers: Vec<String>,
    /// Gossipsub heartbeat in milliseconds (mesh upkeep).
    pub gossip_heartbeat_ms: u64,
}

/// Mempool bounds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MempoolConfig {
    /// Most transactions held.
    pub max_txs: usize,
    /// Most bytes held.
    pub max_bytes: usize,
    /// Most pending transactions per sender.
    pub max_per_sender: usize,
}

/// Block production.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ConsensusConfig {
    /// Override of the genesis `block_time_ms` (0 = use genesis).
    pub block_time_ms: u64,
    /// BFT: least time between a commit and the next proposal while
    /// transactions wait (absent = a tenth of the block time). Lower means
    /// lower latency under light load, at the price of more, smaller blocks
    /// (each costs every validator votes, fsyncs and a commit).
    pub min_block_gap_ms: Option<u64>,
}

/// Logging.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// `tracing` filter directive, e.g. `info` or `bayledger_node=debug`.
    pub level: String,
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            moniker: "bayledger".into(),
            rpc: RpcConfig::default(),
            p2p: P2pConfig::default(),
            mempool: MempoolConfig::default(),
            consensus: ConsensusConfig::default(),
            storage: StorageConfig::default(),
            log: LogConfig::default(),
        }
    }
}

impl Default for RpcConfig {
    fn default() -> Self {
        RpcConfig {
            grpc_addr: SocketAddr::from(([127, 0, 0, 1], 9090)),
            http_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_message_bytes: 4 << 20,
            max_wait_ms: 30_000,
            concurrency_per_connection: 64,
            cors_allowed_origins: vec!["*".into()],
        }
    }
}

impl Default for P2pConfig {
    fn default() -> Self {
        P2pConfig {
            listen_addr: SocketAddr::from(([0, 0, 0, 0], 26656)),
            persistent_peers: Vec::new(),
            gossip_heartbeat_ms: 500,
        }
    }
}

impl Default for MempoolConfig {
    fn default() -> Self {
        MempoolConfig { max_txs: 20_000, max_bytes: 64 << 20, max_per_sender: 1_000 }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { format: "text".into(), level: "info".into() }
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Unreadable file.
    #[error("reading {path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Invalid TOML or an unknown/mistyped key.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl NodeConfig {
    /// Loads `path` (missing file = defaults) and applies environment overrides.
    pub fn load(path: &Path) -> Result<NodeConfig, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ConfigError::Io { path: path.display().to_string(), source });
            }
        };
        Self::from_toml_with_env(&text, std::env::vars())
    }

    /// Parses TOML and applies `BAYLEDGER__SECTION__KEY` overrides from `env`.
    pub fn from_toml_with_env(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<NodeConfig, ConfigError> {
        let mut value: toml::Table =
            toml::from_str(text).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        for (k, v) in env {
            let Some(path) = k.strip_prefix(ENV_PREFIX) else { continue };
            let parts: Vec<String> = path.split("__").map(|p| p.to_ascii_lowercase()).collect();
            set_path(&mut value, &parts, parse_scalar(&v))
                .map_err(|e| ConfigError::Invalid(format!("{k}: {e}")))?;
        }
        toml::Value::Table(value)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid(e.to_string()))
    }

    /// The configuration as commented TOML.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).unwrap_or_default().replacen(
            "\n[storage]\n",
            "\n# State history (docs/storage.md): pruning = \"archive\" keeps every height;\n\
             # pruning = { keep_recent = N } keeps the state of the last N heights (N >= 2)\n\
             # and prunes older tree nodes and values in the background. Blocks, receipts\n\
             # and the indexes are always kept. Env: BAYLEDGER__STORAGE__PRUNING=archive or\n\
             # BAYLEDGER__STORAGE__PRUNING__KEEP_RECENT=N.\n[storage]\n",
            1,
        );
        format!(
            "# Bayledger node configuration. Every key is optional; environment variables\n\
             # BAYLEDGER__<SECTION>__<KEY> override it (e.g. BAYLEDGER__RPC__GRPC_ADDR).\n\n{body}"
        )
    }
}

fn parse_scalar(v: &str) -> toml::Value {
    if let Ok(i) = v.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    if let Ok(b) = v.parse::<bool>() {
        return toml::Value::Boolean(b);
    }
    toml::Value::String(v.to_string())
}

fn set_path(table: &mut toml::Table, parts: &[String], v: toml::Value) -> Result<(), String> {
    match parts {
        [] => Err("empty key".into()),
        [last] => {
            table.insert(last.clone(), v);
            Ok(())
        }
        [head, rest @ ..] => {
            let entry =
                table.entry(head.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            // A key that takes a string or a table (storage.pruning): an
            // override of a field below it replaces the string.
            if head == "pruning" && entry.is_str() {
                *entry = toml::Value::Table(toml::Table::new());
            }
            match entry {
                toml::Value::Table(t) => set_path(t, rest, v),
                _ => Err(format!("{head} is not a section")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_and_env_overrides_win() {
        let text = NodeConfig::default().to_toml();
        let env = vec![
            ("BAYLEDGER__RPC__GRPC_ADDR".to_string(), "0.0.0.0:7000".to_string()),
            ("BAYLEDGER__MEMPOOL__MAX_TXS".to_string(), "5".to_string()),
            ("BAYLEDGER__CONSENSUS__MIN_BLOCK_GAP_MS".to_string(), "40".to_string()),
            ("UNRELATED".to_string(), "x".to_string()),
        ];
        let c = NodeConfig::from_toml_with_env(&text, env).expect("parses");
        assert_eq!(c.rpc.grpc_addr.port(), 7000);
        assert_eq!(c.mempool.max_txs, 5);
        assert_eq!(c.consensus.min_block_gap_ms, Some(40));
        assert_eq!(NodeConfig::default().consensus.min_block_gap_ms, None);
        assert_eq!(c.rpc.http_addr.port(), 8080);
    }

    #[test]
    fn pruning_is_archive_or_keep_recent_in_toml_and_env() {
        let text = NodeConfig::default().to_toml();
        assert!(text.contains("pruning = \"archive\""), "{text}");
        assert!(text.contains("# State history"), "{text}");
        let c = NodeConfig::from_toml_with_env(&text, vec![]).expect("parses");
        assert_eq!(c.storage.pruning, PruningConfig::Archive);
        let c =
            NodeConfig::from_toml_with_env("[storage]\npruning = { keep_recent = 500 }", vec![])
                .expect("parses");
        assert_eq!(c.storage.pruning, PruningConfig::KeepRecent(500));
        assert!(NodeConfig::from_toml_with_env(&c.to_toml(), vec![]).expect("round trip") == c);
        let env = vec![("BAYLEDGER__STORAGE__PRUNING__KEEP_RECENT".into(), "40".into())];
        let c = NodeConfig::from_toml_with_env(&text, env).expect("parses");
        assert_eq!(c.storage.pruning, PruningConfig::KeepRecent(40));
        let env = vec![("BAYLEDGER__STORAGE__PRUNING".into(), "archive".into())];
        let c = NodeConfig::from_toml_with_env("[storage]\npruning = { keep_recent = 5 }", env)
            .expect("parses");
        assert_eq!(c.storage.pruning, PruningConfig::Archive);
        let err = NodeConfig::from_toml_with_env("[storage]\npruning = \"everything\"", vec![])
            .unwrap_err();
        assert!(err.to_string().contains("everything"), "{err}");
    }

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let err = NodeConfig::from_toml_with_env("[rpc]\ngrpc_adr = \"x\"", vec![]).unwrap_err();
        assert!(err.to_string().contains("grpc_adr"), "{err}");
        let err = NodeConfig::from_toml_with_env(
            "",
            vec![("BAYLEDGER__RPC__GRPC_ADDR".into(), "nonsense".into())],
        )
        .unwrap_err();
        assert!(err.to_string().contains("invalid"), "{err}");
    }
}

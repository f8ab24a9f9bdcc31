//! `bayledger testnet`: writes the homes of a local consortium network — keys,
//! configs and one shared genesis — for `scripts/localnet.sh` (processes on
//! 127.0.0.1, distinct ports) or `docker-compose.yml` (`--docker`: one host
//! name per node, standard ports).

use super::client_opts::PASSPHRASE_ENV;
use super::init::{CommitteeArgs, print_committee};
use crate::config::NodeConfig;
use crate::home::{Home, write_key_file};
use bayledger_genesis::{Genesis, NodeRole};
use bayledger_sdk::keystore::Keystore;
use bayledger_system_contracts::{SystemConfig, with_system_contracts};
use bayledger_types::{Address, Hash, SecretKey};
use clap::Args;
use eyre::{Result, bail};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Arguments of `testnet`.
#[derive(Debug, Args)]
pub struct TestnetArgs {
    /// Output directory; node homes are `<out>/node0`, `<out>/node1`, …
    #[arg(long)]
    pub out: PathBuf,
    /// Number of validators.
    #[arg(long, default_value_t = 4)]
    pub validators: usize,
    /// Number of non-validator full nodes.
    #[arg(long, default_value_t = 0)]
    pub full_nodes: usize,
    /// Chain id.
    #[arg(long, default_value = "bayledger-testnet")]
    pub chain_id: String,
    /// Block interval in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub block_time_ms: u64,
    /// Derive every key from its node name (INSECURE: for tests and demos only).
    #[arg(long)]
    pub deterministic: bool,
    /// Address nodes by host name `nodeN` on standard ports (for docker-compose).
    #[arg(long)]
    pub docker: bool,
    /// First port of the local layout: node i uses p2p base+i, gRPC 9090+10·i, HTTP 8080+10·i.
    #[arg(long, default_value_t = 26656)]
    pub base_port: u16,
    /// The genesis governance committee [default: one member, a new key `committee` in
    /// `<out>/keys` encrypted with $BAYLEDGER_PASSPHRASE, else "testnet"]. A real consortium
    /// lists one member per organisation, each holding its own key.
    #[command(flatten)]
    pub committee: CommitteeArgs,
    /// Overwrite existing homes.
    #[arg(long)]
    pub force: bool,
}

/// Passphrase of the generated committee key when $BAYLEDGER_PASSPHRASE is unset.
pub const TESTNET_PASSPHRASE: &str = "testnet";

struct Member {
    name: String,
    validator: Option<SecretKey>,
    node_key: SecretKey,
}

impl TestnetArgs {
    /// Runs `testnet`.
    pub fn run(self) -> Result<()> {
        if self.validators == 0 {
            bail!("--validators must be at least 1");
        }
        let total = self.validators + self.full_nodes;
        let key = |name: &str, kind: &str| -> Result<SecretKey> {
            if self.deterministic {
                let seed = Hash::sha3(
                    format!("bayledger-testnet/{}/{name}/{kind}", self.chain_id).as_bytes(),
                );
                Ok(SecretKey::from_bytes(&seed.0)?)
            } else {
                Ok(SecretKey::generate())
            }
        };
        let members = (0..total)
            .map(|i| {
                let name = format!("node{i}");
                let validator =
                    if i < self.validators { Some(key(&name, "validator")?) } else { None };
                Ok(Member { node_key: key(&name, "node")?, validator, name })
            })
            .collect::<Result<Vec<_>>>()?;

        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as u64;
        let first = members[0]
            .validator
            .as_ref()
            .map(SecretKey::public_key)
            .ok_or_else(|| eyre::eyre!("no validator"))?;
        let mut genesis = Genesis::single_validator(&self.chain_id, &first, now);
        genesis.validators.clear();
        genesis.params.block_time_ms = self.block_time_ms;
        for m in &members {
            match &m.validator {
                Some(v) => {
                    genesis = genesis
                        .with_validator(&m.name, &v.public_key(), bayledger_genesis::DEFAULT_POWER)
                        .with_node(&m.name, &m.node_key.public_key(), NodeRole::Validator)
                }
                None => {
                    genesis = genesis.with_node(&m.name, &m.node_key.public_key(), NodeRole::Full)
                }
            }
        }
        // Refuse before writing anything, so a refused run leaves no half-written network.
        if !self.force {
            for m in &members {
                let genesis = Home(self.out.join(&m.name)).genesis();
                if genesis.exists() {
                    bail!("{} already exists; use --force to overwrite", genesis.display());
                }
            }
        }
        let committee = self.committee.committee(|| {
            Ok((self.committee_key(&key("committee", "account")?)?, "committee".to_string()))
        })?;
        let system = SystemConfig { network: self.chain_id.clone(), committee: committee.clone() };
        let genesis = with_system_contracts(genesis, &system)?;
        genesis.validate()?;

        for (i, m) in members.iter().enumerate() {
            let home = Home(self.out.join(&m.name));
            if home.genesis().exists() && !self.force {
                bail!("{} already exists; use --force to overwrite", home.genesis().display());
            }
            write_key_file(&home.node_key(), &m.node_key)?;
            genesis.save(home.genesis())?;
            if let Some(v) = &m.validator {
                write_key_file(&home.validator_key(), v)?;
            }
            let peers = members
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(j, p)| {
                    format!(
                        "{}@{}",
                        hex::encode(p.node_key.public_key().to_compressed()),
                        self.p2p_addr(j, &p.name)
                    )
                })
                .collect();
            let mut config = NodeConfig { moniker: m.name.clone(), ..NodeConfig::default() };
            config.p2p.persistent_peers = peers;
            if self.docker {
                config.rpc.grpc_addr = SocketAddr::from(([0, 0, 0, 0], 9090));
                config.rpc.http_addr = SocketAddr::from(([0, 0, 0, 0], 8080));
                config.p2p.listen_addr = SocketAddr::from(([0, 0, 0, 0], 26656));
            } else {
                let off = u16::try_from(i)?;
                config.rpc.grpc_addr = SocketAddr::from(([127, 0, 0, 1], 9090 + 10 * off));
                config.rpc.http_addr = SocketAddr::from(([127, 0, 0, 1], 8080 + 10 * off));
                config.p2p.listen_addr = SocketAddr::from(([127, 0, 0, 1], self.base_port + off));
            }
            std::fs::write(home.config(), config.to_toml())?;
        }
        println!(
            "wrote {} validator(s) and {} full node(s) to {}",
            self.validators,
            self.full_nodes,
            self.out.display()
        );
        println!("chain id: {}  genesis: {}", self.chain_id, genesis.hash());
        print_committee(&committee);
        if self.deterministic {
            eprintln!(
                "warning: --deterministic keys are derived from public names; never use them outside tests"
            );
        }
        Ok(())
    }

    /// Stores the generated committee key in `<out>/keys`; returns its address.
    fn committee_key(&self, key: &SecretKey) -> Result<Address> {
        let dir = self.out.join("keys");
        let keystore = Keystore::open(&dir)?;
        if keystore.contains("committee") {
            if !self.force {
                bail!(
                    "{} already exists; use --force to overwrite",
                    dir.join("committee.json").display()
                );
            }
            std::fs::remove_file(dir.join("committee.json"))?;
        }
        let passphrase =
            std::env::var(PASSPHRASE_ENV).unwrap_or_else(|_| TESTNET_PASSPHRASE.into());
        keystore.create("committee", key, &passphrase)?;
        println!(
            "committee key: {} in {} (BAYLEDGER_KEYSTORE={} BAYLEDGER_PASSPHRASE=…)",
            key.address(),
            self.out.join("keys").display(),
            self.out.join("keys").display()
        );
        Ok(key.address())
    }

    fn p2p_addr(&self, index: usize, name: &str) -> String {
        if self.docker {
            format!("{name}:26656")
        } else {
            format!("127.0.0.1:{}", usize::from(self.base_port) + index)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NodeConfig;
    use crate::home::read_key_file;

    fn args(out: PathBuf, deterministic: bool) -> TestnetArgs {
        TestnetArgs {
            out,
            validators: 4,
            full_nodes: 1,
            chain_id: "bayledger-testnet".into(),
            block_time_ms: 500,
            deterministic,
            docker: false,
            base_port: 26656,
            committee: CommitteeArgs {
                participation_threshold: 50,
                approval_threshold: 67,
                voting_period_blocks: 100,
                ..CommitteeArgs::default()
            },
            force: false,
        }
    }

    #[test]
    fn writes_homes_sharing_one_genesis_with_every_node_admitted() {
        let dir = tempfile::tempdir().expect("tempdir");
        args(dir.path().to_path_buf(), false).run().expect("testnet");
        let g0 = Genesis::load(dir.path().join("node0/config/genesis.json")).expect("genesis");
        assert_eq!(g0.validators.len(), 4);
        assert_eq!(g0.nodes.len(), 5);
        // The system contracts come first; the governance committee's sole member is the
        // generated keystore key, and governance is the credentials contract's committee.
        let committee = Keystore::open(dir.path().join("keys"))
            .expect("keystore")
            .info("committee")
            .expect("committee key written")
            .address;
        assert_eq!(g0.contracts.len(), 5);
        let governance = &g0.contracts[4].init_msg;
        assert_eq!(
            governance["members"],
            serde_json::json!([
                {"address": committee.to_string(), "weight": 1, "name": "committee"}
            ])
        );
        assert_eq!(governance["approval_threshold"], 67);
        assert_eq!(
            g0.contracts[2].init_msg["committee"],
            bayledger_types::SystemContract::Governance.address().to_string()
        );
        for i in 0..5 {
            let home = Home(dir.path().join(format!("node{i}")));
            assert_eq!(Genesis::load(home.genesis()).expect("genesis").hash(), g0.hash());
            let node_key = read_key_file(&home.node_key()).expect("node key");
            assert_eq!(g0.nodes[i].node_key.0, node_key.public_key().to_compressed());
            assert_eq!(home.validator_key().exists(), i < 4, "only validators get a validator key");
            if i < 4 {
                let v = read_key_file(&home.validator_key()).expect("validator key");
                assert_eq!(g0.validators[i].address, v.address());
            }
            let c = NodeConfig::load(&home.config()).expect("config");
            assert_eq!(c.p2p.persistent_peers.len(), 4, "every other node is a peer");
            assert_eq!(c.p2p.listen_addr.port(), 26656 + i as u16);
        }
        let again = args(dir.path().to_path_buf(), false).run().unwrap_err();
        assert!(again.to_string().contains("already exists"), "{again}");
    }

    #[test]
    fn deterministic_keys_repeat_and_random_keys_do_not() {
        let (a, b, c) = (
            tempfile::tempdir().expect("t"),
            tempfile::tempdir().expect("t"),
            tempfile::tempdir().expect("t"),
        );
        args(a.path().to_path_buf(), true).run().expect("a");
        args(b.path().to_path_buf(), true).run().expect("b");
        args(c.path().to_path_buf(), false).run().expect("c");
        let vals = |d: &tempfile::TempDir| {
            Genesis::load(d.path().join("node0/config/genesis.json")).expect("g").validators
        };
        assert_eq!(vals(&a), vals(&b));
        assert_ne!(vals(&a), vals(&c));
    }
}

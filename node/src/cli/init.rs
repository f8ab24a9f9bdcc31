//! `bayledger init`: writes config.toml, a validator key and a single-validator genesis
//! carrying the system contracts and the governance committee. The committee flags
//! ([`CommitteeArgs`]) are shared with `bayledger testnet`.

use super::client_opts::parse_address;
use crate::home::{Home, init_home_with};
use bayledger_system_contracts::{Committee, CommitteeMember};
use bayledger_types::Address;
use clap::Args;
use eyre::Result;
use std::path::PathBuf;

/// Arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Home directory (default: $BAYLEDGER_HOME or ~/.bayledger).
    #[arg(long)]
    pub home: Option<PathBuf>,
    /// Chain id, `[a-z0-9-]{1,50}`.
    #[arg(long, default_value = "bayledger-local")]
    pub chain_id: String,
    /// Node name.
    #[arg(long, default_value = "node0")]
    pub moniker: String,
    /// Block interval in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub block_time_ms: u64,
    /// The genesis governance committee.
    #[command(flatten)]
    pub committee: CommitteeArgs,
    /// Overwrite an existing home.
    #[arg(long)]
    pub force: bool,
}

/// The genesis governance committee (docs/governance.md): its members and voting rules.
#[derive(Debug, Clone, Default, Args)]
pub struct CommitteeArgs {
    /// A committee member, `ADDR[:WEIGHT[:NAME]]` (weight 1–1,000,000, default 1); repeat per
    /// member [default: one member — the new validator for `init`, a generated keystore key
    /// `committee` for `testnet`].
    #[arg(long = "committee-member", value_name = "ADDR[:WEIGHT[:NAME]]", value_parser = parse_member)]
    pub members: Vec<CommitteeMember>,
    /// Shorthand for a one-member committee: `--committee-member ADDR`.
    #[arg(long, value_parser = parse_address, conflicts_with = "members")]
    pub committee: Option<Address>,
    /// Quorum: % of the committee's total weight that must vote on a proposal.
    #[arg(long, default_value_t = Committee::DEFAULT_PARTICIPATION, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub participation_threshold: u8,
    /// Approval: % of the weight voting yes or no that must vote yes.
    #[arg(long, default_value_t = Committee::DEFAULT_APPROVAL, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub approval_threshold: u8,
    /// Blocks a proposal stays open for votes and execution.
    #[arg(long, default_value_t = Committee::DEFAULT_VOTING_PERIOD)]
    pub voting_period_blocks: u64,
}

impl CommitteeArgs {
    /// The members given, or `None` when the caller's default sole member applies.
    fn given_members(&self) -> Option<Vec<CommitteeMember>> {
        match (&self.committee, self.members.is_empty()) {
            (Some(a), _) => Some(vec![member(*a, 1, "")]),
            (None, false) => Some(self.members.clone()),
            (None, true) => None,
        }
    }

    /// The committee: the given members, else `default` (weight 1) as the sole member.
    pub fn committee(
        &self,
        default: impl FnOnce() -> Result<(Address, String)>,
    ) -> Result<Committee> {
        let members = match self.given_members() {
            Some(m) => m,
            None => {
                let (address, name) = default()?;
                vec![member(address, 1, &name)]
            }
        };
        Ok(Committee {
            members,
            participation_threshold: self.participation_threshold,
            approval_threshold: self.approval_threshold,
            voting_period_blocks: self.voting_period_blocks,
        })
    }
}

fn member(address: Address, weight: u64, name: &str) -> CommitteeMember {
    CommitteeMember { address, weight, name: name.to_string() }
}

/// Parses `ADDR[:WEIGHT[:NAME]]`.
pub fn parse_member(s: &str) -> std::result::Result<CommitteeMember, String> {
    let mut parts = s.splitn(3, ':');
    let address = parse_address(parts.next().unwrap_or_default())?;
    let weight = match parts.next() {
        None => 1,
        Some(w) => {
            w.parse::<u64>().ok().filter(|w| (1..=1_000_000).contains(w)).ok_or_else(|| {
                format!("{s:?}: the weight {w:?} is not an integer in 1–1,000,000")
            })?
        }
    };
    Ok(member(address, weight, parts.next().unwrap_or_default()))
}

impl InitArgs {
    /// Runs `init`.
    pub fn run(self) -> Result<()> {
        let home = Home(self.home.clone().unwrap_or_else(Home::default_path));
        let mut committee = None;
        let key = init_home_with(
            &home,
            &self.chain_id,
            &self.moniker,
            self.block_time_ms,
            self.force,
            |key| {
                let c = self.committee.committee(|| Ok((key.address(), self.moniker.clone())))?;
                committee = Some(c.clone());
                Ok(c)
            },
        )?;
        println!("initialised {}", home.0.display());
        println!("chain id:  {}", self.chain_id);
        println!("validator: {}", key.address());
        if let Some(c) = committee {
            print_committee(&c);
        }
        println!("start it:  bayledger start --home {}", home.0.display());
        Ok(())
    }
}

/// Prints the genesis committee and its rules.
pub fn print_committee(c: &Committee) {
    println!(
        "committee: {} member(s), {}% participation, {}% approval, {} blocks to vote",
        c.members.len(),
        c.participation_threshold,
        c.approval_threshold,
        c.voting_period_blocks
    );
    for m in &c.members {
        println!("  {} weight {} {}", m.address, m.weight, m.name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_parse_with_weights_and_names() {
        let a = Address([0xa1; 20]);
        assert_eq!(parse_member(&a.to_string()), Ok(member(a, 1, "")));
        assert_eq!(parse_member(&format!("{a}:5")), Ok(member(a, 5, "")));
        assert_eq!(
            parse_member(&format!("{a}:5:Org A: Health")),
            Ok(member(a, 5, "Org A: Health"))
        );
        for bad in [format!("{a}:0"), format!("{a}:x"), format!("{a}:1000001"), "0x12:1".into()] {
            assert!(parse_member(&bad).is_err(), "{bad}");
        }
    }
}

//! `bayledger gov`: the consortium committee's proposals (docs/governance.md).
//!
//! - members: `propose` (the proposer's yes vote included), `vote ID yes|no|abstain`;
//! - anyone: `execute ID` (a passed proposal, or a failed one to retry, within its period),
//!   `show ID`, `list`, `committee`, `history`.
//!
//! `propose` builds its actions from flags for the common cases, in the order the flags are
//! listed in `--help` (committee, rules, validators, nodes, upload rights, freezes, admins,
//! upgrades, parameters, issuers), followed by the actions of `--actions FILE.json` (a JSON
//! array of actions, for any other action or an exact order).

use super::client_opts::{ClientOpts, KeyOpts, TxOpts, parse_address, parse_hash, read_file};
use super::init::parse_member;
use super::output::{OutputFormat, hex0x, print_value, receipt_json};
use bayledger_sdk::system::governance::{
    Governance, MemberMsg, ParamsChange, ProposalAction, Status, SystemAction, VoteOption,
};
use bayledger_sdk::{Address, PublicKey, SecretKey};
use clap::{Args, Subcommand};
use eyre::{Result, WrapErr, bail};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `gov` subcommands.
#[derive(Debug, Subcommand)]
pub enum GovCmd {
    /// Open a proposal (committee members); your yes vote is counted.
    Propose(Box<ProposeArgs>),
    /// Vote on a proposal (members of its electorate, once).
    Vote(VoteArgs),
    /// Execute a passed proposal (anyone), or retry a failed one, within its period.
    Execute(ExecuteArgs),
    /// Show a proposal: actions, tally, status and votes.
    Show(ShowArgs),
    /// List proposals, optionally by status.
    List(ListArgs),
    /// Show the committee: members, weights, thresholds and voting period.
    Committee(ClientOnly),
    /// Show the decisions log (passed, rejected, executed, failed).
    History(HistoryArgs),
}

impl GovCmd {
    /// Runs the subcommand.
    pub async fn run(self) -> Result<()> {
        match self {
            GovCmd::Propose(a) => a.run().await,
            GovCmd::Vote(a) => a.run().await,
            GovCmd::Execute(a) => a.run().await,
            GovCmd::Show(a) => a.run().await,
            GovCmd::List(a) => a.run().await,
            GovCmd::Committee(a) => {
                let gov = contract(a.client.connect().await?).await?;
                print_value(&serde_json::to_value(gov.config().await?)?, a.client.output);
                Ok(())
            }
            GovCmd::History(a) => a.run().await,
        }
    }
}

/// The governance contract through `client`, checked to be at its genesis address.
pub(super) async fn contract(client: bayledger_sdk::Client) -> Result<Governance> {
    let gov = Governance::new(client);
    gov.handle().check().await?;
    Ok(gov)
}

/// `gov propose`.
#[derive(Debug, Args)]
pub struct ProposeArgs {
    /// Title (1–128 bytes).
    #[arg(long)]
    title: String,
    /// Description (at most 2,048 bytes).
    #[arg(long, default_value = "")]
    description: String,
    /// Add a committee member.
    #[arg(long, value_name = "ADDR:WEIGHT[:NAME]", value_parser = parse_member)]
    add_member: Vec<bayledger_system_contracts::CommitteeMember>,
    /// Remove a committee member.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    remove_member: Vec<Address>,
    /// Change a member's weight.
    #[arg(long, value_name = "ADDR:WEIGHT", value_parser = parse_member)]
    set_weight: Vec<bayledger_system_contracts::CommitteeMember>,
    /// New quorum (% of the total weight that must vote).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    participation_threshold: Option<u8>,
    /// New approval (% of the yes-or-no weight that must vote yes).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    approval_threshold: Option<u8>,
    /// New voting period in blocks.
    #[arg(long)]
    voting_period_blocks: Option<u64>,
    /// Add a validator or change its power from a height: 33-byte compressed key in hex; a
    /// new validator needs a NAME (an existing one keeps its name when NAME is omitted).
    #[arg(long, value_name = "PUBKEY:POWER[:NAME]@HEIGHT", value_parser = parse_validator)]
    add_validator: Vec<SystemAction>,
    /// Remove a validator from a height.
    #[arg(long, value_name = "PUBKEY@HEIGHT", value_parser = parse_validator_removal)]
    remove_validator: Vec<SystemAction>,
    /// Admit a node's p2p key to the allowlist.
    #[arg(long, value_name = "NODEKEY:NAME", value_parser = parse_admit_node)]
    admit_node: Vec<SystemAction>,
    /// Remove a node from the allowlist.
    #[arg(long, value_name = "NODEKEY", value_parser = parse_key_hex)]
    remove_node: Vec<String>,
    /// Let an account upload code.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    grant_upload: Vec<Address>,
    /// Take the right to upload code from an account.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    revoke_upload: Vec<Address>,
    /// Freeze an account (its transactions are refused) or a contract (calls to it fail).
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    freeze: Vec<Address>,
    /// Lift a freeze.
    #[arg(long, value_name = "ADDR", value_parser = parse_address)]
    unfreeze: Vec<Address>,
    /// Set a contract's admin (`CONTRACT:` clears it).
    #[arg(long, value_name = "CONTRACT:ADMIN", value_parser = parse_set_admin)]
    set_admin: Vec<SystemAction>,
    /// Upgrade a contract in place to uploaded code (then its `migrate` runs with
    /// --migrate-msg).
    #[arg(long, value_name = "CONTRACT:CODEHASH", value_parser = parse_upgrade)]
    upgrade: Vec<(Address, String)>,
    /// The `migrate` message of --upgrade (JSON).
    #[arg(long, value_name = "JSON", default_value = "{}", requires = "upgrade")]
    migrate_msg: String,
    /// Change a chain parameter from a height (names as in genesis `params`); repeat, the
    /// changes for one height go in one action.
    #[arg(long, value_name = "NAME=VALUE@HEIGHT", value_parser = parse_param)]
    set_param: Vec<(String, u64, u64)>,
    /// Authorise an issuer DID for a credential type.
    #[arg(long, value_name = "TYPE:DID", value_parser = parse_issuer)]
    add_issuer: Vec<(String, String)>,
    /// End an issuer DID's authorisation for a credential type.
    #[arg(long, value_name = "TYPE:DID", value_parser = parse_issuer)]
    remove_issuer: Vec<(String, String)>,
    /// More actions: a JSON array of actions (see contracts/system/governance/schema/).
    #[arg(long, value_name = "FILE.json")]
    actions: Option<PathBuf>,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

/// A 33-byte compressed secp256k1 key (a point on the curve) in hex (`0x` optional), as `0x` +
/// lower-case hex.
fn parse_key_hex(s: &str) -> std::result::Result<String, String> {
    match hex::decode(s.trim_start_matches("0x")) {
        Ok(b) if b.len() == 33 && PublicKey::from_sec1(&b).is_ok() => Ok(hex0x(&b)),
        _ => Err(format!("{s:?} is not a 33-byte compressed secp256k1 key in hex")),
    }
}

fn split2<'a>(
    s: &'a str,
    sep: char,
    shape: &str,
) -> std::result::Result<(&'a str, &'a str), String> {
    s.split_once(sep).ok_or_else(|| format!("{s:?} is not {shape}"))
}

fn number(s: &str, what: &str) -> std::result::Result<u64, String> {
    s.parse().map_err(|_| format!("{what} {s:?} is not a non-negative integer"))
}

fn parse_validator(s: &str) -> std::result::Result<SystemAction, String> {
    let (rest, height) = split2(s, '@', "PUBKEY:POWER[:NAME]@HEIGHT")?;
    let (key, rest) = split2(rest, ':', "PUBKEY:POWER[:NAME]@HEIGHT")?;
    let (power, name) = rest.split_once(':').unwrap_or((rest, ""));
    let power = number(power, "power")?;
    if power == 0 {
        return Err("power 0 removes a validator: use --remove-validator PUBKEY@HEIGHT".into());
    }
    Ok(SystemAction::SetValidator {
        pub_key: parse_key_hex(key)?,
        power,
        name: name.to_string(),
        effective_height: number(height, "height")?,
    })
}

fn parse_validator_removal(s: &str) -> std::result::Result<SystemAction, String> {
    let (key, height) = split2(s, '@', "PUBKEY@HEIGHT")?;
    Ok(SystemAction::SetValidator {
        pub_key: parse_key_hex(key)?,
        power: 0,
        name: String::new(),
        effective_height: number(height, "height")?,
    })
}

fn parse_admit_node(s: &str) -> std::result::Result<SystemAction, String> {
    let (key, name) = split2(s, ':', "NODEKEY:NAME")?;
    if name.is_empty() {
        return Err(format!("{s:?}: the node needs a name"));
    }
    Ok(SystemAction::AdmitNode { node_key: parse_key_hex(key)?, name: name.to_string() })
}

fn parse_set_admin(s: &str) -> std::result::Result<SystemAction, String> {
    let (contract, admin) = split2(s, ':', "CONTRACT:ADMIN")?;
    let admin = if admin.is_empty() { None } else { Some(parse_address(admin)?.to_string()) };
    Ok(SystemAction::SetAdmin { contract: parse_address(contract)?.to_string(), admin })
}

fn parse_upgrade(s: &str) -> std::result::Result<(Address, String), String> {
    let (contract, hash) = split2(s, ':', "CONTRACT:CODEHASH")?;
    Ok((parse_address(contract)?, format!("0x{}", parse_hash(hash)?.to_hex())))
}

fn parse_param(s: &str) -> std::result::Result<(String, u64, u64), String> {
    let (rest, height) = split2(s, '@', "NAME=VALUE@HEIGHT")?;
    let (name, value) = split2(rest, '=', "NAME=VALUE@HEIGHT")?;
    params_change([(name, 0)])?;
    Ok((name.to_string(), number(value, "value")?, number(height, "height")?))
}

/// The parameter changes `(name, value)` (a later value of a name wins); the names are
/// `ParamsChange`'s fields, as in genesis `params` (its serde refuses any other).
fn params_change<'a>(
    changes: impl IntoIterator<Item = (&'a str, u64)>,
) -> std::result::Result<ParamsChange, String> {
    let fields = changes.into_iter().map(|(name, value)| (name.to_string(), json!(value)));
    serde_json::from_value(Value::Object(fields.collect()))
        .map_err(|e| format!("unknown parameter: {e}"))
}

fn parse_issuer(s: &str) -> std::result::Result<(String, String), String> {
    let (t, did) = split2(s, ':', "TYPE:DID")?;
    if !did.starts_with("did:") {
        return Err(format!("{s:?}: {did:?} is not a DID"));
    }
    Ok((t.to_string(), did.to_string()))
}

impl ProposeArgs {
    /// The proposal's actions, in the documented order.
    fn build_actions(&self) -> Result<Vec<ProposalAction>> {
        let mut out = Vec::new();
        let addr = |a: &Address| a.to_string();
        for m in &self.add_member {
            out.push(ProposalAction::AddMember(MemberMsg {
                address: addr(&m.address),
                weight: m.weight,
                name: m.name.clone(),
            }));
        }
        for a in &self.remove_member {
            out.push(ProposalAction::RemoveMember { address: addr(a) });
        }
        for m in &self.set_weight {
            out.push(ProposalAction::UpdateMember {
                address: addr(&m.address),
                weight: Some(m.weight),
                name: None,
            });
        }
        if self.participation_threshold.is_some()
            || self.approval_threshold.is_some()
            || self.voting_period_blocks.is_some()
        {
            out.push(ProposalAction::SetRules {
                participation_threshold: self.participation_threshold,
                approval_threshold: self.approval_threshold,
                voting_period_blocks: self.voting_period_blocks,
                execute_on_pass: None,
            });
        }
        let mut system: Vec<SystemAction> = Vec::new();
        system.extend(self.add_validator.iter().cloned());
        system.extend(self.remove_validator.iter().cloned());
        system.extend(self.admit_node.iter().cloned());
        system.extend(
            self.remove_node.iter().map(|k| SystemAction::RemoveNode { node_key: k.clone() }),
        );
        system.extend(
            self.grant_upload.iter().map(|a| SystemAction::GrantUpload { account: addr(a) }),
        );
        system.extend(
            self.revoke_upload.iter().map(|a| SystemAction::RevokeUpload { account: addr(a) }),
        );
        system.extend(self.freeze.iter().map(|a| SystemAction::Freeze { address: addr(a) }));
        system.extend(self.unfreeze.iter().map(|a| SystemAction::Unfreeze { address: addr(a) }));
        system.extend(self.set_admin.iter().cloned());
        if !self.upgrade.is_empty() {
            let msg: Value =
                serde_json::from_str(&self.migrate_msg).wrap_err("--migrate-msg is not JSON")?;
            for (contract, code_hash) in &self.upgrade {
                system.push(SystemAction::Migrate {
                    contract: addr(contract),
                    code_hash: code_hash.clone(),
                    msg: msg.clone(),
                });
            }
        }
        let mut params: BTreeMap<u64, Vec<(&str, u64)>> = BTreeMap::new();
        for (name, value, height) in &self.set_param {
            params.entry(*height).or_default().push((name, *value));
        }
        for (effective_height, changes) in params {
            let params = params_change(changes).map_err(|e| eyre::eyre!(e))?;
            system.push(SystemAction::SetParams { effective_height, params });
        }
        out.extend(system.into_iter().map(ProposalAction::System));
        for (credential_type, issuer) in &self.add_issuer {
            out.push(ProposalAction::AddIssuer {
                credential_type: credential_type.clone(),
                issuer: issuer.clone(),
            });
        }
        for (credential_type, issuer) in &self.remove_issuer {
            out.push(ProposalAction::RemoveIssuer {
                credential_type: credential_type.clone(),
                issuer: issuer.clone(),
            });
        }
        if let Some(path) = &self.actions {
            let more: Vec<ProposalAction> = serde_json::from_slice(&read_file(path)?)
                .wrap_err_with(|| format!("{} is not a JSON array of actions", path.display()))?;
            out.extend(more);
        }
        if out.is_empty() {
            bail!("a proposal needs at least one action (see --help, or --actions FILE.json)");
        }
        Ok(out)
    }

    /// Proposes and prints the id, the status and the receipt; exits non-zero if it executed
    /// at once and failed.
    pub async fn run(self) -> Result<()> {
        let actions = self.build_actions()?;
        let key = self.key.load()?;
        let gov = contract(self.tx.apply(self.client.connect().await?)).await?;
        propose_and_print(&gov, &key, &self.title, &self.description, actions, self.client.output)
            .await
    }
}

/// Proposes `actions` as `key` and prints the proposal's id, status, execution error and
/// receipt; while it is open, `next` says how the other members vote it through. Executed at
/// once when the proposer alone meets the thresholds (e.g. on a one-member committee), a
/// proposal whose actions failed is an error, as with `gov execute`.
pub(super) async fn propose_and_print(
    gov: &Governance,
    key: &SecretKey,
    title: &str,
    description: &str,
    actions: Vec<ProposalAction>,
    output: OutputFormat,
) -> Result<()> {
    let done = gov.propose(key, title, description, actions).await?;
    let id = done.value.id;
    let proposal = gov.proposal(id).await?;
    let next = match done.value.status {
        Status::Open => Some(format!(
            "more votes are needed: other committee members run `bayledger gov vote {id} yes \
             --from KEY` (it executes when the thresholds are met); see `bayledger gov show {id}`"
        )),
        Status::Passed => {
            Some(format!("passed: anyone runs `bayledger gov execute {id} --from KEY`"))
        }
        _ => None,
    };
    let mut value = json!({
        "id": id,
        "status": done.value.status,
        "error": proposal.error,
        "receipt": receipt_json(&done.receipt),
    });
    if let Some(next) = next {
        value["next"] = json!(next);
    }
    print_value(&value, output);
    if proposal.status == Status::Failed {
        bail!(
            "proposal {id} executed and failed (nothing took effect): {}",
            proposal.error.as_deref().unwrap_or("no reason recorded")
        );
    }
    Ok(())
}

/// `gov vote`.
#[derive(Debug, Args)]
pub struct VoteArgs {
    /// The proposal.
    id: u64,
    /// yes, no or abstain.
    #[arg(value_parser = parse_vote)]
    vote: VoteOption,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

fn parse_vote(s: &str) -> std::result::Result<VoteOption, String> {
    match s {
        "yes" => Ok(VoteOption::Yes),
        "no" => Ok(VoteOption::No),
        "abstain" => Ok(VoteOption::Abstain),
        other => Err(format!("{other:?}: vote yes, no or abstain")),
    }
}

fn parse_status(s: &str) -> std::result::Result<Status, String> {
    serde_json::from_value(json!(s))
        .map_err(|_| format!("{s:?}: one of open, passed, rejected, expired, executed, failed"))
}

impl VoteArgs {
    /// Votes and prints the proposal's status after the vote.
    pub async fn run(self) -> Result<()> {
        let key = self.key.load()?;
        let gov = contract(self.tx.apply(self.client.connect().await?)).await?;
        let done = gov.vote(&key, self.id, self.vote).await?;
        let proposal = gov.proposal(self.id).await?;
        print_value(
            &json!({
                "id": self.id,
                "status": done.value.status,
                "tally": proposal.tally,
                "error": proposal.error,
                "receipt": receipt_json(&done.receipt),
            }),
            self.client.output,
        );
        Ok(())
    }
}

/// `gov execute`.
#[derive(Debug, Args)]
pub struct ExecuteArgs {
    /// The proposal.
    id: u64,
    #[command(flatten)]
    key: KeyOpts,
    #[command(flatten)]
    tx: TxOpts,
    #[command(flatten)]
    client: ClientOpts,
}

impl ExecuteArgs {
    /// Executes and prints whether the actions took effect; exits non-zero if they failed.
    pub async fn run(self) -> Result<()> {
        let key = self.key.load()?;
        let gov = contract(self.tx.apply(self.client.connect().await?)).await?;
        let done = gov.execute(&key, self.id).await?;
        print_value(
            &json!({
                "id": self.id,
                "status": done.value.status,
                "error": done.value.error,
                "receipt": receipt_json(&done.receipt),
            }),
            self.client.output,
        );
        if let Some(e) = done.value.error {
            bail!("proposal {} failed to execute (nothing took effect): {e}", self.id);
        }
        Ok(())
    }
}

/// `gov show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The proposal.
    id: u64,
    #[command(flatten)]
    client: ClientOpts,
}

impl ShowArgs {
    /// Prints the proposal and its votes.
    pub async fn run(self) -> Result<()> {
        let gov = contract(self.client.connect().await?).await?;
        let mut value = serde_json::to_value(gov.proposal(self.id).await?)?;
        value["votes"] = serde_json::to_value(gov.votes(self.id, None, Some(100)).await?)?;
        print_value(&value, self.client.output);
        Ok(())
    }
}

/// `gov list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only proposals with this status: open, passed, rejected, expired, executed, failed.
    #[arg(long, value_parser = parse_status)]
    status: Option<Status>,
    /// Start after this proposal id.
    #[arg(long, value_name = "ID")]
    start_after: Option<u64>,
    /// Entries per page (at most 100) [default: 10].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    limit: Option<u32>,
    #[command(flatten)]
    client: ClientOpts,
}

impl ListArgs {
    /// Prints a page of proposals (id, title, status, tally, end height).
    pub async fn run(self) -> Result<()> {
        let gov = contract(self.client.connect().await?).await?;
        let page = gov.proposals(self.status, self.start_after, self.limit).await?;
        let rows: Vec<Value> = page
            .into_iter()
            .map(|p| {
                json!({
                    "id": p.id,
                    "title": p.title,
                    "status": p.status,
                    "tally": p.tally,
                    "end_height": p.end_height,
                    "actions": p.actions.len(),
                })
            })
            .collect();
        print_value(&json!({ "proposals": rows }), self.client.output);
        Ok(())
    }
}

/// `gov committee`.
#[derive(Debug, Args)]
pub struct ClientOnly {
    #[command(flatten)]
    client: ClientOpts,
}

/// `gov history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Start after this entry number.
    #[arg(long, value_name = "SEQ")]
    start_after: Option<u64>,
    /// Entries per page (at most 100) [default: 10].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    limit: Option<u32>,
    #[command(flatten)]
    client: ClientOpts,
}

impl HistoryArgs {
    /// Prints a page of the decisions log.
    pub async fn run(self) -> Result<()> {
        let gov = contract(self.client.connect().await?).await?;
        let entries = gov.history(self.start_after, self.limit).await?;
        print_value(&json!({ "entries": entries }), self.client.output);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::parse_group;

    const KEY: &str = "02aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    fn propose(args: &[&str]) -> std::result::Result<Vec<Value>, String> {
        let mut all = vec!["propose", "--title", "t", "--from", "m"];
        all.extend_from_slice(args);
        match parse_group::<GovCmd>("gov", &all)? {
            GovCmd::Propose(p) => p
                .build_actions()
                .map(|a| a.iter().map(|a| serde_json::to_value(a).expect("json")).collect())
                .map_err(|e| e.to_string()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn action_flags_build_the_contract_s_actions() {
        let a = Address([0xa1; 20]);
        let got = propose(&[
            "--add-member",
            &format!("{a}:3:Org A"),
            "--approval-threshold",
            "75",
            "--add-validator",
            &format!("0x{KEY}:10:node4@120"),
            "--remove-validator",
            &format!("{KEY}@130"),
            "--admit-node",
            &format!("{KEY}:node4"),
            "--grant-upload",
            &a.to_string(),
            "--freeze",
            &a.to_string(),
            "--upgrade",
            &format!("{a}:{}", "11".repeat(32)),
            "--migrate-msg",
            r#"{"v":2}"#,
            "--set-param",
            "max_block_txs=500@200",
            "--set-param",
            "block_time_ms=800@200",
            "--add-issuer",
            "health-certificate:did:bayledger:t:gd",
        ])
        .expect("parses");
        let key = format!("0x{KEY}");
        assert_eq!(
            got,
            vec![
                json!({"add_member": {"address": a.to_string(), "weight": 3, "name": "Org A"}}),
                json!({"set_rules": {"approval_threshold": 75}}),
                json!({"system": {"set_validator": {"pub_key": key, "power": 10, "name": "node4", "effective_height": 120}}}),
                json!({"system": {"set_validator": {"pub_key": key, "power": 0, "name": "", "effective_height": 130}}}),
                json!({"system": {"admit_node": {"node_key": key, "name": "node4"}}}),
                json!({"system": {"grant_upload": {"account": a.to_string()}}}),
                json!({"system": {"freeze": {"address": a.to_string()}}}),
                json!({"system": {"migrate": {"contract": a.to_string(), "code_hash": format!("0x{}", "11".repeat(32)), "msg": {"v": 2}}}}),
                json!({"system": {"set_params": {"effective_height": 200, "params": {"block_time_ms": 800, "max_block_txs": 500}}}}),
                json!({"add_issuer": {"credential_type": "health-certificate", "issuer": "did:bayledger:t:gd"}}),
            ]
        );
    }

    #[test]
    fn bad_action_flags_are_refused_with_the_reason() {
        for (args, why) in [
            (vec!["--add-validator", "0x02ab:1@5"], "compressed secp256k1 key"),
            // 33 bytes with a compressed prefix, but no point on the curve.
            (vec!["--remove-node", &format!("02{}", "bb".repeat(32))], "secp256k1 key"),
            (vec!["--admit-node", &format!("04{}:n", "aa".repeat(32))], "secp256k1 key"),
            (vec!["--add-validator", &format!("{KEY}:0@5")], "--remove-validator"),
            (vec!["--set-param", "gas=1@5"], "unknown parameter"),
            (vec!["--set-param", "gas=1@5"], "max_block_txs"),
            (vec!["--add-issuer", "health-certificate:gd"], "not a DID"),
            (vec!["--approval-threshold", "0"], "0"),
            (vec!["--migrate-msg", "{}"], "--upgrade"),
            (vec![], "at least one action"),
        ] {
            let err = propose(&args).expect_err("refused");
            assert!(err.contains(why), "{args:?}: {err}");
        }
    }

    #[test]
    fn votes_and_statuses_parse() {
        assert!(matches!(
            parse_group::<GovCmd>("gov", &["vote", "3", "abstain", "--from", "m"]),
            Ok(GovCmd::Vote(VoteArgs { id: 3, vote: VoteOption::Abstain, .. }))
        ));
        assert!(parse_group::<GovCmd>("gov", &["vote", "3", "maybe", "--from", "m"]).is_err());
        assert!(matches!(
            parse_group::<GovCmd>("gov", &["list", "--status", "expired"]),
            Ok(GovCmd::List(ListArgs { status: Some(Status::Expired), .. }))
        ));
    }
}

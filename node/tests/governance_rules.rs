//! The consortium's rules, enforced by the governance committee on a real 4-validator network
//! of `bayledger` processes (homes from `bayledger testnet`; the founding member is the
//! keystore key `committee`, the genesis committee's sole member). Each chapter is sent to one
//! node and read back from another:
//!
//! 1. the founding member alone admits two more organisations and sets rules no single member
//!    meets (60% participation and approval, a 16-block voting period);
//! 2. a non-member's proposal is refused;
//! 3. uploads are restricted at genesis: an account without the right is refused; a grant the
//!    founder proposes alone stays open and cannot be executed; a second member's vote passes
//!    and executes it, and the account's upload goes through;
//! 4. a proposal that was not passed by the end of its period expires: votes and executions
//!    after it are refused, and it never takes effect;
//! 5. a frozen account's transactions are refused at the door with a clear error, and run again
//!    once the committee unfreezes it;
//! 6. a system contract (governance itself) is upgraded in place by vote and keeps its state;
//! 7. `bayledger gov` reads the same story back (`list --status`, `show`, `committee`) and a
//!    member's `gov propose` with action flags opens a proposal;
//! 8. `bayledger credential type-register` and `issuer-add` are proposals too: each opens one
//!    (saying how to vote), and a second member's vote registers the type / admits the issuer.

mod support;

use bayledger_genesis::Permissions;
use bayledger_sdk::client::Client;
use bayledger_sdk::keystore::Keystore;
use bayledger_sdk::system::credentials::{Credentials, Page, Types};
use bayledger_sdk::system::governance::{
    Governance, MemberMsg, ProposalAction, Status, SystemAction, VoteOption,
};
use bayledger_sdk::{SdkError, SecretKey};
use bayledger_types::SystemContract;
use serde_json::json;
use support::governance::{COMMITTEE, cli, committee_passphrase};
use support::{NETWORK, Spec, Testnet};

/// The period the founder sets (blocks).
const PERIOD: u64 = 16;

/// The contract's refusal line of `result`, which must be a refused transaction.
fn refusal<T: std::fmt::Debug>(result: Result<T, SdkError>) -> String {
    let err = result.expect_err("the chain accepted it");
    err.contract_error().unwrap_or_else(|| panic!("not a contract refusal: {err}")).to_string()
}

/// The error of a transaction the node refused before running it (mempool admission).
fn turned_away<T: std::fmt::Debug>(result: Result<T, SdkError>) -> String {
    let err = result.expect_err("the node admitted it");
    assert!(err.contract_error().is_none(), "it ran and was refused by a contract: {err}");
    err.to_string()
}

fn member(key: &SecretKey, name: &str) -> ProposalAction {
    ProposalAction::AddMember(MemberMsg {
        address: key.address().to_string(),
        weight: 1,
        name: name.into(),
    })
}

fn system(action: SystemAction) -> Vec<ProposalAction> {
    vec![ProposalAction::System(action)]
}

/// Waits until every node has committed what node 0 has.
async fn everyone_caught_up(net: &Testnet, c0: &Client) {
    let height = c0.status().await.expect("status").latest_height;
    for n in &net.nodes {
        n.wait_height(height).await;
    }
}

/// A transaction from `key` that runs (and is refused by the governance contract itself):
/// proof that the node admitted the sender.
async fn runs(client: &Client, key: &SecretKey) -> String {
    let gov = Governance::new(client.clone());
    refusal(gov.execute(key, 999_999).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committee_governs_a_four_validator_network() {
    let _one = NETWORK.lock().await;
    let mut net = Testnet::new(Spec { full_nodes: 0, ..Spec::new("gov-rules") });
    let founder = Keystore::open(net.dir.path().join("keys"))
        .expect("keystore")
        .load(COMMITTEE, &committee_passphrase())
        .expect("the committee key written by bayledger testnet");
    // Uploads are restricted to the founder from genesis on (the same genesis in every home).
    let mut genesis = net.genesis();
    genesis.permissions = Some(Permissions { code_uploaders: vec![founder.address()] });
    genesis.validate().expect("valid genesis");
    for n in &net.nodes {
        genesis.save(n.home.join("config/genesis.json")).expect("genesis written");
    }
    net.start_validators();
    for n in &net.nodes {
        n.wait_height(2).await;
    }
    let mut clients = Vec::new();
    for n in &net.nodes {
        clients.push(n.client().await);
    }
    let gov: Vec<Governance> = clients.iter().map(|c| Governance::new(c.clone())).collect();
    gov[0].handle().check().await.expect("governance at its genesis address");
    let (org_b, org_c, stranger) =
        (SecretKey::generate(), SecretKey::generate(), SecretKey::generate());

    // 1. The founder alone admits two organisations and sets rules no single member meets.
    let mut actions = vec![member(&org_b, "Org B"), member(&org_c, "Org C")];
    actions.push(ProposalAction::SetRules {
        participation_threshold: Some(60),
        approval_threshold: Some(60),
        voting_period_blocks: Some(PERIOD),
        execute_on_pass: None,
    });
    let founded = gov[0].propose(&founder, "Found the consortium", "", actions).await;
    assert_eq!(founded.expect("proposes").value.status, Status::Executed);
    everyone_caught_up(&net, &clients[0]).await;
    let config = gov[3].config().await.expect("config from node 3");
    assert_eq!(config.members.len(), 3);
    assert_eq!((config.participation_threshold, config.approval_threshold), (60, 60));
    assert_eq!(config.voting_period_blocks, PERIOD);

    // 2. A non-member's proposal is refused.
    let grant = system(SystemAction::GrantUpload { account: stranger.address().to_string() });
    let refused = refusal(gov[1].propose(&stranger, "Let me upload", "", grant.clone()).await);
    assert!(refused.starts_with("unauthorized: only committee members may propose"), "{refused}");

    // 3. Uploads need the right; one member's grant does not execute; two members' does.
    let wasm = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../target/contracts/kv_registry.wasm"),
    )
    .expect("kv_registry.wasm built by scripts/build-contracts.sh");
    let refused = turned_away(clients[2].upload_code(&stranger, wasm.clone()).await);
    assert!(refused.contains("may not upload code"), "{refused}");
    let proposed = gov[0].propose(&founder, "Let the stranger upload", "", grant).await;
    let id = proposed.expect("proposes").value.id;
    let p = gov[0].proposal(id).await.expect("proposal");
    assert_eq!((p.status, p.tally.yes, p.tally.total_weight), (Status::Open, 1, 3));
    let refused = refusal(gov[1].execute(&stranger, id).await);
    assert!(refused.starts_with(&format!("not passed: proposal {id} has 1 yes")), "{refused}");
    let refused = turned_away(clients[2].upload_code(&stranger, wasm.clone()).await);
    assert!(refused.contains("may not upload code"), "the grant took effect early: {refused}");
    let voted = gov[1].vote(&org_b, id, VoteOption::Yes).await.expect("org B votes");
    assert_eq!(voted.value.status, Status::Executed);
    everyone_caught_up(&net, &clients[0]).await;
    let (code_hash, _) =
        clients[2].upload_code(&stranger, wasm).await.expect("the granted upload succeeds");
    assert_eq!(
        code_hash,
        bayledger_sdk::Hash::sha3(
            &std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../target/contracts/kv_registry.wasm"),
            )
            .expect("wasm")
        )
    );

    // 4. A proposal not passed within its period expires and never takes effect.
    let freeze = system(SystemAction::Freeze { address: stranger.address().to_string() });
    let id = gov[0].propose(&founder, "Freeze the stranger", "", freeze.clone()).await;
    let id = id.expect("proposes").value.id;
    let end = gov[0].proposal(id).await.expect("proposal").end_height;
    net.nodes[3].wait_height(end + 1).await;
    let refused = refusal(gov[3].vote(&org_c, id, VoteOption::Yes).await);
    assert!(
        refused
            .starts_with(&format!("expired: proposal {id}'s voting period ended at block {end}")),
        "{refused}"
    );
    let refused = refusal(gov[2].execute(&org_b, id).await);
    assert!(refused.starts_with("expired: "), "{refused}");
    assert_eq!(gov[1].proposal(id).await.expect("proposal").status, Status::Expired);
    assert!(runs(&clients[1], &stranger).await.starts_with("not found: "));

    // 5. Frozen: the stranger's transactions are refused at the door, then run again.
    let founder_and_b = [founder.clone(), org_b.clone()];
    let founder_and_c = [founder.clone(), org_c.clone()];
    gov[0]
        .pass(&founder_and_c, "Freeze the stranger", freeze)
        .await
        .expect("frozen by two members");
    everyone_caught_up(&net, &clients[0]).await;
    for c in &clients[1..] {
        let refused = turned_away(Governance::new(c.clone()).execute(&stranger, 1).await);
        assert!(
            refused.contains(&format!("account {} is frozen by governance", stranger.address())),
            "{refused}"
        );
    }
    let unfreeze = system(SystemAction::Unfreeze { address: stranger.address().to_string() });
    gov[0]
        .pass(&[founder.clone(), org_b.clone()], "Unfreeze the stranger", unfreeze)
        .await
        .expect("unfrozen");
    everyone_caught_up(&net, &clients[0]).await;
    assert!(runs(&clients[3], &stranger).await.starts_with("not found: "));

    // 6. Governance upgrades itself in place (a `migrate` to the genesis module) and keeps its
    //    committee and every earlier proposal.
    let before = gov[0].proposals(None, None, Some(100)).await.expect("proposals");
    let upgrade = system(SystemAction::Migrate {
        contract: SystemContract::Governance.address().to_string(),
        code_hash: format!(
            "0x{}",
            bayledger_system_contracts::code_hash(SystemContract::Governance).to_hex()
        ),
        msg: json!({}),
    });
    let upgraded =
        gov[0].pass(&founder_and_b, "Upgrade governance", upgrade).await.expect("upgraded");
    everyone_caught_up(&net, &clients[0]).await;
    let after = gov[2].proposals(None, None, Some(100)).await.expect("proposals from node 2");
    assert_eq!(&after[..before.len()], &before[..], "earlier proposals survive the upgrade");
    assert_eq!(after.last().map(|p| (p.id, p.status)), Some((upgraded.id, Status::Executed)));
    assert_eq!(gov[2].config().await.expect("config").members.len(), 3);
    let history = gov[1].history(None, Some(100)).await.expect("history");
    assert!(history.iter().any(|h| h.proposal_id == upgraded.id), "the upgrade is on record");

    // 7. The CLI tells the same story, and a member proposes with action flags.
    let expired = cli(&net, &net.nodes[1], "gov", &["list", "--status", "expired"]);
    assert_eq!(expired["proposals"].as_array().map(Vec::len), Some(1), "{expired}");
    let shown = cli(&net, &net.nodes[2], "gov", &["show", &upgraded.id.to_string()]);
    assert_eq!(shown["status"], "executed");
    assert_eq!(shown["votes"].as_array().map(Vec::len), Some(2), "{shown}");
    let committee = cli(&net, &net.nodes[3], "gov", &["committee"]);
    assert_eq!(committee["total_weight"], 3);
    let dave = SecretKey::generate().address().to_string();
    let proposed = cli(
        &net,
        &net.nodes[0],
        "gov",
        &[
            "propose",
            "--title",
            "Admit Org D",
            "--add-member",
            &format!("{dave}:1:Org D"),
            "--from",
            "committee",
        ],
    );
    assert_eq!(proposed["status"], "open", "{proposed}");
    let id = proposed["id"].as_u64().expect("id");
    let p = gov[0].proposal(id).await.expect("proposal");
    assert_eq!(p.actions.len(), 1);
    assert_eq!((p.tally.yes, p.tally.total_weight), (1, 3));

    // 8. The credential committee commands propose; a second member's vote carries them out.
    let schema_hash = "cd".repeat(32);
    let proposed = cli(
        &net,
        &net.nodes[1],
        "credential",
        &[
            "type-register",
            "--id",
            "customs-clearance",
            "--name",
            "Customs clearance",
            "--schema-hash",
            &schema_hash,
            "--schema-uri",
            "https://example.org/customs.json",
            "--from",
            "committee",
        ],
    );
    assert_eq!(proposed["status"], "open", "{proposed}");
    let id = proposed["id"].as_u64().expect("id");
    let next = proposed["next"].as_str().unwrap_or_default();
    assert!(next.contains(&format!("bayledger gov vote {id} yes")), "{proposed}");
    let credentials = Credentials::new(clients[2].clone());
    let all = Page { start_after: None, limit: Some(100) };
    let listed = |types: Types| types.types.iter().any(|t| t.id == "customs-clearance");
    let types = credentials.types(&all).await.expect("types");
    assert!(!listed(types), "registered before the vote");
    let voted = gov[3].vote(&org_c, id, VoteOption::Yes).await.expect("org C votes");
    assert_eq!(voted.value.status, Status::Executed);
    everyone_caught_up(&net, &clients[0]).await;
    let types = credentials.types(&all).await.expect("types");
    assert!(listed(types), "the type is registered after the vote");
    let issuer = "did:bayledger:gov-rules:customs";
    let proposed = cli(
        &net,
        &net.nodes[0],
        "credential",
        &["issuer-add", "--type", "customs-clearance", "--issuer", issuer, "--from", "committee"],
    );
    assert_eq!(proposed["status"], "open", "{proposed}");
    let id = proposed["id"].as_u64().expect("id");
    assert_eq!(
        gov[0].proposal(id).await.expect("proposal").title,
        format!("Admit issuer {issuer} for customs-clearance")
    );
    let voted = gov[1].vote(&org_b, id, VoteOption::Yes).await.expect("org B votes");
    assert_eq!(voted.value.status, Status::Executed);
    everyone_caught_up(&net, &clients[0]).await;
    let issuers = credentials.issuers("customs-clearance", &Default::default()).await;
    let issuers = serde_json::to_value(issuers.expect("issuers")).expect("json");
    assert!(issuers.to_string().contains(issuer), "{issuers}");
}

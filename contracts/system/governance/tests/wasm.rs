//! Runs the built `governance.wasm` in the real VM (`bayledger_vm::testing::TestChain`) at its
//! genesis address, next to the built credentials contract whose committee it is, so issuer
//! admissions are real nested calls and system actions go through the VM's real
//! `system_apply` (accepted only from the genesis governance address).
//!
//! The modules come from `scripts/build-contracts.sh` ([`bayledger_vm::testing::built_contract`]):
//! a missing or out-of-date module fails the tests, which must never pass without running it.

use bayledger_system_contracts::{
    Committee, CommitteeMember, SystemConfig, SystemContract, init_msg,
};
use bayledger_types::pb::ExecStatus;
use bayledger_types::{Address, Hash, state_keys};
use bayledger_vm::ExecOutcome;
use bayledger_vm::testing::TestChain;
use prost::Message;
use serde_json::{Value, json};

const A: Address = Address([0xa1; 20]);
const B: Address = Address([0xa2; 20]);
const C: Address = Address([0xa3; 20]);
const D: Address = Address([0xa4; 20]);
const STRANGER: Address = Address([0x5a; 20]);

const HEALTH: &str = "health-certificate";
const GD: &str = "did:bayledger:testnet:guangdong-health";
const T0: u64 = 1_760_000_000_000;
const PERIOD: u64 = 5;

fn built(dir: &str, name: &str) -> Vec<u8> {
    bayledger_vm::testing::built_contract(&format!("{}/../{dir}", env!("CARGO_MANIFEST_DIR")), name)
}

/// The system contracts deployed like genesis does: by `0x00…00` in genesis order, so
/// governance is at its genesis address (the only one `system_apply` accepts).
struct Net {
    chain: TestChain,
    gov: Address,
    credentials: Address,
    governance_code: Hash,
}

impl Net {
    /// Four members of weight 1, 50% participation, 67% approval, a 5-block period.
    fn new() -> Net {
        let mut chain = TestChain::new();
        chain.set_block(1, T0);
        let genesis = Address::default();
        let at = |i: u64| Address::contract(&genesis, i);
        let (gov, credentials) = (at(4), at(2));
        // The genesis instantiate messages, with this test's committee and period.
        let members = [A, B, C, D]
            .map(|address| CommitteeMember { address, weight: 1, name: String::new() })
            .to_vec();
        let config = SystemConfig {
            network: "testnet".into(),
            committee: Committee { voting_period_blocks: PERIOD, ..Committee::new(members) },
        };
        assert_eq!(
            (config.committee.participation_threshold, config.committee.approval_threshold),
            (50, 67)
        );
        let mut governance_code = None;
        for c in SystemContract::ALL {
            let code = chain
                .upload(&built(c.crate_name(), c.wasm_name()))
                .expect("passes upload validation");
            let init = init_msg(c, &config).to_string();
            chain
                .instantiate(genesis, code, init.as_bytes())
                .unwrap_or_else(|o| panic!("{}: {:?} {}", c.wasm_name(), o.status, o.error));
            assert_eq!(c.address(), at(c.index() as u64));
            if c == SystemContract::Governance {
                governance_code = Some(code);
            }
        }
        let governance_code = governance_code.expect("governance is a system contract");
        assert_eq!(gov, bayledger_vm::system::governance_address());
        // Genesis makes governance every system contract's admin (so it may migrate them).
        for i in 0..5 {
            let mut info = chain.contract_info(at(i)).expect("info");
            info.admin = gov.0.to_vec();
            chain.state_mut().0.insert(state_keys::contract(&at(i)), info.encode_to_vec());
        }
        Net { chain, gov, credentials, governance_code }
    }

    fn send(&mut self, sender: Address, msg: Value) -> ExecOutcome {
        self.chain.call(sender, self.gov, msg.to_string().as_bytes())
    }

    fn ok(&mut self, sender: Address, msg: Value) -> Value {
        let out = self.send(sender, msg.clone());
        assert_eq!(out.status, ExecStatus::Ok, "{msg}: {}", out.error);
        serde_json::from_slice(&out.return_data).expect("JSON answer")
    }

    fn refused(&mut self, sender: Address, msg: Value, starts: &str) -> String {
        let out = self.send(sender, msg.clone());
        assert_eq!(out.status, ExecStatus::Aborted, "{msg} was not refused");
        assert!(out.error.contains(starts), "{msg}: error {:?} lacks {starts:?}", out.error);
        assert!(out.events.is_empty());
        out.error
    }

    fn query(&self, contract: Address, msg: Value) -> Value {
        let out = self.chain.query(contract, msg.to_string().as_bytes());
        assert_eq!(out.status, ExecStatus::Ok, "query {msg}: {}", out.error);
        serde_json::from_slice(&out.return_data).expect("JSON answer")
    }

    fn proposal(&self, id: u64) -> Value {
        self.query(self.gov, json!({"proposal": {"id": id}}))
    }

    fn issuer_authorized(&self) -> bool {
        let q = json!({"is_authorized_issuer": {"credential_type": HEALTH, "issuer": GD}});
        self.query(self.credentials, q)["authorized"] == json!(true)
    }
}

fn propose(actions: Value) -> Value {
    json!({"propose": {"title": "Recognise the Guangdong health authority", "actions": actions}})
}

fn vote(id: u64, v: &str) -> Value {
    json!({"vote": {"id": id, "vote": v}})
}

/// Registers the health-certificate type (a call to the credentials contract) and admits GD.
fn recognise_gd() -> Value {
    json!([
        {"call_contract": {"contract": Address::contract(&Address::default(), 2).to_string(), "msg": {"register_type": {
            "id": HEALTH,
            "name": "Health certificate",
            "schema_hash": format!("0x{}", "11".repeat(32)),
            "schema_uri": "https://schemas.example.org/health-certificate/v1.json",
            "owner": A.to_string(),
        }}}},
        {"add_issuer": {"credential_type": HEALTH, "issuer": GD}},
    ])
}

#[test]
fn three_of_four_members_admit_an_issuer_through_the_credentials_contract() {
    let mut net = Net::new();
    // Nobody but the governance contract may admit issuers now.
    let direct = net.chain.call(
        A,
        net.credentials,
        json!({"add_issuer": {"credential_type": HEALTH, "issuer": GD}}).to_string().as_bytes(),
    );
    assert_eq!(direct.status, ExecStatus::Aborted);
    assert!(direct.error.contains("unauthorized: "), "{}", direct.error);

    assert_eq!(net.ok(A, propose(recognise_gd())), json!({"id": 1, "status": "open"}));
    net.chain.set_block(2, T0 + 1_000);
    assert_eq!(net.ok(B, vote(1, "yes")), json!({"id": 1, "status": "open"}));
    assert!(!net.issuer_authorized());
    let out = net.send(C, vote(1, "yes"));
    assert_eq!(out.status, ExecStatus::Ok, "{}", out.error);
    // The deciding vote's receipt carries the decision, the credentials contract's own
    // events from the nested calls, and the execution.
    let topics: Vec<&str> = out.events.iter().map(|e| e.topic.as_str()).collect();
    assert_eq!(
        topics,
        [
            "governance.voted",
            "governance.passed",
            "credential.type_registered",
            "governance.contract_called",
            "credential.issuer_added",
            "governance.contract_called",
            "governance.executed",
        ]
    );
    assert!(net.issuer_authorized());
    let p = net.proposal(1);
    assert_eq!((p["status"].as_str(), p["executed_height"].as_u64()), (Some("executed"), Some(2)));
    let err = net.refused(D, vote(1, "no"), "conflict: ");
    assert!(err.contains("no longer open"), "{err}");
}

#[test]
fn refusals_of_the_lifecycle_in_the_vm() {
    let mut net = Net::new();
    let err = net.refused(STRANGER, propose(recognise_gd()), "unauthorized: ");
    assert!(err.contains("only committee members may propose"), "{err}");
    net.ok(A, propose(recognise_gd()));
    net.refused(A, vote(1, "yes"), "conflict: ");
    net.refused(STRANGER, vote(1, "yes"), "unauthorized: ");
    let err = net.refused(STRANGER, json!({"execute": {"id": 1}}), "not passed: ");
    assert!(err.contains("1 yes, 0 no, 0 abstain of 4 weight"), "{err}");
    net.refused(STRANGER, json!({"run_actions": {"id": 1}}), "unauthorized: ");

    // Past the end height nothing can pass or execute it.
    net.chain.set_block(1 + PERIOD + 1, T0 + 10_000);
    assert_eq!(net.proposal(1)["status"], "expired");
    net.refused(B, vote(1, "yes"), "expired: ");
    net.refused(STRANGER, json!({"execute": {"id": 1}}), "expired: ");
    assert!(!net.issuer_authorized());
}

#[test]
fn system_actions_apply_and_a_refused_one_reverts_the_whole_proposal() {
    let mut net = Net::new();
    let frozen = Address([0xf0; 20]);
    // Freezing the governance contract is refused by the VM: the member added before it and
    // the other freeze are reverted, and the failure is recorded in a successful transaction.
    let actions = json!([
        {"add_member": {"address": STRANGER.to_string(), "weight": 1}},
        {"system": {"freeze": {"address": frozen.to_string()}}},
        {"system": {"freeze": {"address": net.gov.to_string()}}},
    ]);
    net.ok(A, propose(actions));
    net.ok(B, vote(1, "yes"));
    assert_eq!(net.ok(C, vote(1, "yes")), json!({"id": 1, "status": "failed"}));
    let p = net.proposal(1);
    let error = p["error"].as_str().expect("error recorded");
    // The nested call's abort comes back with the VM's status prefix.
    assert!(error.starts_with("aborted: action 2 (system): system action refused: "), "{error}");
    assert!(error.contains("cannot be frozen"), "{error}");
    let state = net.chain.state();
    assert!(!bayledger_vm::system::is_frozen(state, &frozen).expect("reads"));
    let members = net.query(net.gov, json!({"config": {}}))["members"].clone();
    assert_eq!(members.as_array().map(Vec::len), Some(4));

    // A proposal that only freezes the account executes, and the VM holds the freeze.
    net.ok(A, propose(json!([{"system": {"freeze": {"address": frozen.to_string()}}}])));
    net.ok(B, vote(2, "yes"));
    assert_eq!(net.ok(C, vote(2, "yes"))["status"], "executed");
    assert!(bayledger_vm::system::is_frozen(net.chain.state(), &frozen).expect("reads"));
}

#[test]
fn governance_migrates_itself_in_place_keeping_its_state() {
    let mut net = Net::new();
    net.ok(A, propose(recognise_gd()));
    let code = format!("0x{}", net.governance_code.to_hex());
    let migrate = json!([{"system": {"migrate": {"contract": net.gov.to_string(), "code_hash": code, "msg": {}}}}]);
    net.ok(A, propose(migrate));
    net.ok(B, vote(2, "yes"));
    assert_eq!(net.ok(C, vote(2, "yes"))["status"], "executed", "{}", net.proposal(2));
    // Proposal 1 and the committee survived the upgrade.
    assert_eq!(net.proposal(1)["status"], "open");
    assert_eq!(net.query(net.gov, json!({"config": {}}))["proposal_count"], 2);
    // A migrate message the code refuses fails the proposal and leaves the code as it was.
    let bad = json!([{"system": {"migrate": {"contract": net.gov.to_string(), "code_hash": format!("0x{}", net.governance_code.to_hex()), "msg": {"v": 2}}}}]);
    net.ok(A, propose(bad));
    net.ok(B, vote(3, "yes"));
    assert_eq!(net.ok(C, vote(3, "yes"))["status"], "failed");
    let error = net.proposal(3)["error"].as_str().expect("error").to_string();
    assert!(error.contains("unknown field"), "{error}");
}

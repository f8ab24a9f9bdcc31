//! The web explorer (`/explorer/`) in headless Chromium against a real node
//! (in process: RocksDB, the VM, the system contracts from genesis, gRPC and
//! HTTP on loopback ports). Data is committed through the SDK — two registered
//! file hashes (one then revoked), a DID — and each page is loaded and read
//! back like a reader would: the dashboard, a block, a transaction, an
//! account, a contract (with a query), a DID, the search box for every kind of
//! query, and the "was this file registered?" check with a real file, a
//! tampered file and tampered proofs (responses rewritten through the
//! DevTools `Fetch` domain). A screenshot of every page is written to
//! `target/explorer-screenshots/`.
//!
//! Without Chromium the tests fail in CI (`CI` set) and print SKIPPED locally.

mod support;

use base64::Engine as _;
use bayledger_node::config::NodeConfig;
use bayledger_node::home::{Home, init_home_with_committee};
use bayledger_node::service::RunningNode;
use bayledger_sdk::client::Client;
use bayledger_sdk::system::did::DidRegistry;
use bayledger_sdk::system::hash_registry::{HashRegistry, RegisterEntry};
use bayledger_types::{Hash, SecretKey, SystemContract};
use serde_json::{Value, json};
use sha3::Digest as _;
use std::path::PathBuf;
use support::chromium::Browser;

const CHAIN: &str = "explorer-test";
const DATA_TYPE: &str = "bank/customer-record";

/// A running node and where its explorer is.
struct TestChain {
    dir: tempfile::TempDir,
    node: RunningNode,
    client: Client,
    /// `http://127.0.0.1:<port>/explorer/`
    explorer: String,
    /// Total voting power of the genesis validator set.
    total_power: u64,
}

async fn start_chain() -> TestChain {
    start_chain_with(bayledger_node::config::PruningConfig::Archive).await
}

async fn start_chain_with(pruning: bayledger_node::config::PruningConfig) -> TestChain {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home(dir.path().join("node"));
    init_home_with_committee(&home, CHAIN, "node0", 100, false, None).expect("init");
    let genesis = bayledger_genesis::Genesis::load(home.genesis()).expect("genesis");
    let total_power = genesis.validator_set().validators.iter().map(|v| v.power).sum();
    let mut config = NodeConfig::default();
    config.rpc.grpc_addr = ([127, 0, 0, 1], 0).into();
    config.rpc.http_addr = ([127, 0, 0, 1], 0).into();
    config.consensus.block_time_ms = 100;
    config.storage.pruning = pruning;
    let node = RunningNode::start(&home, config).await.expect("node starts");
    let client = Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("connect");
    let explorer = format!("http://{}/explorer/", node.http_addr);
    TestChain { dir, node, client, explorer, total_power }
}

/// What the test committed.
struct Committed {
    bank: SecretKey,
    file: PathBuf,
    file_hash: Hash,
    register_tx: Hash,
    register_height: u64,
    revoked_hash: Hash,
    did: String,
}

async fn commit_data(chain: &TestChain) -> Committed {
    let bank = SecretKey::generate();
    let registry = HashRegistry::new(chain.client.clone());
    let record = format!("customer record of {} — Room 1201, Futian, Shenzhen\n", bank.address());
    let file = chain.dir.path().join("customer-record.txt");
    std::fs::write(&file, &record).expect("write file");
    let file_hash = Hash::sha3(record.as_bytes());
    let registered = registry
        .register(&bank, &RegisterEntry::plain(file_hash, DATA_TYPE))
        .await
        .expect("register the file's hash");
    let register_tx = Hash::from_slice(&registered.receipt.tx_hash).expect("tx hash");
    let register_height = chain.client.get_tx(&register_tx).await.expect("tx").height;

    let revoked_hash = Hash::sha3(b"an older record, withdrawn");
    registry.register(&bank, &RegisterEntry::plain(revoked_hash, DATA_TYPE)).await.expect("2nd");
    registry.revoke(&bank, &revoked_hash, "withdrawn by the bank").await.expect("revoke");

    let holder = SecretKey::generate();
    let did = DidRegistry::new(chain.client.clone())
        .create_for_key(&holder)
        .await
        .expect("create DID")
        .value
        .did;
    Committed { bank, file, file_hash, register_tx, register_height, revoked_hash, did }
}

/// Waits until `<main>` shows page `page` rendered (ready or error); returns the state.
fn wait_page(b: &mut Browser, page: &str) -> String {
    let expr = format!(
        "(() => {{ const m = document.querySelector('main'); \
         return m && m.dataset.page === {page:?} && m.getAttribute('aria-busy') === 'false' \
         && ['ready', 'error'].includes(m.dataset.state) && m.dataset.state; }})()"
    );
    b.wait_until(&format!("the {page} page"), &expr).as_str().unwrap_or("").to_string()
}

/// Opens explorer route `route` (`""` = dashboard) in a fresh page load, as
/// when a reader follows a link, and waits for it to render.
fn open(b: &mut Browser, chain: &TestChain, route: &str, page: &str) -> String {
    // The old document must not pass for the new one while the load starts.
    b.eval("document.querySelector('main')?.setAttribute('data-state', 'stale')");
    b.navigate("about:blank");
    b.navigate(&format!("{}#/{route}", chain.explorer));
    wait_page(b, page)
}

/// Searches for `q` with the search box and waits for page `page`.
fn search(b: &mut Browser, q: &str, page: &str) -> String {
    b.eval("document.querySelector('main').dataset.state = 'stale'");
    b.type_and_enter("#search-input", q);
    wait_page(b, page)
}

fn field(b: &mut Browser, name: &str) -> String {
    b.text(&format!("[data-field={name:?}]"))
}

fn has_link(b: &mut Browser, route: &str) -> bool {
    b.eval(&format!("!!document.querySelector('a[href={:?}]')", format!("#/{route}")))
        == json!(true)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sha3_in_the_browser_matches_fips_202_and_the_node() {
    let Some(mut b) = Browser::launch_or_skip("sha3_in_the_browser") else { return };
    let chain = start_chain().await;
    b.navigate(&chain.explorer);
    wait_page(&mut b, "dashboard");
    // Lengths around the 136-byte rate and block boundaries, hashed in one
    // piece and in three uneven updates.
    let lengths: Vec<usize> = (0..=300).chain([407, 408, 409, 1000, 4096, 65_537]).collect();
    let bytes = |n: usize| (0..n).map(|i| ((i * 31 + 7) % 256) as u8).collect::<Vec<u8>>();
    let js = format!(
        "(async () => {{
            const {{ sha3_256, Sha3_256 }} = await import('./js/sha3.js');
            const {{ toHex, utf8 }} = await import('./js/bytes.js');
            const out = {{ whole: [], parts: [], fips: [] }};
            for (const n of {lengths:?}) {{
                const b = new Uint8Array(n);
                for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) % 256;
                out.whole.push(toHex(sha3_256(b)));
                const h = new Sha3_256();
                h.update(b.subarray(0, n / 3 | 0)).update(b.subarray(n / 3 | 0, n / 2 | 0)).update(b.subarray(n / 2 | 0));
                out.parts.push(toHex(h.digest()));
            }}
            out.fips.push(toHex(sha3_256(new Uint8Array())));
            out.fips.push(toHex(sha3_256(utf8('abc'))));
            out.fips.push(toHex(sha3_256(new Uint8Array(200).fill(0xa3))));
            return out;
        }})()"
    );
    let got = b.eval(&js);
    for (i, &n) in lengths.iter().enumerate() {
        let want = hex::encode(sha3::Sha3_256::digest(bytes(n)));
        assert_eq!(got["whole"][i], json!(want), "SHA3-256 of {n} bytes");
        assert_eq!(got["parts"][i], json!(want), "SHA3-256 of {n} bytes in three updates");
    }
    // FIPS 202 / NIST CSRC example values.
    assert_eq!(
        got["fips"],
        json!([
            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532",
            "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787",
        ])
    );
    assert!(b.page_errors.is_empty(), "page errors: {:?}", b.page_errors);
    chain.node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explorer_pages_show_the_committed_chain() {
    let Some(mut b) = Browser::launch_or_skip("explorer_pages") else { return };
    let chain = start_chain().await;
    let c = commit_data(&chain).await;
    let registry = SystemContract::HashRegistry.address().to_string();
    let bank = c.bank.address().to_string();
    let tx = format!("0x{}", c.register_tx.to_hex());
    let file_hash = format!("0x{}", c.file_hash.to_hex());
    let block = chain.client.block_by_height(c.register_height).await.expect("block");
    let block_hash = format!("0x{}", block.hash.to_hex());

    // `/` redirects to the explorer.
    b.navigate(&format!("http://{}/", chain.node.http_addr));
    assert_eq!(wait_page(&mut b, "dashboard"), "ready");
    assert!(b.eval("location.pathname").as_str() == Some("/explorer/"));
    let height: u64 = field(&mut b, "height").parse().expect("height is a number");
    assert!(height >= c.register_height, "dashboard height {height}");
    assert_eq!(field(&mut b, "chain-id"), CHAIN);
    assert_eq!(field(&mut b, "validators"), "1");
    assert_eq!(field(&mut b, "total-power"), format!("total power {}", chain.total_power));
    assert!(has_link(&mut b, &format!("address/{registry}")), "system contracts listed");
    b.wait_until("recent blocks", "document.querySelectorAll('table tbody tr').length > 1");
    b.screenshot("dashboard");

    // Block page: header, transactions, commit signatures.
    assert_eq!(open(&mut b, &chain, &format!("block/{}", c.register_height), "block"), "ready");
    assert_eq!(field(&mut b, "block-hash"), block_hash);
    assert_eq!(field(&mut b, "height"), c.register_height.to_string());
    assert!(has_link(&mut b, &format!("tx/{tx}")), "the block lists the registration");
    let power = chain.total_power;
    assert_eq!(field(&mut b, "signed-power"), format!("{power} of {power}"));
    assert_eq!(field(&mut b, "commit-verdict"), "Commit verified");
    b.screenshot("block");

    // Transaction page: status, fuel, decoded message and event.
    assert_eq!(open(&mut b, &chain, &format!("tx/{tx}"), "tx"), "ready");
    assert_eq!(field(&mut b, "status"), "ok");
    assert_eq!(field(&mut b, "sender"), bank);
    let msg: Value = serde_json::from_str(&field(&mut b, "msg")).expect("message is JSON");
    assert_eq!(msg["register"]["hash"], json!(file_hash));
    assert_eq!(msg["register"]["data_type"], json!(DATA_TYPE));
    let event: Value = serde_json::from_str(&field(&mut b, "event-data")).expect("event JSON");
    assert_eq!(event["hash"], json!(file_hash));
    b.screenshot("tx");

    // Account page: nonce after three transactions, and its transactions.
    assert_eq!(open(&mut b, &chain, &format!("address/{bank}"), "address"), "ready");
    assert_eq!(field(&mut b, "nonce"), "3");
    b.wait_until(
        "the account's transactions",
        &format!("!!document.querySelector('a[href=\"#/tx/{tx}\"]')"),
    );
    b.screenshot("account");

    // Contract page: info, events, and a query from the query box.
    assert_eq!(open(&mut b, &chain, &format!("address/{registry}"), "address"), "ready");
    assert_eq!(field(&mut b, "label"), SystemContract::HashRegistry.label());
    b.eval("document.querySelector('#query-msg').value = '{\"tree_head\":{}}'");
    b.eval("document.querySelector('form.query button[type=submit]').click()");
    let result = b.wait_until(
        "the query result",
        "document.querySelector('[data-field=query-result]')?.innerText",
    );
    let head: Value = serde_json::from_str(result.as_str().unwrap_or("")).expect("query JSON");
    assert_eq!(head["tree_size"], json!(2));
    let topics = b.eval("[...document.querySelectorAll('.event .topic')].map(e => e.innerText)");
    assert_eq!(topics, json!(["hash.revoked", "hash.registered", "hash.registered"]));
    b.screenshot("contract");

    // DID resolution.
    assert_eq!(open(&mut b, &chain, &format!("did/{}", c.did), "did"), "ready");
    assert_eq!(field(&mut b, "did-id"), c.did);
    let doc: Value = serde_json::from_str(&field(&mut b, "did-document")).expect("document JSON");
    assert_eq!(doc["id"], json!(c.did));
    b.screenshot("did");

    // Not found is said plainly.
    assert_eq!(open(&mut b, &chain, "block/999999", "block"), "error");
    assert!(b.text("main").contains("Not found"), "{}", b.text("main"));
    b.screenshot("block-not-found");

    // The search box, for every kind of query.
    open(&mut b, &chain, "", "dashboard");
    search(&mut b, &c.register_height.to_string(), "block");
    assert_eq!(field(&mut b, "block-hash"), block_hash);
    search(&mut b, &block_hash, "block");
    assert_eq!(field(&mut b, "height"), c.register_height.to_string());
    search(&mut b, &tx, "tx");
    assert_eq!(field(&mut b, "sender"), bank);
    search(&mut b, &bank, "address");
    assert_eq!(field(&mut b, "nonce"), "3");
    search(&mut b, &registry, "address");
    assert_eq!(field(&mut b, "label"), SystemContract::HashRegistry.label());
    search(&mut b, &c.did, "did");
    assert_eq!(field(&mut b, "did-id"), c.did);
    search(&mut b, &file_hash, "verify");
    b.wait_until("the registration", "document.querySelector('[data-field=proof-verdict]')");
    assert_eq!(field(&mut b, "verdict"), "Registered · active");
    search(&mut b, &format!("0x{}", c.revoked_hash.to_hex()), "verify");
    b.wait_until(
        "the revoked registration",
        "document.querySelector('[data-field=proof-verdict]')",
    );
    assert_eq!(field(&mut b, "verdict"), "Registered · revoked");
    assert!(field(&mut b, "status-change").contains("withdrawn by the bank"));
    b.screenshot("verify-revoked");
    search(&mut b, "not a thing", "search");
    assert!(b.text("main").contains("Nothing matches"));

    assert!(b.page_errors.is_empty(), "page errors: {:?}", b.page_errors);
    chain.node.shutdown().await.expect("shutdown");
}

/// Opens the file check, chooses `file`, and waits for the verdict on its proofs.
fn check_file(b: &mut Browser, chain: &TestChain, file: &std::path::Path) {
    assert_eq!(open(b, chain, "verify", "verify"), "ready");
    b.set_file("#file-input", file);
    b.wait_until("the proof verdict", "document.querySelector('[data-field=proof-verdict]')");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_check_verifies_proofs_in_the_browser() {
    let Some(mut b) = Browser::launch_or_skip("file_check") else { return };
    let chain = start_chain().await;
    let c = commit_data(&chain).await;
    let file_hash = format!("0x{}", c.file_hash.to_hex());

    // The registered file: registration shown, every proof verified.
    check_file(&mut b, &chain, &c.file);
    assert_eq!(field(&mut b, "file-hash"), file_hash);
    assert_eq!(field(&mut b, "verdict"), "Registered · active");
    assert_eq!(field(&mut b, "registrant"), c.bank.address().to_string());
    assert_eq!(field(&mut b, "data-type"), DATA_TYPE);
    assert_eq!(field(&mut b, "proof-verdict"), "Proof verified");
    for step in ["reads", "header", "commit", "record", "tree-head", "inclusion"] {
        let state = b.eval(&format!("document.querySelector('[data-check={step}]')?.className"));
        assert_eq!(state, json!("check ok"), "check {step}");
    }
    b.screenshot("verify");

    // A tampered copy: not registered, and the absence is proven.
    let tampered = chain.dir.path().join("customer-record-tampered.txt");
    let mut bytes = std::fs::read(&c.file).expect("read");
    *bytes.last_mut().expect("non-empty") ^= 0x01;
    std::fs::write(&tampered, &bytes).expect("write");
    check_file(&mut b, &chain, &tampered);
    assert_eq!(field(&mut b, "verdict"), "Not registered");
    assert_eq!(field(&mut b, "file-hash"), format!("0x{}", Hash::sha3(&bytes).to_hex()));
    assert_eq!(field(&mut b, "proof-verdict"), "Proof verified");
    let absent = b.eval("document.querySelector('[data-check=absent]')?.className");
    assert_eq!(absent, json!("check ok"));
    b.screenshot("verify-not-registered");

    // A node that lies about the state proof of the log head: one flipped proof byte.
    let b64 = base64::engine::general_purpose::STANDARD;
    b.intercept_responses("*tree_head*");
    let mut rewritten = 0;
    assert_eq!(open(&mut b, &chain, "verify", "verify"), "ready");
    b.set_file("#file-input", &c.file);
    b.wait_until_with(
        "the verdict on a tampered state proof",
        "document.querySelector('[data-field=proof-verdict]')",
        |b| {
            rewritten += b.answer_paused(|_, body| {
                let mut r: Value = serde_json::from_slice(&body).expect("query JSON");
                for read in r["reads"].as_array_mut().expect("reads") {
                    let mut proof =
                        b64.decode(read["proof"].as_str().expect("proof")).expect("b64");
                    *proof.last_mut().expect("proof bytes") ^= 0x01;
                    read["proof"] = json!(b64.encode(proof));
                }
                serde_json::to_vec(&r).expect("json")
            })
        },
    );
    b.stop_intercepting();
    assert_eq!(rewritten, 1, "one tree-head answer rewritten");
    assert_eq!(field(&mut b, "proof-verdict"), "Proof verification FAILED");
    let state = b.eval("document.querySelector('[data-check=\"tree-head\"]')?.className");
    assert_eq!(state, json!("check fail"));
    b.screenshot("verify-tampered-state-proof");

    // A node that lies about the RFC 9162 audit path.
    b.intercept_responses("*inclusion_proof*");
    let mut rewritten = 0;
    assert_eq!(open(&mut b, &chain, "verify", "verify"), "ready");
    b.set_file("#file-input", &c.file);
    b.wait_until_with(
        "the verdict on a tampered inclusion proof",
        "document.querySelector('[data-field=proof-verdict]')",
        |b| {
            rewritten += b.answer_paused(|_, body| {
                let mut r: Value = serde_json::from_slice(&body).expect("query JSON");
                let data = b64.decode(r["data"].as_str().expect("data")).expect("b64");
                let mut proof: Value = serde_json::from_slice(&data).expect("proof JSON");
                let path = proof["inclusion_path"].as_array_mut().expect("path");
                assert!(!path.is_empty(), "two leaves: the audit path has a node");
                path[0] = json!(format!("0x{}", "ab".repeat(32)));
                r["data"] = json!(b64.encode(serde_json::to_vec(&proof).expect("json")));
                serde_json::to_vec(&r).expect("json")
            })
        },
    );
    b.stop_intercepting();
    assert_eq!(rewritten, 1, "one inclusion proof rewritten");
    assert_eq!(field(&mut b, "proof-verdict"), "Proof verification FAILED");
    let state = b.eval("document.querySelector('[data-check=inclusion]')?.className");
    assert_eq!(state, json!("check fail"));
    b.screenshot("verify-tampered-inclusion-proof");

    // A node that forges a commit signature: one flipped byte of `s`.
    b.intercept_responses("*/v1/headers/*");
    let mut rewritten = 0;
    assert_eq!(open(&mut b, &chain, "verify", "verify"), "ready");
    b.set_file("#file-input", &c.file);
    b.wait_until_with(
        "the verdict on a forged commit signature",
        "document.querySelector('[data-field=proof-verdict]')",
        |b| {
            rewritten += b.answer_paused(|_, body| {
                let mut r: Value = serde_json::from_slice(&body).expect("header JSON");
                let sig = &mut r["commit"]["signatures"][0]["signature"];
                let mut bytes = b64.decode(sig.as_str().expect("signature")).expect("b64");
                bytes[40] ^= 0x01;
                *sig = json!(b64.encode(bytes));
                serde_json::to_vec(&r).expect("json")
            })
        },
    );
    b.stop_intercepting();
    assert_eq!(rewritten, 1, "one signed header rewritten");
    assert_eq!(field(&mut b, "proof-verdict"), "Proof verification FAILED");
    let state = b.eval("document.querySelector('[data-check=commit]')?.className");
    assert_eq!(state, json!("check fail"));
    b.screenshot("verify-forged-signature");

    assert!(b.page_errors.is_empty(), "page errors: {:?}", b.page_errors);
    chain.node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pruned_height_is_said_plainly() {
    let Some(mut b) = Browser::launch_or_skip("pruned_height") else { return };
    let chain = start_chain_with(bayledger_node::config::PruningConfig::KeepRecent(2)).await;
    let registry = SystemContract::HashRegistry.address().to_string();
    assert_eq!(open(&mut b, &chain, &format!("address/{registry}"), "address"), "ready");
    b.eval("document.querySelector('#query-msg').value = '{\"tree_head\":{}}'");
    b.eval("document.querySelector('#query-height').value = '1'");
    // Runs the query again once the previous answer is shown.
    let run = "document.querySelector('.query-out').innerText.startsWith('Querying') || \
               document.querySelector('form.query button[type=submit]').click()";
    // The node prunes in the background once height 1 is more than 2 heights old.
    b.wait_until_with(
        "the query at a pruned height",
        "document.querySelector('.query-out')?.innerText.includes('Pruned.')",
        |b| {
            b.eval(run);
        },
    );
    let out = b.text(".query-out");
    assert!(out.contains("height 1 is pruned"), "{out}");
    b.screenshot("contract-pruned-query");
    assert!(b.page_errors.is_empty(), "page errors: {:?}", b.page_errors);
    chain.node.shutdown().await.expect("shutdown");
}

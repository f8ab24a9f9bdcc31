//! The HTTP API against real nodes (RocksDB, wasmtime, real sockets): every
//! GET route and a Connect-style POST per service answer the same proto3 JSON
//! as the gRPC call they stand for; errors carry the mapped HTTP status and
//! Connect code; CORS preflight; a hand-framed grpc-web call; `/ready` while
//! catching up and on a network without and with a peer; `/metrics` parses
//! as Prometheus text and its counters move with committed transactions.

mod support;

use base64::Engine as _;
use bayledger_node::config::NodeConfig;
use bayledger_node::home::{Home, init_home};
use bayledger_node::rpc::rest::error::{code_name, http_status};
use bayledger_node::service::RunningNode;
use bayledger_proto::node::{
    block_service_client::BlockServiceClient, get_block_request::By,
    index_service_client::IndexServiceClient, light_service_client::LightServiceClient,
    node_service_client::NodeServiceClient, state_service_client::StateServiceClient,
    tx_service_client::TxServiceClient, *,
};
use bayledger_sdk::client::Client;
use bayledger_sdk::system::did::{DidRegistry, default_did, document_for_key};
use bayledger_sdk::tx::{TxBuilder, sign};
use bayledger_types::{SecretKey, SystemContract};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use prost::Message;
use serde::Serialize;
use serde_json::{Value, json};
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tonic::transport::Channel;

type Body = Full<axum::body::Bytes>;

/// A plain HTTP/1.1 client for one node.
struct Http {
    base: String,
    client: HyperClient<HttpConnector, Body>,
}

struct Reply {
    status: u16,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }
}

impl Http {
    fn new(addr: SocketAddr) -> Http {
        Http {
            base: format!("http://{addr}"),
            client: HyperClient::builder(TokioExecutor::new()).build_http(),
        }
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let mut req = http::Request::builder().method(method).uri(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self.client.request(req.body(Full::from(body)).expect("request")).await;
        let resp = resp.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let (parts, body) = resp.into_parts();
        let body = body.collect().await.expect("body").to_bytes().to_vec();
        Reply { status: parts.status.as_u16(), headers: parts.headers, body }
    }

    async fn get(&self, path: impl AsRef<str>) -> Reply {
        self.send("GET", path.as_ref(), &[], Vec::new()).await
    }

    async fn post_json(&self, path: &str, body: &Value) -> Reply {
        let bytes = serde_json::to_vec(body).expect("json");
        self.send("POST", path, &[("content-type", "application/json")], bytes).await
    }
}

/// Asserts that `http` answers as the gRPC call `grpc` does: the same proto3
/// JSON, or the mapped status and code. The gRPC call runs before and after
/// the HTTP one; when the two gRPC answers differ (a block committed in
/// between) the comparison is repeated, a bounded number of times.
async fn same<T, F, Fut, H, HFut>(what: &str, grpc: F, http: H)
where
    T: Serialize,
    F: Fn() -> Fut,
    Fut: Future<Output = Result<tonic::Response<T>, tonic::Status>>,
    H: Fn() -> HFut,
    HFut: Future<Output = Reply>,
{
    let expect = |r: Result<tonic::Response<T>, tonic::Status>| match r {
        Ok(r) => (200, serde_json::to_value(r.get_ref()).expect("to json")),
        Err(s) => (
            http_status(s.code()).as_u16(),
            json!({ "code": code_name(s.code()), "message": s.message() }),
        ),
    };
    for _ in 0..10 {
        let before = expect(grpc().await);
        let reply = http().await;
        let after = expect(grpc().await);
        if before != after {
            continue;
        }
        assert_eq!((reply.status, reply.json()), before, "{what}");
        return;
    }
    panic!("{what}: the gRPC answer never held still");
}

/// A gRPC call on a clone of `client` (owned by the returned future).
macro_rules! call {
    ($client:expr, $method:ident, $req:expr) => {{
        let mut c = $client.clone();
        let r = $req.clone();
        async move { c.$method(r).await }
    }};
}

struct Grpc {
    node: NodeServiceClient<Channel>,
    tx: TxServiceClient<Channel>,
    block: BlockServiceClient<Channel>,
    state: StateServiceClient<Channel>,
    light: LightServiceClient<Channel>,
    index: IndexServiceClient<Channel>,
}

impl Grpc {
    async fn connect(addr: SocketAddr) -> Grpc {
        let ch = Channel::from_shared(format!("http://{addr}")).expect("url").connect().await;
        let ch = ch.expect("gRPC connects");
        Grpc {
            node: NodeServiceClient::new(ch.clone()),
            tx: TxServiceClient::new(ch.clone()),
            block: BlockServiceClient::new(ch.clone()),
            state: StateServiceClient::new(ch.clone()),
            light: LightServiceClient::new(ch.clone()),
            index: IndexServiceClient::new(ch),
        }
    }
}

fn config() -> NodeConfig {
    let mut c = NodeConfig::default();
    c.rpc.grpc_addr = "127.0.0.1:0".parse().expect("addr");
    c.rpc.http_addr = "127.0.0.1:0".parse().expect("addr");
    c.consensus.block_time_ms = 100;
    c.rpc.max_wait_ms = 20_000;
    c
}

fn hex0x(b: &[u8]) -> String {
    format!("0x{}", hex::encode(b))
}

/// One Prometheus sample value by exact series name (no labels).
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no sample {name} in\n{text}"))
}

/// Checks the OpenMetrics/Prometheus text shape: `# HELP|TYPE|UNIT` lines,
/// samples `name{labels} value`, `# EOF` last.
fn check_exposition(text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.last(), Some(&"# EOF"), "exposition ends with # EOF");
    for l in &lines[..lines.len() - 1] {
        if let Some(rest) = l.strip_prefix("# ") {
            let kind = rest.split(' ').next().unwrap_or_default();
            assert!(["HELP", "TYPE", "UNIT"].contains(&kind), "bad comment line {l:?}");
            continue;
        }
        let (series, value) = l.rsplit_once(' ').unwrap_or_else(|| panic!("bad sample {l:?}"));
        let name = series.split('{').next().unwrap_or_default();
        assert!(
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                && !name.starts_with(|c: char| c.is_ascii_digit()),
            "bad metric name in {l:?}"
        );
        if series.contains('{') {
            assert!(series.ends_with('}'), "bad labels in {l:?}");
        }
        assert!(
            value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value),
            "bad value in {l:?}"
        );
    }
}

/// Polls `f` until it returns `Some`, at most `limit`.
async fn poll<T, Fut: Future<Output = Option<T>>>(
    what: &str,
    limit: Duration,
    f: impl Fn() -> Fut,
) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_connect_grpc_web_cors_ready_and_metrics_on_one_node() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home(dir.path().to_path_buf());
    init_home(&home, "http-test", "node0", 100, false).expect("init");
    let node = RunningNode::start(&home, config()).await.expect("node starts");
    let http = Http::new(node.http_addr);
    let g = Grpc::connect(node.grpc_addr).await;
    let client = Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("sdk");
    let chain_id = client.status().await.expect("status").chain_id;

    // Metrics before any transaction.
    let m0 = http.get("/metrics").await;
    assert_eq!(m0.status, 200);
    assert!(
        m0.header("content-type").contains("openmetrics-text"),
        "{}",
        m0.header("content-type")
    );
    let text0 = String::from_utf8(m0.body).expect("utf8");
    check_exposition(&text0);
    let txs0 = sample(&text0, "bayledger_txs_committed_total");

    // Real data: a DID created over gRPC (SDK), another broadcast as Connect JSON.
    let a = SecretKey::generate();
    let registry = DidRegistry::new(client.clone());
    registry.create_for_key(&a).await.expect("did create over gRPC");
    let b = SecretKey::generate();
    let network = registry.network().await.expect("network");
    let did_b = default_did(&network, &b.address()).expect("did");
    let doc = document_for_key(&did_b, &b.public_key()).expect("document");
    let msg = serde_json::to_vec(&json!({ "create": { "document": doc } })).expect("msg");
    let height = client.status().await.expect("status").latest_height;
    let body = TxBuilder::new(chain_id.clone(), b.address(), 0)
        .expires_after(height, 100)
        .call(SystemContract::DidRegistry.address(), msg);
    let tx = sign(&body, &b);
    let r = http
        .post_json(
            "/bayledger.node.v1.TxService/BroadcastTx",
            &json!({ "tx": base64::engine::general_purpose::STANDARD.encode(&tx), "waitForCommit": true }),
        )
        .await;
    let broadcast = r.json();
    assert_eq!(r.status, 200, "{broadcast}");
    assert_eq!(broadcast["receipt"]["status"], "EXEC_STATUS_OK", "{broadcast}");
    let tx_hash = base64::engine::general_purpose::STANDARD
        .decode(broadcast["txHash"].as_str().expect("txHash"))
        .expect("base64");
    let tx_height: u64 = broadcast["height"].as_str().expect("u64 as string").parse().expect("n");

    // Every GET route answers as its gRPC call.
    let did_contract = SystemContract::DidRegistry.address();
    let status_req = || GetStatusRequest {};
    same("/v1/status", || call!(g.node, get_status, status_req()), || http.get("/v1/status")).await;
    let blocks = ListBlocksRequest { before_height: tx_height, limit: 5 };
    same(
        "/v1/blocks",
        || call!(g.index, list_blocks, blocks),
        || http.get(format!("/v1/blocks?before={tx_height}&limit=5")),
    )
    .await;
    let by_height = GetBlockRequest { by: Some(By::Height(tx_height)) };
    same(
        "/v1/blocks/{height}",
        || call!(g.block, get_block, by_height.clone()),
        || http.get(format!("/v1/blocks/{tx_height}")),
    )
    .await;
    let block = g.block.clone().get_block(by_height.clone()).await.expect("block").into_inner();
    let by_hash = GetBlockRequest { by: Some(By::Hash(block.block_hash.clone())) };
    same(
        "/v1/blocks/{hash}",
        || call!(g.block, get_block, by_hash.clone()),
        || http.get(format!("/v1/blocks/{}", hex0x(&block.block_hash))),
    )
    .await;
    let get_tx = GetTxRequest { tx_hash: tx_hash.clone() };
    same(
        "/v1/txs/{hash}",
        || call!(g.tx, get_tx, get_tx.clone()),
        || http.get(format!("/v1/txs/{}", hex0x(&tx_hash))),
    )
    .await;
    let by_sender = ListTxsRequest {
        by: Some(list_txs_request::By::Sender(b.address().0.to_vec())),
        limit: 10,
        ..Default::default()
    };
    same(
        "/v1/txs?sender",
        || call!(g.index, list_txs, by_sender.clone()),
        || http.get(format!("/v1/txs?sender={}&limit=10", hex0x(&b.address().0))),
    )
    .await;
    let events = ListEventsRequest {
        filter: Some(EventFilter { contract: did_contract.0.to_vec(), ..Default::default() }),
        limit: 10,
        ..Default::default()
    };
    same(
        "/v1/events",
        || call!(g.index, list_events, events.clone()),
        || http.get(format!("/v1/events?contract={}&limit=10", hex0x(&did_contract.0))),
    )
    .await;
    let account = GetAccountRequest { address: b.address().0.to_vec(), height: tx_height };
    same(
        "/v1/accounts/{addr}",
        || call!(g.state, get_account, account.clone()),
        || http.get(format!("/v1/accounts/{}?height={tx_height}", hex0x(&b.address().0))),
    )
    .await;
    let contract = GetContractRequest { address: did_contract.0.to_vec(), height: 0 };
    same(
        "/v1/contracts/{addr}",
        || call!(g.state, get_contract, contract.clone()),
        || http.get(format!("/v1/contracts/{}", hex0x(&did_contract.0))),
    )
    .await;
    let query = QueryContractRequest {
        contract: did_contract.0.to_vec(),
        msg: br#"{"config":{}}"#.to_vec(),
        height: tx_height,
        prove: true,
        ..Default::default()
    };
    same(
        "/v1/contracts/{addr}/query",
        || call!(g.state, query_contract, query.clone()),
        || {
            http.get(format!(
                "/v1/contracts/{}/query?msg=%7B%22config%22%3A%7B%7D%7D&height={tx_height}&prove=true",
                hex0x(&did_contract.0)
            ))
        },
    )
    .await;
    let key = b"sys/validators".to_vec();
    let proof = GetStateProofRequest { key: key.clone(), height: tx_height };
    same(
        "/v1/state/{key}",
        || call!(g.state, get_state_proof, proof.clone()),
        || http.get(format!("/v1/state/{}?height={tx_height}", hex0x(&key))),
    )
    .await;
    let header = GetSignedHeaderRequest { height: tx_height };
    same(
        "/v1/headers/{height}",
        || call!(g.light, get_signed_header, header),
        || http.get(format!("/v1/headers/{tx_height}")),
    )
    .await;
    let vset = GetValidatorSetRequest { height: tx_height };
    same(
        "/v1/validators",
        || call!(g.light, get_validator_set, vset),
        || http.get(format!("/v1/validators?height={tx_height}")),
    )
    .await;
    let evidence = ListEvidenceRequest { from_height: 1, to_height: tx_height };
    same(
        "/v1/evidence",
        || call!(g.block, list_evidence, evidence),
        || http.get(format!("/v1/evidence?from=1&to={tx_height}")),
    )
    .await;

    // A Connect-style POST per service, same answers as gRPC.
    let post = |path: &'static str, body: Value| {
        let http = &http;
        move || {
            let body = body.clone();
            async move { http.post_json(path, &body).await }
        }
    };
    same(
        "Connect NodeService/GetStatus",
        || call!(g.node, get_status, status_req()),
        post("/bayledger.node.v1.NodeService/GetStatus", json!({})),
    )
    .await;
    let tx_b64 = base64::engine::general_purpose::STANDARD.encode(&tx_hash);
    same(
        "Connect TxService/GetTx",
        || call!(g.tx, get_tx, get_tx.clone()),
        post("/bayledger.node.v1.TxService/GetTx", json!({ "txHash": tx_b64 })),
    )
    .await;
    same(
        "Connect BlockService/GetBlock",
        || call!(g.block, get_block, by_height.clone()),
        post(
            "/bayledger.node.v1.BlockService/GetBlock",
            json!({ "height": tx_height.to_string() }),
        ),
    )
    .await;
    let addr_b64 = base64::engine::general_purpose::STANDARD.encode(b.address().0);
    same(
        "Connect StateService/GetAccount",
        || call!(g.state, get_account, account.clone()),
        post(
            "/bayledger.node.v1.StateService/GetAccount",
            json!({ "address": addr_b64, "height": tx_height }),
        ),
    )
    .await;
    same(
        "Connect LightService/GetSignedHeader",
        || call!(g.light, get_signed_header, header),
        post("/bayledger.node.v1.LightService/GetSignedHeader", json!({ "height": tx_height })),
    )
    .await;
    same(
        "Connect IndexService/ListBlocks",
        || call!(g.index, list_blocks, blocks),
        post(
            "/bayledger.node.v1.IndexService/ListBlocks",
            json!({ "beforeHeight": tx_height.to_string(), "limit": 5 }),
        ),
    )
    .await;

    // Error mapping.
    let r = http.get("/v1/txs/0xzz").await;
    assert_eq!((r.status, r.json()["code"].clone()), (400, json!("invalid_argument")));
    assert!(r.json()["message"].as_str().expect("message").contains("hex"), "{}", r.json());
    let r = http.get(format!("/v1/txs/{}", hex0x(&[7; 32]))).await;
    assert_eq!((r.status, r.json()["code"].clone()), (404, json!("not_found")));
    let r = http.get("/v1/blocks/12x").await;
    assert_eq!((r.status, r.json()["code"].clone()), (400, json!("invalid_argument")));
    let r = http.get("/v1/accounts/0x00?heigth=1").await;
    assert_eq!(r.status, 400, "unknown parameter");
    assert!(r.json()["message"].as_str().expect("message").contains("heigth"));
    let r = http.get(format!("/v1/accounts/{}", hex0x(&[1; 5]))).await;
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (400, json!("invalid_argument")),
        "5-byte address"
    );
    let r = http
        .send(
            "POST",
            "/bayledger.node.v1.TxService/GetTx",
            &[("content-type", "application/json")],
            b"{\"txHash\": 12".to_vec(),
        )
        .await;
    assert_eq!((r.status, r.json()["code"].clone()), (400, json!("invalid_argument")), "bad JSON");
    let r = http
        .send(
            "POST",
            "/bayledger.node.v1.NodeService/GetStatus",
            &[("content-type", "text/plain")],
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(r.status, 415);
    let r = http.get("/v1/nothing-here").await;
    assert_eq!((r.status, r.json()["code"].clone()), (404, json!("not_found")));
    // A server stream has no JSON form: 501 `unimplemented`, pointing at grpc-web.
    let r = http.post_json("/bayledger.node.v1.BlockService/SubscribeBlocks", &json!({})).await;
    assert_eq!((r.status, r.json()["code"].clone()), (501, json!("unimplemented")));
    assert!(r.json()["message"].as_str().expect("message").contains("grpc-web"));

    // CORS preflight, and a CORS header on a real answer.
    let r = http
        .send(
            "OPTIONS",
            "/bayledger.node.v1.NodeService/GetStatus",
            &[
                ("origin", "https://explorer.example"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type,x-grpc-web"),
            ],
            Vec::new(),
        )
        .await;
    assert!(r.status == 200 || r.status == 204, "preflight status {}", r.status);
    assert_eq!(r.header("access-control-allow-origin"), "*");
    assert!(r.header("access-control-allow-methods").contains("POST"), "{:?}", r.headers);
    assert!(r.header("access-control-allow-headers").contains("x-grpc-web"), "{:?}", r.headers);
    let r =
        http.send("GET", "/v1/status", &[("origin", "https://explorer.example")], Vec::new()).await;
    assert_eq!(r.header("access-control-allow-origin"), "*");

    // grpc-web: a hand-built frame (flag 0, big-endian length, message).
    let mut frame = vec![0u8];
    let msg = GetTxRequest { tx_hash: tx_hash.clone() }.encode_to_vec();
    frame.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    frame.extend_from_slice(&msg);
    let r = http
        .send(
            "POST",
            "/bayledger.node.v1.TxService/GetTx",
            &[
                ("content-type", "application/grpc-web+proto"),
                ("x-grpc-web", "1"),
                ("origin", "https://explorer.example"),
            ],
            frame,
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("application/grpc-web"), "{:?}", r.headers);
    assert!(r.header("access-control-expose-headers").contains("grpc-status"), "{:?}", r.headers);
    let (flag, len) = (r.body[0], u32::from_be_bytes(r.body[1..5].try_into().expect("4")) as usize);
    assert_eq!(flag, 0, "first frame is data");
    let via_web = GetTxResponse::decode(&r.body[5..5 + len]).expect("GetTxResponse");
    let via_grpc = g.tx.clone().get_tx(get_tx.clone()).await.expect("gRPC").into_inner();
    assert_eq!(via_web, via_grpc);
    let trailer = &r.body[5 + len..];
    assert_eq!(trailer[0], 0x80, "then the trailer frame");
    assert!(String::from_utf8_lossy(&trailer[5..]).contains("grpc-status:0"), "{trailer:?}");

    // /ready: 200 on a solo validator (no peers needed), 503 while catching up.
    let r = http.get("/ready").await;
    assert_eq!((r.status, r.json()["ready"].clone()), (200, json!(true)), "{}", r.json());
    node.chain.status.set_catching_up(true, tx_height, tx_height + 10);
    let r = http.get("/ready").await;
    assert_eq!(r.status, 503);
    assert!(r.json()["reason"].as_str().expect("reason").contains("catching up"));
    node.chain.status.set_catching_up(false, tx_height + 10, tx_height + 10);
    assert_eq!(http.get("/ready").await.status, 200);

    // /status in CometBFT's shape.
    let s = http.get("/status").await.json();
    assert_eq!(s["node_info"]["network"], json!(chain_id));
    let latest: u64 =
        s["sync_info"]["latest_block_height"].as_str().expect("height").parse().expect("n");
    assert!(latest >= tx_height, "{s}");
    assert_eq!(s["sync_info"]["earliest_block_height"], json!("1"));
    assert_eq!(s["sync_info"]["catching_up"], json!(false));
    let validator = node.chain.status.validator().expect("solo validator");
    assert_eq!(s["validator_info"]["address"], json!(hex0x(&validator.0)));
    assert_eq!(
        s["validator_info"]["voting_power"],
        json!(node.chain.validators.validators[0].power.to_string())
    );

    // /metrics moved: both transactions counted, height at least the tx's.
    let text = String::from_utf8(http.get("/metrics").await.body).expect("utf8");
    check_exposition(&text);
    assert!(sample(&text, "bayledger_txs_committed_total") >= txs0 + 2.0, "{text}");
    assert!(sample(&text, "bayledger_height") >= tx_height as f64);
    assert!(sample(&text, "bayledger_blocks_committed_total") >= 1.0);
    assert!(sample(&text, "bayledger_tx_fuel_used_count") >= 2.0);
    assert!(sample(&text, "bayledger_data_dir_bytes") > 0.0);
    assert!(sample(&text, "process_resident_memory_bytes") > 0.0);
    node.shutdown().await.expect("shutdown");
}

/// `/ready` on a two-validator network: 503 "no connected peers" while the
/// other validator is down, 200 once it is up and connected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_waits_for_a_peer_on_a_network() {
    let _guard = support::NETWORK.lock().await;
    let spec =
        support::Spec { chain_id: "http-ready", validators: 2, full_nodes: 0, block_time_ms: 200 };
    let mut net = support::Testnet::new(spec);
    let config = net.nodes[0].home.join("config/config.toml");
    let h0 = Http::new(NodeConfig::load(&config).expect("config").rpc.http_addr);
    net.nodes[0].start();
    let r = h0.get("/ready").await;
    assert_eq!(r.status, 503, "{}", r.json());
    assert!(
        r.json()["reason"].as_str().expect("reason").contains("no connected peers"),
        "{}",
        r.json()
    );
    net.nodes[1].start();
    let ready = poll("node0 ready", support::WAIT, || async {
        let r = h0.get("/ready").await;
        (r.status == 200).then(|| r.json())
    })
    .await;
    assert_eq!(ready["peers"], json!(1));
    let s = h0.get("/status").await.json();
    assert!(!s["node_info"]["id"].as_str().expect("peer id").is_empty(), "{s}");
    let text = String::from_utf8(h0.get("/metrics").await.body).expect("utf8");
    assert_eq!(sample(&text, "bayledger_peers"), 1.0);
}

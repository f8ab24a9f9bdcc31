//! Headless Chromium driven over the DevTools protocol (CDP): Debian's
//! `chromium` is started with `--remote-debugging-port=0`, one page target is
//! attached (flat session), and JSON commands travel over a websocket
//! (`tungstenite`). Only what the explorer tests need: navigate, evaluate,
//! type, press Enter, set a file input, intercept responses (`Fetch`), full-page
//! screenshots, and the page's uncaught exceptions.
//!
//! [`Browser::launch_or_skip`]: without Chromium a test fails with a clear
//! message when `CI` is set, and is skipped (printing `SKIPPED`) otherwise.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// How long one CDP command may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// The default bound of every wait on the page.
pub const PAGE_WAIT: Duration = Duration::from_secs(30);
/// How often a wait re-checks the page.
const POLL: Duration = Duration::from_millis(50);
const VIEWPORT: (u32, u32) = (1280, 900);

/// A running headless Chromium with one attached page.
pub struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    session: String,
    next_id: u64,
    events: VecDeque<Value>,
    /// Uncaught exceptions and `console.error` lines of the page.
    pub page_errors: Vec<String>,
    log: Arc<Mutex<Vec<String>>>,
    _profile: tempfile::TempDir,
}

/// The Chromium binary: `$CHROMIUM`, else the first of the usual names on `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].iter().find_map(
        |name| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()),
    )
}

/// Where screenshots go: `target/explorer-screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(&tmp).join("explorer-screenshots")
}

impl Browser {
    /// Starts Chromium, or (without it) panics in CI / returns `None` locally.
    pub fn launch_or_skip(test: &str) -> Option<Browser> {
        match find_chromium() {
            Some(bin) => Some(Browser::launch(&bin)),
            None if std::env::var_os("CI").is_some() => panic!(
                "{test}: chromium is not installed (scripts/setup.sh installs Debian's \
                 `chromium`; or set CHROMIUM to a Chromium binary)"
            ),
            None => {
                eprintln!("SKIPPED {test}: chromium is not installed (run scripts/setup.sh)");
                None
            }
        }
    }

    /// Starts `bin` headless and attaches to a new blank page.
    pub fn launch(bin: &Path) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut child = Command::new(bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                &format!("--window-size={},{}", VIEWPORT.0, VIEWPORT.1),
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (url_tx, url_rx) = std::sync::mpsc::channel();
        let log_in = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = url_tx.send(url.trim().to_string());
                }
                log_in.lock().unwrap_or_else(|e| e.into_inner()).push(line);
            }
        });
        let Ok(url) = url_rx.recv_timeout(PAGE_WAIT) else {
            let _ = child.kill();
            let lines = log.lock().unwrap_or_else(|e| e.into_inner()).join("\n");
            panic!("chromium did not open its DevTools port within {PAGE_WAIT:?}:\n{lines}");
        };
        let hostport = url
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("unexpected DevTools URL {url}"));
        let stream = TcpStream::connect(hostport).expect("connect to DevTools");
        let (ws, _) = tungstenite::client(url.as_str(), stream).expect("DevTools websocket");
        // Reads return every POLL so that waits can check their deadline.
        ws.get_ref().set_read_timeout(Some(POLL)).expect("read timeout");
        let mut browser = Browser {
            child,
            ws,
            session: String::new(),
            next_id: 0,
            events: VecDeque::new(),
            page_errors: Vec::new(),
            log,
            _profile: profile,
        };
        let target = browser.browser_call("Target.createTarget", json!({ "url": "about:blank" }));
        let target_id = target["targetId"].as_str().expect("targetId").to_string();
        let attached = browser.browser_call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        );
        browser.session = attached["sessionId"].as_str().expect("sessionId").to_string();
        for domain in ["Page.enable", "Runtime.enable", "DOM.enable"] {
            browser.call(domain, json!({}));
        }
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": VIEWPORT.0, "height": VIEWPORT.1, "deviceScaleFactor": 1, "mobile": false }),
        );
        browser
    }

    fn send(&mut self, method: &str, params: Value, session: Option<String>) -> u64 {
        self.next_id += 1;
        let mut msg = json!({ "id": self.next_id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::text(msg.to_string())).expect("send to DevTools");
        self.next_id
    }

    /// Reads one message if one arrives within the socket's poll interval.
    fn read(&mut self) -> Option<Value> {
        match self.ws.read() {
            Ok(Message::Text(text)) => serde_json::from_str(text.as_str()).ok(),
            Ok(_) => None,
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                None
            }
            Err(e) => panic!("DevTools connection failed: {e}\n{}", self.chromium_log()),
        }
    }

    fn note(&mut self, event: Value) {
        match event["method"].as_str() {
            Some("Runtime.exceptionThrown") => {
                let d = &event["params"]["exceptionDetails"];
                let text = d["exception"]["description"].as_str().or(d["text"].as_str());
                self.page_errors.push(text.unwrap_or("exception").to_string());
            }
            Some("Runtime.consoleAPICalled") if event["params"]["type"] == "error" => {
                let args = event["params"]["args"].as_array().cloned().unwrap_or_default();
                let text: Vec<String> = args
                    .iter()
                    .map(|a| {
                        a["value"].as_str().or(a["description"].as_str()).unwrap_or("?").into()
                    })
                    .collect();
                self.page_errors.push(text.join(" "));
            }
            _ => {}
        }
        self.events.push_back(event);
    }

    fn wait_reply(&mut self, id: u64, method: &str) -> Value {
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            assert!(Instant::now() < deadline, "{method}: no answer within {CALL_TIMEOUT:?}");
            let Some(msg) = self.read() else { continue };
            if msg["id"].as_u64() == Some(id) {
                if let Some(err) = msg.get("error") {
                    panic!("{method} failed: {err}");
                }
                return msg["result"].clone();
            }
            if msg.get("method").is_some() {
                self.note(msg);
            }
        }
    }

    fn browser_call(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params, None);
        self.wait_reply(id, method)
    }

    /// A command on the page's session; its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params, Some(self.session.clone()));
        self.wait_reply(id, method)
    }

    /// Takes queued events (and any that arrive now) named `method`.
    pub fn take_events(&mut self, method: &str) -> Vec<Value> {
        while let Some(msg) = self.read() {
            self.note(msg);
        }
        let (hit, rest): (Vec<Value>, Vec<Value>) =
            self.events.drain(..).partition(|e| e["method"] == method);
        self.events = rest.into();
        hit
    }

    /// Evaluates `expression` (awaiting a promise) and returns its JSON value.
    pub fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
        );
        if let Some(ex) = r.get("exceptionDetails") {
            panic!("evaluating {expression}: {}", ex["exception"]["description"]);
        }
        r["result"]["value"].clone()
    }

    /// Opens `url` (the explorer's routes change only the fragment, so a
    /// route change is a `hashchange`, as when a reader clicks a link).
    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
    }

    /// Polls `expression` until it is truthy (`between` runs between polls,
    /// e.g. to answer intercepted requests); returns its value. Panics with
    /// `what` and the page's text after `PAGE_WAIT`.
    pub fn wait_until_with(
        &mut self,
        what: &str,
        expression: &str,
        mut between: impl FnMut(&mut Browser),
    ) -> Value {
        let deadline = Instant::now() + PAGE_WAIT;
        loop {
            let v = self.eval(expression);
            let truthy =
                !matches!(v, Value::Null | Value::Bool(false)) && v != json!("") && v != json!(0);
            if truthy {
                return v;
            }
            if Instant::now() >= deadline {
                let text = self.eval("document.querySelector('main')?.innerText ?? ''");
                panic!(
                    "{what}: not after {PAGE_WAIT:?} (url {}); page errors {:?}; page text:\n{}",
                    self.eval("location.href"),
                    self.page_errors,
                    text.as_str().unwrap_or("")
                );
            }
            between(self);
            std::thread::sleep(POLL);
        }
    }

    /// [`Browser::wait_until_with`] with nothing to do between polls.
    pub fn wait_until(&mut self, what: &str, expression: &str) -> Value {
        self.wait_until_with(what, expression, |_| {})
    }

    /// The text of the first element matching `selector` ("" if none).
    pub fn text(&mut self, selector: &str) -> String {
        let expr = format!("document.querySelector({})?.innerText ?? ''", json!(selector));
        self.eval(&expr).as_str().unwrap_or("").trim().to_string()
    }

    /// Focuses `selector`, types `text` and presses Enter, as a reader would.
    pub fn type_and_enter(&mut self, selector: &str, text: &str) {
        let focus = format!("document.querySelector({}).focus()", json!(selector));
        self.eval(&focus);
        self.call("Input.insertText", json!({ "text": text }));
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": "Enter", "code": "Enter",
                        "windowsVirtualKeyCode": 13, "text": "\r" }),
            );
        }
    }

    /// Chooses `file` in the `<input type=file>` matching `selector`.
    pub fn set_file(&mut self, selector: &str, file: &Path) {
        let doc = self.call("DOM.getDocument", json!({ "depth": 0 }));
        let root = doc["root"]["nodeId"].clone();
        let node = self.call("DOM.querySelector", json!({ "nodeId": root, "selector": selector }));
        assert_ne!(node["nodeId"], json!(0), "no element {selector}");
        self.call(
            "DOM.setFileInputFiles",
            json!({ "files": [file.display().to_string()], "nodeId": node["nodeId"] }),
        );
    }

    /// Pauses every response whose URL matches `pattern` (CDP wildcards)
    /// until [`Browser::answer_paused`] answers it.
    pub fn intercept_responses(&mut self, pattern: &str) {
        self.call(
            "Fetch.enable",
            json!({ "patterns": [{ "urlPattern": pattern, "requestStage": "Response" }] }),
        );
    }

    /// Stops intercepting.
    pub fn stop_intercepting(&mut self) {
        self.call("Fetch.disable", json!({}));
    }

    /// Answers every paused response with `rewrite(url, body)`; returns how many.
    pub fn answer_paused(&mut self, mut rewrite: impl FnMut(&str, Vec<u8>) -> Vec<u8>) -> usize {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let paused = self.take_events("Fetch.requestPaused");
        for event in &paused {
            let p = &event["params"];
            let id = p["requestId"].clone();
            let url = p["request"]["url"].as_str().unwrap_or("").to_string();
            let body = self.call("Fetch.getResponseBody", json!({ "requestId": id }));
            let raw = body["body"].as_str().unwrap_or("");
            let bytes = if body["base64Encoded"] == json!(true) {
                b64.decode(raw).expect("base64 body")
            } else {
                raw.as_bytes().to_vec()
            };
            let new_body = rewrite(&url, bytes);
            self.call(
                "Fetch.fulfillRequest",
                json!({
                    "requestId": id,
                    "responseCode": p["responseStatusCode"].as_u64().unwrap_or(200),
                    "responseHeaders": [{ "name": "content-type", "value": "application/json" }],
                    "body": b64.encode(new_body),
                }),
            );
        }
        paused.len()
    }

    /// A full-page PNG screenshot at `target/explorer-screenshots/<name>.png`;
    /// returns its path.
    pub fn screenshot(&mut self, name: &str) -> PathBuf {
        use base64::Engine as _;
        let metrics = self.call("Page.getLayoutMetrics", json!({}));
        let size = &metrics["cssContentSize"];
        let width = size["width"].as_f64().unwrap_or(f64::from(VIEWPORT.0));
        let height = size["height"].as_f64().unwrap_or(f64::from(VIEWPORT.1)).min(6000.0);
        let shot = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 } }),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("png base64");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        println!("screenshot: {}", path.display());
        path
    }

    fn chromium_log(&self) -> String {
        let lines = self.log.lock().unwrap_or_else(|e| e.into_inner());
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.ws.close(None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

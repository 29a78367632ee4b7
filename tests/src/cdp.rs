//! A small Chrome DevTools Protocol client for the browser tests: launches Debian's headless
//! Chromium, opens pages over one WebSocket (flattened sessions), evaluates JavaScript, clicks
//! with real mouse events, takes screenshots, and intercepts every request so that anything
//! not addressed to this machine is refused and recorded.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine as _;
use serde_json::{json, Value};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

/// Where Debian installs Chromium; `CAIRN_CHROMIUM` overrides it.
pub fn chromium_path() -> PathBuf {
    std::env::var_os("CAIRN_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// A running headless Chromium; killed (and its profile removed) on drop.
pub struct Browser {
    child: Child,
    profile: PathBuf,
    conn: Conn,
}

impl Browser {
    /// Starts Chromium with a fresh profile and connects to it.
    pub fn launch(window: (u32, u32)) -> Result<Browser> {
        let exe = chromium_path();
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let profile = std::env::temp_dir().join(format!("cairn-chromium-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&profile)?;
        let mut child = Command::new(&exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--mute-audio",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
                &format!("--window-size={},{}", window.0, window.1),
                &format!("--user-data-dir={}", profile.display()),
                "about:blank",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", exe.display()))?;
        let stderr = child.stderr.take().ok_or_else(|| anyhow!("no stderr"))?;
        let (tx, rx) = mpsc::channel();
        // Chromium prints the browser's WebSocket URL on stderr; the rest is drained.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(u) => u,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("Chromium did not report its DevTools endpoint within 30 s");
            }
        };
        let conn = Conn::connect(&url)?;
        Ok(Browser { child, profile, conn })
    }

    /// A new tab, with every request intercepted.
    pub fn new_page(&mut self, width: u32, height: u32) -> Result<Page<'_>> {
        let target = self.conn.call(None, "Target.createTarget", json!({"url": "about:blank"}))?;
        let target_id = target["targetId"].as_str().ok_or_else(|| anyhow!("no targetId"))?.to_string();
        let attached =
            self.conn.call(None, "Target.attachToTarget", json!({"targetId": target_id, "flatten": true}))?;
        let session = attached["sessionId"].as_str().ok_or_else(|| anyhow!("no sessionId"))?.to_string();
        let mut page = Page { conn: &mut self.conn, session };
        for domain in ["Page.enable", "Runtime.enable", "Network.enable"] {
            page.call(domain, json!({}))?;
        }
        page.call("Fetch.enable", json!({"patterns": [{"urlPattern": "*"}]}))?;
        page.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        )?;
        Ok(page)
    }

    /// Every URL any page asked for, and those refused for leaving this machine.
    pub fn requests(&self) -> (&[String], &[String]) {
        (&self.conn.requested, &self.conn.blocked)
    }

    /// JavaScript errors and console errors the pages reported.
    pub fn page_errors(&self) -> &[String] {
        &self.conn.errors
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Is this URL on this machine (or not a network request at all)?
pub fn is_local(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        // data:, blob:, about:
        return true;
    };
    if !matches!(scheme, "http" | "https" | "ws" | "wss") {
        return scheme == "chrome-extension" || scheme == "devtools";
    }
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.rsplit_once(':').map_or(host_port, |(h, _)| h),
    };
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The DevTools connection: commands with ids, events queued until someone waits for them.
struct Conn {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    events: VecDeque<Value>,
    requested: Vec<String>,
    blocked: Vec<String>,
    errors: Vec<String>,
}

impl Conn {
    fn connect(url: &str) -> Result<Conn> {
        let addr = url
            .strip_prefix("ws://")
            .and_then(|r| r.split('/').next())
            .ok_or_else(|| anyhow!("unexpected DevTools URL {url}"))?;
        let stream = TcpStream::connect(addr)?;
        let config = WebSocketConfig::default().max_message_size(Some(512 << 20)).max_frame_size(None);
        let (ws, _) = tungstenite::client::client_with_config(url, stream, Some(config))
            .map_err(|e| anyhow!("WebSocket handshake with Chromium failed: {e}"))?;
        ws.get_ref().set_read_timeout(Some(Duration::from_millis(100)))?;
        Ok(Conn {
            ws,
            next_id: 1,
            events: VecDeque::new(),
            requested: Vec::new(),
            blocked: Vec::new(),
            errors: Vec::new(),
        })
    }

    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<u64> {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::text(msg.to_string()))?;
        Ok(id)
    }

    /// Reads one message (`None` on a read timeout), handling request interception on the way.
    fn read(&mut self) -> Result<Option<Value>> {
        let msg = match self.ws.read() {
            Ok(m) => m,
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(anyhow!("DevTools connection: {e}")),
        };
        let text = match msg {
            Message::Text(t) => t.to_string(),
            Message::Binary(b) => String::from_utf8_lossy(&b).to_string(),
            _ => return Ok(None),
        };
        let v: Value = serde_json::from_str(&text)?;
        self.observe(&v)?;
        Ok(Some(v))
    }

    /// Lets local requests through and refuses the rest; notes page errors.
    fn observe(&mut self, v: &Value) -> Result<()> {
        let session = v["sessionId"].as_str().map(str::to_string);
        match v["method"].as_str() {
            Some("Fetch.requestPaused") => {
                let url = v["params"]["request"]["url"].as_str().unwrap_or("").to_string();
                let request_id = v["params"]["requestId"].clone();
                if is_local(&url) {
                    self.send(session.as_deref(), "Fetch.continueRequest", json!({"requestId": request_id}))?;
                } else {
                    self.blocked.push(url);
                    self.send(
                        session.as_deref(),
                        "Fetch.failRequest",
                        json!({"requestId": request_id, "errorReason": "BlockedByClient"}),
                    )?;
                }
            }
            Some("Network.requestWillBeSent") => {
                self.requested.push(v["params"]["request"]["url"].as_str().unwrap_or("").to_string());
            }
            Some("Runtime.exceptionThrown") => {
                let d = &v["params"]["exceptionDetails"];
                let text = d["exception"]["description"].as_str().or(d["text"].as_str()).unwrap_or("exception");
                self.errors.push(text.to_string());
            }
            Some("Runtime.consoleAPICalled") if v["params"]["type"] == "error" => {
                self.errors.push(v["params"]["args"].to_string());
            }
            _ => {}
        }
        Ok(())
    }

    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Result<Value> {
        let id = self.send(session, method, params)?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let Some(v) = self.read()? else { continue };
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    bail!("{method} failed: {e}");
                }
                return Ok(v["result"].clone());
            }
            if v.get("method").is_some() {
                self.events.push_back(v);
            }
        }
        bail!("{method}: no answer within 60 s")
    }

    /// The next event named `method` for `session`, from the queue or the wire.
    fn wait_event(&mut self, session: &str, method: &str, timeout: Duration) -> Result<Value> {
        if let Some(pos) = self.events.iter().position(|e| e["method"] == method && e["sessionId"] == session) {
            return self.events.remove(pos).ok_or_else(|| anyhow!("event vanished"));
        }
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            let Some(v) = self.read()? else { continue };
            if v["method"] == method && v["sessionId"] == session {
                return Ok(v);
            }
            if v.get("method").is_some() && self.events.len() < 10_000 {
                self.events.push_back(v);
            }
        }
        bail!("no {method} within {timeout:?}")
    }

    /// Handles whatever arrived (interception must not wait for the test to ask).
    fn pump(&mut self, for_at_least: Duration) -> Result<()> {
        let until = Instant::now() + for_at_least;
        while Instant::now() < until {
            if let Some(v) = self.read()? {
                if v.get("method").is_some() && self.events.len() < 10_000 {
                    self.events.push_back(v);
                }
            }
        }
        Ok(())
    }
}

/// One tab.
pub struct Page<'b> {
    conn: &'b mut Conn,
    session: String,
}

impl Page<'_> {
    pub fn call(&mut self, method: &str, params: Value) -> Result<Value> {
        self.conn.call(Some(&self.session), method, params)
    }

    /// Opens `url` and waits for its load event.
    pub fn goto(&mut self, url: &str) -> Result<()> {
        self.conn.events.retain(|e| e["method"] != "Page.loadEventFired");
        self.call("Page.navigate", json!({"url": url}))?;
        self.conn.wait_event(&self.session.clone(), "Page.loadEventFired", Duration::from_secs(30))?;
        Ok(())
    }

    /// The value of a JavaScript expression (promises awaited); a thrown error is an error.
    pub fn eval(&mut self, expr: &str) -> Result<Value> {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true, "userGesture": true}),
        )?;
        if let Some(e) = r.get("exceptionDetails") {
            bail!("JavaScript error in `{expr}`: {}", e["exception"]["description"].as_str().unwrap_or(&e.to_string()));
        }
        Ok(r["result"]["value"].clone())
    }

    /// Polls `expr` until it is truthy; returns its value.
    pub fn wait_for(&mut self, expr: &str, timeout: Duration) -> Result<Value> {
        let deadline = Instant::now() + timeout;
        let mut last = Value::Null;
        while Instant::now() < deadline {
            match self.eval(expr) {
                Ok(v) if truthy(&v) => return Ok(v),
                Ok(v) => last = v,
                Err(e) => last = json!(e.to_string()),
            }
            self.conn.pump(Duration::from_millis(100))?;
        }
        bail!("timed out after {timeout:?} waiting for `{expr}` (last value: {last})")
    }

    /// Clicks the centre of the first element matching `selector` with real mouse events.
    pub fn click(&mut self, selector: &str) -> Result<()> {
        let sel = serde_json::to_string(selector)?;
        let expr = format!(
            "(() => {{ const el = document.querySelector({sel}); if (!el) return null; \
             el.scrollIntoView({{block: 'center', inline: 'center'}}); \
             const r = (el.querySelector(':scope > rect') || el).getBoundingClientRect(); \
             return [r.left + Math.min(r.width / 2, 40), r.top + Math.min(r.height / 2, 12)]; }})()"
        );
        let at = self.eval(&expr)?;
        let (Some(x), Some(y)) = (at[0].as_f64(), at[1].as_f64()) else { bail!("no element matches {selector}") };
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            )?;
        }
        Ok(())
    }

    /// Types text into the focused element.
    pub fn type_text(&mut self, text: &str) -> Result<()> {
        self.call("Input.insertText", json!({"text": text}))?;
        Ok(())
    }

    /// A PNG of the whole page (not just the viewport).
    pub fn screenshot(&mut self, path: &Path) -> Result<()> {
        let r = self.call("Page.captureScreenshot", json!({"format": "png", "captureBeyondViewport": true}))?;
        let data = r["data"].as_str().ok_or_else(|| anyhow!("no screenshot data"))?;
        let bytes = base64::engine::general_purpose::STANDARD.decode(data)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)?;
        Ok(())
    }

    /// Lets queued network interception and events be handled for a while.
    pub fn idle(&mut self, d: Duration) -> Result<()> {
        self.conn.pump(d)
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_local() {
        assert!(is_local("http://127.0.0.1:8080/assets/app.js"));
        assert!(is_local("http://localhost/x"));
        assert!(is_local("http://[::1]:9/"));
        assert!(is_local("data:image/svg+xml,<svg/>"));
        assert!(!is_local("https://example.com/lib.js"));
        assert!(!is_local("http://10.0.0.1/"));
        assert!(!is_local("http://127.0.0.1.evil.com/"));
        assert!(!is_local("wss://cdn.example.org/socket"));
    }

    #[test]
    fn truthiness_follows_javascript() {
        assert!(!truthy(&json!(0)) && !truthy(&json!("")) && !truthy(&Value::Null) && !truthy(&json!(false)));
        assert!(truthy(&json!([])) && truthy(&json!("x")) && truthy(&json!(2)));
    }
}

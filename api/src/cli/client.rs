//! What the client subcommands (`start`, `describe`, `history`, `stop`, `list`) share: the
//! connection options, an AWS JSON protocol call (SigV4-signed when credentials are given), and
//! plain-text tables.

use serde_json::{json, Value};

use crate::auth::sigv4::{HttpRequest, Signer};

#[derive(clap::Args, Debug, Clone)]
pub struct ClientArgs {
    /// The server to talk to.
    #[arg(long, default_value = "http://127.0.0.1:8080", env = "CAIRN_ENDPOINT")]
    pub endpoint: String,
    /// Sign requests with this access key (when the server requires SigV4).
    #[arg(long, env = "CAIRN_ACCESS_KEY_ID", requires = "secret_access_key")]
    pub access_key_id: Option<String>,
    #[arg(long, env = "CAIRN_SECRET_ACCESS_KEY", hide_env_values = true, requires = "access_key_id")]
    pub secret_access_key: Option<String>,
    /// Region of the signature's credential scope.
    #[arg(long, default_value = "us-east-1", env = "CAIRN_REGION")]
    pub region: String,
    /// Print the server's JSON answer instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// A failed call: the server's AWS error, or no answer at all.
#[derive(Debug)]
pub enum CallError {
    Aws { kind: String, message: String },
    Transport(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Aws { kind, message } => write!(f, "{kind}: {message}"),
            CallError::Transport(m) => write!(f, "{m}"),
        }
    }
}

pub struct Client {
    args: ClientArgs,
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
}

impl Client {
    pub fn new(args: &ClientArgs) -> Result<Self, CallError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CallError::Transport(format!("cannot start the runtime: {e}")))?;
        Ok(Client { args: args.clone(), http: reqwest::Client::new(), rt })
    }

    pub fn json_output(&self) -> bool {
        self.args.json
    }

    /// Calls `AWSStepFunctions.<operation>` with `body`.
    pub fn call(&self, operation: &str, body: &Value) -> Result<Value, CallError> {
        self.rt.block_on(self.call_async(operation, body))
    }

    async fn call_async(&self, operation: &str, body: &Value) -> Result<Value, CallError> {
        let url = reqwest::Url::parse(&self.args.endpoint)
            .map_err(|e| CallError::Transport(format!("bad --endpoint {}: {e}", self.args.endpoint)))?;
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => return Err(CallError::Transport(format!("bad --endpoint {}: no host", self.args.endpoint))),
        };
        let bytes = body.to_string().into_bytes();
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), host),
            ("content-type".into(), "application/x-amz-json-1.0".into()),
            ("x-amz-target".into(), format!("AWSStepFunctions.{operation}")),
        ];
        if let (Some(id), Some(secret)) = (&self.args.access_key_id, &self.args.secret_access_key) {
            let signer = Signer { access_key: id, secret, region: &self.args.region, service: "states" };
            let req =
                HttpRequest { method: "POST", path: url.path(), query: "", headers: headers.clone(), body: &bytes };
            headers.extend(signer.sign(&req, chrono::Utc::now()));
        }
        let mut rb = self.http.post(url.clone());
        for (n, v) in headers.iter().filter(|(n, _)| n != "host") {
            rb = rb.header(n.as_str(), v.as_str());
        }
        let resp = rb
            .body(bytes)
            .send()
            .await
            .map_err(|e| CallError::Transport(format!("cannot reach {}: {e}", self.args.endpoint)))?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| CallError::Transport(format!("reading the answer: {e}")))?;
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| json!({"message": text}));
        if status.is_success() {
            return Ok(v);
        }
        let kind = v.get("__type").and_then(Value::as_str).unwrap_or("HTTP error");
        let kind = kind.rsplit('#').next().unwrap_or(kind).to_string();
        let message = v.get("message").and_then(Value::as_str).unwrap_or("").to_string();
        Err(CallError::Aws { kind: format!("{kind} ({})", status.as_u16()), message })
    }
}

/// Prints the error and gives the exit status of a failed call.
pub fn fail(e: CallError) -> u8 {
    eprintln!("error: {e}");
    1
}

pub fn print_json(v: &Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()));
}

/// An epoch-seconds date as AWS sends them, shown as RFC 3339 (UTC, milliseconds).
pub fn date(v: Option<&Value>) -> String {
    let Some(secs) = v.and_then(Value::as_f64) else {
        return String::new();
    };
    chrono::DateTime::from_timestamp_millis((secs * 1000.0).round() as i64)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

pub fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Columns aligned on the widest cell; the last column is not padded.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let n = cells.len();
        let mut s = String::new();
        for (i, c) in cells.into_iter().enumerate() {
            s.push_str(c);
            if i + 1 < n {
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(headers.to_vec());
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

/// `key  value` lines for one resource, skipping empty values.
pub fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k:width$}  {v}\n")).collect()
}

/// A state machine given by name or ARN → its ARN (a name is looked up on the server).
pub fn state_machine_arn(client: &Client, given: &str) -> Result<String, CallError> {
    if given.starts_with("arn:") {
        return Ok(given.to_string());
    }
    let mut token: Option<String> = None;
    loop {
        let mut req = json!({"maxResults": 1000});
        if let Some(t) = &token {
            req["nextToken"] = json!(t);
        }
        let page = client.call("ListStateMachines", &req)?;
        let found = page["stateMachines"]
            .as_array()
            .and_then(|a| a.iter().find(|sm| sm["name"] == given))
            .and_then(|sm| sm["stateMachineArn"].as_str());
        if let Some(arn) = found {
            return Ok(arn.to_string());
        }
        match page.get("nextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => {
                return Err(CallError::Aws {
                    kind: "StateMachineDoesNotExist".into(),
                    message: format!("no state machine named '{given}'"),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns() {
        let t = table(&["NAME", "STATUS"], &[vec!["a".into(), "RUNNING".into()], vec!["long-name".into(), "X".into()]]);
        assert_eq!(t, "NAME       STATUS\na          RUNNING\nlong-name  X\n");
    }

    #[test]
    fn dates_are_shown_in_utc() {
        assert_eq!(date(Some(&json!(1700000000.123))), "2023-11-14T22:13:20.123Z");
        assert_eq!(date(None), "");
    }
}

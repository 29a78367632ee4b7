//! `cairn history EXECUTION_ARN`: an execution's events (GetExecutionHistory, every page).

use serde_json::{json, Value};

use super::client::{self, Client, ClientArgs};

#[derive(clap::Args)]
pub struct Args {
    execution_arn: String,
    /// Newest event first.
    #[arg(long)]
    reverse: bool,
    #[command(flatten)]
    client: ClientArgs,
}

pub fn main(a: Args) -> u8 {
    let client = match Client::new(&a.client) {
        Ok(c) => c,
        Err(e) => return client::fail(e),
    };
    let mut events: Vec<Value> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut req = json!({"executionArn": a.execution_arn, "reverseOrder": a.reverse, "maxResults": 1000});
        if let Some(t) = &token {
            req["nextToken"] = json!(t);
        }
        let page = match client.call("GetExecutionHistory", &req) {
            Ok(p) => p,
            Err(e) => return client::fail(e),
        };
        events.extend(page["events"].as_array().cloned().unwrap_or_default());
        match page.get("nextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    if client.json_output() {
        client::print_json(&json!({"events": events}));
        return 0;
    }
    let rows: Vec<Vec<String>> = events.iter().map(row).collect();
    print!("{}", client::table(&["ID", "TIMESTAMP", "TYPE", "DETAIL"], &rows));
    0
}

/// The most telling detail of an event: its state's name, or its error and cause.
fn row(e: &Value) -> Vec<String> {
    let details = e.as_object().and_then(|o| o.iter().find(|(k, _)| k.ends_with("EventDetails")).map(|(_, v)| v));
    let detail = match details {
        Some(d) if d.get("name").is_some() => client::text(d.get("name")),
        Some(d) if d.get("error").is_some() || d.get("cause").is_some() => {
            let cause = client::text(d.get("cause"));
            let cause: String = cause.chars().take(120).collect();
            format!("{}: {cause}", client::text(d.get("error")))
        }
        Some(d) if d.get("resource").is_some() => client::text(d.get("resource")),
        _ => String::new(),
    };
    vec![client::text(e.get("id")), client::date(e.get("timestamp")), client::text(e.get("type")), detail]
}

//! `cairn list [STATE_MACHINE]`: the state machines of a server (ListStateMachines), or the
//! executions of one (ListExecutions, newest first, with a status filter).

use serde_json::{json, Value};

use super::client::{self, Client, ClientArgs};

#[derive(clap::Args)]
pub struct Args {
    /// List this state machine's executions (ARN or name) instead of the state machines.
    state_machine: Option<String>,
    /// Only executions with this status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED).
    #[arg(long)]
    status: Option<String>,
    /// At most this many rows.
    #[arg(long, default_value_t = 100)]
    max: usize,
    #[command(flatten)]
    client: ClientArgs,
}

pub fn main(a: Args) -> u8 {
    let client = match Client::new(&a.client) {
        Ok(c) => c,
        Err(e) => return client::fail(e),
    };
    let result = match &a.state_machine {
        None => collect(&client, "ListStateMachines", json!({}), "stateMachines", a.max),
        Some(sm) => client::state_machine_arn(&client, sm).and_then(|arn| {
            let mut req = json!({"stateMachineArn": arn});
            if let Some(s) = &a.status {
                req["statusFilter"] = json!(s);
            }
            collect(&client, "ListExecutions", req, "executions", a.max)
        }),
    };
    let items = match result {
        Ok(items) => items,
        Err(e) => return client::fail(e),
    };
    let key = if a.state_machine.is_some() { "executions" } else { "stateMachines" };
    if client.json_output() {
        client::print_json(&json!({ key: items }));
        return 0;
    }
    let t = |v: &Value, k: &str| client::text(v.get(k));
    if a.state_machine.is_some() {
        let rows: Vec<Vec<String>> = items
            .iter()
            .map(|e| {
                vec![
                    t(e, "name"),
                    t(e, "status"),
                    client::date(e.get("startDate")),
                    client::date(e.get("stopDate")),
                    t(e, "executionArn"),
                ]
            })
            .collect();
        print!("{}", client::table(&["NAME", "STATUS", "STARTED", "STOPPED", "ARN"], &rows));
    } else {
        let rows: Vec<Vec<String>> = items
            .iter()
            .map(|s| vec![t(s, "name"), t(s, "type"), client::date(s.get("creationDate")), t(s, "stateMachineArn")])
            .collect();
        print!("{}", client::table(&["NAME", "TYPE", "CREATED", "ARN"], &rows));
    }
    0
}

/// Follows `nextToken` until `max` items.
fn collect(client: &Client, op: &str, base: Value, key: &str, max: usize) -> Result<Vec<Value>, client::CallError> {
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    while items.len() < max {
        let mut req = base.clone();
        req["maxResults"] = json!((max - items.len()).min(1000));
        if let Some(t) = &token {
            req["nextToken"] = json!(t);
        }
        let page = client.call(op, &req)?;
        items.extend(page[key].as_array().cloned().unwrap_or_default());
        match page.get("nextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    items.truncate(max);
    Ok(items)
}

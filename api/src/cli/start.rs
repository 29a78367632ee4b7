//! `cairn start STATE_MACHINE`: starts an execution on a server (StartExecution), optionally
//! waiting for it to finish.

use std::time::Duration;

use serde_json::{json, Value};

use super::client::{self, Client, ClientArgs};

#[derive(clap::Args)]
pub struct Args {
    /// The state machine: its ARN (a version or alias ARN too) or its name.
    state_machine: String,
    /// The execution's input (JSON text).
    #[arg(long, conflicts_with = "input_file")]
    input: Option<String>,
    /// Read the input from a file.
    #[arg(long)]
    input_file: Option<String>,
    /// The execution's name (a UUID when absent).
    #[arg(long)]
    name: Option<String>,
    /// Wait until the execution ends, print how it ended, and exit 1 unless it SUCCEEDED.
    #[arg(long)]
    wait: bool,
    #[command(flatten)]
    client: ClientArgs,
}

fn read_input(a: &Args) -> Result<Option<String>, u8> {
    let text = match (&a.input, &a.input_file) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => std::fs::read_to_string(f).map_err(|e| {
            eprintln!("error: cannot read {f}: {e}");
            2
        })?,
        (None, None) => return Ok(None),
    };
    if let Err(e) = serde_json::from_str::<Value>(&text) {
        eprintln!("error: the input is not JSON: {e}");
        return Err(2);
    }
    Ok(Some(text))
}

pub fn main(a: Args) -> u8 {
    let input = match read_input(&a) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let client = match Client::new(&a.client) {
        Ok(c) => c,
        Err(e) => return client::fail(e),
    };
    let arn = match client::state_machine_arn(&client, &a.state_machine) {
        Ok(arn) => arn,
        Err(e) => return client::fail(e),
    };
    let mut req = json!({"stateMachineArn": arn});
    if let Some(i) = input {
        req["input"] = json!(i);
    }
    if let Some(n) = &a.name {
        req["name"] = json!(n);
    }
    let started = match client.call("StartExecution", &req) {
        Ok(v) => v,
        Err(e) => return client::fail(e),
    };
    if !a.wait {
        if client.json_output() {
            client::print_json(&started);
        } else {
            print!(
                "{}",
                client::fields(&[
                    ("executionArn", client::text(started.get("executionArn"))),
                    ("startDate", client::date(started.get("startDate"))),
                ])
            );
        }
        return 0;
    }
    let exec_arn = client::text(started.get("executionArn"));
    loop {
        let d = match client.call("DescribeExecution", &json!({"executionArn": exec_arn})) {
            Ok(d) => d,
            Err(e) => return client::fail(e),
        };
        if d["status"] != "RUNNING" {
            super::describe::print_execution(&client, &d);
            return if d["status"] == "SUCCEEDED" { 0 } else { 1 };
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

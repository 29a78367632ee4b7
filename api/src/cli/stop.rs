//! `cairn stop EXECUTION_ARN`: stops a running execution (StopExecution).

use serde_json::json;

use super::client::{self, Client, ClientArgs};

#[derive(clap::Args)]
pub struct Args {
    execution_arn: String,
    /// The error code recorded with the stop.
    #[arg(long)]
    error: Option<String>,
    /// The cause recorded with the stop.
    #[arg(long)]
    cause: Option<String>,
    #[command(flatten)]
    client: ClientArgs,
}

pub fn main(a: Args) -> u8 {
    let client = match Client::new(&a.client) {
        Ok(c) => c,
        Err(e) => return client::fail(e),
    };
    let mut req = json!({"executionArn": a.execution_arn});
    if let Some(e) = &a.error {
        req["error"] = json!(e);
    }
    if let Some(c) = &a.cause {
        req["cause"] = json!(c);
    }
    match client.call("StopExecution", &req) {
        Ok(v) if client.json_output() => {
            client::print_json(&v);
            0
        }
        Ok(v) => {
            print!("{}", client::fields(&[("stopDate", client::date(v.get("stopDate")))]));
            0
        }
        Err(e) => client::fail(e),
    }
}

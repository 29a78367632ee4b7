//! `cairn describe ARN`: an execution (DescribeExecution) or a state machine
//! (DescribeStateMachine), by the type of its ARN.

use serde_json::{json, Value};

use super::client::{self, Client, ClientArgs};

#[derive(clap::Args)]
pub struct Args {
    /// An execution ARN, or a state machine ARN or name.
    arn: String,
    #[command(flatten)]
    client: ClientArgs,
}

pub fn main(a: Args) -> u8 {
    let client = match Client::new(&a.client) {
        Ok(c) => c,
        Err(e) => return client::fail(e),
    };
    let is_execution = matches!(a.arn.split(':').nth(5), Some("execution" | "express"));
    let result = if is_execution {
        client.call("DescribeExecution", &json!({"executionArn": a.arn})).map(|d| print_execution(&client, &d))
    } else {
        client::state_machine_arn(&client, &a.arn)
            .and_then(|arn| client.call("DescribeStateMachine", &json!({"stateMachineArn": arn})))
            .map(|d| print_state_machine(&client, &d))
    };
    match result {
        Ok(()) => 0,
        Err(e) => client::fail(e),
    }
}

pub fn print_execution(client: &Client, d: &Value) {
    if client.json_output() {
        return client::print_json(d);
    }
    let t = |k: &str| client::text(d.get(k));
    print!(
        "{}",
        client::fields(&[
            ("executionArn", t("executionArn")),
            ("stateMachineArn", t("stateMachineArn")),
            ("version", t("stateMachineVersionArn")),
            ("alias", t("stateMachineAliasArn")),
            ("name", t("name")),
            ("status", t("status")),
            ("startDate", client::date(d.get("startDate"))),
            ("stopDate", client::date(d.get("stopDate"))),
            ("input", t("input")),
            ("output", t("output")),
            ("error", t("error")),
            ("cause", t("cause")),
        ])
    );
}

fn print_state_machine(client: &Client, d: &Value) {
    if client.json_output() {
        return client::print_json(d);
    }
    let t = |k: &str| client::text(d.get(k));
    print!(
        "{}",
        client::fields(&[
            ("stateMachineArn", t("stateMachineArn")),
            ("name", t("name")),
            ("type", t("type")),
            ("status", t("status")),
            ("roleArn", t("roleArn")),
            ("creationDate", client::date(d.get("creationDate"))),
            ("revisionId", t("revisionId")),
            ("description", t("description")),
        ])
    );
    println!("definition:\n{}", t("definition"));
}

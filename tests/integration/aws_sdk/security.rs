//! With credentials configured: SigV4 is verified (right secret, wrong secret, unknown key,
//! unsigned), REST needs the bearer token, and health and metrics stay open.

use super::harness::{error, Options, Server, PASS};

async fn secured() -> Server {
    Server::with(Options {
        access_key: Some(("AKIDCAIRN".into(), "right-secret".into())),
        api_token: Some("rest-token".into()),
    })
    .await
}

#[tokio::test]
async fn only_requests_signed_with_a_configured_key_are_served() {
    let server = secured().await;
    let good = server.client_with("AKIDCAIRN", "right-secret");
    good.create_state_machine().name("s").definition(PASS).role_arn("r").send().await.unwrap();
    assert_eq!(good.list_state_machines().send().await.unwrap().state_machines.len(), 1);

    let wrong = server.client_with("AKIDCAIRN", "wrong-secret");
    let (code, msg) = error(wrong.list_state_machines().send().await);
    assert_eq!(code, "InvalidSignatureException");
    assert!(msg.starts_with("The request signature we calculated does not match"), "{msg}");
    let stranger = server.client_with("AKIDOTHER", "right-secret");
    let (code, msg) = error(stranger.list_state_machines().send().await);
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("UnrecognizedClientException", "The security token included in the request is invalid.")
    );

    let (status, body) = server.aws_raw("ListStateMachines", "{}").await;
    assert_eq!((status, body["__type"].as_str()), (403, Some("MissingAuthenticationTokenException")));
    let (status, body) = server
        .raw(
            "POST",
            "/",
            &[
                ("x-amz-target", "AWSStepFunctions.ListStateMachines"),
                ("authorization", "AWS4-HMAC-SHA256 Credential=AKIDCAIRN/20240101/us-east-1/states/aws4_request"),
            ],
            "{}",
        )
        .await;
    assert_eq!(status, 403);
    assert!(body.contains("IncompleteSignatureException"), "{body}");
}

#[tokio::test]
async fn rest_needs_the_bearer_token_but_health_and_metrics_do_not() {
    let server = secured().await;
    let (status, _) = server.raw("GET", "/v1/state-machines", &[], "").await;
    assert_eq!(status, 401);
    let (status, _) = server.raw("GET", "/v1/state-machines", &[("authorization", "Bearer wrong")], "").await;
    assert_eq!(status, 401);
    let (status, _) = server.raw("GET", "/v1/state-machines", &[("authorization", "Bearer rest-token")], "").await;
    assert_ne!(status, 401);
    let (status, _) = server.raw("GET", "/healthz", &[], "").await;
    assert_eq!(status, 200);
    let good = server.client_with("AKIDCAIRN", "right-secret");
    let arn =
        good.create_state_machine().name("m").definition(PASS).role_arn("r").send().await.unwrap().state_machine_arn;
    let e = good.start_execution().state_machine_arn(&arn).send().await.unwrap();
    super::harness::wait_done(&good, &e.execution_arn).await;
    let (status, metrics) = server.raw("GET", "/metrics", &[], "").await;
    assert_eq!(status, 200);
    assert!(metrics.contains("cairn_executions_started_total 1"), "{metrics}");
    assert!(metrics.contains("cairn_executions_finished_total{status=\"SUCCEEDED\"} 1"), "{metrics}");
    assert!(metrics.contains("cairn_aws_requests_total{operation=\"StartExecution\",outcome=\"ok\"} 1"), "{metrics}");
}

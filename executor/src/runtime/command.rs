//! The `command` runtime: a program spawned per call, the event JSON on its stdin, the result JSON
//! on its stdout. A non-zero exit is an error: its stdout may hold a Lambda-style error object;
//! otherwise the error is `Unhandled` with the end of stderr as message.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{error_payload, parse_error_body, timed_out, DEFAULT_TIMEOUT_SECS, MAX_RESPONSE_BYTES};
use crate::{FunctionError, FunctionSpec};

pub async fn call(
    spec: &FunctionSpec,
    argv: &[String],
    event: &Value,
    attempt_key: &str,
) -> Result<Value, FunctionError> {
    let Some((program, args)) = argv.split_first() else {
        return Err(error_payload("Lambda.InvalidRuntimeException", "the function's command is empty"));
    };
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .envs(&spec.env)
        .env("CAIRN_IDEMPOTENCY_KEY", attempt_key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(dir) = &spec.working_dir {
        cmd.current_dir(dir);
    }
    let mut child =
        cmd.spawn().map_err(|e| error_payload("Lambda.ServiceException", &format!("cannot start '{program}': {e}")))?;
    let input = serde_json::to_vec(event).unwrap_or_default();
    let mut stdin = child.stdin.take();
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let secs = spec.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECS);
    let run = async {
        if let Some(mut s) = stdin.take() {
            // A program that ignores its input may close stdin early; that is not an error.
            let _ = s.write_all(&input).await;
            drop(s);
        }
        let mut out = Vec::new();
        let mut err = Vec::new();
        let read_out = async {
            if let Some(s) = stdout.as_mut() {
                let _ = s.take(MAX_RESPONSE_BYTES as u64 + 1).read_to_end(&mut out).await;
            }
        };
        let read_err = async {
            if let Some(s) = stderr.as_mut() {
                let _ = s.take(64 * 1024).read_to_end(&mut err).await;
            }
        };
        tokio::join!(read_out, read_err);
        let status = child.wait().await;
        (status, out, err)
    };
    let (status, out, err) = match tokio::time::timeout(Duration::from_secs(secs), run).await {
        Ok(r) => r,
        Err(_) => return Err(timed_out(secs)),
    };
    let status = status.map_err(|e| error_payload("Lambda.ServiceException", &e.to_string()))?;
    if out.len() > MAX_RESPONSE_BYTES {
        return Err(error_payload(
            "Lambda.ResponseSizeTooLarge",
            &format!("Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."),
        ));
    }
    let out_text = String::from_utf8_lossy(&out);
    if !status.success() {
        if !out_text.trim().is_empty() {
            let e = parse_error_body(&out_text, "Unhandled");
            if e.error_type != "Unhandled" {
                return Err(e);
            }
        }
        let stderr_text = String::from_utf8_lossy(&err);
        let tail: String = stderr_text.chars().rev().take(4000).collect::<Vec<_>>().into_iter().rev().collect();
        return Err(error_payload("Unhandled", &format!("The function exited with {status}: {}", tail.trim())));
    }
    if out_text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&out_text).map_err(|e| {
        error_payload("Lambda.InvalidResponseException", &format!("The function's output is not JSON: {e}"))
    })
}

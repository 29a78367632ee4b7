//! Who may talk to the server: the credentials it was started with, the bearer-token guard of the
//! REST API (`/v1`), and SigV4 verification of AWS-protocol requests ([`sigv4`]).

pub mod sigv4;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::AppState;

/// Credentials the server requires; nothing is required when both are empty.
#[derive(Clone, Default)]
pub struct AuthConfig {
    /// Access key id → secret access key, for SigV4.
    pub access_keys: Vec<(String, String)>,
    /// The token REST clients send as `Authorization: Bearer TOKEN`.
    pub api_token: Option<String>,
}

impl std::fmt::Debug for AuthConfig {
    /// Never prints a secret: only which key ids exist and whether a token is set.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.access_keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("AuthConfig")
            .field("access_key_ids", &ids)
            .field("api_token", &self.api_token.is_some())
            .finish()
    }
}

impl AuthConfig {
    /// Does the AWS protocol require signed requests?
    pub fn requires_signature(&self) -> bool {
        !self.access_keys.is_empty()
    }

    pub fn secret_for(&self, access_key_id: &str) -> Option<&str> {
        self.access_keys.iter().find(|(id, _)| id == access_key_id).map(|(_, s)| s.as_str())
    }

    /// Is `header` (the whole `Authorization` value) the configured bearer token?
    pub fn bearer_ok(&self, header: Option<&str>) -> bool {
        let Some(token) = &self.api_token else {
            return true;
        };
        let given = header.and_then(|h| h.strip_prefix("Bearer ")).unwrap_or("");
        // Digests have a fixed length, so comparing them leaks neither the token nor its length.
        ct_eq(&Sha256::digest(given.trim().as_bytes()), &Sha256::digest(token.as_bytes()))
    }
}

/// `cairn serve`'s credential options.
#[derive(clap::Args, Debug, Default)]
pub struct SecurityArgs {
    /// Access key id AWS-protocol requests must be signed with (SigV4).
    #[arg(long, env = "CAIRN_ACCESS_KEY_ID", requires = "secret_access_key")]
    pub access_key_id: Option<String>,
    /// The secret of `--access-key-id`.
    #[arg(long, env = "CAIRN_SECRET_ACCESS_KEY", hide_env_values = true, requires = "access_key_id")]
    pub secret_access_key: Option<String>,
    /// Token REST requests under /v1 must send as `Authorization: Bearer TOKEN`.
    #[arg(long, env = "CAIRN_API_TOKEN", hide_env_values = true)]
    pub api_token: Option<String>,
    /// Allow listening beyond loopback without credentials (anyone who reaches the port can run
    /// workflows).
    #[arg(long, env = "CAIRN_INSECURE")]
    pub insecure: bool,
}

impl SecurityArgs {
    /// The credentials to require when serving on `bind`; refuses an address reachable from
    /// other hosts unless both the AWS protocol and REST are protected, or `--insecure`.
    pub async fn config_for(&self, bind: &str) -> anyhow::Result<AuthConfig> {
        let config = AuthConfig {
            access_keys: match (&self.access_key_id, &self.secret_access_key) {
                (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => vec![(id.clone(), secret.clone())],
                (None, None) => Vec::new(),
                _ => anyhow::bail!("--access-key-id and --secret-access-key go together and must not be empty"),
            },
            api_token: self.api_token.clone().filter(|t| !t.is_empty()),
        };
        let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host(bind).await?.collect();
        let exposed = addrs.iter().any(|a| !a.ip().is_loopback());
        let protected = config.requires_signature() && config.api_token.is_some();
        if exposed && !protected {
            if !self.insecure {
                anyhow::bail!(
                    "refusing to listen on {bind} (reachable from other hosts) without credentials: give \
                     --access-key-id/--secret-access-key and --api-token (or CAIRN_ACCESS_KEY_ID, \
                     CAIRN_SECRET_ACCESS_KEY, CAIRN_API_TOKEN), or --insecure to accept the risk"
                );
            }
            tracing::warn!(bind, "listening beyond loopback without full credentials (--insecure)");
        }
        Ok(config)
    }
}

/// Constant-time equality of two byte strings of the same length.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware: requests under `/v1` must carry the bearer token when one is configured. Health,
/// metrics, the AWS protocol (it has its own check) and the UI's files pass untouched.
pub async fn require_bearer(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let guarded = path == "/v1" || path.starts_with("/v1/");
    if guarded {
        let header = req.headers().get("authorization").and_then(|v| v.to_str().ok());
        if !state.config.auth.bearer_ok(header) {
            tracing::warn!(path = %path, "REST request without a valid bearer token");
            return unauthorized();
        }
    }
    next.run(req).await
}

fn unauthorized() -> Response {
    let body = json!({
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "This server requires `Authorization: Bearer TOKEN` (the token given to `cairn serve --api-token`)."
    });
    (
        StatusCode::UNAUTHORIZED,
        [("content-type", "application/problem+json"), ("www-authenticate", "Bearer")],
        body.to_string(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_must_match_exactly() {
        let open = AuthConfig::default();
        assert!(open.bearer_ok(None));
        let c = AuthConfig { access_keys: vec![], api_token: Some("s3cret".into()) };
        assert!(c.bearer_ok(Some("Bearer s3cret")));
        assert!(!c.bearer_ok(Some("Bearer s3cre")));
        assert!(!c.bearer_ok(Some("Basic s3cret")));
        assert!(!c.bearer_ok(None));
    }

    #[tokio::test]
    async fn exposed_addresses_need_credentials_or_insecure() {
        let open = SecurityArgs::default();
        assert!(open.config_for("127.0.0.1:0").await.is_ok());
        let e = open.config_for("0.0.0.0:0").await.unwrap_err().to_string();
        assert!(e.starts_with("refusing to listen on 0.0.0.0:0"), "{e}");
        let insecure = SecurityArgs { insecure: true, ..SecurityArgs::default() };
        assert!(insecure.config_for("0.0.0.0:0").await.is_ok());
        let only_keys = SecurityArgs {
            access_key_id: Some("AKID".into()),
            secret_access_key: Some("secret".into()),
            ..SecurityArgs::default()
        };
        assert!(only_keys.config_for("0.0.0.0:0").await.is_err());
        let full = SecurityArgs { api_token: Some("tok".into()), ..only_keys };
        let c = full.config_for("0.0.0.0:0").await.unwrap();
        assert_eq!(c.secret_for("AKID"), Some("secret"));
        assert!(c.requires_signature());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let c = AuthConfig { access_keys: vec![("AKID".into(), "topsecret".into())], api_token: Some("tok".into()) };
        let s = format!("{c:?}");
        assert!(s.contains("AKID"));
        assert!(!s.contains("topsecret") && !s.contains("tok\""));
    }
}

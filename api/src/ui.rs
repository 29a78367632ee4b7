//! The web UI: static HTML, CSS and JavaScript from `web-ui/`, embedded in the binary (no build
//! step, no external request). Every page path serves the same shell; the script routes on the
//! path (`/`, `/state-machines/<arn>`, `/executions/<arn>`, `/preview`).

use std::sync::Arc;

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AppState;

/// Only this origin may be reached from the pages, and nothing inline may run.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const INDEX: &str = include_str!("../../web-ui/index.html");

/// The assets under `/assets/`, by file name.
const ASSETS: &[(&str, &str, &str)] = &[
    ("app.css", "text/css; charset=utf-8", include_str!("../../web-ui/app.css")),
    ("app.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/app.js")),
    ("api.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/api.js")),
    ("dom.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/dom.js")),
    ("graph.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/graph.js")),
    ("machines.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/machines.js")),
    ("machine.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/machine.js")),
    ("execution.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/execution.js")),
    ("inspector.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/inspector.js")),
    ("timeline.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/timeline.js")),
    ("events.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/events.js")),
    ("preview.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/preview.js")),
    ("json-editor.js", "text/javascript; charset=utf-8", include_str!("../../web-ui/js/json-editor.js")),
    ("favicon.svg", "image/svg+xml", include_str!("../../web-ui/favicon.svg")),
];

/// The UI's routes.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index))
        .route("/preview", get(index))
        .route("/state-machines/{arn}", get(index))
        .route("/executions/{arn}", get(index))
        .route("/assets/{file}", get(asset))
        .route("/favicon.ico", get(|| asset(Path("favicon.svg".to_string()))))
}

fn page(content_type: &str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn index() -> Response {
    page("text/html; charset=utf-8", INDEX)
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, body)) => page(content_type, body),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_script_the_page_imports_is_served() {
        // `import … from "./x.js"` in any asset must name an asset.
        let re = ["from \"./", "import(\"./"];
        for (name, _, body) in ASSETS {
            for pat in re {
                for part in body.split(pat).skip(1) {
                    let file = part.split('"').next().unwrap_or("");
                    assert!(ASSETS.iter().any(|(n, _, _)| *n == file), "{name} imports {file}, which is not served");
                }
            }
        }
        assert!(INDEX.contains("/assets/app.js"));
    }

    #[tokio::test]
    async fn assets_carry_a_strict_content_security_policy() {
        let r = asset(Path("app.js".into())).await;
        assert_eq!(r.status(), StatusCode::OK);
        let csp = r.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(csp.contains("connect-src 'self'") && csp.contains("script-src 'self'"));
        assert_eq!(asset(Path("nope.js".into())).await.status(), StatusCode::NOT_FOUND);
    }
}

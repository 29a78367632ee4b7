//! Request extractors whose rejections are problem details, and cursor pagination.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::ToSchema;

use super::Problem;

/// A JSON request body; malformed JSON is a 400 problem naming what is wrong.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| Problem::bad_request(format!("cannot read the request body: {e}")))?;
        let text = if bytes.is_empty() { &b"{}"[..] } else { &bytes[..] };
        serde_json::from_slice(text)
            .map(Body)
            .map_err(|e| Problem::bad_request(format!("the request body is not valid: {e}")))
    }
}

/// Query parameters; a malformed one is a 400 problem.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| Problem::bad_request(e.body_text()))
    }
}

/// The default and the largest page size.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 1000;

/// One page of a listing; `nextCursor` is absent on the last page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The page size asked for, within bounds.
pub fn limit(asked: Option<usize>) -> Result<usize, Problem> {
    match asked {
        None | Some(0) => Ok(DEFAULT_LIMIT),
        Some(n) if n <= MAX_LIMIT => Ok(n),
        Some(n) => Err(Problem::bad_request(format!("limit must be at most {MAX_LIMIT}, not {n}"))),
    }
}

/// Cursors are opaque to clients: a position in the listing, with a prefix saying what it is.
pub fn encode_cursor(kind: char, position: u64) -> String {
    format!("{kind}{position:x}")
}

pub fn decode_cursor(kind: char, cursor: Option<&str>) -> Result<u64, Problem> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else { return Ok(0) };
    c.strip_prefix(kind)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .ok_or_else(|| Problem::bad_request(format!("invalid cursor: '{c}'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_foreign_ones() {
        assert_eq!(decode_cursor('o', Some(&encode_cursor('o', 1234))).ok(), Some(1234));
        assert_eq!(decode_cursor('o', None).ok(), Some(0));
        let e = decode_cursor('e', Some("o12")).err().map(|p| p.detail);
        assert_eq!(e.as_deref(), Some("invalid cursor: 'o12'"));
    }

    #[test]
    fn limits_are_bounded() {
        assert_eq!(limit(None).ok(), Some(DEFAULT_LIMIT));
        assert_eq!(limit(Some(10)).ok(), Some(10));
        assert_eq!(limit(Some(5000)).err().map(|p| p.status), Some(400));
    }
}

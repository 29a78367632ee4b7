//! AWS Signature Version 4: verifying the signature of an AWS-protocol request against the
//! configured keys (canonical request, string to sign, signing key, constant-time compare, ±15
//! minutes of clock skew), and signing a request the same way for Cairn's own CLI client.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::AuthConfig;

type HmacSha256 = Hmac<Sha256>;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const AMZ_DATE: &str = "%Y%m%dT%H%M%SZ";

/// Why a request was refused: AWS's error name and message (always HTTP 403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigError {
    pub kind: &'static str,
    pub message: String,
}

impl SigError {
    fn new(kind: &'static str, message: impl Into<String>) -> Self {
        SigError { kind, message: message.into() }
    }
}

/// The parts of an HTTP request a signature covers.
pub struct HttpRequest<'a> {
    pub method: &'a str,
    /// The path as sent (percent-encoded), e.g. `/`.
    pub path: &'a str,
    /// The raw query string, without `?` (empty when none).
    pub query: &'a str,
    /// Header names in any case; repeated names are joined as AWS does.
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

/// The fields of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
#[derive(Debug)]
struct AuthHeader {
    access_key: String,
    date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
}

/// Which access key signed the request, and the region of its credential scope.
#[derive(Debug, Clone)]
pub struct Verified {
    pub access_key: String,
    pub region: String,
}

/// Checks a request's SigV4 signature against the configured keys at time `now`.
pub fn verify(auth: &AuthConfig, req: &HttpRequest<'_>, now: DateTime<Utc>) -> Result<Verified, SigError> {
    let Some(header) = header(req, "authorization") else {
        return Err(SigError::new("MissingAuthenticationTokenException", "Missing Authentication Token"));
    };
    let parsed = parse_authorization(&header)?;
    let Some(secret) = auth.secret_for(&parsed.access_key) else {
        return Err(SigError::new(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    };
    let amz_date = request_time(req, &header)?;
    check_skew(amz_date, now)?;
    let stamp = amz_date.format(AMZ_DATE).to_string();
    if parsed.date != stamp[..8] {
        return Err(SigError::new(
            "InvalidSignatureException",
            format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from 'x-amz-date'.",
                parsed.date,
                &stamp[..8]
            ),
        ));
    }
    if !parsed.signed_headers.iter().any(|h| h == "host") {
        return Err(SigError::new(
            "InvalidSignatureException",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    let scope = format!("{}/{}/{}/aws4_request", parsed.date, parsed.region, parsed.service);
    let canonical = canonical_request(req, &parsed.signed_headers);
    let to_sign = string_to_sign(&stamp, &scope, &canonical);
    let key = signing_key(secret, &parsed.date, &parsed.region, &parsed.service);
    let given = hex_decode(&parsed.signature).unwrap_or_default();
    let mut mac = mac(&key);
    mac.update(to_sign.as_bytes());
    // `verify_slice` compares in constant time.
    if mac.verify_slice(&given).is_err() {
        return Err(SigError::new(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    Ok(Verified { access_key: parsed.access_key, region: parsed.region })
}

/// What a client needs to sign a request.
pub struct Signer<'a> {
    pub access_key: &'a str,
    pub secret: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

impl Signer<'_> {
    /// The `x-amz-date` and `authorization` headers for `req` (whose headers must include
    /// `host`); every header of `req` is signed.
    pub fn sign(&self, req: &HttpRequest<'_>, now: DateTime<Utc>) -> Vec<(String, String)> {
        let stamp = now.format(AMZ_DATE).to_string();
        let mut headers = req.headers.clone();
        headers.push(("x-amz-date".into(), stamp.clone()));
        let mut names: Vec<String> = headers.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
        names.sort();
        names.dedup();
        let signed = HttpRequest { headers, ..*req };
        let date = &stamp[..8];
        let scope = format!("{date}/{}/{}/aws4_request", self.region, self.service);
        let to_sign = string_to_sign(&stamp, &scope, &canonical_request(&signed, &names));
        let key = signing_key(self.secret, date, self.region, self.service);
        let mut m = mac(&key);
        m.update(to_sign.as_bytes());
        let signature = hex(&m.finalize().into_bytes());
        let authorization = format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={}, Signature={signature}",
            self.access_key,
            names.join(";")
        );
        vec![("x-amz-date".into(), stamp), ("authorization".into(), authorization)]
    }
}

fn header(req: &HttpRequest<'_>, name: &str) -> Option<String> {
    let values: Vec<&str> =
        req.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).collect();
    (!values.is_empty()).then(|| values.join(","))
}

fn parse_authorization(header: &str) -> Result<AuthHeader, SigError> {
    let (algorithm, rest) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    if algorithm != ALGORITHM {
        return Err(SigError::new(
            "IncompleteSignatureException",
            format!("Unsupported AWS 'algorithm': '{algorithm}'. Authorization={header}"),
        ));
    }
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v.trim()),
            Some(("SignedHeaders", v)) => signed = Some(v.trim()),
            Some(("Signature", v)) => signature = Some(v.trim()),
            _ => {}
        }
    }
    let mut missing = String::new();
    for (name, v) in [("Credential", credential), ("Signature", signature), ("SignedHeaders", signed)] {
        if v.is_none_or(str::is_empty) {
            missing.push_str(&format!("Authorization header requires '{name}' parameter. "));
        }
    }
    if !missing.is_empty() {
        return Err(SigError::new("IncompleteSignatureException", format!("{missing}Authorization={header}")));
    }
    let credential = credential.unwrap_or_default();
    let scope: Vec<&str> = credential.split('/').collect();
    if scope.len() != 5 || scope[4] != "aws4_request" || scope.iter().any(|s| s.is_empty()) {
        return Err(SigError::new(
            "IncompleteSignatureException",
            format!(
                "Credential should be scoped to a valid region. Credential should be scoped with a valid terminator: 'aws4_request', not '{}'. Authorization={header}",
                scope.last().unwrap_or(&"")
            ),
        ));
    }
    Ok(AuthHeader {
        access_key: scope[0].to_string(),
        date: scope[1].to_string(),
        region: scope[2].to_string(),
        service: scope[3].to_string(),
        signed_headers: signed.unwrap_or_default().split(';').map(|s| s.trim().to_ascii_lowercase()).collect(),
        signature: signature.unwrap_or_default().to_string(),
    })
}

/// The request's time: `X-Amz-Date`, else the HTTP `Date` header.
fn request_time(req: &HttpRequest<'_>, auth_header: &str) -> Result<DateTime<Utc>, SigError> {
    if let Some(v) = header(req, "x-amz-date") {
        return NaiveDateTime::parse_from_str(v.trim(), AMZ_DATE).map(|t| t.and_utc()).map_err(|_| {
            SigError::new(
                "IncompleteSignatureException",
                format!("Date must be in ISO-8601 'basic format'. Got '{v}'."),
            )
        });
    }
    if let Some(v) = header(req, "date") {
        return DateTime::parse_from_rfc2822(v.trim()).map(|t| t.with_timezone(&Utc)).map_err(|_| {
            SigError::new("IncompleteSignatureException", format!("Date must be in RFC 1123 format. Got '{v}'."))
        });
    }
    Err(SigError::new(
        "IncompleteSignatureException",
        format!(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={auth_header}"
        ),
    ))
}

fn check_skew(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), SigError> {
    let skew = TimeDelta::minutes(15);
    let f = |t: DateTime<Utc>| t.format(AMZ_DATE).to_string();
    if at < now - skew {
        return Err(SigError::new(
            "InvalidSignatureException",
            format!("Signature expired: {} is now earlier than {} ({} - 15 min.)", f(at), f(now - skew), f(now)),
        ));
    }
    if at > now + skew {
        return Err(SigError::new(
            "InvalidSignatureException",
            format!(
                "Signature not yet current: {} is still later than {} ({} + 15 min.)",
                f(at),
                f(now + skew),
                f(now)
            ),
        ));
    }
    Ok(())
}

fn canonical_request(req: &HttpRequest<'_>, signed_headers: &[String]) -> String {
    let mut out = String::new();
    out.push_str(req.method);
    out.push('\n');
    out.push_str(&canonical_path(req.path));
    out.push('\n');
    out.push_str(&canonical_query(req.query));
    out.push('\n');
    for name in signed_headers {
        let value = header(req, name).unwrap_or_default();
        out.push_str(name);
        out.push(':');
        out.push_str(&value.split_whitespace().collect::<Vec<_>>().join(" "));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.join(";"));
    out.push('\n');
    out.push_str(&hex(&Sha256::digest(req.body)));
    out
}

/// Services other than S3 encode each path segment of the (already encoded) path once more.
fn canonical_path(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/').map(|seg| uri_encode(seg.as_bytes())).collect::<Vec<_>>().join("/")
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (uri_encode(&percent_decode(k)), uri_encode(&percent_decode(v)))
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

fn string_to_sign(stamp: &str, scope: &str, canonical: &str) -> String {
    format!("{ALGORITHM}\n{stamp}\n{scope}\n{}", hex(&Sha256::digest(canonical.as_bytes())))
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
}

fn hmac_bytes(key: &[u8], data: &str) -> Vec<u8> {
    let mut m = mac(key);
    m.update(data.as_bytes());
    m.finalize().into_bytes().to_vec()
}

fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac_bytes(format!("AWS4{secret}").as_bytes(), date);
    let k_region = hmac_bytes(&k_date, region);
    let k_service = hmac_bytes(&k_region, service);
    hmac_bytes(&k_service, "aws4_request")
}

/// RFC 3986 encoding as SigV4 wants it: unreserved characters stay, everything else is `%XX`.
fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hexpair = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hexpair.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

#[cfg(test)]
mod tests;

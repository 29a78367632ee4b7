//! SigV4 against AWS's published test-suite vectors, and each way a request is refused.

use super::*;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn config() -> AuthConfig {
    AuthConfig { access_keys: vec![("AKIDEXAMPLE".into(), SECRET.into())], api_token: None }
}

fn at(s: &str) -> DateTime<Utc> {
    NaiveDateTime::parse_from_str(s, AMZ_DATE).map(|t| t.and_utc()).unwrap_or_default()
}

fn vanilla<'a>(method: &'a str, query: &'a str, signature: &str) -> HttpRequest<'a> {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}"
    );
    HttpRequest {
        method,
        path: "/",
        query,
        headers: vec![
            ("Host".into(), "example.amazonaws.com".into()),
            ("X-Amz-Date".into(), "20150830T123600Z".into()),
            ("Authorization".into(), auth),
        ],
        body: b"",
    }
}

#[test]
fn aws_test_suite_vectors_verify() {
    let now = at("20150830T124000Z");
    let get = vanilla("GET", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assert!(verify(&config(), &get, now).is_ok());
    let post = vanilla("POST", "", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    assert!(verify(&config(), &post, now).is_ok());
    let query = vanilla(
        "GET",
        "Param2=value2&Param1=value1",
        "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    );
    assert!(verify(&config(), &query, now).is_ok());
}

#[test]
fn a_wrong_signature_or_secret_is_refused() {
    let now = at("20150830T124000Z");
    let req = vanilla("GET", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf30");
    let e = verify(&config(), &req, now).unwrap_err();
    assert_eq!(e.kind, "InvalidSignatureException");
    assert!(e.message.starts_with("The request signature we calculated does not match"));
    let other = AuthConfig { access_keys: vec![("AKIDEXAMPLE".into(), "not-the-secret".into())], api_token: None };
    let good = vanilla("GET", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assert_eq!(verify(&other, &good, now).unwrap_err().kind, "InvalidSignatureException");
}

#[test]
fn unknown_keys_missing_headers_and_stale_dates_are_refused() {
    let now = at("20150830T124000Z");
    let good = vanilla("GET", "", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    let nobody = AuthConfig { access_keys: vec![("SOMEONE".into(), SECRET.into())], api_token: None };
    let e = verify(&nobody, &good, now).unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        ("UnrecognizedClientException", "The security token included in the request is invalid.")
    );

    let mut unsigned = vanilla("GET", "", "x");
    unsigned.headers.retain(|(n, _)| n != "Authorization");
    assert_eq!(verify(&config(), &unsigned, now).unwrap_err().kind, "MissingAuthenticationTokenException");

    let mut partial = vanilla("GET", "", "x");
    partial.headers[2].1 = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request".into();
    let e = verify(&config(), &partial, now).unwrap_err();
    assert_eq!(e.kind, "IncompleteSignatureException");
    assert!(e.message.starts_with(
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."
    ));

    let e = verify(&config(), &good, at("20150830T125200Z")).unwrap_err();
    assert_eq!(e.kind, "InvalidSignatureException");
    assert_eq!(
        e.message,
        "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)"
    );
    let e = verify(&config(), &good, at("20150830T121000Z")).unwrap_err();
    assert!(e.message.starts_with("Signature not yet current: 20150830T123600Z is still later than"));
}

#[test]
fn what_the_signer_signs_the_verifier_accepts() {
    let now = at("20240101T000000Z");
    let body = br#"{"stateMachineArn":"arn:aws:states:us-east-1:000000000000:stateMachine:x"}"#;
    let base = HttpRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: vec![
            ("host".into(), "127.0.0.1:8080".into()),
            ("content-type".into(), "application/x-amz-json-1.0".into()),
            ("x-amz-target".into(), "AWSStepFunctions.DescribeStateMachine".into()),
        ],
        body,
    };
    let signer = Signer { access_key: "AKIDEXAMPLE", secret: SECRET, region: "us-east-1", service: "states" };
    let mut signed = HttpRequest { headers: base.headers.clone(), ..base };
    signed.headers.extend(signer.sign(&base, now));
    let v = verify(&config(), &signed, now).unwrap();
    assert_eq!((v.access_key.as_str(), v.region.as_str()), ("AKIDEXAMPLE", "us-east-1"));
    // A body changed after signing no longer matches.
    let tampered = HttpRequest { body: b"{}", headers: signed.headers.clone(), ..signed };
    assert_eq!(verify(&config(), &tampered, now).unwrap_err().kind, "InvalidSignatureException");
}

//! SigV4 query-string presigning with `aws-sigv4`: the `wss://` URL AWS IoT Core's
//! MQTT-over-WebSocket endpoint accepts (service `iotdevicegateway`, path `/mqtt`, the hash of
//! an empty payload, the session token left out of the signature and appended after
//! `X-Amz-Signature`), and the general form it is built on.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SessionTokenMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;

use super::error::MqttError;

/// A presigned `wss://{host}/mqtt?...` URL for AWS IoT Core (`host` may carry a `:port`),
/// valid for `expires` from `time`.
pub fn presign_iot_url(
    host: &str,
    region: &str,
    credentials: &Credentials,
    time: SystemTime,
    expires: Duration,
) -> Result<String, MqttError> {
    presign_with(
        Request {
            method: "GET",
            scheme: "wss",
            host,
            path_and_query: "/mqtt",
        },
        "iotdevicegateway",
        region,
        credentials,
        time,
        expires,
        SessionTokenMode::Exclude,
    )
}

/// `{scheme}://{host}{path_and_query}` with the SigV4 query parameters appended (the request
/// signed with only the `host` header and an empty payload). A session token, if any, is
/// signed, as the SigV4 test suite expects; [`presign_iot_url`] leaves it out of the
/// signature as AWS IoT requires. `path_and_query` must already be URI-encoded.
#[allow(clippy::too_many_arguments)]
pub fn presign(
    method: &str,
    scheme: &str,
    host: &str,
    path_and_query: &str,
    service: &str,
    region: &str,
    credentials: &Credentials,
    time: SystemTime,
    expires: Duration,
) -> Result<String, MqttError> {
    presign_with(
        Request {
            method,
            scheme,
            host,
            path_and_query,
        },
        service,
        region,
        credentials,
        time,
        expires,
        SessionTokenMode::Include,
    )
}

struct Request<'a> {
    method: &'a str,
    scheme: &'a str,
    host: &'a str,
    path_and_query: &'a str,
}

fn presign_with(
    request: Request<'_>,
    service: &str,
    region: &str,
    credentials: &Credentials,
    time: SystemTime,
    expires: Duration,
    token: SessionTokenMode,
) -> Result<String, MqttError> {
    let failed = |e: &dyn std::fmt::Display| MqttError::Signing(e.to_string());
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(expires);
    settings.session_token_mode = token;
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| failed(&e))?
        .into();
    let Request {
        method,
        scheme,
        host,
        path_and_query,
    } = request;
    let signable = SignableRequest::new(
        method,
        format!("https://{host}{path_and_query}"),
        [("host", host)].into_iter(),
        SignableBody::Bytes(&[]),
    )
    .map_err(|e| failed(&e))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| failed(&e))?
        .into_parts();
    let (_headers, query) = instructions.into_parts();
    let mut url = format!("{scheme}://{host}{path_and_query}");
    let mut separator = if path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    for (name, value) in query {
        url.push(separator);
        separator = '&';
        url.push_str(name);
        url.push('=');
        url.push_str(&encode(&value));
    }
    Ok(url)
}

/// URI encoding as SigV4 defines it: everything but `A-Z a-z 0-9 - _ . ~` as `%XX`.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    /// 2015-08-30T12:36:00Z, the time of AWS's SigV4 test suite.
    fn suite_time() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    /// The suite's credentials (`context.json`).
    fn suite_credentials(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
            None,
            "test",
        )
    }

    /// Vectors from AWS's SigV4 test suite (aws-signing-test-suite/v4, as shipped with
    /// aws-sigv4): the request line of `request.txt` and `query-signed-request.txt`, all with
    /// host example.amazonaws.com, region us-east-1, service "service", 3600 s expiry.
    const VECTORS: &[(&str, &str, Option<&str>, &str)] = &[
        (
            "get-vanilla",
            "/",
            None,
            "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d",
        ),
        (
            "get-vanilla-query-order-key-case",
            "/?Param2=value2&Param1=value1",
            None,
            "/?Param2=value2&Param1=value1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=86012e2c9ad4d77369f5d81c11f75158aae4f895a085212cc6d3f923d300bed5",
        ),
        (
            "get-unreserved",
            "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            None,
            "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=95968482db1b9e0fadef6efc1bd24689f77c77d9ef56919c96a28cc92e0d6005",
        ),
        (
            "get-vanilla-with-session-token",
            "/",
            Some("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"),
            "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Security-Token=6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267&X-Amz-Signature=7ff2b50b376cb4d151970630573d6291dc128cc5c2a12ffb237f73cc53f67b6c",
        ),
    ];

    /// A URL's path and its query parameters, sorted (the suite orders them differently).
    fn parts(path_and_query: &str) -> (&str, Vec<&str>) {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
        params.sort_unstable();
        (path, params)
    }

    #[test]
    fn matches_the_sigv4_test_suite() {
        for (name, request, token, signed) in VECTORS {
            let url = presign(
                "GET",
                "https",
                "example.amazonaws.com",
                request,
                "service",
                "us-east-1",
                &suite_credentials(*token),
                suite_time(),
                Duration::from_secs(3600),
            )
            .unwrap();
            let ours = url.strip_prefix("https://example.amazonaws.com").unwrap();
            assert_eq!(parts(ours), parts(signed), "{name}");
            // The original query stays first, the signature (or the token) last.
            let original = request.split_once('?').map_or("", |(_, q)| q);
            assert!(ours.contains(&format!("?{original}")), "{name}: {ours}");
            let last = ours.rsplit('&').next().unwrap();
            let expected_last = if token.is_some() {
                "X-Amz-Security-Token="
            } else {
                "X-Amz-Signature="
            };
            assert!(last.starts_with(expected_last), "{name}: {ours}");
        }
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let inner_pad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
        let outer_pad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
        let inner = Sha256::new()
            .chain_update(&inner_pad)
            .chain_update(data)
            .finalize();
        Sha256::new()
            .chain_update(&outer_pad)
            .chain_update(inner)
            .finalize()
            .to_vec()
    }

    /// The AWS IoT developer guide's presigning recipe for MQTT over WebSocket, written out
    /// step by step independently of aws-sigv4.
    fn iot_recipe(host: &str, region: &str, key: &str, secret: &str, token: &str) -> String {
        let (date, stamp) = ("20150830", "20150830T123600Z");
        let scope = format!("{date}/{region}/iotdevicegateway/aws4_request");
        let query = format!(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={}&X-Amz-Date={stamp}&X-Amz-Expires=300&X-Amz-SignedHeaders=host",
            encode(&format!("{key}/{scope}"))
        );
        let canonical = format!(
            "GET\n/mqtt\n{query}\nhost:{host}\n\nhost\n{}",
            hex(&Sha256::digest(b""))
        );
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let mut signing_key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
        for part in [region, "iotdevicegateway", "aws4_request"] {
            signing_key = hmac(&signing_key, part.as_bytes());
        }
        let signature = hex(&hmac(&signing_key, to_sign.as_bytes()));
        format!(
            "wss://{host}/mqtt?{query}&X-Amz-Signature={signature}&X-Amz-Security-Token={}",
            encode(token)
        )
    }

    #[test]
    fn iot_url_leaves_the_token_out_of_the_signature_and_appends_it() {
        let host = "abc123-ats.iot.eu-west-1.amazonaws.com";
        let token = "FwoGZXIvYXdzE+/token=with/odd+chars";
        let with_token = presign_iot_url(
            host,
            "eu-west-1",
            &suite_credentials(Some(token)),
            suite_time(),
            Duration::from_secs(300),
        )
        .unwrap();
        assert_eq!(
            with_token,
            iot_recipe(
                host,
                "eu-west-1",
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                token
            )
        );
        // Excluded from the signature: signing without a token gives the same signature.
        let without = presign_iot_url(
            host,
            "eu-west-1",
            &suite_credentials(None),
            suite_time(),
            Duration::from_secs(300),
        )
        .unwrap();
        let (signed, appended) = with_token.rsplit_once('&').unwrap();
        assert_eq!(signed, without);
        assert_eq!(
            appended,
            "X-Amz-Security-Token=FwoGZXIvYXdzE%2B%2Ftoken%3Dwith%2Fodd%2Bchars"
        );
        assert!(
            signed
                .rsplit('&')
                .next()
                .unwrap()
                .starts_with("X-Amz-Signature=")
        );
        assert!(with_token.starts_with(&format!(
            "wss://{host}/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
        )));
    }

    #[test]
    fn iot_url_with_a_port_signs_the_port() {
        let url = presign_iot_url(
            "localhost:8443",
            "us-east-1",
            &suite_credentials(None),
            suite_time(),
            Duration::from_secs(60),
        )
        .unwrap();
        assert!(url.starts_with("wss://localhost:8443/mqtt?"), "{url}");
        assert!(url.contains("X-Amz-Expires=60&"), "{url}");
    }
}

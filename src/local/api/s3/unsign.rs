//! Takes the SigV4 signature off an S3 request before s3s reads it. s3s checks signatures
//! against a secret it must know; the local endpoint accepts any well-formed signature (the
//! router has read its credential scope), so the request goes on as an unsigned one: without
//! its `Authorization` header or presigned query parameters, and with an `aws-chunked` body
//! decoded to the object's own bytes.

use bytes::Bytes;
use hyper::HeaderMap;
use hyper::body::Body;
use hyper::header::{self, HeaderValue};

use super::chunked::DecodedBody;

/// The query parameters of a presigned URL.
const PRESIGN_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

const CONTENT_SHA256: &str = "x-amz-content-sha256";
const DECODED_LENGTH: &str = "x-amz-decoded-content-length";

/// The request as s3s is to see it, whatever carried its body (a connection, or this process).
pub fn unsigned<B>(req: hyper::Request<B>) -> hyper::Request<s3s::Body>
where
    B: Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let (mut parts, body) = req.into_parts();
    parts.headers.remove(header::AUTHORIZATION);
    if let Some(query) = parts.uri.query() {
        let kept = without_presign(query);
        if kept.len() != query.len() {
            let path_and_query = if kept.is_empty() {
                parts.uri.path().to_owned()
            } else {
                format!("{}?{kept}", parts.uri.path())
            };
            let mut uri = parts.uri.clone().into_parts();
            if let Ok(pq) = path_and_query.parse() {
                uri.path_and_query = Some(pq);
                if let Ok(rebuilt) = hyper::Uri::from_parts(uri) {
                    parts.uri = rebuilt;
                }
            }
        }
    }
    let body = if is_chunked(&parts.headers) {
        let decoded = parts
            .headers
            .get(DECODED_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        unchunk_headers(&mut parts.headers, decoded);
        s3s::Body::http_body_unsync(DecodedBody::new(body, decoded))
    } else {
        s3s::Body::http_body_unsync(body)
    };
    parts.headers.remove(CONTENT_SHA256);
    hyper::Request::from_parts(parts, body)
}

/// `query` without the presigned URL's parameters (each pair kept as it came).
fn without_presign(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            !pair.is_empty() && !PRESIGN_PARAMS.contains(&name)
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Whether the body is in the `aws-chunked` encoding (a streaming payload).
fn is_chunked(headers: &HeaderMap) -> bool {
    let streaming = headers
        .get(CONTENT_SHA256)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("STREAMING-"));
    streaming
        || headers
            .get_all(header::CONTENT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|e| e.trim().eq_ignore_ascii_case("aws-chunked"))
}

/// The headers of the decoded body: its own length, and no `aws-chunked` encoding.
fn unchunk_headers(headers: &mut HeaderMap, decoded: Option<u64>) {
    let encodings: Vec<String> = headers
        .get_all(header::CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("aws-chunked"))
        .map(str::to_owned)
        .collect();
    headers.remove(header::CONTENT_ENCODING);
    if !encodings.is_empty()
        && let Ok(v) = HeaderValue::from_str(&encodings.join(","))
    {
        headers.insert(header::CONTENT_ENCODING, v);
    }
    headers.remove(header::CONTENT_LENGTH);
    if let Some(n) = decoded {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    headers.remove(DECODED_LENGTH);
    headers.remove("x-amz-trailer");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presigned_parameters_go_and_the_rest_stays_as_it_came() {
        let q = "list-type=2&X-Amz-Algorithm=AWS4-HMAC-SHA256&prefix=a%2Fb&X-Amz-Signature=abc&X-Amz-Credential=k%2F20260101%2Flocal%2Fs3%2Faws4_request";
        assert_eq!(without_presign(q), "list-type=2&prefix=a%2Fb");
        assert_eq!(without_presign("versioning"), "versioning");
        assert_eq!(without_presign("X-Amz-Date=1&X-Amz-Expires=2"), "");
    }

    #[test]
    fn chunked_headers_become_the_decoded_bodys() {
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_SHA256,
            HeaderValue::from_static("STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
        );
        h.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static("aws-chunked, gzip"),
        );
        h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("120"));
        h.insert(DECODED_LENGTH, HeaderValue::from_static("66"));
        h.insert(
            "x-amz-trailer",
            HeaderValue::from_static("x-amz-checksum-crc32"),
        );
        assert!(is_chunked(&h));
        unchunk_headers(&mut h, Some(66));
        assert_eq!(h[header::CONTENT_LENGTH], "66");
        assert_eq!(h[header::CONTENT_ENCODING], "gzip");
        assert!(h.get(DECODED_LENGTH).is_none() && h.get("x-amz-trailer").is_none());

        let mut plain = HeaderMap::new();
        plain.insert(CONTENT_SHA256, HeaderValue::from_static("UNSIGNED-PAYLOAD"));
        assert!(!is_chunked(&plain));
        plain.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static("aws-chunked"),
        );
        assert!(is_chunked(&plain));
        unchunk_headers(&mut plain, None);
        assert!(plain.get(header::CONTENT_ENCODING).is_none());
        assert!(plain.get(header::CONTENT_LENGTH).is_none());
    }
}

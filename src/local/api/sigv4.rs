//! Which AWS service a request is for, read from its SigV4 credential scope
//! (`<access key>/<date>/<region>/<service>/aws4_request`), in the `Authorization` header or,
//! for a presigned URL, the `X-Amz-Credential` query parameter. As moto and LocalStack do, any
//! well-formed signature is accepted: the server listens on loopback only.

/// The credential scope's parts that routing needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub access_key: String,
    pub region: String,
    pub service: String,
}

/// The scope of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
/// Signature=...` header.
pub fn from_authorization(header: &str) -> Option<Scope> {
    let rest = header.trim().strip_prefix("AWS4-HMAC-SHA256")?;
    let credential = rest
        .split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("Credential="))?;
    parse_credential(credential)
}

/// The scope of a presigned request's `X-Amz-Credential` (already percent-decoded).
pub fn parse_credential(credential: &str) -> Option<Scope> {
    let mut parts = credential.split('/');
    let access_key = parts.next().filter(|k| !k.is_empty())?;
    let date = parts.next()?;
    let region = parts.next().filter(|r| !r.is_empty())?;
    let service = parts.next().filter(|s| !s.is_empty())?;
    if parts.next()? != "aws4_request" || parts.next().is_some() {
        return None;
    }
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Scope {
        access_key: access_key.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_comes_from_the_credential_scope() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261202/local/iot/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
        assert_eq!(
            from_authorization(header),
            Some(Scope {
                access_key: "AKIDEXAMPLE".into(),
                region: "local".into(),
                service: "iot".into(),
            })
        );
        let presigned = parse_credential("k/20261202/us-east-1/s3/aws4_request").unwrap();
        assert_eq!(presigned.service, "s3");
    }

    #[test]
    fn malformed_scopes_are_refused() {
        for bad in [
            "",
            "Bearer x",
            "AWS4-HMAC-SHA256 SignedHeaders=host",
            "AWS4-HMAC-SHA256 Credential=k/2026/local/iot/aws4_request",
            "AWS4-HMAC-SHA256 Credential=k/20261202/local/iot/other",
            "AWS4-HMAC-SHA256 Credential=k/20261202//iot/aws4_request",
            "AWS4-HMAC-SHA256 Credential=k/20261202/local/iot/aws4_request/x",
        ] {
            assert_eq!(from_authorization(bad), None, "{bad}");
        }
    }
}

//! Presigned S3 URL placeholders in job documents:
//! `${aws:iot:s3-presigned-url:https://s3.amazonaws.com/<bucket>/<key>}` (also
//! `s3.<region>.amazonaws.com`, `s3-<region>.amazonaws.com`, and the virtual-hosted
//! `<bucket>.s3[.<region>].amazonaws.com/<key>`). AWS replaces them with presigned URLs when a
//! device reads the document over MQTT, never in GetJobDocument; CreateJob refuses a placeholder
//! that does not name an S3 object.

use serde_json::Value;

use super::model::{Job, PresignedUrlConfig};
use super::validate::JobError;

/// How a placeholder starts.
pub const PLACEHOLDER_START: &str = "${aws:iot:s3-presigned-url:";

/// One placeholder: where it is in the document (the whole `${...}`), and the object it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder<'a> {
    pub range: std::ops::Range<usize>,
    pub url: &'a str,
    pub bucket: &'a str,
    pub key: &'a str,
}

/// Splits an S3 object URL into bucket and key; `None` for anything else.
pub fn parse_s3_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    let host = host.strip_suffix(".amazonaws.com")?;
    let s3_endpoint = |h: &str| {
        h == "s3"
            || h.strip_prefix("s3.").is_some_and(valid_region)
            || h.strip_prefix("s3-").is_some_and(valid_region)
    };
    let (bucket, key) = if s3_endpoint(host) {
        path.split_once('/')?
    } else {
        // Bucket names may hold dots: the endpoint is the first suffix that is one.
        let (dot, _) = host
            .match_indices('.')
            .find(|(i, _)| s3_endpoint(&host[i + 1..]))?;
        (&host[..dot], path)
    };
    // A quote, backslash or space would end the JSON string the placeholder sits in.
    let key_ok =
        !key.is_empty() && !key.contains(|c: char| c == '"' || c == '\\' || c.is_whitespace());
    (valid_bucket(bucket) && key_ok).then_some((bucket, key))
}

fn valid_region(region: &str) -> bool {
    !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Bucket names: 3 to 63 of lower-case letters, digits, dots and hyphens.
fn valid_bucket(bucket: &str) -> bool {
    (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
}

/// Every placeholder in `document`, in order, or why one is malformed.
pub fn placeholders(document: &str) -> Result<Vec<Placeholder<'_>>, JobError> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = document[from..].find(PLACEHOLDER_START) {
        let start = from + at;
        let url_start = start + PLACEHOLDER_START.len();
        let Some(len) = document[url_start..].find('}') else {
            return Err(JobError::InvalidRequest(
                "Unterminated presigned URL placeholder in the job document".into(),
            ));
        };
        let url = &document[url_start..url_start + len];
        let Some((bucket, key)) = parse_s3_url(url) else {
            return Err(JobError::InvalidRequest(format!(
                "Invalid presigned URL placeholder '{url}': not an Amazon S3 object URL"
            )));
        };
        let end = url_start + len + 1;
        found.push(Placeholder {
            range: start..end,
            url,
            bucket,
            key,
        });
        from = end;
    }
    Ok(found)
}

/// CreateJob's check: every placeholder names an S3 object.
pub fn validate(document: &str) -> Result<(), JobError> {
    placeholders(document).map(|_| ())
}

/// `document` with every well-formed placeholder replaced by `presign(bucket, key)`, escaped
/// for a JSON string (placeholders sit inside strings). A malformed one, which CreateJob would
/// have refused, stays as it is.
pub fn replace(document: &str, mut presign: impl FnMut(&str, &str) -> String) -> String {
    let Ok(found) = placeholders(document) else {
        return document.to_owned();
    };
    let mut out = String::with_capacity(document.len());
    let mut copied = 0;
    for p in found {
        out.push_str(&document[copied..p.range.start]);
        let url = presign(p.bucket, p.key);
        let quoted = serde_json::Value::String(url).to_string();
        out.push_str(&quoted[1..quoted.len() - 1]);
        copied = p.range.end;
    }
    out.push_str(&document[copied..]);
    out
}

/// Makes the presigned URL for one object of a job with a `presignedUrlConfig`: given the
/// config (role, lifetime), the bucket and the key.
pub type Presigner<'a> = dyn FnMut(&PresignedUrlConfig, &str, &str) -> String + 'a;

/// The job document a device receives: placeholders replaced when the job has a
/// `presignedUrlConfig` (left as they are otherwise), parsed as JSON.
pub fn device_document(job: &Job, presign: &mut Presigner<'_>) -> Value {
    let text = match &job.presigned_url {
        Some(config) => replace(&job.document, |bucket, key| presign(config, bucket, key)),
        None => job.document.clone(),
    };
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

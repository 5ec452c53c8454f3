//! The S3 action: writes the rule's output to `buckets/<bucket>/<key>`, the key rendered from
//! its substitution template for each message. `CannedAcl` has no meaning locally.

use super::{Counters, Failure, Fields, Run};
use crate::iotsql::{Output, Template};
use crate::local::rules::fs::TEMP_PREFIX;
use crate::local::rules::{Deployed, RuleError, RuleEvent};

pub(super) const KIND: &str = "S3";

#[derive(Debug, Clone)]
pub(crate) struct S3 {
    bucket: String,
    key: Template,
}

impl S3 {
    pub(super) fn compile(fields: &Fields, deployed: &Deployed) -> Result<S3, RuleError> {
        let bucket = fields.required("BucketName")?;
        if !deployed.buckets.contains(&bucket) {
            return Err(fields.not_deployed("bucket", &bucket));
        }
        Ok(S3 {
            bucket,
            key: fields.template("Key")?,
        })
    }

    pub(super) fn run(&self, run: &Run, output: &Output) -> Result<(), Failure> {
        let fail = |message: String| Failure {
            kind: KIND,
            resource: self.bucket.clone(),
            message,
        };
        let key = self
            .key
            .render(run.msg)
            .map_err(|e| fail(format!("Failed to render the object key: {e}")))?;
        check_key(&key).map_err(|why| fail(format!("Invalid object key {key:?}: {why}")))?;
        let body = output.to_bytes();
        run.files.write_object(&run.state.bucket(&self.bucket), &key, &body).map_err(|e| {
            fail(format!(
                "Failed to put S3 object: {e}. Message arrived on: {}, Action: s3, Bucket: {}, Key: {key:?}",
                run.msg.topic, self.bucket
            ))
        })?;
        Counters::add(&run.outlets.counters.archived);
        run.event(RuleEvent::Archived {
            rule: run.rule.to_owned(),
            bucket: self.bucket.clone(),
            key,
            bytes: body.len(),
        });
        Ok(())
    }
}

/// A key must name a file inside the bucket's folder: relative, no empty, `.` or `..`
/// segments, no NUL, and no segment that looks like an object still being written.
fn check_key(key: &str) -> Result<(), &'static str> {
    if key.is_empty() {
        return Err("it is empty");
    }
    if key.starts_with('/') {
        return Err("it is an absolute path");
    }
    if key.contains('\0') {
        return Err("it contains a NUL character");
    }
    for segment in key.split('/') {
        match segment {
            "" => return Err("it has an empty path segment"),
            "." | ".." => return Err("it has a `.` or `..` path segment"),
            s if s.starts_with(TEMP_PREFIX) => {
                return Err("a path segment starts with .tmp-, which is reserved");
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_key;

    #[test]
    fn keys_stay_inside_the_bucket() {
        assert!(check_key("sensor-1/1598536072677-x.json").is_ok());
        assert!(check_key("a.b/..c/d..").is_ok());
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            ".tmp-1",
            "a\0b",
        ] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
    }
}

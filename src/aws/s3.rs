//! Thin functions over the S3 client.

use aws_sdk_s3::Client;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};

use super::ApiError;

/// Whether the bucket exists (and is ours to see).
pub async fn bucket_exists(client: &Client, bucket: &str) -> Result<bool, ApiError> {
    match client.head_bucket().bucket(bucket).send().await {
        Ok(_) => Ok(true),
        Err(e) => {
            let not_found = e.raw_response().is_some_and(|r| r.status().as_u16() == 404);
            let err = ApiError::from_sdk("HeadBucket", e);
            if not_found || err.is_not_found() {
                Ok(false)
            } else {
                Err(err)
            }
        }
    }
}

/// Number of objects (current versions) and their total size in bytes.
pub async fn object_count(client: &Client, bucket: &str) -> Result<(u64, u64), ApiError> {
    let mut count = 0;
    let mut bytes = 0;
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_objects_v2()
            .bucket(bucket)
            .set_continuation_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListObjectsV2", e))?;
        for o in out.contents() {
            count += 1;
            bytes += o.size().unwrap_or_default().max(0) as u64;
        }
        token = out.next_continuation_token().map(str::to_string);
        if token.is_none() {
            return Ok((count, bytes));
        }
    }
}

/// One page (up to 1000) of object versions and delete markers, as (key, version id).
pub async fn list_versions_page(
    client: &Client,
    bucket: &str,
) -> Result<Vec<(String, Option<String>)>, ApiError> {
    let out = client
        .list_object_versions()
        .bucket(bucket)
        .max_keys(1000)
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("ListObjectVersions", e))?;
    let mut items: Vec<(String, Option<String>)> = out
        .versions()
        .iter()
        .filter_map(|v| Some((v.key()?.to_string(), v.version_id().map(str::to_string))))
        .collect();
    items.extend(
        out.delete_markers()
            .iter()
            .filter_map(|m| Some((m.key()?.to_string(), m.version_id().map(str::to_string)))),
    );
    Ok(items)
}

/// Deletes up to 1000 versions in one call; returns the errors S3 reported per object.
pub async fn delete_versions(
    client: &Client,
    bucket: &str,
    items: &[(String, Option<String>)],
) -> Result<Vec<String>, ApiError> {
    let objects = items
        .iter()
        .map(|(key, version)| {
            ObjectIdentifier::builder()
                .key(key)
                .set_version_id(version.clone().filter(|v| v != "null"))
                .build()
                .map_err(|e| ApiError::request("DeleteObjects", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let delete = Delete::builder()
        .set_objects(Some(objects))
        .quiet(true)
        .build()
        .map_err(|e| ApiError::request("DeleteObjects", e.to_string()))?;
    let out = client
        .delete_objects()
        .bucket(bucket)
        .delete(delete)
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("DeleteObjects", e))?;
    Ok(out
        .errors()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e.key().unwrap_or_default(),
                e.message().unwrap_or_default()
            )
        })
        .collect())
}

pub async fn delete_bucket(client: &Client, bucket: &str) -> Result<(), ApiError> {
    client
        .delete_bucket()
        .bucket(bucket)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| ApiError::from_sdk("DeleteBucket", e))
}

/// Puts one object with its metadata; returns its version id when the bucket is versioned.
pub async fn put_object(
    client: &Client,
    bucket: &str,
    key: &str,
    body: Vec<u8>,
    metadata: &std::collections::BTreeMap<String, String>,
) -> Result<Option<String>, ApiError> {
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(body.into())
        .set_metadata(Some(metadata.clone().into_iter().collect()))
        .send()
        .await
        .map(|out| out.version_id().map(str::to_string))
        .map_err(|e| ApiError::from_sdk("PutObject", e))
}

/// One object's user metadata, or `None` when there is no such object.
pub async fn head_object(
    client: &Client,
    bucket: &str,
    key: &str,
) -> Result<Option<std::collections::BTreeMap<String, String>>, ApiError> {
    match client.head_object().bucket(bucket).key(key).send().await {
        Ok(out) => Ok(Some(
            out.metadata()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        )),
        Err(e) => {
            let not_found = e.raw_response().is_some_and(|r| r.status().as_u16() == 404);
            let err = ApiError::from_sdk("HeadObject", e);
            if not_found || err.is_not_found() {
                Ok(None)
            } else {
                Err(err)
            }
        }
    }
}

/// The keys (and sizes) under a prefix, every page.
pub async fn list_keys(
    client: &Client,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<(String, u64)>, ApiError> {
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token.clone())
            .send()
            .await
            .map_err(|e| ApiError::from_sdk("ListObjectsV2", e))?;
        for o in out.contents() {
            if let Some(key) = o.key() {
                keys.push((key.to_string(), o.size().unwrap_or_default().max(0) as u64));
            }
        }
        token = out.next_continuation_token().map(str::to_string);
        if token.is_none() {
            return Ok(keys);
        }
    }
}

/// An object's bytes.
pub async fn get_object(client: &Client, bucket: &str, key: &str) -> Result<Vec<u8>, ApiError> {
    let out = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("GetObject", e))?;
    out.body
        .collect()
        .await
        .map(|b| b.into_bytes().to_vec())
        .map_err(|e| ApiError::request("GetObject", e.to_string()))
}

//! The S3 operations over the bucket folders, as s3s's [`S3`] trait: s3s reads the REST-XML
//! requests and writes the responses and errors; this file decides what they say.

use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use futures_util::StreamExt;
use md5::{Digest, Md5};
use s3s::dto::*;
use s3s::{S3, S3Error, S3ErrorCode, S3Request, S3Response, S3Result, s3_error};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::keys::{self, Entry, KeyError, Query};
use super::store::{ObjectInfo, Store, StoreError, hex};
use crate::local::registry::REGION;

/// The version id S3 gives every object of a bucket that was never versioned.
const NULL_VERSION: &str = "null";
/// The content type S3 reports for an object put without one.
const DEFAULT_CONTENT_TYPE: &str = "binary/octet-stream";
/// The local account's canonical user id (any 64 hex digits will do; it only has to be stable).
const OWNER_ID: &str = "5e1f0c0a1d2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5";
const OWNER_NAME: &str = "soilctl-local";
/// Bytes read from a file per frame of a GetObject body.
const READ_CHUNK: usize = 64 * 1024;

/// The S3 service over the folder that holds the buckets.
pub struct Service {
    store: Arc<Store>,
}

impl Service {
    pub fn new(buckets: PathBuf) -> Service {
        Service {
            store: Arc::new(Store::new(buckets)),
        }
    }

    /// Runs `f` on the store off the async threads.
    async fn blocking<T, F>(&self, f: F) -> S3Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|_| s3_error!(InternalError, "the request failed"))?
            .map_err(s3_error_of)
    }

    /// One page of the bucket's objects and common prefixes, each object with its details.
    async fn listing(&self, bucket: String, query: OwnedQuery) -> S3Result<Listing> {
        self.blocking(move |store| {
            let dir = store.bucket(&bucket)?;
            let all = store.keys(&dir, &query.prefix)?;
            let page = keys::page(
                &all,
                &Query {
                    prefix: &query.prefix,
                    delimiter: query.delimiter.as_deref(),
                    after: query.after.as_deref(),
                    max_keys: query.max_keys,
                },
            );
            let mut listing = Listing {
                truncated: page.truncated,
                next: page.next,
                ..Listing::default()
            };
            for entry in page.entries {
                match entry {
                    Entry::Object(i) => {
                        let key = &all[i];
                        match store.object_path(&dir, key).and_then(|p| store.info(&p)) {
                            Ok(info) => listing.objects.push((key.clone(), info)),
                            // Deleted since the folder was read.
                            Err(StoreError::NoSuchKey) => {}
                            Err(e) => return Err(e),
                        }
                    }
                    Entry::Prefix(p) => listing.prefixes.push(p),
                }
            }
            Ok(listing)
        })
        .await
    }

    /// The object's file and details, for a read of `version` (only "null" exists).
    async fn found(
        &self,
        bucket: String,
        key: String,
        version: Option<&str>,
    ) -> S3Result<(PathBuf, ObjectInfo)> {
        check_version(version)?;
        self.blocking(move |store| {
            let dir = store.bucket(&bucket)?;
            let path = store.object_path(&dir, &key)?;
            let info = store.info(&path)?;
            Ok((path, info))
        })
        .await
    }
}

/// A listing's parameters, owned so that they can go to the blocking pool.
struct OwnedQuery {
    prefix: String,
    delimiter: Option<String>,
    after: Option<String>,
    max_keys: usize,
}

impl OwnedQuery {
    fn new(
        prefix: &Option<String>,
        delimiter: &Option<String>,
        after: Option<String>,
        max: Option<i32>,
    ) -> Self {
        OwnedQuery {
            prefix: prefix.clone().unwrap_or_default(),
            delimiter: delimiter.clone().filter(|d| !d.is_empty()),
            after,
            max_keys: keys::max_keys(max),
        }
    }
}

#[derive(Default)]
struct Listing {
    objects: Vec<(String, ObjectInfo)>,
    prefixes: Vec<String>,
    truncated: bool,
    next: Option<String>,
}

impl Listing {
    fn key_count(&self) -> i32 {
        i32::try_from(self.objects.len() + self.prefixes.len()).unwrap_or(i32::MAX)
    }
}

/// Keys, prefixes and markers as the request's `EncodingType` wants them.
struct Encoding(bool);

impl Encoding {
    fn of(asked: &Option<EncodingType>) -> Encoding {
        Encoding(
            asked
                .as_ref()
                .is_some_and(|e| e.as_str() == EncodingType::URL),
        )
    }
    fn apply(&self, s: &str) -> String {
        if self.0 {
            keys::url_encode(s)
        } else {
            s.to_owned()
        }
    }
    fn opt(&self, s: &Option<String>) -> Option<String> {
        s.as_deref().map(|s| self.apply(s))
    }
}

fn owner() -> Owner {
    Owner {
        display_name: Some(OWNER_NAME.to_owned()),
        id: Some(OWNER_ID.to_owned()),
    }
}

fn etag(info: &ObjectInfo) -> ETag {
    ETag::Strong(info.md5.clone())
}

fn size(info: &ObjectInfo) -> i64 {
    i64::try_from(info.size).unwrap_or(i64::MAX)
}

fn object(key: String, info: &ObjectInfo, encoding: &Encoding, with_owner: bool) -> Object {
    Object {
        key: Some(encoding.apply(&key)),
        e_tag: Some(etag(info)),
        last_modified: Some(Timestamp::from(info.modified)),
        size: Some(size(info)),
        storage_class: Some(ObjectStorageClass::from_static(
            ObjectStorageClass::STANDARD,
        )),
        owner: with_owner.then(owner),
        ..Object::default()
    }
}

fn common_prefixes(listing: &Listing, encoding: &Encoding) -> Option<Vec<CommonPrefix>> {
    Some(
        listing
            .prefixes
            .iter()
            .map(|p| CommonPrefix {
                prefix: Some(encoding.apply(p)),
            })
            .collect(),
    )
}

/// Reads and deletes name a version: only `null` exists, as in a bucket never versioned.
fn check_version(version: Option<&str>) -> S3Result<()> {
    match version {
        None | Some(NULL_VERSION) => Ok(()),
        Some(_) => Err(s3_error!(InvalidArgument, "Invalid version id specified")),
    }
}

fn s3_error_of(e: StoreError) -> S3Error {
    let code = match &e {
        StoreError::NoSuchBucket => S3ErrorCode::NoSuchBucket,
        StoreError::NoSuchKey => S3ErrorCode::NoSuchKey,
        StoreError::BucketNotEmpty => S3ErrorCode::BucketNotEmpty,
        StoreError::BucketAlreadyOwnedByYou => S3ErrorCode::BucketAlreadyOwnedByYou,
        StoreError::BadKey(KeyError::TooLong) => S3ErrorCode::KeyTooLongError,
        StoreError::BadKey(_) | StoreError::FileFolderClash(_) => S3ErrorCode::InvalidArgument,
        StoreError::Io(_) => S3ErrorCode::InternalError,
    };
    S3Error::with_message(code, e.to_string())
}

fn io_error(e: std::io::Error) -> S3Error {
    s3_error!(InternalError, "{e}")
}

/// The file from `start`, `len` bytes of it, as a body.
fn file_body(file: tokio::fs::File, len: u64) -> StreamingBlob {
    let stream = futures_util::stream::try_unfold(file.take(len), |mut file| async move {
        let mut buf = vec![0; READ_CHUNK];
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        buf.truncate(n);
        Ok(Some((Bytes::from(buf), file)))
    });
    StreamingBlob::wrap(stream)
}

#[async_trait::async_trait]
impl S3 for Service {
    async fn list_buckets(
        &self,
        _req: S3Request<ListBucketsInput>,
    ) -> S3Result<S3Response<ListBucketsOutput>> {
        let buckets = self.blocking(|store| Ok(store.buckets()?)).await?;
        let buckets = buckets
            .into_iter()
            .map(|(name, made)| Bucket {
                name: Some(name),
                creation_date: Some(Timestamp::from(made)),
                bucket_region: Some(REGION.to_owned()),
            })
            .collect();
        Ok(S3Response::new(ListBucketsOutput {
            buckets: Some(buckets),
            owner: Some(owner()),
            ..ListBucketsOutput::default()
        }))
    }

    async fn head_bucket(
        &self,
        req: S3Request<HeadBucketInput>,
    ) -> S3Result<S3Response<HeadBucketOutput>> {
        let bucket = req.input.bucket;
        self.blocking(move |store| store.bucket(&bucket).map(|_| ()))
            .await?;
        Ok(S3Response::new(HeadBucketOutput {
            bucket_region: Some(REGION.to_owned()),
            ..HeadBucketOutput::default()
        }))
    }

    async fn create_bucket(
        &self,
        req: S3Request<CreateBucketInput>,
    ) -> S3Result<S3Response<CreateBucketOutput>> {
        let bucket = req.input.bucket;
        let location = format!("/{bucket}");
        self.blocking(move |store| store.create_bucket(&bucket))
            .await?;
        Ok(S3Response::new(CreateBucketOutput {
            location: Some(location),
        }))
    }

    async fn delete_bucket(
        &self,
        req: S3Request<DeleteBucketInput>,
    ) -> S3Result<S3Response<DeleteBucketOutput>> {
        let bucket = req.input.bucket;
        self.blocking(move |store| store.delete_bucket(&bucket))
            .await?;
        Ok(S3Response::new(DeleteBucketOutput::default()))
    }

    async fn get_bucket_location(
        &self,
        req: S3Request<GetBucketLocationInput>,
    ) -> S3Result<S3Response<GetBucketLocationOutput>> {
        let bucket = req.input.bucket;
        self.blocking(move |store| store.bucket(&bucket).map(|_| ()))
            .await?;
        Ok(S3Response::new(GetBucketLocationOutput {
            location_constraint: Some(BucketLocationConstraint::from(REGION.to_owned())),
        }))
    }

    async fn get_bucket_versioning(
        &self,
        req: S3Request<GetBucketVersioningInput>,
    ) -> S3Result<S3Response<GetBucketVersioningOutput>> {
        let bucket = req.input.bucket;
        self.blocking(move |store| store.bucket(&bucket).map(|_| ()))
            .await?;
        // The local bucket keeps one version of each object: it answers as a bucket whose
        // versioning was never turned on.
        Ok(S3Response::new(GetBucketVersioningOutput::default()))
    }

    async fn list_objects_v2(
        &self,
        req: S3Request<ListObjectsV2Input>,
    ) -> S3Result<S3Response<ListObjectsV2Output>> {
        let input = req.input;
        let after = match &input.continuation_token {
            Some(token) => Some(keys::marker_of(token).ok_or_else(|| {
                s3_error!(
                    InvalidArgument,
                    "The continuation token provided is incorrect"
                )
            })?),
            None => input.start_after.clone(),
        };
        let query = OwnedQuery::new(&input.prefix, &input.delimiter, after, input.max_keys);
        let max_keys = query.max_keys;
        let listing = self.listing(input.bucket.clone(), query).await?;
        let encoding = Encoding::of(&input.encoding_type);
        let with_owner = input.fetch_owner == Some(true);
        Ok(S3Response::new(ListObjectsV2Output {
            name: Some(input.bucket),
            prefix: Some(encoding.apply(input.prefix.as_deref().unwrap_or_default())),
            delimiter: encoding.opt(&input.delimiter),
            max_keys: Some(i32::try_from(max_keys).unwrap_or(i32::MAX)),
            key_count: Some(listing.key_count()),
            continuation_token: input.continuation_token,
            start_after: encoding.opt(&input.start_after),
            is_truncated: Some(listing.truncated),
            next_continuation_token: listing.next.as_deref().map(keys::token),
            common_prefixes: common_prefixes(&listing, &encoding),
            contents: Some(
                listing
                    .objects
                    .into_iter()
                    .map(|(k, info)| object(k, &info, &encoding, with_owner))
                    .collect(),
            ),
            encoding_type: input.encoding_type,
            ..ListObjectsV2Output::default()
        }))
    }

    async fn list_objects(
        &self,
        req: S3Request<ListObjectsInput>,
    ) -> S3Result<S3Response<ListObjectsOutput>> {
        let input = req.input;
        let query = OwnedQuery::new(
            &input.prefix,
            &input.delimiter,
            input.marker.clone(),
            input.max_keys,
        );
        let max_keys = query.max_keys;
        let listing = self.listing(input.bucket.clone(), query).await?;
        let encoding = Encoding::of(&input.encoding_type);
        Ok(S3Response::new(ListObjectsOutput {
            name: Some(input.bucket),
            prefix: Some(encoding.apply(input.prefix.as_deref().unwrap_or_default())),
            delimiter: encoding.opt(&input.delimiter),
            marker: Some(encoding.apply(input.marker.as_deref().unwrap_or_default())),
            max_keys: Some(i32::try_from(max_keys).unwrap_or(i32::MAX)),
            is_truncated: Some(listing.truncated),
            next_marker: encoding.opt(&listing.next),
            common_prefixes: common_prefixes(&listing, &encoding),
            contents: Some(
                listing
                    .objects
                    .into_iter()
                    .map(|(k, info)| object(k, &info, &encoding, true))
                    .collect(),
            ),
            encoding_type: input.encoding_type,
            ..ListObjectsOutput::default()
        }))
    }

    async fn list_object_versions(
        &self,
        req: S3Request<ListObjectVersionsInput>,
    ) -> S3Result<S3Response<ListObjectVersionsOutput>> {
        let input = req.input;
        if input.version_id_marker.is_some() && input.key_marker.is_none() {
            return Err(s3_error!(
                InvalidArgument,
                "A version-id marker cannot be specified without a key marker."
            ));
        }
        // Each key has one version, "null": a page that ended on a key ended on its version.
        let query = OwnedQuery::new(
            &input.prefix,
            &input.delimiter,
            input.key_marker.clone(),
            input.max_keys,
        );
        let max_keys = query.max_keys;
        let listing = self.listing(input.bucket.clone(), query).await?;
        let encoding = Encoding::of(&input.encoding_type);
        let next_is_object = listing
            .next
            .as_ref()
            .is_some_and(|n| listing.objects.last().is_some_and(|(k, _)| k == n));
        Ok(S3Response::new(ListObjectVersionsOutput {
            name: Some(input.bucket),
            prefix: Some(encoding.apply(input.prefix.as_deref().unwrap_or_default())),
            delimiter: encoding.opt(&input.delimiter),
            key_marker: Some(encoding.apply(input.key_marker.as_deref().unwrap_or_default())),
            version_id_marker: Some(input.version_id_marker.unwrap_or_default()),
            max_keys: Some(i32::try_from(max_keys).unwrap_or(i32::MAX)),
            is_truncated: Some(listing.truncated),
            next_key_marker: encoding.opt(&listing.next),
            next_version_id_marker: next_is_object.then(|| NULL_VERSION.to_owned()),
            common_prefixes: common_prefixes(&listing, &encoding),
            versions: Some(
                listing
                    .objects
                    .iter()
                    .map(|(k, info)| ObjectVersion {
                        key: Some(encoding.apply(k)),
                        version_id: Some(NULL_VERSION.to_owned()),
                        is_latest: Some(true),
                        e_tag: Some(etag(info)),
                        last_modified: Some(Timestamp::from(info.modified)),
                        size: Some(size(info)),
                        storage_class: Some(ObjectVersionStorageClass::from_static(
                            ObjectVersionStorageClass::STANDARD,
                        )),
                        owner: Some(owner()),
                        ..ObjectVersion::default()
                    })
                    .collect(),
            ),
            encoding_type: input.encoding_type,
            ..ListObjectVersionsOutput::default()
        }))
    }

    async fn head_object(
        &self,
        req: S3Request<HeadObjectInput>,
    ) -> S3Result<S3Response<HeadObjectOutput>> {
        let input = req.input;
        let version = input.version_id.clone();
        let (_, info) = self
            .found(input.bucket, input.key, version.as_deref())
            .await?;
        let (content_length, content_range) = match &input.range {
            Some(range) => {
                let r = range.check(info.size)?;
                (
                    r.end - r.start,
                    Some(format!("bytes {}-{}/{}", r.start, r.end - 1, info.size)),
                )
            }
            None => (info.size, None),
        };
        Ok(S3Response::new(HeadObjectOutput {
            accept_ranges: Some("bytes".to_owned()),
            content_length: Some(i64::try_from(content_length).unwrap_or(i64::MAX)),
            content_range,
            content_type: Some(DEFAULT_CONTENT_TYPE.to_owned()),
            e_tag: Some(etag(&info)),
            last_modified: Some(Timestamp::from(info.modified)),
            version_id: version,
            ..HeadObjectOutput::default()
        }))
    }

    async fn get_object(
        &self,
        req: S3Request<GetObjectInput>,
    ) -> S3Result<S3Response<GetObjectOutput>> {
        let input = req.input;
        let version = input.version_id.clone();
        let (path, info) = self
            .found(input.bucket, input.key, version.as_deref())
            .await?;
        let (range, content_range) = match &input.range {
            Some(range) => {
                let r = range.check(info.size)?;
                let header = format!("bytes {}-{}/{}", r.start, r.end - 1, info.size);
                (r, Some(header))
            }
            None => (0..info.size, None),
        };
        let mut file = tokio::fs::File::open(&path).await.map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                s3_error!(NoSuchKey)
            } else {
                io_error(e)
            }
        })?;
        if range.start > 0 {
            file.seek(std::io::SeekFrom::Start(range.start))
                .await
                .map_err(io_error)?;
        }
        let len = range.end - range.start;
        Ok(S3Response::new(GetObjectOutput {
            body: Some(file_body(file, len)),
            accept_ranges: Some("bytes".to_owned()),
            content_length: Some(i64::try_from(len).unwrap_or(i64::MAX)),
            content_range,
            content_type: Some(DEFAULT_CONTENT_TYPE.to_owned()),
            e_tag: Some(etag(&info)),
            last_modified: Some(Timestamp::from(info.modified)),
            version_id: version,
            ..GetObjectOutput::default()
        }))
    }

    async fn put_object(
        &self,
        req: S3Request<PutObjectInput>,
    ) -> S3Result<S3Response<PutObjectOutput>> {
        let input = req.input;
        let expected_md5 = match &input.content_md5 {
            Some(b64) => Some(BASE64.decode(b64).map_err(|_| {
                s3_error!(InvalidDigest, "The Content-MD5 you specified was invalid.")
            })?),
            None => None,
        };
        let (bucket, key) = (input.bucket.clone(), input.key.clone());
        let prepare = move |store: &Store| {
            let dir = store.bucket(&bucket)?;
            store.prepare_put(&dir, &key)
        };
        let (path, temp) = self.blocking(prepare.clone()).await?;
        let open = |temp: PathBuf| async move {
            tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
                .await
        };
        let (path, temp, mut file) = match open(temp.clone()).await {
            Ok(file) => (path, temp, file),
            // Its folder went with the last object in it meanwhile: make it again, once.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let (path, temp) = self.blocking(prepare).await?;
                let file = open(temp.clone()).await.map_err(io_error)?;
                (path, temp, file)
            }
            Err(e) => return Err(io_error(e)),
        };
        let written = async {
            let mut hasher = Md5::new();
            let mut size: u64 = 0;
            if let Some(mut body) = input.body {
                while let Some(chunk) = body.next().await {
                    let chunk = chunk.map_err(|e| {
                        s3_error!(IncompleteBody, "the request body could not be read: {e}")
                    })?;
                    hasher.update(&chunk);
                    size += chunk.len() as u64;
                    file.write_all(&chunk).await.map_err(io_error)?;
                }
            }
            file.flush().await.map_err(io_error)?;
            drop(file);
            let md5 = hasher.finalize();
            if let Some(expected) = input.content_length
                && u64::try_from(expected).ok() != Some(size)
            {
                return Err(s3_error!(
                    IncompleteBody,
                    "You did not provide the number of bytes specified by the Content-Length HTTP header."
                ));
            }
            if expected_md5.as_ref().is_some_and(|e| e.as_slice() != md5.as_slice()) {
                return Err(s3_error!(
                    BadDigest,
                    "The Content-MD5 you specified did not match what we received."
                ));
            }
            tokio::fs::rename(&temp, &path).await.map_err(|e| {
                if e.kind() == std::io::ErrorKind::IsADirectory
                    || e.kind() == std::io::ErrorKind::DirectoryNotEmpty
                {
                    s3_error_of(StoreError::FileFolderClash(input.key.clone()))
                } else {
                    io_error(e)
                }
            })?;
            Ok((hex(&md5), size))
        }
        .await;
        let (md5, size) = match written {
            Ok(done) => done,
            Err(e) => {
                let _ = tokio::fs::remove_file(&temp).await;
                return Err(e);
            }
        };
        Ok(S3Response::new(PutObjectOutput {
            e_tag: Some(ETag::Strong(md5)),
            size: Some(i64::try_from(size).unwrap_or(i64::MAX)),
            ..PutObjectOutput::default()
        }))
    }

    async fn delete_object(
        &self,
        req: S3Request<DeleteObjectInput>,
    ) -> S3Result<S3Response<DeleteObjectOutput>> {
        let input = req.input;
        check_version(input.version_id.as_deref())?;
        let (bucket, key) = (input.bucket, input.key);
        self.blocking(move |store| {
            let dir = store.bucket(&bucket)?;
            store.delete_object(&dir, &key)
        })
        .await?;
        Ok(S3Response::with_status(
            DeleteObjectOutput {
                version_id: input.version_id,
                ..DeleteObjectOutput::default()
            },
            hyper::StatusCode::NO_CONTENT,
        ))
    }

    async fn delete_objects(
        &self,
        req: S3Request<DeleteObjectsInput>,
    ) -> S3Result<S3Response<DeleteObjectsOutput>> {
        let input = req.input;
        if input.delete.objects.len() > keys::MAX_PAGE {
            return Err(s3_error!(
                MalformedXML,
                "The XML you provided was not well-formed or did not validate against our published schema"
            ));
        }
        let quiet = input.delete.quiet == Some(true);
        let bucket = input.bucket;
        let objects = input.delete.objects;
        let (deleted, errors) = self
            .blocking(move |store| {
                let dir = store.bucket(&bucket)?;
                let mut deleted = Vec::new();
                let mut errors = Vec::new();
                for o in objects {
                    if check_version(o.version_id.as_deref()).is_err() {
                        errors.push(Error {
                            code: Some("NoSuchVersion".to_owned()),
                            message: Some("The specified version does not exist.".to_owned()),
                            key: Some(o.key),
                            version_id: o.version_id,
                        });
                        continue;
                    }
                    match store.delete_object(&dir, &o.key) {
                        Ok(()) => deleted.push(DeletedObject {
                            key: Some(o.key),
                            version_id: o.version_id,
                            ..DeletedObject::default()
                        }),
                        Err(e) => errors.push(Error {
                            code: Some("InternalError".to_owned()),
                            message: Some(e.to_string()),
                            key: Some(o.key),
                            version_id: o.version_id,
                        }),
                    }
                }
                Ok((deleted, errors))
            })
            .await?;
        Ok(S3Response::new(DeleteObjectsOutput {
            deleted: (!quiet).then_some(deleted),
            errors: Some(errors),
            ..DeleteObjectsOutput::default()
        }))
    }
}

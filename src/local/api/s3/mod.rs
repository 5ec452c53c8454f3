//! Amazon S3 on the local endpoint, over the bucket folders (`buckets/<bucket>/<key>` in the
//! state directory) that the rules engine archives into: the `s3s` crate reads and writes the
//! REST-XML protocol, [`service::Service`] answers each operation.
//!
//! Served: ListBuckets, HeadBucket, CreateBucket, DeleteBucket, GetBucketLocation,
//! GetBucketVersioning, ListObjectsV2, ListObjects, ListObjectVersions, GetObject (with
//! Range), HeadObject, PutObject, DeleteObject and DeleteObjects, path-style. A bucket is a
//! folder: deploying a stack makes its bucket's, deleting the bucket removes it. The bucket
//! keeps one version of each object, so it answers as a bucket never versioned: every object
//! has the version id `null`.
//!
//! Parts: `unsign` turns a signed request into the unsigned one s3s reads (any well-formed
//! signature is accepted) and `chunked` decodes streaming `aws-chunked` uploads; `keys` maps
//! keys to files and pages listings, with no I/O; `store` is the folders on disk.

mod chunked;
mod keys;
mod service;
mod store;
mod unsign;

use bytes::Bytes;
use hyper::body::Body;
use s3s::service::{S3Service, S3ServiceBuilder};

use crate::local::control::Local;

/// The S3 service over `local`'s bucket folders.
pub fn service(local: &Local) -> S3Service {
    S3ServiceBuilder::new(service::Service::new(local.state.buckets())).build()
}

/// Answers one S3 request, streaming its body in and the response's out.
pub async fn serve<B>(s3: &S3Service, req: hyper::Request<B>) -> hyper::Response<s3s::Body>
where
    B: Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    match s3.call(unsign::unsigned(req)).await {
        Ok(response) => response,
        Err(e) => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>{}</Message></Error>",
                escape(&format!("{e:?}"))
            );
            let mut response = hyper::Response::new(s3s::Body::from(body));
            *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            response.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("application/xml"),
            );
            response
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The objects of the bucket folders, read whole: what a presigned download serves.
#[derive(Debug, Clone)]
pub struct ObjectFiles {
    store: store::Store,
}

impl ObjectFiles {
    pub fn new(buckets: std::path::PathBuf) -> ObjectFiles {
        ObjectFiles {
            store: store::Store::new(buckets),
        }
    }

    /// The object's bytes; `None` when there is no such bucket or key.
    pub async fn read(&self, bucket: &str, key: &str) -> Option<Bytes> {
        let (files, bucket, key) = (self.clone(), bucket.to_owned(), key.to_owned());
        tokio::task::spawn_blocking(move || files.read_blocking(&bucket, &key))
            .await
            .ok()
            .flatten()
    }

    /// [`ObjectFiles::read`] on the calling thread.
    pub fn read_blocking(&self, bucket: &str, key: &str) -> Option<Bytes> {
        let folder = self.store.bucket(bucket).ok()?;
        let path = self.store.object_path(&folder, key).ok()?;
        std::fs::read(path).ok().map(Bytes::from)
    }
}

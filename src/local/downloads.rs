//! Presigned downloads: what AWS IoT Jobs' `${aws:iot:s3-presigned-url:...}` placeholder
//! becomes locally. `local up` serves, over HTTPS with the backend's server certificate (the
//! local CA's, as for the broker), `GET` and `HEAD /<bucket>/<key>` of the bucket folders, but
//! only with a URL this backend signed: `X-Amz-Date` (epoch seconds), `X-Amz-Expires` (seconds)
//! and `X-Amz-Signature`, an HMAC-SHA256 over the method-independent string
//! `<bucket>\n<key>\n<date>\n<expires>` under a key drawn at start and never written. So a URL
//! serves its one object until it expires, and a restart revokes every URL handed out.
//!
//! Refusals answer as S3 does for presigned URLs: 403 `AccessDenied` ("Request has expired"),
//! 403 `SignatureDoesNotMatch`, 404 `NoSuchKey`, 400 `AuthorizationQueryParametersError`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use aws_lc_rs::hmac;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Signs and checks download URLs.
#[derive(Clone)]
pub struct Signer {
    key: hmac::Key,
    base: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("base", &self.base).finish()
    }
}

fn encode_path(key: &str) -> String {
    key.split('/')
        .map(|s| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// What may stay unencoded in a path segment (RFC 3986 unreserved characters).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl Signer {
    /// A signer with a fresh random key, for URLs under `base` (`https://localhost:PORT`).
    pub fn new(base: String) -> Signer {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let key = hmac::Key::generate(hmac::HMAC_SHA256, &rng)
            .unwrap_or_else(|_| hmac::Key::new(hmac::HMAC_SHA256, base.as_bytes()));
        Signer { key, base }
    }

    fn mac(&self, bucket: &str, key: &str, date: u64, expires: u64) -> String {
        let text = format!("{bucket}\n{key}\n{date}\n{expires}");
        hex(hmac::sign(&self.key, text.as_bytes()).as_ref())
    }

    /// The URL of one object, valid `expires` seconds from `now`.
    pub fn url(&self, bucket: &str, key: &str, now: u64, expires: u64) -> String {
        format!(
            "{}/{}/{}?X-Amz-Date={now}&X-Amz-Expires={expires}&X-Amz-Signature={}",
            self.base,
            encode_path(bucket),
            encode_path(key),
            self.mac(bucket, key, now, expires)
        )
    }

    /// Checks a request's bucket, key and query at `now`.
    pub fn check(&self, bucket: &str, key: &str, query: &str, now: u64) -> Result<(), Refusal> {
        let mut date = None;
        let mut expires = None;
        let mut signature = None;
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "X-Amz-Date" => date = v.parse::<u64>().ok(),
                "X-Amz-Expires" => expires = v.parse::<u64>().ok(),
                "X-Amz-Signature" => signature = Some(v.into_owned()),
                _ => {}
            }
        }
        let (Some(date), Some(expires), Some(signature)) = (date, expires, signature) else {
            return Err(Refusal::MissingParameters);
        };
        let expected = self.mac(bucket, key, date, expires);
        if aws_lc_rs::constant_time::verify_slices_are_equal(
            expected.as_bytes(),
            signature.as_bytes(),
        )
        .is_err()
        {
            return Err(Refusal::Signature);
        }
        if now >= date.saturating_add(expires) {
            return Err(Refusal::Expired);
        }
        Ok(())
    }
}

/// Why a download is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    MissingParameters,
    Signature,
    Expired,
    NoSuchKey,
}

impl Refusal {
    fn answer(self) -> (u16, &'static str, &'static str) {
        match self {
            Refusal::MissingParameters => (
                400,
                "AuthorizationQueryParametersError",
                "Query-string authentication requires the X-Amz-Date, X-Amz-Expires and X-Amz-Signature parameters",
            ),
            Refusal::Signature => (
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided",
            ),
            Refusal::Expired => (403, "AccessDenied", "Request has expired"),
            Refusal::NoSuchKey => (404, "NoSuchKey", "The specified key does not exist."),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The running download server.
pub struct DownloadServer {
    addr: SocketAddr,
    signer: Signer,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl DownloadServer {
    /// Listens on `bind` with TLS (`chain`, `key`) and serves `buckets` (the bucket folders).
    pub async fn start(
        bind: SocketAddr,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        buckets: PathBuf,
    ) -> std::io::Result<DownloadServer> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(std::io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(std::io::Error::other)?;
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let signer = Signer::new(format!("https://localhost:{}", addr.port()));
        let stop = CancellationToken::new();
        let task = tokio::spawn(accept(
            listener,
            acceptor,
            signer.clone(),
            Arc::new(crate::local::api::s3::ObjectFiles::new(buckets)),
            stop.clone(),
        ));
        Ok(DownloadServer {
            addr,
            signer,
            stop,
            task,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// What signs this server's URLs.
    pub fn signer(&self) -> Signer {
        self.signer.clone()
    }

    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

async fn accept(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    signer: Signer,
    files: Arc<crate::local::api::s3::ObjectFiles>,
    stop: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            _ = stop.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (acceptor, signer, files) = (acceptor.clone(), signer.clone(), files.clone());
        tokio::spawn(async move {
            let handshake =
                tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(stream))
                    .await;
            let Ok(Ok(tls)) = handshake else {
                return;
            };
            let service = service_fn(move |req: hyper::Request<Incoming>| {
                let (signer, files) = (signer.clone(), files.clone());
                async move { Ok::<_, Infallible>(answer(&signer, &files, &req).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}

fn refused(refusal: Refusal) -> hyper::Response<Full<Bytes>> {
    let (status, code, message) = refusal.answer();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    let mut response = hyper::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::FORBIDDEN);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/xml"),
    );
    response
}

async fn answer<B>(
    signer: &Signer,
    files: &crate::local::api::s3::ObjectFiles,
    req: &hyper::Request<B>,
) -> hyper::Response<Full<Bytes>> {
    let head = req.method() == hyper::Method::HEAD;
    if req.method() != hyper::Method::GET && !head {
        let mut response = hyper::Response::new(Full::new(Bytes::new()));
        *response.status_mut() = hyper::StatusCode::METHOD_NOT_ALLOWED;
        return response;
    }
    let path = percent_encoding::percent_decode_str(req.uri().path())
        .decode_utf8_lossy()
        .into_owned();
    let Some((bucket, key)) = path.trim_start_matches('/').split_once('/') else {
        return refused(Refusal::NoSuchKey);
    };
    if let Err(refusal) = signer.check(bucket, key, req.uri().query().unwrap_or(""), now_secs()) {
        return refused(refusal);
    }
    let Some(bytes) = files.read(bucket, key).await else {
        return refused(Refusal::NoSuchKey);
    };
    let len = bytes.len();
    let mut response = hyper::Response::new(Full::new(if head { Bytes::new() } else { bytes }));
    let headers = response.headers_mut();
    headers.insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(hyper::header::CONTENT_LENGTH, len.into());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server and the devices' download client over real HTTPS: the object for a good URL,
    /// S3's refusals for an expired one, a forged one and another object.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_server_serves_signed_urls_and_refuses_expired_and_foreign_ones() {
        let dir = tempfile::tempdir().unwrap();
        let ca = crate::local::ca::LocalCa::load_or_create(&dir.path().join("ca")).unwrap();
        let (chain, key) = ca.server_identity(&dir.path().join("ca")).unwrap();
        let buckets = dir.path().join("buckets");
        std::fs::create_dir_all(buckets.join("firmware-bucket/firmware")).unwrap();
        std::fs::write(buckets.join("firmware-bucket/firmware/a.bin"), b"image A").unwrap();
        std::fs::write(buckets.join("firmware-bucket/firmware/b.bin"), b"image B").unwrap();
        let bind = SocketAddr::from(([127, 0, 0, 1], 0));
        let server = DownloadServer::start(bind, chain, key, buckets)
            .await
            .unwrap();
        let trust = crate::mqtt::ServerTrust::from_pem(ca.certificate_pem().as_bytes()).unwrap();
        let signer = server.signer();
        let fetch = |url: String| {
            let trust = trust.clone();
            async move { crate::fleet::download::fetch(&url, &trust, 1 << 20).await }
        };
        let now = now_secs();
        let good = signer.url("firmware-bucket", "firmware/a.bin", now, 60);
        assert_eq!(fetch(good.clone()).await.unwrap().as_ref(), b"image A");
        let expired = signer.url("firmware-bucket", "firmware/a.bin", now - 120, 60);
        let refused = fetch(expired).await.unwrap_err();
        assert!(refused.contains("HTTP 403 AccessDenied"), "{refused}");
        let other = good.replace("a.bin", "b.bin");
        let refused = fetch(other).await.unwrap_err();
        assert!(
            refused.contains("HTTP 403 SignatureDoesNotMatch"),
            "{refused}"
        );
        let missing = signer.url("firmware-bucket", "firmware/c.bin", now, 60);
        let refused = fetch(missing).await.unwrap_err();
        assert!(refused.contains("HTTP 404 NoSuchKey"), "{refused}");
        server.stop().await;
    }

    #[test]
    fn a_url_serves_its_object_until_it_expires_and_no_other() {
        let s = Signer::new("https://localhost:1".into());
        let url = s.url("b", "firmware/1.0/image.bin", 1000, 60);
        let query = url.split_once('?').unwrap().1;
        assert_eq!(s.check("b", "firmware/1.0/image.bin", query, 1000), Ok(()));
        assert_eq!(s.check("b", "firmware/1.0/image.bin", query, 1059), Ok(()));
        assert_eq!(
            s.check("b", "firmware/1.0/image.bin", query, 1060),
            Err(Refusal::Expired)
        );
        assert_eq!(
            s.check("b", "firmware/2.0/image.bin", query, 1000),
            Err(Refusal::Signature)
        );
        assert_eq!(
            s.check("other", "firmware/1.0/image.bin", query, 1000),
            Err(Refusal::Signature)
        );
        // A longer lifetime written into the URL breaks the signature.
        let stretched = query.replace("X-Amz-Expires=60", "X-Amz-Expires=6000");
        assert_eq!(
            s.check("b", "firmware/1.0/image.bin", &stretched, 1000),
            Err(Refusal::Signature)
        );
        assert_eq!(
            s.check("b", "firmware/1.0/image.bin", "", 1000),
            Err(Refusal::MissingParameters)
        );
        // Another backend (or this one restarted) signs with another key.
        let other = Signer::new("https://localhost:1".into());
        assert_eq!(
            other.check("b", "firmware/1.0/image.bin", query, 1000),
            Err(Refusal::Signature)
        );
    }
}

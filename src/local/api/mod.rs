//! The local backend's AWS API endpoint: one loopback HTTP port that answers the AWS APIs in
//! their own wire protocols, so that the AWS CLI, boto3 and the SDKs can use the local backend
//! with `AWS_ENDPOINT_URL` set (`soilctl local env` prints it). Requests are routed by the
//! service in their SigV4 credential scope, as moto and LocalStack do; any well-formed
//! signature is accepted, which is why the port is on 127.0.0.1 only.
//!
//! Served so far: AWS IoT's things, thing groups, jobs, certificates (signed from the caller's
//! CSR by the backend's CA), CA certificates and the registration code, policies and their
//! versions, attachments, topic rules, fleet indexing and DescribeEndpoint (`iot`); the AWS IoT
//! data plane's shadows, Publish and retained messages (`iotdata`), through the running broker
//! when there is one; CloudFormation's change sets, stacks, events, resources, templates and
//! DeleteStack (`cloudformation`); Lambda's GetFunction and ListFunctions (`lambda`) and
//! CloudWatch Logs' groups and events (`logs`) for the stacks' resources; SNS's topic
//! attributes, topic and subscription lists and Publish, delivered to the alerts log (`sns`).
//! Amazon S3's buckets and objects over the bucket folders (`s3`). Any other operation or
//! service gets an error that names it.
//!
//! Parts: `sigv4` reads the credential scope; `reply` holds the response and AWS's error
//! shapes; `paging` AWS IoT's page sizes and tokens; `iot` (things, the endpoint),
//! `iot_groups` (thing groups), `iot_jobs` (jobs, over the Jobs service),
//! `iot_security` (certificates, principals), `iot_policies`, `iot_ca`, `iot_rules` and
//! `iot_index` (with `index_query`, the search language) answer AWS IoT over the registry and
//! the CA; `iot_data` the data plane; `cloudformation` answers the Query protocol over the
//! deployed stacks; `lambda` and `logs` read the stacks' functions and log groups; `sns`
//! answers the Query protocol over the stacks' topics, with `query` holding that protocol's
//! parameters, answers and errors; `s3` streams its requests through the `s3s` crate. This
//! module is the HTTP side.

mod cloudformation;
mod in_process;
mod index_query;
mod iot;
mod iot_ca;
mod iot_data;
mod iot_groups;
mod iot_index;
mod iot_jobs;
mod iot_policies;
mod iot_rules;
mod iot_security;
mod lambda;
mod logs;
mod paging;
mod query;
pub mod reply;
pub mod s3;
pub mod sigv4;
mod sns;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::local::control::Local;
pub use in_process::InProcess;
pub use reply::Reply;

/// The largest request body taken (AWS IoT's largest requests, policy documents and CSRs,
/// are far smaller).
const MAX_BODY: usize = 1 << 20;

/// One request as the operations see it: the path as it came and split into percent-decoded
/// segments (an ARN in a path is one segment, its `/` encoded), the query as pairs, the
/// headers by lowercase name.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Request {
    /// The value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A running API endpoint.
pub struct ApiServer {
    addr: SocketAddr,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl ApiServer {
    /// Listens on `bind` and answers from `local` until [`ApiServer::stop`]. `local.broker`,
    /// set once a broker runs beside the endpoint, is the running broker, when there is one: the
    /// data plane's shadows and publishes go through it, so that devices online see them.
    pub async fn start(bind: SocketAddr, local: Arc<Local>) -> std::io::Result<ApiServer> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let stop = CancellationToken::new();
        let task = tokio::spawn(accept(listener, local, stop.clone()));
        Ok(ApiServer { addr, stop, task })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting; requests under way finish on their own.
    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

async fn accept(listener: TcpListener, local: Arc<Local>, stop: CancellationToken) {
    let s3 = s3::service(&local);
    loop {
        let accepted = tokio::select! {
            _ = stop.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let local = Arc::clone(&local);
        let s3 = s3.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req: hyper::Request<Incoming>| {
                let local = Arc::clone(&local);
                let s3 = s3.clone();
                async move {
                    // S3 streams its bodies: it takes the request before anything is read.
                    let response = if scope_of(&req).is_some_and(|s| s.service == "s3") {
                        s3::serve(&s3, req).await.map(Either::Right)
                    } else {
                        respond(req, local).await.map(Either::Left)
                    };
                    Ok::<_, Infallible>(response)
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn respond(req: hyper::Request<Incoming>, local: Arc<Local>) -> hyper::Response<Full<Bytes>> {
    let reply = match read(req).await {
        Ok((scope, request)) => {
            tokio::task::spawn_blocking(move || route(&local, scope.as_ref(), &request))
                .await
                .unwrap_or_else(|_| failed())
        }
        Err(reply) => reply,
    };
    let mut response = hyper::Response::new(Full::new(reply.body));
    *response.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers {
        if let Ok(value) = hyper::header::HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// What a request that panicked gets.
fn failed() -> Reply {
    Reply::rest_json_error(500, "InternalFailureException", "the request failed")
}

/// The request's SigV4 credential scope, from its `Authorization` header or, presigned, its
/// query.
fn scope_of<B>(req: &hyper::Request<B>) -> Option<sigv4::Scope> {
    req.headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(sigv4::from_authorization)
        .or_else(|| {
            form_urlencoded::parse(req.uri().query()?.as_bytes())
                .find(|(k, _)| k == "X-Amz-Credential")
                .and_then(|(_, v)| sigv4::parse_credential(&v))
        })
}

/// The request's credential scope and its parts, or the error to answer with.
async fn read(req: hyper::Request<Incoming>) -> Result<(Option<sigv4::Scope>, Request), Reply> {
    let scope = scope_of(&req);
    let (parts, body) = req.into_parts();
    let body = Limited::new(body, MAX_BODY)
        .collect()
        .await
        .map_err(|_| too_large())?
        .to_bytes();
    Ok((scope, request_of(parts, body)?))
}

fn too_large() -> Reply {
    Reply::rest_json_error(
        413,
        "RequestEntityTooLargeException",
        &format!("the request body is over {MAX_BODY} bytes"),
    )
}

/// The request as the operations see it, from its head and its whole body.
fn request_of(parts: hyper::http::request::Parts, body: Bytes) -> Result<Request, Reply> {
    if body.len() > MAX_BODY {
        return Err(too_large());
    }
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let segments = path
        .trim_matches('/')
        .split('/')
        .map(|segment| {
            percent_encoding::percent_decode_str(segment)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| Reply::invalid_request("the request path is not UTF-8"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let headers = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    Ok(Request {
        method: parts.method.as_str().to_owned(),
        path,
        segments,
        query,
        headers,
        body,
    })
}

/// Whether answering may wait for something outside the request: CloudFormation's changes
/// wait until a running `local up` serves them. Such requests run on the blocking pool;
/// the rest answer at once from the registry.
fn may_wait(scope: Option<&sigv4::Scope>) -> bool {
    scope.is_some_and(|s| s.service == "cloudformation")
}

/// Which service answers: the one the request was signed for.
fn route(local: &Local, scope: Option<&sigv4::Scope>, req: &Request) -> Reply {
    match scope.map(|s| s.service.as_str()) {
        Some("iot") => iot::handle(local, req),
        Some("iotdata") => iot_data::handle(local, local.broker.get(), req),
        Some("cloudformation") => cloudformation::handle(local, req),
        Some("lambda") => lambda::handle(local, req),
        Some("logs") => logs::handle(local, req),
        Some("sns") => sns::handle(local, scope.map(|s| s.access_key.as_str()), req),
        Some(other) => Reply::rest_json_error(
            400,
            "UnknownServiceException",
            &format!("the local backend does not serve the AWS service {other:?} yet"),
        ),
        None => Reply::rest_json_error(
            403,
            "MissingAuthenticationTokenException",
            "the request is not signed with AWS Signature Version 4: set credentials (any will do; `soilctl local env` prints some)",
        ),
    }
}

//! The AWS API endpoint served to this process's own SDK clients, with no socket: an HTTP
//! client for the SDK that hands each signed request to the same router that `local up`'s
//! port uses. `--local` with no `local up` running takes it, so a command pays neither a
//! connection nor a thread hand-off per call, and opens no port.

use std::fmt;
use std::sync::Arc;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use http_body_util::{BodyExt, Full};
use s3s::service::S3Service;

use super::{Reply, failed, may_wait, request_of, route, s3, scope_of};
use crate::local::control::Local;

/// The SDK's HTTP client for the local backend in this process.
#[derive(Clone)]
pub struct InProcess {
    local: Arc<Local>,
    s3: S3Service,
}

impl InProcess {
    pub fn new(local: Arc<Local>) -> Self {
        let s3 = s3::service(&local);
        InProcess { local, s3 }
    }

    async fn answer(&self, request: HttpRequest) -> Result<HttpResponse, ConnectorError> {
        let request = request.try_into_http1x().map_err(other)?;
        let scope = scope_of(&request);
        let (parts, body) = request.into_parts();
        let body = ByteStream::new(body)
            .collect()
            .await
            .map_err(|e| ConnectorError::io(e.into()))?
            .into_bytes();
        if scope.as_ref().is_some_and(|s| s.service == "s3") {
            let request = hyper::Request::from_parts(parts, Full::new(body));
            let (parts, body) = s3::serve(&self.s3, request).await.into_parts();
            let body = body.collect().await.map_err(ConnectorError::io)?.to_bytes();
            let response = hyper::Response::from_parts(parts, SdkBody::from(body));
            return HttpResponse::try_from(response).map_err(other);
        }
        let reply = match request_of(parts, body) {
            Err(reply) => reply,
            Ok(request) if may_wait(scope.as_ref()) => {
                let local = Arc::clone(&self.local);
                tokio::task::spawn_blocking(move || route(&local, scope.as_ref(), &request))
                    .await
                    .unwrap_or_else(|_| failed())
            }
            Ok(request) => route(&self.local, scope.as_ref(), &request),
        };
        Ok(response_of(reply))
    }
}

fn response_of(reply: Reply) -> HttpResponse {
    let status = StatusCode::try_from(reply.status)
        .unwrap_or_else(|_| StatusCode::try_from(500).expect("500 is a status code"));
    let mut response = HttpResponse::new(status, SdkBody::from(reply.body));
    for (name, value) in reply.headers {
        if hyper::header::HeaderName::try_from(name).is_ok()
            && hyper::header::HeaderValue::from_str(&value).is_ok()
        {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> ConnectorError {
    ConnectorError::other(Box::new(e), None)
}

impl fmt::Debug for InProcess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InProcess")
            .field("state", &self.local.state.root())
            .finish()
    }
}

impl HttpConnector for InProcess {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let this = self.clone();
        HttpConnectorFuture::new(async move { this.answer(request).await })
    }
}

impl HttpClient for InProcess {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::state::StateDir;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_unsigned_request_is_refused_as_aws_refuses_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::new(dir.path().join("state"));
        let client = InProcess::new(Arc::new(Local::open(&state).unwrap()));
        let request = HttpRequest::get("http://api.soilctl-local.invalid/things").unwrap();
        let response = client.answer(request).await.unwrap();
        assert_eq!(response.status().as_u16(), 403);
        assert_eq!(
            response.headers().get("x-amzn-errortype"),
            Some("MissingAuthenticationTokenException")
        );
        let body = std::str::from_utf8(response.body().bytes().unwrap()).unwrap();
        assert!(body.contains("not signed"), "{body}");
    }
}

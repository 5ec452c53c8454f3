//! One error type for every AWS call: what was called, AWS's error code and message, or why the
//! call never got an answer.

use std::fmt;

use aws_sdk_iot::config::http::HttpResponse;
use aws_sdk_iot::error::{ProvideErrorMetadata, SdkError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiErrorKind {
    /// AWS answered with an error code.
    Service,
    /// The endpoint could not be reached (refused, DNS, TLS).
    Unreachable,
    /// No answer in time.
    Timeout,
    /// An answer we could not read (an emulator's unimplemented call, a proxy's page).
    BadResponse,
    /// The request could not be built or signed.
    Request,
}

#[derive(Debug, Clone, thiserror::Error)]
pub struct ApiError {
    pub operation: &'static str,
    pub kind: ApiErrorKind,
    pub code: Option<String>,
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.code) {
            (ApiErrorKind::Service, Some(code)) if self.message.is_empty() => {
                write!(f, "{} failed: {code}", self.operation)
            }
            (ApiErrorKind::Service, Some(code)) => {
                write!(f, "{} failed: {code}: {}", self.operation, self.message)
            }
            (ApiErrorKind::Unreachable, _) => write!(
                f,
                "{}: cannot reach the AWS endpoint ({}); check the network, --region and --endpoint-url",
                self.operation, self.message
            ),
            (ApiErrorKind::Timeout, _) => write!(
                f,
                "{}: no answer from the AWS endpoint in time; check the network and --endpoint-url",
                self.operation
            ),
            _ => write!(f, "{} failed: {}", self.operation, self.message),
        }
    }
}

const NOT_FOUND: &[&str] = &[
    "ResourceNotFoundException",
    "ResourceNotFound",
    "NoSuchBucket",
    "NoSuchKey",
    "NotFound",
    "NotFoundException",
];

const THROTTLING: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
];

impl ApiError {
    /// Turns any SDK error into an `ApiError`, keeping the code and message AWS sent.
    pub fn from_sdk<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (kind, code, message) = match &err {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                let code = inner.code().map(str::to_string);
                let message = inner.message().unwrap_or_default().to_string();
                if code.is_none() {
                    (
                        ApiErrorKind::BadResponse,
                        None,
                        unexpected_answer(service.raw()),
                    )
                } else {
                    (ApiErrorKind::Service, code, message)
                }
            }
            SdkError::DispatchFailure(dispatch) => {
                let detail = source_chain(&err);
                if dispatch.is_timeout() {
                    (ApiErrorKind::Timeout, None, detail)
                } else {
                    (ApiErrorKind::Unreachable, None, detail)
                }
            }
            SdkError::TimeoutError(_) => (ApiErrorKind::Timeout, None, source_chain(&err)),
            SdkError::ResponseError(_) => (
                ApiErrorKind::BadResponse,
                None,
                format!(
                    "unreadable answer from the endpoint ({})",
                    source_chain(&err)
                ),
            ),
            SdkError::ConstructionFailure(_) => (ApiErrorKind::Request, None, source_chain(&err)),
            _ => (ApiErrorKind::Request, None, source_chain(&err)),
        };
        ApiError {
            operation,
            kind,
            code,
            message,
        }
    }

    /// A request that could not be built.
    pub fn request(operation: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            operation,
            kind: ApiErrorKind::Request,
            code: None,
            message: message.into(),
        }
    }

    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    pub fn is_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    /// The thing asked about does not exist (or no longer does).
    pub fn is_not_found(&self) -> bool {
        self.code.as_deref().is_some_and(|c| NOT_FOUND.contains(&c))
            || (self.is_code("ValidationError") && self.message.contains("does not exist"))
    }

    pub fn is_throttling(&self) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| THROTTLING.contains(&c))
    }
}

/// "HTTP 500: <first line of the body>" for an answer that carries no AWS error code.
fn unexpected_answer(raw: &HttpResponse) -> String {
    let body = raw
        .body()
        .bytes()
        .map(|b| String::from_utf8_lossy(b).trim().to_string())
        .filter(|b| !b.is_empty())
        .map(|b| format!(": {}", short(&b)))
        .unwrap_or_default();
    format!(
        "unexpected answer from the endpoint: HTTP {}{body}",
        raw.status().as_u16()
    )
}

fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.len() > 160 {
        format!(
            "{}...",
            &line[..line
                .char_indices()
                .nth(160)
                .map(|(i, _)| i)
                .unwrap_or(line.len())]
        )
    } else {
        line.to_string()
    }
}

/// The innermost useful causes, on one line.
fn source_chain(err: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut current = err.source();
    while let Some(cause) = current {
        let text = cause.to_string();
        if !text.is_empty() && !parts.iter().any(|p: &String| p.contains(&text)) {
            parts.push(text);
        }
        current = cause.source();
    }
    if parts.is_empty() {
        err.to_string()
    } else {
        short(&parts.join(": "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str, message: &str) -> ApiError {
        ApiError {
            operation: "DescribeThing",
            kind: ApiErrorKind::Service,
            code: Some(code.into()),
            message: message.into(),
        }
    }

    #[test]
    fn classifies_codes() {
        assert!(service("ResourceNotFoundException", "").is_not_found());
        assert!(service("ValidationError", "Stack with id x does not exist").is_not_found());
        assert!(!service("ValidationError", "Template format error").is_not_found());
        assert!(service("ThrottlingException", "Rate exceeded").is_throttling());
        assert!(!service("InvalidRequestException", "").is_throttling());
    }

    #[test]
    fn displays_code_and_message() {
        let text = service("InvalidRequestException", "bad name").to_string();
        assert_eq!(
            text,
            "DescribeThing failed: InvalidRequestException: bad name"
        );
    }
}

//! Everything that can go wrong with a connection, one line each in words that say what to
//! check, and which failures are worth retrying. Also turns the I/O and TLS errors of the
//! transport into these (a refused client certificate arrives as a TLS alert, during the
//! handshake with TLS 1.2 but only at the first read after it with TLS 1.3).

use std::io;
use std::time::Duration;

use rustls::AlertDescription;

#[derive(Debug, thiserror::Error)]
pub enum MqttError {
    /// A certificate, key or CA file could not be read or used.
    #[error("{0}")]
    Credentials(String),
    #[error("invalid WebSocket URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("cannot sign the WebSocket URL: {0}")]
    Signing(String),
    #[error("invalid topic {topic:?}: {reason}")]
    InvalidTopic { topic: String, reason: String },
    #[error("packet of {size} bytes is larger than the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("cannot reach {target}: {reason}")]
    Unreachable { target: String, reason: String },
    #[error(
        "TLS handshake with {host} failed: the server's certificate is not trusted ({reason}); wrong CA file?"
    )]
    ServerNotTrusted { host: String, reason: String },
    #[error("TLS handshake with {host} failed: {reason}")]
    Tls { host: String, reason: String },
    #[error(
        "the broker refused the client certificate (TLS alert: {alert}): it is not registered, not active, or issued by a CA the broker does not know"
    )]
    ClientCertificateRefused { alert: String },
    #[error("the broker refused the connection: {} (CONNACK code {code})", connack_reason(*.code))]
    ConnectionRefused { code: u8 },
    #[error(
        "the broker closed the connection before CONNACK (on AWS IoT this is how a refused connection looks: check that the certificate is active and its policy allows iot:Connect with this client id)"
    )]
    ClosedBeforeConnack,
    #[error(
        "the broker closed the connection (on AWS IoT this is how a policy refusal looks: check iot:Publish, iot:Subscribe and iot:Receive in the policy, and that no other client uses the same client id)"
    )]
    Closed,
    #[error("connection lost: {0}")]
    ConnectionLost(String),
    #[error("keep-alive timeout: no PINGRESP from the broker within {}", seconds(*.0))]
    KeepAliveTimeout(Duration),
    #[error("WebSocket upgrade refused with HTTP {status}{}", upgrade_hint(*.status))]
    WebSocketRefused { status: u16 },
    #[error("WebSocket handshake failed: {0}")]
    WebSocket(String),
    #[error("MQTT protocol error: {0}")]
    Protocol(String),
    #[error("timed out after {} {during}", seconds(*.after))]
    Timeout { during: String, after: Duration },
    #[error(
        "the broker refused the subscription to {0} (check that the policy allows iot:Subscribe on it)"
    )]
    SubscriptionRefused(String),
}

impl MqttError {
    /// Whether trying again later may succeed: network drops, timeouts and an unavailable
    /// broker yes; bad input, untrusted or refused certificates and authorization refusals no.
    pub fn is_retryable(&self) -> bool {
        match self {
            MqttError::Unreachable { .. }
            | MqttError::Closed
            | MqttError::ConnectionLost(_)
            | MqttError::KeepAliveTimeout(_)
            | MqttError::Timeout { .. } => true,
            MqttError::ConnectionRefused { code } => *code == 3,
            MqttError::WebSocketRefused { status } => {
                *status == 408 || *status == 429 || *status >= 500
            }
            MqttError::Credentials(_)
            | MqttError::InvalidUrl { .. }
            | MqttError::Signing(_)
            | MqttError::InvalidTopic { .. }
            | MqttError::TooLarge { .. }
            | MqttError::ServerNotTrusted { .. }
            | MqttError::Tls { .. }
            | MqttError::ClientCertificateRefused { .. }
            | MqttError::ClosedBeforeConnack
            | MqttError::WebSocket(_)
            | MqttError::Protocol(_)
            | MqttError::SubscriptionRefused(_) => false,
        }
    }
}

fn connack_reason(code: u8) -> String {
    match code {
        1 => "unacceptable protocol version (the broker does not accept MQTT 3.1.1)".to_owned(),
        2 => "client id rejected (empty, too long or not allowed)".to_owned(),
        3 => "server unavailable".to_owned(),
        4 => "bad user name or password".to_owned(),
        5 => "not authorized (check that the certificate is active and its policy allows iot:Connect with this client id)".to_owned(),
        other => format!("unknown reason {other}"),
    }
}

fn upgrade_hint(status: u16) -> &'static str {
    match status {
        403 => " (check the AWS credentials, the region, and that the policy allows iot:Connect)",
        401 => " (check the AWS credentials)",
        404 => " (check the endpoint host and that the path is /mqtt)",
        _ => "",
    }
}

fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{} ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// The rustls error inside an I/O error, if any.
fn rustls_error(error: &io::Error) -> Option<&rustls::Error> {
    error.get_ref()?.downcast_ref::<rustls::Error>()
}

/// The alert a broker sends when it refuses the client's certificate, in words.
fn certificate_alert(alert: &AlertDescription) -> Option<&'static str> {
    Some(match alert {
        AlertDescription::BadCertificate => "bad certificate",
        AlertDescription::UnsupportedCertificate => "unsupported certificate",
        AlertDescription::CertificateRevoked => "certificate revoked",
        AlertDescription::CertificateExpired => "certificate expired",
        AlertDescription::CertificateUnknown => "certificate unknown",
        AlertDescription::UnknownCA => "unknown CA",
        AlertDescription::AccessDenied => "access denied",
        AlertDescription::CertificateRequired => "certificate required",
        _ => return None,
    })
}

/// A refused client certificate, if that is what `error` reports.
fn refused_certificate(error: &io::Error) -> Option<MqttError> {
    match rustls_error(error)? {
        rustls::Error::AlertReceived(alert) => {
            certificate_alert(alert).map(|alert| MqttError::ClientCertificateRefused {
                alert: alert.to_owned(),
            })
        }
        _ => None,
    }
}

/// An error of the TLS handshake with `host`.
pub(super) fn handshake_error(host: &str, error: io::Error) -> MqttError {
    if let Some(refused) = refused_certificate(&error) {
        return refused;
    }
    let host = host.to_owned();
    match rustls_error(&error) {
        Some(rustls::Error::InvalidCertificate(problem)) => {
            let reason = match problem {
                rustls::CertificateError::UnknownIssuer => {
                    "it is not issued by a trusted CA".to_owned()
                }
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. } => {
                    format!("it is not valid for the name {host}")
                }
                rustls::CertificateError::Expired
                | rustls::CertificateError::ExpiredContext { .. } => "it has expired".to_owned(),
                other => format!("{other:?}"),
            };
            MqttError::ServerNotTrusted { host, reason }
        }
        Some(other) => MqttError::Tls {
            host,
            reason: other.to_string(),
        },
        None => match error.kind() {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => MqttError::ConnectionLost(format!(
                "the server closed the connection during the TLS handshake ({error})"
            )),
            _ => MqttError::ConnectionLost(format!("during the TLS handshake: {error}")),
        },
    }
}

/// An I/O error on an established TLS stream; `before_connack` while the session is not
/// accepted yet.
pub(super) fn stream_error(error: io::Error, before_connack: bool) -> MqttError {
    if let Some(refused) = refused_certificate(&error) {
        return refused;
    }
    let closed = || {
        if before_connack {
            MqttError::ClosedBeforeConnack
        } else {
            MqttError::Closed
        }
    };
    match rustls_error(&error) {
        Some(other) => MqttError::ConnectionLost(format!("TLS error: {other}")),
        None => match error.kind() {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => closed(),
            io::ErrorKind::InvalidData => MqttError::Protocol(error.to_string()),
            _ => MqttError::ConnectionLost(error.to_string()),
        },
    }
}

/// The end of the stream: the broker closed the connection.
pub(super) fn closed(before_connack: bool) -> MqttError {
    if before_connack {
        MqttError::ClosedBeforeConnack
    } else {
        MqttError::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line_and_say_what_to_check() {
        let errors = [
            MqttError::ConnectionRefused { code: 5 },
            MqttError::WebSocketRefused { status: 403 },
            MqttError::ClientCertificateRefused {
                alert: "unknown CA".to_owned(),
            },
            MqttError::Closed,
            MqttError::KeepAliveTimeout(Duration::from_secs(30)),
            MqttError::Timeout {
                during: "connecting to mqtts://h:8883 (TLS handshake)".to_owned(),
                after: Duration::from_millis(1500),
            },
        ];
        for error in &errors {
            assert!(!error.to_string().contains('\n'), "{error}");
        }
        assert_eq!(
            errors[0].to_string(),
            "the broker refused the connection: not authorized (check that the certificate is active and its policy allows iot:Connect with this client id) (CONNACK code 5)"
        );
        assert!(errors[1].to_string().contains("iot:Connect"));
        assert!(errors[3].to_string().contains("policy refusal"));
        assert_eq!(
            errors[4].to_string(),
            "keep-alive timeout: no PINGRESP from the broker within 30 s"
        );
        assert_eq!(
            errors[5].to_string(),
            "timed out after 1.5 s connecting to mqtts://h:8883 (TLS handshake)"
        );
    }

    #[test]
    fn retry_only_what_may_heal() {
        assert!(MqttError::Closed.is_retryable());
        assert!(MqttError::ConnectionRefused { code: 3 }.is_retryable());
        assert!(!MqttError::ConnectionRefused { code: 5 }.is_retryable());
        assert!(!MqttError::WebSocketRefused { status: 403 }.is_retryable());
        assert!(MqttError::WebSocketRefused { status: 503 }.is_retryable());
        assert!(
            !MqttError::ClientCertificateRefused {
                alert: String::new()
            }
            .is_retryable()
        );
        assert!(!MqttError::ClosedBeforeConnack.is_retryable());
    }

    #[test]
    fn late_certificate_alert_is_a_refused_certificate() {
        let alert = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::AlertReceived(AlertDescription::UnknownCA),
        );
        assert!(matches!(
            stream_error(alert, true),
            MqttError::ClientCertificateRefused { alert } if alert == "unknown CA"
        ));
        let eof = io::Error::from(io::ErrorKind::UnexpectedEof);
        assert!(matches!(stream_error(eof, false), MqttError::Closed));
    }
}

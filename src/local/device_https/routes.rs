//! One request to the device HTTPS endpoint and its answer, in AWS IoT Core's words: the
//! routes (publish, the three shadow operations), their parameters, and the status, headers
//! and JSON body of every outcome.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Body;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::local::broker::Publisher;
use crate::local::broker::http_publish::PublishRefused;
use crate::local::gate::{Action, Principal, Refusal};
use crate::shadow::{Handled, Operation};

/// The payload limit when the broker cannot be asked (AWS IoT Core's 128 KB).
const DEFAULT_MAX_PAYLOAD: usize = 128 * 1024;

/// The device behind one connection.
pub(super) struct Device {
    /// Its certificate's id, for the log.
    pub(super) certificate_id: String,
    /// Who it is, or why it may do nothing (a certificate not registered or not ACTIVE).
    pub(super) principal: Result<Principal, Refusal>,
}

/// The answer to one request, and what to report when it was a refusal.
pub(super) struct Answer {
    pub(super) response: Response<Full<Bytes>>,
    pub(super) refused: Option<Refused>,
}

/// A refusal as `local up` reports it.
pub(super) struct Refused {
    /// "POST /topics/device/soilSensor2/devicePayload".
    pub(super) request: String,
    /// Why, in more words than the device is told.
    pub(super) reason: String,
}

/// An error answer: the status, AWS's exception name, the message the body carries, and the
/// reason for the log.
struct Failure {
    status: u16,
    exception: &'static str,
    message: String,
    reason: String,
}

impl Failure {
    fn new(status: u16, exception: &'static str, message: impl Into<String>) -> Failure {
        let message = message.into();
        Failure {
            status,
            exception,
            reason: message.clone(),
            message,
        }
    }

    /// 403: the device is told only "Forbidden", as AWS tells it.
    fn forbidden(reason: impl Into<String>) -> Failure {
        Failure {
            status: 403,
            exception: "ForbiddenException",
            message: "Forbidden".to_owned(),
            reason: reason.into(),
        }
    }

    fn invalid(message: impl Into<String>) -> Failure {
        Failure::new(400, "InvalidRequestException", message)
    }

    fn unavailable() -> Failure {
        Failure::new(
            503,
            "ServiceUnavailableException",
            "the local backend is stopping",
        )
    }
}

/// A fresh trace id (AWS's are UUIDs; the same value goes in `x-amzn-RequestId`).
fn trace_id() -> String {
    crate::local::api::reply::uuid_of(&fastrand::u128(..).to_be_bytes())
}

fn json_response(status: u16, body: &Value, trace: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Ok(value) = HeaderValue::from_str(trace) {
        headers.insert("x-amzn-RequestId", value);
    }
    response
}

fn error_response(
    status: u16,
    exception: &str,
    body: &Value,
    trace: &str,
) -> Response<Full<Bytes>> {
    let mut response = json_response(status, body, trace);
    if let Ok(value) = HeaderValue::from_str(exception) {
        response.headers_mut().insert("x-amzn-ErrorType", value);
    }
    response
}

/// Answers one request of `device`.
pub(super) async fn answer<B>(
    publisher: &Publisher,
    device: &Device,
    request: hyper::Request<B>,
) -> Answer
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let trace = trace_id();
    let said = format!("{} {}", request.method(), request.uri().path());
    let outcome = match route(request.method(), request.uri().path()) {
        Route::Publish(topic) => publish(publisher, device, &topic, request, &trace).await,
        Route::Shadow(thing, operation) => {
            shadow(publisher, device, &thing, operation, request, &trace).await
        }
        Route::WrongMethod => Err(Failure::new(
            405,
            "MethodNotAllowedException",
            format!(
                "{} is not allowed on {}",
                request.method(),
                request.uri().path()
            ),
        )),
        Route::Unknown => Err(Failure::new(404, "ResourceNotFoundException", "Not Found")),
        Route::BadTopic(reason) => Err(Failure::invalid(reason)),
    };
    match outcome {
        Ok(response) => Answer {
            response,
            refused: None,
        },
        Err(failure) => {
            let body = json!({ "message": failure.message, "traceId": trace });
            Answer {
                response: error_response(failure.status, failure.exception, &body, &trace),
                refused: Some(Refused {
                    request: said,
                    reason: failure.reason,
                }),
            }
        }
    }
}

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    /// `POST /topics/<topic>`, the topic decoded.
    Publish(String),
    /// `/things/<thing>/shadow` with the operation its method names.
    Shadow(String, Operation),
    WrongMethod,
    Unknown,
    BadTopic(String),
}

fn route(method: &Method, path: &str) -> Route {
    if let Some(encoded) = path.strip_prefix("/topics/") {
        if method != Method::POST {
            return Route::WrongMethod;
        }
        return match percent_encoding::percent_decode_str(encoded).decode_utf8() {
            Ok(topic) => Route::Publish(topic.into_owned()),
            Err(_) => Route::BadTopic("the topic is not valid UTF-8".to_owned()),
        };
    }
    let shadow_thing = path
        .strip_prefix("/things/")
        .and_then(|rest| rest.strip_suffix("/shadow"))
        .filter(|thing| !thing.contains('/'));
    if let Some(thing) = shadow_thing {
        let thing = percent_encoding::percent_decode_str(thing)
            .decode_utf8_lossy()
            .into_owned();
        return match *method {
            Method::GET => Route::Shadow(thing, Operation::Get),
            Method::POST => Route::Shadow(thing, Operation::Update),
            Method::DELETE => Route::Shadow(thing, Operation::Delete),
            _ => Route::WrongMethod,
        };
    }
    Route::Unknown
}

/// The value of `key` in the request's query, decoded.
fn query<B>(request: &hyper::Request<B>, key: &str) -> Option<String> {
    let query = request.uri().query()?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The body, up to `limit` bytes (a longer one is 413, as AWS answers).
async fn body<B>(request: hyper::Request<B>, limit: usize) -> Result<Bytes, Failure>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let too_large = |size: String| {
        Failure::new(
            413,
            "RequestEntityTooLargeException",
            format!("the payload ({size}) is larger than the {limit} bytes AWS IoT Core takes"),
        )
    };
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(declared) = declared
        && declared > limit as u64
    {
        return Err(too_large(format!("{declared} bytes")));
    }
    match Limited::new(request.into_body(), limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            Err(too_large("more bytes".to_owned()))
        }
        Err(e) => Err(Failure::invalid(format!("the request body broke off: {e}"))),
    }
}

fn principal(device: &Device) -> Result<&Principal, Failure> {
    device
        .principal
        .as_ref()
        .map_err(|refusal| Failure::forbidden(refusal.reason.clone()))
}

async fn publish<B>(
    publisher: &Publisher,
    device: &Device,
    topic: &str,
    request: hyper::Request<B>,
    trace: &str,
) -> Result<Response<Full<Bytes>>, Failure>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let principal = principal(device)?;
    let qos = match query(&request, "qos").as_deref() {
        None | Some("0") => 0,
        Some("1") => 1,
        Some(other) => {
            return Err(Failure::invalid(format!(
                "qos must be 0 or 1, not {other:?}"
            )));
        }
    };
    let retain = match query(&request, "retain").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(Failure::invalid(format!(
                "retain must be true or false, not {other:?}"
            )));
        }
    };
    let limit = publisher.max_payload().unwrap_or(DEFAULT_MAX_PAYLOAD);
    let payload = body(request, limit).await?;
    match publisher
        .publish_as(principal, topic, payload, qos, retain)
        .await
    {
        Ok(()) => Ok(json_response(
            200,
            &json!({ "message": "OK", "traceId": trace }),
            trace,
        )),
        Err(refused) => Err(match refused {
            PublishRefused::Stopped => Failure::unavailable(),
            PublishRefused::QoS(_) | PublishRefused::InvalidTopic(_) => {
                Failure::invalid(refused.to_string())
            }
            PublishRefused::TooLarge { .. } => {
                Failure::new(413, "RequestEntityTooLargeException", refused.to_string())
            }
            PublishRefused::Reserved(_) | PublishRefused::NotAuthorized(_) => {
                Failure::forbidden(refused.to_string())
            }
        }),
    }
}

/// Thing names: 1 to 128 of `[a-zA-Z0-9:_-]`; shadow names: 1 to 64 of them (the shadow
/// service's rules, on MQTT too).
fn check_name(what: &str, name: &str, max: usize) -> Result<(), Failure> {
    let fine = (1..=max).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'));
    if fine {
        Ok(())
    } else {
        Err(Failure::invalid(format!(
            "{what} {name:?} must be 1 to {max} of the characters a-z, A-Z, 0-9, :, _ and -"
        )))
    }
}

async fn shadow<B>(
    publisher: &Publisher,
    device: &Device,
    thing: &str,
    operation: Operation,
    request: hyper::Request<B>,
    trace: &str,
) -> Result<Response<Full<Bytes>>, Failure>
where
    B: Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let principal = principal(device)?;
    check_name("thingName", thing, 128)?;
    let name = query(&request, "name").filter(|n| !n.is_empty());
    if let Some(name) = &name {
        check_name("shadowName", name, 64)?;
    }
    let action = match operation {
        Operation::Get => Action::GetThingShadow,
        Operation::Update => Action::UpdateThingShadow,
        Operation::Delete => Action::DeleteThingShadow,
    };
    let target = match &name {
        Some(name) => format!("{thing}/{name}"),
        None => thing.to_owned(),
    };
    publisher
        .authorize_as(principal, action, &target)
        .map_err(|refusal| {
            Failure::forbidden(format!(
                "{} on thing/{target} not allowed by the policies attached to certificate {}: {}",
                action.as_str(),
                principal.certificate_id,
                refusal.reason
            ))
        })?;
    let document = match operation {
        Operation::Update => {
            let limit = publisher.max_payload().unwrap_or(DEFAULT_MAX_PAYLOAD);
            body(request, limit).await?
        }
        // GetThingShadow and DeleteThingShadow carry no document.
        Operation::Get | Operation::Delete => Bytes::new(),
    };
    let served = {
        let (publisher, thing) = (publisher.clone(), thing.to_owned());
        tokio::task::spawn_blocking(move || {
            publisher.serve_shadow(&thing, name.as_deref(), operation, &document)
        })
        .await
    };
    match served {
        Ok(Some(Ok(handled))) => Ok(shadow_answer(&handled, trace)),
        Ok(None) => Err(Failure::unavailable()),
        Ok(Some(Err(e))) => Err(Failure::new(
            500,
            "InternalFailureException",
            format!("the shadow store failed: {e}"),
        )),
        Err(e) => Err(Failure::new(
            500,
            "InternalFailureException",
            format!("the shadow service failed: {e}"),
        )),
    }
}

/// The shadow service's answer over HTTP: the accepted document with 200, or the rejection's
/// code as the status with `{"code":..,"message":..}` as the body.
fn shadow_answer(handled: &Handled, trace: &str) -> Response<Full<Bytes>> {
    match handled.responses.first() {
        Some(("accepted", document)) => json_response(200, document, trace),
        Some((_, rejected)) => {
            let code = rejected["code"].as_u64().unwrap_or(500);
            let body = json!({ "code": code, "message": rejected["message"] });
            let status = u16::try_from(code).unwrap_or(500);
            error_response(status, exception(code), &body, trace)
        }
        None => error_response(
            500,
            "InternalFailureException",
            &json!({ "code": 500, "message": "the shadow service gave no answer" }),
            trace,
        ),
    }
}

/// The exception AWS names for a shadow service code.
fn exception(code: u64) -> &'static str {
    match code {
        400 => "InvalidRequestException",
        401 => "UnauthorizedException",
        403 => "ForbiddenException",
        404 => "ResourceNotFoundException",
        405 => "MethodNotAllowedException",
        409 => "ConflictException",
        413 => "RequestEntityTooLargeException",
        415 => "UnsupportedDocumentEncodingException",
        429 => "ThrottlingException",
        503 => "ServiceUnavailableException",
        _ => "InternalFailureException",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_decode_topics_and_name_shadow_operations() {
        assert_eq!(
            route(&Method::POST, "/topics/device%2Fs1%2FdevicePayload"),
            Route::Publish("device/s1/devicePayload".into())
        );
        assert_eq!(
            route(&Method::POST, "/topics/device/s1/devicePayload"),
            Route::Publish("device/s1/devicePayload".into())
        );
        assert_eq!(
            route(
                &Method::POST,
                "/topics/%24aws%2Fthings%2Fs1%2Fshadow%2Fupdate"
            ),
            Route::Publish("$aws/things/s1/shadow/update".into())
        );
        assert_eq!(route(&Method::GET, "/topics/a"), Route::WrongMethod);
        assert!(matches!(
            route(&Method::POST, "/topics/%ff"),
            Route::BadTopic(_)
        ));
        assert_eq!(
            route(&Method::GET, "/things/s1/shadow"),
            Route::Shadow("s1".into(), Operation::Get)
        );
        assert_eq!(
            route(&Method::POST, "/things/s1/shadow"),
            Route::Shadow("s1".into(), Operation::Update)
        );
        assert_eq!(
            route(&Method::DELETE, "/things/s1/shadow"),
            Route::Shadow("s1".into(), Operation::Delete)
        );
        assert_eq!(route(&Method::PUT, "/things/s1/shadow"), Route::WrongMethod);
        assert_eq!(route(&Method::GET, "/things/a/b/shadow"), Route::Unknown);
        assert_eq!(route(&Method::GET, "/"), Route::Unknown);
    }

    #[test]
    fn names_follow_the_shadow_services_rules() {
        assert!(check_name("thingName", "soilSensor1", 128).is_ok());
        assert!(check_name("thingName", "a:b_c-d", 128).is_ok());
        for bad in ["", "a b", "a/b", "$x"] {
            assert_eq!(check_name("thingName", bad, 128).unwrap_err().status, 400);
        }
        assert!(check_name("shadowName", &"n".repeat(65), 64).is_err());
    }
}

//! Who asks and what for: the connection context, the things its certificate is attached
//! to, and the request with its resource ARN.

use std::collections::BTreeMap;

/// The policy actions the broker checks (MQTT), and the device HTTPS server's shadow actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `iot:Connect`, checked on CONNECT against `client/<client id>`.
    Connect,
    /// `iot:Publish`, checked on PUBLISH against `topic/<topic>`.
    Publish,
    /// `iot:Subscribe`, checked on SUBSCRIBE against `topicfilter/<filter>`.
    Subscribe,
    /// `iot:Receive`, checked on every delivery against `topic/<topic>`.
    Receive,
    /// `iot:RetainPublish`, checked on PUBLISH with RETAIN against `topic/<topic>`.
    RetainPublish,
    /// `iot:GetThingShadow`, checked on the Device Shadow REST API against
    /// `thing/<thing>` (`thing/<thing>/<shadow>` for a named shadow).
    GetThingShadow,
    /// `iot:UpdateThingShadow`, as `GetThingShadow`.
    UpdateThingShadow,
    /// `iot:DeleteThingShadow`, as `GetThingShadow`.
    DeleteThingShadow,
}

impl Action {
    /// The policy action name, e.g. `iot:Connect`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Connect => "iot:Connect",
            Action::Publish => "iot:Publish",
            Action::Subscribe => "iot:Subscribe",
            Action::Receive => "iot:Receive",
            Action::RetainPublish => "iot:RetainPublish",
            Action::GetThingShadow => "iot:GetThingShadow",
            Action::UpdateThingShadow => "iot:UpdateThingShadow",
            Action::DeleteThingShadow => "iot:DeleteThingShadow",
        }
    }

    /// The resource type in the ARN this action is checked against.
    fn resource_type(self) -> &'static str {
        match self {
            Action::Connect => "client",
            Action::Subscribe => "topicfilter",
            Action::Publish | Action::Receive | Action::RetainPublish => "topic",
            Action::GetThingShadow | Action::UpdateThingShadow | Action::DeleteThingShadow => {
                "thing"
            }
        }
    }
}

/// A registry thing the certificate is attached to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Thing {
    pub name: String,
    pub thing_type: Option<String>,
    pub attributes: BTreeMap<String, String>,
}

/// The connection asking: account, client id and certificate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    pub region: String,
    pub account_id: String,
    pub client_id: String,
    pub certificate_id: Option<String>,
    /// Subject attributes by their policy-variable name, e.g. `CommonName` -> `soilSensor1`.
    pub certificate_subject: BTreeMap<String, String>,
    /// Things the certificate is attached to.
    pub attached_things: Vec<Thing>,
}

impl Context {
    /// The thing the connection acts as: the attached thing whose name is the client id.
    /// `iot:Connection.Thing.*` variables resolve only when there is one.
    pub fn connection_thing(&self) -> Option<&Thing> {
        self.attached_things
            .iter()
            .find(|thing| thing.name == self.client_id)
    }
}

/// One authorization question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    pub action: Action,
    /// The client id for Connect, the topic for Publish, Receive and RetainPublish, the
    /// topic filter for Subscribe, `<thing>` or `<thing>/<shadow>` for the shadow actions.
    pub target: &'a str,
}

impl Request<'_> {
    /// The ARN the action is checked against, e.g.
    /// `arn:aws:iot:us-east-1:123456789012:topicfilter/device/+/devicePayload`.
    pub fn resource_arn(&self, ctx: &Context) -> String {
        format!(
            "arn:aws:iot:{}:{}:{}/{}",
            ctx.region,
            ctx.account_id,
            self.action.resource_type(),
            self.target
        )
    }
}

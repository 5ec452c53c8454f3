//! The reserved topics of the device provisioning MQTT API: the three requests a device
//! publishes (`$aws/certificates/create/<format>`, `$aws/certificates/create-from-csr/<format>`,
//! `$aws/provisioning-templates/<name>/provision/<format>`) and their `accepted` and `rejected`
//! answers, which only the service publishes, to the connection that asked.

/// The payload format a request names (the topic's last level); the answer uses the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Cbor,
}

impl Format {
    fn parse(s: &str) -> Option<Format> {
        match s {
            "json" => Some(Format::Json),
            "cbor" => Some(Format::Cbor),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Cbor => "cbor",
        }
    }
}

/// A device's provisioning request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request<'a> {
    /// CreateKeysAndCertificate: the service makes the key pair.
    CreateKeysAndCertificate,
    /// CreateCertificateFromCsr: the device's own key, in a CSR.
    CreateCertificateFromCsr,
    /// RegisterThing with the named provisioning template.
    RegisterThing { template: &'a str },
}

/// What a topic under the provisioning API's prefixes is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProvisioningTopic<'a> {
    Request {
        request: Request<'a>,
        format: Format,
    },
    /// `.../accepted` or `.../rejected`: the service's alone.
    Answer,
}

/// Whether `topic` lies under one of the provisioning API's prefixes (clients may subscribe
/// and publish there, as AWS allows, subject to their policies).
pub fn is_provisioning_prefix(topic: &str) -> bool {
    topic.starts_with("$aws/certificates/") || topic.starts_with("$aws/provisioning-templates/")
}

impl<'a> ProvisioningTopic<'a> {
    /// `None` unless `topic` is one of the API's requests or answers.
    pub fn parse(topic: &'a str) -> Option<ProvisioningTopic<'a>> {
        let (request, rest) = if let Some(rest) = topic.strip_prefix("$aws/certificates/") {
            let (operation, rest) = rest.split_once('/')?;
            let request = match operation {
                "create" => Request::CreateKeysAndCertificate,
                "create-from-csr" => Request::CreateCertificateFromCsr,
                _ => return None,
            };
            (request, rest)
        } else {
            let rest = topic.strip_prefix("$aws/provisioning-templates/")?;
            let (template, rest) = rest.split_once('/')?;
            let rest = rest.strip_prefix("provision/")?;
            if template.is_empty() {
                return None;
            }
            (Request::RegisterThing { template }, rest)
        };
        let (format, answer) = match rest.split_once('/') {
            Some((format, answer)) => (format, Some(answer)),
            None => (rest, None),
        };
        let format = Format::parse(format)?;
        match answer {
            None => Some(ProvisioningTopic::Request { request, format }),
            Some("accepted" | "rejected") => Some(ProvisioningTopic::Answer),
            Some(_) => None,
        }
    }
}

/// Whether only the service may publish on `topic`.
pub fn is_answer(topic: &str) -> bool {
    matches!(
        ProvisioningTopic::parse(topic),
        Some(ProvisioningTopic::Answer)
    )
}

/// The topic an answer to the request published on `request_topic` goes to.
pub fn answer(request_topic: &str, accepted: bool) -> String {
    let kind = if accepted { "accepted" } else { "rejected" };
    format!("{request_topic}/{kind}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_answers_are_told_apart() {
        let request = |t| match ProvisioningTopic::parse(t) {
            Some(ProvisioningTopic::Request { request, format }) => Some((request, format)),
            _ => None,
        };
        assert_eq!(
            request("$aws/certificates/create/json"),
            Some((Request::CreateKeysAndCertificate, Format::Json))
        );
        assert_eq!(
            request("$aws/certificates/create-from-csr/cbor"),
            Some((Request::CreateCertificateFromCsr, Format::Cbor))
        );
        assert_eq!(
            request("$aws/provisioning-templates/soil-fleet/provision/json"),
            Some((
                Request::RegisterThing {
                    template: "soil-fleet"
                },
                Format::Json
            ))
        );
        for answer in [
            "$aws/certificates/create/json/accepted",
            "$aws/certificates/create-from-csr/json/rejected",
            "$aws/provisioning-templates/t/provision/json/accepted",
        ] {
            assert!(is_answer(answer), "{answer}");
            assert!(is_provisioning_prefix(answer));
        }
        for other in [
            "$aws/certificates/create/xml",
            "$aws/certificates/delete/json",
            "$aws/provisioning-templates//provision/json",
            "$aws/provisioning-templates/t/provision/json/other",
            "$aws/things/t/shadow/update",
        ] {
            assert_eq!(ProvisioningTopic::parse(other), None, "{other}");
            assert!(!is_answer(other));
        }
        assert_eq!(
            answer("$aws/certificates/create/json", false),
            "$aws/certificates/create/json/rejected"
        );
    }
}

//! AWS IoT Core's rules for topic names and topic filters, on top of MQTT's.

/// The longest topic or filter AWS IoT Core accepts, in bytes.
pub(super) const MAX_TOPIC_BYTES: usize = 256;

/// Topics starting with `$` are AWS's own; clients may use only these.
const OPEN_RESERVED_PREFIXES: &[&str] = &[
    "$aws/things/",
    "$aws/certificates/",
    "$aws/provisioning-templates/",
];
/// ... and may also subscribe to these, where the backend publishes its events (e.g.
/// `$aws/events/certificates/registered/<caCertificateId>`); publishing there stays refused.
const EVENT_PREFIXES: &[&str] = &["$aws/events/"];

/// Why a topic filter cannot be subscribed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FilterProblem {
    Invalid(String),
    SharedUnsupported,
}

impl std::fmt::Display for FilterProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FilterProblem::Invalid(reason) => f.write_str(reason),
            FilterProblem::SharedUnsupported => {
                f.write_str("shared subscriptions are not supported by the local broker")
            }
        }
    }
}

/// Checks a topic a client publishes to (or names in its will).
pub(super) fn check_topic(topic: &str) -> Result<(), String> {
    if topic.is_empty() {
        return Err("the topic is empty".to_owned());
    }
    if topic.len() > MAX_TOPIC_BYTES {
        return Err(format!(
            "the topic is {} bytes long, more than the {MAX_TOPIC_BYTES} allowed",
            topic.len()
        ));
    }
    if topic.contains(['+', '#', '\0']) {
        return Err(format!("topic {topic} contains a wildcard"));
    }
    if crate::shadow::is_response(topic) {
        return Err(format!(
            "{topic} is a reserved topic only the shadow service publishes on"
        ));
    }
    if crate::jobs::topic::is_answer(topic) {
        return Err(format!(
            "{topic} is a reserved topic only the jobs service publishes on"
        ));
    }
    if crate::provisioning::topic::is_answer(topic) {
        return Err(format!(
            "{topic} is a reserved topic only the provisioning service publishes on"
        ));
    }
    check_reserved(topic)
}

/// Checks a filter a client subscribes to. MQTT's own syntax was checked by the decoder.
pub(super) fn check_filter(filter: &str) -> Result<(), FilterProblem> {
    if filter.starts_with("$share/") {
        return Err(FilterProblem::SharedUnsupported);
    }
    if filter.len() > MAX_TOPIC_BYTES {
        return Err(FilterProblem::Invalid(format!(
            "the filter is {} bytes long, more than the {MAX_TOPIC_BYTES} allowed",
            filter.len()
        )));
    }
    if EVENT_PREFIXES.iter().any(|p| filter.starts_with(p)) {
        return Ok(());
    }
    check_reserved(filter).map_err(FilterProblem::Invalid)
}

fn check_reserved(topic: &str) -> Result<(), String> {
    if topic.starts_with('$') && !OPEN_RESERVED_PREFIXES.iter().any(|p| topic.starts_with(p)) {
        return Err(format!("{topic} is a reserved topic"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_rules() {
        assert_eq!(check_topic("device/1/data"), Ok(()));
        assert_eq!(check_topic("$aws/things/t1/shadow/update"), Ok(()));
        assert_eq!(check_topic("$aws/things/t1/shadow/name/n/get"), Ok(()));
        for answer in ["update/accepted", "update/delta", "name/n/get/rejected"] {
            let topic = format!("$aws/things/t1/shadow/{answer}");
            assert!(
                check_topic(&topic).unwrap_err().contains("reserved"),
                "{topic}"
            );
        }
        assert!(check_topic("").is_err());
        assert!(check_topic("a/+/b").is_err());
        assert!(check_topic("a/#").is_err());
        assert!(check_topic("$SYS/broker").unwrap_err().contains("reserved"));
        assert!(
            check_topic("$aws/events/certificates/registered/ca")
                .unwrap_err()
                .contains("reserved")
        );
        assert_eq!(
            check_topic("$aws/certificates/create-from-csr/json"),
            Ok(())
        );
        assert_eq!(
            check_topic("$aws/provisioning-templates/t/provision/json"),
            Ok(())
        );
        assert!(
            check_topic("$aws/certificates/create/json/accepted")
                .unwrap_err()
                .contains("provisioning service")
        );
        assert_eq!(check_filter("$aws/certificates/create/json/+"), Ok(()));
        assert_eq!(check_topic(&"a".repeat(256)), Ok(()));
        assert!(check_topic(&"a".repeat(257)).is_err());
    }

    #[test]
    fn filter_rules() {
        assert_eq!(check_filter("device/+/data"), Ok(()));
        assert_eq!(check_filter("#"), Ok(()));
        assert_eq!(check_filter("$aws/things/+/shadow/#"), Ok(()));
        assert_eq!(check_filter("$aws/things/t/shadow/update/accepted"), Ok(()));
        assert_eq!(
            check_filter("$share/g/a"),
            Err(FilterProblem::SharedUnsupported)
        );
        assert_eq!(check_filter("$aws/events/#"), Ok(()));
        assert_eq!(
            check_filter("$aws/events/certificates/registered/+"),
            Ok(())
        );
        assert!(matches!(
            check_filter("$aws/#"),
            Err(FilterProblem::Invalid(_))
        ));
        assert!(matches!(
            check_filter("$SYS/#"),
            Err(FilterProblem::Invalid(_))
        ));
        assert!(check_filter(&"a".repeat(257)).is_err());
    }
}

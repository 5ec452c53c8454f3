//! MQTT topic filters: validation of the FROM clause and allocation-free matching with
//! the `+` (one level) and `#` (all remaining levels) wildcards.

/// Checks a topic filter; the error says what is wrong.
pub(crate) fn validate_filter(filter: &str) -> Result<(), String> {
    if filter.is_empty() {
        return Err("the topic filter is empty".to_owned());
    }
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        if level.contains('#') && (level != "#" || levels.peek().is_some()) {
            return Err("`#` must be a whole level and the last one".to_owned());
        }
        if level.contains('+') && level != "+" {
            return Err("`+` must be a whole level".to_owned());
        }
    }
    if filter.contains('\0') {
        return Err("the topic filter contains a NUL character".to_owned());
    }
    Ok(())
}

/// Whether `topic` matches the MQTT topic `filter`.
///
/// `+` matches exactly one level, `#` matches any number of remaining levels (including
/// none, so `a/#` matches `a`). Wildcards at the first level do not match topics that
/// start with `$`, as the MQTT specification requires.
pub fn topic_matches(filter: &str, topic: &str) -> bool {
    let (f, t) = (filter.as_bytes(), topic.as_bytes());
    if t.first() == Some(&b'$') && matches!(f.first(), Some(b'+' | b'#')) {
        return false;
    }
    // `i` and `j` are the starts of the current level in the filter and the topic.
    let (mut i, mut j) = (0, 0);
    loop {
        let rest = f.get(i..).unwrap_or_default();
        let level_len = rest.iter().position(|&b| b == b'/').unwrap_or(rest.len());
        let level = &rest[..level_len];
        if level == b"#" {
            // Only valid as the last level.
            return level_len == rest.len();
        }
        let topic_rest = t.get(j..).unwrap_or_default();
        let topic_len = if level == b"+" {
            topic_rest
                .iter()
                .position(|&b| b == b'/')
                .unwrap_or(topic_rest.len())
        } else if topic_rest.starts_with(level)
            && matches!(topic_rest.get(level_len), None | Some(b'/'))
        {
            level_len
        } else {
            return false;
        };
        let filter_done = level_len == rest.len();
        let topic_done = topic_len == topic_rest.len();
        match (filter_done, topic_done) {
            (true, true) => return true,
            // `a/#` also matches `a`.
            (false, true) => return &rest[level_len..] == b"/#",
            (true, false) => return false,
            (false, false) => {
                i += level_len + 1;
                j += topic_len + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_wildcard_examples() {
        // FROM clause page: 'topic/#' matches three of the four topics.
        for (topic, hit) in [
            ("topic/subtopic", true),
            ("topic/subtopic-2", true),
            ("topic/subtopic-3/details", true),
            ("topic-2/subtopic-x", false),
        ] {
            assert_eq!(topic_matches("topic/#", topic), hit, "{topic}");
        }
        // 'topic/+' matches only the two-level topics under 'topic'.
        for (topic, hit) in [
            ("topic/subtopic", true),
            ("topic/subtopic-2", true),
            ("topic/subtopic-3/details", false),
            ("topic-2/subtopic-x", false),
        ] {
            assert_eq!(topic_matches("topic/+", topic), hit, "{topic}");
        }
        assert!(topic_matches("topic/subtopic", "topic/subtopic"));
        assert!(!topic_matches("topic/subtopic", "topic/subtopic-2"));
    }

    #[test]
    fn mqtt_rules() {
        assert!(topic_matches(
            "device/+/devicePayload",
            "device/soilSensor3/devicePayload"
        ));
        assert!(!topic_matches(
            "device/+/devicePayload",
            "device/a/b/devicePayload"
        ));
        assert!(topic_matches("a/#", "a"));
        assert!(topic_matches("#", "a/b/c"));
        assert!(topic_matches("+/+", "/x"));
        assert!(topic_matches("a/+", "a/"));
        assert!(!topic_matches("a/+", "a"));
        assert!(!topic_matches("#", "$aws/things/x"));
        assert!(!topic_matches("+/things/x", "$aws/things/x"));
        assert!(topic_matches("$aws/things/+", "$aws/things/x"));
        assert!(!topic_matches("a/b", "a/b/c"));
        assert!(!topic_matches("a/b/c", "a/b"));
    }

    /// A straightforward matcher to check the byte-level one against.
    fn reference(filter: &str, topic: &str) -> bool {
        if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
            return false;
        }
        let mut f = filter.split('/');
        let mut t = topic.split('/');
        loop {
            match (f.next(), t.next()) {
                (Some("#"), _) => return f.next().is_none(),
                (Some("+"), Some(_)) => {}
                (Some(fl), Some(tl)) if fl == tl => {}
                (None, None) => return true,
                _ => return false,
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn matches_like_the_reference(filter in "[ab+#/$]{0,8}", topic in "[ab/$]{0,8}") {
            proptest::prop_assert_eq!(topic_matches(&filter, &topic), reference(&filter, &topic));
        }
    }

    #[test]
    fn filter_validation() {
        assert!(validate_filter("a/+/b/#").is_ok());
        assert!(validate_filter("#").is_ok());
        assert!(validate_filter("").is_err());
        assert!(validate_filter("a/#/b").is_err());
        assert!(validate_filter("a/b#").is_err());
        assert!(validate_filter("a/b+/c").is_err());
    }
}

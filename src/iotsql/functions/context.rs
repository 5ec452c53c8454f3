//! Functions that read the message and rule context: topic, clientid, principal,
//! timestamp, accountid, traceid, newuuid, sql_version and the MQTT 5 property readers.

use super::Func;
use crate::iotsql::eval::Ctx;
use crate::iotsql::value::Value;

/// The prefix Basic Ingest adds to topics: `$aws/rules/<rule-name>/`.
const BASIC_INGEST: &str = "$aws/rules/";

/// The topic as `topic()` sees it: without the Basic Ingest prefix.
pub(crate) fn visible_topic(topic: &str) -> &str {
    let Some(rest) = topic.strip_prefix(BASIC_INGEST) else {
        return topic;
    };
    match rest.find('/') {
        Some(slash) => &rest[slash + 1..],
        None => "",
    }
}

/// A random version 4 UUID in its usual hyphenated form.
pub(crate) fn new_uuid() -> String {
    let mut bytes = fastrand::u128(..).to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

pub(super) fn call<'a>(f: Func, arg: Option<&Value<'_>>, ctx: &Ctx<'a>) -> Value<'a> {
    let msg = ctx.msg;
    match f {
        Func::Topic => {
            let topic = visible_topic(msg.topic);
            match arg {
                None => Value::str(topic),
                Some(n) => match n.to_i64().and_then(|n| usize::try_from(n).ok()) {
                    Some(n) if n >= 1 => topic
                        .split('/')
                        .nth(n - 1)
                        .map_or(Value::Undefined, Value::str),
                    _ => Value::Undefined,
                },
            }
        }
        Func::ClientId => Value::str(msg.client_id.unwrap_or("n/a")),
        Func::Principal => msg.principal.map_or(Value::Undefined, Value::str),
        Func::Timestamp => Value::Int(msg.timestamp_ms),
        Func::AccountId => Value::str(msg.account_id),
        Func::TraceId => Value::str(msg.trace_id.map_or_else(new_uuid, str::to_owned)),
        Func::NewUuid => Value::str(new_uuid()),
        Func::SqlVersion => Value::str(ctx.version.to_string()),
        // The message carries no source IP or MQTT 5 properties offline.
        _ => Value::Undefined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4() {
        let u = new_uuid();
        assert_eq!(u.len(), 36);
        let parts: Vec<_> = u.split('-').map(str::len).collect();
        assert_eq!(parts, vec![8, 4, 4, 4, 12]);
        assert_eq!(u.as_bytes()[14], b'4');
        assert!(matches!(u.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(new_uuid(), u);
    }

    #[test]
    fn basic_ingest_prefix_is_hidden() {
        assert_eq!(
            visible_topic("$aws/rules/BuildingManager/Buildings/Building5/Floor2/Room201/Lights"),
            "Buildings/Building5/Floor2/Room201/Lights"
        );
        assert_eq!(visible_topic("a/b"), "a/b");
    }
}

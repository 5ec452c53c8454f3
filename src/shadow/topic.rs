//! The reserved shadow topics: `$aws/things/<thing>/shadow/<op>` (the classic shadow) and
//! `$aws/things/<thing>/shadow/name/<shadowName>/<op>` (a named shadow).

/// What a request topic asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Get,
    Update,
    Delete,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Get => "get",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// A shadow request topic, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShadowTopic<'a> {
    pub thing: &'a str,
    /// `None` for the classic (unnamed) shadow.
    pub name: Option<&'a str>,
    pub operation: Operation,
}

/// Thing names: 1 to 128 of `[a-zA-Z0-9:_-]`.
fn valid_thing(name: &str) -> bool {
    (1..=128).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'))
}

/// Shadow names: 1 to 64 of `[a-zA-Z0-9:_-]`.
fn valid_shadow(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'))
}

impl<'a> ShadowTopic<'a> {
    /// The request a topic names (`.../get`, `.../update`, `.../delete`), or `None` for any other
    /// topic, including the response topics and names that break the naming rules.
    pub fn parse(topic: &'a str) -> Option<ShadowTopic<'a>> {
        let rest = topic.strip_prefix("$aws/things/")?;
        let (thing, rest) = rest.split_once('/')?;
        let rest = rest.strip_prefix("shadow/")?;
        let (name, op) = match rest.strip_prefix("name/") {
            Some(named) => {
                let (name, op) = named.split_once('/')?;
                if !valid_shadow(name) {
                    return None;
                }
                (Some(name), op)
            }
            None => (None, rest),
        };
        let operation = match op {
            "get" => Operation::Get,
            "update" => Operation::Update,
            "delete" => Operation::Delete,
            _ => return None,
        };
        valid_thing(thing).then_some(ShadowTopic {
            thing,
            name,
            operation,
        })
    }

    /// `$aws/things/<thing>/shadow[/name/<name>]`.
    pub fn prefix(&self) -> String {
        prefix(self.thing, self.name)
    }

    /// The topic of a response: `suffix` is e.g. `accepted`, `rejected`, `delta`, `documents`.
    pub fn response(&self, suffix: &str) -> String {
        format!("{}/{}/{suffix}", self.prefix(), self.operation.as_str())
    }
}

/// `$aws/things/<thing>/shadow` or `$aws/things/<thing>/shadow/name/<name>`.
pub fn prefix(thing: &str, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("$aws/things/{thing}/shadow/name/{name}"),
        None => format!("$aws/things/{thing}/shadow"),
    }
}

/// Whether `topic` is one the shadow service publishes its answers on
/// (`.../get|update|delete/accepted|rejected`, `.../update/delta|documents`).
pub fn is_response(topic: &str) -> bool {
    let Some(rest) = topic
        .strip_prefix("$aws/things/")
        .and_then(|r| r.split_once('/'))
        .and_then(|(_, r)| r.strip_prefix("shadow/"))
    else {
        return false;
    };
    let rest = match rest.strip_prefix("name/") {
        Some(named) => match named.split_once('/') {
            Some((_, op)) => op,
            None => return false,
        },
        None => rest,
    };
    matches!(
        rest,
        "get/accepted"
            | "get/rejected"
            | "update/accepted"
            | "update/rejected"
            | "update/delta"
            | "update/documents"
            | "delete/accepted"
            | "delete/rejected"
    )
}

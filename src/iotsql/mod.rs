//! The AWS IoT SQL rules engine, offline: parse a rule query, match topics, and evaluate
//! the query against a message, following the AWS IoT developer guide's SQL reference
//! (data types and conversions, operators, functions, literals, CASE, JSON extensions,
//! nested object queries, binary payloads, substitution templates and the 2015-10-08 and
//! 2016-03-23 SQL versions). Nothing here performs I/O.
//!
//! ```
//! use soilctl::iotsql::{parse, Message, Output, SqlVersion};
//!
//! let rule = parse("SELECT * FROM 'device/+/devicePayload' WHERE humidity < 35",
//!                  SqlVersion::default()).unwrap();
//! let msg = Message::new("device/soilSensor3/devicePayload", br#"{"humidity": "20"}"#);
//! assert!(matches!(rule.evaluate(&msg).unwrap(), Some(Output::Json(_))));
//! ```

pub mod ast;
mod diagnostic;
mod eval;
mod functions;

/// Calendar and identifier helpers the local backend's records share with the SQL functions.
pub(crate) use functions::{civil_from_days, new_uuid};
mod lexer;
mod ops;
mod parser;
mod template;
mod topic;
mod value;

#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

pub use diagnostic::Diagnostic;
pub use functions::Func;
pub use template::Template;
pub use topic::topic_matches;

/// The rule's `awsIotSqlVersion`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SqlVersion {
    /// The original version, and the default when a rule names none.
    #[default]
    V2015_10_08,
    /// Adds literals, nested queries, top-level arrays and whole-number Decimals as Ints.
    V2016_03_23,
}

impl SqlVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            SqlVersion::V2015_10_08 => "2015-10-08",
            SqlVersion::V2016_03_23 => "2016-03-23",
        }
    }
}

impl fmt::Display for SqlVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `awsIotSqlVersion` we do not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown SQL version `{0}`: expected 2015-10-08 or 2016-03-23")]
pub struct UnknownSqlVersion(pub String);

impl FromStr for SqlVersion {
    type Err = UnknownSqlVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "2015-10-08" => Ok(SqlVersion::V2015_10_08),
            "2016-03-23" => Ok(SqlVersion::V2016_03_23),
            other => Err(UnknownSqlVersion(other.to_owned())),
        }
    }
}

/// An incoming MQTT message and the context the SQL functions can read.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub client_id: Option<&'a str>,
    pub principal: Option<&'a str>,
    /// What `timestamp()` returns: milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    pub account_id: &'a str,
    pub trace_id: Option<&'a str>,
}

impl<'a> Message<'a> {
    /// A message with no client, principal or trace ID, timestamp 0 and an empty account.
    pub fn new(topic: &'a str, payload: &'a [u8]) -> Message<'a> {
        Message {
            topic,
            payload,
            client_id: None,
            principal: None,
            timestamp_ms: 0,
            account_id: "",
            trace_id: None,
        }
    }
}

/// What a rule hands to its actions.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    Json(serde_json::Value),
    /// A non-JSON payload passed through by `SELECT *`, or a SELECT VALUE of raw bytes.
    Binary(Vec<u8>),
}

impl Output {
    /// The outgoing payload bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Output::Json(j) => j.to_string().into_bytes(),
            Output::Binary(b) => b.clone(),
        }
    }
}

/// A failure while evaluating a rule (as opposed to an Undefined result).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EvalError {
    message: String,
}

impl EvalError {
    pub(crate) fn new(message: impl Into<String>) -> EvalError {
        EvalError {
            message: message.into(),
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A parsed rule query.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    query: ast::Query,
    version: SqlVersion,
}

/// Parses a rule query for the given SQL version.
pub fn parse(sql: &str, version: SqlVersion) -> Result<Statement, Diagnostic> {
    let mut parser = parser::Parser::new(sql, 0..sql.len(), version);
    let query = parser.parse_query()?;
    Ok(Statement { query, version })
}

impl Statement {
    /// The FROM clause's topic filter ("" for a Basic Ingest rule without FROM).
    pub fn topic_filter(&self) -> &str {
        self.query.from.as_deref().unwrap_or("")
    }

    /// Whether a message on `topic` triggers the rule. A rule without FROM only receives
    /// Basic Ingest messages (`$aws/rules/...`).
    pub fn matches_topic(&self, topic: &str) -> bool {
        match &self.query.from {
            Some(filter) => topic_matches(filter, topic),
            None => topic.starts_with("$aws/rules/"),
        }
    }

    /// None: the rule does not fire (topic does not match, WHERE false or Undefined).
    pub fn evaluate(&self, msg: &Message) -> Result<Option<Output>, EvalError> {
        if !self.matches_topic(msg.topic) {
            return Ok(None);
        }
        eval::run_query(&self.query, self.version, msg)
    }

    pub fn version(&self) -> SqlVersion {
        self.version
    }

    /// The syntax tree.
    pub fn query(&self) -> &ast::Query {
        &self.query
    }
}

impl fmt::Display for Statement {
    /// Canonical SQL that parses back to the same statement.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.query.fmt(f)
    }
}

//! The fleet indexing query language, as far as the local index serves it: terms
//! `field:value` over `thingName`, `thingId`, `thingTypeName`, `attributes.<name>` and
//! `connectivity.connected`, values plain or double-quoted (with `\` escapes) and with `*`
//! and `?` wildcards, combined with `AND`, `OR`, `NOT` and parentheses (a space between terms
//! is AND, as in AWS's syntax). Anything else is refused, as AWS refuses a query it cannot
//! parse: with InvalidQueryException. Pure: no I/O.

use std::collections::BTreeMap;

/// How deep parentheses and NOTs may nest (users write queries).
const MAX_DEPTH: usize = 32;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Term { field: Field, pattern: String },
    And(Box<Query>, Box<Query>),
    Or(Box<Query>, Box<Query>),
    Not(Box<Query>),
}

/// A field a term can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    ThingName,
    ThingId,
    ThingTypeName,
    Attribute(String),
    Connected,
}

/// What a query is matched against: one thing in the index.
#[derive(Debug, Clone, Default)]
pub struct Document<'a> {
    pub name: &'a str,
    pub id: &'a str,
    pub thing_type: Option<&'a str>,
    pub attributes: Option<&'a BTreeMap<String, String>>,
    /// `None`: never connected.
    pub connected: Option<bool>,
}

/// Why a query cannot be served; the text is InvalidQueryException's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    /// `field:value`, the value unquoted.
    Term(String, String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            _ => {
                let mut word = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' || c == ':' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                if chars.peek().map(|&(_, c)| c) != Some(':') {
                    tokens.push(match word.as_str() {
                        "AND" => Token::And,
                        "OR" => Token::Or,
                        "NOT" => Token::Not,
                        _ => {
                            return Err(QueryError(format!(
                                "Syntax error in query at position {at}: {word:?} is not field:value, AND, OR or NOT"
                            )));
                        }
                    });
                    continue;
                }
                chars.next();
                let value = match chars.peek().map(|&(_, c)| c) {
                    Some('"') => {
                        chars.next();
                        let mut value = String::new();
                        loop {
                            match chars.next() {
                                Some((_, '"')) => break,
                                Some((_, '\\')) => match chars.next() {
                                    Some((_, escaped)) => value.push(escaped),
                                    None => break,
                                },
                                Some((_, c)) => value.push(c),
                                None => {
                                    return Err(QueryError(format!(
                                        "Syntax error in query: the quoted value of {word} is not closed"
                                    )));
                                }
                            }
                        }
                        value
                    }
                    _ => {
                        let mut value = String::new();
                        while let Some(&(_, c)) = chars.peek() {
                            if c.is_whitespace() || c == '(' || c == ')' {
                                break;
                            }
                            value.push(c);
                            chars.next();
                        }
                        value
                    }
                };
                if value.is_empty() {
                    return Err(QueryError(format!(
                        "Syntax error in query at position {at}: {word} has no value"
                    )));
                }
                tokens.push(Token::Term(word, value));
            }
        }
    }
    Ok(tokens)
}

fn field(name: &str) -> Result<Field, QueryError> {
    Ok(match name {
        "thingName" => Field::ThingName,
        "thingId" => Field::ThingId,
        "thingTypeName" => Field::ThingTypeName,
        "connectivity.connected" => Field::Connected,
        other => match other.strip_prefix("attributes.") {
            Some(key) if !key.is_empty() => Field::Attribute(key.to_owned()),
            _ => {
                return Err(QueryError(format!(
                    "The field {other:?} is not one the local index has: use thingName, thingId, thingTypeName, attributes.<name> or connectivity.connected"
                )));
            }
        },
    })
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    /// or := and (OR and)*
    fn or(&mut self, depth: usize) -> Result<Query, QueryError> {
        let mut left = self.and(depth)?;
        while self.peek() == Some(&Token::Or) {
            self.next();
            let right = self.and(depth)?;
            left = Query::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// and := unary ((AND)? unary)*
    fn and(&mut self, depth: usize) -> Result<Query, QueryError> {
        let mut left = self.unary(depth)?;
        loop {
            match self.peek() {
                Some(Token::And) => {
                    self.next();
                }
                Some(Token::Term(..) | Token::Not | Token::Open) => {}
                _ => return Ok(left),
            }
            let right = self.unary(depth)?;
            left = Query::And(Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self, depth: usize) -> Result<Query, QueryError> {
        if depth > MAX_DEPTH {
            return Err(QueryError(format!(
                "The query nests more than {MAX_DEPTH} levels deep"
            )));
        }
        match self.next() {
            Some(Token::Not) => Ok(Query::Not(Box::new(self.unary(depth + 1)?))),
            Some(Token::Open) => {
                let inner = self.or(depth + 1)?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err(QueryError(
                        "Syntax error in query: a parenthesis is not closed".to_owned(),
                    )),
                }
            }
            Some(Token::Term(name, value)) => {
                let field = field(&name)?;
                if field == Field::Connected && value != "true" && value != "false" {
                    return Err(QueryError(format!(
                        "connectivity.connected is true or false, not {value:?}"
                    )));
                }
                Ok(Query::Term {
                    field,
                    pattern: value,
                })
            }
            Some(other) => Err(QueryError(format!(
                "Syntax error in query: unexpected {other:?}"
            ))),
            None => Err(QueryError(
                "Syntax error in query: it ends where a term was expected".to_owned(),
            )),
        }
    }
}

/// Parses a query string.
pub fn parse(text: &str) -> Result<Query, QueryError> {
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Err(QueryError("The query string is empty".to_owned()));
    }
    let mut parser = Parser { tokens, at: 0 };
    let query = parser.or(0)?;
    if let Some(extra) = parser.peek() {
        return Err(QueryError(format!(
            "Syntax error in query: unexpected {extra:?}"
        )));
    }
    Ok(query)
}

/// `*` matches any run of characters, `?` any one.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

impl Query {
    /// Whether the thing matches.
    pub fn matches(&self, doc: &Document<'_>) -> bool {
        match self {
            Query::And(a, b) => a.matches(doc) && b.matches(doc),
            Query::Or(a, b) => a.matches(doc) || b.matches(doc),
            Query::Not(q) => !q.matches(doc),
            Query::Term { field, pattern } => match field {
                Field::ThingName => glob(pattern, doc.name),
                Field::ThingId => glob(pattern, doc.id),
                Field::ThingTypeName => doc.thing_type.is_some_and(|t| glob(pattern, t)),
                Field::Attribute(key) => doc
                    .attributes
                    .and_then(|a| a.get(key))
                    .is_some_and(|v| glob(pattern, v)),
                // A thing never connected has no connectivity: neither true nor false matches.
                Field::Connected => doc.connected.is_some_and(|c| c == (pattern == "true")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(
        name: &'a str,
        attributes: &'a BTreeMap<String, String>,
        connected: Option<bool>,
    ) -> Document<'a> {
        Document {
            name,
            id: "id-1",
            thing_type: None,
            attributes: Some(attributes),
            connected,
        }
    }

    #[test]
    fn the_queries_soilctl_sends_parse_and_match() {
        let attrs: BTreeMap<String, String> = [
            ("soilctl-stack".to_owned(), "iot-backend".to_owned()),
            ("site".to_owned(), "north field".to_owned()),
        ]
        .into();
        let q = parse(
            r#"attributes.soilctl-stack:iot-backend AND attributes.site:"north field" AND connectivity.connected:true"#,
        )
        .unwrap();
        assert!(q.matches(&doc("soilSensor1", &attrs, Some(true))));
        assert!(!q.matches(&doc("soilSensor1", &attrs, Some(false))));
        let never =
            parse("attributes.soilctl-stack:iot-backend AND NOT connectivity.connected:true")
                .unwrap();
        assert!(never.matches(&doc("soilSensor2", &attrs, None)));
        assert!(!never.matches(&doc("soilSensor2", &attrs, Some(true))));
        assert!(
            parse("thingName:soil* OR (thingTypeName:x)")
                .unwrap()
                .matches(&doc("soilSensor3", &attrs, None))
        );
        assert!(
            !parse("thingTypeName:sensor")
                .unwrap()
                .matches(&doc("soilSensor3", &attrs, None))
        );
        assert!(
            parse("thingName:soilSensor? attributes.site:north*")
                .unwrap()
                .matches(&doc("soilSensor3", &attrs, None))
        );
    }

    #[test]
    fn what_the_index_cannot_serve_is_refused() {
        for bad in [
            "",
            "thingName",
            "shadow.reported.x:1",
            "thingName:\"open",
            "(thingName:a",
            "thingName:a AND",
            "connectivity.connected:maybe",
            "thingName:a )",
            "attributes.:x",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let deep = format!("{}thingName:a{}", "(".repeat(100), ")".repeat(100));
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn wildcards() {
        assert!(glob("a*c", "abbbc"));
        assert!(glob("*", ""));
        assert!(!glob("a?c", "ac"));
        assert!(glob("soil*", "soilSensor10"));
    }
}

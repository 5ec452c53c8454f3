//! Policy variables: parsing `${...}` references in Resource and Condition values and
//! condition keys, and resolving them against a [`Context`]. A variable that cannot be
//! resolved makes the value unresolvable (`None`), which the caller treats as no match.

use super::context::Context;
use super::wildcard::Pattern;

/// Certificate issuer and subject attribute names the guide lists as policy variables.
const CERT_ATTRIBUTES: [&str; 13] = [
    "DistinguishedNameQualifier",
    "Country",
    "Organization",
    "OrganizationalUnit",
    "State",
    "CommonName",
    "SerialNumber",
    "Title",
    "Surname",
    "GivenName",
    "Initials",
    "Pseudonym",
    "GenerationQualifier",
];

/// A known policy variable (also usable as a condition key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Variable {
    ClientId,
    /// `iot:DomainName`: the context does not carry it, so it never resolves.
    DomainName,
    CertificateId,
    CertificateSubject(String),
    /// `iot:Certificate.Issuer.*`: the context does not carry the issuer, so it never resolves.
    CertificateIssuer(String),
    ThingName,
    ThingTypeName,
    ThingAttribute(String),
    ThingIsAttached,
}

impl Variable {
    /// Parse a variable name such as `iot:Connection.Thing.Attributes[floor]`.
    pub(crate) fn parse(name: &str) -> Result<Self, String> {
        let known = match name {
            "iot:ClientId" => Some(Variable::ClientId),
            "iot:DomainName" => Some(Variable::DomainName),
            "iot:CertificateId" => Some(Variable::CertificateId),
            "iot:Connection.Thing.ThingName" => Some(Variable::ThingName),
            "iot:Connection.Thing.ThingTypeName" => Some(Variable::ThingTypeName),
            "iot:Connection.Thing.IsAttached" => Some(Variable::ThingIsAttached),
            _ => None,
        };
        if let Some(variable) = known {
            return Ok(variable);
        }
        if let Some(attr) = name
            .strip_prefix("iot:Connection.Thing.Attributes[")
            .and_then(|rest| rest.strip_suffix(']'))
            .filter(|attr| !attr.is_empty() && !attr.contains([']', '[']))
        {
            return Ok(Variable::ThingAttribute(attr.to_owned()));
        }
        if let Some(attr) = name.strip_prefix("iot:Certificate.Subject.")
            && CERT_ATTRIBUTES.contains(&attr)
        {
            return Ok(Variable::CertificateSubject(attr.to_owned()));
        }
        if let Some(attr) = name.strip_prefix("iot:Certificate.Issuer.")
            && CERT_ATTRIBUTES.contains(&attr)
        {
            return Ok(Variable::CertificateIssuer(attr.to_owned()));
        }
        Err(format!("unknown policy variable `{name}`"))
    }

    /// The variable's value for this connection, or `None` when it cannot be resolved.
    pub(crate) fn resolve(&self, ctx: &Context) -> Option<String> {
        let thing = ctx.connection_thing();
        match self {
            // HTTPS has no client id (AWS: "not available when using HTTPS").
            Variable::ClientId => (!ctx.client_id.is_empty()).then(|| ctx.client_id.clone()),
            Variable::DomainName | Variable::CertificateIssuer(_) => None,
            Variable::CertificateId => ctx.certificate_id.clone(),
            Variable::CertificateSubject(attr) => ctx.certificate_subject.get(attr).cloned(),
            Variable::ThingName => thing.map(|t| t.name.clone()),
            Variable::ThingTypeName => thing.and_then(|t| t.thing_type.clone()),
            Variable::ThingAttribute(attr) => thing.and_then(|t| t.attributes.get(attr).cloned()),
            Variable::ThingIsAttached => Some(thing.is_some().to_string()),
        }
    }
}

/// One piece of a value string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Policy text: `*` and `?` in it are wildcards where the operator allows them.
    Text(String),
    /// `${*}`, `${?}` or `${$}`: always the literal character.
    Escaped(char),
    Var(Variable),
}

/// A Resource or Condition value with its variable references parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parse `text`, rejecting unknown variables and unterminated `${`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("unterminated `${{` in `{text}`"))?;
            let name = &after[..end];
            parts.push(match name {
                "*" => Part::Escaped('*'),
                "?" => Part::Escaped('?'),
                "$" => Part::Escaped('$'),
                _ => Part::Var(Variable::parse(name)?),
            });
            rest = &after[end + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Self { parts })
    }

    /// The value as plain text (for exact comparisons), or `None` if a variable is
    /// unresolvable.
    pub(crate) fn resolve_text(&self, ctx: &Context) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Escaped(c) => out.push(*c),
                Part::Var(variable) => out.push_str(&variable.resolve(ctx)?),
            }
        }
        Some(out)
    }

    /// The value as a wildcard pattern, or `None` if a variable is unresolvable. Variable
    /// values and escapes are literal; only the policy's own `*` and `?` are wildcards.
    pub(crate) fn resolve_pattern(&self, ctx: &Context) -> Option<Pattern> {
        let mut pattern = Pattern::default();
        for part in &self.parts {
            match part {
                Part::Text(text) => pattern.push_glob(text),
                Part::Escaped(c) => pattern.push_literal(c.encode_utf8(&mut [0; 4])),
                Part::Var(variable) => pattern.push_literal(&variable.resolve(ctx)?),
            }
        }
        Some(pattern)
    }
}

#[cfg(test)]
mod tests {
    use super::{Template, Variable};
    use crate::policy::{Context, Thing};

    fn ctx(client_id: &str, things: &[&str]) -> Context {
        Context {
            client_id: client_id.into(),
            attached_things: things
                .iter()
                .map(|name| Thing {
                    name: (*name).into(),
                    ..Thing::default()
                })
                .collect(),
            ..Context::default()
        }
    }

    #[test]
    fn parses_known_variables_and_rejects_others() {
        assert_eq!(
            Variable::parse("iot:Connection.Thing.Attributes[floor]"),
            Ok(Variable::ThingAttribute("floor".into()))
        );
        assert_eq!(
            Variable::parse("iot:Certificate.Subject.CommonName"),
            Ok(Variable::CertificateSubject("CommonName".into()))
        );
        assert!(Variable::parse("iot:Connection.Thing.Attributes[]").is_err());
        assert!(Variable::parse("iot:Certificate.Subject.Nope").is_err());
        assert!(Variable::parse("iot:Whatever").is_err());
        assert!(Template::parse("topic/${iot:ClientId").is_err());
    }

    #[test]
    fn thing_variables_need_the_client_id_to_name_an_attached_thing() {
        let name = Variable::ThingName;
        assert_eq!(name.resolve(&ctx("s1", &["s1"])), Some("s1".into()));
        assert_eq!(name.resolve(&ctx("s2", &["s1"])), None);
        assert_eq!(
            Variable::ThingIsAttached.resolve(&ctx("s2", &["s1"])),
            Some("false".into())
        );
        assert_eq!(
            Variable::ThingIsAttached.resolve(&ctx("s1", &["s0", "s1"])),
            Some("true".into())
        );
    }

    #[test]
    fn escapes_and_variable_values_are_literal() {
        let template = Template::parse("a/${*}/${iot:ClientId}/*").unwrap();
        let c = ctx("x?", &[]);
        assert_eq!(template.resolve_text(&c), Some("a/*/x?/*".into()));
        let pattern = template.resolve_pattern(&c).unwrap();
        assert!(pattern.matches("a/*/x?/anything"));
        assert!(!pattern.matches("a/b/x?/anything"));
        assert!(!pattern.matches("a/*/xy/anything"));
        assert_eq!(
            Template::parse("${$}{x}").unwrap().resolve_text(&c),
            Some("${x}".into())
        );
    }
}

//! The Lambda functions the local backend can run: it recognises the project's functions (the
//! alert function and the just-in-time registration function) by their inline code and runs
//! their behaviour natively; any other function is refused.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::RuleError;
use crate::template::Template;

/// The built-in template's alert function.
pub(crate) const ALERT_FUNCTION: &str = "AlertFunction";
/// The built-in template's just-in-time registration function.
pub(crate) const REGISTRATION_FUNCTION: &str = "JitrFunction";

/// A function behaviour the local backend runs natively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Function {
    /// The alert function: formats a humidity alert and publishes it to `topic_arn`.
    Alert { topic_arn: String },
    /// The just-in-time registration function: for a certificate registration event, reads
    /// the certificate's common name, creates that thing (marked as `stack_name`'s) where it
    /// is missing, attaches `policy_name` and the thing to the certificate and activates it.
    Registration {
        stack_name: String,
        policy_name: String,
    },
}

impl Function {
    /// Recognises the function from its CloudFormation properties (`Runtime`, `Handler`,
    /// `Code.ZipFile`, `Environment.Variables`), intrinsics resolved. A function is recognised
    /// when its inline code is the code of one of the built-in template's functions
    /// (`AlertFunction`, `JitrFunction`), up to whitespace.
    pub fn from_properties(logical_id: &str, properties: &Value) -> Result<Function, RuleError> {
        let refuse = |reason: &str| RuleError::UnsupportedFunction {
            function: logical_id.to_owned(),
            reason: reason.to_owned(),
        };
        let text = |pointer: &str| properties.pointer(pointer).and_then(Value::as_str);
        let code =
            text("/Code/ZipFile").ok_or_else(|| refuse("its code is not inline (Code.ZipFile)"))?;
        let known = builtin_code();
        if known.is_empty() {
            return Err(refuse(
                "the project's functions could not be read from the built-in template",
            ));
        }
        let code = normalize(code);
        let Some(builtin) = known
            .iter()
            .find(|(_, known)| **known == code)
            .map(|(id, _)| *id)
        else {
            return Err(refuse(
                "its code is not one of the project's functions (the alert function or the just-in-time registration function)",
            ));
        };
        let runtime = text("/Runtime").unwrap_or_default();
        if !runtime.starts_with("python3") {
            return Err(refuse(&format!(
                "its runtime {runtime:?} is not the project's functions' (python3)"
            )));
        }
        let handler = text("/Handler").unwrap_or_default();
        if handler != "index.handler" {
            return Err(refuse(&format!(
                "its handler {handler:?} is not the project's functions' (index.handler)"
            )));
        }
        let variable = |name: &str| {
            text(&format!("/Environment/Variables/{name}"))
                .map(str::to_owned)
                .ok_or_else(|| refuse(&format!("it has no {name} environment variable")))
        };
        Ok(match builtin {
            ALERT_FUNCTION => Function::Alert {
                topic_arn: variable("TOPIC_ARN")?,
            },
            _ => Function::Registration {
                stack_name: variable("STACK_NAME")?,
                policy_name: variable("POLICY_NAME")?,
            },
        })
    }
}

/// The function name in a Lambda action's `FunctionArn`
/// (`arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`); a bare name
/// is taken as it is.
pub(crate) fn function_name(arn: &str) -> Option<&str> {
    if !arn.starts_with("arn:") {
        return (!arn.is_empty() && !arn.contains(':')).then_some(arn);
    }
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, _, "function", name]
        | ["arn", _, "lambda", _, _, "function", name, _]
            if !name.is_empty() =>
        {
            Some(name)
        }
        _ => None,
    }
}

/// The built-in template's function code by logical id, whitespace normalized (empty if the
/// template cannot be read).
fn builtin_code() -> &'static BTreeMap<&'static str, String> {
    static CODE: OnceLock<BTreeMap<&'static str, String>> = OnceLock::new();
    CODE.get_or_init(|| {
        let Ok(template) = Template::builtin() else {
            return BTreeMap::new();
        };
        [ALERT_FUNCTION, REGISTRATION_FUNCTION]
            .into_iter()
            .filter_map(|id| {
                let code = template
                    .doc
                    .get("Resources")?
                    .get(id)?
                    .get("Properties")?
                    .get("Code")?
                    .get("ZipFile")?
                    .as_str()?;
                Some((id, normalize(code)))
            })
            .collect()
    })
}

/// Code compared word by word: indentation, blank lines and line endings do not count.
fn normalize(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_functions_code_is_found_in_the_builtin_template() {
        let code = |id| {
            builtin_code()
                .get(id)
                .map(String::as_str)
                .unwrap_or_default()
        };
        let alert = code(ALERT_FUNCTION);
        assert!(alert.contains("def handler(event, context):"), "{alert}");
        assert!(alert.contains(r#"SUBJECT = "Attention:Humidity Under Threshold""#));
        let registration = code(REGISTRATION_FUNCTION);
        assert!(
            registration.contains(
                r#"iot.update_certificate(certificateId=certificate_id, newStatus="ACTIVE")"#
            ),
            "{registration}"
        );
        assert_ne!(alert, registration);
    }

    #[test]
    fn function_names_from_arns() {
        let name = |arn| function_name(arn);
        assert_eq!(
            name("arn:aws:lambda:local:000000000000:function:alert-fn"),
            Some("alert-fn")
        );
        assert_eq!(
            name("arn:aws-cn:lambda:cn-north-1:1:function:alert-fn:live"),
            Some("alert-fn")
        );
        assert_eq!(name("alert-fn"), Some("alert-fn"));
        assert_eq!(name("arn:aws:sns:eu-west-1:1:topic"), None);
        assert_eq!(name("arn:aws:lambda:r:1:function:"), None);
        assert_eq!(name(""), None);
    }
}

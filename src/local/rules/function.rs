//! The Lambda functions the local backend can run: it recognises the project's alert function
//! by its inline code and runs that behaviour natively; any other function is refused.

use std::sync::OnceLock;

use serde_json::Value;

use super::RuleError;
use crate::template::Template;

/// A function behaviour the local backend runs natively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Function {
    /// The alert function: formats a humidity alert and publishes it to `topic_arn`.
    Alert { topic_arn: String },
}

impl Function {
    /// Recognises the function from its CloudFormation properties (`Runtime`, `Handler`,
    /// `Code.ZipFile`, `Environment.Variables`), intrinsics resolved. The alert function is
    /// recognised when its inline code is the built-in template's `AlertFunction` code, up to
    /// whitespace.
    pub fn from_properties(logical_id: &str, properties: &Value) -> Result<Function, RuleError> {
        let refuse = |reason: &str| RuleError::UnsupportedFunction {
            function: logical_id.to_owned(),
            reason: reason.to_owned(),
        };
        let text = |pointer: &str| properties.pointer(pointer).and_then(Value::as_str);
        let code =
            text("/Code/ZipFile").ok_or_else(|| refuse("its code is not inline (Code.ZipFile)"))?;
        let known = alert_code().ok_or_else(|| {
            refuse("the alert function's code could not be read from the built-in template")
        })?;
        if normalize(code) != *known {
            return Err(refuse("its code is not the project's alert function"));
        }
        let runtime = text("/Runtime").unwrap_or_default();
        if !runtime.starts_with("python3") {
            return Err(refuse(&format!(
                "its runtime {runtime:?} is not the alert function's (python3)"
            )));
        }
        let handler = text("/Handler").unwrap_or_default();
        if handler != "index.handler" {
            return Err(refuse(&format!(
                "its handler {handler:?} is not the alert function's (index.handler)"
            )));
        }
        let topic_arn = text("/Environment/Variables/TOPIC_ARN")
            .ok_or_else(|| refuse("it has no TOPIC_ARN environment variable"))?;
        Ok(Function::Alert {
            topic_arn: topic_arn.to_owned(),
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

/// The built-in template's alert function code, whitespace normalized.
fn alert_code() -> Option<&'static String> {
    static CODE: OnceLock<Option<String>> = OnceLock::new();
    CODE.get_or_init(|| {
        let template = Template::builtin().ok()?;
        let code = template
            .doc
            .get("Resources")?
            .get("AlertFunction")?
            .get("Properties")?
            .get("Code")?
            .get("ZipFile")?
            .as_str()?;
        Some(normalize(code))
    })
    .as_ref()
}

/// Code compared word by word: indentation, blank lines and line endings do not count.
fn normalize(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alert_code_is_found_in_the_builtin_template() {
        let code = alert_code().map(String::as_str).unwrap_or_default();
        assert!(code.contains("def handler(event, context):"), "{code}");
        assert!(code.contains(r#"SUBJECT = "Attention:Humidity Under Threshold""#));
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

//! The Lambda functions of a stack as the local backend sees them: the function's own inline
//! code with what Lambda's handler contract needs (runtime, handler, timeout, memory, its
//! environment variables, its log group), and whether it is one of the project's functions
//! (the alert function, the just-in-time registration function), recognised by its inline
//! code, whose behaviour the backend can also run natively. Which of the two ways a function
//! runs is decided by [`super::runner`].

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::RuleError;
use crate::template::Template;

/// The built-in template's alert function.
pub(crate) const ALERT_FUNCTION: &str = "AlertFunction";
/// The built-in template's just-in-time registration function.
pub(crate) const REGISTRATION_FUNCTION: &str = "JitrFunction";
/// The built-in template's pre-provisioning hook of fleet provisioning.
pub(crate) const PRE_PROVISIONING_FUNCTION: &str = "PreProvisioningHook";
/// The built-in template's pairing function.
pub(crate) const PAIRING_FUNCTION: &str = "PairingFunction";
/// Lambda's default timeout, in seconds.
const DEFAULT_TIMEOUT_SECS: u64 = 3;
/// Lambda's default memory size, in MB.
const DEFAULT_MEMORY_MB: u64 = 128;

/// One deployed function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The resource's logical id in the template (`AlertFunction`).
    pub logical_id: String,
    /// Its inline code (`Code.ZipFile`), when it has some.
    pub code: Option<String>,
    pub runtime: String,
    pub handler: String,
    pub timeout_secs: u64,
    pub memory_mb: u64,
    /// `Environment.Variables`, intrinsics resolved.
    pub environment: BTreeMap<String, String>,
    /// `LoggingConfig.LogGroup`, when set (Lambda's default is `/aws/lambda/<name>`).
    pub log_group: Option<String>,
    /// The project's function this one is, or why it is none of them.
    pub builtin: Result<Builtin, String>,
}

/// A function behaviour the local backend runs natively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Builtin {
    /// The alert function: formats a humidity alert and publishes it to `topic_arn`.
    Alert { topic_arn: String },
    /// The just-in-time registration function: for a certificate registration event, reads
    /// the certificate's common name, creates that thing (marked as `stack_name`'s) where it
    /// is missing, attaches `policy_name` and the thing to the certificate and activates it.
    Registration {
        stack_name: String,
        policy_name: String,
    },
    /// Fleet provisioning's pre-provisioning hook: allows a valid serial number listed in the
    /// JSON object `bucket`/`key` (`{"serials": [...]}`) whose thing has no certificate yet.
    PreProvisioning { bucket: String, key: String },
    /// The pairing function: gives a device of `stack_name` with no owner a code that lasts
    /// `lifetime_secs`, keeping its digest and expiry on the thing, and answers it on its code
    /// topic.
    Pairing {
        stack_name: String,
        lifetime_secs: u64,
    },
}

impl Function {
    /// Reads the function from its CloudFormation properties (`Runtime`, `Handler`,
    /// `Code.ZipFile`, `Timeout`, `MemorySize`, `Environment.Variables`,
    /// `LoggingConfig.LogGroup`), intrinsics resolved. Whether it can run is decided later;
    /// properties of the wrong type are refused here.
    pub fn from_properties(logical_id: &str, properties: &Value) -> Result<Function, RuleError> {
        let refuse = |reason: String| RuleError::UnsupportedFunction {
            function: logical_id.to_owned(),
            reason,
        };
        let text = |pointer: &str| properties.pointer(pointer).and_then(Value::as_str);
        let number = |name: &str, default: u64| match properties.get(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Number(n)) => n
                .as_u64()
                .filter(|n| *n > 0)
                .ok_or_else(|| refuse(format!("its {name} {n} is not a positive whole number"))),
            Some(Value::String(s)) => {
                s.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    refuse(format!("its {name} {s:?} is not a positive whole number"))
                })
            }
            Some(other) => Err(refuse(format!("its {name} is not a number: {other}"))),
        };
        let environment = match properties.pointer("/Environment/Variables") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(Value::Object(vars)) => vars
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    Value::Number(n) => Ok((k.clone(), n.to_string())),
                    Value::Bool(b) => Ok((k.clone(), b.to_string())),
                    other => Err(refuse(format!(
                        "its environment variable {k} is not a string: {other}"
                    ))),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(refuse(format!(
                    "its Environment.Variables is not an object: {other}"
                )));
            }
        };
        let mut function = Function {
            logical_id: logical_id.to_owned(),
            code: text("/Code/ZipFile").map(str::to_owned),
            runtime: text("/Runtime").unwrap_or_default().to_owned(),
            handler: text("/Handler").unwrap_or_default().to_owned(),
            timeout_secs: number("Timeout", DEFAULT_TIMEOUT_SECS)?,
            memory_mb: number("MemorySize", DEFAULT_MEMORY_MB)?,
            environment,
            log_group: text("/LoggingConfig/LogGroup").map(str::to_owned),
            builtin: Err(String::new()),
        };
        function.builtin = function.recognise();
        Ok(function)
    }

    /// The project's function this one is: its inline code is the code of one of the built-in
    /// template's functions (`AlertFunction`, `JitrFunction`), up to whitespace, with their
    /// runtime, handler and environment variables.
    fn recognise(&self) -> Result<Builtin, String> {
        let code = self
            .code
            .as_deref()
            .ok_or("its code is not inline (Code.ZipFile)")?;
        let known = builtin_code();
        if known.is_empty() {
            return Err(
                "the project's functions could not be read from the built-in template".to_owned(),
            );
        }
        let code = normalize(code);
        let builtin = known
            .iter()
            .find(|(_, known)| **known == code)
            .map(|(id, _)| *id)
            .ok_or("its code is not one of the project's functions (the alert function, the just-in-time registration function, the pre-provisioning hook or the pairing function)")?;
        if !self.runtime.starts_with("python3") {
            return Err(format!(
                "its runtime {:?} is not the project's functions' (python3)",
                self.runtime
            ));
        }
        if self.handler != "index.handler" {
            return Err(format!(
                "its handler {:?} is not the project's functions' (index.handler)",
                self.handler
            ));
        }
        let variable = |name: &str| {
            self.environment
                .get(name)
                .cloned()
                .ok_or_else(|| format!("it has no {name} environment variable"))
        };
        Ok(match builtin {
            ALERT_FUNCTION => Builtin::Alert {
                topic_arn: variable("TOPIC_ARN")?,
            },
            PRE_PROVISIONING_FUNCTION => Builtin::PreProvisioning {
                bucket: variable("BUCKET")?,
                key: variable("ALLOWED_KEY")?,
            },
            PAIRING_FUNCTION => Builtin::Pairing {
                stack_name: variable("STACK_NAME")?,
                lifetime_secs: variable("CODE_LIFETIME")?
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or("its CODE_LIFETIME is not a positive whole number of seconds")?,
            },
            _ => Builtin::Registration {
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
        [
            ALERT_FUNCTION,
            REGISTRATION_FUNCTION,
            PRE_PROVISIONING_FUNCTION,
            PAIRING_FUNCTION,
        ]
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

//! What can go wrong with a provisioning template, and what AWS IoT answers for it.
//!
//! Three families: the template itself is broken (found by [`Template::parse`], before any
//! device uses it), the parameters of one registration do not fit it (found by
//! [`evaluate`]), and a resource the plan would create already exists under an `OverrideSettings`
//! of `FAIL` (found by the override helpers).
//!
//! [`Template::parse`]: super::Template::parse
//! [`evaluate`]: super::evaluate

/// A provisioning template that cannot be used, or cannot be used with these parameters.
///
/// Every message is one line naming the place (`Resources.thing.Properties.ThingName`, a
/// function, a parameter) and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// The body is longer than AWS IoT takes.
    #[error("the template body is {len} characters long; AWS IoT takes at most {max}")]
    TooLarge {
        /// Characters in the body.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The body is not JSON.
    #[error("the template body is not JSON: {0}")]
    NotJson(String),
    /// A section, parameter, mapping, resource or property has the wrong shape.
    #[error("{at}: {message}")]
    Malformed {
        /// Where, as a path such as `Resources.thing.Properties`.
        at: String,
        /// What is wrong there.
        message: String,
    },
    /// A resource whose `Type` is none of the three AWS IoT provisioning templates know.
    #[error(
        "Resources.{resource}: unknown resource type {type_name:?} (expected AWS::IoT::Thing, \
         AWS::IoT::Certificate or AWS::IoT::Policy)"
    )]
    UnknownResourceType {
        /// The resource's logical id.
        resource: String,
        /// The type it declares.
        type_name: String,
    },
    /// A second thing or a second certificate: one registration provisions one of each.
    #[error(
        "Resources.{second}: a template declares at most one {type_name}, and {first} is one \
         already"
    )]
    DuplicateResource {
        /// `AWS::IoT::Thing` or `AWS::IoT::Certificate`.
        type_name: &'static str,
        /// The logical id of the first one.
        first: String,
        /// The logical id of the second one.
        second: String,
    },
    /// `Fn::Something` that provisioning templates do not have at all.
    #[error(
        "{at}: {function} is not an intrinsic function of AWS IoT provisioning templates \
         (they have Ref, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap and Fn::Sub)"
    )]
    UnknownIntrinsic {
        /// Where the function is called.
        at: String,
        /// The function's name as written.
        function: String,
    },
    /// A CloudFormation function that the AWS IoT developer guide does not list, in a template
    /// parsed with [`Dialect::Documented`](super::Dialect::Documented).
    #[error(
        "{at}: {function} is not part of provisioning templates as the AWS IoT developer guide \
         documents them (parse with Dialect::Extended to accept it)"
    )]
    NotInDialect {
        /// Where it is used.
        at: String,
        /// The function, section or pseudo parameter.
        function: String,
    },
    /// A function called with arguments of the wrong number or shape.
    #[error("{at}: {function}: {message}")]
    BadArguments {
        /// Where the function is called.
        at: String,
        /// The function.
        function: &'static str,
        /// What is wrong with its arguments.
        message: String,
    },
    /// `Fn::If`, `Condition` or a resource's `Condition` naming no condition of the template.
    #[error("{at}: there is no condition named {condition:?} in the Conditions section")]
    UnknownCondition {
        /// Where the name is used.
        at: String,
        /// The name.
        condition: String,
    },
    /// Conditions that depend on each other in a circle.
    #[error("Conditions.{condition}: the condition depends on itself ({cycle})")]
    ConditionCycle {
        /// The condition found on the circle.
        condition: String,
        /// The circle, as `A -> B -> A`.
        cycle: String,
    },
    /// Parameters the template declares without a `Default` that nobody supplied.
    #[error(
        "missing parameters: {} (declared without a Default and not supplied)",
        names.join(", ")
    )]
    MissingParameters {
        /// Their names, sorted.
        names: Vec<String>,
    },
    /// `Ref` or `${...}` naming neither a parameter nor a value the service supplies.
    #[error("{at}: cannot resolve reference value {name:?}")]
    UnresolvedReference {
        /// Where the reference is.
        at: String,
        /// The name referred to.
        name: String,
    },
    /// A function that fails on the values of this registration (an index out of range, a
    /// key missing from a mapping, a list where a string is needed).
    #[error("{at}: {function}: {message}")]
    Evaluation {
        /// Where the function is called.
        at: String,
        /// The function.
        function: &'static str,
        /// What went wrong.
        message: String,
    },
    /// A property that evaluated to a value it cannot take (an unknown certificate status,
    /// a policy document that is not a JSON object, an empty thing name).
    #[error("{at}: {message}")]
    InvalidValue {
        /// The property.
        at: String,
        /// What is wrong with its value.
        message: String,
    },
    /// A resource exists already and the template's `OverrideSettings` say `FAIL` for it.
    #[error(
        "Resources.{resource}: the resource already exists and OverrideSettings.{property} \
         is FAIL"
    )]
    Conflict {
        /// The resource's logical id.
        resource: String,
        /// The property whose override setting is `FAIL`.
        property: &'static str,
    },
}

/// Where [`TemplateError::error_code`] comes from, for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The template is broken: `CreateProvisioningTemplate` refuses it.
    Template,
    /// The template is fine but this registration's parameters do not fit it.
    Parameters,
    /// An existing resource and `OverrideSettings` of `FAIL`.
    Conflict,
}

impl TemplateError {
    /// Which family the error belongs to.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::TooLarge { .. }
            | Self::NotJson(_)
            | Self::Malformed { .. }
            | Self::UnknownResourceType { .. }
            | Self::DuplicateResource { .. }
            | Self::UnknownIntrinsic { .. }
            | Self::NotInDialect { .. }
            | Self::BadArguments { .. }
            | Self::UnknownCondition { .. }
            | Self::ConditionCycle { .. } => ErrorKind::Template,
            Self::MissingParameters { .. }
            | Self::UnresolvedReference { .. }
            | Self::Evaluation { .. }
            | Self::InvalidValue { .. } => ErrorKind::Parameters,
            Self::Conflict { .. } => ErrorKind::Conflict,
        }
    }

    /// The `errorCode` to answer with.
    ///
    /// - A broken template: `InvalidRequestException`, what the control-plane API
    ///   (`CreateProvisioningTemplate`, `CreateProvisioningTemplateVersion`) answers for a
    ///   request that is not valid.
    /// - Parameters that do not fit: `InvalidParameters`, what the `RegisterThing` MQTT API
    ///   was seen to answer (with status 400) for a reference it could not resolve.
    /// - `FAIL` on an existing resource: `ResourceConflictsException`, the name the developer
    ///   guide gives for it.
    pub fn error_code(&self) -> &'static str {
        match self.kind() {
            ErrorKind::Template => "InvalidRequestException",
            ErrorKind::Parameters => "InvalidParameters",
            ErrorKind::Conflict => "ResourceConflictsException",
        }
    }

    /// The `statusCode` to answer with: 409 for a conflict, 400 otherwise.
    pub fn status_code(&self) -> u16 {
        match self.kind() {
            ErrorKind::Conflict => 409,
            ErrorKind::Template | ErrorKind::Parameters => 400,
        }
    }
}

/// Shorthand for [`TemplateError::Malformed`].
pub(crate) fn malformed(at: impl Into<String>, message: impl Into<String>) -> TemplateError {
    TemplateError::Malformed {
        at: at.into(),
        message: message.into(),
    }
}

/// Shorthand for [`TemplateError::InvalidValue`].
pub(crate) fn invalid(at: impl Into<String>, message: impl Into<String>) -> TemplateError {
    TemplateError::InvalidValue {
        at: at.into(),
        message: message.into(),
    }
}

//! `OverrideSettings`: what a registration does to a thing or certificate that exists already.
//!
//! The developer guide gives four actions: `DO_NOTHING` leaves the resource as it is,
//! `REPLACE` puts the template's value in its place, `FAIL` fails the request with
//! `ResourceConflictsException`, and `MERGE` (only for a thing's `AttributePayload` and
//! `ThingGroups`) combines the two. A thing takes settings for `AttributePayload`,
//! `ThingTypeName` and `ThingGroups`, a certificate for `Status`; a policy takes none.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::{TemplateError, malformed};

/// What to do with a property of a resource that exists already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideAction {
    /// Combine the existing value with the template's (attributes and thing groups only).
    Merge,
    /// Put the template's value in place of the existing one.
    Replace,
    /// Fail the registration with `ResourceConflictsException`.
    Fail,
    /// Leave the existing value.
    DoNothing,
}

/// The action for a property the template gives no setting for.
///
/// The developer guide does not say; leaving an existing resource alone is the cautious
/// reading.
pub const DEFAULT_OVERRIDE: OverrideAction = OverrideAction::DoNothing;

impl OverrideAction {
    /// The spelling templates use: `MERGE`, `REPLACE`, `FAIL`, `DO_NOTHING`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Merge => "MERGE",
            Self::Replace => "REPLACE",
            Self::Fail => "FAIL",
            Self::DoNothing => "DO_NOTHING",
        }
    }

    /// Reads the spelling templates use.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "MERGE" => Self::Merge,
            "REPLACE" => Self::Replace,
            "FAIL" => Self::Fail,
            "DO_NOTHING" => Self::DoNothing,
            _ => return None,
        })
    }
}

/// The `OverrideSettings` of a thing resource; `None` where the template gives none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThingOverrides {
    /// For `AttributePayload`.
    pub attribute_payload: Option<OverrideAction>,
    /// For `ThingTypeName` (never `Merge`).
    pub thing_type_name: Option<OverrideAction>,
    /// For `ThingGroups`.
    pub thing_groups: Option<OverrideAction>,
}

/// The `OverrideSettings` of a certificate resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CertificateOverrides {
    /// For `Status` (never `Merge`).
    pub status: Option<OverrideAction>,
}

/// A thing's registry state as far as `OverrideSettings` concern it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThingState {
    /// Attribute names and values.
    pub attributes: BTreeMap<String, String>,
    /// The thing type, if any.
    pub thing_type: Option<String>,
    /// The thing groups it belongs to.
    pub groups: Vec<String>,
}

fn merge_refused(resource: &str, property: &str) -> TemplateError {
    malformed(
        format!("Resources.{resource}.OverrideSettings.{property}"),
        "MERGE is valid only for AttributePayload and ThingGroups",
    )
}

/// The attributes an existing thing ends with. `MERGE` keeps the existing attributes and
/// sets the template's over them.
pub fn merge_attributes(
    resource: &str,
    existing: &BTreeMap<String, String>,
    planned: &BTreeMap<String, String>,
    action: Option<OverrideAction>,
) -> Result<BTreeMap<String, String>, TemplateError> {
    match action.unwrap_or(DEFAULT_OVERRIDE) {
        OverrideAction::Merge => {
            let mut merged = existing.clone();
            merged.extend(planned.iter().map(|(k, v)| (k.clone(), v.clone())));
            Ok(merged)
        }
        OverrideAction::Replace => Ok(planned.clone()),
        OverrideAction::DoNothing => Ok(existing.clone()),
        OverrideAction::Fail => Err(TemplateError::Conflict {
            resource: resource.to_string(),
            property: "AttributePayload",
        }),
    }
}

/// The thing groups an existing thing ends with. `MERGE` keeps the existing groups, in
/// order, and adds the template's it is not in yet.
pub fn merge_groups(
    resource: &str,
    existing: &[String],
    planned: &[String],
    action: Option<OverrideAction>,
) -> Result<Vec<String>, TemplateError> {
    match action.unwrap_or(DEFAULT_OVERRIDE) {
        OverrideAction::Merge => {
            let mut merged = existing.to_vec();
            for group in planned {
                if !merged.contains(group) {
                    merged.push(group.clone());
                }
            }
            Ok(merged)
        }
        OverrideAction::Replace => Ok(planned.to_vec()),
        OverrideAction::DoNothing => Ok(existing.to_vec()),
        OverrideAction::Fail => Err(TemplateError::Conflict {
            resource: resource.to_string(),
            property: "ThingGroups",
        }),
    }
}

/// The thing type an existing thing ends with.
pub fn merge_thing_type(
    resource: &str,
    existing: Option<&str>,
    planned: Option<&str>,
    action: Option<OverrideAction>,
) -> Result<Option<String>, TemplateError> {
    match action.unwrap_or(DEFAULT_OVERRIDE) {
        OverrideAction::Merge => Err(merge_refused(resource, "ThingTypeName")),
        OverrideAction::Replace => Ok(planned.map(str::to_string)),
        OverrideAction::DoNothing => Ok(existing.map(str::to_string)),
        OverrideAction::Fail => Err(TemplateError::Conflict {
            resource: resource.to_string(),
            property: "ThingTypeName",
        }),
    }
}

/// Whether an existing certificate takes the template's status (`true`) or keeps its own.
pub fn replaces_status(
    resource: &str,
    action: Option<OverrideAction>,
) -> Result<bool, TemplateError> {
    match action.unwrap_or(DEFAULT_OVERRIDE) {
        OverrideAction::Merge => Err(merge_refused(resource, "Status")),
        OverrideAction::Replace => Ok(true),
        OverrideAction::DoNothing => Ok(false),
        OverrideAction::Fail => Err(TemplateError::Conflict {
            resource: resource.to_string(),
            property: "Status",
        }),
    }
}

fn override_action(value: &Value, at: &str) -> Result<OverrideAction, TemplateError> {
    value
        .as_str()
        .and_then(OverrideAction::parse)
        .ok_or_else(|| malformed(at, "must be MERGE, REPLACE, FAIL or DO_NOTHING"))
}

/// Reads a thing's `OverrideSettings`; `at` is the resource's path.
pub(crate) fn thing_overrides(
    settings: Option<&Map<String, Value>>,
    at: &str,
) -> Result<ThingOverrides, TemplateError> {
    let mut out = ThingOverrides::default();
    for (key, value) in settings.into_iter().flatten() {
        let kat = format!("{at}.OverrideSettings.{key}");
        let action = override_action(value, &kat)?;
        // The guide's examples use the property names, its prose the upper-case names.
        match key.as_str() {
            "AttributePayload" | "ATTRIBUTE_PAYLOAD" => out.attribute_payload = Some(action),
            "ThingGroups" | "THING_GROUPS" => out.thing_groups = Some(action),
            "ThingTypeName" | "THING_TYPE_NAME" => {
                if action == OverrideAction::Merge {
                    return Err(malformed(
                        kat,
                        "MERGE is valid only for AttributePayload and ThingGroups",
                    ));
                }
                out.thing_type_name = Some(action);
            }
            _ => {
                return Err(malformed(
                    kat,
                    "a thing takes OverrideSettings for AttributePayload, ThingTypeName and ThingGroups",
                ));
            }
        }
    }
    Ok(out)
}

/// Reads a certificate's `OverrideSettings`; `at` is the resource's path.
pub(crate) fn certificate_overrides(
    settings: Option<&Map<String, Value>>,
    at: &str,
) -> Result<CertificateOverrides, TemplateError> {
    let mut out = CertificateOverrides::default();
    for (key, value) in settings.into_iter().flatten() {
        let kat = format!("{at}.OverrideSettings.{key}");
        let action = override_action(value, &kat)?;
        match key.as_str() {
            "Status" | "STATUS" if action == OverrideAction::Merge => {
                return Err(malformed(
                    kat,
                    "MERGE is valid only for a thing's AttributePayload and ThingGroups",
                ));
            }
            "Status" | "STATUS" => out.status = Some(action),
            _ => {
                return Err(malformed(
                    kat,
                    "a certificate takes OverrideSettings for Status only",
                ));
            }
        }
    }
    Ok(out)
}

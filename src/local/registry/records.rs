//! What the registry returns: one plain record per resource, and the status enums.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rustls_pki_types::CertificateDer;
use serde::{Deserialize, Serialize};

use super::error::{RegistryError, Result};
use super::x509;

/// A registered thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThingRecord {
    pub name: String,
    pub arn: String,
    pub attributes: BTreeMap<String, String>,
    /// Starts at 1, as AWS IoT's thing version.
    pub version: i64,
    pub created_ms: i64,
}

/// A static thing group (AWS IoT's `ThingGroup` without a parent: groups are flat locally).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThingGroupRecord {
    pub name: String,
    /// A UUID fixed when the group is made, as AWS's `thingGroupId`.
    pub id: String,
    pub arn: String,
    pub description: Option<String>,
    pub attributes: BTreeMap<String, String>,
    /// Starts at 1 and goes up by one with every update, as AWS IoT's group version.
    pub version: i64,
    pub created_ms: i64,
}

/// A certificate's status, as AWS IoT's `CertificateStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateStatus {
    Active,
    Inactive,
    Revoked,
    PendingTransfer,
    RegisterInactive,
    PendingActivation,
}

impl CertificateStatus {
    /// The AWS spelling, e.g. `PENDING_ACTIVATION`.
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateStatus::Active => "ACTIVE",
            CertificateStatus::Inactive => "INACTIVE",
            CertificateStatus::Revoked => "REVOKED",
            CertificateStatus::PendingTransfer => "PENDING_TRANSFER",
            CertificateStatus::RegisterInactive => "REGISTER_INACTIVE",
            CertificateStatus::PendingActivation => "PENDING_ACTIVATION",
        }
    }
}

impl fmt::Display for CertificateStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CertificateStatus {
    type Err = RegistryError;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "ACTIVE" => CertificateStatus::Active,
            "INACTIVE" => CertificateStatus::Inactive,
            "REVOKED" => CertificateStatus::Revoked,
            "PENDING_TRANSFER" => CertificateStatus::PendingTransfer,
            "REGISTER_INACTIVE" => CertificateStatus::RegisterInactive,
            "PENDING_ACTIVATION" => CertificateStatus::PendingActivation,
            other => {
                return Err(RegistryError::InvalidRequest(format!(
                    "unknown certificate status {other:?}: use ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER, REGISTER_INACTIVE or PENDING_ACTIVATION"
                )));
            }
        })
    }
}

/// A registered CA certificate's status, as AWS IoT's `CACertificateStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaStatus {
    Active,
    Inactive,
}

impl CaStatus {
    /// The AWS spelling: `ACTIVE` or `INACTIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            CaStatus::Active => "ACTIVE",
            CaStatus::Inactive => "INACTIVE",
        }
    }
}

impl fmt::Display for CaStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaStatus {
    type Err = RegistryError;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "ACTIVE" => Ok(CaStatus::Active),
            "INACTIVE" => Ok(CaStatus::Inactive),
            other => Err(RegistryError::InvalidRequest(format!(
                "unknown CA certificate status {other:?}: use ACTIVE or INACTIVE"
            ))),
        }
    }
}

/// A registered device certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRecord {
    /// Lowercase hex SHA-256 of the DER.
    pub id: String,
    pub arn: String,
    pub pem: String,
    pub status: CertificateStatus,
    /// The registered CA that issued it, if it was registered with one.
    pub ca_certificate_id: Option<String>,
    pub created_ms: i64,
}

impl CertificateRecord {
    /// The certificate's DER.
    pub fn der(&self) -> Result<CertificateDer<'static>> {
        x509::pem_to_der(&self.pem)
    }

    /// The subject's common name (empty when it has none).
    pub fn common_name(&self) -> Result<String> {
        let der = self.der()?;
        Ok(x509::common_name(&x509::parse(&der)?))
    }
}

/// A registered CA certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaRecord {
    /// Lowercase hex SHA-256 of the DER.
    pub id: String,
    pub arn: String,
    pub pem: String,
    pub status: CaStatus,
    /// Whether certificates it issued are registered on first connection (JITR).
    pub auto_registration: bool,
    pub created_ms: i64,
}

impl CaRecord {
    /// The CA certificate's DER.
    pub fn der(&self) -> Result<CertificateDer<'static>> {
        x509::pem_to_der(&self.pem)
    }
}

/// A policy and its document, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRecord {
    pub name: String,
    pub arn: String,
    pub document: String,
    pub created_ms: i64,
}

/// A topic rule: its `TopicRulePayload` as JSON, intrinsics resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicRuleRecord {
    pub name: String,
    pub arn: String,
    pub payload: serde_json::Value,
    pub created_ms: i64,
}

/// The local record of a deployed template, CloudFormation's stack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackRecord {
    pub name: String,
    /// An ARN-like id, e.g. `arn:aws:cloudformation:local:000000000000:stack/<name>/<uuid>`.
    pub stack_id: String,
    /// `CREATE_COMPLETE`, `UPDATE_COMPLETE`, ...
    pub status: String,
    pub template_body: String,
    pub parameters: BTreeMap<String, String>,
    pub outputs: BTreeMap<String, String>,
    pub resources: Vec<StackResource>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// One resource of a stack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackResource {
    pub logical_id: String,
    /// e.g. `AWS::IoT::TopicRule`.
    pub resource_type: String,
    pub physical_id: String,
    /// The resolved properties the resource was created with.
    pub properties: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for status in [
            CertificateStatus::Active,
            CertificateStatus::Inactive,
            CertificateStatus::Revoked,
            CertificateStatus::PendingTransfer,
            CertificateStatus::RegisterInactive,
            CertificateStatus::PendingActivation,
        ] {
            assert_eq!(
                status.as_str().parse::<CertificateStatus>().unwrap(),
                status
            );
        }
        for status in [CaStatus::Active, CaStatus::Inactive] {
            assert_eq!(status.to_string().parse::<CaStatus>().unwrap(), status);
        }
        assert!("active".parse::<CertificateStatus>().is_err());
        assert!("REVOKED".parse::<CaStatus>().is_err());
    }
}

//! Policy versions (CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
//! DeletePolicyVersion, SetDefaultPolicyVersion), with AWS IoT's rules: at most five versions,
//! ids that count up and are never reused, and the default version neither deletable nor
//! absent. The policy's row keeps the default version's document, so what the broker enforces
//! changes as soon as the default does.

use rusqlite::{OptionalExtension, Transaction, params};

use super::error::{RegistryError, Result};
use super::names::check_policy_name;
use super::{Registry, now_ms};
use crate::policy::Policy;

/// The most versions a policy may have (AWS IoT's limit).
pub const MAX_POLICY_VERSIONS: usize = 5;

/// One version of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersionRecord {
    pub policy: String,
    pub version_id: u32,
    pub document: String,
    pub is_default: bool,
    pub created_ms: i64,
}

fn default_of(tx: &Transaction<'_>, policy: &str) -> Result<u32> {
    check_policy_name(policy)?;
    tx.query_row(
        "SELECT default_version FROM policies WHERE name = ?1",
        [policy],
        |r| r.get::<_, u32>(0),
    )
    .optional()?
    .ok_or_else(|| RegistryError::not_found("policy", policy))
}

fn versions(tx: &Transaction<'_>, policy: &str) -> Result<Vec<PolicyVersionRecord>> {
    let default = default_of(tx, policy)?;
    let mut stmt = tx.prepare(
        "SELECT version_id, document, created_ms FROM policy_versions
         WHERE policy = ?1 ORDER BY version_id DESC",
    )?;
    let rows = stmt
        .query_map([policy], |r| {
            Ok(PolicyVersionRecord {
                policy: policy.to_owned(),
                version_id: r.get(0)?,
                document: r.get(1)?,
                is_default: false,
                created_ms: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|v| PolicyVersionRecord {
            is_default: v.version_id == default,
            ..v
        })
        .collect())
}

/// A version id as the API gives it: a whole number.
fn parse_id(policy: &str, id: &str) -> Result<u32> {
    id.parse().map_err(|_| {
        RegistryError::InvalidRequest(format!(
            "policy {policy}: the version id {id:?} is not a whole number"
        ))
    })
}

fn require(tx: &Transaction<'_>, policy: &str, id: &str) -> Result<PolicyVersionRecord> {
    let wanted = parse_id(policy, id)?;
    versions(tx, policy)?
        .into_iter()
        .find(|v| v.version_id == wanted)
        .ok_or_else(|| RegistryError::not_found("policy version", format!("{policy} {id}")))
}

impl Registry {
    /// Every version of the policy, newest first.
    pub fn policy_versions(&self, policy: &str) -> Result<Vec<PolicyVersionRecord>> {
        self.read(|tx| versions(tx, policy))
    }

    /// One version of the policy.
    pub fn policy_version(&self, policy: &str, id: &str) -> Result<PolicyVersionRecord> {
        self.read(|tx| require(tx, policy, id))
    }

    /// The default version of the policy.
    pub fn default_policy_version(&self, policy: &str) -> Result<PolicyVersionRecord> {
        self.read(|tx| {
            versions(tx, policy)?
                .into_iter()
                .find(|v| v.is_default)
                .ok_or_else(|| RegistryError::not_found("policy version", policy))
        })
    }

    /// Adds a version after checking its document; with `set_as_default` it becomes what the
    /// broker enforces. A policy with five versions takes no more.
    pub fn create_policy_version(
        &self,
        policy: &str,
        document: &str,
        set_as_default: bool,
    ) -> Result<PolicyVersionRecord> {
        check_policy_name(policy)?;
        Policy::parse(policy, document)?;
        self.write(|tx| {
            let existing = versions(tx, policy)?;
            if existing.len() >= MAX_POLICY_VERSIONS {
                return Err(RegistryError::VersionsLimitExceeded(format!(
                    "The policy {policy} already has the maximum number of versions ({MAX_POLICY_VERSIONS})"
                )));
            }
            let next: u32 = tx.query_row(
                "UPDATE policies SET last_version = last_version + 1 WHERE name = ?1
                 RETURNING last_version",
                [policy],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO policy_versions (policy, version_id, document, created_ms)
                 VALUES (?1, ?2, ?3, ?4)",
                params![policy, next, document, now_ms()],
            )?;
            if set_as_default {
                set_default(tx, policy, next, document)?;
            }
            require(tx, policy, &next.to_string())
        })
    }

    /// Makes a version the default one.
    pub fn set_default_policy_version(&self, policy: &str, id: &str) -> Result<()> {
        self.write(|tx| {
            let version = require(tx, policy, id)?;
            set_default(tx, policy, version.version_id, &version.document)
        })
    }

    /// Deletes a version; the default one cannot go (DeleteConflictException, as on AWS).
    pub fn delete_policy_version(&self, policy: &str, id: &str) -> Result<()> {
        self.write(|tx| {
            let version = require(tx, policy, id)?;
            if version.is_default {
                return Err(RegistryError::DeleteConflict(format!(
                    "Cannot delete the default version {id} of policy {policy}"
                )));
            }
            tx.execute(
                "DELETE FROM policy_versions WHERE policy = ?1 AND version_id = ?2",
                params![policy, version.version_id],
            )?;
            Ok(())
        })
    }
}

fn set_default(tx: &Transaction<'_>, policy: &str, id: u32, document: &str) -> Result<()> {
    tx.execute(
        "UPDATE policies SET default_version = ?2, document = ?3 WHERE name = ?1",
        params![policy, id, document],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}"#;
    const DOC2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iot:Connect","Resource":"*"}]}"#;

    #[test]
    fn versions_count_up_keep_the_default_and_stop_at_five() {
        let dir = tempfile::tempdir().unwrap();
        let r = Registry::open(&dir.path().join("registry.db")).unwrap();
        r.create_policy("p", DOC).unwrap();
        let v2 = r.create_policy_version("p", DOC2, true).unwrap();
        assert_eq!((v2.version_id, v2.is_default), (2, true));
        assert_eq!(r.policy("p").unwrap().unwrap().document, DOC2);
        for _ in 0..3 {
            r.create_policy_version("p", DOC, false).unwrap();
        }
        let full = r.create_policy_version("p", DOC, false).unwrap_err();
        assert_eq!(full.code(), "VersionsLimitExceededException");
        let default = r.delete_policy_version("p", "2").unwrap_err();
        assert_eq!(default.code(), "DeleteConflictException");
        r.delete_policy_version("p", "5").unwrap();
        // Ids are not reused.
        let v6 = r.create_policy_version("p", DOC, false).unwrap();
        assert_eq!(v6.version_id, 6);
        r.set_default_policy_version("p", "1").unwrap();
        assert_eq!(r.policy("p").unwrap().unwrap().document, DOC);
        let ids: Vec<u32> = r
            .policy_versions("p")
            .unwrap()
            .iter()
            .map(|v| v.version_id)
            .collect();
        assert_eq!(ids.len(), 5);
        assert_eq!(
            r.delete_policy("p").unwrap_err().code(),
            "DeleteConflictException"
        );
        for id in ids.iter().filter(|id| **id != 1) {
            r.delete_policy_version("p", &id.to_string()).unwrap();
        }
        r.delete_policy("p").unwrap();
        assert_eq!(
            r.policy_versions("p").unwrap_err().code(),
            "ResourceNotFoundException"
        );
    }
}

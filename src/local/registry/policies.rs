//! Policies and their attachments to certificates (CreatePolicy, GetPolicy, ListPolicies,
//! DeletePolicy, AttachPolicy, DetachPolicy, ListAttachedPolicies, ListTargetsForPolicy).
//! Documents are checked with the policy evaluator's parser and kept as given; the versions
//! are in `policy_versions`, and `policies.document` is always the default version's.

use rusqlite::{OptionalExtension, Transaction, params};

use super::certificates::{certificate_id_in, require_certificate};
use super::error::{RegistryError, Result};
use super::names::{arn, certificate_arn, check_policy_name};
use super::records::PolicyRecord;
use super::{Registry, now_ms};
use crate::policy::Policy;

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PolicyRecord> {
    let name: String = r.get(0)?;
    Ok(PolicyRecord {
        arn: arn("policy", &name),
        name,
        document: r.get(1)?,
        created_ms: r.get(2)?,
    })
}

fn find(tx: &Transaction<'_>, name: &str) -> Result<Option<PolicyRecord>> {
    Ok(tx
        .query_row(
            "SELECT name, document, created_ms FROM policies WHERE name = ?1",
            [name],
            row,
        )
        .optional()?)
}

fn require(tx: &Transaction<'_>, name: &str) -> Result<PolicyRecord> {
    check_policy_name(name)?;
    find(tx, name)?.ok_or_else(|| RegistryError::not_found("policy", name))
}

pub(super) fn all(tx: &Transaction<'_>) -> Result<Vec<PolicyRecord>> {
    let mut stmt = tx.prepare("SELECT name, document, created_ms FROM policies ORDER BY name")?;
    let rows = stmt
        .query_map([], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn targets(tx: &Transaction<'_>, policy: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare(
        "SELECT certificate_id FROM policy_attachments WHERE policy = ?1 ORDER BY rowid",
    )?;
    let ids = stmt
        .query_map([policy], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids.iter().map(|id| certificate_arn(id)).collect())
}

impl Registry {
    /// Creates a policy after checking its document. Fails with `AlreadyExists` when a
    /// policy has that name.
    pub fn create_policy(&self, name: &str, document: &str) -> Result<PolicyRecord> {
        check_policy_name(name)?;
        Policy::parse(name, document)?;
        self.write(|tx| {
            if find(tx, name)?.is_some() {
                return Err(RegistryError::exists("policy", name));
            }
            let now = now_ms();
            tx.execute(
                "INSERT INTO policies (name, document, created_ms) VALUES (?1, ?2, ?3)",
                params![name, document, now],
            )?;
            tx.execute(
                "INSERT INTO policy_versions (policy, version_id, document, created_ms)
                 VALUES (?1, 1, ?2, ?3)",
                params![name, document, now],
            )?;
            require(tx, name)
        })
    }

    /// Replaces a policy's document after checking it, as AWS IoT's CreatePolicyVersion with
    /// `setAsDefault`: certificates it is attached to get the new document at once.
    pub fn set_policy_document(&self, name: &str, document: &str) -> Result<()> {
        check_policy_name(name)?;
        Policy::parse(name, document)?;
        self.write(|tx| {
            require(tx, name)?;
            tx.execute(
                "UPDATE policies SET document = ?2 WHERE name = ?1",
                params![name, document],
            )?;
            tx.execute(
                "UPDATE policy_versions SET document = ?2
                 WHERE policy = ?1
                   AND version_id = (SELECT default_version FROM policies WHERE name = ?1)",
                params![name, document],
            )?;
            Ok(())
        })
    }

    /// The policy called `name`, if there is one.
    pub fn policy(&self, name: &str) -> Result<Option<PolicyRecord>> {
        self.read(|tx| find(tx, name))
    }

    /// Every policy, by name.
    pub fn policies(&self) -> Result<Vec<PolicyRecord>> {
        self.read(all)
    }

    /// Deletes a policy; refused while it is attached to any target or has versions besides
    /// the default one (AWS IoT's DeleteConflictException for both).
    pub fn delete_policy(&self, name: &str) -> Result<()> {
        self.write(|tx| {
            require(tx, name)?;
            let others: i64 = tx.query_row(
                "SELECT count(*) FROM policy_versions v JOIN policies p ON p.name = v.policy
                 WHERE v.policy = ?1 AND v.version_id <> p.default_version",
                [name],
                |r| r.get(0),
            )?;
            if others > 0 {
                return Err(RegistryError::DeleteConflict(format!(
                    "policy {name} has {others} version(s) besides the default one: delete them first (DeletePolicyVersion)"
                )));
            }
            let attached = targets(tx, name)?;
            if !attached.is_empty() {
                return Err(RegistryError::DeleteConflict(format!(
                    "policy {name} is still attached to {} ({}): detach it first",
                    if attached.len() == 1 {
                        "a certificate".to_string()
                    } else {
                        format!("{} certificates", attached.len())
                    },
                    attached.join(", ")
                )));
            }
            tx.execute("DELETE FROM policies WHERE name = ?1", [name])?;
            Ok(())
        })
    }

    /// Attaches a policy to a certificate (by ARN); attaching twice is not an error.
    pub fn attach_policy(&self, policy: &str, target_arn: &str) -> Result<()> {
        self.write(|tx| {
            require(tx, policy)?;
            let id = require_certificate(tx, target_arn)?;
            tx.execute(
                "INSERT OR IGNORE INTO policy_attachments (policy, certificate_id) VALUES (?1, ?2)",
                params![policy, id],
            )?;
            Ok(())
        })
    }

    /// Detaches a policy from a certificate (by ARN); detaching what is not attached is not
    /// an error.
    pub fn detach_policy(&self, policy: &str, target_arn: &str) -> Result<()> {
        self.write(|tx| {
            require(tx, policy)?;
            let id = certificate_id_in(target_arn)?;
            tx.execute(
                "DELETE FROM policy_attachments WHERE policy = ?1 AND certificate_id = ?2",
                params![policy, id],
            )?;
            Ok(())
        })
    }

    /// The policies attached to a certificate (by ARN), in attachment order.
    pub fn attached_policies(&self, target_arn: &str) -> Result<Vec<PolicyRecord>> {
        self.read(|tx| {
            let id = require_certificate(tx, target_arn)?;
            let mut stmt = tx.prepare(
                "SELECT p.name, p.document, p.created_ms
                 FROM policy_attachments a JOIN policies p ON p.name = a.policy
                 WHERE a.certificate_id = ?1 ORDER BY a.rowid",
            )?;
            let rows = stmt
                .query_map([id], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// The ARNs of the targets a policy is attached to, in attachment order.
    pub fn policy_targets(&self, policy: &str) -> Result<Vec<String>> {
        self.read(|tx| {
            require(tx, policy)?;
            targets(tx, policy)
        })
    }
}

//! The local backend's control plane: things and thing groups, certificates, CA certificates,
//! policies and their attachments, topic rules, stacks, device shadows and what the running
//! broker keeps (retained messages, persistent sessions), CloudFormation's stack events and
//! change sets, in one SQLite database with AWS IoT's semantics and errors.
//!
//! Several processes share the file: the CLI's commands write to it while a running
//! `local up` reads it. The database runs in WAL mode with a busy timeout, every write is one
//! immediate transaction, and every write transaction bumps a counter that
//! [`Registry::generation`] reads, so a reader can notice any committed change by polling one
//! row (shadow writes excepted: they change nothing a running backend reloads).

mod broker_state;
mod certificates;
mod connectivity;
mod error;
mod groups;
mod jobs;
mod names;
mod ownership;
mod policies;
mod policy_versions;
mod records;
mod rules;
mod schema;
mod shadows;
mod stack_history;
mod stacks;
mod things;
mod x509;

#[cfg(test)]
mod group_tests;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::clock::now_ms;

pub use connectivity::{Connectivity, ConnectivityChange};
pub use error::{RegistryError, Result};
pub use groups::MAX_GROUPS_PER_THING;
pub use jobs::JobsTx;
pub use names::{
    ACCOUNT_ID, REGION, arn, certificate_arn, certificate_id_of, check_policy_name,
    check_rule_name, check_stack_name, check_thing_group_name, check_thing_name,
    thing_group_of_arn, thing_of_arn,
};
pub use ownership::Ownership;
pub use policy_versions::{MAX_POLICY_VERSIONS, PolicyVersionRecord};
pub use records::{
    CaRecord, CaStatus, CertificateRecord, CertificateStatus, PolicyRecord, StackRecord,
    StackResource, ThingGroupRecord, ThingRecord, TopicRuleRecord,
};
pub use schema::SCHEMA_VERSION;
pub use stack_history::{ChangeSetRecord, ResourceChangeRecord, StackEventRecord};
pub use x509::{certificate_id, der_to_pem, iso8601, pem_to_der, subject_fields};

/// How long a write waits for another process's write to finish before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A handle on the registry database. Methods take `&self`; the connection is behind a
/// mutex, so one handle can be shared between threads.
pub struct Registry {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("path", &self.path)
            .finish()
    }
}

/// Everything the authority needs, read in one transaction so that it is consistent.
#[derive(Debug, Clone, Default)]
pub struct RegistryContents {
    /// The generation these contents belong to.
    pub generation: u64,
    pub things: Vec<ThingRecord>,
    pub certificates: Vec<CertificateRecord>,
    pub cas: Vec<CaRecord>,
    pub policies: Vec<PolicyRecord>,
    /// `(policy name, certificate id)`, in attachment order.
    pub policy_attachments: Vec<(String, String)>,
    /// `(thing name, certificate id)`, in attachment order.
    pub thing_principals: Vec<(String, String)>,
}

impl Registry {
    /// Opens the registry at `path`, creating its directory, the database and its schema as
    /// needed, and migrating an older schema.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| RegistryError::Io {
                path: parent.display().to_string(),
                source,
            })?;
        }
        // Switching a new database to WAL takes a lock SQLite does not wait for (its busy
        // handler is skipped there), so processes opening it at the same moment retry.
        let started = std::time::Instant::now();
        loop {
            match Self::open_once(path) {
                Err(RegistryError::Database(e))
                    if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(10 + fastrand::u64(..40)));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        schema::migrate(&tx, &path.display().to_string())?;
        tx.commit()?;
        Ok(Registry {
            conn: Mutex::new(conn),
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A counter that changes whenever any process commits a change. Cheap: one row.
    pub fn generation(&self) -> Result<u64> {
        let conn = self.lock();
        let value: i64 = conn.query_row(
            "SELECT value FROM meta WHERE key = 'generation'",
            [],
            |row| row.get(0),
        )?;
        Ok(value as u64)
    }

    /// Things, certificates, CAs, policies and attachments, read at one generation.
    pub fn contents(&self) -> Result<RegistryContents> {
        self.read(|tx| {
            let generation: i64 = tx.query_row(
                "SELECT value FROM meta WHERE key = 'generation'",
                [],
                |row| row.get(0),
            )?;
            let pairs = |sql: &str| -> Result<Vec<(String, String)>> {
                let mut stmt = tx.prepare(sql)?;
                let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
                Ok(rows.collect::<rusqlite::Result<_>>()?)
            };
            Ok(RegistryContents {
                generation: generation as u64,
                things: things::all(tx)?,
                certificates: certificates::all(tx)?,
                cas: certificates::all_cas(tx)?,
                policies: policies::all(tx)?,
                policy_attachments: pairs(
                    "SELECT policy, certificate_id FROM policy_attachments ORDER BY rowid",
                )?,
                thing_principals: pairs(
                    "SELECT thing, certificate_id FROM thing_principals ORDER BY rowid",
                )?,
            })
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half-done transaction behind (dropping a
        // transaction rolls it back), so the connection is safe to keep using.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` in a read transaction: everything it reads belongs to one generation.
    fn read<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&tx)
    }

    /// Runs `f` in an immediate write transaction, bumps the generation and commits; on an
    /// error nothing is written.
    fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.execute(
            "UPDATE meta SET value = value + 1 WHERE key = 'generation'",
            [],
        )?;
        tx.commit()?;
        Ok(value)
    }
}

/// Whether SQLite said another connection holds the lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

//! AWS IoT jobs and their executions, one JSON record each ([`crate::jobs`] keeps the rules;
//! this only stores). Every change runs in one immediate transaction ([`Registry::jobs_write`])
//! so that a device's request and an operator's cancel never interleave. Job writes do not bump
//! the registry's generation: the running broker reads them per request.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::error::Result;
use super::{Registry, now_ms};
use crate::jobs::{Execution, ExecutionStatus, Job, StatusCounts};

/// The jobs tables inside one transaction.
pub struct JobsTx<'a> {
    tx: &'a Transaction<'a>,
}

impl JobsTx<'_> {
    pub fn job(&self, job_id: &str) -> Result<Option<Job>> {
        let record: Option<String> = self
            .tx
            .prepare_cached("SELECT record FROM jobs WHERE job_id = ?1")?
            .query_row([job_id], |r| r.get(0))
            .optional()?;
        Ok(record.map(|r| serde_json::from_str(&r)).transpose()?)
    }

    /// Every job, oldest first.
    pub fn jobs(&self) -> Result<Vec<Job>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT record FROM jobs ORDER BY created_ms, job_id")?;
        let records = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        records
            .iter()
            .map(|r| Ok(serde_json::from_str(r)?))
            .collect()
    }

    pub fn put_job(&self, job: &Job) -> Result<()> {
        self.tx.execute(
            "INSERT INTO jobs (job_id, record, created_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (job_id) DO UPDATE SET record = excluded.record",
            params![job.job_id, serde_json::to_string(job)?, now_ms()],
        )?;
        Ok(())
    }

    /// Removes the job and its executions.
    pub fn delete_job(&self, job_id: &str) -> Result<()> {
        self.tx
            .execute("DELETE FROM job_executions WHERE job_id = ?1", [job_id])?;
        self.tx
            .execute("DELETE FROM jobs WHERE job_id = ?1", [job_id])?;
        Ok(())
    }

    fn executions(&self, sql: &str, key: &str) -> Result<Vec<Execution>> {
        let mut stmt = self.tx.prepare_cached(sql)?;
        let records = stmt
            .query_map([key], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        records
            .iter()
            .map(|r| Ok(serde_json::from_str(r)?))
            .collect()
    }

    /// The job's executions, by thing name.
    pub fn executions_of_job(&self, job_id: &str) -> Result<Vec<Execution>> {
        self.executions(
            "SELECT record FROM job_executions WHERE job_id = ?1 ORDER BY thing",
            job_id,
        )
    }

    /// The thing's executions, of every job.
    pub fn executions_of_thing(&self, thing: &str) -> Result<Vec<Execution>> {
        self.executions(
            "SELECT record FROM job_executions WHERE thing = ?1 ORDER BY job_id",
            thing,
        )
    }

    /// The job's executions counted by status.
    pub fn status_counts(&self, job_id: &str) -> Result<StatusCounts> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT status, count(*) FROM job_executions WHERE job_id = ?1 GROUP BY status",
        )?;
        let rows = stmt
            .query_map([job_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut counts = StatusCounts::default();
        for (status, n) in rows {
            if let Some(status) = ExecutionStatus::parse(&status) {
                counts.add(status, u64::try_from(n).unwrap_or_default());
            }
        }
        Ok(counts)
    }

    /// The things in any of `groups`, each once, by name.
    pub fn group_members(&self, groups: &[String]) -> Result<Vec<String>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT thing FROM thing_group_members WHERE thing_group = ?1 ORDER BY thing",
        )?;
        let mut members = std::collections::BTreeSet::new();
        for group in groups {
            let things = stmt
                .query_map([group], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            members.extend(things);
        }
        Ok(members.into_iter().collect())
    }

    pub fn put_execution(&self, execution: &Execution) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO job_executions (job_id, thing, record, status) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (job_id, thing) DO UPDATE
             SET record = excluded.record, status = excluded.status",
        )?;
        stmt.execute(params![
            execution.job_id,
            execution.thing_name,
            serde_json::to_string(execution)?,
            execution.status.as_str()
        ])?;
        Ok(())
    }

    pub fn delete_execution(&self, job_id: &str, thing: &str) -> Result<()> {
        self.tx.execute(
            "DELETE FROM job_executions WHERE job_id = ?1 AND thing = ?2",
            params![job_id, thing],
        )?;
        Ok(())
    }
}

impl Registry {
    /// Runs `f` over the jobs tables in one immediate transaction; on an error nothing is
    /// written.
    pub fn jobs_write<T>(&self, f: impl FnOnce(&JobsTx<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&JobsTx { tx: &tx })?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` over the jobs tables in a read transaction.
    pub fn jobs_read<T>(&self, f: impl FnOnce(&JobsTx<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&JobsTx { tx: &tx })
    }
}

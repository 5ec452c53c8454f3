//! The registry's tables, created or migrated when a registry is opened. The version lives in
//! the `meta` table beside the generation counter every write transaction bumps.

use rusqlite::{OptionalExtension, Transaction};

use super::error::{RegistryError, Result};

/// Each entry moves the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE things (
    name TEXT PRIMARY KEY,
    attributes TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE ca_certificates (
    id TEXT PRIMARY KEY,
    pem TEXT NOT NULL,
    status TEXT NOT NULL,
    auto_registration INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    pem TEXT NOT NULL,
    status TEXT NOT NULL,
    ca_certificate_id TEXT REFERENCES ca_certificates(id),
    created_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE policies (
    name TEXT PRIMARY KEY,
    document TEXT NOT NULL,
    created_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE policy_attachments (
    policy TEXT NOT NULL REFERENCES policies(name),
    certificate_id TEXT NOT NULL REFERENCES certificates(id),
    PRIMARY KEY (policy, certificate_id)
) STRICT;
CREATE INDEX policy_attachments_by_certificate ON policy_attachments(certificate_id);
CREATE TABLE thing_principals (
    thing TEXT NOT NULL REFERENCES things(name),
    certificate_id TEXT NOT NULL REFERENCES certificates(id),
    PRIMARY KEY (thing, certificate_id)
) STRICT;
CREATE INDEX thing_principals_by_certificate ON thing_principals(certificate_id);
CREATE TABLE topic_rules (
    name TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    created_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE stacks (
    name TEXT PRIMARY KEY,
    record TEXT NOT NULL
) STRICT;
"#,
    // Version 2: each MQTT client id's last known connection state, written by the running
    // broker (without bumping the generation: it is not configuration).
    r#"
CREATE TABLE IF NOT EXISTS connectivity (
    client_id TEXT PRIMARY KEY,
    connected INTEGER NOT NULL,
    since_ms INTEGER NOT NULL,
    disconnect_reason TEXT,
    version INTEGER NOT NULL
) STRICT;
"#,
    // Version 3: device shadows, one row per thing and shadow name ('' for the classic one);
    // a deleted shadow keeps its row without a document so that its version carries on.
    r#"
CREATE TABLE IF NOT EXISTS shadows (
    thing TEXT NOT NULL,
    name TEXT NOT NULL,
    document TEXT,
    version INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (thing, name)
) STRICT;
"#,
    // Version 4: what the running broker keeps across restarts (without bumping the
    // generation): retained messages and persistent sessions, with their subscriptions and
    // the QoS 1 messages queued for them.
    r#"
CREATE TABLE IF NOT EXISTS retained_messages (
    topic TEXT PRIMARY KEY,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS mqtt_sessions (
    client_id TEXT PRIMARY KEY,
    session_identifier TEXT NOT NULL,
    expiry_secs INTEGER NOT NULL,
    disconnected_ms INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS mqtt_subscriptions (
    client_id TEXT NOT NULL REFERENCES mqtt_sessions(client_id) ON DELETE CASCADE,
    filter TEXT NOT NULL,
    qos INTEGER NOT NULL,
    PRIMARY KEY (client_id, filter)
) STRICT;
CREATE TABLE IF NOT EXISTS mqtt_queued_messages (
    client_id TEXT NOT NULL REFERENCES mqtt_sessions(client_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    PRIMARY KEY (client_id, seq)
) STRICT;
"#,
    // Version 5: CloudFormation's side of the stacks (without bumping the generation: nothing
    // a running backend loads): each stack's events in order, kept after the stack is deleted
    // as AWS keeps them, and the change sets waiting to be executed.
    r#"
CREATE TABLE IF NOT EXISTS stack_events (
    stack_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (stack_id, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS change_sets (
    id TEXT PRIMARY KEY,
    stack_id TEXT NOT NULL,
    name TEXT NOT NULL,
    record TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS change_sets_by_stack ON change_sets(stack_id, name);
"#,
    // Version 6: policy versions (CreatePolicyVersion and the rest). `policies.document`
    // stays the default version's document, which is what the broker enforces. And a CA
    // certificate's registration config (RegisterCACertificate's `registrationConfig`), as JSON.
    r#"
CREATE TABLE IF NOT EXISTS policy_versions (
    policy TEXT NOT NULL REFERENCES policies(name) ON DELETE CASCADE,
    version_id INTEGER NOT NULL,
    document TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    PRIMARY KEY (policy, version_id)
) STRICT;
ALTER TABLE policies ADD COLUMN default_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE policies ADD COLUMN last_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE ca_certificates ADD COLUMN registration_config TEXT;
INSERT OR IGNORE INTO policy_versions (policy, version_id, document, created_ms)
    SELECT name, 1, document, created_ms FROM policies;
"#,
    // Version 7: AWS IoT jobs and their executions, one JSON record each (without bumping the
    // generation: the running broker reads them per request).
    r#"
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    created_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS job_executions (
    job_id TEXT NOT NULL,
    thing TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (job_id, thing)
) STRICT;
CREATE INDEX IF NOT EXISTS job_executions_by_thing ON job_executions(thing);
"#,
    // Version 8: each execution's status beside its record, so that a job's counts by status
    // are read without decoding every execution.
    r#"
ALTER TABLE job_executions ADD COLUMN status TEXT NOT NULL DEFAULT '';
UPDATE job_executions SET status = coalesce(json_extract(record, '$.status'), '');
CREATE INDEX IF NOT EXISTS job_executions_by_status ON job_executions(job_id, status);
"#,
    // Version 9: fleet provisioning's certificate ownership tokens.
    r#"
CREATE TABLE IF NOT EXISTS ownership_tokens (
    token TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL,
    expires_ms INTEGER NOT NULL
) STRICT;
"#,
    // Version 10: static thing groups and their members. A membership goes with its thing or
    // its group.
    r#"
CREATE TABLE IF NOT EXISTS thing_groups (
    name TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    description TEXT,
    attributes TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS thing_group_members (
    thing_group TEXT NOT NULL REFERENCES thing_groups(name) ON DELETE CASCADE,
    thing TEXT NOT NULL REFERENCES things(name) ON DELETE CASCADE,
    PRIMARY KEY (thing_group, thing)
) STRICT;
CREATE INDEX IF NOT EXISTS thing_group_members_by_thing ON thing_group_members(thing);
"#,
];

/// Writes a registry at `path` as the first soilctl left it (schema version 1), with
/// `generation`, to test that later migrations keep what is there.
#[cfg(test)]
pub(super) fn first_schema_registry_for_tests(path: &std::path::Path, generation: i64) {
    let conn = rusqlite::Connection::open(path).expect("opening a test database");
    conn.execute_batch(&format!(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
         INSERT INTO meta VALUES ('generation', {generation}), ('schema_version', 1);"
    ))
    .expect("writing meta");
    conn.execute_batch(MIGRATIONS[0])
        .expect("writing the first schema");
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the schema in `tx` up to [`SCHEMA_VERSION`]; `path` is for the error message.
pub fn migrate(tx: &Transaction<'_>, path: &str) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
         INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', 0);",
    )?;
    let found: i64 = tx
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(0);
    if found > SCHEMA_VERSION {
        return Err(RegistryError::SchemaTooNew {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for step in &MIGRATIONS[found.max(0) as usize..] {
        tx.execute_batch(step)?;
    }
    if found < SCHEMA_VERSION {
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [SCHEMA_VERSION],
        )?;
    }
    Ok(())
}

//! Certificate ownership tokens of fleet provisioning: CreateKeysAndCertificate and
//! CreateCertificateFromCsr hand one out with each certificate, and RegisterThing takes it
//! back, once, before it expires. A certificate whose token expired unused and that is still
//! waiting for activation is what [`Registry::expired_unclaimed_certificates`] lists, for the
//! service to delete as AWS does.

use rusqlite::{OptionalExtension, params};

use super::error::Result;
use super::{CertificateStatus, Registry};

/// What taking a token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    /// The token proves ownership of this certificate (and is now used up).
    Certificate(String),
    Expired,
    Unknown,
}

impl Registry {
    /// Records `token` for `certificate_id`, valid until `expires_ms`.
    pub fn add_ownership_token(
        &self,
        token: &str,
        certificate_id: &str,
        expires_ms: i64,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO ownership_tokens (token, certificate_id, expires_ms) VALUES (?1, ?2, ?3)",
                params![token, certificate_id, expires_ms],
            )?;
            Ok(())
        })
    }

    /// Takes `token` at `now_ms`: a token works once, and not after it expired.
    pub fn take_ownership_token(&self, token: &str, now_ms: i64) -> Result<Ownership> {
        self.write(|tx| {
            let found: Option<(String, i64)> = tx
                .query_row(
                    "SELECT certificate_id, expires_ms FROM ownership_tokens WHERE token = ?1",
                    [token],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((certificate_id, expires_ms)) = found else {
                return Ok(Ownership::Unknown);
            };
            if now_ms >= expires_ms {
                return Ok(Ownership::Expired);
            }
            tx.execute("DELETE FROM ownership_tokens WHERE token = ?1", [token])?;
            Ok(Ownership::Certificate(certificate_id))
        })
    }

    /// Certificates still PENDING_ACTIVATION whose every token expired before `now_ms`, with
    /// no policy or thing attached; their tokens are forgotten.
    pub fn expired_unclaimed_certificates(&self, now_ms: i64) -> Result<Vec<String>> {
        // Read first: a write bumps the generation, which makes a running backend reload.
        let any_expired = self.read(|tx| {
            Ok(tx
                .query_row(
                    "SELECT 1 FROM ownership_tokens WHERE expires_ms <= ?1 LIMIT 1",
                    [now_ms],
                    |_| Ok(()),
                )
                .optional()?
                .is_some())
        })?;
        if !any_expired {
            return Ok(Vec::new());
        }
        self.write(|tx| {
            let mut stmt = tx.prepare(
                "SELECT DISTINCT o.certificate_id FROM ownership_tokens o
                 JOIN certificates c ON c.id = o.certificate_id
                 WHERE o.expires_ms <= ?1 AND c.status = ?2
                   AND NOT EXISTS (SELECT 1 FROM policy_attachments p WHERE p.certificate_id = c.id)
                   AND NOT EXISTS (SELECT 1 FROM thing_principals t WHERE t.certificate_id = c.id)
                   AND NOT EXISTS (SELECT 1 FROM ownership_tokens n
                                   WHERE n.certificate_id = c.id AND n.expires_ms > ?1)",
            )?;
            let ids = stmt
                .query_map(
                    params![now_ms, CertificateStatus::PendingActivation.as_str()],
                    |r| r.get::<_, String>(0),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            tx.execute(
                "DELETE FROM ownership_tokens WHERE expires_ms <= ?1",
                [now_ms],
            )?;
            Ok(ids)
        })
    }
}

//! The registry's one error type, shaped like AWS IoT's exceptions so that callers can map
//! them to the same exit codes and messages as the cloud commands.

use crate::policy::PolicyError;

/// Why a registry operation failed. [`RegistryError::code`] names the AWS IoT exception the
/// cloud would have returned.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// A name or identifier breaks AWS IoT's naming rules.
    #[error("invalid {kind} name {name:?}: {rule}")]
    InvalidName {
        kind: &'static str,
        name: String,
        rule: &'static str,
    },
    /// The request is malformed in a way the name rules do not cover.
    #[error("{0}")]
    InvalidRequest(String),
    /// A resource with this name or id exists already.
    #[error("{kind} {id} already exists")]
    AlreadyExists { kind: &'static str, id: String },
    /// No resource with this name or id.
    #[error("{kind} {id} does not exist")]
    NotFound { kind: &'static str, id: String },
    /// The resource is still in use; the message says what to detach first.
    #[error("{0}")]
    DeleteConflict(String),
    /// The certificate's status does not allow the operation.
    #[error("{0}")]
    CertificateState(String),
    /// The resource is not at the version the request expected (`expectedVersion`).
    #[error("{0}")]
    VersionConflict(String),
    /// A policy has the most versions AWS IoT allows.
    #[error("{0}")]
    VersionsLimitExceeded(String),
    /// The policy document was rejected.
    #[error("malformed policy: {0}")]
    MalformedPolicy(#[from] PolicyError),
    /// The PEM text is not a usable X.509 certificate.
    #[error("invalid certificate: {0}")]
    InvalidCertificate(String),
    /// The database was written by a newer soilctl.
    #[error(
        "the registry {path} has schema version {found}, newer than this soilctl supports ({supported}): upgrade soilctl or use another --state-dir"
    )]
    SchemaTooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    /// The database could not be read or written.
    #[error("registry database: {0}")]
    Database(#[from] rusqlite::Error),
    /// A stored JSON value could not be read back, or a value could not be stored.
    #[error("registry data: {0}")]
    Json(#[from] serde_json::Error),
    /// The registry's directory could not be created.
    #[error("creating the registry directory {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl RegistryError {
    /// The AWS IoT exception name matching this error, e.g. `ResourceNotFoundException`.
    pub fn code(&self) -> &'static str {
        match self {
            RegistryError::InvalidName { .. } | RegistryError::InvalidRequest(_) => {
                "InvalidRequestException"
            }
            RegistryError::AlreadyExists { .. } => "ResourceAlreadyExistsException",
            RegistryError::NotFound { .. } => "ResourceNotFoundException",
            RegistryError::DeleteConflict(_) => "DeleteConflictException",
            RegistryError::CertificateState(_) => "CertificateStateException",
            RegistryError::MalformedPolicy(_) => "MalformedPolicyException",
            RegistryError::VersionsLimitExceeded(_) => "VersionsLimitExceededException",
            RegistryError::VersionConflict(_) => "VersionConflictException",
            RegistryError::InvalidCertificate(_) => "CertificateValidationException",
            RegistryError::SchemaTooNew { .. }
            | RegistryError::Database(_)
            | RegistryError::Json(_)
            | RegistryError::Io { .. } => "InternalFailureException",
        }
    }

    pub(crate) fn not_found(kind: &'static str, id: impl Into<String>) -> Self {
        RegistryError::NotFound {
            kind,
            id: id.into(),
        }
    }

    /// A stale `expectedVersion`: `kind` `id` is at version `found`.
    pub(crate) fn version_conflict(kind: &str, id: &str, found: i64, expected: i64) -> Self {
        RegistryError::VersionConflict(format!("{kind} {id} is at version {found}, not {expected}"))
    }

    pub(crate) fn exists(kind: &'static str, id: impl Into<String>) -> Self {
        RegistryError::AlreadyExists {
            kind,
            id: id.into(),
        }
    }
}

/// The registry's result type.
pub type Result<T, E = RegistryError> = std::result::Result<T, E>;

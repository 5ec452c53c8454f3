//! Device identities on AWS IoT: create a thing with a key made here and a certificate from
//! its CSR, or remove a thing with everything attached to it. Both are safe to run again after
//! an interruption: create resumes or reuses, delete treats what is gone as done.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::aws::iot::{self, certificate_id};
use crate::aws::{ApiError, Clients};
use crate::cli::KeyAlgorithm;
use crate::pki::{self, DeviceFiles, RootCa};
use crate::ratelimit::{RateLimiter, call};
use crate::stack::MANAGED_ATTRIBUTE;

/// Everything a provisioning run shares.
pub struct Provisioner {
    pub clients: Clients,
    pub limiter: RateLimiter,
    pub stack_name: String,
    pub devices_dir: PathBuf,
    /// The CA devices trust the broker by, written beside each device's certificate.
    pub root_ca: RootCa,
}

pub use crate::outcome::{Created, Deleted};

/// The outcome of one thing in a batch.
#[derive(Debug)]
pub struct Outcome<T> {
    pub name: String,
    pub result: anyhow::Result<T>,
}

impl Provisioner {
    /// Calls AWS at most `rate` times a second per API; the local backend, which has no
    /// request quotas, as fast as it answers.
    pub fn new(clients: Clients, rate: u32, stack_name: &str, devices_dir: &Path) -> Self {
        let rate = if clients.local.is_some() {
            u32::MAX
        } else {
            rate
        };
        Provisioner {
            clients,
            limiter: RateLimiter::new(rate),
            stack_name: stack_name.to_string(),
            devices_dir: devices_dir.to_path_buf(),
            root_ca: RootCa::amazon(),
        }
    }

    /// The same, with devices trusting `root_ca` instead of Amazon Root CA 1.
    pub fn with_root_ca(mut self, root_ca: RootCa) -> Self {
        self.root_ca = root_ca;
        self
    }

    fn is_managed(&self, thing: &iot::Thing) -> bool {
        thing.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str)
            == Some(self.stack_name.as_str())
    }

    /// Creates (or reuses) one thing with its own certificate, attached to `policy`.
    pub async fn create(
        &self,
        name: &str,
        policy: &str,
        endpoint: &str,
        key_algorithm: KeyAlgorithm,
    ) -> anyhow::Result<Created> {
        let iot = &self.clients.iot;
        let dir = self.devices_dir.join(name);
        let existing = call(&self.limiter, "DescribeThing", || {
            iot::describe_thing(iot, name)
        })
        .await?;
        let mut status = "created";
        if let Some(thing) = &existing {
            if !self.is_managed(thing) {
                return Err(anyhow!(
                    "thing {name} already exists and is not managed by stack {}: pick another name",
                    self.stack_name
                ));
            }
            let principals = call(&self.limiter, "ListThingPrincipals", || {
                iot::list_thing_principals(iot, name)
            })
            .await?
            .unwrap_or_default();
            let local = pki::read_device(&dir).filter(|d| dir.join(&d.private_key).is_file());
            if let Some(local) = local.filter(|d| principals.contains(&d.certificate_arn)) {
                let resumed = self
                    .finish_certificate(name, &local.certificate_arn, policy)
                    .await?;
                return Ok(Created {
                    name: name.to_string(),
                    status: if resumed { "resumed" } else { "reused" },
                    certificate_id: local.certificate_id,
                    certificate_arn: local.certificate_arn,
                    dir,
                });
            }
            if let Some(other) = principals.first() {
                return Err(anyhow!(
                    "thing {name} already has certificate {} but its private key is not in {}: pass --devices-dir where its files are, or run `soilctl thing delete {name}` and create it again",
                    certificate_id(other),
                    dir.display()
                ));
            }
            status = "resumed";
        } else {
            let attributes =
                BTreeMap::from([(MANAGED_ATTRIBUTE.to_string(), self.stack_name.clone())]);
            call(&self.limiter, "CreateThing", || {
                iot::create_thing(iot, name, &attributes)
            })
            .await?;
        }

        let made = pki::key_and_csr(name, key_algorithm)?;
        pki::create_private_dir(&self.devices_dir)?;
        pki::create_private_dir(&dir)?;
        pki::write_file(
            &dir.join(pki::PRIVATE_KEY_FILE),
            made.private_key_pem.as_bytes(),
            0o600,
        )?;
        let cert = call(&self.limiter, "CreateCertificateFromCsr", || {
            iot::create_certificate_from_csr(iot, &made.csr_pem)
        })
        .await?;
        let mut files = DeviceFiles::new(name, &self.stack_name, &cert.id, &cert.arn, endpoint);
        files.root_ca = self.root_ca.file.clone();
        pki::write_device_files(&dir, &files, &cert.pem, &self.root_ca.pem)?;
        // The stack's code-signing certificate, when it has one: what the device verifies the
        // firmware it installs against.
        let signing = crate::commands::firmware::signing_dir(
            &crate::settings::signing_dir(None),
            &self.stack_name,
        )
        .join(crate::firmware::SIGNING_CERT_FILE);
        if let Ok(pem) = std::fs::read(&signing) {
            pki::write_file(&dir.join(crate::firmware::SIGNING_CERT_FILE), &pem, 0o644)?;
        }

        call(&self.limiter, "AttachThingPrincipal", || {
            iot::attach_thing_principal(iot, name, &cert.arn)
        })
        .await?;
        call(&self.limiter, "AttachPolicy", || {
            iot::attach_policy(iot, policy, &cert.arn)
        })
        .await?;
        Ok(Created {
            name: name.to_string(),
            status,
            certificate_id: cert.id,
            certificate_arn: cert.arn,
            dir,
        })
    }

    /// Makes sure a reused certificate has the policy and is active; true if it had to.
    async fn finish_certificate(
        &self,
        name: &str,
        cert_arn: &str,
        policy: &str,
    ) -> anyhow::Result<bool> {
        let iot = &self.clients.iot;
        let id = certificate_id(cert_arn);
        let mut repaired = false;
        let policies = call(&self.limiter, "ListAttachedPolicies", || {
            iot::list_attached_policies(iot, cert_arn)
        })
        .await?;
        if !policies.iter().any(|p| p == policy) {
            call(&self.limiter, "AttachPolicy", || {
                iot::attach_policy(iot, policy, cert_arn)
            })
            .await?;
            repaired = true;
        }
        let cert = call(&self.limiter, "DescribeCertificate", || {
            iot::describe_certificate(iot, id)
        })
        .await?
        .ok_or_else(|| anyhow!("certificate {id} of thing {name} has disappeared"))?;
        if cert.status != "ACTIVE" {
            call(&self.limiter, "UpdateCertificate", || {
                iot::set_certificate_active(iot, id, true)
            })
            .await?;
            repaired = true;
        }
        Ok(repaired)
    }

    /// Deletes one thing this stack manages, with its certificates: detached from the thing and
    /// from their policies, deactivated, deleted. What is already gone counts as done.
    pub async fn delete(&self, name: &str) -> anyhow::Result<Deleted> {
        let iot = &self.clients.iot;
        let gone = Deleted {
            name: name.to_string(),
            status: "already gone",
            certificates: vec![],
        };
        let Some(thing) = call(&self.limiter, "DescribeThing", || {
            iot::describe_thing(iot, name)
        })
        .await?
        else {
            return Ok(gone);
        };
        if !self.is_managed(&thing) {
            return Err(anyhow!(
                "thing {name} is not managed by stack {}: soilctl deletes only the things it made",
                self.stack_name
            ));
        }
        let principals = call(&self.limiter, "ListThingPrincipals", || {
            iot::list_thing_principals(iot, name)
        })
        .await?
        .unwrap_or_default();
        let mut certificates = Vec::new();
        for principal in principals {
            ignore_missing(
                call(&self.limiter, "DetachThingPrincipal", || {
                    iot::detach_thing_principal(iot, name, &principal)
                })
                .await,
            )?;
            if !principal.contains(":cert/") {
                continue;
            }
            let others: Vec<String> = call(&self.limiter, "ListPrincipalThings", || {
                iot::list_principal_things(iot, &principal)
            })
            .await
            .or_else(|e| if e.is_not_found() { Ok(vec![]) } else { Err(e) })?
            .into_iter()
            .filter(|t| t != name)
            .collect();
            if !others.is_empty() {
                // Shared with a thing we did not make: leave the certificate to it.
                continue;
            }
            self.delete_certificate(&principal).await?;
            certificates.push(certificate_id(&principal).to_string());
        }
        ignore_missing(
            call(&self.limiter, "DeleteThing", || {
                iot::delete_thing(iot, name)
            })
            .await,
        )?;
        self.remove_local_files(name, &certificates);
        Ok(Deleted {
            name: name.to_string(),
            status: "deleted",
            certificates,
        })
    }

    /// Detaches every policy, deactivates and deletes one certificate.
    pub async fn delete_certificate(&self, arn: &str) -> anyhow::Result<()> {
        let iot = &self.clients.iot;
        let id = certificate_id(arn);
        let policies = match call(&self.limiter, "ListAttachedPolicies", || {
            iot::list_attached_policies(iot, arn)
        })
        .await
        {
            Ok(p) => p,
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for policy in policies {
            ignore_missing(
                call(&self.limiter, "DetachPolicy", || {
                    iot::detach_policy(iot, &policy, arn)
                })
                .await,
            )?;
        }
        ignore_missing(
            call(&self.limiter, "UpdateCertificate", || {
                iot::set_certificate_active(iot, id, false)
            })
            .await,
        )?;
        // Detaching is eventually consistent on AWS: a delete right after it can still be
        // refused as attached.
        let mut delay = Duration::from_millis(500);
        for attempt in 1.. {
            match call(&self.limiter, "DeleteCertificate", || {
                iot::delete_certificate(iot, id)
            })
            .await
            {
                Ok(()) => return Ok(()),
                Err(e) if e.is_not_found() => return Ok(()),
                Err(e)
                    if attempt < 8
                        && (e.is_code("DeleteConflictException")
                            || e.is_code("CertificateStateException")) =>
                {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
                Err(e) => return Err(e).with_context(|| format!("deleting certificate {id}")),
            }
        }
        Ok(())
    }

    /// Removes `<dir>/<name>/` when it holds the files of a certificate we just deleted.
    fn remove_local_files(&self, name: &str, deleted: &[String]) {
        let dir = self.devices_dir.join(name);
        if let Some(files) = pki::read_device(&dir)
            && files.thing_name == name
            && deleted.contains(&files.certificate_id)
        {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

fn ignore_missing(result: Result<(), ApiError>) -> Result<(), ApiError> {
    match result {
        Err(e) if e.is_not_found() => Ok(()),
        other => other,
    }
}

/// Runs `job` for every name, at most `concurrency` at a time, calling `done` as each ends.
pub async fn for_each<T, F, Fut>(
    names: &[String],
    concurrency: usize,
    job: F,
    mut done: impl FnMut(&Outcome<T>),
) -> Vec<Outcome<T>>
where
    T: Send + 'static,
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for (index, name) in names.iter().enumerate() {
        let permits = permits.clone();
        let fut = job(name.clone());
        let name = name.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (
                index,
                Outcome {
                    name,
                    result: fut.await,
                },
            )
        });
    }
    let mut outcomes: Vec<(usize, Outcome<T>)> = Vec::with_capacity(names.len());
    while let Some(joined) = tasks.join_next().await {
        let (index, outcome) = match joined {
            Ok(pair) => pair,
            Err(e) => (
                usize::MAX,
                Outcome {
                    name: String::from("?"),
                    result: Err(anyhow!("a task failed: {e}")),
                },
            ),
        };
        done(&outcome);
        outcomes.push((index, outcome));
    }
    outcomes.sort_by_key(|(i, _)| *i);
    outcomes.into_iter().map(|(_, o)| o).collect()
}

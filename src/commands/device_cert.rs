//! `soilctl device-cert issue NAME`: a device key made here and a certificate signed by the
//! user's own CA, written as the device's files. Nothing is registered: the device's first
//! connection does that (just-in-time registration), presenting its certificate followed by
//! the CA's.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;

use crate::byoca::{self, DEVICE_ROOT_CA_FILE, DeviceCa, Place, Registration};
use crate::error::bad_input;
use crate::local::ca::LocalCa;
use crate::local::control::{LOCAL_HOST, LOCAL_PORT};
use crate::names::check_thing_name;
use crate::pki::{self, DeviceFiles, JitrOrigin};
use crate::printer::{Printer, table};
use crate::settings::{DeviceCertIssueSettings, Target};

/// What `device-cert issue` wrote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCertIssued {
    pub thing_name: String,
    /// The id the backend will give the certificate (SHA-256 of its DER).
    pub certificate_id: String,
    /// The ARN it will have once registered; empty when the CA's registration at this
    /// target is not recorded (its account is then unknown).
    pub certificate_arn: String,
    pub ca_certificate_id: String,
    /// Whether `registered.json` records the CA as registered at this target.
    pub ca_registered: bool,
    pub endpoint: String,
    pub dir: PathBuf,
}

/// Checks the name and the output directory before anything is made: bad input when the
/// name is not a thing name, `devices_dir` is not a directory, or `devices_dir/name` holds
/// a device already.
pub fn check_destination(name: &str, devices_dir: &Path) -> anyhow::Result<PathBuf> {
    check_thing_name(name)?;
    if devices_dir.exists() && !devices_dir.is_dir() {
        return Err(bad_input(format!(
            "--out {} is a file, not a directory: pass --out DIR with a folder for the device files",
            devices_dir.display()
        )));
    }
    let dir = devices_dir.join(name);
    if dir.exists() && !dir.is_dir() {
        return Err(bad_input(format!(
            "{} is a file, not a directory: remove it or pass --out with another folder",
            dir.display()
        )));
    }
    if dir.join(pki::PRIVATE_KEY_FILE).exists() || dir.join(pki::DEVICE_FILE).exists() {
        return Err(bad_input(format!(
            "{} already holds device files for {name}: soilctl never replaces a device's key; remove that folder first, or pass --out with another folder",
            dir.display()
        )));
    }
    Ok(dir)
}

/// Where `target` is, as `registered.json` records it, without any network call: the
/// Region comes from --region, AWS_REGION or AWS_DEFAULT_REGION (`None` when none is set).
fn place_of(target: &Target) -> Option<Place> {
    match target {
        Target::Aws(aws) => {
            let region = aws.region.clone().or_else(|| {
                ["AWS_REGION", "AWS_DEFAULT_REGION"]
                    .iter()
                    .find_map(|v| std::env::var(v).ok().filter(|r| !r.is_empty()))
            })?;
            Some(Place::Aws {
                region,
                endpoint_url: aws.endpoint_url.clone(),
            })
        }
        Target::Local(state) => Some(crate::commands::ca::local_place(state)),
    }
}

/// The CA's registration at `target`: for AWS without a known Region, the newest AWS
/// registration at the same endpoint.
pub(crate) fn registration_for(
    ca_dir: &Path,
    target: &Target,
) -> anyhow::Result<Option<Registration>> {
    if let Some(place) = place_of(target) {
        return byoca::registration_at(ca_dir, &place);
    }
    let endpoint_url = match target {
        Target::Aws(aws) => aws.endpoint_url.clone(),
        Target::Local(_) => None,
    };
    Ok(byoca::read_registrations(ca_dir)?
        .into_iter()
        .filter(|r| r.target == "aws" && r.endpoint_url == endpoint_url)
        .max_by_key(|r| r.registered_ms))
}

/// The ARN of certificate `id` in the account and Region of the CA with ARN `ca_arn`
/// (`arn:PARTITION:iot:REGION:ACCOUNT:cacert/ID`).
pub fn certificate_arn_beside(ca_arn: &str, id: &str) -> Option<String> {
    let parts: Vec<&str> = ca_arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "iot", region, account, _] if !account.is_empty() => {
            Some(format!("arn:{partition}:iot:{region}:{account}:cert/{id}"))
        }
        _ => None,
    }
}

/// Issues a device certificate with `ca` and writes the device's files into
/// `s.devices_dir/NAME/`: the key (0600), the chain (device then CA) as
/// `certificate.pem.crt`, the server's root CA as `root-ca.pem` (Amazon Root CA 1 on AWS,
/// the local backend's CA locally), `endpoint.txt` and `device.json` (marked `jitr`).
pub fn issue_device(
    ca: &DeviceCa,
    s: &DeviceCertIssueSettings,
    target: &Target,
) -> anyhow::Result<DeviceCertIssued> {
    let dir = check_destination(&s.name, &s.devices_dir)?;
    let registration = registration_for(ca.dir(), target)?;
    let identity = ca.issue_device(&s.name, s.key_algorithm, s.validity_days)?;
    let (root_ca, endpoint, port, certificate_arn) = match target {
        Target::Aws(_) => (
            pki::AMAZON_ROOT_CA1.to_string(),
            registration
                .as_ref()
                .and_then(|r| r.data_endpoint.clone())
                .unwrap_or_default(),
            8883,
            registration
                .as_ref()
                .and_then(|r| {
                    certificate_arn_beside(&r.ca_certificate_arn, &identity.certificate_id)
                })
                .unwrap_or_default(),
        ),
        Target::Local(state) => (
            LocalCa::load_or_create(&state.ca_dir())?
                .certificate_pem()
                .to_string(),
            LOCAL_HOST.to_string(),
            LOCAL_PORT,
            crate::local::registry::certificate_arn(&identity.certificate_id),
        ),
    };
    let ca_certificate_id = registration
        .as_ref()
        .map(|r| r.ca_certificate_id.clone())
        .unwrap_or_else(|| ca.id());
    let ca_dir = std::path::absolute(ca.dir()).unwrap_or_else(|_| ca.dir().to_path_buf());
    let mut files = DeviceFiles::new(
        &s.name,
        &s.stack_name,
        &identity.certificate_id,
        &certificate_arn,
        &endpoint,
    );
    files.port = port;
    files.root_ca = DEVICE_ROOT_CA_FILE.into();
    files.jitr = Some(JitrOrigin {
        ca_certificate_id: ca_certificate_id.clone(),
        ca_dir,
    });
    pki::create_private_dir(&s.devices_dir)?;
    byoca::write_device_identity(&dir, &identity, &files, &root_ca)?;
    Ok(DeviceCertIssued {
        thing_name: s.name.clone(),
        certificate_id: identity.certificate_id,
        certificate_arn,
        ca_certificate_id,
        ca_registered: registration.is_some(),
        endpoint,
        dir,
    })
}

pub fn issue(
    s: &DeviceCertIssueSettings,
    target: &Target,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    check_destination(&s.name, &s.devices_dir)?;
    let ca = DeviceCa::load(&s.ca_dir)?;
    let issued = issue_device(&ca, s, target)?;
    printer.result(&issued, || {
        table(
            &["THING", "CERTIFICATE", "FILES"],
            &[vec![
                issued.thing_name.clone(),
                issued.certificate_id.clone(),
                issued.dir.display().to_string(),
            ]],
        )
    })?;
    let local = matches!(target, Target::Local(_));
    if !issued.ca_registered {
        printer.warn(format!(
            "the CA in {} is not recorded as registered {}: run `soilctl {}ca register` before {} connects",
            ca.dir().display(),
            if local {
                "with this local backend"
            } else {
                "in this Region"
            },
            if local { "--local " } else { "" },
            issued.thing_name
        ));
    }
    printer.info(format!(
        "Nothing was registered: {} is registered when it first connects with {} (its certificate, then the CA's).",
        issued.thing_name,
        issued.dir.join(pki::CERTIFICATE_FILE).display()
    ));
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_arns_follow_the_ca_arn() {
        assert_eq!(
            certificate_arn_beside("arn:aws:iot:eu-west-1:123456789012:cacert/abc", "d1")
                .as_deref(),
            Some("arn:aws:iot:eu-west-1:123456789012:cert/d1")
        );
        assert_eq!(
            certificate_arn_beside("arn:aws-cn:iot:cn-north-1:1:cert/abc", "d1").as_deref(),
            Some("arn:aws-cn:iot:cn-north-1:1:cert/d1")
        );
        assert_eq!(certificate_arn_beside("", "d1"), None);
        assert_eq!(certificate_arn_beside("arn:aws:s3:::bucket", "d1"), None);
    }

    #[test]
    fn the_destination_is_checked_before_anything_is_made() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_destination("bad name", dir.path()).is_err());
        let file = dir.path().join("f");
        std::fs::write(&file, "x").unwrap();
        assert!(check_destination("s1", &file).is_err());
        let ok = check_destination("s1", dir.path()).unwrap();
        assert_eq!(ok, dir.path().join("s1"));
        std::fs::create_dir_all(&ok).unwrap();
        std::fs::write(ok.join(pki::PRIVATE_KEY_FILE), "k").unwrap();
        let err = check_destination("s1", dir.path()).unwrap_err();
        assert!(
            err.to_string().contains("already holds device files"),
            "{err}"
        );
    }
}

//! `soilctl doctor THING --local`: the same checklist, read from the local registry.

use std::process::ExitCode;

use crate::commands::doctor::{DoctorSettings, device_files, print, subject};
use crate::doctor::{Backend, CaFacts, CertificateFacts, Facts, PolicyFacts, ThingFacts, diagnose};
use crate::local::control::Local;
use crate::local::registry::{ACCOUNT_ID, REGION};
use crate::local::state::StateDir;
use crate::names::check_thing_name;
use crate::printer::Printer;

pub fn run(s: &DoctorSettings, state: &StateDir, printer: &Printer) -> anyhow::Result<ExitCode> {
    check_thing_name(&s.thing)?;
    let local = Local::open(state)?;
    print(printer, &diagnose(&facts(&local, s)?))
}

/// What the registry and the device files say about the thing.
pub(crate) fn facts(local: &Local, s: &DoctorSettings) -> anyhow::Result<Facts> {
    let registry = &local.registry;
    let name = &s.thing;
    let device_policy = local
        .stack(&s.stack_name)?
        .and_then(|stack| local.device_policy(&stack));
    let mut facts = Facts {
        backend: Backend::Local,
        stack_name: s.stack_name.clone(),
        device_policy,
        thing: name.clone(),
        registered: None,
        certificates: Vec::new(),
        device_files: device_files(&s.devices_dir, name),
        region: REGION.to_owned(),
        account_id: ACCOUNT_ID.to_owned(),
    };
    let Some(thing) = registry.thing(name)? else {
        return Ok(facts);
    };
    facts.registered = Some(ThingFacts {
        thing_type: None,
        attributes: thing.attributes,
    });
    for arn in registry.thing_principals(name)? {
        let Some((_, id)) = arn.split_once(":cert/") else {
            continue;
        };
        let mut cert = CertificateFacts {
            id: id.to_owned(),
            arn: arn.clone(),
            status: None,
            ca: None,
            subject: Default::default(),
            policies: Vec::new(),
        };
        if let Some(record) = registry.certificate(id)? {
            cert.status = Some(record.status.to_string());
            cert.subject = subject(&record.pem);
            if let Some(ca) = record.ca_certificate_id {
                let status = registry.ca(&ca)?.map(|c| c.status.to_string());
                cert.ca = Some(CaFacts { id: ca, status });
            }
            cert.policies = registry
                .attached_policies(&arn)?
                .into_iter()
                .map(|p| PolicyFacts {
                    name: p.name,
                    document: Some(p.document),
                })
                .collect();
        }
        facts.certificates.push(cert);
    }
    Ok(facts)
}

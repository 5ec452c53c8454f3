//! `soilctl thing create | list | show | delete --local`.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::anyhow;

use crate::commands::thing::{
    CertificateInfo, Connectivity, CreateResult, Failed, ThingFilter, ThingInfo, finish_create,
    finish_delete, print_list, print_show,
};
use crate::local::control::{LOCAL_HOST, LOCAL_PORT, Local};
use crate::local::state::StateDir;
use crate::names::check_thing_name;
use crate::printer::Printer;
use crate::settings::{ThingCreateSettings, ThingDeleteSettings};
use crate::stack::MANAGED_ATTRIBUTE;

/// The stack's device policy, or a clear error when the stack is not deployed locally.
fn device_policy(local: &Local, stack_name: &str) -> anyhow::Result<String> {
    let stack = local.stack(stack_name)?.ok_or_else(|| {
        anyhow!(
            "stack {stack_name} is not deployed on the local backend: run `soilctl deploy --local --stack-name {stack_name} --email ADDR` first"
        )
    })?;
    local.device_policy(&stack).ok_or_else(|| {
        anyhow!(
            "stack {stack_name} has no device policy: deploy it again with the built-in template"
        )
    })
}

pub fn create(
    s: &ThingCreateSettings,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let result = ensure(s, state, printer)?;
    finish_create(printer, &result)
}

/// Creates the things that are missing and reuses those that exist, printing each outcome.
pub(crate) fn ensure(
    s: &ThingCreateSettings,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<CreateResult> {
    let mut names: Vec<String> = Vec::new();
    for name in &s.names {
        check_thing_name(name)?;
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let local = Local::open(state)?;
    let policy = device_policy(&local, &s.stack_name)?;
    printer.info(format!(
        "Creating {} thing(s) for stack {} on the local backend (policy {policy})",
        names.len(),
        s.stack_name
    ));
    let started = Instant::now();
    let bar = crate::progress::Progress::bar(printer, names.len() as u64, "creating");
    let mut things = Vec::new();
    let mut failed = Vec::new();
    for name in &names {
        match local.create_thing(
            &s.stack_name,
            name,
            &policy,
            &s.devices_dir,
            s.key_algorithm,
        ) {
            Ok(c) => {
                bar.println(format!(
                    "{} {} ({})",
                    printer.green(c.status),
                    c.name,
                    c.certificate_id
                ));
                things.push(c);
            }
            Err(e) => {
                let error = crate::error::one_line(&e);
                bar.println(format!("{} {name}: {error}", printer.red("failed")));
                failed.push(Failed {
                    name: name.clone(),
                    error,
                });
            }
        }
        bar.inc(1);
    }
    bar.finish();
    let result = CreateResult {
        stack_name: s.stack_name.clone(),
        device_policy: policy,
        endpoint: format!("{LOCAL_HOST}:{LOCAL_PORT}"),
        rate_per_api: 0.0,
        seconds: started.elapsed().as_secs_f64(),
        things,
        failed,
    };
    Ok(result)
}

fn info(local: &Local, name: &str) -> anyhow::Result<Option<ThingInfo>> {
    let Some(thing) = local.registry.thing(name)? else {
        return Ok(None);
    };
    let mut certificates = Vec::new();
    for arn in local.registry.thing_principals(name)? {
        let Some(id) = arn.split(":cert/").nth(1) else {
            continue;
        };
        let status = local
            .registry
            .certificate(id)?
            .map(|c| c.status.to_string())
            .unwrap_or_else(|| "DELETED".into());
        let policies = local
            .registry
            .attached_policies(&arn)?
            .into_iter()
            .map(|p| p.name)
            .collect();
        certificates.push(CertificateInfo {
            id: id.to_string(),
            status,
            policies,
        });
    }
    Ok(Some(ThingInfo {
        name: thing.name,
        arn: thing.arn,
        attributes: thing.attributes,
        certificates,
        // The local backend has no thing types.
        thing_type_name: None,
        connectivity: None,
    }))
}

/// The things the stack manages, with their certificates.
pub fn infos(local: &Local, stack_name: &str) -> anyhow::Result<Vec<ThingInfo>> {
    let mut out = Vec::new();
    for name in local.things_of(stack_name)? {
        if let Some(i) = info(local, &name)? {
            out.push(i);
        }
    }
    Ok(out)
}

/// Fills in each thing's connectivity (its client id is its name) from what the broker
/// recorded. With no `local up` running, nothing is connected: a state left connected by a
/// backend that died is shown as disconnected, since an unknown time.
pub fn add_connectivity(local: &Local, things: &mut [ThingInfo]) -> anyhow::Result<()> {
    let running = crate::local::server::find_running(&local.state).is_ok();
    let mut recorded = local.registry.connectivity()?;
    for thing in things {
        let connectivity = match recorded.remove(&thing.name) {
            Some(c) if c.connected && !running => Connectivity::unknown_disconnected(),
            Some(c) => Connectivity {
                connected: c.connected,
                since_ms: Some(c.since_ms),
                disconnect_reason: c.disconnect_reason,
            },
            None => Connectivity::unknown_disconnected(),
        };
        thing.connectivity = Some(connectivity);
    }
    Ok(())
}

pub fn list(
    stack_name: &str,
    filter: &ThingFilter,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let local = Local::open(state)?;
    let mut things = infos(&local, stack_name)?;
    add_connectivity(&local, &mut things)?;
    things.retain(|t| filter.keeps(t));
    if filter.thing_type.is_some() {
        printer.info("The local backend has no thing types: no thing has one.");
    }
    print_list(printer, stack_name, filter, things, None)
}

pub fn show(
    stack_name: &str,
    name: &str,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    check_thing_name(name)?;
    let local = Local::open(state)?;
    let info = info(&local, name)?
        .ok_or_else(|| anyhow!("thing {name} does not exist on the local backend"))?;
    if info.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) != Some(stack_name) {
        printer.warn(format!("thing {name} is not managed by stack {stack_name}"));
    }
    print_show(printer, &info)
}

pub fn delete(
    s: &ThingDeleteSettings,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    for name in &s.names {
        check_thing_name(name)?;
    }
    let local = Local::open(state)?;
    let mut deleted = Vec::new();
    let mut failed = Vec::new();
    for name in &s.names {
        match local.delete_thing(&s.stack_name, name, &s.devices_dir) {
            Ok(d) => {
                printer.info(format!("{} {}", d.status, d.name));
                deleted.push(d);
            }
            Err(e) => {
                let error = crate::error::one_line(&e);
                printer.error(format!("{name}: {error}"));
                failed.push(Failed {
                    name: name.clone(),
                    error,
                });
            }
        }
    }
    finish_delete(printer, deleted, failed)
}

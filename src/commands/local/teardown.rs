//! `soilctl teardown --local`: everything the stack and soilctl made on the local backend,
//! removed and checked.

use std::process::ExitCode;

use crate::commands::teardown::{Check, Plan, ca_outcome, present_plan, registered_cas, report};
use crate::error::one_line;
use crate::local::control::Local;
use crate::local::state::StateDir;
use crate::printer::Printer;
use crate::settings::TeardownSettings;

pub fn run(s: &TeardownSettings, state: &StateDir, printer: &Printer) -> anyhow::Result<ExitCode> {
    let local = Local::open(state)?;
    let stack = local.stack(&s.stack_name)?;
    let things = local.things_of(&s.stack_name)?;
    let of_type = |kind: &str| -> Vec<String> {
        stack
            .iter()
            .flat_map(|st| st.resources.iter())
            .filter(|r| r.resource_type == kind)
            .map(|r| r.physical_id.clone())
            .collect()
    };
    let plan = Plan {
        stack_name: s.stack_name.clone(),
        stack_status: stack.as_ref().map(|st| st.status.clone()),
        rules: of_type("AWS::IoT::TopicRule"),
        things,
        bucket: of_type("AWS::S3::Bucket").into_iter().next(),
        device_policy: stack.as_ref().and_then(|st| local.device_policy(st)),
        alert_topic: of_type("AWS::SNS::Topic").into_iter().next(),
        cas: registered_cas(&s.ca_dir, &crate::commands::local::ca::local_place(state))?,
    };
    let where_ = format!("on the local backend ({})", state.root().display());
    let plan = match present_plan(printer, s, plan, &where_)? {
        Ok(plan) => plan,
        Err(code) => return Ok(code),
    };
    let mut errors = Vec::new();
    let mut certificates_deleted = Vec::new();
    // 1. Rules first: nothing new reaches the bucket while the rest goes.
    for rule in &plan.rules {
        if let Ok(Some(_)) = local.registry.topic_rule(rule) {
            match local.registry.delete_topic_rule(rule) {
                Ok(()) => printer.info(format!("deleted topic rule {rule}")),
                Err(e) => errors.push(format!("rule {rule}: {e}")),
            }
        }
    }
    // 2. The devices, then certificates an interrupted run had already detached.
    for name in &plan.things {
        match local.delete_thing(&s.stack_name, name, &s.devices_dir) {
            Ok(d) => {
                printer.info(format!("{} {}", d.status, d.name));
                certificates_deleted.extend(d.certificates);
            }
            Err(e) => errors.push(format!("thing {name}: {}", one_line(&e))),
        }
    }
    for (dir, files) in crate::pki::devices_of_stack(&s.devices_dir, &s.stack_name) {
        let orphan = local
            .registry
            .principal_things(&files.certificate_arn)
            .map(|t| t.is_empty())
            .unwrap_or(false);
        if !orphan {
            continue;
        }
        match local.delete_orphan_certificate(&files.certificate_id, &files.certificate_arn) {
            Ok(()) => {
                if !certificates_deleted.contains(&files.certificate_id) {
                    certificates_deleted.push(files.certificate_id.clone());
                }
                let _ = std::fs::remove_dir_all(&dir);
            }
            Err(e) => errors.push(format!(
                "certificate {}: {}",
                files.certificate_id,
                one_line(&e)
            )),
        }
    }
    // The CAs registered for just-in-time registration, with what they still have.
    let place = crate::commands::local::ca::local_place(state);
    for ca in &plan.cas {
        match crate::commands::local::ca::delete_ca(&local, ca, true, printer) {
            Ok(outcome) => match ca_outcome(ca, outcome, &mut certificates_deleted) {
                Some(e) => errors.push(e),
                None => {
                    crate::byoca::forget_registration(&s.ca_dir, &place, ca)?;
                    printer.info(format!("deleted CA certificate {ca}"));
                }
            },
            Err(e) => errors.push(format!("CA {ca}: {}", one_line(&e))),
        }
    }
    // 3. The archive.
    let mut objects_deleted = 0;
    if let Some(bucket) = &plan.bucket {
        match local.empty_bucket(bucket) {
            Ok(n) => {
                objects_deleted = n;
                printer.info(format!("emptied bucket {bucket} ({n} objects)"));
            }
            Err(e) => errors.push(format!("bucket {bucket}: {}", one_line(&e))),
        }
    }
    // 4. The stack with every resource it made.
    if let Some(st) = &stack {
        match local.delete_stack(st) {
            Ok(()) => printer.info(format!("deleted stack {}", s.stack_name)),
            Err(e) => errors.push(one_line(&e)),
        }
    }
    let checks = verify(&local, s, &plan, &certificates_deleted)?;
    report(
        printer,
        &s.stack_name,
        plan,
        objects_deleted,
        certificates_deleted,
        errors,
        checks,
        " --local",
    )
}

/// Asks the registry and the disk again about everything in the plan.
fn verify(
    local: &Local,
    s: &TeardownSettings,
    plan: &Plan,
    certificates: &[String],
) -> anyhow::Result<Vec<Check>> {
    let mut checks = Vec::new();
    checks.push(Check {
        what: format!("stack {}", s.stack_name),
        gone: local.stack(&s.stack_name)?.is_none(),
    });
    for rule in &plan.rules {
        checks.push(Check {
            what: format!("topic rule {rule}"),
            gone: local.registry.topic_rule(rule)?.is_none(),
        });
    }
    let left = local.things_of(&s.stack_name)?;
    checks.push(Check {
        what: format!("things of stack {} ({} left)", s.stack_name, left.len()),
        gone: left.is_empty(),
    });
    for id in certificates {
        checks.push(Check {
            what: format!("certificate {id}"),
            gone: local.registry.certificate(id)?.is_none(),
        });
    }
    if let Some(bucket) = &plan.bucket {
        checks.push(Check {
            what: format!("bucket {bucket}"),
            gone: !local.state.bucket(bucket).exists(),
        });
    }
    if let Some(policy) = &plan.device_policy {
        checks.push(Check {
            what: format!("policy {policy}"),
            gone: local.registry.policy(policy)?.is_none(),
        });
    }
    for ca in &plan.cas {
        checks.push(Check {
            what: format!("CA certificate {ca}"),
            gone: local.registry.ca(ca)?.is_none(),
        });
    }
    Ok(checks)
}

//! `soilctl deploy`: create or update the stack through a change set and follow it live.

use std::collections::{BTreeMap, HashSet};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::aws::{self, AwsSettings, Clients, cfn};
use crate::error::bad_input;
use crate::names::check_email;
use crate::printer::{Printer, table};
use crate::progress::Progress;
use crate::settings::DeploySettings;
use crate::stack::{self, StackState};
use crate::template::Template;

const EMAIL_PARAM: &str = "AlertEmail";
const THRESHOLD_PARAM: &str = "HumidityThreshold";
const JITR_PARAM: &str = "EnableJustInTimeRegistration";
const FLEET_PROVISIONING_PARAM: &str = "EnableFleetProvisioning";
const PAIRING_LIFETIME_PARAM: &str = "PairingCodeLifetime";

/// How often the stack is polled while it changes.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeployResult {
    pub(crate) stack_name: String,
    pub(crate) stack_id: String,
    pub(crate) action: &'static str,
    pub(crate) status: String,
    pub(crate) changes: Vec<cfn::ResourceChange>,
    pub(crate) outputs: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) failures: Vec<Failure>,
}

#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Failure {
    pub(crate) logical_id: String,
    pub(crate) resource_type: String,
    pub(crate) status: String,
    pub(crate) reason: String,
}

/// Checks the flags against the template before anything is sent.
pub(crate) fn check_flags(s: &DeploySettings, template: &Template) -> anyhow::Result<()> {
    if let Some(email) = &s.email {
        check_email(email)?;
        template.check_value(EMAIL_PARAM, email, "--email")?;
    }
    if let Some(threshold) = &s.threshold {
        template.check_value(THRESHOLD_PARAM, threshold, "--threshold")?;
    }
    if let Some(jitr) = s.jitr {
        template.check_value(JITR_PARAM, &jitr.to_string(), "--jitr")?;
    }
    if let Some(on) = s.fleet_provisioning {
        template.check_value(
            FLEET_PROVISIONING_PARAM,
            &on.to_string(),
            "--fleet-provisioning",
        )?;
    }
    if let Some(lifetime) = pairing_lifetime(s)? {
        template.check_value(PAIRING_LIFETIME_PARAM, &lifetime, "--pairing-code-lifetime")?;
    }
    Ok(())
}

/// `--pairing-code-lifetime` in whole seconds, the template parameter's unit.
fn pairing_lifetime(s: &DeploySettings) -> anyhow::Result<Option<String>> {
    let Some(lifetime) = s.pairing_code_lifetime else {
        return Ok(None);
    };
    if lifetime.subsec_nanos() != 0 || lifetime.as_secs() == 0 {
        return Err(bad_input(format!(
            "--pairing-code-lifetime must be whole seconds, at least 1s, not {}",
            humantime::format_duration(lifetime)
        )));
    }
    Ok(Some(lifetime.as_secs().to_string()))
}

/// The parameters to send: the flags given, and for an update the previous values of the rest.
pub(crate) fn parameters(
    s: &DeploySettings,
    template: &Template,
    creating: bool,
) -> anyhow::Result<BTreeMap<String, Option<String>>> {
    check_flags(s, template)?;
    let mut params: BTreeMap<String, Option<String>> = BTreeMap::new();
    if let Some(email) = &s.email {
        params.insert(EMAIL_PARAM.into(), Some(email.clone()));
    }
    if let Some(threshold) = &s.threshold {
        params.insert(THRESHOLD_PARAM.into(), Some(threshold.trim().to_string()));
    }
    if let Some(jitr) = s.jitr {
        params.insert(JITR_PARAM.into(), Some(jitr.to_string()));
    }
    if let Some(on) = s.fleet_provisioning {
        params.insert(FLEET_PROVISIONING_PARAM.into(), Some(on.to_string()));
    }
    if let Some(lifetime) = pairing_lifetime(s)? {
        params.insert(PAIRING_LIFETIME_PARAM.into(), Some(lifetime));
    }
    for name in template.required_parameters() {
        if !params.contains_key(name) {
            if creating {
                let flag = match name {
                    EMAIL_PARAM => "--email ADDR".to_string(),
                    THRESHOLD_PARAM => "--threshold N".to_string(),
                    other => format!("a value for {other}"),
                };
                return Err(bad_input(format!(
                    "a new stack needs {flag} (template parameter {name} has no default)"
                )));
            }
            params.insert(name.to_string(), None);
        }
    }
    if !creating {
        // Keep the previous value of every other parameter the template still declares.
        for name in template.parameters.keys() {
            params.entry(name.clone()).or_insert(None);
        }
    }
    Ok(params)
}

pub async fn run(
    s: &DeploySettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let template = match &s.template {
        Some(path) => Template::from_file(path)?,
        None => Template::builtin()?,
    };
    // Check what can be checked before the network.
    check_flags(s, &template)?;
    let clients = aws::load(aws_settings).await?;

    let existing = cfn::describe_stack(&clients.cfn, &s.stack_name)
        .await
        .context("looking up the stack")?;
    let creating = match stack::classify(
        &s.stack_name,
        existing.as_ref().map(|st| st.status.as_str()),
    ) {
        StackState::Missing | StackState::ReviewOnly => true,
        StackState::Ready => false,
        StackState::Blocked(message) => return Err(anyhow!(message)),
    };
    let mut params = parameters(s, &template, creating)?;
    if !creating {
        // Only parameters the stack already has can keep their previous value.
        let previous = existing
            .as_ref()
            .map(|st| st.parameters.clone())
            .unwrap_or_default();
        params.retain(|name, value| value.is_some() || previous.contains_key(name));
    }

    let place = match &clients.local {
        Some(state) => format!("on the local backend ({})", state.root().display()),
        None => format!("in {}", clients.region),
    };
    printer.info(format!(
        "{} stack {} {place} from {}",
        if creating { "Creating" } else { "Updating" },
        printer.bold(&s.stack_name),
        template.source
    ));
    if let Some(state) = &clients.local {
        let previous = existing.as_ref().map(|st| &st.parameters);
        for line in local_function_ways(state, &template, &s.stack_name, &params, previous) {
            printer.info(line);
        }
    }
    let change_set_name = format!("soilctl-{}", crate::clock::now_ms());
    let spinner = Progress::spinner(printer, "Preparing the change set");
    let created = cfn::create_change_set(
        &clients.cfn,
        &s.stack_name,
        &change_set_name,
        creating,
        &template.body,
        &params,
    )
    .await;
    let (change_set_id, stack_id) = match created {
        Ok(ids) => ids,
        // Some endpoints refuse an empty change set at once instead of failing it.
        Err(e) if is_no_change(&e.message) => {
            spinner.finish();
            return no_change(&clients, s, printer).await;
        }
        Err(e) => return Err(anyhow::Error::new(e).context("creating the change set")),
    };
    let change_set = wait_for_change_set(&clients, &change_set_id).await?;
    spinner.finish();

    if change_set.status == "FAILED" {
        let reason = change_set.reason.clone().unwrap_or_default();
        let _ = cfn::delete_change_set(&clients.cfn, &change_set_id).await;
        if is_no_change(&reason) {
            return no_change(&clients, s, printer).await;
        }
        if clients.local.is_some() {
            // What the local backend cannot run is the template's fault: bad input.
            return Err(crate::error::bad_input(format!(
                "the local backend cannot run this template: {reason}"
            )));
        }
        return Err(anyhow!("CloudFormation rejected the change set: {reason}"));
    }

    if !creating {
        let previous = existing
            .as_ref()
            .map(|st| st.parameters.clone())
            .unwrap_or_default();
        let review = review_update(printer, s, &previous, &params, &change_set.changes);
        if !matches!(review, Ok(Review::Apply)) {
            let _ = cfn::delete_change_set(&clients.cfn, &change_set_id).await;
        }
        if let Review::Cancelled = review? {
            return Ok(ExitCode::from(1));
        }
    }

    // Events up to this one belong to earlier operations (compared by id, not by clock).
    let baseline = cfn::latest_event_id(&clients.cfn, &stack_id)
        .await
        .context("reading the stack's events")?;
    cfn::execute_change_set(&clients.cfn, &change_set_id)
        .await
        .context("starting the deployment")?;
    if !s.wait {
        printer.info(format!(
            "Started; follow it with `soilctl status --stack-name {}`.",
            s.stack_name
        ));
        let result = DeployResult {
            stack_name: s.stack_name.clone(),
            stack_id,
            action: if creating { "create" } else { "update" },
            status: if creating {
                "CREATE_IN_PROGRESS"
            } else {
                "UPDATE_IN_PROGRESS"
            }
            .into(),
            changes: change_set.changes,
            outputs: BTreeMap::new(),
            failures: vec![],
        };
        print_result(printer, &result)?;
        return Ok(ExitCode::SUCCESS);
    }

    let (status, failures) = follow(
        &clients,
        &stack_id,
        baseline,
        change_set.changes.len() as u64,
        printer,
    )
    .await?;
    let succeeded = status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE";
    let backend = stack::resolve(&clients, &stack_id).await?;
    let result = DeployResult {
        stack_name: s.stack_name.clone(),
        stack_id: stack_id.clone(),
        action: if creating { "create" } else { "update" },
        status: status.clone(),
        changes: change_set.changes,
        outputs: backend.map(|b| b.resolved_outputs()).unwrap_or_default(),
        failures: failures.clone(),
    };
    if succeeded {
        printer.info(format!("{} {}", printer.green("Done:"), status));
        print_result(printer, &result)?;
        Ok(ExitCode::SUCCESS)
    } else {
        printer.error(format!("stack {} ended {status}", s.stack_name));
        for f in &failures {
            printer.info(format!(
                "  {} ({}): {} - {}",
                f.logical_id, f.resource_type, f.status, f.reason
            ));
        }
        if failures.is_empty() {
            printer.info("  (CloudFormation gave no resource failure; see the stack's events)");
        }
        print_result(printer, &result)?;
        Ok(ExitCode::from(1))
    }
}

/// How the local backend will run each of the template's functions (its own Python code, or
/// the built-in equivalent). Nothing when the template cannot be planned: the change set says
/// why.
fn local_function_ways(
    state: &crate::local::state::StateDir,
    template: &Template,
    stack_name: &str,
    params: &BTreeMap<String, Option<String>>,
    previous: Option<&BTreeMap<String, String>>,
) -> Vec<String> {
    let values: BTreeMap<String, String> = template
        .parameters
        .iter()
        .filter_map(|(name, spec)| {
            let value = params
                .get(name)
                .cloned()
                .flatten()
                .or_else(|| previous.and_then(|p| p.get(name).cloned()))
                .or_else(|| spec.default.clone())?;
            Some((name.clone(), value))
        })
        .collect();
    let Ok(local) = crate::local::control::Local::open(state) else {
        return Vec::new();
    };
    local
        .plan(template, stack_name, &values)
        .and_then(|plan| local.function_ways(&plan))
        .unwrap_or_default()
}

async fn no_change(
    clients: &Clients,
    s: &DeploySettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    printer.info(format!("No changes: stack {} is up to date.", s.stack_name));
    let backend = stack::resolve(clients, &s.stack_name).await?;
    let result = DeployResult {
        stack_name: s.stack_name.clone(),
        stack_id: backend
            .as_ref()
            .map(|b| b.stack_id.clone())
            .unwrap_or_default(),
        action: "none",
        status: backend
            .as_ref()
            .map(|b| b.status.clone())
            .unwrap_or_default(),
        changes: vec![],
        outputs: backend.map(|b| b.resolved_outputs()).unwrap_or_default(),
        failures: vec![],
    };
    print_result(printer, &result)?;
    Ok(ExitCode::SUCCESS)
}

fn is_no_change(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

async fn wait_for_change_set(clients: &Clients, id: &str) -> anyhow::Result<cfn::ChangeSet> {
    loop {
        let cs = cfn::describe_change_set(&clients.cfn, id)
            .await
            .context("reading the change set")?;
        match cs.status.as_str() {
            "CREATE_PENDING" | "CREATE_IN_PROGRESS" => {
                tokio::time::sleep(crate::settings::poll_interval().min(Duration::from_secs(1)))
                    .await
            }
            _ => return Ok(cs),
        }
    }
}

/// Follows the stack's events until it settles; returns its final status and the failures.
async fn follow(
    clients: &Clients,
    stack_id: &str,
    baseline: Option<String>,
    total: u64,
    printer: &Printer,
) -> anyhow::Result<(String, Vec<Failure>)> {
    let bar = Progress::bar(printer, total.max(1), "starting");
    let mut seen: HashSet<String> = HashSet::new();
    let mut done: HashSet<String> = HashSet::new();
    let mut failures: Vec<Failure> = Vec::new();
    let stack_name = stack_id.rsplit('/').nth(1).unwrap_or(stack_id).to_string();
    loop {
        let mut events = cfn::stack_events_until(&clients.cfn, stack_id, |e| {
            seen.contains(&e.id) || baseline.as_deref() == Some(e.id.as_str())
        })
        .await
        .context("reading the stack's events")?;
        events.reverse();
        for e in events {
            seen.insert(e.id.clone());
            let is_stack = e.resource_type == "AWS::CloudFormation::Stack";
            let line = format!(
                "{:<22} {:<32} {}{}",
                e.status,
                e.logical_id,
                e.resource_type,
                e.reason
                    .as_deref()
                    .filter(|r| !r.is_empty())
                    .map(|r| format!("  {r}"))
                    .unwrap_or_default()
            );
            let line = if e.status.ends_with("_FAILED") {
                printer.red(&line)
            } else {
                line
            };
            bar.println(line);
            if !is_stack {
                if e.status.ends_with("_COMPLETE") && !e.status.contains("ROLLBACK") {
                    done.insert(e.logical_id.clone());
                }
                if e.status.ends_with("_IN_PROGRESS") {
                    bar.set_message(format!("{} {}", e.status, e.logical_id));
                }
                if e.status.ends_with("_FAILED") {
                    let reason = e.reason.clone().unwrap_or_default();
                    if !reason.contains("Resource creation cancelled")
                        && !reason.contains("Resource update cancelled")
                    {
                        failures.push(Failure {
                            logical_id: e.logical_id.clone(),
                            resource_type: e.resource_type.clone(),
                            status: e.status.clone(),
                            reason,
                        });
                    }
                }
            }
            bar.set_position(done.len() as u64);
        }
        let st = cfn::describe_stack(&clients.cfn, stack_id)
            .await
            .context("reading the stack")?
            .ok_or_else(|| anyhow!("stack {stack_name} disappeared while it was being deployed"))?;
        if !st.status.ends_with("_IN_PROGRESS") {
            bar.set_position(
                if st.status.ends_with("_COMPLETE") && !st.status.contains("ROLLBACK") {
                    total
                } else {
                    done.len() as u64
                },
            );
            bar.finish();
            if failures.is_empty() {
                let failed = st.status.contains("FAIL") || st.status.contains("ROLLBACK");
                if let Some(reason) = st.reason.filter(|r| failed && !r.is_empty()) {
                    failures.push(Failure {
                        logical_id: st.name.clone(),
                        resource_type: "AWS::CloudFormation::Stack".into(),
                        status: st.status.clone(),
                        reason,
                    });
                }
            }
            return Ok((st.status, failures));
        }
        tokio::time::sleep(crate::settings::poll_interval()).await;
    }
}

/// What the user decided about an update.
pub(crate) enum Review {
    Apply,
    Cancelled,
}

/// Shows an update's parameter changes and resource changes, then asks (on a terminal) or needs
/// `--yes` (bad input otherwise).
pub(crate) fn review_update(
    printer: &Printer,
    s: &DeploySettings,
    previous: &BTreeMap<String, String>,
    params: &BTreeMap<String, Option<String>>,
    changes: &[cfn::ResourceChange],
) -> anyhow::Result<Review> {
    printer.info(format!("Changes to stack {}:", s.stack_name));
    for (name, value) in params {
        if let Some(value) = value {
            match previous.get(name) {
                Some(old) if old == value => {}
                Some(old) => printer.info(format!("  parameter {name}: {old} -> {value}")),
                None => printer.info(format!("  parameter {name}: {value} (new)")),
            }
        }
    }
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            vec![
                c.action.clone(),
                c.logical_id.clone(),
                c.resource_type.clone(),
                c.replacement.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    if rows.is_empty() {
        printer.info("  (no resource changes)");
    } else {
        printer.info(table(&["ACTION", "RESOURCE", "TYPE", "REPLACEMENT"], &rows).trim_end());
    }
    if s.yes {
        return Ok(Review::Apply);
    }
    if !printer.can_prompt() {
        return Err(bad_input(format!(
            "stack {} exists and this would change it: review the changes above and pass --yes to apply them",
            s.stack_name
        )));
    }
    if !printer.confirm("Apply these changes?")? {
        printer.info("Cancelled; nothing was changed.");
        return Ok(Review::Cancelled);
    }
    Ok(Review::Apply)
}

pub(crate) fn print_result(printer: &Printer, result: &DeployResult) -> std::io::Result<()> {
    printer.result(result, || {
        let rows: Vec<Vec<String>> = result
            .outputs
            .iter()
            .map(|(k, v)| vec![k.clone(), v.clone()])
            .collect();
        let mut text = format!("stack   {}\nstatus  {}\n", result.stack_name, result.status);
        if !rows.is_empty() {
            text.push('\n');
            text.push_str(&table(&["OUTPUT", "VALUE"], &rows));
        }
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(email: Option<&str>, threshold: Option<&str>) -> DeploySettings {
        DeploySettings {
            stack_name: "iot-backend".into(),
            email: email.map(str::to_string),
            threshold: threshold.map(str::to_string),
            jitr: None,
            fleet_provisioning: None,
            pairing_code_lifetime: None,
            template: None,
            yes: true,
            wait: true,
        }
    }

    #[test]
    fn a_new_stack_needs_an_email() {
        let t = Template::builtin().unwrap();
        let err = parameters(&settings(None, None), &t, true).unwrap_err();
        assert!(err.to_string().contains("--email"), "{err}");
        let p = parameters(&settings(Some("ops@example.com"), Some("30")), &t, true).unwrap();
        assert_eq!(p["AlertEmail"].as_deref(), Some("ops@example.com"));
        assert_eq!(p["HumidityThreshold"].as_deref(), Some("30"));
    }

    #[test]
    fn an_update_keeps_previous_values() {
        let t = Template::builtin().unwrap();
        let p = parameters(&settings(None, Some("40")), &t, false).unwrap();
        assert_eq!(p["AlertEmail"], None);
        assert_eq!(p["HumidityThreshold"].as_deref(), Some("40"));
    }

    #[test]
    fn no_change_reasons() {
        assert!(is_no_change(
            "The submitted information didn't contain changes. Submit different information to create a change set."
        ));
        assert!(is_no_change("No updates are to be performed."));
        assert!(!is_no_change("Template format error"));
    }
}

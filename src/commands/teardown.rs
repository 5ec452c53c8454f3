//! `soilctl teardown`: the reference's manual cleanup, done completely and resumably.
//!
//! Order: stop the rules, remove the devices (things, certificates), empty the bucket (every
//! version and delete marker), free the device policy (targets, old versions), delete the stack
//! and wait, remove whatever the stack could not, then check that nothing is left. Every step
//! treats what is already gone as done, so an interrupted teardown can simply be run again.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::aws::{self, AwsSettings, Clients, cfn, iot, s3, sns};
use crate::commands::thing::delete_things;
use crate::error::bad_input;
use crate::printer::Printer;
use crate::progress::Progress;
use crate::provision::Provisioner;
use crate::settings::TeardownSettings;
use crate::stack::{self, Backend, MANAGED_ATTRIBUTE};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Plan {
    pub(crate) stack_name: String,
    pub(crate) stack_status: Option<String>,
    pub(crate) rules: Vec<String>,
    pub(crate) things: Vec<String>,
    /// The stack's thing groups (owners' gardens, sites).
    pub(crate) groups: Vec<String>,
    pub(crate) bucket: Option<String>,
    /// The bucket of firmware images and encrypted files, and the stack's jobs.
    pub(crate) firmware_bucket: Option<String>,
    pub(crate) jobs: Vec<String>,
    /// The stack's code-signing key folder, when this machine has one.
    pub(crate) signing_dir: Option<std::path::PathBuf>,
    pub(crate) device_policy: Option<String>,
    /// Fleet provisioning's claim policy and the claim certificates attached to it.
    pub(crate) claim_policy: Option<String>,
    pub(crate) claims: Vec<String>,
    pub(crate) alert_topic: Option<String>,
    /// CA certificates registered for just-in-time registration (from the CA folder's
    /// records for this backend).
    pub(crate) cas: Vec<String>,
}

#[derive(Debug, Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Check {
    pub(crate) what: String,
    pub(crate) gone: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TeardownResult {
    pub(crate) dry_run: bool,
    pub(crate) plan: Plan,
    pub(crate) objects_deleted: u64,
    pub(crate) certificates_deleted: Vec<String>,
    pub(crate) errors: Vec<String>,
    pub(crate) checks: Vec<Check>,
    pub(crate) nothing_left: bool,
}

pub(crate) fn plan_lines(plan: &Plan) -> Vec<String> {
    let mut lines = Vec::new();
    for rule in &plan.rules {
        lines.push(format!("disable topic rule {rule}"));
    }
    for thing in &plan.things {
        lines.push(format!("delete thing {thing} with its certificates"));
    }
    for group in &plan.groups {
        lines.push(format!("delete thing group {group}"));
    }
    for ca in &plan.cas {
        lines.push(format!(
            "deactivate and delete CA certificate {ca} (just-in-time registration) and any certificate it still has"
        ));
    }
    for claim in &plan.claims {
        lines.push(format!(
            "deactivate and delete claim certificate {claim} (fleet provisioning)"
        ));
    }
    for job in &plan.jobs {
        lines.push(format!("cancel and delete job {job} (force)"));
    }
    for bucket in plan.bucket.iter().chain(&plan.firmware_bucket) {
        lines.push(format!(
            "empty bucket {bucket} (every version and delete marker)"
        ));
    }
    for policy in plan.device_policy.iter().chain(&plan.claim_policy) {
        lines.push(format!("detach and delete policy {policy} (all versions)"));
    }
    if let Some(status) = &plan.stack_status {
        lines.push(format!(
            "delete stack {} ({status}) and wait",
            plan.stack_name
        ));
    }
    if let Some(dir) = &plan.signing_dir {
        lines.push(format!(
            "remove the stack's code-signing key {}",
            dir.display()
        ));
    }
    lines.push("check that nothing is left".into());
    lines
}

pub async fn run(
    s: &TeardownSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let backend = stack::resolve(&clients, &s.stack_name)
        .await
        .context("looking up the stack")?;
    if let Some(b) = &backend
        && b.status.ends_with("_IN_PROGRESS")
        && b.status != "DELETE_IN_PROGRESS"
        && b.status != "REVIEW_IN_PROGRESS"
    {
        return Err(anyhow!(
            "stack {} is busy ({}): wait until it finishes, then run teardown again",
            s.stack_name,
            b.status
        ));
    }
    let things: Vec<String> =
        iot::list_things_with_attribute(&clients.iot, MANAGED_ATTRIBUTE, &s.stack_name)
            .await
            .context("listing the stack's things")?
            .into_iter()
            .map(|t| t.name)
            .collect();
    let claim_policy = backend.as_ref().and_then(|b| {
        b.outputs
            .get(crate::commands::claim::CLAIM_POLICY_OUTPUT)
            .filter(|v| !v.is_empty())
            .cloned()
    });
    let claims = match &claim_policy {
        Some(policy) => crate::commands::claim::claim_certificate_ids(&clients, policy)
            .await
            .context("listing the stack's claim certificates")?,
        None => Vec::new(),
    };
    let plan = Plan {
        stack_name: s.stack_name.clone(),
        stack_status: backend.as_ref().map(|b| b.status.clone()),
        rules: backend
            .as_ref()
            .map(|b| b.rules.clone())
            .unwrap_or_default(),
        things,
        groups: crate::commands::group::stack_group_names(&clients, &s.stack_name)
            .await
            .context("listing the stack's thing groups")?,
        bucket: backend.as_ref().and_then(|b| b.bucket.clone()),
        firmware_bucket: backend.as_ref().and_then(|b| {
            b.outputs
                .get(crate::commands::job::FIRMWARE_BUCKET_OUTPUT)
                .filter(|v| !v.is_empty())
                .cloned()
        }),
        jobs: crate::commands::job::stack_jobs(&clients, &s.stack_name)
            .await
            .context("listing the stack's jobs")?
            .into_iter()
            .map(|j| j.job_id)
            .collect(),
        signing_dir: Some(crate::commands::firmware::signing_dir(
            &s.signing_dir,
            &s.stack_name,
        ))
        .filter(|d| d.exists()),
        device_policy: backend.as_ref().and_then(|b| b.device_policy.clone()),
        claim_policy: claim_policy.clone(),
        claims,
        alert_topic: backend.as_ref().and_then(|b| b.topic_arn.clone()),
        cas: registered_cas(&s.ca_dir, &crate::commands::ca::aws_place(&clients))?,
    };
    let where_ = match &clients.local {
        Some(state) => format!("on the local backend ({})", state.root().display()),
        None => format!("in {}", clients.region),
    };
    let plan = match present_plan(printer, s, plan, &where_)? {
        Ok(plan) => plan,
        Err(code) => return Ok(code),
    };

    let prov = Arc::new(Provisioner::new(
        clients.clone(),
        s.rate,
        &s.stack_name,
        &s.devices_dir,
    ));
    let mut errors: Vec<String> = Vec::new();
    let mut certificates_deleted = Vec::new();

    // 1. Stop new messages from reaching the bucket and the function.
    for rule in &plan.rules {
        match iot::disable_topic_rule(&clients.iot, rule).await {
            Ok(()) => printer.info(format!("disabled topic rule {rule}")),
            Err(e) if e.is_not_found() || e.is_code("UnauthorizedException") => {}
            Err(e) => errors.push(e.to_string()),
        }
    }

    // 2. The devices.
    if !plan.things.is_empty() {
        let (deleted, failed) = delete_things(&prov, &plan.things, printer).await;
        for d in deleted {
            certificates_deleted.extend(d.certificates);
        }
        errors.extend(
            failed
                .into_iter()
                .map(|f| format!("thing {}: {}", f.name, f.error)),
        );
    }

    for group in &plan.groups {
        match aws::groups::delete_group(&clients.iot, group).await {
            Ok(()) => printer.info(format!("deleted thing group {group}")),
            Err(e) if e.is_not_found() => {}
            Err(e) => errors.push(format!("thing group {group}: {e}")),
        }
    }

    // Certificates an interrupted run detached from their thing are found through the
    // device files this machine keeps for the stack.
    for (dir, files) in crate::pki::devices_of_stack(&s.devices_dir, &s.stack_name) {
        if files.certificate_arn.is_empty() {
            // A device certificate from the user's CA that never reached AWS.
            let _ = std::fs::remove_dir_all(&dir);
            continue;
        }
        let attached = iot::list_principal_things(&clients.iot, &files.certificate_arn)
            .await
            .unwrap_or_default();
        if !attached.is_empty() {
            continue;
        }
        match prov.delete_certificate(&files.certificate_arn).await {
            Ok(()) => {
                if !certificates_deleted.contains(&files.certificate_id) {
                    certificates_deleted.push(files.certificate_id.clone());
                }
                let _ = std::fs::remove_dir_all(&dir);
            }
            Err(e) => errors.push(format!(
                "certificate {}: {}",
                files.certificate_id,
                crate::error::one_line(&e)
            )),
        }
    }

    // The CAs registered for just-in-time registration, with what they still have.
    let place = crate::commands::ca::aws_place(&clients);
    for ca in &plan.cas {
        match crate::commands::ca::delete_ca(&clients, ca, true, printer).await {
            Ok(outcome) => match ca_outcome(ca, outcome, &mut certificates_deleted) {
                Some(e) => errors.push(e),
                None => {
                    crate::byoca::forget_registration(&s.ca_dir, &place, ca)?;
                    printer.info(format!("deleted CA certificate {ca}"));
                }
            },
            Err(e) => errors.push(format!("CA {ca}: {}", crate::error::one_line(&e))),
        }
    }

    // Fleet provisioning's claim certificates, and their files on this machine.
    if let Some(policy) = &plan.claim_policy {
        for claim in &plan.claims {
            match crate::commands::claim::remove_claim_certificate(&clients, policy, claim).await {
                Ok(()) => {
                    printer.info(format!("deleted claim certificate {claim}"));
                    certificates_deleted.push(claim.clone());
                }
                Err(e) => errors.push(format!(
                    "claim certificate {claim}: {}",
                    crate::error::one_line(&e)
                )),
            }
        }
        for files in crate::commands::claim::local_claims(&s.devices_dir, &s.stack_name) {
            let dir = crate::commands::claim::claim_dir(&s.devices_dir, &files.name);
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    // The jobs: canceled (devices stop at once) and deleted, with their executions.
    for job in &plan.jobs {
        match remove_job(&clients, job).await {
            Ok(()) => printer.info(format!("deleted job {job}")),
            Err(e) => errors.push(format!("job {job}: {e}")),
        }
    }

    // 3. The archive and the firmware bucket.
    let mut objects_deleted = 0;
    for bucket in plan.bucket.iter().chain(&plan.firmware_bucket) {
        match empty_bucket(&clients, bucket, printer).await {
            Ok(n) => objects_deleted += n,
            Err(e) => errors.push(format!("bucket {bucket}: {}", crate::error::one_line(&e))),
        }
    }

    // 4. Free the policies so that CloudFormation can delete them.
    for policy in plan.device_policy.iter().chain(&plan.claim_policy) {
        if let Err(e) = free_policy(&prov, policy).await {
            errors.push(format!("policy {policy}: {}", crate::error::one_line(&e)));
        }
    }

    // 5. The stack.
    if let Some(b) = &backend
        && let Err(e) = delete_stack(&clients, b, printer).await
    {
        errors.push(crate::error::one_line(&e));
    }

    // 6. Whatever the stack left behind, then the check.
    for policy in plan.device_policy.iter().chain(&plan.claim_policy) {
        if let Err(e) = delete_policy(&prov, policy).await {
            errors.push(format!("policy {policy}: {}", crate::error::one_line(&e)));
        }
    }
    for bucket in plan.bucket.iter().chain(&plan.firmware_bucket) {
        match s3::delete_bucket(&clients.s3, bucket).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => errors.push(e.to_string()),
        }
    }
    if let Some(dir) = &plan.signing_dir
        && let Err(e) = std::fs::remove_dir_all(dir)
    {
        errors.push(format!("code-signing key {}: {e}", dir.display()));
    }
    let checks = verify(&clients, &s.stack_name, &plan, &certificates_deleted).await?;
    report(
        printer,
        &s.stack_name,
        plan,
        objects_deleted,
        certificates_deleted,
        errors,
        checks,
        if clients.local.is_some() {
            " --local"
        } else {
            ""
        },
    )
}

/// The CA certificates the CA folder records as registered at `place`.
pub(crate) fn registered_cas(
    ca_dir: &std::path::Path,
    place: &crate::byoca::Place,
) -> anyhow::Result<Vec<String>> {
    let mut ids: Vec<String> = crate::byoca::read_registrations(ca_dir)?
        .into_iter()
        .filter(|r| r.is_at(place))
        .map(|r| r.ca_certificate_id)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// What deleting a CA (with its certificates) came to: `None` when it is gone, else the
/// error to report. Deleted certificates are added to `deleted`.
pub(crate) fn ca_outcome(
    ca: &str,
    outcome: crate::commands::ca::CaDeleteOutcome,
    deleted: &mut Vec<String>,
) -> Option<String> {
    use crate::commands::ca::CaDeleteOutcome;
    match outcome {
        CaDeleteOutcome::Deleted { certificates } => {
            for c in certificates {
                if !deleted.contains(&c.certificate_id) {
                    deleted.push(c.certificate_id);
                }
            }
            None
        }
        CaDeleteOutcome::AlreadyGone => None,
        CaDeleteOutcome::Refused { active } => Some(format!(
            "CA {ca}: {} certificate(s) it issued are still active",
            active.len()
        )),
        CaDeleteOutcome::Blocked { registered } => Some(format!(
            "CA {ca}: {} certificate(s) still name it",
            registered.len()
        )),
    }
}

/// Shows the plan; for a dry run prints it as the result, else asks (or needs --yes). Returns
/// the plan to carry out, or the exit code to stop with.
pub(crate) fn present_plan(
    printer: &Printer,
    s: &TeardownSettings,
    plan: Plan,
    where_: &str,
) -> anyhow::Result<Result<Plan, ExitCode>> {
    let lines = plan_lines(&plan);
    printer.info(format!(
        "Teardown of stack {} {where_}:",
        printer.bold(&s.stack_name)
    ));
    for line in &lines {
        printer.info(format!("  - {line}"));
    }
    if s.dry_run {
        let result = TeardownResult {
            dry_run: true,
            plan,
            objects_deleted: 0,
            certificates_deleted: vec![],
            errors: vec![],
            checks: vec![],
            nothing_left: false,
        };
        printer.result(&result, || lines.iter().map(|l| format!("{l}\n")).collect())?;
        return Ok(Err(ExitCode::SUCCESS));
    }
    if !s.yes {
        if !printer.can_prompt() {
            return Err(bad_input(
                "teardown deletes everything listed above: pass --yes to go ahead",
            ));
        }
        if !printer.confirm("Delete all of this?")? {
            printer.info("Cancelled; nothing was changed.");
            return Ok(Err(ExitCode::from(1)));
        }
    }
    Ok(Ok(plan))
}

/// Prints the checks and the result; the exit code says whether anything is left.
#[allow(clippy::too_many_arguments)]
pub(crate) fn report(
    printer: &Printer,
    stack_name: &str,
    plan: Plan,
    objects_deleted: u64,
    certificates_deleted: Vec<String>,
    errors: Vec<String>,
    checks: Vec<Check>,
    flags: &str,
) -> anyhow::Result<ExitCode> {
    let nothing_left = checks.iter().all(|c| c.gone);
    for c in &checks {
        let mark = if c.gone {
            printer.green("gone")
        } else {
            printer.red("LEFT")
        };
        printer.info(format!("  {mark:>4}  {}", c.what));
    }
    let result = TeardownResult {
        dry_run: false,
        plan,
        objects_deleted,
        certificates_deleted,
        errors: errors.clone(),
        checks,
        nothing_left,
    };
    printer.result(&result, || {
        if result.nothing_left {
            format!("Nothing is left of stack {}.\n", result.plan.stack_name)
        } else {
            let left: Vec<String> = result
                .checks
                .iter()
                .filter(|c| !c.gone)
                .map(|c| c.what.clone())
                .collect();
            format!("Still there: {}\n", left.join("; "))
        }
    })?;
    for e in &errors {
        printer.warn(e);
    }
    if nothing_left && errors.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(anyhow!(
            "teardown of stack {} is not complete; run `soilctl teardown{flags} --stack-name {} --yes` again to finish it",
            stack_name,
            stack_name
        ))
    }
}

/// Deletes every object version and delete marker, 1000 at a time; returns how many.
/// Cancels (force) and deletes (force) one job; a job already gone is done.
async fn remove_job(clients: &Clients, job: &str) -> Result<(), aws::ApiError> {
    match aws::jobs::cancel_job(&clients.iot, job, true, Some("stack torn down")).await {
        Ok(()) => {}
        Err(e) if e.is_not_found() => return Ok(()),
        // Already canceled with force, or completed: deleting is what is left.
        Err(e) if e.is_code("InvalidRequestException") => {}
        Err(e) => return Err(e),
    }
    match aws::jobs::delete_job(&clients.iot, job, true).await {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}

async fn empty_bucket(clients: &Clients, bucket: &str, printer: &Printer) -> anyhow::Result<u64> {
    if !s3::bucket_exists(&clients.s3, bucket).await? {
        return Ok(0);
    }
    let spinner = Progress::spinner(printer, &format!("emptying bucket {bucket}"));
    let mut deleted = 0u64;
    loop {
        let page = s3::list_versions_page(&clients.s3, bucket).await?;
        if page.is_empty() {
            break;
        }
        let errors = s3::delete_versions(&clients.s3, bucket, &page).await?;
        if !errors.is_empty() {
            return Err(anyhow!(
                "S3 refused to delete {} object(s), first: {}",
                errors.len(),
                errors[0]
            ));
        }
        deleted += page.len() as u64;
        spinner.set_message(format!("emptying bucket {bucket}: {deleted} deleted"));
    }
    spinner.finish();
    printer.info(format!(
        "emptied bucket {bucket} ({deleted} versions and markers)"
    ));
    Ok(deleted)
}

/// Detaches the policy from every target and deletes its non-default versions.
async fn free_policy(prov: &Provisioner, policy: &str) -> anyhow::Result<()> {
    let iot_client = &prov.clients.iot;
    let Some(targets) = iot::list_targets_for_policy(iot_client, policy).await? else {
        return Ok(());
    };
    for target in targets {
        match iot::detach_policy(iot_client, policy, &target).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => return Err(e.into()),
        }
    }
    for (version, is_default) in iot::list_policy_versions(iot_client, policy)
        .await?
        .unwrap_or_default()
    {
        if !is_default {
            match iot::delete_policy_version(iot_client, policy, &version).await {
                Ok(()) => {}
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

/// Deletes the policy if the stack did not.
async fn delete_policy(prov: &Provisioner, policy: &str) -> anyhow::Result<()> {
    if !iot::policy_exists(&prov.clients.iot, policy).await? {
        return Ok(());
    }
    free_policy(prov, policy).await?;
    match iot::delete_policy(&prov.clients.iot, policy).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Deletes the stack and waits; after a DELETE_FAILED, retries once keeping what failed (which
/// the caller then removes itself).
async fn delete_stack(
    clients: &Clients,
    backend: &Backend,
    printer: &Printer,
) -> anyhow::Result<()> {
    let mut retain: Vec<String> = Vec::new();
    for round in 0..2 {
        if let Err(e) = cfn::delete_stack(&clients.cfn, &backend.stack_id, &retain).await {
            // What counts is whether the stack is gone, which the check below reports.
            if cfn::describe_stack(&clients.cfn, &backend.stack_id)
                .await?
                .is_some_and(|st| st.status != "DELETE_COMPLETE")
            {
                return Err(
                    anyhow::Error::new(e).context(format!("deleting stack {}", backend.stack_name))
                );
            }
            printer.warn(format!("{e}; the stack is gone all the same"));
            return Ok(());
        }
        let spinner = Progress::spinner(printer, &format!("deleting stack {}", backend.stack_name));
        let status = loop {
            match cfn::describe_stack(&clients.cfn, &backend.stack_id).await? {
                None => break "DELETE_COMPLETE".to_string(),
                Some(st) if st.status == "DELETE_IN_PROGRESS" => {
                    spinner.set_message(format!(
                        "deleting stack {}: {}",
                        backend.stack_name, st.status
                    ));
                    tokio::time::sleep(crate::settings::poll_interval()).await;
                }
                Some(st) => break st.status,
            }
        };
        spinner.finish();
        if status == "DELETE_COMPLETE" {
            printer.info(format!("deleted stack {}", backend.stack_name));
            return Ok(());
        }
        let failed: Vec<cfn::StackResource> =
            cfn::list_stack_resources(&clients.cfn, &backend.stack_id)
                .await?
                .into_iter()
                .filter(|r| r.status == "DELETE_FAILED")
                .collect();
        if round == 1 || failed.is_empty() {
            let detail: Vec<String> = failed
                .iter()
                .map(|r| format!("{}: {}", r.logical_id, r.reason.clone().unwrap_or_default()))
                .collect();
            return Err(anyhow!(
                "stack {} is {status}: {}",
                backend.stack_name,
                detail.join("; ")
            ));
        }
        for r in &failed {
            printer.warn(format!(
                "CloudFormation could not delete {} ({}): {}; soilctl removes it itself",
                r.logical_id,
                r.resource_type,
                r.reason.clone().unwrap_or_default()
            ));
        }
        retain = failed.into_iter().map(|r| r.logical_id).collect();
    }
    Ok(())
}

/// Lists every kind of resource afterwards and says which are gone.
async fn verify(
    clients: &Clients,
    stack_name: &str,
    plan: &Plan,
    certificates: &[String],
) -> anyhow::Result<Vec<Check>> {
    let mut checks = Vec::new();
    let stack_gone = match cfn::describe_stack(&clients.cfn, stack_name).await? {
        None => true,
        Some(st) => st.status == "DELETE_COMPLETE",
    };
    checks.push(Check {
        what: format!("stack {stack_name}"),
        gone: stack_gone,
    });
    let things =
        iot::list_things_with_attribute(&clients.iot, MANAGED_ATTRIBUTE, stack_name).await?;
    checks.push(Check {
        what: format!(
            "things managed by the stack{}",
            if things.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    things
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ),
        gone: things.is_empty(),
    });
    let groups = crate::commands::group::stack_group_names(clients, stack_name).await?;
    checks.push(Check {
        what: format!(
            "thing groups of the stack{}",
            if groups.is_empty() {
                String::new()
            } else {
                format!(" ({})", groups.join(", "))
            }
        ),
        gone: groups.is_empty(),
    });
    let mut remaining_certs = Vec::new();
    for id in certificates {
        if iot::describe_certificate(&clients.iot, id).await?.is_some() {
            remaining_certs.push(id.clone());
        }
    }
    checks.push(Check {
        what: format!(
            "{} device certificate(s){}",
            certificates.len(),
            if remaining_certs.is_empty() {
                String::new()
            } else {
                format!(" ({})", remaining_certs.join(", "))
            }
        ),
        gone: remaining_certs.is_empty(),
    });
    if let Some(policy) = &plan.device_policy {
        checks.push(Check {
            what: format!("device policy {policy}"),
            gone: !iot::policy_exists(&clients.iot, policy).await?,
        });
    }
    if let Some(policy) = &plan.claim_policy {
        checks.push(Check {
            what: format!("claim policy {policy}"),
            gone: !iot::policy_exists(&clients.iot, policy).await?,
        });
    }
    for rule in &plan.rules {
        checks.push(Check {
            what: format!("topic rule {rule}"),
            gone: !iot::topic_rule_exists(&clients.iot, rule).await?,
        });
    }
    for bucket in plan.bucket.iter().chain(&plan.firmware_bucket) {
        checks.push(Check {
            what: format!("bucket {bucket}"),
            gone: !s3::bucket_exists(&clients.s3, bucket).await?,
        });
    }
    for job in &plan.jobs {
        checks.push(Check {
            what: format!("job {job}"),
            gone: aws::jobs::describe_job(&clients.iot, job)
                .await
                .map(|j| j.is_none() || j.is_some_and(|j| j.status == "DELETION_IN_PROGRESS"))
                .unwrap_or(false),
        });
    }
    if let Some(topic) = &plan.alert_topic {
        checks.push(Check {
            what: format!("alert topic {topic}"),
            gone: !sns::topic_exists(&clients.sns, topic).await?,
        });
    }
    for ca in &plan.cas {
        checks.push(Check {
            what: format!("CA certificate {ca}"),
            gone: iot::describe_ca_certificate(&clients.iot, ca)
                .await
                .map(|c| c.is_none())
                .unwrap_or(false),
        });
    }
    Ok(checks)
}

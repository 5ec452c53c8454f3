//! `soilctl doctor THING`: whether a device can connect and publish, as a checklist. The
//! commands gather plain [`Facts`] (from AWS or the local registry) and [`diagnose`] turns
//! them into a [`Report`]: each check passed, failed or skipped, with one line of detail, and
//! a fix for the first failure. Policies are evaluated by [`crate::policy`], the evaluator the
//! local broker uses, with the variables AWS IoT Core resolves at connect time. No I/O here.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::policy::{Action, Context, Decision, Policy, Request, Thing, evaluate};

#[cfg(test)]
mod tests;

/// Which backend the facts come from; fixes name its commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Aws,
    Local,
}

/// Everything the checklist needs, read from the backend and the device files.
#[derive(Debug, Clone)]
pub struct Facts {
    pub backend: Backend,
    pub stack_name: String,
    /// The stack's device policy, when the stack is there.
    pub device_policy: Option<String>,
    pub thing: String,
    /// `None` when there is no such thing.
    pub registered: Option<ThingFacts>,
    /// The certificates attached to the thing.
    pub certificates: Vec<CertificateFacts>,
    /// The thing's device files on this machine, if any.
    pub device_files: Option<DeviceFilesFacts>,
    /// Region and account of the policies' resource ARNs.
    pub region: String,
    pub account_id: String,
}

/// The registered thing.
#[derive(Debug, Clone, Default)]
pub struct ThingFacts {
    pub thing_type: Option<String>,
    pub attributes: BTreeMap<String, String>,
}

/// The thing's files in the devices directory.
#[derive(Debug, Clone)]
pub struct DeviceFilesFacts {
    pub dir: String,
    pub certificate_id: String,
    pub certificate_arn: String,
    /// Whether the private key is there too (then `thing create` can repair the thing).
    pub has_key: bool,
}

/// One certificate attached to the thing.
#[derive(Debug, Clone)]
pub struct CertificateFacts {
    pub id: String,
    pub arn: String,
    /// `ACTIVE`, `INACTIVE`, ...; `None` when the certificate is not registered.
    pub status: Option<String>,
    /// The registered CA that issued it, if any.
    pub ca: Option<CaFacts>,
    /// The subject's attributes by policy-variable name (`CommonName`, ...).
    pub subject: BTreeMap<String, String>,
    pub policies: Vec<PolicyFacts>,
}

/// A registered CA.
#[derive(Debug, Clone)]
pub struct CaFacts {
    pub id: String,
    /// `ACTIVE` or `INACTIVE`; `None` when the CA is no longer registered.
    pub status: Option<String>,
}

/// A policy attached to the certificate.
#[derive(Debug, Clone)]
pub struct PolicyFacts {
    pub name: String,
    /// The default version's document; `None` when it could not be read.
    pub document: Option<String>,
}

/// The checks, in the order they are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckId {
    Thing,
    CertificateAttached,
    CertificateActive,
    CaActive,
    PolicyAttached,
    Connect,
    Publish,
    ShadowSubscribe,
    ShadowReceive,
}

impl CheckId {
    pub const ALL: [CheckId; 9] = [
        CheckId::Thing,
        CheckId::CertificateAttached,
        CheckId::CertificateActive,
        CheckId::CaActive,
        CheckId::PolicyAttached,
        CheckId::Connect,
        CheckId::Publish,
        CheckId::ShadowSubscribe,
        CheckId::ShadowReceive,
    ];

    /// The name `--output json` uses, e.g. `certificate-active`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Thing => "thing",
            CheckId::CertificateAttached => "certificate-attached",
            CheckId::CertificateActive => "certificate-active",
            CheckId::CaActive => "ca-active",
            CheckId::PolicyAttached => "policy-attached",
            CheckId::Connect => "connect",
            CheckId::Publish => "publish",
            CheckId::ShadowSubscribe => "shadow-subscribe",
            CheckId::ShadowReceive => "shadow-receive",
        }
    }

    /// What the check asks, for the text checklist.
    pub fn title(self) -> &'static str {
        match self {
            CheckId::Thing => "the thing exists",
            CheckId::CertificateAttached => "a certificate is attached",
            CheckId::CertificateActive => "the certificate is ACTIVE",
            CheckId::CaActive => "its CA is ACTIVE",
            CheckId::PolicyAttached => "a policy is attached",
            CheckId::Connect => "iot:Connect as the thing",
            CheckId::Publish => "iot:Publish telemetry",
            CheckId::ShadowSubscribe => "iot:Subscribe to shadow topics",
            CheckId::ShadowReceive => "iot:Receive shadow messages",
        }
    }
}

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    /// Not made: an earlier failure leaves nothing to check.
    Skipped,
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub check: CheckId,
    pub status: Status,
    pub ok: bool,
    pub detail: String,
    /// How to repair it: set on the first failure only.
    pub fix: Option<String>,
}

/// The checklist for one thing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub thing: String,
    pub ok: bool,
    /// The certificate the checks are about (the best one when several are attached).
    pub certificate: Option<String>,
    pub checks: Vec<Check>,
}

impl Report {
    /// The first failed check.
    pub fn first_failure(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.status == Status::Failed)
    }
}

/// The topic a device publishes its readings on.
pub fn telemetry_topic(thing: &str) -> String {
    format!("device/{thing}/devicePayload")
}

/// The shadow topics a device subscribes to and receives on.
pub fn shadow_topics(thing: &str) -> Vec<String> {
    [
        "update/delta",
        "update/accepted",
        "update/rejected",
        "get/accepted",
        "get/rejected",
    ]
    .iter()
    .map(|t| format!("$aws/things/{thing}/shadow/{t}"))
    .collect()
}

/// The checklist for `facts`.
pub fn diagnose(facts: &Facts) -> Report {
    if let Err(checks) = before_certificates(facts) {
        return finish(facts, checks, None);
    }
    // Several certificates: the one that passes the most checks before its first failure,
    // then the most checks overall; the first of equals.
    let mut best: Option<((usize, usize), Vec<Check>, &CertificateFacts)> = None;
    for cert in &facts.certificates {
        let checks = with_certificate(facts, cert);
        let leading = checks
            .iter()
            .take_while(|c| c.status == Status::Passed)
            .count();
        let passed = checks.iter().filter(|c| c.status == Status::Passed).count();
        let score = (leading, passed);
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, checks, cert));
        }
    }
    match best {
        Some((_, checks, cert)) => finish(facts, checks, Some(cert.id.clone())),
        None => finish(facts, Vec::new(), None),
    }
}

/// Keeps the fix of the first failure only.
fn finish(facts: &Facts, mut checks: Vec<Check>, certificate: Option<String>) -> Report {
    let mut seen = false;
    for check in &mut checks {
        if check.status == Status::Failed {
            if seen {
                check.fix = None;
            }
            seen = true;
        } else {
            check.fix = None;
        }
    }
    Report {
        thing: facts.thing.clone(),
        ok: !seen,
        certificate,
        checks,
    }
}

fn passed(check: CheckId, detail: impl Into<String>) -> Check {
    Check {
        check,
        status: Status::Passed,
        ok: true,
        detail: detail.into(),
        fix: None,
    }
}

fn failed(check: CheckId, detail: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        check,
        status: Status::Failed,
        ok: false,
        detail: detail.into(),
        fix: Some(fix.into()),
    }
}

fn skipped(check: CheckId, detail: impl Into<String>) -> Check {
    Check {
        check,
        status: Status::Skipped,
        ok: false,
        detail: detail.into(),
        fix: None,
    }
}

/// The remaining checks after `done`, skipped because of `why`.
fn skip_rest(mut done: Vec<Check>, why: &str) -> Vec<Check> {
    for id in CheckId::ALL.iter().skip(done.len()) {
        done.push(skipped(*id, why));
    }
    done
}

/// A `soilctl` command line for this backend and stack.
fn soilctl(facts: &Facts, command: &str, rest: &str) -> String {
    let local = match facts.backend {
        Backend::Aws => "",
        Backend::Local => " --local",
    };
    let stack = if facts.stack_name == "iot-backend" {
        String::new()
    } else {
        format!(" --stack-name {}", facts.stack_name)
    };
    let rest = if rest.is_empty() {
        String::new()
    } else {
        format!(" {rest}")
    };
    format!("`soilctl{local} {command}{stack}{rest}`")
}

/// `thing create`, which creates what is missing and repairs what it can.
fn create(facts: &Facts) -> String {
    soilctl(facts, "thing create", &facts.thing)
}

/// Deleting and creating the thing again: a new certificate and key.
fn recreate(facts: &Facts) -> String {
    format!(
        "{} then {} (a new certificate and key)",
        soilctl(facts, "thing delete", &facts.thing),
        create(facts)
    )
}

/// Whether `thing create` can repair this certificate: its files and key are here.
fn repairable(facts: &Facts, cert: &CertificateFacts) -> bool {
    facts
        .device_files
        .as_ref()
        .is_some_and(|d| d.has_key && d.certificate_id == cert.id)
}

/// The thing and whether it has a certificate: `Err` with the finished checklist when not.
fn before_certificates(facts: &Facts) -> Result<(), Vec<Check>> {
    let thing = &facts.thing;
    if facts.registered.is_none() {
        let checks = vec![failed(
            CheckId::Thing,
            format!("thing {thing} does not exist"),
            match facts.device_policy {
                Some(_) => format!("{} creates it with a certificate and key", create(facts)),
                None => format!(
                    "deploy the stack first ({}), then {} creates it with a certificate and key",
                    soilctl(facts, "deploy", "--email ADDR"),
                    create(facts)
                ),
            },
        )];
        return Err(skip_rest(checks, "there is no thing"));
    }
    let thing_check = thing_exists(facts);
    if !facts.certificates.is_empty() {
        return Ok(());
    }
    let check = match &facts.device_files {
        Some(files) => {
            let also = match facts.backend {
                Backend::Aws => format!(
                    ", or attach that one: `aws iot attach-thing-principal --thing-name {thing} --principal {}`",
                    files.certificate_arn
                ),
                Backend::Local => String::new(),
            };
            failed(
                CheckId::CertificateAttached,
                format!(
                    "no certificate is attached to thing {thing}: certificate {} in your device files ({}) is not attached to it",
                    short(&files.certificate_id),
                    files.dir
                ),
                format!(
                    "{} repairs it (a new certificate and key){also}",
                    create(facts)
                ),
            )
        }
        None => failed(
            CheckId::CertificateAttached,
            format!(
                "no certificate is attached to thing {thing}, and there are no device files for it"
            ),
            format!("{} makes it a certificate and key", create(facts)),
        ),
    };
    Err(skip_rest(
        vec![thing_check, check],
        "no certificate to check",
    ))
}

/// A certificate id as the checklist shows it: its first 12 digits.
fn short(id: &str) -> String {
    match id.get(..12) {
        Some(head) if id.len() > 12 => format!("{head}…"),
        _ => id.to_owned(),
    }
}

/// All checks for one of the thing's certificates.
fn with_certificate(facts: &Facts, cert: &CertificateFacts) -> Vec<Check> {
    let thing = &facts.thing;
    let id = short(&cert.id);
    let mut checks = vec![thing_exists(facts), attached(facts, cert)];

    // Registered and ACTIVE.
    match cert.status.as_deref() {
        None => {
            checks.push(failed(
                CheckId::CertificateActive,
                format!("certificate {id} is attached to {thing} but is not registered"),
                recreate(facts),
            ));
            return skip_rest(checks, "the certificate is not registered");
        }
        Some("ACTIVE") => checks.push(passed(
            CheckId::CertificateActive,
            format!("certificate {id} is ACTIVE"),
        )),
        Some("REVOKED") => checks.push(failed(
            CheckId::CertificateActive,
            format!("certificate {id} is REVOKED: the server hangs up on it during the handshake"),
            recreate(facts),
        )),
        Some(status) => {
            let fix = if repairable(facts, cert) {
                format!("{} makes it ACTIVE again", create(facts))
            } else {
                match facts.backend {
                    Backend::Aws => format!(
                        "`aws iot update-certificate --certificate-id {} --new-status ACTIVE`",
                        cert.id
                    ),
                    Backend::Local => recreate(facts),
                }
            };
            checks.push(failed(
                CheckId::CertificateActive,
                format!("certificate {id} is {status}: the server hangs up on it"),
                fix,
            ));
        }
    }

    // Its CA.
    checks.push(match &cert.ca {
        None => passed(
            CheckId::CaActive,
            match facts.backend {
                Backend::Aws => "issued by AWS IoT (no registered CA)",
                Backend::Local => "issued by the local backend's CA (no registered CA)",
            },
        ),
        Some(CaFacts {
            id: ca,
            status: Some(status),
        }) if status == "ACTIVE" => {
            passed(CheckId::CaActive, format!("CA {} is ACTIVE", short(ca)))
        }
        Some(CaFacts { id: ca, status }) => {
            let status = status.as_deref().unwrap_or("no longer registered");
            failed(
                CheckId::CaActive,
                format!("the certificate's CA {} is {status}", short(ca)),
                format!(
                    "{} registers it again and makes it ACTIVE",
                    match facts.backend {
                        Backend::Aws => "`soilctl ca register`",
                        Backend::Local => "`soilctl --local ca register`",
                    }
                ),
            )
        }
    });

    // At least one usable policy.
    if cert.policies.is_empty() {
        checks.push(failed(
            CheckId::PolicyAttached,
            format!("certificate {id} has no policy attached: every request is denied"),
            attach_device_policy(facts, cert),
        ));
        return skip_rest(checks, "no policy to evaluate");
    }
    let mut policies = Vec::new();
    let mut unusable = Vec::new();
    for p in &cert.policies {
        match p.document.as_deref().map(|doc| Policy::parse(&p.name, doc)) {
            Some(Ok(policy)) => policies.push(policy),
            Some(Err(e)) => unusable.push(format!("{} ({})", p.name, e.message())),
            None => unusable.push(format!("{} (its document could not be read)", p.name)),
        }
    }
    let names: Vec<&str> = cert.policies.iter().map(|p| p.name.as_str()).collect();
    if policies.is_empty() {
        checks.push(failed(
            CheckId::PolicyAttached,
            format!(
                "no attached policy can be evaluated: {}",
                unusable.join("; ")
            ),
            attach_device_policy(facts, cert),
        ));
        return skip_rest(checks, "no policy to evaluate");
    }
    let mut detail = format!("policies attached: {}", names.join(", "));
    if !unusable.is_empty() {
        detail.push_str(&format!("; not evaluated: {}", unusable.join("; ")));
    }
    checks.push(passed(CheckId::PolicyAttached, detail));

    // The requests a device makes, as AWS IoT Core evaluates them at connect time.
    let ctx = Context {
        region: facts.region.clone(),
        account_id: facts.account_id.clone(),
        client_id: thing.clone(),
        certificate_id: Some(cert.id.clone()),
        certificate_subject: cert.subject.clone(),
        attached_things: vec![Thing {
            name: thing.clone(),
            thing_type: facts.registered.as_ref().and_then(|t| t.thing_type.clone()),
            attributes: facts
                .registered
                .as_ref()
                .map(|t| t.attributes.clone())
                .unwrap_or_default(),
        }],
    };
    let shadows = shadow_topics(thing);
    let asks: [(CheckId, Action, Vec<String>); 4] = [
        (CheckId::Connect, Action::Connect, vec![thing.clone()]),
        (
            CheckId::Publish,
            Action::Publish,
            vec![telemetry_topic(thing)],
        ),
        (CheckId::ShadowSubscribe, Action::Subscribe, shadows.clone()),
        (CheckId::ShadowReceive, Action::Receive, shadows),
    ];
    for (check, action, targets) in asks {
        checks.push(decide(
            facts, cert, &policies, &ctx, check, action, &targets,
        ));
    }
    checks
}

fn thing_exists(facts: &Facts) -> Check {
    let stack = match facts
        .registered
        .as_ref()
        .and_then(|t| t.attributes.get(crate::stack::MANAGED_ATTRIBUTE))
    {
        Some(stack) => format!("managed by stack {stack}"),
        None => "not managed by soilctl".to_owned(),
    };
    passed(
        CheckId::Thing,
        format!("thing {} exists ({stack})", facts.thing),
    )
}

fn attached(facts: &Facts, cert: &CertificateFacts) -> Check {
    let mut detail = format!("certificate {} is attached", short(&cert.id));
    if facts.certificates.len() > 1 {
        detail.push_str(&format!(
            " ({} certificates are; this is the one that gets furthest)",
            facts.certificates.len()
        ));
    }
    if let Some(files) = &facts.device_files
        && !facts
            .certificates
            .iter()
            .any(|c| c.id == files.certificate_id)
    {
        detail.push_str(&format!(
            "; note: your device files ({}) hold certificate {}, which is not attached",
            files.dir,
            short(&files.certificate_id)
        ));
    }
    passed(CheckId::CertificateAttached, detail)
}

/// Attaching the stack's device policy to the certificate.
fn attach_device_policy(facts: &Facts, cert: &CertificateFacts) -> String {
    match (&facts.device_policy, facts.backend) {
        (Some(policy), _) if repairable(facts, cert) => {
            format!(
                "{} attaches the stack's device policy {policy} again",
                create(facts)
            )
        }
        (Some(policy), Backend::Aws) => format!(
            "`aws iot attach-policy --policy-name {policy} --target {}`",
            cert.arn
        ),
        (None, Backend::Aws) => format!(
            "deploy the stack (`soilctl deploy --stack-name {} --email ADDR`), then attach its device policy: `aws iot attach-policy --policy-name POLICY --target {}`",
            facts.stack_name, cert.arn
        ),
        (Some(_), Backend::Local) => recreate(facts),
        (None, Backend::Local) => format!(
            "deploy the stack (`soilctl deploy --local --stack-name {} --email ADDR`), then {}",
            facts.stack_name,
            recreate(facts)
        ),
    }
}

/// One policy check: every target must be allowed.
fn decide(
    facts: &Facts,
    cert: &CertificateFacts,
    policies: &[Policy],
    ctx: &Context,
    check: CheckId,
    action: Action,
    targets: &[String],
) -> Check {
    let resource = |target: &str| {
        let arn = Request { action, target }.resource_arn(ctx);
        let prefix = format!("arn:aws:iot:{}:{}:", ctx.region, ctx.account_id);
        arn.strip_prefix(&prefix).unwrap_or(&arn).to_owned()
    };
    let asked = |target: &str| match action {
        Action::Connect => format!(
            "{} on {} (client id {target})",
            action.as_str(),
            resource(target)
        ),
        _ => format!("{} on {}", action.as_str(), resource(target)),
    };
    let decisions: Vec<(&String, Decision)> = targets
        .iter()
        .map(|t| (t, evaluate(policies, ctx, &Request { action, target: t })))
        .collect();
    let denied: Vec<&(&String, Decision)> =
        decisions.iter().filter(|(_, d)| !d.is_allowed()).collect();
    let Some((target, decision)) = denied.first() else {
        let (target, decision) = &decisions[0];
        let by = match decision {
            Decision::Allowed { policy, statement } => {
                format!("allowed by policy {policy}, statement {statement}")
            }
            _ => "allowed".to_owned(),
        };
        let more = if decisions.len() > 1 {
            format!(" and {} more", decisions.len() - 1)
        } else {
            String::new()
        };
        return passed(check, format!("{}{more}: {by}", asked(target)));
    };
    let more = if denied.len() > 1 {
        format!(" (and {} more)", denied.len() - 1)
    } else {
        String::new()
    };
    let how = match decision {
        Decision::ExplicitDeny { policy, statement } => {
            format!("denied explicitly by policy {policy}, statement {statement}")
        }
        _ => {
            let names: Vec<&str> = policies.iter().map(|p| p.name()).collect();
            format!("no statement allows it (policies: {})", names.join(", "))
        }
    };
    let hangup = match action {
        Action::Connect | Action::Publish => ": the server hangs up",
        _ => "",
    };
    failed(
        check,
        format!("{}{more}: {how}{hangup}", asked(target)),
        policy_fix(facts, cert, action, decision),
    )
}

/// How to repair a denied request.
fn policy_fix(
    facts: &Facts,
    cert: &CertificateFacts,
    action: Action,
    decision: &Decision,
) -> String {
    let device_policy = facts.device_policy.as_deref();
    let has_device_policy =
        device_policy.is_some_and(|dp| cert.policies.iter().any(|p| p.name == dp));
    match decision {
        Decision::ExplicitDeny { policy, statement } if Some(policy.as_str()) == device_policy => {
            format!(
                "statement {statement} of the stack's device policy {policy} denies it: correct the template's DevicePolicy and deploy it again ({})",
                soilctl(facts, "deploy", "")
            )
        }
        Decision::ExplicitDeny { policy, statement } => match facts.backend {
            Backend::Aws => format!(
                "statement {statement} of policy {policy} denies it: remove that statement, or detach the policy: `aws iot detach-policy --policy-name {policy} --target {}`",
                cert.arn
            ),
            Backend::Local => format!(
                "statement {statement} of policy {policy} denies it: remove that statement, or detach policy {policy} from certificate {}",
                short(&cert.id)
            ),
        },
        _ if !has_device_policy && device_policy.is_some() => attach_device_policy(facts, cert),
        _ if device_policy.is_none() => attach_device_policy(facts, cert),
        _ => {
            let policy = device_policy.unwrap_or_default();
            match action {
                Action::Subscribe | Action::Receive => format!(
                    "the stack's device policy {policy} does not allow shadows: add iot:Subscribe on topicfilter/$aws/things/${{iot:Connection.Thing.ThingName}}/shadow/* and iot:Receive on topic/$aws/things/${{iot:Connection.Thing.ThingName}}/shadow/* to the template's DevicePolicy, then deploy it again"
                ),
                _ => format!(
                    "the stack's device policy {policy} does not allow it: deploy the built-in template again ({})",
                    soilctl(facts, "deploy", "")
                ),
            }
        }
    }
}

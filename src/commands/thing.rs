//! `soilctl thing create | list | show | delete`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::aws::iot::{self, certificate_id};
use crate::aws::{self, AwsSettings, Clients};
use crate::names::check_thing_name;
use crate::printer::{Printer, table};
use crate::progress::Progress;
use crate::provision::{Created, Deleted, Provisioner};
use crate::settings::{ThingCreateSettings, ThingDeleteSettings};
use crate::stack::{self, MANAGED_ATTRIBUTE};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Failed {
    pub name: String,
    pub error: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateResult {
    pub(crate) stack_name: String,
    pub(crate) device_policy: String,
    pub(crate) endpoint: String,
    pub(crate) rate_per_api: f64,
    pub(crate) seconds: f64,
    pub(crate) things: Vec<Created>,
    pub(crate) failed: Vec<Failed>,
}

/// The stack's device policy, or a clear error when the stack is not there.
async fn device_policy(clients: &Clients, stack_name: &str) -> anyhow::Result<String> {
    let backend = stack::require(clients, stack_name).await?;
    backend.device_policy.ok_or_else(|| {
        let local = clients.local_flag();
        anyhow!(
            "stack {stack_name} ({}) has no device policy: deploy it again (`soilctl deploy{local} --stack-name {stack_name}`)",
            backend.status
        )
    })
}

pub async fn create(
    s: &ThingCreateSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let result = ensure(s, aws_settings, printer).await?;
    finish_create(printer, &result)
}

/// Creates the things that are missing and reuses those that exist, printing each outcome.
pub(crate) async fn ensure(
    s: &ThingCreateSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<CreateResult> {
    for name in &s.names {
        check_thing_name(name)?;
    }
    let mut names: Vec<String> = Vec::new();
    for name in &s.names {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let clients = aws::load(aws_settings).await?;
    let policy = device_policy(&clients, &s.stack_name).await?;
    let endpoint = iot::data_endpoint(&clients.iot)
        .await
        .context("looking up the data endpoint")?;
    let local = aws_settings.local.as_ref();
    let mut prov = Provisioner::new(clients, s.rate, &s.stack_name, &s.devices_dir);
    if let Some(state) = local {
        prov = prov.with_root_ca(crate::local::control::local_root_ca(state)?);
    }
    let prov = Arc::new(prov);
    match local {
        Some(_) => printer.info(format!(
            "Creating {} thing(s) for stack {} on the local backend (policy {policy}, {} at a time)",
            names.len(),
            s.stack_name,
            s.concurrency.max(1)
        )),
        None => printer.info(format!(
            "Creating {} thing(s) for stack {} (policy {policy}, at most {} calls/s per API, {} at a time)",
            names.len(),
            s.stack_name,
            s.rate.max(1),
            s.concurrency.max(1)
        )),
    }
    let started = Instant::now();
    let key_algorithm = s.key_algorithm;
    let (things, failed) = run_batch(
        &names,
        s.concurrency,
        printer,
        "creating",
        |name| {
            let prov = prov.clone();
            let policy = policy.clone();
            let endpoint = endpoint.clone();
            async move { prov.create(&name, &policy, &endpoint, key_algorithm).await }
        },
        |c: &Created| {
            format!(
                "{} {} ({})",
                printer.green(c.status),
                c.name,
                c.certificate_id
            )
        },
    )
    .await;
    let seconds = started.elapsed().as_secs_f64();
    let result = CreateResult {
        stack_name: s.stack_name.clone(),
        device_policy: policy,
        endpoint,
        rate_per_api: prov.limiter.per_second(),
        seconds,
        things,
        failed,
    };
    Ok(result)
}

/// Prints what a create run made; exit 1 when any thing failed.
pub(crate) fn finish_create(printer: &Printer, result: &CreateResult) -> anyhow::Result<ExitCode> {
    let seconds = result.seconds;
    printer.result(result, || {
        let rows: Vec<Vec<String>> = result
            .things
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.status.to_string(),
                    c.certificate_id.clone(),
                    c.dir.display().to_string(),
                ]
            })
            .collect();
        table(&["THING", "STATUS", "CERTIFICATE", "FILES"], &rows)
    })?;
    printer.info(format!(
        "{} created or reused, {} failed, in {seconds:.1}s",
        result.things.len(),
        result.failed.len()
    ));
    Ok(if result.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThingInfo {
    pub name: String,
    pub arn: String,
    pub attributes: std::collections::BTreeMap<String, String>,
    pub certificates: Vec<CertificateInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thing_type_name: Option<String>,
    /// Known locally from the broker, on AWS from fleet indexing with connectivity on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connectivity: Option<Connectivity>,
}

/// Whether a thing (its MQTT client id) is connected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Connectivity {
    pub connected: bool,
    /// When it connected or disconnected, in milliseconds since the Unix epoch; unknown for
    /// a thing never seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<i64>,
    /// AWS's `disconnectReason` of the last session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disconnect_reason: Option<String>,
}

impl Connectivity {
    /// Never seen connected.
    pub fn unknown_disconnected() -> Self {
        Connectivity {
            connected: false,
            since_ms: None,
            disconnect_reason: None,
        }
    }

    /// `CONNECTED since 2026-11-22T08:50:01Z`, `DISCONNECTED (CONNECTION_LOST) since ...`.
    pub fn cell(&self) -> String {
        let mut out = if self.connected {
            "CONNECTED".to_owned()
        } else {
            "DISCONNECTED".to_owned()
        };
        if let Some(reason) = self
            .disconnect_reason
            .as_deref()
            .filter(|_| !self.connected)
        {
            out.push_str(&format!(" ({reason})"));
        }
        if let Some(ms) = self.since_ms {
            out.push_str(&format!(
                " since {}",
                crate::local::registry::iso8601(ms.div_euclid(1000))
            ));
        }
        out
    }
}

/// The command for turning on what `thing list --connected` needs on AWS.
pub const CONNECTIVITY_INDEXING_COMMAND: &str = "aws iot update-indexing-configuration --thing-indexing-configuration thingIndexingMode=REGISTRY,thingConnectivityIndexingMode=STATUS";

/// What `thing list` keeps, besides being managed by the stack.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThingFilter {
    /// Every one must match.
    pub attributes: Vec<(String, String)>,
    pub thing_type: Option<String>,
    /// `Some(true)`: connected things only; `Some(false)`: the others only.
    pub connected: Option<bool>,
    /// Only the things in this thing group.
    pub group: Option<String>,
}

impl ThingFilter {
    pub fn new(
        attributes: Vec<(String, String)>,
        thing_type: Option<String>,
        connected: bool,
        disconnected: bool,
    ) -> Self {
        ThingFilter {
            attributes,
            thing_type,
            connected: match (connected, disconnected) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            group: None,
        }
    }

    /// Only the things in `group` as well.
    pub fn in_group(self, group: Option<String>) -> Self {
        ThingFilter { group, ..self }
    }

    /// Whether the thing passes (a connectivity filter needs `connectivity`; without it the
    /// thing counts as disconnected).
    pub fn keeps(&self, thing: &ThingInfo) -> bool {
        let attributes = self
            .attributes
            .iter()
            .all(|(k, v)| thing.attributes.get(k) == Some(v));
        let thing_type = self
            .thing_type
            .as_ref()
            .is_none_or(|t| thing.thing_type_name.as_ref() == Some(t));
        let connected = thing.connectivity.as_ref().is_some_and(|c| c.connected);
        let connectivity = self.connected.is_none_or(|wanted| wanted == connected);
        attributes && thing_type && connectivity
    }

    /// The fleet indexing query for the stack's things that pass.
    pub fn search_query(&self, stack_name: &str) -> String {
        let mut terms = vec![format!(
            "attributes.{MANAGED_ATTRIBUTE}:{}",
            query_value(stack_name)
        )];
        for (key, value) in &self.attributes {
            terms.push(format!("attributes.{key}:{}", query_value(value)));
        }
        if let Some(thing_type) = &self.thing_type {
            terms.push(format!("thingTypeName:{}", query_value(thing_type)));
        }
        match self.connected {
            Some(true) => terms.push("connectivity.connected:true".to_owned()),
            // Things never connected have no connectivity in the index.
            Some(false) => terms.push("NOT connectivity.connected:true".to_owned()),
            None => {}
        }
        terms.join(" AND ")
    }
}

/// A query term's value, quoted when it holds anything beyond letters, digits, `_`, `.`, `-`.
fn query_value(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !value.starts_with('-');
    if plain {
        value.to_owned()
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateInfo {
    pub id: String,
    pub status: String,
    pub policies: Vec<String>,
}

/// The thing with its certificates, their status and policies.
pub async fn thing_info(clients: &Clients, thing: iot::Thing) -> anyhow::Result<ThingInfo> {
    let principals = iot::list_thing_principals(&clients.iot, &thing.name)
        .await?
        .unwrap_or_default();
    let mut certificates = Vec::new();
    for arn in principals.iter().filter(|p| p.contains(":cert/")) {
        let id = certificate_id(arn);
        let status = iot::describe_certificate(&clients.iot, id)
            .await?
            .map(|c| c.status)
            .unwrap_or_else(|| "DELETED".into());
        let policies = iot::list_attached_policies(&clients.iot, arn)
            .await
            .unwrap_or_default();
        certificates.push(CertificateInfo {
            id: id.to_string(),
            status,
            policies,
        });
    }
    Ok(ThingInfo {
        name: thing.name,
        arn: thing.arn,
        attributes: thing.attributes,
        certificates,
        thing_type_name: None,
        connectivity: None,
    })
}

/// Results per SearchIndex call (AWS allows up to 500) and per ListThings call (up to 250).
const SEARCH_PAGE: i32 = 100;
const LIST_PAGE: i32 = 250;

/// Fleet indexing as `thing list` and `status` use it; a configuration that cannot be read
/// counts as off, with the reason.
pub(crate) async fn indexing(clients: &Clients) -> (iot::ThingIndexing, Option<String>) {
    match iot::thing_indexing(&clients.iot).await {
        Ok(indexing) => (indexing, None),
        Err(e) => (
            iot::ThingIndexing::default(),
            Some(format!("fleet indexing configuration not readable: {e}")),
        ),
    }
}

/// Why connectivity is not shown on AWS.
pub(crate) fn connectivity_note(indexing: iot::ThingIndexing, why: Option<String>) -> String {
    let state = if indexing.things {
        "fleet indexing is on without connectivity"
    } else {
        "fleet indexing is off"
    };
    let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
    format!("connectivity unknown: {state}{why}; turn it on with `{CONNECTIVITY_INDEXING_COMMAND}`")
}

/// The connectivity fleet indexing reports for a thing found by a search.
pub(crate) fn indexed_connectivity(found: &iot::FoundThing) -> Connectivity {
    found
        .connectivity
        .as_ref()
        .map(|c| Connectivity {
            connected: c.connected,
            since_ms: c.timestamp_ms,
            disconnect_reason: c
                .disconnect_reason
                .clone()
                .filter(|r| !c.connected && !r.is_empty()),
        })
        .unwrap_or_else(Connectivity::unknown_disconnected)
}

pub async fn list(
    stack_name: &str,
    filter: &ThingFilter,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let clients = aws::load(aws_settings).await?;
    let (indexing, why) = indexing(&clients).await;
    if filter.connected.is_some() && !indexing.connectivity {
        return Err(crate::error::bad_input(format!(
            "connectivity needs fleet indexing with connectivity on: `{CONNECTIVITY_INDEXING_COMMAND}`{}",
            why.map(|w| format!(" ({w})")).unwrap_or_default()
        )));
    }
    let found = if indexing.things {
        let query = filter.search_query(stack_name);
        printer.info(format!("Searching the fleet index: {query}"));
        iot::search_things(&clients.iot, &query, SEARCH_PAGE)
            .await
            .context("searching the fleet index")?
    } else {
        // One attribute (the stack's) and the thing type are filtered by AWS, the rest here.
        iot::list_things_filtered(
            &clients.iot,
            Some((MANAGED_ATTRIBUTE, stack_name)),
            filter.thing_type.as_deref(),
            LIST_PAGE,
        )
        .await
        .context("listing things")?
    };
    let members = match &filter.group {
        Some(group) => Some(group_members(&clients, stack_name, group).await?),
        None => None,
    };
    let mut infos = Vec::new();
    for found in found {
        if members
            .as_ref()
            .is_some_and(|m| !m.contains(&found.thing.name))
        {
            continue;
        }
        let connectivity = indexing.connectivity.then(|| indexed_connectivity(&found));
        let mut thing = found.thing;
        // Filtered here before the certificates are looked up: the search or list may have
        // filtered less (one attribute only, or nothing the index cannot answer).
        let listed = ThingInfo {
            name: thing.name.clone(),
            arn: String::new(),
            attributes: thing.attributes.clone(),
            certificates: Vec::new(),
            thing_type_name: found.thing_type_name,
            connectivity,
        };
        let managed =
            listed.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) == Some(stack_name);
        if !managed || !filter.keeps(&listed) {
            continue;
        }
        if thing.arn.is_empty()
            && let Some(described) = iot::describe_thing(&clients.iot, &thing.name).await?
        {
            thing.arn = described.arn;
        }
        infos.push(ThingInfo {
            thing_type_name: listed.thing_type_name,
            connectivity: listed.connectivity,
            ..thing_info(&clients, thing).await?
        });
    }
    let note = (!indexing.connectivity).then(|| connectivity_note(indexing, why));
    print_list(printer, stack_name, filter, infos, note)
}

/// The names of the things in the stack's thing group `group`.
async fn group_members(
    clients: &Clients,
    stack_name: &str,
    group: &str,
) -> anyhow::Result<std::collections::HashSet<String>> {
    crate::commands::group::require_group(clients, stack_name, group).await?;
    let things = crate::aws::groups::things_in_group(&clients.iot, group)
        .await
        .with_context(|| format!("listing the things in group {group}"))?;
    Ok(things.into_iter().collect())
}

/// Prints the things of a stack.
pub(crate) fn print_list(
    printer: &Printer,
    stack_name: &str,
    filter: &ThingFilter,
    infos: Vec<ThingInfo>,
    connectivity_note: Option<String>,
) -> anyhow::Result<ExitCode> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct ListResult {
        stack_name: String,
        things: Vec<ThingInfo>,
        #[serde(skip_serializing_if = "Option::is_none")]
        connectivity_note: Option<String>,
    }
    let result = ListResult {
        stack_name: stack_name.to_string(),
        things: infos,
        connectivity_note,
    };
    printer.result(&result, || things_table(&result.things))?;
    if let Some(note) = &result.connectivity_note {
        printer.info(note.clone());
    }
    if result.things.is_empty() {
        if *filter == ThingFilter::default() {
            printer.info(format!("No things are managed by stack {stack_name}."));
        } else {
            printer.info(format!(
                "No thing of stack {stack_name} matches the filters."
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The things as a table, with a CONNECTIVITY column when connectivity is known.
pub fn things_table(things: &[ThingInfo]) -> String {
    let with_connectivity = things.iter().any(|t| t.connectivity.is_some());
    let rows: Vec<Vec<String>> = things
        .iter()
        .map(|t| {
            let mut row = thing_row(t);
            if with_connectivity {
                row.push(
                    t.connectivity
                        .as_ref()
                        .map(Connectivity::cell)
                        .unwrap_or_else(|| "-".into()),
                );
            }
            row
        })
        .collect();
    let mut headers = vec!["THING", "CERTIFICATE", "STATUS", "POLICIES"];
    if with_connectivity {
        headers.push("CONNECTIVITY");
    }
    table(&headers, &rows)
}

pub fn thing_row(t: &ThingInfo) -> Vec<String> {
    let first = t.certificates.first();
    vec![
        t.name.clone(),
        first.map(|c| c.id.clone()).unwrap_or_else(|| "-".into()),
        first
            .map(|c| c.status.clone())
            .unwrap_or_else(|| "-".into()),
        first
            .map(|c| c.policies.join(","))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "-".into()),
    ]
}

pub async fn show(
    stack_name: &str,
    name: &str,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    check_thing_name(name)?;
    let clients = aws::load(aws_settings).await?;
    let thing = iot::describe_thing(&clients.iot, name)
        .await?
        .ok_or_else(|| anyhow!("thing {name} does not exist"))?;
    if thing.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) != Some(stack_name) {
        printer.warn(format!("thing {name} is not managed by stack {stack_name}"));
    }
    let info = thing_info(&clients, thing).await?;
    print_show(printer, &info)
}

/// Prints one thing with its certificates.
pub(crate) fn print_show(printer: &Printer, info: &ThingInfo) -> anyhow::Result<ExitCode> {
    printer.result(info, || {
        let mut text = format!("thing       {}\narn         {}\n", info.name, info.arn);
        for (k, v) in &info.attributes {
            text.push_str(&format!("attribute   {k}={v}\n"));
        }
        for c in &info.certificates {
            text.push_str(&format!(
                "certificate {} {} policies: {}\n",
                c.id,
                c.status,
                if c.policies.is_empty() {
                    "-".to_string()
                } else {
                    c.policies.join(", ")
                }
            ));
        }
        if info.certificates.is_empty() {
            text.push_str("certificate -\n");
        }
        text
    })?;
    Ok(ExitCode::SUCCESS)
}

pub async fn delete(
    s: &ThingDeleteSettings,
    aws_settings: &AwsSettings,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    for name in &s.names {
        check_thing_name(name)?;
    }
    let clients = aws::load(aws_settings).await?;
    let prov = Arc::new(Provisioner::new(
        clients,
        s.rate,
        &s.stack_name,
        &s.devices_dir,
    ));
    let (deleted, failed) = delete_things(&prov, &s.names, printer).await;
    finish_delete(printer, deleted, failed)
}

/// Prints what a delete run removed; exit 1 when any thing failed.
pub(crate) fn finish_delete(
    printer: &Printer,
    deleted: Vec<Deleted>,
    failed: Vec<Failed>,
) -> anyhow::Result<ExitCode> {
    #[derive(Serialize)]
    struct DeleteResult {
        things: Vec<Deleted>,
        failed: Vec<Failed>,
    }
    let result = DeleteResult {
        things: deleted,
        failed,
    };
    printer.result(&result, || {
        let rows: Vec<Vec<String>> = result
            .things
            .iter()
            .map(|d| {
                vec![
                    d.name.clone(),
                    d.status.to_string(),
                    d.certificates.join(","),
                ]
            })
            .collect();
        table(&["THING", "STATUS", "CERTIFICATES"], &rows)
    })?;
    Ok(if result.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Deletes the things concurrently, reporting each; returns what was deleted and what failed.
pub(crate) async fn delete_things(
    prov: &Arc<Provisioner>,
    names: &[String],
    printer: &Printer,
) -> (Vec<Deleted>, Vec<Failed>) {
    run_batch(
        names,
        8,
        printer,
        "deleting things",
        |name| {
            let prov = prov.clone();
            async move { prov.delete(&name).await }
        },
        |d: &Deleted| format!("{} {}", d.status, d.name),
    )
    .await
}

/// Runs `job` for each name with a progress bar and a line per outcome; splits the results.
async fn run_batch<T, F, Fut>(
    names: &[String],
    concurrency: usize,
    printer: &Printer,
    label: &str,
    job: F,
    describe: impl Fn(&T) -> String,
) -> (Vec<T>, Vec<Failed>)
where
    T: Send + 'static,
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>> + Send + 'static,
{
    let bar = Progress::bar(printer, names.len() as u64, label);
    let outcomes = crate::provision::for_each(names, concurrency, job, |outcome| {
        bar.inc(1);
        match &outcome.result {
            Ok(value) => bar.println(describe(value)),
            Err(e) => bar.println(format!(
                "{} {}: {}",
                printer.red("failed"),
                outcome.name,
                crate::error::one_line(e)
            )),
        }
    })
    .await;
    bar.finish();
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for o in outcomes {
        match o.result {
            Ok(value) => done.push(value),
            Err(e) => failed.push(Failed {
                name: o.name,
                error: crate::error::one_line(&e),
            }),
        }
    }
    (done, failed)
}

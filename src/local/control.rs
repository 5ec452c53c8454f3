//! The local control plane: what `deploy`, `thing`, `status` and `teardown` do with `--local`,
//! over the registry, the CA and the state directory. The same operations as on AWS, with the
//! same outcomes, so the commands can print the same shapes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, anyhow};
use serde_json::Value as Json;

use crate::cli::KeyAlgorithm;
use crate::error::bad_input;
use crate::local::authority::ensure_operator;
use crate::local::ca::LocalCa;
use crate::local::registry::{CertificateStatus, Registry, StackRecord, StackResource};
use crate::local::rules::{self, Deployed, Function, RuleDef, Subscriber};
use crate::local::stack::{self, Plan, Previous};
use crate::local::state::StateDir;
use crate::outcome::{Created, Deleted, MANAGED_ATTRIBUTE};
use crate::pki::{self, DeviceFiles};
use crate::template::Template;

/// The root CA file written beside a local device's certificate.
pub const LOCAL_ROOT_CA_FILE: &str = "root-ca.pem";
/// Host name devices use for the local broker (the server certificate names it).
pub const LOCAL_HOST: &str = "localhost";
/// Default port of the local broker.
pub const LOCAL_PORT: u16 = 8883;
/// Device certificates from the local CA are valid this long.
const DEVICE_CERT_DAYS: u32 = 365;

/// The local CA as devices trust it (their `root-ca.pem`).
pub fn local_root_ca(state: &StateDir) -> anyhow::Result<crate::pki::RootCa> {
    let path = state.ca_dir().join("ca.pem");
    let pem = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the local CA certificate {}", path.display()))?;
    Ok(crate::pki::RootCa {
        file: LOCAL_ROOT_CA_FILE.into(),
        pem,
    })
}

/// The local backend as the CLI sees it.
pub struct Local {
    pub state: StateDir,
    pub registry: Registry,
    pub ca: LocalCa,
    /// The rules engine of the `local up` this serves the API for, once it runs: what the
    /// API publishes to SNS is counted and reported there.
    pub engine: std::sync::OnceLock<std::sync::Arc<rules::Engine>>,
    /// The broker of that `local up`, once it runs: the data plane's shadows and publishes go
    /// through it, so connected devices see them at once.
    pub broker: std::sync::OnceLock<crate::local::broker::Publisher>,
    /// The download server of that `local up`, once it runs: it signs the URLs that jobs'
    /// presigned-URL placeholders become.
    pub downloads: std::sync::OnceLock<crate::local::downloads::Signer>,
}

impl Local {
    /// Opens (creating where new) the state directory, registry, CA and operator identity.
    pub fn open(state: &StateDir) -> anyhow::Result<Self> {
        if state.root().exists() && !state.root().is_dir() {
            return Err(bad_input(format!(
                "the local backend's state directory {} is not a directory: set --state-dir or SOILCTL_STATE_DIR to a folder",
                state.root().display()
            )));
        }
        pki::create_private_dir(state.root()).with_context(|| {
            format!(
                "the local backend's state directory {} cannot be created (set --state-dir or SOILCTL_STATE_DIR to a writable place)",
                state.root().display()
            )
        })?;
        let registry = Registry::open(&state.registry()).with_context(|| {
            format!("opening the local registry {}", state.registry().display())
        })?;
        let ca = LocalCa::load_or_create(&state.ca_dir())
            .with_context(|| format!("loading the local CA in {}", state.ca_dir().display()))?;
        ensure_operator(state, &registry, &ca).context("preparing the operator identity")?;
        Ok(Local {
            state: state.clone(),
            registry,
            ca,
            engine: std::sync::OnceLock::new(),
            broker: std::sync::OnceLock::new(),
            downloads: std::sync::OnceLock::new(),
        })
    }

    /// The backend's registration code (GetRegistrationCode): stable for one state directory,
    /// 64 hex digits as AWS IoT's, derived from the backend's own CA.
    pub fn registration_code(&self) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(format!("soilctl registration code {}", self.ca.id()));
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn stack(&self, name: &str) -> anyhow::Result<Option<StackRecord>> {
        Ok(self.registry.stack(name)?)
    }

    /// Plans `template` against the deployed stack and checks that the local backend can run
    /// every part of it; changes nothing.
    pub fn plan(
        &self,
        template: &Template,
        stack_name: &str,
        params: &BTreeMap<String, String>,
    ) -> anyhow::Result<Plan> {
        let previous = match self.stack(stack_name)? {
            Some(st) => Previous::of(&st.stack_id, &st.resources),
            None => Previous::default(),
        };
        let plan = stack::plan(template, stack_name, params, &previous)
            .map_err(|e| bad_input(e.to_string()))?;
        let (defs, mut deployed) =
            deployed_of(&plan.resources).map_err(|e| bad_input(e.to_string()))?;
        deployed.api_endpoint = Some(self.functions_endpoint());
        rules::compile(&defs, &deployed).map_err(|e| bad_input(e.to_string()))?;
        self.function_ways(&plan)?;
        for r in &plan.resources {
            if r.resource_type == "AWS::IoT::Policy" {
                let doc = policy_document(r)?;
                crate::policy::Policy::parse(&r.physical_id, &doc).map_err(|e| {
                    bad_input(format!(
                        "resource {} ({}): {e}",
                        r.logical_id, r.resource_type
                    ))
                })?;
            }
        }
        Ok(plan)
    }

    /// The API endpoint functions' own code will call: the running `local up`'s, else the
    /// one `local up` serves by default.
    fn functions_endpoint(&self) -> String {
        crate::local::server::find_running(&self.state)
            .ok()
            .and_then(|r| r.api_endpoint)
            .unwrap_or_else(|| "http://127.0.0.1:4580".to_owned())
    }

    /// One line per function of the plan saying how the backend will run it (its own Python
    /// code or its built-in equivalent); an error for one it can run neither way.
    pub fn function_ways(&self, plan: &Plan) -> anyhow::Result<Vec<String>> {
        let (_, deployed) = deployed_of(&plan.resources).map_err(|e| bad_input(e.to_string()))?;
        let endpoint = self.functions_endpoint();
        rules::runner::describe(deployed.functions.values(), Some(&endpoint))
            .map_err(|e| bad_input(e.to_string()))
    }

    /// Applies a plan made by [`Local::plan`]; returns the stack as recorded.
    pub fn apply(
        &self,
        template: &Template,
        stack_name: &str,
        params: &BTreeMap<String, String>,
        plan: &Plan,
    ) -> anyhow::Result<StackRecord> {
        let existing = self.stack(stack_name)?;
        for (logical_id, kind, physical) in &plan.removed {
            self.remove_resource(kind, physical)
                .with_context(|| format!("removing {logical_id} ({kind})"))?;
        }
        for r in &plan.resources {
            self.apply_resource(r)
                .with_context(|| format!("creating {} ({})", r.logical_id, r.resource_type))?;
        }
        let now = crate::clock::now_ms();
        let record = StackRecord {
            name: stack_name.to_string(),
            stack_id: plan.stack_id.clone(),
            status: if existing.is_some() {
                "UPDATE_COMPLETE".into()
            } else {
                "CREATE_COMPLETE".into()
            },
            template_body: template.body.clone(),
            parameters: params.clone(),
            outputs: plan.outputs.clone(),
            resources: plan.resources.clone(),
            created_ms: existing.as_ref().map(|e| e.created_ms).unwrap_or(now),
            updated_ms: now,
        };
        self.registry.put_stack(&record)?;
        Ok(record)
    }

    fn apply_resource(&self, r: &StackResource) -> anyhow::Result<()> {
        match r.resource_type.as_str() {
            "AWS::S3::Bucket" => {
                let dir = self.state.bucket(&r.physical_id);
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            "AWS::Logs::LogGroup" => {
                std::fs::create_dir_all(self.state.logs())?;
            }
            "AWS::IoT::Policy" => {
                let doc = policy_document(r)?;
                match self.registry.policy(&r.physical_id)? {
                    Some(p) if p.document == doc => {}
                    Some(_) => self.registry.set_policy_document(&r.physical_id, &doc)?,
                    None => {
                        self.registry.create_policy(&r.physical_id, &doc)?;
                    }
                }
            }
            "AWS::IoT::TopicRule" => {
                let payload = r
                    .properties
                    .get("TopicRulePayload")
                    .cloned()
                    .unwrap_or(Json::Null);
                match self.registry.topic_rule(&r.physical_id)? {
                    Some(rule) if rule.payload == payload => {}
                    Some(_) => {
                        self.registry.replace_topic_rule(&r.physical_id, &payload)?;
                    }
                    None => {
                        self.registry.create_topic_rule(&r.physical_id, &payload)?;
                    }
                }
            }
            "AWS::IoT::ProvisioningTemplate" => {
                let body = r
                    .properties
                    .get("TemplateBody")
                    .and_then(Json::as_str)
                    .unwrap_or_default();
                crate::provisioning::Template::parse(body).with_context(|| {
                    format!(
                        "provisioning template {} ({}) cannot be used",
                        r.physical_id, r.logical_id
                    )
                })?;
            }
            "AWS::IoT::Thing" if self.registry.thing(&r.physical_id)?.is_none() => {
                let attributes = r
                    .properties
                    .pointer("/AttributePayload/Attributes")
                    .and_then(Json::as_object)
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                self.registry.create_thing(&r.physical_id, &attributes)?;
            }
            _ => {}
        }
        Ok(())
    }

    pub(crate) fn remove_resource(&self, kind: &str, physical: &str) -> anyhow::Result<()> {
        match kind {
            "AWS::IoT::TopicRule" if self.registry.topic_rule(physical)?.is_some() => {
                self.registry.delete_topic_rule(physical)?;
            }
            "AWS::IoT::Policy" if self.registry.policy(physical)?.is_some() => {
                for target in self.registry.policy_targets(physical)? {
                    self.registry.detach_policy(physical, &target)?;
                }
                self.registry.delete_policy(physical)?;
            }
            "AWS::IoT::Thing" if self.registry.thing(physical)?.is_some() => {
                for p in self.registry.thing_principals(physical)? {
                    self.registry.detach_thing_principal(physical, &p)?;
                }
                self.registry.delete_thing(physical)?;
            }
            "AWS::S3::Bucket" => {
                let dir = self.state.bucket(physical);
                if dir.exists() {
                    std::fs::remove_dir_all(&dir)
                        .with_context(|| format!("removing {}", dir.display()))?;
                }
            }
            "AWS::Logs::LogGroup" => {
                let file = self.state.log_group(physical);
                if file.exists() {
                    std::fs::remove_file(&file)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The stack's device policy: its DevicePolicyName output, else its only IoT policy.
    pub fn device_policy(&self, stack: &StackRecord) -> Option<String> {
        if let Some(p) = stack.outputs.get("DevicePolicyName") {
            return Some(p.clone());
        }
        let mut policies = stack
            .resources
            .iter()
            .filter(|r| r.resource_type == "AWS::IoT::Policy");
        match (policies.next(), policies.next()) {
            (Some(p), None) => Some(p.physical_id.clone()),
            _ => None,
        }
    }

    fn is_managed(&self, thing: &str, stack: &str) -> anyhow::Result<Option<bool>> {
        Ok(self
            .registry
            .thing(thing)?
            .map(|t| t.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) == Some(stack)))
    }

    /// Creates (or reuses) one thing with a key made here and a certificate from the local CA.
    pub fn create_thing(
        &self,
        stack: &str,
        name: &str,
        policy: &str,
        devices_dir: &Path,
        key_algorithm: KeyAlgorithm,
    ) -> anyhow::Result<Created> {
        let dir = devices_dir.join(name);
        let mut status = "created";
        match self.is_managed(name, stack)? {
            Some(false) => {
                return Err(anyhow!(
                    "thing {name} already exists and is not managed by stack {stack}: pick another name"
                ));
            }
            Some(true) => {
                let principals = self.registry.thing_principals(name)?;
                let files = pki::read_device(&dir).filter(|d| dir.join(&d.private_key).is_file());
                if let Some(files) = files.filter(|d| principals.contains(&d.certificate_arn)) {
                    let mut repaired = false;
                    let attached = self.registry.attached_policies(&files.certificate_arn)?;
                    if !attached.iter().any(|p| p.name == policy) {
                        self.registry
                            .attach_policy(policy, &files.certificate_arn)?;
                        repaired = true;
                    }
                    if let Some(cert) = self.registry.certificate(&files.certificate_id)?
                        && cert.status != CertificateStatus::Active
                    {
                        self.registry
                            .set_certificate_status(&cert.id, CertificateStatus::Active)?;
                        repaired = true;
                    }
                    return Ok(Created {
                        name: name.to_string(),
                        status: if repaired { "resumed" } else { "reused" },
                        certificate_id: files.certificate_id,
                        certificate_arn: files.certificate_arn,
                        dir,
                    });
                }
                if let Some(other) = principals.first() {
                    return Err(anyhow!(
                        "thing {name} already has certificate {} but its private key is not in {}: pass --devices-dir where its files are, or run `soilctl thing delete --local {name}` and create it again",
                        other.rsplit('/').next().unwrap_or(other),
                        dir.display()
                    ));
                }
                status = "resumed";
            }
            None => {
                let attributes =
                    BTreeMap::from([(MANAGED_ATTRIBUTE.to_string(), stack.to_string())]);
                self.registry.create_thing(name, &attributes)?;
            }
        }
        let made = pki::key_and_csr(name, key_algorithm)?;
        pki::create_private_dir(devices_dir)?;
        pki::create_private_dir(&dir)?;
        pki::write_file(
            &dir.join(pki::PRIVATE_KEY_FILE),
            made.private_key_pem.as_bytes(),
            0o600,
        )?;
        let pem = self.ca.sign_csr(&made.csr_pem, DEVICE_CERT_DAYS)?;
        let cert = self
            .registry
            .add_certificate(&pem, CertificateStatus::Active, None)?;
        let mut files = DeviceFiles::new(name, stack, &cert.id, &cert.arn, LOCAL_HOST);
        files.port = LOCAL_PORT;
        files.root_ca = LOCAL_ROOT_CA_FILE.into();
        pki::write_device_files(&dir, &files, &pem, self.ca.certificate_pem())?;
        self.registry.attach_thing_principal(name, &cert.arn)?;
        self.registry.attach_policy(policy, &cert.arn)?;
        Ok(Created {
            name: name.to_string(),
            status,
            certificate_id: cert.id,
            certificate_arn: cert.arn,
            dir,
        })
    }

    /// Deletes one thing the stack manages, with its certificates and device files.
    pub fn delete_thing(
        &self,
        stack: &str,
        name: &str,
        devices_dir: &Path,
    ) -> anyhow::Result<Deleted> {
        match self.is_managed(name, stack)? {
            None => {
                return Ok(Deleted {
                    name: name.to_string(),
                    status: "already gone",
                    certificates: vec![],
                });
            }
            Some(false) => {
                return Err(anyhow!(
                    "thing {name} is not managed by stack {stack}: soilctl deletes only the things it made"
                ));
            }
            Some(true) => {}
        }
        let mut certificates = Vec::new();
        for principal in self.registry.thing_principals(name)? {
            self.registry.detach_thing_principal(name, &principal)?;
            if let Some(id) = principal.split(":cert/").nth(1)
                && self.registry.principal_things(&principal)?.is_empty()
            {
                self.delete_orphan_certificate(id, &principal)?;
                certificates.push(id.to_string());
            }
        }
        self.registry.delete_thing(name)?;
        let dir = devices_dir.join(name);
        if pki::read_device(&dir).is_some_and(|d| d.stack_name == stack) {
            std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
        }
        Ok(Deleted {
            name: name.to_string(),
            status: "deleted",
            certificates,
        })
    }

    pub fn delete_orphan_certificate(&self, id: &str, arn: &str) -> anyhow::Result<()> {
        if self.registry.certificate(id)?.is_none() {
            return Ok(());
        }
        for p in self.registry.attached_policies(arn)? {
            self.registry.detach_policy(&p.name, arn)?;
        }
        self.registry
            .set_certificate_status(id, CertificateStatus::Inactive)?;
        self.registry.delete_certificate(id)?;
        Ok(())
    }

    /// Names of the things stack `stack` manages.
    pub fn things_of(&self, stack: &str) -> anyhow::Result<Vec<String>> {
        Ok(self
            .registry
            .things()?
            .into_iter()
            .filter(|t| t.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) == Some(stack))
            .map(|t| t.name)
            .collect())
    }

    /// Objects in a bucket folder: (count, bytes). Temporary files of writes in progress are not
    /// objects.
    pub fn bucket_usage(&self, bucket: &str) -> (u64, u64) {
        fn walk(dir: &Path, acc: &mut (u64, u64)) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let path = e.path();
                let Ok(meta) = e.metadata() else { continue };
                if meta.is_dir() {
                    walk(&path, acc);
                } else if !e.file_name().to_string_lossy().starts_with(".tmp") {
                    acc.0 += 1;
                    acc.1 += meta.len();
                }
            }
        }
        let mut acc = (0, 0);
        walk(&self.state.bucket(bucket), &mut acc);
        acc
    }

    /// Empties a bucket folder; returns how many objects were deleted.
    pub fn empty_bucket(&self, bucket: &str) -> anyhow::Result<u64> {
        let dir = self.state.bucket(bucket);
        let (objects, _) = self.bucket_usage(bucket);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("emptying {}", dir.display()))?;
            std::fs::create_dir_all(&dir)?;
        }
        Ok(objects)
    }

    /// Deletes the stack and every resource it made.
    pub fn delete_stack(&self, stack: &StackRecord) -> anyhow::Result<()> {
        // Rules first, so nothing new is written while the rest goes.
        let mut order: Vec<&StackResource> = stack.resources.iter().collect();
        order.sort_by_key(|r| match r.resource_type.as_str() {
            "AWS::IoT::TopicRule" => 0,
            "AWS::IoT::Policy" => 1,
            _ => 2,
        });
        for r in order {
            self.remove_resource(&r.resource_type, &r.physical_id)
                .with_context(|| format!("deleting {} ({})", r.logical_id, r.resource_type))?;
        }
        self.registry.delete_stack(&stack.name)?;
        Ok(())
    }

    /// The alert deliveries recorded for the stack's topics (newest last).
    pub fn alerts(&self, topics: &BTreeSet<String>, limit: usize) -> Vec<Json> {
        let Ok(text) = std::fs::read_to_string(self.state.alerts_log()) else {
            return vec![];
        };
        let mut found: Vec<Json> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Json>(l).ok())
            .filter(|v| {
                v.get("topicArn")
                    .and_then(Json::as_str)
                    .is_some_and(|t| topics.contains(t))
            })
            .collect();
        let skip = found.len().saturating_sub(limit);
        found.drain(..skip);
        found
    }
}

fn policy_document(r: &StackResource) -> anyhow::Result<String> {
    match r.properties.get("PolicyDocument") {
        Some(Json::String(s)) => Ok(s.clone()),
        Some(doc @ Json::Object(_)) => Ok(doc.to_string()),
        _ => Err(bad_input(format!(
            "resource {} (AWS::IoT::Policy) has no PolicyDocument",
            r.logical_id
        ))),
    }
}

/// What the rules of these resources need: their definitions and every target they can reach.
pub fn deployed_of(
    resources: &[StackResource],
) -> Result<(Vec<RuleDef>, Deployed), rules::RuleError> {
    let mut deployed = Deployed::default();
    let mut defs = Vec::new();
    for r in resources {
        match r.resource_type.as_str() {
            "AWS::S3::Bucket" => {
                deployed.buckets.insert(r.physical_id.clone());
            }
            "AWS::Logs::LogGroup" => {
                deployed.log_groups.insert(r.physical_id.clone());
            }
            "AWS::Lambda::Function" => {
                let f = Function::from_properties(&r.logical_id, &r.properties)?;
                deployed.functions.insert(r.physical_id.clone(), f);
            }
            "AWS::SNS::Topic" => {
                let subs = deployed.topics.entry(r.physical_id.clone()).or_default();
                if let Some(list) = r.properties.get("Subscription").and_then(Json::as_array) {
                    for s in list {
                        subs.push(Subscriber {
                            protocol: s
                                .get("Protocol")
                                .and_then(Json::as_str)
                                .unwrap_or_default()
                                .to_string(),
                            endpoint: s
                                .get("Endpoint")
                                .and_then(Json::as_str)
                                .unwrap_or_default()
                                .to_string(),
                        });
                    }
                }
            }
            "AWS::IoT::TopicRule" => defs.push(RuleDef {
                name: r.physical_id.clone(),
                payload: r
                    .properties
                    .get("TopicRulePayload")
                    .cloned()
                    .unwrap_or(Json::Null),
            }),
            _ => {}
        }
    }
    for r in resources {
        if r.resource_type == "AWS::SNS::Subscription"
            && let Some(topic) = r.properties.get("TopicArn").and_then(Json::as_str)
        {
            deployed
                .topics
                .entry(topic.to_string())
                .or_default()
                .push(Subscriber {
                    protocol: r
                        .properties
                        .get("Protocol")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    endpoint: r
                        .properties
                        .get("Endpoint")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                });
        }
    }
    Ok((defs, deployed))
}

/// The registry's topic rules (what is deployed, as on AWS: a rule deleted from the registry
/// stops at once) with every target the stacks' resources provide, as the running backend
/// needs them.
pub fn deployed_everything(registry: &Registry) -> anyhow::Result<(Vec<RuleDef>, Deployed)> {
    let mut resources = Vec::new();
    for stack in registry.stacks()? {
        resources.extend(stack.resources);
    }
    let (_, deployed) = deployed_of(&resources)?;
    let defs = registry
        .topic_rules()?
        .into_iter()
        .map(|r| RuleDef {
            name: r.name,
            payload: r.payload,
        })
        .collect();
    Ok((defs, deployed))
}

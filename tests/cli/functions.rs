//! The template's two inline Python functions, the code AWS runs, executed for real: their
//! source read from `templates/iot-backend.yaml` at test time, run by the test venv's Python
//! with boto3 against the moto server, with the environment the template gives them and the
//! events their rules pass. Then the same events through the local backend's native
//! equivalents, which must agree with the Python.
//!
//! moto has no MQTT broker and runs no rules, so nothing there publishes the just-in-time
//! registration event or invokes the functions: the tests register the device certificate as
//! AWS IoT Core does on its first connection (RegisterCertificate under the registered CA, in
//! PENDING_ACTIVATION), build the event AWS IoT publishes, pass it through the rule with
//! `soilctl rules test`, and call the handler with the rule's output, as Lambda would.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use soilctl::template::Template;
use soilctl::template::intrinsics::{Resources, Scope};

use crate::local::{LocalUp, alerts, deployed, wait_until};
use crate::support::{Env, Moto, REGION, block_on, root, venv_bin};

/// The account moto always uses.
const ACCOUNT: &str = "123456789012";
const STACK: &str = "iot-backend";
const POLICY: &str = "iot-backend-DevicePolicy-Q1W2E3R4";
const SUBJECT: &str = "Attention:Humidity Under Threshold";

fn template_path() -> std::path::PathBuf {
    root().join("templates/iot-backend.yaml")
}

/// What the stack's resources are called, for resolving the template's intrinsics: the ones
/// given, and a placeholder for every other one.
#[derive(Default)]
struct Stack {
    refs: BTreeMap<&'static str, String>,
    arns: BTreeMap<&'static str, String>,
}

impl Resources for Stack {
    fn reference(&self, logical_id: &str) -> Option<String> {
        Some(
            self.refs
                .get(logical_id)
                .cloned()
                .unwrap_or_else(|| format!("<{logical_id}>")),
        )
    }

    fn attribute(&self, logical_id: &str, attribute: &str) -> Option<String> {
        let known = (attribute == "Arn")
            .then(|| self.arns.get(logical_id).cloned())
            .flatten();
        Some(known.unwrap_or_else(|| format!("<{logical_id}.{attribute}>")))
    }
}

/// A resource's properties from the template on disk, intrinsics resolved, as JSON.
fn properties(logical_id: &str, stack: &Stack) -> Value {
    let template = Template::from_file(&template_path()).expect("the template parses");
    let names = BTreeMap::from([
        ("AWS::StackName".to_owned(), STACK.to_owned()),
        ("AWS::Region".to_owned(), REGION.to_owned()),
        ("AWS::AccountId".to_owned(), ACCOUNT.to_owned()),
        ("AWS::Partition".to_owned(), "aws".to_owned()),
        ("AlertEmail".to_owned(), "ops@example.com".to_owned()),
        ("HumidityThreshold".to_owned(), "35".to_owned()),
        ("EnableJustInTimeRegistration".to_owned(), "true".to_owned()),
        ("PairingCodeLifetime".to_owned(), "600".to_owned()),
    ]);
    let scope = Scope {
        names: &names,
        resources: stack,
    };
    let raw = template
        .doc
        .get("Resources")
        .and_then(|r| r.get(logical_id))
        .and_then(|r| r.get("Properties"))
        .unwrap_or_else(|| panic!("the template has no {logical_id}"));
    let resolved = scope
        .resolve(raw)
        .unwrap_or_else(|e| panic!("{logical_id}'s properties do not resolve: {e}"));
    serde_json::to_value(resolved).expect("properties as JSON")
}

/// One of the template's functions, ready to run as Lambda runs it: its inline code written
/// where the handler's module is found, and its environment variables.
struct Function {
    dir: tempfile::TempDir,
    handler: String,
    environment: BTreeMap<String, String>,
}

impl Function {
    fn from_template(logical_id: &str, stack: &Stack) -> Function {
        let props = properties(logical_id, stack);
        let runtime = props["Runtime"].as_str().unwrap_or_default();
        assert!(runtime.starts_with("python3."), "{logical_id}: {runtime}");
        let handler = props["Handler"].as_str().expect("a Handler").to_owned();
        let (module, _) = handler.split_once('.').expect("Handler is module.function");
        let code = props["Code"]["ZipFile"]
            .as_str()
            .expect("inline code (Code.ZipFile)");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(format!("{module}.py")), code).expect("writing the code");
        let environment = props["Environment"]["Variables"]
            .as_object()
            .expect("environment variables")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("a string").to_owned()))
            .collect();
        Function {
            dir,
            handler,
            environment,
        }
    }

    /// Invokes the handler once for each event; returns each outcome (`result`, or
    /// `errorType` and `errorMessage`).
    fn invoke(&self, moto: &Moto, events: &[Value]) -> Vec<Value> {
        let dir = self.dir.path().display().to_string();
        let mut cmd = python(moto, &["handler", &dir, &self.handler]);
        cmd.envs(&self.environment);
        let input: String = events.iter().map(|e| format!("{e}\n")).collect();
        let (_, stdout) = run_with_input(cmd, &input);
        let outcomes: Vec<Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON outcome a line"))
            .collect();
        assert_eq!(outcomes.len(), events.len(), "{stdout}");
        outcomes
    }
}

/// The venv's Python running tests/lambda_runner.py, with nothing of this machine's AWS
/// configuration: static credentials, the region, and moto as the endpoint of every service.
fn python(moto: &Moto, args: &[&str]) -> Command {
    let home = std::env::temp_dir();
    let mut cmd = Command::new(venv_bin("python"));
    cmd.arg(root().join("tests/lambda_runner.py"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("AWS_CONFIG_FILE", home.join("soilctl-tests-no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("soilctl-tests-no-aws-credentials"),
        )
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", REGION)
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_ENDPOINT_URL", moto.url());
    cmd
}

/// Runs `cmd` with `input` on its standard input; returns the exit code and stdout, failing
/// the test with stderr when Python itself broke (a traceback, not a reported outcome).
fn run_with_input(mut cmd: Command, input: &str) -> (i32, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting the venv's python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("writing the events");
    let out = child.wait_with_output().expect("running python");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.trim().is_empty(),
        "python wrote to stderr:\n{stderr}"
    );
    let code = out.status.code().unwrap_or(-1);
    (code, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// One boto3 call against moto.
fn boto3(moto: &Moto, service: &str, operation: &str, params: Value) -> Value {
    let (code, stdout) = run_with_input(
        python(moto, &["call", service, operation]),
        &params.to_string(),
    );
    assert_eq!(code, 0, "{service} {operation}: {stdout}");
    serde_json::from_str(&stdout).expect("a JSON response")
}

/// An SQS queue subscribed to an SNS topic: what an SQS subscriber receives.
struct Inbox {
    url: String,
}

impl Inbox {
    fn subscribe(moto: &Moto, topic_arn: &str) -> Inbox {
        let queue = boto3(
            moto,
            "sqs",
            "create_queue",
            json!({"QueueName": "alert-inbox"}),
        );
        let url = queue["QueueUrl"].as_str().expect("QueueUrl").to_owned();
        let attributes = boto3(
            moto,
            "sqs",
            "get_queue_attributes",
            json!({"QueueUrl": url, "AttributeNames": ["QueueArn"]}),
        );
        let queue_arn = attributes["Attributes"]["QueueArn"]
            .as_str()
            .expect("QueueArn")
            .to_owned();
        let sns = moto.clients().sns;
        block_on(
            sns.subscribe()
                .topic_arn(topic_arn)
                .protocol("sqs")
                .endpoint(queue_arn)
                .send(),
        )
        .expect("subscribing the queue to the topic");
        Inbox { url }
    }

    /// Every SNS notification the queue holds, as SNS delivers it (the JSON envelope).
    fn drain(&self, moto: &Moto) -> Vec<Value> {
        let (code, stdout) = run_with_input(python(moto, &["drain-queue", &self.url]), "");
        assert_eq!(code, 0, "{stdout}");
        stdout
            .lines()
            .map(|l| {
                let body: String = serde_json::from_str(l).expect("a JSON string");
                serde_json::from_str(&body).expect("an SNS notification")
            })
            .collect()
    }
}

/// The output of `rule` (the event its Lambda action passes) for a message, from
/// `soilctl rules test` over the template: None when the rule does not fire.
fn rule_event(rule: &str, topic: &str, payload: &str) -> Option<Value> {
    let template = template_path().display().to_string();
    let out = Env::new(None)
        .run(&[
            "--output",
            "json",
            "rules",
            "test",
            "--template",
            &template,
            "--param",
            "EnableJustInTimeRegistration=true",
            "--topic",
            topic,
            "--payload",
            payload,
        ])
        .expect(0)
        .json();
    let found = out["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["rule"].as_str().is_some_and(|n| n.starts_with(rule)))
        .unwrap_or_else(|| panic!("no rule {rule} in {out}"))
        .clone();
    if found["fired"] != true {
        return None;
    }
    let lambda = found["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["kind"] == "Lambda")
        .unwrap_or_else(|| panic!("{rule} has no Lambda action: {found}"));
    Some(lambda["input"].clone())
}

fn topic_arn(moto: &Moto) -> String {
    let sns = moto.clients().sns;
    block_on(sns.create_topic().name("soil-alerts").send())
        .expect("creating the topic")
        .topic_arn()
        .expect("an ARN")
        .to_owned()
}

fn alert_function(topic_arn: &str) -> Function {
    let stack = Stack {
        refs: BTreeMap::from([("AlertTopic", topic_arn.to_owned())]),
        ..Stack::default()
    };
    let function = Function::from_template("AlertFunction", &stack);
    assert_eq!(function.environment["TOPIC_ARN"], topic_arn);
    function
}

#[test]
fn the_alert_function_publishes_the_alert_to_the_stacks_topic() {
    let moto = Moto::start();
    let topic = topic_arn(&moto);
    let inbox = Inbox::subscribe(&moto, &topic);
    let function = alert_function(&topic);

    let message = r#"{"name": "soilSensor2", "humidity": 32, "timeStampEpoch": 1598536072677, "timeStampIso": "2020-08-27T13:47:52.677721"}"#;
    let event = rule_event("AlertRule", "device/soilSensor2/devicePayload", message)
        .expect("32 is under the threshold: the alert rule fires");
    let body = "Humidity 32 under threshold for device name soilSensor2";
    let outcomes = function.invoke(&moto, &[event]);
    assert_eq!(
        outcomes,
        [json!({"result": {"subject": SUBJECT, "body": body}})]
    );

    let delivered = inbox.drain(&moto);
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    let notification = &delivered[0];
    assert_eq!(notification["Type"], "Notification", "{notification}");
    assert_eq!(notification["TopicArn"], topic.as_str());
    assert_eq!(notification["Subject"], SUBJECT);
    assert_eq!(notification["Message"], body);
}

/// A CA of the user's and the device certificates it issues (rcgen), as PEM.
struct FleetCa {
    pem: String,
    key_pem: String,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl FleetCa {
    fn new() -> FleetCa {
        let key = rcgen::KeyPair::generate().expect("a key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "soil fleet CA");
        let cert = params.self_signed(&key).expect("the CA certificate");
        FleetCa {
            pem: cert.pem(),
            key_pem: key.serialize_pem(),
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// A device certificate and its key; the subject has `common_name` where given, else only
    /// an organization.
    fn device(&self, common_name: Option<&str>) -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("a key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "Soil Co");
        if let Some(cn) = common_name {
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, cn);
        }
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        let cert = params.signed_by(&key, &self.issuer).expect("signing");
        (cert.pem(), key.serialize_pem())
    }
}

/// The just-in-time registration part of the stack in moto: the device policy (the
/// template's document) and the CA, registered with auto-registration on.
struct Registration {
    function: Function,
    policy_arn: String,
    ca_id: String,
}

impl Registration {
    fn deploy(moto: &Moto, ca: &FleetCa) -> Registration {
        let policy_arn = format!("arn:aws:iot:{REGION}:{ACCOUNT}:policy/{POLICY}");
        let stack = Stack {
            arns: BTreeMap::from([("DevicePolicy", policy_arn.clone())]),
            ..Stack::default()
        };
        let document = properties("DevicePolicy", &stack)["PolicyDocument"].to_string();
        let iot = moto.clients().iot;
        block_on(
            iot.create_policy()
                .policy_name(POLICY)
                .policy_document(document)
                .send(),
        )
        .expect("creating the device policy");
        let registered = block_on(
            iot.register_ca_certificate()
                .ca_certificate(&ca.pem)
                .set_as_active(true)
                .allow_auto_registration(true)
                .send(),
        )
        .expect("registering the CA");
        let function = Function::from_template("JitrFunction", &stack);
        assert_eq!(function.environment["STACK_NAME"], STACK);
        assert_eq!(function.environment["POLICY_NAME"], POLICY);
        Registration {
            function,
            policy_arn,
            ca_id: registered.certificate_id().expect("the CA's id").to_owned(),
        }
    }

    /// What AWS IoT Core does on the device's first connection: registers its certificate
    /// under the CA as PENDING_ACTIVATION and publishes the registration event; returns the
    /// certificate's id and the event as the JITR rule passes it to the function.
    fn first_connection(&self, moto: &Moto, ca: &FleetCa, device_pem: &str) -> (String, Value) {
        let iot = moto.clients().iot;
        let registered = block_on(
            iot.register_certificate()
                .certificate_pem(device_pem)
                .ca_certificate_pem(&ca.pem)
                .status(aws_sdk_iot::types::CertificateStatus::PendingActivation)
                .send(),
        )
        .expect("registering the device certificate");
        let id = registered.certificate_id().expect("an id").to_owned();
        let event = json!({
            "certificateId": id,
            "caCertificateId": self.ca_id,
            "timestamp": 1_598_536_072_677_i64,
            "certificateStatus": "PENDING_ACTIVATION",
            "awsAccountId": ACCOUNT,
            "certificateRegistrationTimestamp": "1598536072000",
        });
        let topic = format!("$aws/events/certificates/registered/{}", self.ca_id);
        let passed = rule_event("JitrRule", &topic, &event.to_string())
            .expect("the JITR rule fires for a PENDING_ACTIVATION certificate");
        (id, passed)
    }
}

/// What the registry of moto says about a certificate and its thing: everything AWS defines
/// for them (moto makes a new thingId when CreateThing names an existing thing, where AWS
/// returns the existing one, so the id is left out).
fn registration_state(moto: &Moto, certificate_id: &str, thing: &str) -> Value {
    let iot = moto.clients().iot;
    let certificate = block_on(
        iot.describe_certificate()
            .certificate_id(certificate_id)
            .send(),
    )
    .expect("describing the certificate");
    let description = certificate
        .certificate_description()
        .expect("a description");
    let arn = description.certificate_arn().expect("an ARN").to_owned();
    let policies = block_on(iot.list_attached_policies().target(&arn).send())
        .expect("listing the policies")
        .policies()
        .iter()
        .filter_map(|p| p.policy_name().map(str::to_owned))
        .collect::<Vec<_>>();
    let things = block_on(iot.list_principal_things().principal(&arn).send())
        .expect("listing the certificate's things")
        .things()
        .to_vec();
    let described = block_on(iot.describe_thing().thing_name(thing).send()).ok();
    let all_things = block_on(iot.list_things().send())
        .expect("listing things")
        .things()
        .iter()
        .filter_map(|t| t.thing_name().map(str::to_owned))
        .collect::<Vec<_>>();
    json!({
        "status": description.status().map(|s| s.as_str().to_owned()),
        "policies": policies,
        "things": things,
        "thing": described.map(|t| json!({
            "name": t.thing_name(),
            "attributes": t.attributes().cloned().unwrap_or_default(),
            "version": t.version(),
        })),
        "allThings": all_things,
    })
}

#[test]
fn the_registration_function_activates_a_pending_certificate_for_its_thing_once() {
    let moto = Moto::start();
    let ca = FleetCa::new();
    let registration = Registration::deploy(&moto, &ca);
    let (device, _) = ca.device(Some("soilSensor7"));
    let (id, event) = registration.first_connection(&moto, &ca, &device);
    let before = registration_state(&moto, &id, "soilSensor7");
    assert_eq!(before["status"], "PENDING_ACTIVATION", "{before}");
    assert_eq!(before["thing"], Value::Null, "{before}");

    let outcomes = registration
        .function
        .invoke(&moto, std::slice::from_ref(&event));
    assert_eq!(
        outcomes,
        [json!({"result": {"certificateId": id, "thingName": "soilSensor7"}})]
    );
    let after = registration_state(&moto, &id, "soilSensor7");
    let arn = format!("arn:aws:iot:{REGION}:{ACCOUNT}:cert/{id}");
    assert_eq!(
        after,
        json!({
            "status": "ACTIVE",
            "policies": [POLICY],
            "things": ["soilSensor7"],
            "thing": {
                "name": "soilSensor7",
                "attributes": {soilctl::stack::MANAGED_ATTRIBUTE: STACK},
                "version": 1,
            },
            "allThings": ["soilSensor7"],
        }),
        "certificate {arn}"
    );
    assert!(registration.policy_arn.ends_with(POLICY));

    // The event again (AWS delivers at least once): it succeeds and changes nothing.
    let again = registration.function.invoke(&moto, &[event]);
    assert_eq!(again, outcomes);
    assert_eq!(registration_state(&moto, &id, "soilSensor7"), after);
}

/// The pairing function's own code against moto, as Lambda runs it for the pairing rule's
/// event; then `soilctl pair` with the code it sent (moto drops the publish: the code is read
/// from the function's result, the same document it publishes).
#[test]
fn the_pairing_function_gives_a_code_that_soilctl_pair_accepts_on_moto() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    env.run(&["thing", "create", "s1"]).expect(0);
    env.run(&["group", "create", "garden-a"]).expect(0);
    boto3(
        &moto,
        "iot",
        "create_thing",
        json!({"thingName": "stranger"}),
    );
    let function = Function::from_template("PairingFunction", &Stack::default());
    assert_eq!(function.environment["CODE_LIFETIME"], "600");
    let event = rule_event("PairingRule", "device/s1/pairing/request", "{}")
        .expect("the pairing rule fires on a request");
    assert_eq!(event, json!({"thing": "s1"}));
    let outcomes = function.invoke(&moto, &[event.clone(), json!({"thing": "stranger"})]);
    let code = outcomes[0]["result"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{outcomes:?}"))
        .to_owned();
    let digest = soilctl::pairing::Code::parse(&code).unwrap().digest();
    let thing = boto3(&moto, "iot", "describe_thing", json!({"thingName": "s1"}));
    assert_eq!(
        thing["attributes"]["pairingCode"],
        digest.as_str(),
        "{thing}"
    );
    assert_eq!(outcomes[1]["errorType"], "ValueError", "{outcomes:?}");

    let paired = env
        .run(&["--output", "json", "pair", &code, "--group", "garden-a"])
        .expect(0)
        .json();
    assert_eq!(paired, json!({"thing": "s1", "group": "garden-a"}));
    let shadow = block_on(soilctl::aws::iotdata::get_shadow(
        &moto.clients().data,
        "s1",
        None,
    ))
    .expect("the device's shadow");
    assert_eq!(shadow["state"]["desired"]["owner"], "garden-a", "{shadow}");
    let members = env
        .run(&["--output", "json", "thing", "list", "--group", "garden-a"])
        .expect(0)
        .json();
    assert_eq!(members["things"][0]["name"], "s1", "{members}");
    // Asked again, the function names the owner instead of making a code.
    let again = function.invoke(&moto, &[event]);
    assert_eq!(again, [json!({"result": {"owner": "garden-a"}})]);
    // The same owner again finishes a pairing cut short; another owner is refused.
    env.run(&["pair", &code, "--group", "garden-a"]).expect(0);
    env.run(&["group", "create", "garden-b"]).expect(0);
    let refused = env.run(&["pair", &code, "--group", "garden-b"]).expect(2);
    assert!(
        refused
            .error_line()
            .contains("already paired with garden-a"),
        "{refused:?}"
    );
}

#[test]
fn the_registration_function_refuses_a_certificate_without_a_common_name() {
    let moto = Moto::start();
    let ca = FleetCa::new();
    let registration = Registration::deploy(&moto, &ca);
    let (device, _) = ca.device(None);
    let (id, event) = registration.first_connection(&moto, &ca, &device);

    let outcomes = registration.function.invoke(&moto, &[event]);
    assert_eq!(
        outcomes,
        [json!({
            "errorType": "ValueError",
            "errorMessage": "the certificate's subject has no common name",
        })]
    );
    // It failed before changing anything: still pending, no thing, nothing attached.
    let state = registration_state(&moto, &id, "");
    assert_eq!(state["status"], "PENDING_ACTIVATION", "{state}");
    assert_eq!(state["policies"], json!([]), "{state}");
    assert_eq!(state["things"], json!([]), "{state}");
    assert_eq!(state["allThings"], json!([]), "{state}");
}

/// Messages for the alert rule, each with whether the rule passes it (humidity under 35 as
/// AWS IoT SQL compares it: numbers, and strings that read as numbers).
fn alert_cases() -> Vec<(&'static str, bool)> {
    vec![
        (r#"{"name":"soilSensor2","humidity":32}"#, true),
        (r#"{"name":"soilSensor1","humidity":0}"#, true),
        (r#"{"name":"soilSensor1","humidity":34}"#, true),
        (r#"{"name":"soilSensor1","humidity":35}"#, false),
        (r#"{"name":"soilSensor1","humidity":-5}"#, true),
        (
            r#"{"name":"soilSensor1","humidity":-9223372036854775808}"#,
            true,
        ),
        (r#"{"name":"soilSensor1","humidity":-1e300}"#, true),
        (r#"{"name":"soilSensor1","humidity":20.5}"#, true),
        (r#"{"name":"soilSensor1","humidity":34.999}"#, true),
        (r#"{"name":"soilSensor1","humidity":1e2}"#, false),
        (r#"{"name":"soilSensor1","humidity":1e1}"#, true),
        (r#"{"name":"soilSensor1","humidity":20.0}"#, true),
        (r#"{"name":"soilSensor1","humidity":-0.0}"#, true),
        (r#"{"name":"soilSensor1","humidity":0.1}"#, true),
        (
            r#"{"name":"soilSensor1","humidity":0.30000000000000004}"#,
            true,
        ),
        (r#"{"name":"soilSensor1","humidity":0.00001}"#, true),
        (r#"{"name":"soilSensor1","humidity":1.5E-7}"#, true),
        (r#"{"name":"soilSensor1","humidity":"20"}"#, true),
        (r#"{"name":"soilSensor1","humidity":"20.5"}"#, true),
        (r#"{"name":"soilSensor1","humidity":"-3"}"#, true),
        (r#"{"name":"soilSensor1","humidity":"35"}"#, false),
        (r#"{"name":"soilSensor1","humidity":"dry"}"#, false),
        (r#"{"name":"soilSensor1","humidity":true}"#, false),
        (r#"{"name":"soilSensor1","humidity":null}"#, false),
        (r#"{"name":"soilSensor1","humidity":{"value":20}}"#, false),
        (r#"{"name":"soilSensor1","humidity":[20]}"#, false),
        (r#"{"name":"soilSensor1"}"#, false),
        (r#"{"humidity":21}"#, true),
        (r#"{"name":null,"humidity":22}"#, true),
        (r#"{"name":{"site":"north","row":3},"humidity":23}"#, true),
        (r#"{"name":["a","it's",1.5,true,null],"humidity":24}"#, true),
        (r#"{"name":"Gärtnerei \"Süd\" it's","humidity":25}"#, true),
        (r#"{"name":7,"humidity":26,"extra":{"nested":[1,2]}}"#, true),
    ]
}

#[test]
fn the_native_alert_function_writes_what_the_python_one_publishes() {
    // The events the rule passes, by the rules engine's own evaluation.
    let topic = "device/sensor-1/devicePayload";
    let mut events = Vec::new();
    let mut passed = Vec::new();
    for (message, fires) in alert_cases() {
        let event = rule_event("AlertRule", topic, message);
        assert_eq!(event.is_some(), fires, "the alert rule on {message}");
        if let Some(event) = event {
            events.push(event);
            passed.push(message);
        }
    }

    // The Python function, run on each event against moto; what SNS delivered.
    let moto = Moto::start();
    let topic_arn = topic_arn(&moto);
    let inbox = Inbox::subscribe(&moto, &topic_arn);
    let outcomes = alert_function(&topic_arn).invoke(&moto, &events);
    let mut python: Vec<(String, String)> = inbox
        .drain(&moto)
        .iter()
        .map(|n| {
            (
                n["Subject"].as_str().unwrap_or_default().to_owned(),
                n["Message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (outcome, message) in outcomes.iter().zip(&passed) {
        assert_eq!(
            outcome["result"]["subject"], SUBJECT,
            "{message}: {outcome}"
        );
    }

    // The native function: every message through a running local backend, its alert log.
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);
    let mut cmd = Command::new(crate::local::mosquitto_tool("mosquitto_pub"));
    cmd.args(
        up.mqtt(&env)
            .tls_args(&crate::local::device_dir(&env, "sensor-1")),
    )
    .args(["-i", "sensor-1", "-t", topic, "-q", "1", "-l"]);
    let lines: String = alert_cases()
        .iter()
        .map(|(m, _)| format!("{m}\n"))
        .collect();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting mosquitto_pub");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(lines.as_bytes())
        .expect("writing the messages");
    let out = child.wait_with_output().expect("mosquitto_pub");
    assert!(out.status.success(), "{out:?}\n{}", up.log());
    wait_until("every alert", || {
        (alerts(&env).len() >= events.len()).then_some(())
    })
    .unwrap_or_else(|| panic!("expected {} alerts:\n{}", events.len(), up.log()));
    // A clean stop finishes everything accepted: the log is then complete.
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
    let mut native: Vec<(String, String)> = alerts(&env)
        .iter()
        .map(|a| {
            (
                a["subject"].as_str().unwrap_or_default().to_owned(),
                a["body"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();

    python.sort();
    native.sort();
    assert_eq!(
        native, python,
        "native alerts (left) and the Python function's (right) for {passed:#?}"
    );
    assert_eq!(native.len(), passed.len());
}

/// Writes the fleet CA where `soilctl ca register` reads it.
fn write_ca(dir: &Path, ca: &FleetCa) {
    std::fs::create_dir_all(dir).expect("the CA dir");
    std::fs::write(dir.join(soilctl::byoca::CA_CERT_FILE), &ca.pem).expect("ca.pem");
    soilctl::pki::write_file(
        &dir.join(soilctl::byoca::CA_KEY_FILE),
        ca.key_pem.as_bytes(),
        0o600,
    )
    .expect("ca.key");
}

#[test]
fn the_native_registration_function_does_what_the_python_one_does() {
    let ca = FleetCa::new();
    let (named, named_key) = ca.device(Some("soilSensor7"));
    let (unnamed, unnamed_key) = ca.device(None);

    // Python, on moto.
    let moto = Moto::start();
    let registration = Registration::deploy(&moto, &ca);
    let (named_id, named_event) = registration.first_connection(&moto, &ca, &named);
    let (_, unnamed_event) = registration.first_connection(&moto, &ca, &unnamed);
    let outcomes = registration
        .function
        .invoke(&moto, &[named_event, unnamed_event]);
    let python_named = registration_state(&moto, &named_id, "soilSensor7");
    drop(moto);

    // Native: the same certificates connect to a local backend deployed with the JITR part.
    let env = Env::new(None);
    let deploy = env
        .run(&[
            "--local",
            "--output",
            "json",
            "deploy",
            "--email",
            "ops@example.com",
            "--jitr",
            "--stack-name",
            STACK,
        ])
        .expect(0)
        .json();
    let local_policy = deploy["outputs"]["DevicePolicyName"].clone();
    let ca_dir = env.path("fleet-ca");
    write_ca(&ca_dir, &ca);
    env.run(&[
        "--local",
        "ca",
        "register",
        "--ca",
        &ca_dir.display().to_string(),
    ])
    .expect(0);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let connect = |name: &str, cert: &str, key: &str| {
        let dir = env.path(name);
        std::fs::create_dir_all(&dir).expect("device dir");
        std::fs::write(dir.join("certificate.pem.crt"), format!("{cert}{}", ca.pem))
            .expect("certificate chain");
        soilctl::pki::write_file(&dir.join("private.pem.key"), key.as_bytes(), 0o600).expect("key");
        let topic = format!("device/{name}/devicePayload");
        mqtt.publish(&dir, name, &topic, &["-q", "1", "-m", "{}"])
    };
    // The first connection of each is refused while its certificate is registered.
    assert_ne!(connect("soilSensor7", &named, &named_key).code, 0);
    assert_ne!(connect("unnamed", &unnamed, &unnamed_key).code, 0);
    let activated = up.wait_for_log("just-in-time registration: certificate ");
    assert!(
        activated.contains("activated for thing soilSensor7"),
        "{activated}"
    );
    let failed = up.wait_for_log("Lambda action failed");
    let python_error = format!(
        "{}: {}",
        outcomes[1]["errorType"].as_str().unwrap_or_default(),
        outcomes[1]["errorMessage"].as_str().unwrap_or_default()
    );
    assert_eq!(
        python_error,
        "ValueError: the certificate's subject has no common name"
    );
    assert!(
        failed.contains(&format!("The function failed: {python_error}")),
        "native: {failed}\npython: {python_error}"
    );

    // The same outcome for the named device: its thing with the stack's mark, the device
    // policy and the thing attached, the certificate active.
    let show = env
        .run(&[
            "--local",
            "--output",
            "json",
            "thing",
            "show",
            "soilSensor7",
        ])
        .expect(0)
        .json();
    let certificate = &show["certificates"][0];
    // Each side's own device policy (the stack's), by name.
    let native_named = json!({
        "thing": show["name"],
        "status": certificate["status"],
        "policies": certificate["policies"],
        "attributes": show["attributes"],
    });
    assert_eq!(
        native_named,
        json!({
            "thing": outcomes[0]["result"]["thingName"],
            "status": python_named["status"],
            "policies": [local_policy],
            "attributes": python_named["thing"]["attributes"],
        }),
        "native thing show: {show}\npython (moto): {python_named}"
    );
    assert_eq!(python_named["policies"], json!([POLICY]));
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

//! `soilctl deploy` against moto with the real template, and against a scripted
//! CloudFormation endpoint for what moto cannot show (per-resource failures).

use crate::support::*;

#[test]
fn deploy_creates_the_stack_from_the_real_template() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    let out = env
        .run(&["deploy", "--email", "ops@example.com", "--output", "json"])
        .expect(0);
    let json = out.json();
    assert_eq!(json["action"], "create");
    assert_eq!(json["status"], "CREATE_COMPLETE");
    let outputs = &json["outputs"];
    let bucket = outputs["ArchiveBucketName"]
        .as_str()
        .expect("bucket output")
        .to_string();
    let policy = outputs["DevicePolicyName"]
        .as_str()
        .expect("policy output")
        .to_string();
    let topic = outputs["AlertTopicArn"]
        .as_str()
        .expect("topic output")
        .to_string();
    assert!(json["changes"].as_array().unwrap().len() >= 13, "{json}");
    // The progress lines go to stderr, the document to stdout.
    assert!(out.stderr.contains("CREATE_COMPLETE"), "{}", out.stderr);

    let c = moto.clients();
    block_on(async {
        assert!(
            soilctl::aws::s3::bucket_exists(&c.s3, &bucket)
                .await
                .unwrap()
        );
        assert!(
            soilctl::aws::iot::policy_exists(&c.iot, &policy)
                .await
                .unwrap()
        );
        let subs = soilctl::aws::sns::subscriptions(&c.sns, &topic)
            .await
            .unwrap();
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0].protocol, "email");
        assert_eq!(subs[0].endpoint, "ops@example.com");
        let stack = soilctl::aws::cfn::describe_stack(&c.cfn, "iot-backend")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stack.parameters["AlertEmail"], "ops@example.com");
        assert_eq!(stack.parameters["HumidityThreshold"], "35");
        // Just-in-time registration is off unless asked for.
        assert_eq!(stack.parameters["EnableJustInTimeRegistration"], "false");
        assert!(
            !stack.outputs.contains_key("JitrRuleName"),
            "{:?}",
            stack.outputs
        );
        let doc = c
            .iot
            .get_policy()
            .policy_name(&policy)
            .send()
            .await
            .unwrap();
        let doc = doc.policy_document().unwrap();
        assert!(doc.contains("${iot:Connection.Thing.ThingName}"), "{doc}");
        assert!(!doc.contains("iot:*"), "{doc}");
    });
}

#[test]
fn redeploying_without_changes_succeeds_and_changes_nothing() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    let out = env.run(&["deploy", "--output", "json"]).expect(0);
    assert_eq!(out.json()["action"], "none");
    assert!(out.stderr.contains("No changes"), "{}", out.stderr);
}

#[test]
fn an_update_is_shown_and_needs_yes_without_a_terminal() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    let refused = env.run(&["deploy", "--threshold", "30"]).expect(2);
    assert!(refused.error_line().contains("--yes"), "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("parameter HumidityThreshold: 35 -> 30"),
        "the changes must be shown: {}",
        refused.stderr
    );
    let threshold = || stack_threshold(&moto);
    assert_eq!(threshold(), "35", "a refused update must change nothing");
    let out = env
        .run(&["deploy", "--threshold", "30", "--yes", "--output", "json"])
        .expect(0);
    assert_eq!(out.json()["action"], "update");
    assert_eq!(out.json()["status"], "UPDATE_COMPLETE");
    assert_eq!(threshold(), "30");
}

#[test]
fn a_deploy_that_cloudformation_rejects_reports_the_reason() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    let path = env.path("broken.yaml");
    write(
        &path,
        "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !GetAtt Missing.Arn\n",
    );
    let out = env
        .run(&[
            "deploy",
            "--stack-name",
            "broken",
            "--template",
            path.to_str().unwrap(),
        ])
        .expect(1);
    assert!(
        out.error_line()
            .contains("references undefined resource Missing"),
        "{}",
        out.stderr
    );
}

#[test]
fn no_wait_returns_once_started() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    let out = env
        .run(&[
            "deploy",
            "--email",
            "ops@example.com",
            "--no-wait",
            "--output",
            "json",
        ])
        .expect(0);
    assert_eq!(out.json()["status"], "CREATE_IN_PROGRESS");
}

fn failing_create(action: &str, count: usize) -> (u16, String) {
    match action {
        "DescribeStacks" if count == 1 => cfn_error(
            "ValidationError",
            "Stack with id iot-backend does not exist",
        ),
        "DescribeStacks" => cfn_stack("iot-backend", "ROLLBACK_COMPLETE"),
        "CreateChangeSet" => cfn_ok(
            "CreateChangeSet",
            "<Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/c/1</Id><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/iot-backend/1</StackId>",
        ),
        "DescribeChangeSet" => cfn_ok(
            "DescribeChangeSet",
            "<Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus><Changes>\
             <member><Type>Resource</Type><ResourceChange><Action>Add</Action><LogicalResourceId>ArchiveBucket</LogicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType></ResourceChange></member>\
             <member><Type>Resource</Type><ResourceChange><Action>Add</Action><LogicalResourceId>AlertTopic</LogicalResourceId><ResourceType>AWS::SNS::Topic</ResourceType></ResourceChange></member>\
             </Changes>",
        ),
        "ExecuteChangeSet" => cfn_ok("ExecuteChangeSet", ""),
        // Before the change set runs: only the event of its creation.
        "DescribeStackEvents" if count == 1 => cfn_ok(
            "DescribeStackEvents",
            "<StackEvents>\
             <member><EventId>e0</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>iot-backend</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><Timestamp>2026-01-01T00:00:00Z</Timestamp><ResourceStatus>REVIEW_IN_PROGRESS</ResourceStatus></member>\
             </StackEvents>",
        ),
        "DescribeStackEvents" => cfn_ok(
            "DescribeStackEvents",
            "<StackEvents>\
             <member><EventId>e4</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>iot-backend</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><Timestamp>2099-01-01T00:00:04Z</Timestamp><ResourceStatus>ROLLBACK_COMPLETE</ResourceStatus></member>\
             <member><EventId>e3</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>AlertTopic</LogicalResourceId><ResourceType>AWS::SNS::Topic</ResourceType><Timestamp>2099-01-01T00:00:03Z</Timestamp><ResourceStatus>CREATE_FAILED</ResourceStatus><ResourceStatusReason>Resource creation cancelled</ResourceStatusReason></member>\
             <member><EventId>e2</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>ArchiveBucket</LogicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType><Timestamp>2099-01-01T00:00:02Z</Timestamp><ResourceStatus>CREATE_FAILED</ResourceStatus><ResourceStatusReason>API: s3:CreateBucket Access Denied</ResourceStatusReason></member>\
             <member><EventId>e1</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>ArchiveBucket</LogicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType><Timestamp>2099-01-01T00:00:01Z</Timestamp><ResourceStatus>CREATE_IN_PROGRESS</ResourceStatus></member>\
             <member><EventId>e0</EventId><StackId>s</StackId><StackName>iot-backend</StackName><LogicalResourceId>iot-backend</LogicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><Timestamp>2026-01-01T00:00:00Z</Timestamp><ResourceStatus>REVIEW_IN_PROGRESS</ResourceStatus></member>\
             </StackEvents>",
        ),
        "ListStackResources" => cfn_ok("ListStackResources", "<StackResourceSummaries/>"),
        other => cfn_error("InvalidAction", &format!("unexpected {other}")),
    }
}

#[test]
fn a_failed_resource_is_reported_with_its_reason_and_exit_1() {
    let fake = FakeCloudFormation::start(Box::new(failing_create));
    let env = Env::new(Some(fake.url()));
    let out = env
        .run(&["deploy", "--email", "ops@example.com", "--output", "json"])
        .expect(1);
    assert!(
        out.stderr.contains("ended ROLLBACK_COMPLETE"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "ArchiveBucket (AWS::S3::Bucket): CREATE_FAILED - API: s3:CreateBucket Access Denied"
        ),
        "{}",
        out.stderr
    );
    // Every event of this deployment is shown, and none from before it.
    assert!(out.stderr.contains("CREATE_IN_PROGRESS"), "{}", out.stderr);
    assert!(!out.stderr.contains("REVIEW_IN_PROGRESS"), "{}", out.stderr);
    let json = out.json();
    let failures = json["failures"].as_array().unwrap();
    // The cancelled sibling is noise, not a cause.
    assert_eq!(failures.len(), 1, "{json}");
    assert_eq!(failures[0]["logicalId"], "ArchiveBucket");
}

#[test]
fn on_a_terminal_an_update_asks_before_it_changes_anything() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    let threshold = || stack_threshold(&moto);
    let declined = on_terminal(&env, "deploy --threshold 30", "n\n");
    assert_eq!(declined.code, 1, "{}", declined.stdout);
    assert!(
        declined.stdout.contains("Apply these changes? [y/N]"),
        "{}",
        declined.stdout
    );
    assert!(
        declined
            .stdout
            .contains("parameter HumidityThreshold: 35 -> 30"),
        "{}",
        declined.stdout
    );
    assert!(
        declined.stdout.contains("nothing was changed"),
        "{}",
        declined.stdout
    );
    assert_eq!(threshold(), "35");
    let accepted = on_terminal(&env, "deploy --threshold 30", "y\n");
    assert_eq!(accepted.code, 0, "{}", accepted.stdout);
    assert!(
        accepted.stdout.contains("UPDATE_COMPLETE"),
        "{}",
        accepted.stdout
    );
    assert_eq!(threshold(), "30");
}

#[test]
fn jitr_deploys_the_registration_part_and_can_be_switched_off() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    let out = env
        .run(&[
            "deploy",
            "--email",
            "ops@example.com",
            "--jitr",
            "--output",
            "json",
        ])
        .expect(0);
    let json = out.json();
    assert_eq!(json["status"], "CREATE_COMPLETE", "{json}");
    let added: Vec<&str> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["logicalId"].as_str())
        .filter(|id| id.starts_with("Jitr"))
        .collect();
    assert_eq!(added.len(), 5, "{json}");
    // moto's change sets give the stack no outputs (soilctl reads the four it needs from the
    // resources instead), so the registration part is checked through the stack's resources.
    let c = moto.clients();
    let stack = || {
        block_on(async {
            let stack = soilctl::aws::cfn::describe_stack(&c.cfn, "iot-backend")
                .await
                .unwrap()
                .unwrap();
            let made: Vec<String> = soilctl::aws::cfn::list_stack_resources(&c.cfn, &stack.id)
                .await
                .unwrap()
                .into_iter()
                .filter(|r| r.physical_id.is_some() && !r.status.starts_with("DELETE"))
                .map(|r| r.logical_id)
                .collect();
            (
                stack.parameters["EnableJustInTimeRegistration"].clone(),
                made,
            )
        })
    };
    let (parameter, made) = stack();
    assert_eq!(parameter, "true");
    for id in ["JitrFunction", "JitrFunctionRole", "JitrFunctionLogGroup"] {
        assert!(made.iter().any(|m| m == id), "{id} was not made: {made:?}");
    }

    let out = env
        .run(&["deploy", "--jitr=false", "--yes", "--output", "json"])
        .expect(0);
    let json = out.json();
    assert_eq!(json["status"], "UPDATE_COMPLETE", "{json}");
    // moto keeps a resource whose condition turns false (CloudFormation deletes it; the
    // local backend's removal is checked below), so only the parameter is checked here.
    let (parameter, made) = stack();
    assert_eq!(parameter, "false");
    assert!(made.iter().any(|m| m == "AlertFunction"), "{made:?}");
}

#[test]
fn jitr_takes_only_a_boolean_and_a_template_that_declares_it() {
    let env = Env::new(None);
    let out = env
        .run(&[
            "--local",
            "deploy",
            "--email",
            "ops@example.com",
            "--jitr=maybe",
        ])
        .expect(2);
    assert!(out.stderr.contains("--jitr"), "{}", out.stderr);
    let template = env.path("t.yaml");
    crate::support::write(
        &template,
        "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n",
    );
    let out = env
        .run(&[
            "--local",
            "deploy",
            "--template",
            template.to_str().unwrap(),
            "--jitr",
        ])
        .expect(2);
    assert!(
        out.error_line().contains("EnableJustInTimeRegistration"),
        "{}",
        out.stderr
    );
}

#[test]
fn jitr_on_the_local_backend_adds_and_removes_only_the_registration_part() {
    let env = Env::new(None);
    let changes = |json: &serde_json::Value| -> Vec<(String, String)> {
        json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["action"].as_str().unwrap().to_string(),
                    c["logicalId"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let registration = [
        "JitrFunction",
        "JitrFunctionLogGroup",
        "JitrFunctionPermission",
        "JitrFunctionRole",
        "JitrRule",
    ];
    let first = env
        .run(&[
            "--local",
            "--output",
            "json",
            "deploy",
            "--email",
            "ops@example.com",
        ])
        .expect(0)
        .json();
    let made = changes(&first);
    assert_eq!(made.len(), 21, "{made:?}");
    assert!(
        made.iter()
            .all(|(action, id)| action == "Add" && !id.starts_with("Jitr"))
    );
    assert!(first["outputs"].get("JitrRuleName").is_none(), "{first}");

    let on = env
        .run(&["--local", "--output", "json", "deploy", "--jitr", "--yes"])
        .expect(0)
        .json();
    let expected: Vec<(String, String)> = registration
        .iter()
        .map(|id| ("Add".to_string(), id.to_string()))
        .collect();
    assert_eq!(changes(&on), expected);
    assert!(on["outputs"]["JitrRuleName"].is_string(), "{on}");
    assert_eq!(
        on["outputs"]["ArchiveBucketName"], first["outputs"]["ArchiveBucketName"],
        "the rest stays as it was"
    );

    let again = env
        .run(&["--local", "--output", "json", "deploy", "--yes"])
        .expect(0)
        .json();
    assert_eq!(
        again["action"], "none",
        "the stack keeps its setting: {again}"
    );

    let off = env
        .run(&[
            "--local",
            "--output",
            "json",
            "deploy",
            "--jitr=false",
            "--yes",
        ])
        .expect(0)
        .json();
    let expected: Vec<(String, String)> = registration
        .iter()
        .map(|id| ("Remove".to_string(), id.to_string()))
        .collect();
    assert_eq!(changes(&off), expected);
    assert_eq!(off["outputs"], first["outputs"]);
}

/// The deployed stack's HumidityThreshold parameter, as moto holds it.
fn stack_threshold(moto: &Moto) -> String {
    let c = moto.clients();
    block_on(async {
        soilctl::aws::cfn::describe_stack(&c.cfn, "iot-backend")
            .await
            .unwrap()
            .unwrap()
            .parameters["HumidityThreshold"]
            .clone()
    })
}

/// A CA of our own and a device identity it issued with `cn` as its common name, in `dir` as a
/// just-in-time registered device keeps it (its certificate followed by the CA's); returns the
/// CA's PEM.
fn own_ca_and_device(dir: &std::path::Path, cn: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name = rcgen::DistinguishedName::new();
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "soil fleet CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let cert = params.signed_by(&key, &issuer).unwrap();
    std::fs::write(dir.join("certificate.pem.crt"), cert.pem() + &ca_cert.pem()).unwrap();
    std::fs::write(dir.join("private.pem.key"), key.serialize_pem()).unwrap();
    ca_cert.pem()
}

#[test]
fn jitr_on_the_local_backend_registers_a_device_and_lets_its_next_connection_in() {
    use soilctl::local::registry::{
        CaStatus, CertificateStatus, Registry, certificate_id, pem_to_der,
    };

    use crate::local::{LocalUp, state_dir, wait_objects, wait_until};

    let env = Env::new(None);
    let deployed = env
        .run(&[
            "--local",
            "--output",
            "json",
            "deploy",
            "--email",
            "ops@example.com",
            "--jitr",
        ])
        .expect(0)
        .json();
    let outputs = &deployed["outputs"];
    let policy = outputs["DevicePolicyName"].as_str().unwrap().to_string();
    let rule = outputs["JitrRuleName"].as_str().unwrap().to_string();
    let bucket = state_dir(&env)
        .join("buckets")
        .join(outputs["ArchiveBucketName"].as_str().unwrap());
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let registry = Registry::open(&state_dir(&env).join("registry.db")).unwrap();
    let served = || {
        let wanted = registry.generation().unwrap();
        let broker_file = state_dir(&env).join("broker.json");
        wait_until("the backend to serve the registry", || {
            let text = std::fs::read_to_string(&broker_file).ok()?;
            let info: serde_json::Value = serde_json::from_str(&text).ok()?;
            (info["generation"].as_u64()? >= wanted).then_some(())
        })
        .expect("the backend did not reload the registry");
    };

    // What `ca register` does: the CA, active, with auto-registration on.
    let device = env.path("soilSensor9");
    let ca_pem = own_ca_and_device(&device, "soilSensor9");
    registry.add_ca(&ca_pem, CaStatus::Active, true).unwrap();
    served();
    let chain = std::fs::read_to_string(device.join("certificate.pem.crt")).unwrap();
    let id = certificate_id(&pem_to_der(&chain).unwrap());

    // The first connection registers the certificate and is refused; the stack's rule runs
    // the registration function on the event.
    let topic = "device/soilSensor9/devicePayload";
    let reading = ["-q", "1", "-m", r#"{"name":"soilSensor9","humidity":50}"#];
    let first = mqtt.publish(&device, "soilSensor9", topic, &reading);
    assert_ne!(first.code, 0, "{first:?}");
    let line = up.wait_for_log("just-in-time registration: certificate");
    assert!(
        line.contains(&format!("certificate {id} activated for thing soilSensor9")),
        "{line}"
    );
    assert!(up.log().contains(&format!(
        "rule {rule} fired on $aws/events/certificates/registered/"
    )));
    let certificate = registry.certificate(&id).unwrap().unwrap();
    assert_eq!(certificate.status, CertificateStatus::Active);
    let thing = registry.thing("soilSensor9").unwrap().unwrap();
    assert_eq!(thing.attributes["soilctl-stack"], "iot-backend");
    assert_eq!(
        registry.thing_principals("soilSensor9").unwrap(),
        std::slice::from_ref(&certificate.arn)
    );
    let attached: Vec<String> = registry
        .attached_policies(&certificate.arn)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(attached, [policy]);

    // The next connection is let in, under the device policy: its reading is archived.
    served();
    mqtt.publish(&device, "soilSensor9", topic, &reading)
        .expect(0);
    let objects = wait_objects(&bucket, 1);
    assert!(objects[0].0.starts_with("soilSensor9/"), "{objects:?}");
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");

    // The registered device is the stack's: teardown removes it with its certificate.
    env.run(&["--local", "teardown", "--yes"]).expect(0);
    assert!(registry.thing("soilSensor9").unwrap().is_none());
    assert!(registry.certificate(&id).unwrap().is_none());
}

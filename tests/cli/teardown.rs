//! `soilctl teardown` against moto: nothing is left, a second run and a run after an
//! interrupted one finish the job, and nothing happens without --yes.

use std::process::Command;

use aws_sdk_s3::primitives::ByteStream;

use crate::support::*;

/// Deploys, makes three things and puts versioned objects (and a delete marker) in the bucket.
fn populated(moto: &Moto) -> (Env, String) {
    let env = Env::moto(moto);
    let out = env
        .run(&["deploy", "--email", "ops@example.com", "--output", "json"])
        .expect(0);
    let bucket = out.json()["outputs"]["ArchiveBucketName"]
        .as_str()
        .unwrap()
        .to_string();
    env.run(&["thing", "create", "--count", "3"]).expect(0);
    let c = moto.clients();
    block_on(async {
        // moto's CloudFormation does not apply VersioningConfiguration; AWS does.
        c.s3.put_bucket_versioning()
            .bucket(&bucket)
            .versioning_configuration(
                aws_sdk_s3::types::VersioningConfiguration::builder()
                    .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        for i in 0..5 {
            let key = format!("soilSensor1/{i}.json");
            for body in ["{\"humidity\": 30}", "{\"humidity\": 31}"] {
                c.s3.put_object()
                    .bucket(&bucket)
                    .key(&key)
                    .body(ByteStream::from_static(body.as_bytes()))
                    .send()
                    .await
                    .unwrap();
            }
        }
        c.s3.delete_object()
            .bucket(&bucket)
            .key("soilSensor1/0.json")
            .send()
            .await
            .unwrap();
    });
    (env, bucket)
}

/// Lists every kind of resource the backend and soilctl create; returns what is left.
fn leftovers(moto: &Moto) -> Vec<String> {
    let c = moto.clients();
    let mut left = Vec::new();
    block_on(async {
        let stacks = c.cfn.list_stacks().send().await.unwrap();
        for s in stacks.stack_summaries() {
            if s.stack_status().map(|s| s.as_str()) != Some("DELETE_COMPLETE") {
                left.push(format!("stack {}", s.stack_name().unwrap_or_default()));
            }
        }
        for b in c.s3.list_buckets().send().await.unwrap().buckets() {
            left.push(format!("bucket {}", b.name().unwrap_or_default()));
        }
        for t in c.iot.list_things().send().await.unwrap().things() {
            left.push(format!("thing {}", t.thing_name().unwrap_or_default()));
        }
        for cert in c
            .iot
            .list_certificates()
            .send()
            .await
            .unwrap()
            .certificates()
        {
            left.push(format!(
                "certificate {}",
                cert.certificate_id().unwrap_or_default()
            ));
        }
        for p in c.iot.list_policies().send().await.unwrap().policies() {
            left.push(format!("policy {}", p.policy_name().unwrap_or_default()));
        }
        for t in c.sns.list_topics().send().await.unwrap().topics() {
            left.push(format!("topic {}", t.topic_arn().unwrap_or_default()));
        }
        for s in c
            .sns
            .list_subscriptions()
            .send()
            .await
            .unwrap()
            .subscriptions()
        {
            left.push(format!(
                "subscription {}",
                s.subscription_arn().unwrap_or_default()
            ));
        }
        for r in c.iot.list_topic_rules().send().await.unwrap().rules() {
            left.push(format!("rule {}", r.rule_name().unwrap_or_default()));
        }
    });
    // Lambda, IAM and CloudWatch Logs through the AWS CLI (no SDK crate of ours covers them).
    for (service, args, field) in [
        ("lambda", vec!["list-functions"], "Functions"),
        ("iam", vec!["list-roles"], "Roles"),
        ("logs", vec!["describe-log-groups"], "logGroups"),
    ] {
        let out = Command::new(venv_bin("aws"))
            .arg(service)
            .args(&args)
            .args([
                "--endpoint-url",
                &moto.url(),
                "--region",
                REGION,
                "--output",
                "json",
            ])
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .output()
            .expect("running the aws CLI");
        assert!(
            out.status.success(),
            "aws {service}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for item in json[field].as_array().unwrap() {
            left.push(format!("{service} {item}"));
        }
    }
    left
}

#[test]
fn teardown_leaves_nothing_behind() {
    let moto = Moto::start();
    let (env, _bucket) = populated(&moto);
    assert!(
        leftovers(&moto).len() > 10,
        "the setup made nothing? {:?}",
        leftovers(&moto)
    );
    let out = env
        .run(&["teardown", "--yes", "--output", "json"])
        .expect(0);
    let json = out.json();
    assert_eq!(json["nothingLeft"], true, "{json}");
    assert_eq!(
        json["objectsDeleted"], 11,
        "10 versions and 1 delete marker: {json}"
    );
    assert_eq!(json["certificatesDeleted"].as_array().unwrap().len(), 3);
    assert!(
        json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["gone"] == true)
    );
    assert_eq!(leftovers(&moto), Vec::<String>::new());
    assert!(
        std::fs::read_dir(env.devices())
            .map(|d| d.count())
            .unwrap_or(0)
            == 0,
        "the deleted devices' key files must be removed"
    );
    // Idempotent: a second run finds nothing to do and succeeds.
    let again = env
        .run(&["teardown", "--yes", "--output", "json"])
        .expect(0);
    assert_eq!(again.json()["nothingLeft"], true);
    assert_eq!(leftovers(&moto), Vec::<String>::new());
}

#[test]
fn teardown_finishes_what_an_interrupted_one_started() {
    let moto = Moto::start();
    let (env, bucket) = populated(&moto);
    // An earlier teardown stopped part-way: one thing fully gone, one thing's certificate
    // detached and deactivated but not deleted, some objects deleted, rules untouched.
    let c = moto.clients();
    block_on(async {
        let principals = soilctl::aws::iot::list_thing_principals(&c.iot, "soilSensor2")
            .await
            .unwrap()
            .unwrap();
        let cert = &principals[0];
        soilctl::aws::iot::detach_thing_principal(&c.iot, "soilSensor2", cert)
            .await
            .unwrap();
        let id = soilctl::aws::iot::certificate_id(cert).to_string();
        for p in soilctl::aws::iot::list_attached_policies(&c.iot, cert)
            .await
            .unwrap()
        {
            soilctl::aws::iot::detach_policy(&c.iot, &p, cert)
                .await
                .unwrap();
        }
        soilctl::aws::iot::set_certificate_active(&c.iot, &id, false)
            .await
            .unwrap();
        c.s3.delete_object()
            .bucket(&bucket)
            .key("soilSensor1/3.json")
            .send()
            .await
            .unwrap();
    });
    env.run(&["thing", "delete", "soilSensor3"]).expect(0);

    let out = env
        .run(&["teardown", "--yes", "--output", "json"])
        .expect(0);
    assert_eq!(out.json()["nothingLeft"], true, "{}", out.stdout);
    assert_eq!(leftovers(&moto), Vec::<String>::new());
}

#[test]
fn teardown_needs_yes_without_a_terminal_and_dry_run_changes_nothing() {
    let moto = Moto::start();
    let (env, _) = populated(&moto);
    let before = leftovers(&moto);
    let out = env.run(&["teardown"]).expect(2);
    assert!(out.error_line().contains("--yes"), "{}", out.stderr);
    let dry = env
        .run(&["teardown", "--dry-run", "--output", "json"])
        .expect(0)
        .json();
    assert_eq!(dry["dryRun"], true);
    assert_eq!(dry["plan"]["things"].as_array().unwrap().len(), 3);
    assert!(dry["plan"]["bucket"].is_string());
    assert_eq!(leftovers(&moto), before);
}

#[test]
fn teardown_of_a_stack_that_never_existed_is_not_an_error() {
    let moto = Moto::start();
    let env = Env::moto(&moto);
    let out = env
        .run(&[
            "teardown",
            "--stack-name",
            "never-made",
            "--yes",
            "--output",
            "json",
        ])
        .expect(0);
    assert_eq!(out.json()["nothingLeft"], true);
}

#[test]
fn on_a_terminal_teardown_asks_and_no_keeps_everything() {
    let moto = Moto::start();
    let (env, _) = populated(&moto);
    let before = leftovers(&moto);
    let out = on_terminal(&env, "teardown", "n\n");
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("Delete all of this? [y/N]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("delete thing soilSensor1 with its certificates"),
        "{}",
        out.stdout
    );
    assert_eq!(leftovers(&moto), before);
}

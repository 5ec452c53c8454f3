//! The local backend's AWS API endpoint with the AWS CLI and boto3 (peers we did not write)
//! as clients, pointed at it by `soilctl local env`.

use std::process::Command;

use crate::local::{LocalUp, deployed};
use crate::support::{Env, Output, venv_bin};

/// `program args...` with what `soilctl local env --output json` says.
pub(crate) fn with_local_env(env: &Env, program: &str, args: &[&str]) -> Output {
    run_with_local_env(env, env.command_for(program, args))
}

/// What `soilctl local env --output json` says.
pub(crate) fn local_env(env: &Env) -> serde_json::Value {
    env.run(&["--local", "--output", "json", "local", "env"])
        .expect(0)
        .json()
}

/// Runs `cmd` with the local backend's environment.
pub(crate) fn run_with_local_env(env: &Env, mut cmd: Command) -> Output {
    let vars = local_env(env);
    for (k, v) in vars.as_object().expect("an object of variables") {
        cmd.env(k, v.as_str().expect("string values"));
    }
    let out = cmd.output().expect("running the peer");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub(crate) fn aws(env: &Env, args: &[&str]) -> Output {
    let aws = venv_bin("aws");
    with_local_env(env, aws.to_str().unwrap(), args)
}

/// `aws ARGS --output json`, which must succeed, as JSON.
pub(crate) fn aws_json(env: &Env, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.extend(["--output", "json"]);
    aws(env, &args).expect(0).json()
}

/// `aws iot create-thing` of `name` with attribute `site`.
fn create_thing(env: &Env, name: &str, site: &str) -> Output {
    let attributes = format!(r#"{{"attributes":{{"site":"{site}"}}}}"#);
    aws(
        env,
        &[
            "iot",
            "create-thing",
            "--thing-name",
            name,
            "--attribute-payload",
            &attributes,
            "--output",
            "json",
        ],
    )
}

/// Publishes a reading as probe-1 with the files in `device`, trying again until the running
/// broker has read the registry change that made the device.
fn publish_when_accepted(up: &LocalUp, env: &Env, device: &std::path::Path) {
    crate::local::wait_until("the broker to accept probe-1", || {
        let out = up.mqtt(env).publish(
            device,
            "probe-1",
            "device/probe-1/devicePayload",
            &["-q", "1", "-m", r#"{"name":"probe-1","humidity":20}"#],
        );
        (out.code == 0).then_some(())
    })
    .unwrap_or_else(|| panic!("probe-1 was never accepted:\n{}", up.log()));
}

#[test]
fn the_aws_cli_and_boto3_manage_things_on_the_local_backend() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1"]);
    let up = LocalUp::start(&env);

    let listed = aws_json(&env, &["iot", "list-things"]);
    let names: Vec<&str> = listed["things"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["thingName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sensor-1"]);

    let made = create_thing(&env, "probe-1", "north").expect(0).json();
    assert_eq!(made["thingName"], "probe-1");
    assert_eq!(
        made["thingArn"],
        "arn:aws:iot:local:000000000000:thing/probe-1"
    );
    // It is in the registry that `local up` and the CLI share.
    let registry = soilctl::local::registry::Registry::open(
        &crate::local::state_dir(&env).join("registry.db"),
    )
    .unwrap();
    let thing = registry.thing("probe-1").unwrap().expect("the thing made");
    assert_eq!(thing.attributes["site"], "north");

    let described = aws_json(&env, &["iot", "describe-thing", "--thing-name", "probe-1"]);
    assert_eq!(described["attributes"]["site"], "north");
    assert_eq!(described["defaultClientId"], "probe-1");

    // A missing thing: the AWS CLI's own error for AWS IoT's exception (version 1 of the CLI,
    // the test venv's, exits 255 on a service error).
    let missing = aws(&env, &["iot", "describe-thing", "--thing-name", "nobody"]);
    assert_eq!(missing.code, 255, "{missing:?}");
    assert!(
        missing.stderr.contains(
            "An error occurred (ResourceNotFoundException) when calling the DescribeThing operation"
        ),
        "{}",
        missing.stderr
    );
    // A second thing of the same name with other attributes.
    let clash = create_thing(&env, "probe-1", "south");
    assert!(
        clash.stderr.contains("(ResourceAlreadyExistsException)"),
        "{clash:?}"
    );
    // A thing with a certificate attached cannot go.
    let conflict = aws(&env, &["iot", "delete-thing", "--thing-name", "sensor-1"]);
    assert!(
        conflict.stderr.contains("(DeleteConflictException)"),
        "{conflict:?}"
    );

    let endpoint = aws_json(
        &env,
        &[
            "iot",
            "describe-endpoint",
            "--endpoint-type",
            "iot:Data-ATS",
        ],
    );
    assert_eq!(endpoint["endpointAddress"], "localhost");

    // boto3, paging two at a time over three things.
    aws(&env, &["iot", "create-thing", "--thing-name", "probe-2"]).expect(0);
    let python = venv_bin("python");
    let script = "import boto3\n\
        pages = boto3.client('iot').get_paginator('list_things').paginate(PaginationConfig={'PageSize': 2})\n\
        print(','.join(t['thingName'] for p in pages for t in p['things']))\n\
        try:\n    boto3.client('iot').describe_thing(thingName='nobody')\n\
        except boto3.client('iot').exceptions.ResourceNotFoundException:\n    print('not found')\n";
    let out = with_local_env(&env, python.to_str().unwrap(), &["-c", script]).expect(0);
    assert_eq!(
        out.stdout, "probe-1,probe-2,sensor-1\nnot found\n",
        "{out:?}"
    );

    aws(&env, &["iot", "delete-thing", "--thing-name", "probe-1"]).expect(0);
    aws(&env, &["iot", "delete-thing", "--thing-name", "probe-2"]).expect(0);
    let listed = aws_json(&env, &["iot", "list-things"]);
    assert_eq!(listed["things"].as_array().unwrap().len(), 1);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn local_env_needs_a_running_backend_and_prints_shell_lines() {
    let env = Env::new(None);
    deployed(&env, &[]);
    let out = env.run(&["--local", "local", "env"]).expect(2);
    assert!(
        out.stderr.contains("no `soilctl local up` is running"),
        "{}",
        out.stderr
    );
    let up = LocalUp::start(&env);
    let out = env.run(&["--local", "local", "env"]).expect(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", out.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("export AWS_ENDPOINT_URL=http://127.0.0.1:")),
        "{}",
        out.stdout
    );
    // What a user types: eval, then their own tool.
    let aws = venv_bin("aws");
    let soilctl = env!("CARGO_BIN_EXE_soilctl");
    let script = format!(
        "eval \"$('{soilctl}' --local local env)\" && '{}' iot list-things --output text --query 'length(things)'",
        aws.display()
    );
    let out = env.command_for("sh", &["-c", &script]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "0",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn a_device_provisioned_with_the_aws_cli_alone_connects_and_is_archived() {
    let env = Env::new(None);
    let bucket = deployed(&env, &[]);
    let up = LocalUp::start(&env);
    // The key is made here, with openssl; only the CSR goes to the backend.
    let dir = env.path("probe-1");
    std::fs::create_dir_all(&dir).unwrap();
    let key = dir.join("private.pem.key");
    let csr = dir.join("probe-1.csr");
    let status = Command::new("openssl")
        .args([
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&csr)
        .args(["-subj", "/CN=probe-1"])
        .output()
        .expect("openssl (Debian's) is needed to make the device's key");
    assert!(status.status.success(), "{status:?}");

    let made = aws_json(
        &env,
        &[
            "iot",
            "create-certificate-from-csr",
            "--certificate-signing-request",
            &format!("file://{}", csr.display()),
            "--set-as-active",
        ],
    );
    let arn = made["certificateArn"].as_str().unwrap().to_owned();
    std::fs::write(
        dir.join("certificate.pem.crt"),
        made["certificatePem"].as_str().unwrap(),
    )
    .unwrap();
    let policies = aws_json(&env, &["iot", "list-policies"]);
    let policy = policies["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policyName"].as_str().unwrap())
        .find(|n| n.contains("DevicePolicy"))
        .expect("the stack's device policy")
        .to_owned();
    aws(&env, &["iot", "create-thing", "--thing-name", "probe-1"]).expect(0);
    aws(
        &env,
        &[
            "iot",
            "attach-policy",
            "--policy-name",
            &policy,
            "--target",
            &arn,
        ],
    )
    .expect(0);
    aws(
        &env,
        &[
            "iot",
            "attach-thing-principal",
            "--thing-name",
            "probe-1",
            "--principal",
            &arn,
        ],
    )
    .expect(0);
    let principals = aws_json(
        &env,
        &["iot", "list-thing-principals", "--thing-name", "probe-1"],
    );
    assert_eq!(principals["principals"], serde_json::json!([arn]));
    let attached = aws_json(&env, &["iot", "list-attached-policies", "--target", &arn]);
    assert_eq!(attached["policies"][0]["policyName"], policy.as_str());

    // The device connects with its own key and the certificate the backend signed.
    publish_when_accepted(&up, &env, &dir);
    let objects = crate::local::wait_objects(&bucket, 1);
    assert!(objects[0].0.starts_with("probe-1/"), "{objects:?}");

    // A revoked certificate no longer gets in.
    let id = made["certificateId"].as_str().unwrap();
    aws(
        &env,
        &[
            "iot",
            "update-certificate",
            "--certificate-id",
            id,
            "--new-status",
            "REVOKED",
        ],
    )
    .expect(0);
    let described = aws_json(
        &env,
        &["iot", "describe-certificate", "--certificate-id", id],
    );
    assert_eq!(described["certificateDescription"]["status"], "REVOKED");
    crate::local::wait_until("the revocation to reach the broker", || {
        let out = up.mqtt(&env).publish(
            &dir,
            "probe-1",
            "device/probe-1/devicePayload",
            &["-q", "1", "-m", "{}"],
        );
        (out.code != 0).then_some(())
    })
    .expect("a revoked certificate is refused");
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn the_aws_code_path_of_thing_create_and_delete_runs_end_to_end_against_the_local_api() {
    let env = Env::new(None);
    let bucket = deployed(&env, &[]);
    let up = LocalUp::start(&env);
    let endpoint = local_env(&env)["AWS_ENDPOINT_URL"]
        .as_str()
        .unwrap()
        .to_owned();
    // soilctl's own AWS code: CloudFormation for the stack, then AWS IoT for the thing, the
    // certificate from the CSR of a key made here, the policy and the attachments.
    let with_aws = |args: &[&str]| run_with_local_env(&env, env.command(args));
    let made = with_aws(&["--endpoint-url", &endpoint, "thing", "create", "probe-1"]).expect(0);
    assert!(made.stdout.contains("probe-1  created"), "{made:?}");
    let device = crate::local::device_dir(&env, "probe-1");
    // The device connects with its own key (the local broker's CA instead of Amazon's), once
    // the running broker has read the registry change (within 200 ms; AWS IoT too takes a
    // moment before a new certificate is accepted).
    publish_when_accepted(&up, &env, &device);
    let objects = crate::local::wait_objects(&bucket, 1);
    assert!(objects[0].0.starts_with("probe-1/"), "{objects:?}");
    let listed = with_aws(&["--endpoint-url", &endpoint, "thing", "list"]).expect(0);
    assert!(listed.stdout.contains("probe-1"), "{listed:?}");
    let deleted = with_aws(&["--endpoint-url", &endpoint, "thing", "delete", "probe-1"]).expect(0);
    assert!(deleted.stdout.contains("probe-1  deleted"), "{deleted:?}");
    let registry = soilctl::local::registry::Registry::open(
        &crate::local::state_dir(&env).join("registry.db"),
    )
    .unwrap();
    assert!(registry.thing("probe-1").unwrap().is_none());
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

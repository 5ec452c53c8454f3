//! Firmware over the air and encrypted files, end to end on the local backend: the AWS IoT
//! Device SDK v2 for Python as the device (its iotjobs client), mosquitto_sub on the
//! notifications and events, simulated fleets with tampered downloads and abort criteria, and
//! a file only its device can read.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::local::{LocalUp, deployed, device_dir, objects, state_dir};
use crate::support::{Env, venv_bin};

/// Signing key, one published image of `bytes` bytes at `version`.
fn published(env: &Env, version: &str, bytes: usize) -> Vec<u8> {
    env.run(&["--local", "signing-key", "create"]).expect(0);
    publish(env, version, bytes)
}

/// Publishes an image of `bytes` bytes at `version` with the stack's key.
fn publish(env: &Env, version: &str, bytes: usize) -> Vec<u8> {
    let image: Vec<u8> = (0..bytes)
        .map(|i| (i * 7 % 251) as u8 ^ bytes as u8)
        .collect();
    let file = env.path(&format!("image-{version}.bin"));
    std::fs::write(&file, &image).unwrap();
    env.run(&[
        "--local",
        "firmware",
        "publish",
        file.to_str().unwrap(),
        "--version",
        version,
    ])
    .expect(0);
    image
}

fn sdk_device(up: &LocalUp, env: &Env, thing: &str) -> Value {
    let dir = device_dir(env, thing);
    let out = Command::new(venv_bin("python"))
        .arg(crate::support::root().join("tests/peers/jobs_device.py"))
        .args(["localhost", &up.port.to_string()])
        .arg(state_dir(env).join("ca/ca.pem"))
        .arg(dir.join("certificate.pem.crt"))
        .arg(dir.join("private.pem.key"))
        .arg(thing)
        .stdin(Stdio::null())
        .output()
        .expect("running the AWS IoT Device SDK's jobs client");
    assert!(
        out.status.success(),
        "the SDK device failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the SDK device prints JSON")
}

/// `mosquitto_sub -v` lines as (topic, JSON).
fn lines(child: std::process::Child) -> Vec<(String, Value)> {
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (t, p) = l.split_once(' ').expect("topic and payload");
            (t.to_owned(), serde_json::from_str(p).expect("JSON"))
        })
        .collect()
}

#[test]
fn the_aws_iot_device_sdk_runs_a_firmware_job_against_local_up() {
    let env = Env::new(None);
    deployed(&env, &["sensor-1", "sensor-2"]);
    published(&env, "1.2.0", 4096);
    let up = LocalUp::start(&env);
    let mqtt = up.mqtt(&env);
    let operator = state_dir(&env).join("operator");
    let notify = mqtt.subscribe(
        &operator,
        "op-notify",
        "$aws/things/sensor-1/jobs/notify",
        1,
    );
    let events = mqtt.subscribe(&operator, "op-events", "$aws/events/+/fw-120/+", 2);
    up.wait_for_log("op-notify connected");
    up.wait_for_log("op-events connected");
    std::thread::sleep(std::time::Duration::from_millis(300));

    env.run(&[
        "--local",
        "job",
        "create",
        "--firmware",
        "1.2.0",
        "--thing",
        "sensor-1",
        "--job-id",
        "fw-120",
    ])
    .expect(0);
    let got = lines(notify);
    assert_eq!(got[0].0, "$aws/things/sensor-1/jobs/notify");
    assert_eq!(got[0].1["jobs"]["QUEUED"][0]["jobId"], "fw-120");

    let device = sdk_device(&up, &env, "sensor-1");
    assert_eq!(device["queued"], serde_json::json!(["fw-120"]), "{device}");
    assert_eq!(device["pending_token"], "pending-1");
    let started = &device["started"];
    assert_eq!(started["jobId"], "fw-120");
    assert_eq!(started["status"], "IN_PROGRESS");
    assert_eq!(started["versionNumber"], 2);
    assert_eq!(started["document"]["version"], "1.2.0");
    assert_eq!(started["document"]["size"], 4096);
    let url = started["document"]["url"].as_str().unwrap();
    assert!(url.starts_with("https://localhost:"), "{url}");
    assert_eq!(device["in_progress_update"]["accepted"], "IN_PROGRESS");
    assert_eq!(device["stale_update"]["rejected"], "VersionMismatch");
    assert_eq!(device["stale_update"]["executionState"], "IN_PROGRESS");
    assert_eq!(device["succeeded_update"]["accepted"], "SUCCEEDED");
    assert_eq!(
        device["after_succeeded"]["rejected"],
        "InvalidStateTransition"
    );
    // notify-next told the device that nothing is next once its job succeeded.
    assert_eq!(device["notify_next"], serde_json::json!([null]));

    // The execution's event, then the job's: completed.
    let got = lines(events);
    let topics: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        topics,
        [
            "$aws/events/jobExecution/fw-120/succeeded",
            "$aws/events/job/fw-120/completed"
        ]
    );
    assert_eq!(got[1].1["jobProcessDetails"]["numberOfSucceededThings"], 1);

    // The presigned URL serves its one object with the backend's CA, and no other.
    let curl = |url: &str| {
        let out = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert"])
            .arg(state_dir(&env).join("ca/ca.pem"))
            .arg(url)
            .output()
            .expect("curl");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(curl(url), "200");
    assert_eq!(curl(&url.replace("image.bin", "manifest.json")), "403");

    let shown = env
        .run(&["--local", "--output", "json", "job", "show", "fw-120"])
        .expect(0)
        .json();
    assert_eq!(shown["status"], "COMPLETED");
    assert_eq!(shown["executions"][0]["status"], "SUCCEEDED");
    let watched = env.run(&["--local", "job", "watch", "fw-120"]);
    assert_eq!(watched.code, 0, "{}", watched.stderr);
    assert!(
        watched.stdout.contains("completed: succeeded 1/1"),
        "{}",
        watched.stdout
    );
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

fn simulate(env: &Env, devices: &str, extra: &[&str]) -> std::process::Child {
    let mut args = vec![
        "--local",
        "simulate",
        "--devices",
        devices,
        "--prefix",
        "s",
        "--interval",
        "1s",
        "--duration",
        "25s",
    ];
    args.extend_from_slice(extra);
    env.command(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// `job watch --output json` of `job_id` while a simulated fleet carries it out.
fn watched_with_fleet(
    env: &Env,
    job_id: &str,
    devices: &str,
    extra: &[&str],
) -> crate::support::Output {
    let mut fleet = simulate(env, devices, extra);
    let watched = env.run(&[
        "--local",
        "--output",
        "json",
        "job",
        "watch",
        job_id,
        "--timeout",
        "60s",
    ]);
    let _ = fleet.kill();
    let _ = fleet.wait();
    watched
}

fn names(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("s{i}")).collect()
}

#[test]
fn a_rollout_to_20_simulated_devices_counts_tampered_downloads_and_aborts() {
    let env = Env::new(None);
    let things = names(20);
    let refs: Vec<&str> = things.iter().map(String::as_str).collect();
    deployed(&env, &refs);
    published(&env, "2.0.0", 20_000);
    let up = LocalUp::start(&env);

    // 15% of 20 devices corrupt their download: exactly 3 fail, the job completes.
    env.run(&[
        "--local",
        "job",
        "create",
        "--firmware",
        "2.0.0",
        "--all",
        "--job-id",
        "rollout",
    ])
    .expect(0);
    let watched = watched_with_fleet(&env, "rollout", "20", &["--tamper-rate", "15%"]);
    assert_eq!(watched.code, 1, "{}\n{}", watched.stdout, watched.stderr);
    let summary = watched.json();
    assert_eq!(summary["status"], "COMPLETED");
    assert_eq!(summary["progress"]["succeeded"], 17, "{summary}");
    assert_eq!(summary["progress"]["failed"], 3);
    let failed = summary["unsuccessful"].as_array().unwrap();
    assert_eq!(failed.len(), 3);
    for e in failed {
        assert_eq!(e["status"], "FAILED");
        let reason = e["statusDetails"]["reason"].as_str().unwrap();
        assert!(reason.starts_with("SHA-256 mismatch"), "{reason}");
    }
    // Devices that installed it report the version in their shadow.
    let shadow = env
        .run(&["--local", "--output", "json", "shadow", "get", "s1"])
        .expect(0)
        .json();
    assert_eq!(
        shadow["state"]["reported"]["firmwareVersion"], "2.0.0",
        "{shadow}"
    );

    // Every download corrupted, 5 released a minute, abort at 50% after 3: the job is
    // canceled by its abort criteria and the devices never released are canceled.
    publish(&env, "2.0.1", 3000);
    env.run(&[
        "--local",
        "job",
        "create",
        "--firmware",
        "2.0.1",
        "--all",
        "--job-id",
        "aborted",
        "--rollout-rate",
        "5",
        "--abort-after",
        "50%",
        "--min-executed",
        "3",
    ])
    .expect(0);
    let watched = watched_with_fleet(&env, "aborted", "20", &["--tamper-rate", "100%"]);
    assert_eq!(watched.code, 1, "{}", watched.stderr);
    let summary = watched.json();
    assert_eq!(summary["status"], "CANCELED", "{summary}");
    assert_eq!(summary["reasonCode"], "ABORT_CRITERIA_MET");
    let p = &summary["progress"];
    let failed = p["failed"].as_i64().unwrap();
    assert!((3..=5).contains(&failed), "{summary}");
    assert_eq!(p["canceled"].as_i64().unwrap(), 20 - failed, "{summary}");
    assert_eq!(p["succeeded"], 0);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn a_file_sent_to_one_device_is_ciphertext_everywhere_and_only_that_device_opens_it() {
    let env = Env::new(None);
    deployed(&env, &["s1", "s2"]);
    env.run(&["--local", "signing-key", "create"]).expect(0);
    let secret = b"wifi-psk=correct horse battery staple\n";
    let file = env.path("wifi.conf");
    std::fs::write(&file, secret).unwrap();
    let up = LocalUp::start(&env);
    let sent = env
        .run(&[
            "--local",
            "--output",
            "json",
            "file",
            "send",
            "s1",
            file.to_str().unwrap(),
        ])
        .expect(0)
        .json();
    let job_id = sent["jobId"].as_str().unwrap().to_string();
    let watched = watched_with_fleet(&env, &job_id, "2", &[]);
    assert_eq!(watched.code, 0, "{}\n{}", watched.stdout, watched.stderr);

    // The device opened it: what it reports is the plaintext's digest.
    let execution = crate::api::aws_json(
        &env,
        &[
            "iot",
            "describe-job-execution",
            "--job-id",
            &job_id,
            "--thing-name",
            "s1",
        ],
    );
    let details = &execution["execution"]["statusDetails"]["detailsMap"];
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(secret)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(details["sha256"], digest.as_str(), "{execution}");

    // The bucket holds ciphertext only; s2's key cannot open it, s1's can.
    let buckets = state_dir(&env).join("buckets");
    let mut sealed = None;
    for bucket in std::fs::read_dir(&buckets).unwrap().flatten() {
        for (key, body) in objects(&bucket.path()) {
            assert!(
                !body.windows(secret.len()).any(|w| w == secret),
                "{key} holds the plaintext"
            );
            if key.starts_with("files/s1/") {
                sealed = Some(body);
            }
        }
    }
    let sealed = sealed.expect("the sealed file in the firmware bucket");
    let key_of = |thing: &str| {
        std::fs::read_to_string(device_dir(&env, thing).join("private.pem.key")).unwrap()
    };
    assert!(soilctl::firmware::open(&key_of("s2"), None, &sealed).is_err());
    assert_eq!(
        soilctl::firmware::open(&key_of("s1"), None, &sealed).unwrap(),
        secret
    );
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

#[test]
fn job_commands_refuse_bad_input_with_one_line() {
    let env = Env::new(None);
    deployed(&env, &["s1"]);
    let other = env.path("other.bin");
    std::fs::write(&other, b"not an image").unwrap();
    let other = other.to_str().unwrap();
    let no_key = env.run(&["--local", "firmware", "publish", other, "--version", "1.0"]);
    assert_eq!(no_key.code, 2);
    assert!(
        no_key.error_line().contains("signing-key create"),
        "{}",
        no_key.stderr
    );
    let image = published(&env, "1.0.0", 100);
    assert_eq!(image.len(), 100);
    let cases: &[(&[&str], &str)] = &[
        (
            &["firmware", "publish", other, "--version", "1.0.0"],
            "already published",
        ),
        (
            &["firmware", "publish", other, "--version", "bad/version"],
            "version",
        ),
        (
            &["job", "create", "--firmware", "9.9.9", "--all"],
            "not published",
        ),
        (
            &["job", "create", "--firmware", "1.0.0", "--thing", "nobody"],
            "does not exist",
        ),
        (
            &[
                "job",
                "create",
                "--firmware",
                "1.0.0",
                "--all",
                "--rollout-rate",
                "0",
            ],
            "--rollout-rate",
        ),
        (
            &[
                "job",
                "create",
                "--firmware",
                "1.0.0",
                "--all",
                "--rollout-rate",
                "5",
                "--rollout-factor",
                "7",
                "--rollout-every",
                "3",
            ],
            "--rollout-factor",
        ),
        (
            &[
                "job",
                "create",
                "--firmware",
                "1.0.0",
                "--all",
                "--job-id",
                "a b",
            ],
            "job id",
        ),
        (
            &[
                "job",
                "create",
                "--firmware",
                "1.0.0",
                "--all",
                "--timeout",
                "30s",
            ],
            "--timeout",
        ),
        (&["job", "show", "missing"], "does not exist"),
    ];
    // No device carries it out: watching it times out with its own exit code.
    env.run(&[
        "--local",
        "job",
        "create",
        "--firmware",
        "1.0.0",
        "--all",
        "--job-id",
        "idle",
    ])
    .expect(0);
    let watched = env.run(&["--local", "job", "watch", "idle", "--timeout", "1s"]);
    assert_eq!(watched.code, 3, "{}", watched.stderr);
    assert!(
        watched.error_line().contains("did not complete within 1s"),
        "{}",
        watched.stderr
    );
    assert!(
        watched
            .stdout
            .contains("in_progress: succeeded 0/1, queued 1"),
        "{}",
        watched.stdout
    );
    for (args, needle) in cases {
        let mut all = vec!["--local"];
        all.extend_from_slice(args);
        let out = env.run(&all);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.error_line().contains(needle),
            "{args:?}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

/// On moto, the AWS code path of the firmware commands, with the real template's bucket and
/// role. moto runs no devices (no MQTT), never assumes the role nor presigns, and enforces no
/// rollout, abort or timeout: what it shows is the calls and the stored job.
#[test]
fn on_moto_firmware_jobs_are_created_listed_canceled_deleted_and_torn_down() {
    let moto = crate::support::Moto::start();
    let env = Env::moto(&moto);
    env.run(&["deploy", "--email", "ops@example.com"]).expect(0);
    // moto drops the outputs after a change set: soilctl reads the stack's resources, and
    // status shows the outputs as soilctl resolved them.
    let status = env.run(&["--output", "json", "status"]).expect(0).json();
    let outputs = &status["backend"]["outputs"];
    let bucket = outputs["FirmwareBucketName"]
        .as_str()
        .expect("firmware bucket")
        .to_string();
    let role = outputs["JobsDownloadRoleArn"]
        .as_str()
        .expect("download role")
        .to_string();
    assert!(role.contains(":role/"), "{role}");
    env.run(&["thing", "create", "s1", "s2"]).expect(0);
    env.run(&["signing-key", "create"]).expect(0);
    let file = env.path("image.bin");
    std::fs::write(&file, vec![3u8; 5000]).unwrap();
    env.run(&[
        "firmware",
        "publish",
        file.to_str().unwrap(),
        "--version",
        "3.1.0",
    ])
    .expect(0);
    let listed = env
        .run(&["--output", "json", "firmware", "list"])
        .expect(0)
        .json();
    assert_eq!(listed[0]["version"], "3.1.0");
    assert_eq!(listed[0]["size"], 5000);

    env.run(&[
        "job",
        "create",
        "--firmware",
        "3.1.0",
        "--all",
        "--job-id",
        "moto-fw",
        "--rollout-rate",
        "10",
        "--abort-after",
        "20%",
        "--min-executed",
        "5",
        "--timeout",
        "30m",
    ])
    .expect(0);
    let c = moto.clients();
    crate::support::block_on(async {
        let job = c.iot.describe_job().job_id("moto-fw").send().await.unwrap();
        let job = job.job().unwrap();
        assert_eq!(job.targets().len(), 2);
        assert_eq!(
            job.presigned_url_config().unwrap().role_arn(),
            Some(role.as_str())
        );
        assert_eq!(
            job.job_executions_rollout_config()
                .unwrap()
                .maximum_per_minute(),
            Some(10)
        );
        assert_eq!(
            job.timeout_config()
                .unwrap()
                .in_progress_timeout_in_minutes(),
            Some(30)
        );
        let document = c
            .iot
            .get_job_document()
            .job_id("moto-fw")
            .send()
            .await
            .unwrap();
        let document: Value = serde_json::from_str(document.document().unwrap()).unwrap();
        assert_eq!(document["version"], "3.1.0");
        assert_eq!(
            document["url"],
            format!(
                "${{aws:iot:s3-presigned-url:https://s3.amazonaws.com/{bucket}/firmware/3.1.0/image.bin}}"
            )
        );
    });
    let jobs = env
        .run(&["--output", "json", "job", "list"])
        .expect(0)
        .json();
    assert_eq!(jobs.as_array().unwrap().len(), 1, "{jobs}");
    assert_eq!(jobs[0]["jobId"], "moto-fw");
    env.run(&["job", "cancel", "moto-fw"]).expect(0);
    let shown = env
        .run(&["--output", "json", "job", "show", "moto-fw"])
        .expect(0)
        .json();
    assert_eq!(shown["status"], "CANCELED", "{shown}");
    env.run(&["job", "delete", "moto-fw"]).expect(0);
    let jobs = env
        .run(&["--output", "json", "job", "list"])
        .expect(0)
        .json();
    assert_eq!(jobs, serde_json::json!([]));

    // A second job, with an exponential rollout, is left for teardown, which cancels and
    // deletes it and empties the bucket.
    env.run(&[
        "job",
        "create",
        "--firmware",
        "3.1.0",
        "--thing",
        "s1",
        "--job-id",
        "left",
        "--rollout-rate",
        "5",
        "--rollout-factor",
        "2",
        "--rollout-every",
        "10",
    ])
    .expect(0);
    crate::support::block_on(async {
        let job = c.iot.describe_job().job_id("left").send().await.unwrap();
        let rollout = job.job().unwrap().job_executions_rollout_config().unwrap();
        let rate = rollout.exponential_rate().expect("an exponential rate");
        assert_eq!(rate.base_rate_per_minute(), 5);
        assert_eq!(rate.increment_factor(), 2.0);
        assert_eq!(
            rate.rate_increase_criteria()
                .unwrap()
                .number_of_notified_things(),
            Some(10)
        );
    });
    let torn = env
        .run(&["--output", "json", "teardown", "--yes"])
        .expect(0)
        .json();
    assert_eq!(torn["nothingLeft"], true, "{torn}");
    assert_eq!(torn["plan"]["jobs"], serde_json::json!(["left"]));
    assert_eq!(torn["plan"]["firmwareBucket"], bucket.as_str());
}

/// A battery device asleep when the job is created picks it up on a later wake: it asks for
/// its next job on every wake, on its persistent session.
#[test]
fn a_sleeping_device_carries_out_a_job_created_while_it_slept() {
    let env = Env::new(None);
    deployed(&env, &["s1"]);
    published(&env, "4.0.0", 2000);
    let up = LocalUp::start(&env);
    let mut fleet = env
        .command(&[
            "--local",
            "simulate",
            "--devices",
            "1",
            "--prefix",
            "s",
            "--sleep",
            "2s",
            "--duration",
            "40s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The first wake is over before the job exists.
    up.wait_for_log("s1 disconnected");
    env.run(&[
        "--local",
        "job",
        "create",
        "--firmware",
        "4.0.0",
        "--all",
        "--job-id",
        "asleep",
    ])
    .expect(0);
    let watched = env.run(&[
        "--local",
        "--output",
        "json",
        "job",
        "watch",
        "asleep",
        "--timeout",
        "30s",
    ]);
    let _ = fleet.kill();
    let _ = fleet.wait();
    assert_eq!(watched.code, 0, "{}\n{}", watched.stdout, watched.stderr);
    assert_eq!(watched.json()["progress"]["succeeded"], 1);
    let (code, log) = up.stop();
    assert_eq!(code, 0, "{log}");
}

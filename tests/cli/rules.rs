//! `soilctl rules test`: IoT SQL evaluated offline through the binary.

use crate::support::*;

const ALERT: &str = "SELECT * FROM 'device/+/devicePayload' WHERE humidity < 35";
const TOPIC: &str = "device/soilSensor2/devicePayload";

fn rules(env: &Env, args: &[&str]) -> Output {
    let mut all = vec!["rules", "test"];
    all.extend_from_slice(args);
    env.run(&all)
}

#[test]
fn the_alert_rule_fires_under_the_threshold_only() {
    let env = Env::new(None);
    for (payload, fires) in [
        (r#"{"name":"soilSensor2","humidity":32}"#, true),
        (r#"{"name":"soilSensor2","humidity":"20"}"#, true),
        (r#"{"name":"soilSensor2","humidity":40}"#, false),
        (r#"{"name":"soilSensor2"}"#, false),
    ] {
        let out = rules(
            &env,
            &[
                "--sql",
                ALERT,
                "--topic",
                TOPIC,
                "--payload",
                payload,
                "--output",
                "json",
            ],
        )
        .expect(0);
        let json = out.json();
        assert_eq!(json["fired"], fires, "{payload}: {json}");
        if fires {
            let expected: serde_json::Value = serde_json::from_str(payload).unwrap();
            assert_eq!(json["output"], expected);
        } else {
            assert!(json["output"].is_null());
        }
    }
}

#[test]
fn a_topic_that_does_not_match_does_not_fire() {
    let env = Env::new(None);
    let out = rules(
        &env,
        &[
            "--sql",
            ALERT,
            "--topic",
            "device/soilSensor2/other",
            "--payload",
            r#"{"humidity":1}"#,
        ],
    )
    .expect(0);
    assert!(out.stdout.contains("does not match"), "{}", out.stdout);
    let json = rules(
        &env,
        &[
            "--sql",
            ALERT,
            "--topic",
            "other",
            "--payload",
            r#"{"humidity":1}"#,
            "--output",
            "json",
        ],
    )
    .expect(0)
    .json();
    assert_eq!(json["fired"], false);
}

#[test]
fn substitutions_and_functions() {
    let env = Env::new(None);
    let json = rules(
        &env,
        &[
            "--sql",
            "SELECT humidity, topic(2) AS deviceId, clientid() AS client, timestamp() AS ts FROM 'device/+/devicePayload'",
            "--sql-version",
            "2016-03-23",
            "--topic",
            TOPIC,
            "--client-id",
            "soilSensor2",
            "--timestamp",
            "1598536072677",
            "--payload",
            r#"{"humidity":29,"ignored":true}"#,
            "--substitute",
            "${topic(2)}",
            "--substitute",
            "${topic(2)}/${timestamp()}.json",
            "--output",
            "json",
        ],
    )
    .expect(0)
    .json();
    assert_eq!(json["output"]["deviceId"], "soilSensor2");
    assert_eq!(json["output"]["client"], "soilSensor2");
    assert_eq!(json["output"]["ts"], 1598536072677i64);
    assert!(json["output"].get("ignored").is_none());
    assert_eq!(json["substitutions"]["${topic(2)}"], "soilSensor2");
    assert_eq!(
        json["substitutions"]["${topic(2)}/${timestamp()}.json"],
        "soilSensor2/1598536072677.json"
    );
    assert_eq!(json["sqlVersion"], "2016-03-23");
}

#[test]
fn bad_sql_exits_2_with_the_place_marked() {
    let env = Env::new(None);
    let out = rules(
        &env,
        &[
            "--sql",
            "SELECT * FROM 'device/+/devicePayload' WHERE humidity <",
            "--topic",
            TOPIC,
            "--payload",
            "{}",
        ],
    )
    .expect(2);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("WHERE humidity <\n"), "{}", out.stderr);
    assert!(
        out.stderr.contains('^'),
        "the diagnostic must point at the place: {}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"));
    let out = rules(
        &env,
        &[
            "--sql",
            "SELEC * FROM 'a'",
            "--topic",
            "a",
            "--payload",
            "{}",
        ],
    )
    .expect(2);
    assert!(out.stderr.contains("SELEC"), "{}", out.stderr);
    let out = rules(
        &env,
        &[
            "--sql",
            ALERT,
            "--sql-version",
            "2020-01-01",
            "--topic",
            TOPIC,
            "--payload",
            "{}",
        ],
    )
    .expect(2);
    assert!(
        out.error_line().contains("not an IoT SQL version"),
        "{}",
        out.stderr
    );
}

#[test]
fn external_lookups_say_they_are_not_available_offline() {
    let env = Env::new(None);
    let out = rules(
        &env,
        &[
            "--sql",
            "SELECT get_thing_shadow('x', 'arn:aws:iam::123456789012:role/r') AS s FROM 'a'",
            "--topic",
            "a",
            "--payload",
            "{}",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.error_line().contains("not available offline"),
        "{}",
        out.stderr
    );
}

#[test]
fn binary_payloads_pass_through() {
    let env = Env::new(None);
    let path = env.path("blob.bin");
    std::fs::write(&path, [0u8, 159, 146, 150, 255]).unwrap();
    let at = format!("@{}", path.display());
    let json = rules(
        &env,
        &[
            "--sql",
            "SELECT * FROM 'a/b'",
            "--topic",
            "a/b",
            "--payload",
            &at,
            "--output",
            "json",
        ],
    )
    .expect(0)
    .json();
    assert_eq!(json["output"]["binaryBase64"], "AJ+Slv8=");
    let json = rules(
        &env,
        &[
            "--sql",
            "SELECT encode(*, 'base64') AS data FROM 'a/b'",
            "--topic",
            "a/b",
            "--payload",
            &at,
            "--output",
            "json",
        ],
    )
    .expect(0)
    .json();
    assert_eq!(json["output"]["data"], "AJ+Slv8=");
}

#[test]
fn every_rule_of_the_template_with_its_actions() {
    let env = Env::new(None);
    let template = root().join("templates/iot-backend.yaml");
    let template = template.to_str().unwrap();
    let payload = r#"{"name":"soilSensor2","humidity":32,"timeStampEpoch":1598536072677}"#;
    let json = rules(
        &env,
        &[
            "--template",
            template,
            "--topic",
            TOPIC,
            "--payload",
            payload,
            "--timestamp",
            "1598536072677",
            "--output",
            "json",
        ],
    )
    .expect(0)
    .json();
    let by_name = |name: &str| {
        json["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == name)
            .unwrap()
            .clone()
    };
    let archive = by_name("ArchiveRule");
    assert_eq!(archive["fired"], true);
    let s3 = &archive["actions"][0];
    assert_eq!(s3["kind"], "S3");
    let key = s3["key"].as_str().unwrap();
    assert!(
        key.starts_with("soilSensor2/1598536072677-") && key.ends_with(".json"),
        "{key}"
    );
    assert_eq!(
        key.len(),
        "soilSensor2/1598536072677-".len() + 36 + ".json".len(),
        "a uuid makes keys unique: {key}"
    );
    assert_eq!(s3["body"]["humidity"], 32);
    let alert = by_name("AlertRule");
    assert_eq!(alert["fired"], true);
    assert_eq!(alert["actions"][0]["kind"], "Lambda");
    assert_eq!(alert["actions"][0]["input"]["name"], "soilSensor2");

    // With the threshold lowered by a parameter the alert rule stays quiet; the archive fires.
    let json = rules(
        &env,
        &[
            "--template",
            template,
            "--param",
            "HumidityThreshold=30",
            "--topic",
            TOPIC,
            "--payload",
            payload,
            "--output",
            "json",
        ],
    )
    .expect(0)
    .json();
    let fired: Vec<(String, bool)> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_string(),
                r["fired"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(fired.contains(&("AlertRule".into(), false)), "{fired:?}");
    assert!(fired.contains(&("ArchiveRule".into(), true)), "{fired:?}");
    // A parameter the template refuses is bad input.
    let out = rules(
        &env,
        &[
            "--template",
            template,
            "--param",
            "HumidityThreshold=200",
            "--topic",
            TOPIC,
            "--payload",
            payload,
        ],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
}

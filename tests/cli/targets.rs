//! One test body, two targets: moto (an AWS emulator we did not write, reached by the AWS
//! code path) and the local backend (`--local`: the same command code against the local
//! backend's AWS API endpoint, served in process since no `local up` runs). Where the two may
//! rightly differ (the devices' root CA, the endpoint), the body asks which it runs on.

use crate::support::*;

/// Where a body's commands go.
pub(crate) struct Target {
    pub env: Env,
    /// Held for the test: moto is shared and reset per test.
    _moto: Option<Moto>,
}

impl Target {
    pub(crate) fn moto() -> Target {
        let moto = Moto::start();
        Target {
            env: Env::moto(&moto),
            _moto: Some(moto),
        }
    }

    pub(crate) fn local() -> Target {
        let mut env = Env::new(None);
        env.local = true;
        Target { env, _moto: None }
    }

    pub(crate) fn is_local(&self) -> bool {
        self._moto.is_none()
    }

    /// `soilctl --output json ARGS`, which must exit `code`, as JSON.
    pub(crate) fn json(&self, args: &[&str], code: i32) -> serde_json::Value {
        let mut all = vec!["--output", "json"];
        all.extend_from_slice(args);
        self.env.run(&all).expect(code).json()
    }
}

/// `#[test]`s `NAME::moto` and `NAME::local`, each running `BODY` with `t: &Target`.
macro_rules! on_both_targets {
    ($(fn $name:ident($t:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body($t: &Target) $body
            #[test]
            fn moto() {
                body(&Target::moto());
            }
            #[test]
            fn local() {
                body(&Target::local());
            }
        }
    )*};
}

fn names_of(list: &serde_json::Value) -> Vec<String> {
    list["things"]
        .as_array()
        .expect("things")
        .iter()
        .map(|t| t["name"].as_str().expect("a name").to_owned())
        .collect()
}

on_both_targets! {
    fn deploy_creates_updates_and_knows_when_nothing_changed(t) {
        let created = t.json(&["deploy", "--email", "ops@example.com"], 0);
        assert_eq!(created["action"], "create");
        assert_eq!(created["status"], "CREATE_COMPLETE");
        for output in ["ArchiveBucketName", "DevicePolicyName", "AlertTopicArn"] {
            assert!(created["outputs"][output].is_string(), "{output}: {created}");
        }
        let again = t.json(&["deploy", "--email", "ops@example.com"], 0);
        assert_eq!(again["action"], "none", "{again}");
        let updated = t.json(
            &["deploy", "--email", "ops@example.com", "--threshold", "30", "--yes"],
            0,
        );
        assert_eq!(updated["action"], "update", "{updated}");
        assert_eq!(updated["status"], "UPDATE_COMPLETE");
        assert_eq!(updated["stackId"], created["stackId"]);
    }

    fn things_are_created_listed_shown_reused_and_deleted(t) {
        t.json(&["deploy", "--email", "ops@example.com"], 0);
        let made = t.json(&["thing", "create", "sensor-1", "sensor-2"], 0);
        let policy = made["devicePolicy"].as_str().unwrap().to_owned();
        let root = if t.is_local() { "root-ca.pem" } else { "AmazonRootCA1.pem" };
        for thing in made["things"].as_array().unwrap() {
            assert_eq!(thing["status"], "created");
            let dir = std::path::PathBuf::from(thing["dir"].as_str().unwrap());
            let key = std::fs::read_to_string(dir.join("private.pem.key")).unwrap();
            assert!(key.contains("BEGIN PRIVATE KEY"));
            let cert = std::fs::read_to_string(dir.join("certificate.pem.crt")).unwrap();
            assert!(cert.contains("BEGIN CERTIFICATE"));
            assert!(dir.join(root).is_file(), "{root} beside {}", dir.display());
        }
        assert_eq!(names_of(&t.json(&["thing", "list"], 0)), ["sensor-1", "sensor-2"]);
        let show = t.json(&["thing", "show", "sensor-1"], 0);
        assert_eq!(show["attributes"]["soilctl-stack"], "iot-backend");
        assert_eq!(show["certificates"][0]["status"], "ACTIVE");
        assert_eq!(show["certificates"][0]["policies"][0], policy.as_str());
        let again = t.json(&["thing", "create", "sensor-1"], 0);
        assert_eq!(again["things"][0]["status"], "reused");
        assert_eq!(again["things"][0]["certificateId"], made["things"][0]["certificateId"]);
        let deleted = t.json(&["thing", "delete", "sensor-1"], 0);
        assert_eq!(deleted["things"][0]["status"], "deleted");
        assert_eq!(names_of(&t.json(&["thing", "list"], 0)), ["sensor-2"]);
        let out = t.env.run(&["thing", "show", "sensor-1"]).expect(1);
        assert!(out.error_line().contains("does not exist"), "{}", out.stderr);
    }

    fn status_shows_the_stack_its_things_and_the_alert_subscription(t) {
        let missing = t.json(&["status"], 0);
        assert_eq!(missing["exists"], false, "{missing}");
        t.json(&["deploy", "--email", "ops@example.com"], 0);
        t.json(&["thing", "create", "sensor-1"], 0);
        let status = t.json(&["status"], 0);
        assert_eq!(status["exists"], true);
        assert_eq!(status["backend"]["status"], "CREATE_COMPLETE");
        assert_eq!(names_of(&status), ["sensor-1"]);
        assert_eq!(status["archive"]["objects"], 0, "{status}");
        assert_eq!(status["subscriptions"][0]["endpoint"], "ops@example.com");
        assert_eq!(status["subscriptions"][0]["protocol"], "email");
    }

    fn teardown_removes_everything_and_says_so(t) {
        t.json(&["deploy", "--email", "ops@example.com"], 0);
        t.json(&["thing", "create", "sensor-1", "sensor-2"], 0);
        let plan = t.json(&["teardown", "--dry-run"], 0);
        assert_eq!(plan["dryRun"], true);
        assert_eq!(plan["plan"]["things"].as_array().unwrap().len(), 2, "{plan}");
        let done = t.json(&["teardown", "--yes"], 0);
        assert_eq!(done["nothingLeft"], true, "{done}");
        assert!(!t.env.devices().join("sensor-1").exists());
        let status = t.json(&["status"], 0);
        assert_eq!(status["exists"], false);
        assert_eq!(status["things"].as_array().unwrap().len(), 0);
        let again = t.json(&["teardown", "--yes"], 0);
        assert_eq!(again["nothingLeft"], true);
    }

    fn thing_groups_are_made_filled_listed_and_torn_down(t) {
        t.json(&["deploy", "--email", "ops@example.com"], 0);
        t.json(&["thing", "create", "sensor-1", "sensor-2", "sensor-3"], 0);
        let made = t.json(&["group", "create", "garden-a", "--description", "Ana's"], 0);
        assert!(made["arn"].as_str().unwrap().ends_with(":thinggroup/garden-a"), "{made}");
        t.json(&["group", "create", "site-2"], 0);
        let again = t.env.run(&["group", "create", "garden-a"]).expect(2);
        assert!(again.error_line().contains("exists already"), "{}", again.stderr);
        let bad = t.env.run(&["group", "create", "no spaces"]).expect(2);
        assert!(bad.error_line().contains("thing group name"), "{}", bad.stderr);

        t.json(&["group", "add", "garden-a", "sensor-1", "sensor-3"], 0);
        t.json(&["group", "add", "site-2", "sensor-1"], 0);
        let stranger = t.env.run(&["group", "add", "garden-a", "ghost"]).expect(2);
        assert!(stranger.error_line().contains("ghost is not a thing of stack"), "{}", stranger.stderr);
        let in_a = t.json(&["thing", "list", "--group", "garden-a"], 0);
        assert_eq!(names_of(&in_a), ["sensor-1", "sensor-3"]);
        let in_both = t.json(&["thing", "list", "--group", "site-2"], 0);
        assert_eq!(names_of(&in_both), ["sensor-1"]);
        let missing = t.env.run(&["thing", "list", "--group", "nowhere"]).expect(2);
        assert!(missing.error_line().contains("thing group nowhere does not exist"), "{}", missing.stderr);

        let shown = t.json(&["group", "show", "garden-a"], 0);
        assert_eq!(shown["description"], "Ana's");
        assert_eq!(
            shown["things"],
            serde_json::json!([{"name": "sensor-1", "paired": false}, {"name": "sensor-3", "paired": false}])
        );
        let listed = t.json(&["group", "list"], 0);
        assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
        assert_eq!(listed[0]["name"], "garden-a");
        assert_eq!(listed[0]["things"], 2);

        t.json(&["group", "remove", "garden-a", "sensor-3"], 0);
        assert_eq!(names_of(&t.json(&["thing", "list", "--group", "garden-a"], 0)), ["sensor-1"]);
        t.json(&["group", "delete", "site-2"], 0);
        let gone = t.env.run(&["group", "show", "site-2"]).expect(2);
        assert!(gone.error_line().contains("does not exist"), "{}", gone.stderr);

        let plan = t.json(&["teardown", "--dry-run"], 0);
        assert_eq!(plan["plan"]["groups"], serde_json::json!(["garden-a"]), "{plan}");
        let done = t.json(&["teardown", "--yes"], 0);
        assert_eq!(done["nothingLeft"], true, "{done}");
        let after = t.json(&["group", "list"], 0);
        assert_eq!(after, serde_json::json!([]));
    }
}

//! Where a command's SDK clients point: AWS as configured, or, with `--local`, the embedded
//! backend's AWS API endpoint. A running `local up` is found through the state directory and
//! its endpoint used (so that devices online see each change at once); with none running, the
//! SDK clients are handed the endpoint's router in this process ([`InProcess`]), with no socket,
//! for the length of the command. Either way the command runs the same code as against AWS.

use std::sync::Arc;
use std::time::Duration;

use aws_smithy_runtime_api::client::http::SharedHttpClient;

use crate::aws::AwsSettings;
use crate::local::api::InProcess;
use crate::local::control::Local;
use crate::local::server::find_running;
use crate::local::state::StateDir;
use crate::printer::Printer;
use crate::settings::Target;

/// The endpoint URL the clients are given when the API is served in this process: no request
/// leaves the process (the `.invalid` name is reserved never to resolve), but the SDK builds its
/// URLs, path-style for S3, from it as from any endpoint.
pub const IN_PROCESS_ENDPOINT: &str = "http://api.soilctl-local.invalid";

/// A command's AWS settings.
pub struct Resolved {
    pub aws: AwsSettings,
}

impl Resolved {
    /// With a running `local up`, waits (at most 5 s) until it serves what the command changed,
    /// so that a device made by `thing create --local` can connect as soon as the command
    /// returns.
    pub async fn finish(self) {
        if let (None, Some(state)) = (&self.aws.http_client, &self.aws.local) {
            let _ = crate::local::server::settle(state, Duration::from_secs(5)).await;
        }
    }
}

/// The settings for `target`: for `--local`, a running `local up`'s endpoint, or the endpoint
/// served in this process when none runs.
pub async fn resolve(target: &Target, printer: &Printer) -> anyhow::Result<Resolved> {
    let state = match target {
        Target::Aws(aws) => return Ok(Resolved { aws: aws.clone() }),
        Target::Local(state) => state,
    };
    if let Some(endpoint) = find_running(state).ok().and_then(|r| r.api_endpoint) {
        printer.detail(format!(
            "using the running `local up`'s AWS API endpoint {endpoint}"
        ));
        return Ok(Resolved {
            aws: local_settings(state, endpoint, None),
        });
    }
    let local = Arc::new(Local::open(state)?);
    printer
        .detail("no `local up` is running: serving the local backend's AWS APIs in this process");
    Ok(Resolved {
        aws: local_settings(
            state,
            IN_PROCESS_ENDPOINT.to_string(),
            Some(SharedHttpClient::new(InProcess::new(local))),
        ),
    })
}

fn local_settings(
    state: &StateDir,
    endpoint: String,
    http_client: Option<SharedHttpClient>,
) -> AwsSettings {
    AwsSettings {
        profile: None,
        region: None,
        endpoint_url: Some(endpoint),
        local: Some(state.clone()),
        http_client,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The clients a `--local` command gets when no `local up` runs: the endpoint's router in
    /// this process, with no socket.
    async fn clients(dir: &std::path::Path) -> crate::aws::Clients {
        let state = StateDir::new(dir.join("state"));
        let printer = crate::printer::Printer::new(2, 0, crate::printer::Format::Text);
        let resolved = resolve(&Target::Local(state), &printer).await.unwrap();
        assert!(resolved.aws.http_client.is_some());
        crate::aws::load(&resolved.aws).await.unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sdk_clients_get_aws_iot_answers_and_errors_with_no_socket() {
        let dir = tempfile::tempdir().unwrap();
        let c = clients(dir.path()).await;
        c.iot.create_thing().thing_name("s1").send().await.unwrap();
        let thing = c
            .iot
            .describe_thing()
            .thing_name("s1")
            .send()
            .await
            .unwrap();
        assert_eq!(thing.thing_name(), Some("s1"));
        let missing = c
            .iot
            .describe_thing()
            .thing_name("nobody")
            .send()
            .await
            .unwrap_err();
        assert!(
            missing
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()),
            "{missing:?}"
        );
        let bad = c.iot.create_thing().thing_name("no spaces").send().await;
        assert!(bad.is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn s3_objects_round_trip_and_a_missing_bucket_is_no_such_bucket() {
        let dir = tempfile::tempdir().unwrap();
        let c = clients(dir.path()).await;
        c.s3.create_bucket().bucket("archive").send().await.unwrap();
        let body = vec![7u8; 70_000];
        c.s3.put_object()
            .bucket("archive")
            .key("a/b.json")
            .body(body.clone().into())
            .send()
            .await
            .unwrap();
        let got =
            c.s3.get_object()
                .bucket("archive")
                .key("a/b.json")
                .send()
                .await
                .unwrap();
        assert_eq!(
            got.body.collect().await.unwrap().into_bytes().as_ref(),
            &body[..]
        );
        let listed =
            c.s3.list_objects_v2()
                .bucket("archive")
                .send()
                .await
                .unwrap();
        assert_eq!(listed.key_count(), Some(1));
        let missing =
            c.s3.list_objects_v2()
                .bucket("nobucket")
                .send()
                .await
                .unwrap_err();
        assert!(
            missing
                .as_service_error()
                .is_some_and(|e| e.is_no_such_bucket()),
            "{missing:?}"
        );
    }
}

//! The Jobs device API on the reserved topics `$aws/things/<thing>/jobs/...`. A publish there
//! is authorized and routed like any other (subscribers and the rules engine see it, as on AWS
//! IoT), then served by the [`JobsService`] the broker was given (`local up` gives the
//! registry's, [`crate::local::jobs`]): its answers (`.../accepted`, `.../rejected`), `notify`,
//! `notify-next` and the `$aws/events/job...` events go out published by the broker itself, to
//! every subscriber allowed `iot:Receive` on them, and to the rules engine. Without a service
//! (a broker on its own) jobs topics are plain topics.

use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;

use super::{BrokerHandle, Publisher, Shared, connection};

/// Serves jobs requests.
pub trait JobsService: Send + Sync {
    /// What to publish for a publish on `topic`, in order; `None` when `topic` is not a jobs
    /// request. Blocks on the store: called from a blocking thread.
    fn request(&self, topic: &str, payload: &[u8]) -> Option<Vec<(String, Bytes)>>;
}

/// The broker's jobs service, set while it runs.
#[derive(Default)]
pub(super) struct Slot {
    service: RwLock<Option<Arc<dyn JobsService>>>,
}

impl Slot {
    fn get(&self) -> Option<Arc<dyn JobsService>> {
        self.service
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl BrokerHandle {
    /// Serves the Jobs device API with `service` from now on.
    pub fn serve_jobs_from(&self, service: Arc<dyn JobsService>) {
        *self
            .shared
            .jobs
            .service
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(service);
    }
}

/// Whether `topic` is under a thing's `jobs/` (the only topics the service looks at).
pub(super) fn is_jobs_topic(topic: &str) -> bool {
    topic
        .strip_prefix("$aws/things/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(_, rest)| rest.starts_with("jobs/"))
}

/// Serves a device's publish on a jobs topic and publishes what it calls for.
pub(super) async fn serve(shared: &Shared, topic: &str, payload: &Bytes) {
    let Some(service) = shared.jobs.get() else {
        return;
    };
    let (topic, payload) = (topic.to_owned(), payload.clone());
    let served = tokio::task::spawn_blocking(move || service.request(&topic, &payload)).await;
    if let Ok(Some(published)) = served {
        for (topic, payload) in published {
            connection::publish_event(shared, &topic, payload).await;
        }
    }
}

impl Publisher {
    /// Publishes as a service of the broker (on topics clients may not publish on, such as
    /// `.../jobs/notify-next` and `$aws/events/...`), in order, in a task of its own.
    pub fn publish_as_service(&self, messages: Vec<(String, Bytes)>) {
        let Some(shared) = self.shared.upgrade() else {
            return;
        };
        let owned = shared.clone();
        shared.runtime.spawn(async move {
            for (topic, payload) in messages {
                connection::publish_event(&owned, &topic, payload).await;
            }
        });
    }
}

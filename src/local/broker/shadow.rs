//! The Device Shadow service on the reserved topics. A publish on
//! `$aws/things/<thing>/shadow[/name/<shadowName>]/get|update|delete` is authorized and routed
//! like any other (subscribers of the request topic and the rules engine see it, as on AWS IoT)
//! and is then served here: the answer goes out, published by the broker itself, on
//! `.../accepted` or `.../rejected`, and an accepted update is followed by `.../update/delta`
//! (when a difference between desired and reported remains) and `.../update/documents`. Those
//! reach every subscriber allowed `iot:Receive` on them, and the rules engine.
//!
//! Wills are not served (AWS ignores last-will messages on reserved topics); in-process
//! publishes (the rules' republish action) are. Requests are served one at a time per
//! connection, in order; the store keeps one shadow's requests consistent across connections.
//! Documents are built by [`crate::shadow`]; the store is the registry under `local up`
//! ([`BrokerHandle::serve_shadows_from`]) and memory otherwise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use super::{BrokerHandle, Publisher, Shared, connection};
use crate::local::registry::Registry;
use crate::shadow::{self, Handled, Operation, Shadow, ShadowError, ShadowTopic};

/// Where shadows are kept.
pub trait ShadowStore: Send + Sync {
    /// Serves one request atomically: loads the shadow, applies [`shadow::handle`], stores the
    /// change and returns the documents to publish. `Err` only when the store itself fails.
    fn request(
        &self,
        thing: &str,
        shadow_name: Option<&str>,
        operation: Operation,
        request: &[u8],
        now_secs: u64,
    ) -> Result<Handled, String>;
}

impl ShadowStore for Registry {
    fn request(
        &self,
        thing: &str,
        shadow_name: Option<&str>,
        operation: Operation,
        request: &[u8],
        now_secs: u64,
    ) -> Result<Handled, String> {
        self.shadow_request(thing, shadow_name, operation, request, now_secs)
            .map_err(|e| e.to_string())
    }
}

/// (thing, shadow name or "") to the shadow and the version it reached.
type Slots = HashMap<(String, String), (Option<Shadow>, u64)>;

/// Shadows in memory, gone when the broker stops (the broker's default).
#[derive(Default)]
pub struct MemoryShadows {
    slots: Mutex<Slots>,
}

impl ShadowStore for MemoryShadows {
    fn request(
        &self,
        thing: &str,
        shadow_name: Option<&str>,
        operation: Operation,
        request: &[u8],
        now_secs: u64,
    ) -> Result<Handled, String> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (thing.to_owned(), shadow_name.unwrap_or("").to_owned());
        let (current, version) = slots.get(&key).cloned().unwrap_or((None, 0));
        let handled = shadow::handle(
            current.as_ref(),
            version,
            operation,
            thing,
            shadow_name,
            request,
            now_secs,
        );
        match &handled.change {
            shadow::Change::Keep => {}
            shadow::Change::Put(next) => {
                slots.insert(key, (Some((**next).clone()), next.version));
            }
            shadow::Change::Delete { version } => {
                slots.insert(key, (None, *version));
            }
        }
        Ok(handled)
    }
}

/// The broker's shadow store, replaceable while it runs.
pub(super) struct Service {
    store: RwLock<Arc<dyn ShadowStore>>,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            store: RwLock::new(Arc::new(MemoryShadows::default())),
        }
    }
}

impl Service {
    fn store(&self) -> Arc<dyn ShadowStore> {
        self.store
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl BrokerHandle {
    /// Keeps shadows in `store` from now on (`local up` gives the registry, so that shadows
    /// survive restarts and the CLI reads them).
    pub fn serve_shadows_from(&self, store: Arc<dyn ShadowStore>) {
        *self
            .shared
            .shadows
            .store
            .write()
            .unwrap_or_else(PoisonError::into_inner) = store;
    }
}

/// A shadow request, taken from a publish before it is routed.
pub(super) struct Request {
    thing: String,
    name: Option<String>,
    operation: Operation,
    payload: Bytes,
}

impl Request {
    /// The request a publish on `topic` makes, if it is a shadow request topic.
    pub(super) fn of(topic: &str, payload: &Bytes) -> Option<Request> {
        let parsed = ShadowTopic::parse(topic)?;
        Some(Request {
            thing: parsed.thing.to_owned(),
            name: parsed.name.map(str::to_owned),
            operation: parsed.operation,
            payload: payload.clone(),
        })
    }

    fn response_topic(&self, suffix: &str) -> String {
        format!(
            "{}/{}/{suffix}",
            shadow::prefix(&self.thing, self.name.as_deref()),
            self.operation.as_str()
        )
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Serves a request and publishes the answers.
pub(super) async fn serve(shared: &Shared, request: Request) {
    let store = shared.shadows.store();
    let now = now_secs();
    let served = {
        let (thing, name, operation, payload) = (
            request.thing.clone(),
            request.name.clone(),
            request.operation,
            request.payload.clone(),
        );
        tokio::task::spawn_blocking(move || {
            store.request(&thing, name.as_deref(), operation, &payload, now)
        })
        .await
    };
    let responses = match served {
        Ok(Ok(handled)) => handled.responses,
        Ok(Err(_)) | Err(_) => {
            let failure = ShadowError {
                code: 500,
                message: "Internal service failure".to_owned(),
                client_token: None,
            };
            vec![("rejected", failure.document(now))]
        }
    };
    for (suffix, document) in responses {
        let topic = request.response_topic(suffix);
        connection::publish_event(shared, &topic, Bytes::from(document.to_string())).await;
    }
}

impl Publisher {
    /// Serves a shadow request made outside MQTT (the IoT data plane's HTTP API) through the
    /// broker's own shadow service: the same store, and the same answers published on the
    /// response topics (`.../accepted`, `.../delta`, `.../documents`; a rejection is only
    /// returned, as AWS emits no MQTT error for a REST request) to subscribers and the rules
    /// engine, as if a device had published the request. Returns
    /// what was served at once (the publishing follows in a task); blocks on the store, so call
    /// it from a blocking thread. `None` once the broker is gone.
    pub fn serve_shadow(
        &self,
        thing: &str,
        shadow_name: Option<&str>,
        operation: Operation,
        request: &[u8],
    ) -> Option<Result<Handled, String>> {
        let shared = self.shared.upgrade()?;
        let now = now_secs();
        let handled = shared
            .shadows
            .store()
            .request(thing, shadow_name, operation, request, now);
        if let Ok(handled) = &handled {
            let prefix = format!(
                "{}/{}",
                shadow::prefix(thing, shadow_name),
                operation.as_str()
            );
            // AWS: a REST request's error is its HTTP answer; no MQTT error message is emitted.
            let responses: Vec<_> = handled
                .responses
                .iter()
                .filter(|(suffix, _)| *suffix != "rejected")
                .cloned()
                .collect();
            let owned = shared.clone();
            shared.runtime.spawn(async move {
                for (suffix, document) in responses {
                    let topic = format!("{prefix}/{suffix}");
                    connection::publish_event(&owned, &topic, Bytes::from(document.to_string()))
                        .await;
                }
            });
        }
        Some(handled)
    }
}

/// [`serve`] for an in-process publish, in a task of its own.
pub(super) fn serve_in_background(shared: &Arc<Shared>, request: Request) {
    let owned = shared.clone();
    shared.runtime.spawn(async move {
        serve(&owned, request).await;
    });
}

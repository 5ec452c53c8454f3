//! The device provisioning MQTT API (fleet provisioning by claim) on its reserved topics:
//! `$aws/certificates/create/json`, `$aws/certificates/create-from-csr/json` and
//! `$aws/provisioning-templates/<name>/provision/json`. A request is authorized like any
//! publish (the claim policy allows exactly these topics), then served by the
//! [`ProvisioningService`] the broker was given (`local up` gives the registry's,
//! [`crate::local::provisioning`]). As on AWS IoT Core the answer goes back through the
//! connection that asked, and only there (the `accepted` document of CreateKeysAndCertificate
//! holds a private key), if that connection subscribed to it and may receive it; requests are
//! not routed to other subscribers or to the rules engine. Without a service the topics are
//! plain topics.

use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;

use super::BrokerHandle;

/// Who published a provisioning request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The id of the certificate it connected with (the claim certificate).
    pub certificate_id: String,
    pub client_id: String,
}

/// Serves provisioning requests.
pub trait ProvisioningService: Send + Sync {
    /// The answer (topic and payload) to a request on `topic`; `None` when `topic` is not a
    /// request. Blocks (signing, the registry, the pre-provisioning hook): called from a
    /// blocking thread.
    fn request(&self, caller: &Caller, topic: &str, payload: &[u8]) -> Option<(String, Bytes)>;
}

/// The broker's provisioning service, set while it runs.
#[derive(Default)]
pub(super) struct Slot {
    service: RwLock<Option<Arc<dyn ProvisioningService>>>,
}

impl Slot {
    pub(super) fn get(&self) -> Option<Arc<dyn ProvisioningService>> {
        self.service
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl BrokerHandle {
    /// Serves the device provisioning API with `service` from now on.
    pub fn serve_provisioning_from(&self, service: Arc<dyn ProvisioningService>) {
        *self
            .shared
            .provisioning
            .service
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(service);
    }
}

/// Runs `service` for one request off the connection's task.
pub(super) async fn serve(
    service: Arc<dyn ProvisioningService>,
    caller: Caller,
    topic: &str,
    payload: &Bytes,
) -> Option<(String, Bytes)> {
    let (topic, payload) = (topic.to_owned(), payload.clone());
    tokio::task::spawn_blocking(move || service.request(&caller, &topic, &payload))
        .await
        .ok()
        .flatten()
}

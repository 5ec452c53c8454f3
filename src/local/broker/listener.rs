//! Accepts TCP connections until shutdown and gives each its own task: TLS handshake, then
//! the MQTT connection. A handshake the gate refused after registering the certificate just in
//! time ends with the registration event published by the broker itself.
//!
//! Handshakes in progress are bounded ([`super::Limits::max_pending_handshakes`]): when one more
//! connection arrives at the limit, the oldest handshake still in progress is dropped, so a
//! flood of sockets that never speak TLS cannot keep a real client out.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use super::event::{BrokerEvent, RefusedAt};
use super::tls::{Failed, Tls};
use super::{Shared, connection};

pub(super) async fn run(listener: TcpListener, tls: Tls, shared: Arc<Shared>) {
    let tls = Arc::new(tls);
    let limit = super::limits::pending_handshakes(shared.limits.max_pending_handshakes);
    let pending = Arc::new(Pending::new(limit));
    loop {
        let accepted = tokio::select! {
            () = shared.shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((tcp, peer)) => {
                let _ = tcp.set_nodelay(true);
                // Taken here, in arrival order, so "oldest" means the first to arrive.
                let slot = pending.enter();
                tokio::spawn(serve(tcp, peer, slot, tls.clone(), shared.clone()));
            }
            // Usually out of file descriptors: wait for some to be released.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn serve(tcp: TcpStream, peer: SocketAddr, slot: Slot, tls: Arc<Tls>, shared: Arc<Shared>) {
    let accepted = tokio::select! {
        () = shared.shutdown.cancelled() => return,
        () = slot.dropped.cancelled() => {
            shared.emit(BrokerEvent::Refused {
                peer,
                at: RefusedAt::Tls,
                client_id: None,
                reason: format!(
                    "handshake dropped unfinished: {} handshakes were in progress (the limit), and the oldest makes room for a new connection",
                    slot.pending.limit
                ),
            });
            return;
        }
        accepted = tls.accept(tcp) => accepted,
    };
    drop(slot);
    drop(tls);
    match accepted {
        Ok(accepted) => connection::run(shared, accepted, peer).await,
        Err(failed) => handshake_refused(&shared, peer, failed).await,
    }
}

/// Reports a refused handshake; one that registered the certificate just in time publishes
/// the registration event (the device HTTPS server's handshakes end here too).
pub(super) async fn handshake_refused(shared: &Shared, peer: SocketAddr, failed: Failed) {
    match failed {
        Failed {
            registered: Some(registration),
            ..
        } => {
            shared.emit(BrokerEvent::Registered {
                peer,
                certificate_id: registration.certificate_id.clone(),
                ca_certificate_id: registration.ca_certificate_id.clone(),
            });
            connection::publish_event(shared, &registration.topic, registration.payload).await;
        }
        Failed { reason, .. } => shared.emit(BrokerEvent::Refused {
            peer,
            at: RefusedAt::Tls,
            client_id: None,
            reason,
        }),
    }
}

/// The handshakes in progress, oldest first.
struct Pending {
    limit: usize,
    state: Mutex<PendingState>,
}

#[derive(Default)]
struct PendingState {
    next: u64,
    /// Arrival number to the token that drops that handshake.
    entries: BTreeMap<u64, CancellationToken>,
}

/// One handshake's place among those in progress; leaving it (drop) frees the place.
struct Slot {
    pending: Arc<Pending>,
    id: u64,
    /// Cancelled when the handshake is dropped to make room for a newer one.
    dropped: CancellationToken,
}

impl Pending {
    fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(1),
            state: Mutex::default(),
        }
    }

    /// A place for one more handshake, dropping the oldest ones while at the limit.
    fn enter(self: &Arc<Self>) -> Slot {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while state.entries.len() >= self.limit {
            match state.entries.pop_first() {
                Some((_, oldest)) => oldest.cancel(),
                None => break,
            }
        }
        let id = state.next;
        state.next += 1;
        let dropped = CancellationToken::new();
        state.entries.insert(id, dropped.clone());
        Slot {
            pending: self.clone(),
            id,
            dropped,
        }
    }

    #[cfg(test)]
    fn in_progress(&self) -> usize {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.entries.len()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut state = self
            .pending
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        state.entries.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_handshake_makes_room() {
        let pending = Arc::new(Pending::new(2));
        let first = pending.enter();
        let second = pending.enter();
        assert!(!first.dropped.is_cancelled());
        let third = pending.enter();
        assert!(first.dropped.is_cancelled());
        assert!(!second.dropped.is_cancelled() && !third.dropped.is_cancelled());
        assert_eq!(pending.in_progress(), 2);
        // A finished handshake frees its place: no one is dropped for the next.
        drop(third);
        let fourth = pending.enter();
        assert!(!second.dropped.is_cancelled() && !fourth.dropped.is_cancelled());
        drop((first, second, fourth));
        assert_eq!(pending.in_progress(), 0);
    }
}

//! What the client side keeps of a persistent session (MQTT 3.1.1 `clean_session = 0`) from
//! one connection to the next: the QoS 1 publishes the broker has not acknowledged, in the
//! order they were sent, with their packet ids; the subscriptions the broker granted; the
//! next packet id. The broker keeps its half (subscriptions, messages queued while the client
//! is away); this half lets the next connection send again what may not have arrived.

use std::collections::VecDeque;

use bytes::Bytes;

use super::types::QoS;

/// A QoS 1 publish waiting for its PUBACK, kept to be sent again.
#[derive(Clone, Debug)]
pub(super) struct Unacked {
    pub(super) id: u16,
    pub(super) topic: String,
    pub(super) payload: Bytes,
    pub(super) retain: bool,
}

/// The client's half of a persistent session, taken from one
/// [`Connection`](super::Connection) with [`session`](super::Connection::session) and handed
/// to the next with [`resume`](super::Connection::resume).
#[derive(Clone, Debug, Default)]
pub struct Session {
    pub(super) unacked: VecDeque<Unacked>,
    pub(super) subscriptions: Vec<(String, QoS)>,
    pub(super) last_id: u16,
}

impl Session {
    /// A session with nothing in it yet (the first connection of a device).
    pub fn new() -> Session {
        Session::default()
    }

    /// QoS 1 publishes not acknowledged yet: the next connection sends them again.
    pub fn unacknowledged(&self) -> usize {
        self.unacked.len()
    }

    /// The filters the broker granted, with the QoS asked for, in the order first asked.
    pub fn subscriptions(&self) -> impl Iterator<Item = (&str, QoS)> {
        self.subscriptions.iter().map(|(f, q)| (f.as_str(), *q))
    }

    /// Remembers a granted subscription (asked again, a filter keeps its place).
    pub(super) fn subscribed(&mut self, filter: &str, qos: QoS) {
        match self.subscriptions.iter_mut().find(|(f, _)| f == filter) {
            Some(entry) => entry.1 = qos,
            None => self.subscriptions.push((filter.to_owned(), qos)),
        }
    }

    /// Forgets a filter the broker refused.
    pub(super) fn refused(&mut self, filter: &str) {
        self.subscriptions.retain(|(f, _)| f != filter);
    }

    /// Drops the publish acknowledged with `id`; acknowledgements mostly come in order, so
    /// the front is looked at first.
    pub(super) fn acknowledged(&mut self, id: u16) {
        if self.unacked.front().is_some_and(|u| u.id == id) {
            self.unacked.pop_front();
        } else if let Some(at) = self.unacked.iter().position(|u| u.id == id) {
            self.unacked.remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unacked(id: u16) -> Unacked {
        Unacked {
            id,
            topic: "t".to_owned(),
            payload: Bytes::new(),
            retain: false,
        }
    }

    #[test]
    fn acknowledgements_in_any_order_leave_the_rest_in_sending_order() {
        let mut session = Session::new();
        session.unacked.extend([1, 2, 3, 4].map(unacked));
        session.acknowledged(1);
        session.acknowledged(3);
        session.acknowledged(9);
        let left: Vec<u16> = session.unacked.iter().map(|u| u.id).collect();
        assert_eq!(left, [2, 4]);
        assert_eq!(session.unacknowledged(), 2);
    }

    #[test]
    fn subscriptions_are_remembered_once_and_forgotten_when_refused() {
        let mut session = Session::new();
        session.subscribed("a/#", QoS::AtMostOnce);
        session.subscribed("b", QoS::AtLeastOnce);
        session.subscribed("a/#", QoS::AtLeastOnce);
        let got: Vec<(&str, QoS)> = session.subscriptions().collect();
        assert_eq!(got, [("a/#", QoS::AtLeastOnce), ("b", QoS::AtLeastOnce)]);
        session.refused("a/#");
        assert_eq!(session.subscriptions().count(), 1);
    }
}

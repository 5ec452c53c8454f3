//! Acknowledgements held until the work they promise is safe. A QoS 1 PUBACK from AWS IoT Core
//! means the service has the message and its rules will run on it; here the connection that
//! received a message hands a [`Hold`] along with it and sends the PUBACK only once every clone
//! of the hold has been dropped: by the rules engine once the message's batch is in the
//! write-ahead journal (or, when the journal cannot be written, once its actions have run),
//! and by the broker's store once a retained message or a message queued for a persistent
//! session is written.
//!
//! Dropping is the signal, so a message that ends for any reason (its actions failed and the
//! error action ran, the engine is stopping) never holds its acknowledgement forever.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

/// Keeps one message's acknowledgement back while any clone of it is alive.
#[derive(Debug, Clone)]
pub struct Hold {
    _release: Arc<Release>,
}

/// Says "done" to the connection when the last clone goes.
#[derive(Debug)]
struct Release {
    done: UnboundedSender<u64>,
    seq: u64,
}

impl Drop for Release {
    fn drop(&mut self) {
        // The connection may have closed meanwhile: its client will resend.
        let _ = self.done.send(self.seq);
    }
}

impl Hold {
    /// A hold whose release sends `seq` on `done`.
    pub fn new(done: UnboundedSender<u64>, seq: u64) -> Self {
        Hold {
            _release: Arc::new(Release { done, seq }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_once_when_the_last_clone_goes() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let hold = Hold::new(tx, 7);
        let other = hold.clone();
        drop(hold);
        assert!(rx.try_recv().is_err(), "released while a clone was alive");
        drop(other);
        assert_eq!(rx.try_recv().unwrap(), 7);
        assert!(rx.try_recv().is_err());
    }
}

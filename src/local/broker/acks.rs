//! The PUBACKs a connection owes its client, sent in the order the PUBLISHes arrived, each
//! once its message's [`Hold`] is released (see [`crate::local::hold`]). Messages may finish
//! out of order across the rules threads; their acknowledgements never do.

use std::collections::VecDeque;

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use super::codec;
use crate::local::hold::Hold;

pub(super) struct Acks {
    tx: UnboundedSender<u64>,
    rx: UnboundedReceiver<u64>,
    /// The sequence number of `waiting[0]`.
    front: u64,
    /// Packet ids in arrival order, and whether each message is done.
    waiting: VecDeque<(u16, bool)>,
}

impl Acks {
    pub(super) fn new() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Acks {
            tx,
            rx,
            front: 0,
            waiting: VecDeque::new(),
        }
    }

    /// Owes a PUBACK for `pid` once the returned hold (and every clone of it) is dropped.
    pub(super) fn hold(&mut self, pid: u16) -> Hold {
        let seq = self.front + self.waiting.len() as u64;
        self.waiting.push_back((pid, false));
        Hold::new(self.tx.clone(), seq)
    }

    /// Waits until some message is done; returns its sequence number.
    pub(super) async fn next_done(&mut self) -> u64 {
        // `self.tx` is alive, so the channel never closes.
        self.rx.recv().await.unwrap_or(u64::MAX)
    }

    /// Marks `seq` done, takes every other finished message without waiting, and writes the
    /// PUBACKs now due, in order.
    pub(super) fn release(&mut self, seq: Option<u64>, out: &mut Vec<u8>) {
        if let Some(seq) = seq {
            self.mark(seq);
        }
        while let Ok(seq) = self.rx.try_recv() {
            self.mark(seq);
        }
        while let Some(&(pid, true)) = self.waiting.front() {
            codec::put_puback(out, pid);
            self.waiting.pop_front();
            self.front += 1;
        }
    }

    fn mark(&mut self, seq: u64) {
        if let Some(index) = seq.checked_sub(self.front)
            && let Some(slot) = usize::try_from(index)
                .ok()
                .and_then(|i| self.waiting.get_mut(i))
        {
            slot.1 = true;
        }
    }

    /// PUBACKs owed and not yet sent.
    #[cfg(test)]
    pub(super) fn owed(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pids(out: &[u8]) -> Vec<u16> {
        out.chunks(4)
            .map(|c| {
                assert_eq!(&c[..2], &[0x40, 2]);
                u16::from_be_bytes([c[2], c[3]])
            })
            .collect()
    }

    #[test]
    fn pubacks_go_out_in_arrival_order_once_done() {
        let mut acks = Acks::new();
        let first = acks.hold(10);
        let second = acks.hold(11);
        let third = acks.hold(12);
        let mut out = Vec::new();
        drop(second);
        acks.release(None, &mut out);
        assert!(
            out.is_empty(),
            "a later message must not be acknowledged first"
        );
        drop(first);
        acks.release(None, &mut out);
        assert_eq!(pids(&out), [10, 11]);
        assert_eq!(acks.owed(), 1);
        out.clear();
        let kept = third.clone();
        drop(third);
        acks.release(None, &mut out);
        assert!(
            out.is_empty(),
            "acknowledged while a clone of its hold was alive"
        );
        drop(kept);
        acks.release(None, &mut out);
        assert_eq!(pids(&out), [12]);
        assert_eq!(acks.owed(), 0);
    }
}

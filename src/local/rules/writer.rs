//! Drives an engine from the broker's channel without blocking the async runtime: one task
//! moves messages in batches to the journal's thread, which appends each batch to the
//! write-ahead journal (see [`crate::local::journal`]), releases its acknowledgements and
//! queues it for a few blocking threads that evaluate the rules and write the files. When the
//! queue is full the task waits, so the broker's send waits too: back-pressure reaches the
//! publisher.
//!
//! At start, what the journal gives back (accepted before a crash and maybe not finished) is
//! queued first. A batch that cannot be journaled (the disk is full) keeps its
//! acknowledgements until its rules have run.
//!
//! Messages may complete out of order across threads (as in AWS IoT); each message's rules
//! and actions run in order on one thread.

use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::thread;

use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio::task::JoinHandle;

use super::fs::OpenFiles;
use super::{Engine, EngineStats, RuleEvent};
use crate::local::gate::Inbound;
use crate::local::journal::{Journal, Recovered};

/// Threads that run rules and write files.
const WORKERS: usize = 2;
/// Messages are handed to the threads in batches of up to this many (whatever has arrived), so
/// that a busy backend wakes a thread once per batch rather than once per message.
const BATCH: usize = 128;
/// Batches waiting for a thread (and, apart, for the journal).
const QUEUE: usize = 8;

/// Messages for one thread, and their place in the journal once written there.
struct Batch {
    messages: Vec<Inbound>,
    journaled: Option<Range<u64>>,
}

/// Handles every message from `rx` (after what `journal` gives back) until the channel
/// closes (every sender dropped), then waits for every pending action to finish (every file
/// written, every alert appended), closes the journal and returns the engine's counters.
pub fn spawn(
    engine: Arc<Engine>,
    mut rx: Receiver<Inbound>,
    journal: Option<(Journal, Recovered)>,
) -> JoinHandle<EngineStats> {
    tokio::spawn(async move {
        let (journal, recovered) = match journal {
            Some((j, r)) => (Some(Arc::new(j)), Some(r)),
            None => (None, None),
        };
        if let Some(r) = recovered.as_ref().filter(|r| !r.messages.is_empty()) {
            engine.report(RuleEvent::Replayed {
                messages: r.messages.len(),
            });
        }
        let (tx, queue) = mpsc::channel::<Batch>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let workers: Vec<_> = (0..WORKERS)
            .filter_map(|i| {
                let engine = Arc::clone(&engine);
                let queue = Arc::clone(&queue);
                let journal = journal.clone();
                thread::Builder::new()
                    .name(format!("rules-{i}"))
                    .spawn(move || work(&engine, &queue, journal.as_deref()))
                    .ok()
            })
            .collect();
        if workers.is_empty() {
            // No thread could be started: run the rules here rather than lose messages.
            let files = OpenFiles::default();
            if let (Some(j), Some(r)) = (&journal, recovered) {
                for msg in &r.messages {
                    handle(&engine, msg, &files);
                }
                let _ = j.finished(r.range);
            }
            while let Some(msg) = rx.recv().await {
                handle(&engine, &msg, &files);
            }
            close(journal, &engine);
            return engine.stats();
        }
        // What came back runs first, under the sequence numbers the journal gave it.
        if let Some(r) = recovered {
            let mut start = r.range.start;
            for chunk in r.messages.chunks(BATCH) {
                let end = start + chunk.len() as u64;
                let batch = Batch {
                    messages: chunk.to_vec(),
                    journaled: Some(start..end),
                };
                if tx.send(batch).await.is_err() {
                    break;
                }
                start = end;
            }
        }
        let (to_journal, journaler) = match &journal {
            Some(j) => {
                let (jtx, jrx) = mpsc::channel::<Vec<Inbound>>(QUEUE);
                let j = Arc::clone(j);
                let engine = Arc::clone(&engine);
                let tx = tx.clone();
                let thread = thread::Builder::new()
                    .name("journal".into())
                    .spawn(move || journal_batches(&engine, &j, jrx, &tx));
                match thread {
                    Ok(thread) => (Some(jtx), Some(thread)),
                    // Without the thread, acknowledgements wait for the rules.
                    Err(_) => (None, None),
                }
            }
            None => (None, None),
        };
        let mut batch = Vec::with_capacity(BATCH);
        while rx.recv_many(&mut batch, BATCH).await > 0 {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            let sent = match &to_journal {
                Some(jtx) => jtx.send(full).await.is_ok(),
                None => tx
                    .send(Batch {
                        messages: full,
                        journaled: None,
                    })
                    .await
                    .is_ok(),
            };
            if !sent {
                break;
            }
        }
        drop(to_journal);
        drop(tx);
        let engine_for_close = Arc::clone(&engine);
        let _ = tokio::task::spawn_blocking(move || {
            if let Some(thread) = journaler {
                let _ = thread.join();
            }
            for worker in workers {
                let _ = worker.join();
            }
            close(journal, &engine_for_close);
        })
        .await;
        engine.stats()
    })
}

/// The journal's thread: appends each batch in one write, releases its acknowledgements and
/// queues it.
fn journal_batches(
    engine: &Engine,
    journal: &Journal,
    mut batches: Receiver<Vec<Inbound>>,
    tx: &Sender<Batch>,
) {
    let mut failing = false;
    while let Some(mut messages) = batches.blocking_recv() {
        let journaled = match journal.append(&messages) {
            Ok(range) => {
                failing = false;
                // In the journal: the publishers may have their acknowledgements.
                for msg in &mut messages {
                    msg.hold = None;
                }
                Some(range)
            }
            Err(e) => {
                if !failing {
                    engine.report(RuleEvent::JournalFailed {
                        error: e.to_string(),
                    });
                }
                failing = true;
                None
            }
        };
        if tx
            .blocking_send(Batch {
                messages,
                journaled,
            })
            .is_err()
        {
            return;
        }
    }
}

/// One thread: takes batches until the queue is closed and empty. The folders it writes into
/// stay open; the logs it appends to are closed after each batch.
fn work(engine: &Engine, queue: &Mutex<Receiver<Batch>>, journal: Option<&Journal>) {
    let files = OpenFiles::default();
    loop {
        let next = queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .blocking_recv();
        let Some(batch) = next else {
            return;
        };
        for msg in &batch.messages {
            handle(engine, msg, &files);
        }
        files.release_logs();
        if let (Some(journal), Some(range)) = (journal, batch.journaled)
            && let Err(e) = journal.finished(range)
        {
            engine.report(RuleEvent::JournalFailed {
                error: e.to_string(),
            });
        }
    }
}

/// A clean stop: every message is finished, so the journal is emptied.
fn close(journal: Option<Arc<Journal>>, engine: &Engine) {
    if let Some(journal) = journal.and_then(|j| Arc::try_unwrap(j).ok())
        && let Err(e) = journal.close()
    {
        engine.report(RuleEvent::JournalFailed {
            error: e.to_string(),
        });
    }
}

/// A panic (in an event or republish callback, say) costs one message, not the thread.
fn handle(engine: &Engine, msg: &Inbound, files: &OpenFiles) {
    let _ = catch_unwind(AssertUnwindSafe(|| engine.handle_with(msg, files)));
}

//! Drives an engine from the broker's channel without blocking the async runtime: one task
//! moves messages into a bounded queue served by a few blocking threads, which evaluate the
//! rules and write the files. When the queue is full the task waits, so the broker's send
//! waits too: back-pressure reaches the publisher.
//!
//! Messages may complete out of order across threads (as in AWS IoT); each message's rules
//! and actions run in order on one thread.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::thread;

use tokio::sync::mpsc::{self, Receiver};
use tokio::task::JoinHandle;

use super::fs::OpenFiles;
use super::{Engine, EngineStats};
use crate::local::gate::Inbound;

/// Threads that run rules and write files.
const WORKERS: usize = 2;
/// Messages are handed to the threads in batches of up to this many (whatever has arrived), so
/// that a busy backend wakes a thread once per batch rather than once per message.
const BATCH: usize = 128;
/// Batches waiting for a thread.
const QUEUE: usize = 8;

/// Handles every message from `rx` until the channel closes (every sender dropped), then
/// waits for every pending action to finish (every file written, every alert appended) and
/// returns the engine's counters.
pub fn spawn(engine: Arc<Engine>, mut rx: Receiver<Inbound>) -> JoinHandle<EngineStats> {
    tokio::spawn(async move {
        let (tx, queue) = mpsc::channel::<Vec<Inbound>>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        let workers: Vec<_> = (0..WORKERS)
            .filter_map(|i| {
                let engine = Arc::clone(&engine);
                let queue = Arc::clone(&queue);
                thread::Builder::new()
                    .name(format!("rules-{i}"))
                    .spawn(move || work(&engine, &queue))
                    .ok()
            })
            .collect();
        if workers.is_empty() {
            // No thread could be started: run the rules here rather than lose messages.
            while let Some(msg) = rx.recv().await {
                engine.handle(&msg);
            }
            return engine.stats();
        }
        let mut batch = Vec::with_capacity(BATCH);
        while rx.recv_many(&mut batch, BATCH).await > 0 {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if tx.send(full).await.is_err() {
                break;
            }
        }
        drop(tx);
        let _ = tokio::task::spawn_blocking(move || {
            for worker in workers {
                let _ = worker.join();
            }
        })
        .await;
        engine.stats()
    })
}

/// One thread: takes batches until the queue is closed and empty. The folders it writes into
/// stay open; the logs it appends to are closed after each batch.
fn work(engine: &Engine, queue: &Mutex<Receiver<Vec<Inbound>>>) {
    let files = OpenFiles::default();
    loop {
        let next = queue
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .blocking_recv();
        match next {
            Some(batch) => {
                for msg in &batch {
                    handle(engine, msg, &files);
                }
                files.release_logs();
            }
            None => return,
        }
    }
}

/// A panic (in an event or republish callback, say) costs one message, not the thread.
fn handle(engine: &Engine, msg: &Inbound, files: &OpenFiles) {
    let _ = catch_unwind(AssertUnwindSafe(|| engine.handle_with(msg, files)));
}

//! The write-ahead journal of accepted messages: what makes a QoS 1 PUBACK mean "the backend
//! has it, and its rules will run on it" without waiting for the rules.
//!
//! Every batch of messages the broker hands to the rules engine is appended to the current
//! segment file (`journal/<first sequence number>.seg`) in one write, and only then are the
//! batch's acknowledgements released. The rules threads run the batch afterwards and report
//! its range finished; the checkpoint (`journal/checkpoint`) is the sequence number below which
//! every message is finished, rewritten in place as it advances. Segments wholly behind the
//! checkpoint are deleted as the journal moves on, and all of them at a clean stop.
//!
//! At start, [`Journal::open`] reads back every message at or after the checkpoint (a crash
//! left them accepted and maybe not finished), writes them into a fresh segment and returns
//! them to be run again: at-least-once, as AWS IoT's rules engine, so a message in flight at
//! the crash may be archived twice. A torn record at the end of a segment (the process died in
//! the middle of a write) ends that segment; its batch was never acknowledged.
//!
//! Nothing is synced: the journal survives the process (`kill -9`), as the page cache does; a
//! power cut may lose the most recent batches, as it may the bucket's newest objects.
//!
//! Record: length (u32 LE, of what follows the checksum), CRC-32 of that body (u32 LE), body:
//! sequence number (u64), timestamp in ms (i64), QoS (u8), retain (u8), topic, client id and
//! principal (each u16 length and bytes), payload (the rest).

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;

use crate::local::gate::Inbound;

/// A segment is closed for a new one once it holds this much; closed segments are deleted once
/// the checkpoint has passed them.
const SEGMENT_BYTES: u64 = 8 << 20;
const CHECKPOINT: &str = "checkpoint";
const LOCK: &str = "lock";
const SEGMENT_SUFFIX: &str = ".seg";
/// Marks a valid checkpoint: the second half is the first XOR this.
const CHECK: u64 = 0x736f_696c_6a6e_6c31;
const HEADER: usize = 8;
const FIXED: usize = 8 + 8 + 1 + 1;

/// What went wrong reading or writing the journal.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error(
        "another `soilctl local up` (or `demo`) is running on the state directory {}: stop it first, or give this one its own --state-dir",
        state.display()
    )]
    InUse { state: PathBuf },
    #[error("cannot use the journal in {}: {source}", dir.display())]
    Io {
        dir: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The journal of one state directory. One thread appends; any thread reports finished ranges.
pub struct Journal {
    dir: PathBuf,
    /// Held (an exclusive `flock`) while the journal is open: one backend per state directory.
    /// The kernel lets go when the process ends, however it ends.
    _lock: File,
    writer: Mutex<Writer>,
    progress: Mutex<Progress>,
    /// Every message below this is finished (a copy of `progress.checkpoint` to read freely).
    finished_below: AtomicU64,
}

struct Writer {
    file: File,
    bytes: u64,
    next: u64,
    /// Closed segments by their first sequence number, oldest first.
    closed: Vec<(u64, PathBuf)>,
    buf: Vec<u8>,
}

struct Progress {
    checkpoint: u64,
    /// Finished ranges beyond the checkpoint: start to end.
    done: BTreeMap<u64, u64>,
    file: File,
}

/// Messages read back at start: accepted before the last stop and not finished.
pub struct Recovered {
    pub range: Range<u64>,
    pub messages: Vec<Inbound>,
}

impl Journal {
    /// Opens (making it if needed) the journal in `dir` and returns what must run again.
    pub fn open(dir: &Path) -> Result<(Journal, Recovered), JournalError> {
        let io = |source| JournalError::Io {
            dir: dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(io)?;
        let lock = lock(dir)?;
        let checkpoint = read_checkpoint(&dir.join(CHECKPOINT)).map_err(io)?;
        let old = segments(dir).map_err(io)?;
        let mut messages = Vec::new();
        let mut next = checkpoint;
        for (_, path) in &old {
            for (seq, message) in read_segment(path).map_err(io)? {
                next = next.max(seq + 1);
                if seq >= checkpoint {
                    messages.push(message);
                }
            }
        }
        // A fresh segment holds what runs again, numbered from `next`; then the checkpoint
        // moves to it and the old segments go. A crash in between replays twice, never less.
        let first = next;
        let path = dir.join(segment_name(first));
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&path)
            .map_err(io)?;
        let mut buf = Vec::new();
        for (i, message) in messages.iter().enumerate() {
            encode(&mut buf, first + i as u64, message);
        }
        file.write_all(&buf).map_err(io)?;
        let mut progress_file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(CHECKPOINT))
            .map_err(io)?;
        write_checkpoint(&mut progress_file, first).map_err(io)?;
        for (_, old_path) in old.iter().filter(|(_, p)| *p != path) {
            fs::remove_file(old_path).map_err(io)?;
        }
        let end = first + messages.len() as u64;
        let journal = Journal {
            dir: dir.to_path_buf(),
            _lock: lock,
            writer: Mutex::new(Writer {
                file,
                bytes: buf.len() as u64,
                next: end,
                closed: vec![(first, path)],
                buf: Vec::new(),
            }),
            progress: Mutex::new(Progress {
                checkpoint: first,
                done: BTreeMap::new(),
                file: progress_file,
            }),
            finished_below: AtomicU64::new(first),
        };
        Ok((
            journal,
            Recovered {
                range: first..end,
                messages,
            },
        ))
    }

    /// Appends `batch` in one write and returns the sequence numbers it was given.
    pub fn append(&self, batch: &[Inbound]) -> io::Result<Range<u64>> {
        let mut w = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if w.bytes >= SEGMENT_BYTES {
            self.rotate(&mut w)?;
        }
        let first = w.next;
        let mut buf = std::mem::take(&mut w.buf);
        buf.clear();
        for (i, message) in batch.iter().enumerate() {
            encode(&mut buf, first + i as u64, message);
        }
        let written = w.file.write_all(&buf);
        w.bytes += buf.len() as u64;
        w.buf = buf;
        written?;
        w.next = first + batch.len() as u64;
        Ok(first..w.next)
    }

    /// Starts a new segment at the next sequence number and deletes closed segments that the
    /// checkpoint has passed.
    fn rotate(&self, w: &mut Writer) -> io::Result<()> {
        let path = self.dir.join(segment_name(w.next));
        let file = OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&path)?;
        let old = std::mem::replace(&mut w.file, file);
        drop(old);
        w.closed.push((w.next, path));
        w.bytes = 0;
        let below = self.finished_below.load(Ordering::Acquire);
        // A closed segment is behind the checkpoint once the segment after it starts there or
        // earlier; the last entry is the new, current segment.
        let mut keep = 0;
        while keep + 1 < w.closed.len() && w.closed[keep + 1].0 <= below {
            keep += 1;
        }
        let gone: Vec<_> = w.closed.drain(..keep).collect();
        for (_, path) in gone {
            fs::remove_file(path)?;
        }
        Ok(())
    }

    /// Records that every message in `range` has been run; the checkpoint moves past every
    /// finished message with no unfinished one before it.
    pub fn finished(&self, range: Range<u64>) -> io::Result<()> {
        if range.is_empty() {
            return Ok(());
        }
        let mut p = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        p.done.insert(range.start, range.end);
        let before = p.checkpoint;
        loop {
            let at = p.checkpoint;
            match p.done.remove(&at) {
                Some(end) => p.checkpoint = end,
                None => break,
            }
        }
        if p.checkpoint == before {
            return Ok(());
        }
        let at = p.checkpoint;
        self.finished_below.store(at, Ordering::Release);
        write_checkpoint(&mut p.file, at)
    }

    /// A clean stop: when every appended message is finished, deletes every segment but an
    /// empty current one, so the next start has nothing to run again.
    pub fn close(self) -> io::Result<()> {
        let w = self.writer.into_inner().unwrap_or_else(|p| p.into_inner());
        let below = self.finished_below.load(Ordering::Acquire);
        if below < w.next {
            return Ok(());
        }
        drop(w.file);
        let current = self.dir.join(segment_name(w.next));
        File::create(&current)?;
        let mut progress = self
            .progress
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        write_checkpoint(&mut progress.file, w.next)?;
        for (_, path) in segments(&self.dir)? {
            if path != current {
                fs::remove_file(path)?;
            }
        }
        Ok(())
    }
}

/// Takes the journal's lock, or says who has it.
fn lock(dir: &Path) -> Result<File, JournalError> {
    use rustix::fs::{FlockOperation, flock};
    let io = |source| JournalError::Io {
        dir: dir.to_path_buf(),
        source,
    };
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK))
        .map_err(io)?;
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(file),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(JournalError::InUse {
            state: dir.parent().unwrap_or(dir).to_path_buf(),
        }),
        Err(e) => Err(io(e.into())),
    }
}

fn segment_name(first: u64) -> String {
    format!("{first:020}{SEGMENT_SUFFIX}")
}

/// The segments in `dir`, oldest first.
fn segments(dir: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(first) = name
            .to_str()
            .and_then(|n| n.strip_suffix(SEGMENT_SUFFIX))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        found.push((first, entry.path()));
    }
    found.sort();
    Ok(found)
}

fn read_checkpoint(path: &Path) -> io::Result<u64> {
    match fs::read(path) {
        Ok(bytes) => Ok(decode_checkpoint(&bytes).unwrap_or(0)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e),
    }
}

fn decode_checkpoint(bytes: &[u8]) -> Option<u64> {
    let at = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    let check = u64::from_le_bytes(bytes.get(8..16)?.try_into().ok()?);
    (check == at ^ CHECK).then_some(at)
}

fn write_checkpoint(file: &mut File, at: u64) -> io::Result<()> {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&at.to_le_bytes());
    bytes[8..].copy_from_slice(&(at ^ CHECK).to_le_bytes());
    file.write_all_at(&bytes, 0)
}

/// Every whole record of a segment, in order; reading stops at the first torn or damaged one.
fn read_segment(path: &Path) -> io::Result<Vec<(u64, Inbound)>> {
    let bytes = fs::read(path)?;
    Ok(decode_all(&bytes))
}

fn decode_all(mut bytes: &[u8]) -> Vec<(u64, Inbound)> {
    let mut out = Vec::new();
    while let Some((record, rest)) = decode(bytes) {
        out.push(record);
        bytes = rest;
    }
    out
}

fn encode(buf: &mut Vec<u8>, seq: u64, m: &Inbound) {
    let start = buf.len();
    buf.extend_from_slice(&[0; HEADER]);
    buf.extend_from_slice(&seq.to_le_bytes());
    buf.extend_from_slice(&m.timestamp_ms.to_le_bytes());
    buf.push(m.qos);
    buf.push(u8::from(m.retain));
    for text in [&m.topic, &m.client_id, &m.principal] {
        // Topics and client ids are limited far below this by the broker.
        let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
        buf.extend_from_slice(&len.to_le_bytes());
        buf.extend_from_slice(&text.as_bytes()[..usize::from(len)]);
    }
    buf.extend_from_slice(&m.payload);
    let body = &buf[start + HEADER..];
    let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
    let crc = crc32fast::hash(body);
    buf[start..start + 4].copy_from_slice(&len.to_le_bytes());
    buf[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
}

fn decode(bytes: &[u8]) -> Option<((u64, Inbound), &[u8])> {
    let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let crc = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?);
    let body = bytes.get(HEADER..HEADER.checked_add(len)?)?;
    if crc32fast::hash(body) != crc || body.len() < FIXED {
        return None;
    }
    let seq = u64::from_le_bytes(body[..8].try_into().ok()?);
    let timestamp_ms = i64::from_le_bytes(body[8..16].try_into().ok()?);
    let qos = body[16];
    let retain = body[17] != 0;
    let mut rest = &body[FIXED..];
    let mut texts = [String::new(), String::new(), String::new()];
    for text in &mut texts {
        let n = usize::from(u16::from_le_bytes(rest.get(..2)?.try_into().ok()?));
        *text = String::from_utf8(rest.get(2..2 + n)?.to_vec()).ok()?;
        rest = &rest[2 + n..];
    }
    let [topic, client_id, principal] = texts;
    let inbound = Inbound {
        topic,
        payload: Bytes::copy_from_slice(rest),
        client_id,
        principal,
        timestamp_ms,
        qos,
        retain,
        hold: None,
    };
    Some(((seq, inbound), &bytes[HEADER + len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(i: u64) -> Inbound {
        Inbound {
            topic: format!("soil/dev-{i}/telemetry"),
            payload: Bytes::from(format!("{{\"humidity\":{i}}}")),
            client_id: format!("dev-{i}"),
            principal: "ab".repeat(32),
            timestamp_ms: 1_700_000_000_000 + i as i64,
            qos: 1,
            retain: i.is_multiple_of(2),
            hold: None,
        }
    }

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().expect("a temporary folder")
    }

    fn topics(messages: &[Inbound]) -> Vec<String> {
        messages.iter().map(|m| m.topic.clone()).collect()
    }

    #[test]
    fn records_read_back_as_written() {
        let mut buf = Vec::new();
        for i in 0..3 {
            encode(&mut buf, 10 + i, &message(i));
        }
        let back = decode_all(&buf);
        assert_eq!(back.len(), 3);
        for (i, (seq, m)) in back.iter().enumerate() {
            let want = message(i as u64);
            assert_eq!(*seq, 10 + i as u64);
            assert_eq!(
                (&m.topic, &m.payload, &m.client_id, &m.principal),
                (&want.topic, &want.payload, &want.client_id, &want.principal)
            );
            assert_eq!(
                (m.timestamp_ms, m.qos, m.retain),
                (want.timestamp_ms, want.qos, want.retain)
            );
        }
    }

    #[test]
    fn a_torn_or_damaged_record_ends_the_segment() {
        let mut buf = Vec::new();
        encode(&mut buf, 0, &message(0));
        let one = buf.len();
        encode(&mut buf, 1, &message(1));
        for cut in one..buf.len() {
            assert_eq!(decode_all(&buf[..cut]).len(), 1, "cut at {cut}");
        }
        let mut damaged = buf.clone();
        damaged[one + HEADER + 20] ^= 1;
        assert_eq!(decode_all(&damaged).len(), 1);
    }

    #[test]
    fn unfinished_messages_come_back_once_and_finished_ones_never() -> Result<(), JournalError> {
        let dir = temp();
        let (journal, recovered) = Journal::open(dir.path())?;
        assert!(recovered.messages.is_empty());
        let all: Vec<_> = (0..10).map(message).collect();
        let a = journal.append(&all[..4]).unwrap();
        let b = journal.append(&all[4..7]).unwrap();
        let c = journal.append(&all[7..]).unwrap();
        assert_eq!((a.clone(), b.clone(), c.clone()), (0..4, 4..7, 7..10));
        // Finished out of order: the checkpoint waits for the first batch.
        journal.finished(b).unwrap();
        journal.finished(a).unwrap();
        // The process dies here, with the last batch accepted but not run.
        drop(journal);
        let (journal, recovered) = Journal::open(dir.path())?;
        assert_eq!(topics(&recovered.messages), topics(&all[7..]));
        assert_eq!(recovered.range, 10..13);
        // Died again before running them: they come back again, still once each.
        drop(journal);
        let (journal, recovered) = Journal::open(dir.path())?;
        assert_eq!(topics(&recovered.messages), topics(&all[7..]));
        journal.finished(recovered.range.clone()).unwrap();
        let d = journal.append(&all[..1]).unwrap();
        assert_eq!(d.start, recovered.range.end);
        journal.finished(d).unwrap();
        journal.close().unwrap();
        let (_journal, recovered) = Journal::open(dir.path())?;
        assert!(recovered.messages.is_empty());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(
            names.len(),
            3,
            "one empty segment, the checkpoint and the lock: {names:?}"
        );
        Ok(())
    }

    #[test]
    fn segments_behind_the_checkpoint_are_deleted() -> Result<(), JournalError> {
        let dir = temp();
        let (journal, _) = Journal::open(dir.path())?;
        let big = Inbound {
            payload: Bytes::from(vec![b'x'; 1 << 20]),
            ..message(0)
        };
        let batch = vec![big.clone(), big.clone(), big];
        let mut last = 0..0;
        for _ in 0..12 {
            last = journal.append(&batch).unwrap();
            journal.finished(last.clone()).unwrap();
        }
        let count = || segments(dir.path()).unwrap().len();
        assert!(count() <= 2, "{} segments kept", count());
        // An unfinished batch keeps its segment and every later one.
        let pending = journal.append(&batch).unwrap();
        for _ in 0..6 {
            let r = journal.append(&batch).unwrap();
            journal.finished(r).unwrap();
        }
        assert!(count() >= 3);
        drop(journal);
        let (_journal, recovered) = Journal::open(dir.path())?;
        assert_eq!(recovered.messages.len(), 3 * 7);
        assert!(pending.start > last.start);
        assert_eq!(count(), 1);
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_decode_without_panicking(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = decode_all(&bytes);
        }

        #[test]
        fn any_message_reads_back(topic in ".{0,40}", payload in proptest::collection::vec(proptest::num::u8::ANY, 0..300), seq in proptest::num::u64::ANY) {
            let m = Inbound { topic: topic.clone(), payload: Bytes::from(payload.clone()), ..message(1) };
            let mut buf = Vec::new();
            encode(&mut buf, seq, &m);
            let back = decode_all(&buf);
            proptest::prop_assert_eq!(back.len(), 1);
            proptest::prop_assert_eq!(back[0].0, seq);
            proptest::prop_assert_eq!(&back[0].1.topic, &topic);
            proptest::prop_assert_eq!(&back[0].1.payload[..], &payload[..]);
        }
    }

    #[test]
    fn one_backend_at_a_time() -> Result<(), JournalError> {
        let dir = temp();
        let (journal, _) = Journal::open(&dir.path().join("journal"))?;
        let second = Journal::open(&dir.path().join("journal"));
        assert!(
            matches!(&second, Err(JournalError::InUse { state }) if state == dir.path()),
            "{:?}",
            second.err()
        );
        drop(journal);
        Journal::open(&dir.path().join("journal"))?;
        Ok(())
    }

    #[test]
    fn a_damaged_checkpoint_replays_everything_kept() -> Result<(), JournalError> {
        let dir = temp();
        let (journal, _) = Journal::open(dir.path())?;
        let r = journal.append(&[message(1), message(2)]).unwrap();
        journal.finished(r).unwrap();
        drop(journal);
        fs::write(dir.path().join(CHECKPOINT), b"garbage").unwrap();
        let (_journal, recovered) = Journal::open(dir.path())?;
        assert_eq!(recovered.messages.len(), 2, "at least once, never lost");
        Ok(())
    }
}

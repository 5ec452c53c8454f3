//! The two ways actions touch the disk: whole objects that appear atomically, and lines
//! appended to a log that concurrent writers never interleave.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Names starting with this are objects being written: listers skip them.
pub(crate) const TEMP_PREFIX: &str = ".tmp-";

/// Folders one thread keeps open (at most this many) so that objects are made relative to
/// them rather than through their whole path.
const OPEN_FOLDERS: usize = 256;

/// What one thread keeps open between writes: the folders objects go into, and the logs lines
/// are appended to. A busy backend then walks no path for an object (the folder is open) and
/// opens each log once per batch of messages rather than once per line.
///
/// Folders stay open: one removed meanwhile (a teardown) is noticed at the next write into it,
/// made again and reopened. Logs are closed by [`OpenFiles::release_logs`], which the engine's
/// threads call after each batch, so a log removed or replaced is reopened soon after.
#[derive(Default)]
pub(crate) struct OpenFiles {
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    folders: RefCell<HashMap<PathBuf, std::os::fd::OwnedFd>>,
    logs: RefCell<HashMap<PathBuf, File>>,
}

impl OpenFiles {
    /// Writes `body` to `dir/key` so that no reader ever sees part of it. Missing folders are
    /// made. Not synced to disk: the object appears whole or not at all, but is not made
    /// durable.
    ///
    /// On Linux the body goes into an unnamed file in the (open) folder (`O_TMPFILE`) that is
    /// then linked under the key: one directory change instead of a temporary name's creation
    /// and rename, which is most of the cost of archiving a message. Elsewhere, when the file
    /// system cannot do that, or when the key already exists (a replacement), a temporary
    /// file is renamed over the key.
    pub fn write_object(&self, dir: &Path, key: &str, body: &[u8]) -> io::Result<()> {
        let path = dir.join(key);
        let folder = path.parent().unwrap_or(dir);
        #[cfg(target_os = "linux")]
        if let Some(name) = path.file_name()
            && self.write_linked(folder, name, body)?
        {
            return Ok(());
        }
        write_renamed(folder, &path, body)
    }

    /// Appends `line` and a newline in one write to a file opened for appending, so lines
    /// from concurrent writers (threads or processes) stay whole. Makes the file and its
    /// folder.
    pub fn append_line(&self, path: &Path, line: &str) -> io::Result<()> {
        let mut buf = Vec::with_capacity(line.len() + 1);
        buf.extend_from_slice(line.as_bytes());
        buf.push(b'\n');
        let mut logs = self.logs.borrow_mut();
        if !logs.contains_key(path) {
            let file = match open_append(path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if let Some(folder) = path.parent() {
                        fs::create_dir_all(folder)?;
                    }
                    open_append(path)?
                }
                other => other?,
            };
            logs.insert(path.to_path_buf(), file);
        }
        let written = match logs.get_mut(path) {
            Some(file) => file.write_all(&buf),
            None => Ok(()),
        };
        if written.is_err() {
            logs.remove(path);
        }
        written
    }

    /// Closes the logs kept open since the last call.
    pub fn release_logs(&self) {
        self.logs.borrow_mut().clear();
    }

    /// The unnamed-file way into `folder`, kept open; `Ok(false)` when it does not apply here
    /// (no `O_TMPFILE` support, or `name` exists and must be replaced).
    #[cfg(target_os = "linux")]
    fn write_linked(&self, folder: &Path, name: &std::ffi::OsStr, body: &[u8]) -> io::Result<bool> {
        // A folder removed while open refuses new entries (ENOENT): forget it and make it
        // again, once.
        for _ in 0..2 {
            let mut folders = self.folders.borrow_mut();
            if !folders.contains_key(folder) {
                let dir = open_folder(folder)?;
                if folders.len() >= OPEN_FOLDERS {
                    folders.clear();
                }
                folders.insert(folder.to_path_buf(), dir);
            }
            let Some(dir) = folders.get(folder) else {
                return Ok(false);
            };
            match link_new(dir, name, body)? {
                Linked::Done => return Ok(true),
                Linked::NotHere => return Ok(false),
                Linked::FolderGone => {
                    folders.remove(folder);
                }
            }
        }
        Ok(false)
    }
}

/// Opens `folder` (made if missing) to create files relative to it.
#[cfg(target_os = "linux")]
fn open_folder(folder: &Path) -> io::Result<std::os::fd::OwnedFd> {
    use rustix::fs::{CWD, Mode, OFlags, openat};
    let open = || {
        openat(
            CWD,
            folder,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
    };
    match open() {
        Ok(fd) => Ok(fd),
        Err(e) if e == rustix::io::Errno::NOENT => {
            fs::create_dir_all(folder)?;
            Ok(open()?)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(target_os = "linux")]
enum Linked {
    Done,
    /// `O_TMPFILE` is not supported here, or the name exists: take the portable way.
    NotHere,
    /// The open folder has been removed.
    FolderGone,
}

/// Writes `body` into an unnamed file in `dir` and links it as `name`.
#[cfg(target_os = "linux")]
fn link_new(dir: &std::os::fd::OwnedFd, name: &std::ffi::OsStr, body: &[u8]) -> io::Result<Linked> {
    use rustix::fs::{AtFlags, CWD, Mode, OFlags, linkat, openat};
    use rustix::io::Errno;
    use std::os::fd::AsRawFd;
    use std::sync::atomic::{AtomicBool, Ordering};
    let fd = match openat(
        dir,
        ".",
        OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o644),
    ) {
        Ok(fd) => fd,
        Err(e) if e == Errno::NOENT => return Ok(Linked::FolderGone),
        // Not supported by this file system (or kernel).
        Err(_) => return Ok(Linked::NotHere),
    };
    let mut file = File::from(fd);
    file.write_all(body)?;
    // Linking the descriptor itself (AT_EMPTY_PATH) skips a lookup in /proc, but older kernels
    // want CAP_DAC_READ_SEARCH for it; without it, the /proc path is what the kernel documents.
    static EMPTY_PATH_REFUSED: AtomicBool = AtomicBool::new(false);
    if !EMPTY_PATH_REFUSED.load(Ordering::Relaxed) {
        match linkat(&file, "", dir, name, AtFlags::EMPTY_PATH) {
            Ok(()) => return Ok(Linked::Done),
            Err(e) if e == Errno::EXIST => return Ok(Linked::NotHere),
            // Refused (ENOENT without the capability, or EPERM), or the folder is gone: the
            // /proc way tells which.
            Err(e) if e == Errno::NOENT || e == Errno::PERM => {}
            Err(e) => return Err(e.into()),
        }
    }
    let handle = format!("/proc/self/fd/{}", file.as_raw_fd());
    match linkat(CWD, handle.as_str(), dir, name, AtFlags::SYMLINK_FOLLOW) {
        Ok(()) => {
            EMPTY_PATH_REFUSED.store(true, Ordering::Relaxed);
            Ok(Linked::Done)
        }
        Err(e) if e == Errno::EXIST => Ok(Linked::NotHere),
        Err(e) if e == Errno::NOENT => Ok(Linked::FolderGone),
        Err(e) if e == Errno::PERM => Ok(Linked::NotHere),
        Err(e) => Err(e.into()),
    }
}

/// The portable way: a temporary file in the same folder, renamed over the key.
fn write_renamed(folder: &Path, path: &Path, body: &[u8]) -> io::Result<()> {
    let temp = folder.join(format!("{TEMP_PREFIX}{:016x}", fastrand::u64(..)));
    match write_new(&temp, body) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(folder)?;
            write_new(&temp, body)?;
        }
        other => other?,
    }
    fs::rename(&temp, path).inspect_err(|_| {
        let _ = fs::remove_file(&temp);
    })
}

fn write_new(path: &Path, body: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(body).inspect_err(|_| {
        let _ = fs::remove_file(path);
    })
}

fn open_append(path: &Path) -> io::Result<File> {
    OpenOptions::new().append(true).create(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_replace_and_leave_no_temporary_files() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let files = OpenFiles::default();
        files.write_object(dir.path(), "a/b/c.json", b"one")?;
        files.write_object(dir.path(), "a/b/c.json", b"two")?;
        assert_eq!(fs::read(dir.path().join("a/b/c.json"))?, b"two");
        let names: Vec<_> = fs::read_dir(dir.path().join("a/b"))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()?;
        assert_eq!(names, ["c.json"]);
        Ok(())
    }

    #[test]
    fn a_folder_removed_while_open_is_made_again() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let files = OpenFiles::default();
        files.write_object(dir.path(), "dev/1.json", b"one")?;
        // A teardown empties the bucket while the folder is open.
        fs::remove_dir_all(dir.path().join("dev"))?;
        files.write_object(dir.path(), "dev/2.json", b"two")?;
        assert_eq!(fs::read(dir.path().join("dev/2.json"))?, b"two");
        assert!(!dir.path().join("dev/1.json").exists());
        // Removed and made again by someone else: the new folder gets the object.
        fs::remove_dir_all(dir.path().join("dev"))?;
        fs::create_dir(dir.path().join("dev"))?;
        files.write_object(dir.path(), "dev/3.json", b"three")?;
        assert_eq!(fs::read(dir.path().join("dev/3.json"))?, b"three");
        Ok(())
    }

    #[test]
    fn a_log_removed_between_batches_is_made_again() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("logs/alerts.jsonl");
        let files = OpenFiles::default();
        files.append_line(&path, "1")?;
        files.append_line(&path, "2")?;
        files.release_logs();
        fs::remove_dir_all(dir.path().join("logs"))?;
        files.append_line(&path, "3")?;
        files.release_logs();
        assert_eq!(fs::read_to_string(&path)?, "3\n");
        Ok(())
    }

    #[test]
    fn a_file_in_the_way_is_an_error() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        fs::write(dir.path().join("a"), b"")?;
        let files = OpenFiles::default();
        assert!(files.write_object(dir.path(), "a/b.json", b"x").is_err());
        assert!(
            files
                .append_line(&dir.path().join("a/log.jsonl"), "{}")
                .is_err()
        );
        Ok(())
    }

    #[test]
    fn concurrent_appends_stay_whole_lines() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("logs/x.jsonl");
        std::thread::scope(|s| {
            for t in 0..4 {
                let path = &path;
                s.spawn(move || {
                    // Each thread keeps the log open for a while, as the engine's threads do.
                    let files = OpenFiles::default();
                    let line = t.to_string().repeat(3000);
                    for i in 0..200 {
                        files.append_line(path, &line).ok();
                        if i % 50 == 49 {
                            files.release_logs();
                        }
                    }
                });
            }
        });
        let text = fs::read_to_string(&path)?;
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 800);
        for line in lines {
            assert_eq!(line.len(), 3000);
            let first = &line[..1];
            assert_eq!(line.matches(first).count(), 3000, "lines were interleaved");
        }
        Ok(())
    }
}

//! The two ways actions touch the disk: whole objects that appear atomically, and lines
//! appended to a log that concurrent writers never interleave.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Names starting with this are objects being written: listers skip them.
pub(crate) const TEMP_PREFIX: &str = ".tmp-";

/// Writes `body` to `dir/key` so that no reader ever sees part of it. Missing folders are made.
/// Not synced to disk: the object appears whole or not at all, but is not made durable.
///
/// On Linux the body goes into an unnamed file in the folder (`O_TMPFILE`) that is then linked
/// under the key: one directory change instead of a temporary name's creation and rename, which
/// is most of the cost of archiving a message. Elsewhere, when the file system cannot do that,
/// or when the key already exists (a replacement), a temporary file is renamed over the key.
pub(crate) fn write_object(dir: &Path, key: &str, body: &[u8]) -> io::Result<()> {
    let path = dir.join(key);
    let folder = path.parent().unwrap_or(dir);
    match write_linked(folder, &path, body) {
        Ok(true) => return Ok(()),
        Ok(false) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(folder)?;
            if write_linked(folder, &path, body)? {
                return Ok(());
            }
        }
        Err(e) => return Err(e),
    }
    write_renamed(folder, &path, body)
}

/// The unnamed-file way; `Ok(false)` when it does not apply here (no `O_TMPFILE` support, or
/// the key exists and must be replaced).
#[cfg(target_os = "linux")]
fn write_linked(folder: &Path, path: &Path, body: &[u8]) -> io::Result<bool> {
    use rustix::fs::{AtFlags, CWD, Mode, OFlags, linkat, openat};
    use std::os::fd::AsRawFd;
    use std::sync::atomic::{AtomicBool, Ordering};
    let fd = match openat(
        CWD,
        folder,
        OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o644),
    ) {
        Ok(fd) => fd,
        Err(e) if e == rustix::io::Errno::NOENT => return Err(io::ErrorKind::NotFound.into()),
        // Not supported by this file system (or kernel): fall back.
        Err(_) => return Ok(false),
    };
    let mut file = File::from(fd);
    file.write_all(body)?;
    // Linking the descriptor itself (AT_EMPTY_PATH) skips a lookup in /proc, but needs
    // CAP_DAC_READ_SEARCH; without it, the /proc path is what the kernel documents.
    static EMPTY_PATH_REFUSED: AtomicBool = AtomicBool::new(false);
    let linked = if EMPTY_PATH_REFUSED.load(Ordering::Relaxed) {
        Err(rustix::io::Errno::NOENT)
    } else {
        linkat(&file, "", CWD, path, AtFlags::EMPTY_PATH)
    };
    let linked = match linked {
        Err(e) if e == rustix::io::Errno::NOENT || e == rustix::io::Errno::PERM => {
            if !EMPTY_PATH_REFUSED.load(Ordering::Relaxed)
                && path.parent().is_some_and(Path::is_dir)
            {
                EMPTY_PATH_REFUSED.store(true, Ordering::Relaxed);
            }
            let handle = format!("/proc/self/fd/{}", file.as_raw_fd());
            linkat(CWD, handle.as_str(), CWD, path, AtFlags::SYMLINK_FOLLOW)
        }
        other => other,
    };
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::EXIST => Ok(false),
        Err(e) if e == rustix::io::Errno::NOENT || e == rustix::io::Errno::PERM => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn write_linked(_: &Path, _: &Path, _: &[u8]) -> io::Result<bool> {
    Ok(false)
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

/// Appends `line` and a newline in one write to a file opened for appending, so lines from
/// concurrent writers (threads or processes) stay whole. Makes the file and its folder.
pub(crate) fn append_line(path: &Path, line: &str) -> io::Result<()> {
    let mut buf = Vec::with_capacity(line.len() + 1);
    buf.extend_from_slice(line.as_bytes());
    buf.push(b'\n');
    let mut file = match open_append(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(folder) = path.parent() {
                fs::create_dir_all(folder)?;
            }
            open_append(path)?
        }
        other => other?,
    };
    file.write_all(&buf)
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
        write_object(dir.path(), "a/b/c.json", b"one")?;
        write_object(dir.path(), "a/b/c.json", b"two")?;
        assert_eq!(fs::read(dir.path().join("a/b/c.json"))?, b"two");
        let names: Vec<_> = fs::read_dir(dir.path().join("a/b"))?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()?;
        assert_eq!(names, ["c.json"]);
        Ok(())
    }

    #[test]
    fn a_file_in_the_way_is_an_error() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        fs::write(dir.path().join("a"), b"")?;
        assert!(write_object(dir.path(), "a/b.json", b"x").is_err());
        assert!(append_line(&dir.path().join("a/log.jsonl"), "{}").is_err());
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
                    let line = t.to_string().repeat(3000);
                    for _ in 0..200 {
                        append_line(path, &line).ok();
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

//! The bucket folders on disk: `buckets/<bucket>/<key>` in the state directory, one file per
//! object, as the rules engine writes them. Blocking calls; the service runs them off the
//! async threads.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use md5::{Digest, Md5};

use super::keys::{self, KeyError};
use crate::local::rules::fs::TEMP_PREFIX;

/// What a bucket folder operation can fail with, named as S3 names the failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("The specified bucket does not exist")]
    NoSuchBucket,
    #[error("The specified key does not exist.")]
    NoSuchKey,
    #[error("The bucket you tried to delete is not empty")]
    BucketNotEmpty,
    #[error("Your previous request to create the named bucket succeeded and you already own it.")]
    BucketAlreadyOwnedByYou,
    #[error("{0}")]
    BadKey(#[from] KeyError),
    #[error(
        "the local backend stores keys as files: {0:?} cannot be both an object and a folder of other objects"
    )]
    FileFolderClash(String),
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// One stored object, as listings and reads describe it.
#[derive(Debug, Clone)]
pub struct ObjectInfo {
    pub size: u64,
    pub modified: SystemTime,
    /// The MD5 of the content, in hex: S3's ETag of an object put in one part.
    pub md5: String,
}

/// The folder that holds every bucket.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn new(root: PathBuf) -> Store {
        Store { root }
    }

    /// The buckets (folders with bucket names), sorted by name, with when they were made.
    pub fn buckets(&self) -> io::Result<Vec<(String, SystemTime)>> {
        let entries = match fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if !s3s::path::check_bucket_name(&name) || !entry.file_type()?.is_dir() {
                continue;
            }
            let meta = entry.metadata()?;
            let made = meta.created().or_else(|_| meta.modified())?;
            found.push((name, made));
        }
        found.sort();
        Ok(found)
    }

    /// The bucket's folder, if the bucket exists.
    pub fn bucket(&self, name: &str) -> Result<PathBuf, StoreError> {
        if !s3s::path::check_bucket_name(name) {
            return Err(StoreError::NoSuchBucket);
        }
        let dir = self.root.join(name);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => Ok(dir),
            Ok(_) => Err(StoreError::NoSuchBucket),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(StoreError::NoSuchBucket),
            Err(e) => Err(e.into()),
        }
    }

    pub fn create_bucket(&self, name: &str) -> Result<(), StoreError> {
        if self.bucket(name).is_ok() {
            return Err(StoreError::BucketAlreadyOwnedByYou);
        }
        fs::create_dir_all(&self.root)?;
        match fs::create_dir(self.root.join(name)) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Err(StoreError::BucketAlreadyOwnedByYou)
            }
            other => Ok(other?),
        }
    }

    /// Deletes an empty bucket (empty folders left by deleted objects do not count).
    pub fn delete_bucket(&self, name: &str) -> Result<(), StoreError> {
        let dir = self.bucket(name)?;
        if !keys_under(&dir, &[])?.is_empty() {
            return Err(StoreError::BucketNotEmpty);
        }
        fs::remove_dir_all(&dir)?;
        Ok(())
    }

    /// Every key in the bucket that starts with `prefix`, sorted by bytes.
    pub fn keys(&self, bucket: &Path, prefix: &str) -> Result<Vec<String>, StoreError> {
        let root = keys::walk_root(prefix).unwrap_or_default();
        let mut found = keys_under(bucket, &root)?;
        found.retain(|k| k.starts_with(prefix));
        found.sort_unstable();
        Ok(found)
    }

    /// The object's file, if the key names one.
    pub fn object_path(&self, bucket: &Path, key: &str) -> Result<PathBuf, StoreError> {
        let segments = keys::segments(key).map_err(|_| StoreError::NoSuchKey)?;
        let path = segments.iter().fold(bucket.to_path_buf(), |p, s| p.join(s));
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_file() => Ok(path),
            Ok(_) => Err(StoreError::NoSuchKey),
            Err(e) if is_missing(&e) => Err(StoreError::NoSuchKey),
            Err(e) => Err(e.into()),
        }
    }

    /// Size, time and MD5 of the object at `path` (from [`Store::object_path`]).
    pub fn info(&self, path: &Path) -> Result<ObjectInfo, StoreError> {
        let open = fs::File::open(path).map_err(|e| {
            if is_missing(&e) {
                StoreError::NoSuchKey
            } else {
                e.into()
            }
        });
        let mut file = open?;
        let meta = file.metadata()?;
        let mut hasher = Md5::new();
        let mut buf = vec![0; 64 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(ObjectInfo {
            size: meta.len(),
            modified: meta.modified()?,
            md5: hex(&hasher.finalize()),
        })
    }

    /// Makes room for a new object under `key`: its folders exist and nothing in the way is
    /// a file (or, for the object itself, a folder). Returns the object's path and a fresh
    /// temporary path beside it to write into before renaming.
    pub fn prepare_put(&self, bucket: &Path, key: &str) -> Result<(PathBuf, PathBuf), StoreError> {
        let segments = keys::segments(key)?;
        let clash = || StoreError::FileFolderClash(key.to_owned());
        let mut folder = bucket.to_path_buf();
        for segment in &segments[..segments.len() - 1] {
            folder.push(segment);
            match fs::symlink_metadata(&folder) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return Err(clash()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&folder) {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e.into()),
                    _ => {}
                },
                Err(e) => return Err(e.into()),
            }
        }
        let path = folder.join(segments[segments.len() - 1]);
        if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
            return Err(clash());
        }
        let temp = folder.join(format!("{TEMP_PREFIX}{:016x}", fastrand::u64(..)));
        Ok((path, temp))
    }

    /// Deletes the object, if there is one, and the folders it leaves empty.
    pub fn delete_object(&self, bucket: &Path, key: &str) -> Result<(), StoreError> {
        let path = match self.object_path(bucket, key) {
            Ok(path) => path,
            Err(StoreError::NoSuchKey) => return Ok(()),
            Err(e) => return Err(e),
        };
        match fs::remove_file(&path) {
            Err(e) if !is_missing(&e) => return Err(e.into()),
            _ => {}
        }
        let mut folder = path.parent();
        while let Some(dir) = folder.filter(|d| *d != bucket && d.starts_with(bucket)) {
            if fs::remove_dir(dir).is_err() {
                break;
            }
            folder = dir.parent();
        }
        Ok(())
    }
}

/// Keys of the files under `bucket/<segments...>` (temporary files and links skipped).
fn keys_under(bucket: &Path, segments: &[&str]) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let start = segments.iter().fold(bucket.to_path_buf(), |p, s| p.join(s));
    let mut stack = vec![(start, segments.join("/"))];
    while let Some((dir, key_prefix)) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            // A folder removed meanwhile, or a prefix naming no folder.
            Err(e) if is_missing(&e) => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if name.starts_with(TEMP_PREFIX) {
                continue;
            }
            let key = if key_prefix.is_empty() {
                name
            } else {
                format!("{key_prefix}/{name}")
            };
            let kind = match entry.file_type() {
                Ok(kind) => kind,
                Err(e) if is_missing(&e) => continue,
                Err(e) => return Err(e),
            };
            if kind.is_dir() {
                stack.push((entry.path(), key));
            } else if kind.is_file() && keys::segments(&key).is_ok() {
                found.push(key);
            }
        }
    }
    Ok(found)
}

/// Not there, or a file where a folder was expected.
fn is_missing(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(store: &Store, bucket: &Path, key: &str, body: &[u8]) -> Result<(), StoreError> {
        let (path, temp) = store.prepare_put(bucket, key)?;
        fs::write(&temp, body)?;
        fs::rename(&temp, &path)?;
        Ok(())
    }

    #[test]
    fn objects_round_trip_and_list_in_byte_order() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let store = Store::new(dir.path().join("buckets"));
        assert!(store.buckets()?.is_empty());
        store.create_bucket("archive-1")?;
        assert!(matches!(
            store.create_bucket("archive-1"),
            Err(StoreError::BucketAlreadyOwnedByYou)
        ));
        let bucket = store.bucket("archive-1")?;
        for key in ["b/2.json", "b/1.json", "a b/é+%.txt", "Z", "b-c"] {
            put(&store, &bucket, key, key.as_bytes())?;
        }
        // A write in progress is not an object.
        fs::write(bucket.join("b").join(".tmp-0123"), b"partial")?;
        assert_eq!(
            store.keys(&bucket, "")?,
            ["Z", "a b/é+%.txt", "b-c", "b/1.json", "b/2.json"]
        );
        assert_eq!(store.keys(&bucket, "b/")?, ["b/1.json", "b/2.json"]);
        assert_eq!(store.keys(&bucket, "b")?, ["b-c", "b/1.json", "b/2.json"]);
        assert!(store.keys(&bucket, "nothing/here")?.is_empty());
        let path = store.object_path(&bucket, "a b/é+%.txt")?;
        assert_eq!(fs::read(&path)?, "a b/é+%.txt".as_bytes());
        let info = store.info(&store.object_path(&bucket, "Z")?)?;
        assert_eq!(info.size, 1);
        // md5("Z")
        assert_eq!(info.md5, "21c2e59531c8710156d34a3c30ac81d5");
        assert_eq!(store.buckets()?.len(), 1);
        Ok(())
    }

    #[test]
    fn keys_never_leave_the_bucket() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let store = Store::new(dir.path().join("buckets"));
        store.create_bucket("one")?;
        store.create_bucket("two")?;
        let one = store.bucket("one")?;
        let two = store.bucket("two")?;
        put(&store, &two, "secret", b"x")?;
        for bad in [
            "../two/secret",
            "a/../../two/secret",
            "/etc/passwd",
            "a//b",
            "dir/",
        ] {
            assert!(
                matches!(store.prepare_put(&one, bad), Err(StoreError::BadKey(_))),
                "{bad}"
            );
            assert!(
                matches!(store.object_path(&one, bad), Err(StoreError::NoSuchKey)),
                "{bad}"
            );
        }
        assert!(matches!(store.bucket(".."), Err(StoreError::NoSuchBucket)));
        assert!(matches!(store.bucket("a/b"), Err(StoreError::NoSuchBucket)));
        // A symbolic link in a bucket is no object.
        std::os::unix::fs::symlink(two.join("secret"), one.join("link"))?;
        assert!(matches!(
            store.object_path(&one, "link"),
            Err(StoreError::NoSuchKey)
        ));
        assert!(store.keys(&one, "")?.is_empty());
        Ok(())
    }

    #[test]
    fn a_key_cannot_be_both_a_file_and_a_folder() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let store = Store::new(dir.path().to_path_buf());
        store.create_bucket("bkt")?;
        let bucket = store.bucket("bkt")?;
        put(&store, &bucket, "a", b"1")?;
        assert!(matches!(
            store.prepare_put(&bucket, "a/b"),
            Err(StoreError::FileFolderClash(_))
        ));
        put(&store, &bucket, "c/d", b"2")?;
        assert!(matches!(
            store.prepare_put(&bucket, "c"),
            Err(StoreError::FileFolderClash(_))
        ));
        assert!(matches!(
            store.object_path(&bucket, "a/b"),
            Err(StoreError::NoSuchKey)
        ));
        assert!(matches!(
            store.object_path(&bucket, "c"),
            Err(StoreError::NoSuchKey)
        ));
        Ok(())
    }

    #[test]
    fn deleting_prunes_folders_and_a_bucket_goes_only_when_empty() -> Result<(), StoreError> {
        let dir = tempfile::tempdir()?;
        let store = Store::new(dir.path().to_path_buf());
        store.create_bucket("bkt")?;
        let bucket = store.bucket("bkt")?;
        put(&store, &bucket, "x/y/z", b"1")?;
        put(&store, &bucket, "x/w", b"2")?;
        assert!(matches!(
            store.delete_bucket("bkt"),
            Err(StoreError::BucketNotEmpty)
        ));
        store.delete_object(&bucket, "x/y/z")?;
        assert!(!bucket.join("x/y").exists());
        assert!(bucket.join("x").is_dir());
        // Deleting what is not there is no error, as on S3.
        store.delete_object(&bucket, "x/y/z")?;
        store.delete_object(&bucket, "../bkt")?;
        store.delete_object(&bucket, "x/w")?;
        assert!(!bucket.join("x").exists());
        // Now "x" can be an object again.
        put(&store, &bucket, "x", b"3")?;
        store.delete_object(&bucket, "x")?;
        fs::create_dir_all(bucket.join("empty/folders"))?;
        store.delete_bucket("bkt")?;
        assert!(matches!(store.bucket("bkt"), Err(StoreError::NoSuchBucket)));
        assert!(matches!(
            store.delete_bucket("bkt"),
            Err(StoreError::NoSuchBucket)
        ));
        Ok(())
    }
}

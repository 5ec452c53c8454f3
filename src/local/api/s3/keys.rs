//! Object keys as files, and listing pages over sorted keys. No I/O.
//!
//! A key is stored as the file of the same relative path under the bucket's folder, as the
//! rules engine writes archived messages, so S3 lists exactly what the rules wrote. A key that
//! names no such file (an empty, `.` or `..` segment, a leading `/`, a NUL, a segment longer
//! than a file name can be, or one that looks like an object still being written) cannot be
//! stored: it is refused on write and is never found on read, so no key reaches outside the
//! bucket's folder.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::local::rules::fs::TEMP_PREFIX;

/// S3's limit on a key, in bytes of UTF-8.
pub const MAX_KEY_BYTES: usize = 1024;
/// The longest file name most file systems take.
const MAX_SEGMENT_BYTES: usize = 255;
/// S3's largest page of a listing.
pub const MAX_PAGE: usize = 1000;

/// Why a key cannot be stored as a file in the bucket's folder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the key is empty")]
    Empty,
    #[error("the key is longer than {MAX_KEY_BYTES} bytes")]
    TooLong,
    #[error(
        "the local backend stores keys as files: a key may not start with `/`, end with `/`, or hold `//`, a `.` or `..` segment, a NUL, a segment over {MAX_SEGMENT_BYTES} bytes or one starting with {TEMP_PREFIX}"
    )]
    NotAFile,
}

/// The key's path segments under the bucket's folder.
pub fn segments(key: &str) -> Result<Vec<&str>, KeyError> {
    if key.is_empty() {
        return Err(KeyError::Empty);
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(KeyError::TooLong);
    }
    if key.contains('\0') {
        return Err(KeyError::NotAFile);
    }
    let segments: Vec<&str> = key.split('/').collect();
    for segment in &segments {
        if segment.is_empty()
            || *segment == "."
            || *segment == ".."
            || segment.len() > MAX_SEGMENT_BYTES
            || segment.starts_with(TEMP_PREFIX)
        {
            return Err(KeyError::NotAFile);
        }
    }
    Ok(segments)
}

/// The folder a listing of `prefix` can start its walk in: the prefix's whole segments, when
/// they name a folder at all (else nothing can match below the bucket's root, and the walk
/// starts there).
pub fn walk_root(prefix: &str) -> Option<Vec<&str>> {
    let folder = &prefix[..prefix.rfind('/')?];
    segments(folder).ok()
}

/// What a listing asks for.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub prefix: &'a str,
    /// Keys are rolled up into common prefixes at the first delimiter after the prefix.
    pub delimiter: Option<&'a str>,
    /// Only keys after this one (a key, or a common prefix from an earlier page, which then
    /// skips every key under it).
    pub after: Option<&'a str>,
    pub max_keys: usize,
}

/// One entry of a page: an object's key (an index into the keys given) or a common prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Object(usize),
    Prefix(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page {
    pub entries: Vec<Entry>,
    pub truncated: bool,
    /// Where the next page starts: the last key or common prefix of this one.
    pub next: Option<String>,
}

impl Query<'_> {
    /// The common prefix `key` is rolled into, if any.
    fn rolled<'k>(&self, key: &'k str) -> Option<&'k str> {
        let delimiter = self.delimiter.filter(|d| !d.is_empty())?;
        let rest = key.strip_prefix(self.prefix)?;
        let at = rest.find(delimiter)?;
        Some(&key[..self.prefix.len() + at + delimiter.len()])
    }
}

/// One page of `keys` (sorted by their bytes, as S3 orders them) for `query`.
pub fn page(keys: &[String], query: &Query) -> Page {
    let mut page = Page::default();
    if query.max_keys == 0 {
        return page;
    }
    let after = query.after.unwrap_or("");
    // An earlier page's last entry may be a common prefix: the keys under it were listed.
    let skip_under = query.after.filter(|a| query.rolled(a) == Some(*a));
    let start = keys.partition_point(|k| k.as_str() <= after);
    let from = keys[start..].partition_point(|k| k.as_str() < query.prefix) + start;
    for (i, key) in keys.iter().enumerate().skip(from) {
        if !key.starts_with(query.prefix) {
            break;
        }
        if skip_under.is_some_and(|p| key.starts_with(p)) {
            continue;
        }
        let entry = match query.rolled(key) {
            Some(prefix) => {
                if matches!(page.entries.last(), Some(Entry::Prefix(last)) if last == prefix) {
                    continue;
                }
                Entry::Prefix(prefix.to_owned())
            }
            None => Entry::Object(i),
        };
        if page.entries.len() == query.max_keys {
            page.truncated = true;
            break;
        }
        page.entries.push(entry);
    }
    if page.truncated {
        page.next = page.entries.last().map(|e| match e {
            Entry::Object(i) => keys[*i].clone(),
            Entry::Prefix(p) => p.clone(),
        });
    }
    page
}

/// The page size asked for, within S3's limits (a negative or missing size is the default).
pub fn max_keys(asked: Option<i32>) -> usize {
    asked
        .and_then(|n| usize::try_from(n).ok())
        .map_or(MAX_PAGE, |n| n.min(MAX_PAGE))
}

/// The opaque continuation token that resumes after `marker`.
pub fn token(marker: &str) -> String {
    URL_SAFE_NO_PAD.encode(marker)
}

/// The marker a continuation token resumes after, if the token is one of ours.
pub fn marker_of(token: &str) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    String::from_utf8(bytes).ok()
}

/// Characters left as they are by `EncodingType=url`: the unreserved ones and `/`.
const URL_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// A key, prefix or marker as a listing with `EncodingType=url` returns it (clients decode it
/// again, so that keys with characters XML cannot carry survive).
pub fn url_encode(s: &str) -> String {
    utf8_percent_encode(s, URL_KEEP).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    fn names(keys: &[String], page: &Page) -> Vec<String> {
        page.entries
            .iter()
            .map(|e| match e {
                Entry::Object(i) => keys[*i].clone(),
                Entry::Prefix(p) => format!("{p}*"),
            })
            .collect()
    }

    #[test]
    fn keys_map_to_files_inside_the_bucket() {
        assert_eq!(
            segments("sensor-1/1598536072677-x.json").unwrap(),
            ["sensor-1", "1598536072677-x.json"]
        );
        for odd in ["a b/c+d", "100%/é ü", "a?b#c", "..a/b..", "x\\y", "&lt;"] {
            assert!(segments(odd).is_ok(), "{odd:?}");
        }
        assert_eq!(segments(""), Err(KeyError::Empty));
        assert_eq!(segments(&"a".repeat(1025)), Err(KeyError::TooLong));
        assert!(
            segments(&"a".repeat(1024)).is_err(),
            "one segment over 255 bytes"
        );
        assert!(segments(&["a"; 512].join("/")).is_ok());
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            ".",
            "..",
            ".tmp-1",
            "d/.tmp-x",
            "a\0b",
        ] {
            assert_eq!(segments(bad), Err(KeyError::NotAFile), "{bad:?}");
        }
    }

    #[test]
    fn a_prefix_walks_from_its_folder() {
        assert_eq!(walk_root("sensor-1/16"), Some(vec!["sensor-1"]));
        assert_eq!(walk_root("a/b/"), Some(vec!["a", "b"]));
        assert_eq!(walk_root("sensor"), None);
        assert_eq!(walk_root("../"), None);
        assert_eq!(walk_root("/x"), None);
    }

    #[test]
    fn a_prefix_and_a_delimiter_roll_keys_up() {
        let k = keys(&["a/1", "a/2", "b", "c/d/e", "c/x", "cz"]);
        let all = page(
            &k,
            &Query {
                max_keys: 1000,
                ..Query::default()
            },
        );
        assert_eq!(names(&k, &all), ["a/1", "a/2", "b", "c/d/e", "c/x", "cz"]);
        assert!(!all.truncated && all.next.is_none());
        let top = page(
            &k,
            &Query {
                delimiter: Some("/"),
                max_keys: 1000,
                ..Query::default()
            },
        );
        assert_eq!(names(&k, &top), ["a/*", "b", "c/*", "cz"]);
        let under_c = page(
            &k,
            &Query {
                prefix: "c/",
                delimiter: Some("/"),
                max_keys: 1000,
                ..Query::default()
            },
        );
        assert_eq!(names(&k, &under_c), ["c/d/*", "c/x"]);
        let prefixed = page(
            &k,
            &Query {
                prefix: "c",
                max_keys: 1000,
                ..Query::default()
            },
        );
        assert_eq!(names(&k, &prefixed), ["c/d/e", "c/x", "cz"]);
        let none = page(
            &k,
            &Query {
                prefix: "q",
                max_keys: 1000,
                ..Query::default()
            },
        );
        assert!(none.entries.is_empty() && !none.truncated);
        // A delimiter other than `/`.
        let dashed = keys(&["x-1-a", "x-1-b", "x-2"]);
        let by_dash = page(
            &dashed,
            &Query {
                prefix: "x-",
                delimiter: Some("-"),
                max_keys: 1000,
                ..Query::default()
            },
        );
        assert_eq!(names(&dashed, &by_dash), ["x-1-*", "x-2"]);
    }

    #[test]
    fn pages_resume_after_their_last_key_or_common_prefix() {
        let k = keys(&["a/1", "a/2", "a/3", "ab", "b/1", "b/2", "c"]);
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let p = page(
                &k,
                &Query {
                    delimiter: Some("/"),
                    after: after.as_deref(),
                    max_keys: 1,
                    ..Query::default()
                },
            );
            seen.extend(names(&k, &p));
            if !p.truncated {
                assert!(p.next.is_none());
                break;
            }
            after = p.next;
        }
        assert_eq!(seen, ["a/*", "ab", "b/*", "c"]);
        // Without a delimiter, two at a time.
        let first = page(
            &k,
            &Query {
                max_keys: 2,
                ..Query::default()
            },
        );
        assert_eq!(first.next.as_deref(), Some("a/2"));
        let second = page(
            &k,
            &Query {
                after: Some("a/2"),
                max_keys: 2,
                ..Query::default()
            },
        );
        assert_eq!(names(&k, &second), ["a/3", "ab"]);
        // A key that is a prefix of others is not a common prefix: what follows it is kept.
        let k = keys(&["ab", "abc"]);
        let p = page(
            &k,
            &Query {
                after: Some("ab"),
                max_keys: 5,
                ..Query::default()
            },
        );
        assert_eq!(names(&k, &p), ["abc"]);
        // Exactly a full page is not truncated.
        let p = page(
            &k,
            &Query {
                max_keys: 2,
                ..Query::default()
            },
        );
        assert!(!p.truncated);
        // No keys asked for: nothing, and nothing more to come.
        let p = page(
            &k,
            &Query {
                max_keys: 0,
                ..Query::default()
            },
        );
        assert_eq!(p, Page::default());
    }

    #[test]
    fn start_after_lists_what_follows() {
        let k = keys(&["a", "b", "c"]);
        let p = page(
            &k,
            &Query {
                after: Some("a5"),
                max_keys: 10,
                ..Query::default()
            },
        );
        assert_eq!(names(&k, &p), ["b", "c"]);
        let p = page(
            &k,
            &Query {
                after: Some("zzz"),
                max_keys: 10,
                ..Query::default()
            },
        );
        assert!(p.entries.is_empty());
    }

    #[test]
    fn page_sizes_and_tokens() {
        assert_eq!(max_keys(None), 1000);
        assert_eq!(max_keys(Some(5000)), 1000);
        assert_eq!(max_keys(Some(-1)), 1000);
        assert_eq!(max_keys(Some(2)), 2);
        for marker in ["a/b", "é ü/+%", ""] {
            assert_eq!(marker_of(&token(marker)).as_deref(), Some(marker));
        }
        assert_eq!(marker_of("not base64!"), None);
    }

    #[test]
    fn url_encoding_keeps_slashes_and_unreserved_characters() {
        assert_eq!(url_encode("a b/c+d%é~_.-"), "a%20b/c%2Bd%25%C3%A9~_.-");
    }
}

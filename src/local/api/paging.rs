//! Pagination as AWS IoT does it: a page size checked against the operation's bounds, and an
//! opaque token (`nextToken`, or `marker`/`nextMarker`) that names where the next page starts.
//! Here the token is the hex of the last listed item's sort key, so pages stay correct while
//! items are added or removed between calls.

use super::iot::Failure;

/// The page size in `value` (the query parameter `name`), `default` when absent.
pub(super) fn page_size(
    name: &str,
    value: Option<&str>,
    default: usize,
    max: usize,
) -> Result<usize, Failure> {
    match value {
        None => Ok(default),
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(Failure::Invalid(format!(
                "{name} must be a whole number from 1 to {max}, not {text:?}"
            ))),
        },
    }
}

/// A request's `maxResults` (checked against the operation's bounds) and the sort key its
/// `nextToken` names: what most AWS IoT listings take.
pub(super) fn max_results(
    req: &super::Request,
    default: usize,
    max: usize,
) -> Result<(usize, Option<String>), Failure> {
    let size = page_size("maxResults", req.query("maxResults"), default, max)?;
    Ok((size, after(req.query("nextToken"))?))
}

/// The sort key a token given by [`page`] names.
pub(super) fn after(token: Option<&str>) -> Result<Option<String>, Failure> {
    match token.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(token) => decode(token).map(Some).ok_or_else(|| {
            Failure::Invalid(format!("the token {token:?} is not one this backend gave"))
        }),
    }
}

/// One page of `items` (sorted by `key`) after the key `after`, and the token of the next page
/// when there is one.
pub(super) fn page<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> String,
    after: Option<&str>,
    size: usize,
) -> (Vec<T>, Option<String>) {
    let mut rest: Vec<T> = items
        .into_iter()
        .filter(|item| after.is_none_or(|after| key(item).as_str() > after))
        .collect();
    let more = rest.len() > size;
    rest.truncate(size);
    let next = if more {
        rest.last().map(|last| encode(&key(last)))
    } else {
        None
    };
    (rest, next)
}

/// The sort key of a listing oldest first (ties by id), so that pages follow that order.
pub(super) fn created_key(created_ms: i64, id: &str) -> String {
    format!("{:020}-{id}", created_ms.max(0))
}

pub(super) fn encode(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn decode(token: &str) -> Option<String> {
    if !token.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_one_another_to_the_end() {
        let items: Vec<String> = (0..5).map(|i| format!("k{i}")).collect();
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let start = after(token.as_deref()).ok().flatten();
            let (got, next) = page(items.clone(), Clone::clone, start.as_deref(), 2);
            seen.extend(got);
            match next {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, items);
        assert!(after(Some("zz")).is_err());
        assert!(page_size("pageSize", Some("0"), 10, 250).is_err());
        assert_eq!(page_size("pageSize", None, 10, 250).ok(), Some(10));
    }
}

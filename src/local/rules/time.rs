//! Clock readings and identifiers for the records the actions write: RFC 3339 UTC times with
//! milliseconds and random version 4 UUIDs.

use crate::iotsql::civil_from_days;

pub(crate) use crate::clock::now_ms;

/// `ms` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn rfc3339_ms(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

/// A random version 4 UUID, hyphenated, lowercase.
pub(crate) use crate::iotsql::new_uuid as uuid_v4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_milliseconds() {
        assert_eq!(rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_ms(1_598_536_072_677), "2020-08-27T13:47:52.677Z");
        assert_eq!(rfc3339_ms(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339_ms(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn uuids_are_random_version_4() {
        let u = uuid_v4();
        let lengths: Vec<_> = u.split('-').map(str::len).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12]);
        assert_eq!(u.as_bytes()[14], b'4');
        assert!(matches!(u.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(uuid_v4(), u);
    }
}

//! `parse_time` (format epoch milliseconds with a Joda-Time pattern) and `time_to_epoch`
//! (read a timestamp with a java.time pattern), with our own calendar arithmetic.
//!
//! Supported letters: G, C, y, Y, u, x (week year), w, M, d, D, e, E, a, H, k, K, h, m, s,
//! S, z, Z, and for parsing also V, X, x and O (offsets and zone IDs, as java.time reads
//! them). Text in single quotes is literal; `''` is a quote.

use crate::iotsql::value::Value;

use super::tz::{Zone, format_offset, parse_offset};

const MS_PER_DAY: i64 = 86_400_000;
/// About ±3 million years: beyond this, dates are meaningless here.
const MAX_ABS_MS: i64 = 100_000_000_000_000_000;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// 0 = Monday .. 6 = Sunday.
pub(crate) fn weekday(days: i64) -> u32 {
    (days + 3).rem_euclid(7) as u32
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// ISO week-based year and week number.
fn iso_week(days: i64) -> (i64, i64) {
    let thursday = days - i64::from(weekday(days)) + 3;
    let (year, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    (year, week)
}

#[derive(Debug, PartialEq)]
enum Piece {
    Letter(char, usize),
    Literal(String),
}

/// Splits a pattern into letter runs and literal text; None for an unclosed quote.
fn tokenize(pattern: &str) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            let mut text = String::new();
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push(Piece::Literal("'".to_owned()));
                continue;
            }
            loop {
                match chars.next()? {
                    '\'' if chars.peek() == Some(&'\'') => {
                        chars.next();
                        text.push('\'');
                    }
                    '\'' => break,
                    ch => text.push(ch),
                }
            }
            out.push(Piece::Literal(text));
        } else if c.is_ascii_alphabetic() {
            let mut count = 1;
            while chars.peek() == Some(&c) {
                chars.next();
                count += 1;
            }
            out.push(Piece::Letter(c, count));
        } else {
            match out.last_mut() {
                Some(Piece::Literal(text)) => text.push(c),
                _ => out.push(Piece::Literal(c.to_string())),
            }
        }
    }
    Some(out)
}

fn padded(n: i64, width: usize) -> String {
    if n < 0 {
        format!("-{:0width$}", n.unsigned_abs())
    } else {
        format!("{n:0width$}")
    }
}

/// Formats `ms` since the epoch in `zone` with a Joda-Time pattern.
pub(crate) fn format_millis(pattern: &str, ms: i64, zone: &Zone) -> Option<String> {
    if ms.unsigned_abs() > MAX_ABS_MS.unsigned_abs() {
        return None;
    }
    let utc_secs = ms.div_euclid(1000);
    let (offset, _) = zone.offset_at(utc_secs);
    let local = ms + i64::from(offset) * 1000;
    let days = local.div_euclid(MS_PER_DAY);
    let ms_of_day = local.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let hour = ms_of_day / 3_600_000;
    let minute = ms_of_day / 60_000 % 60;
    let second = ms_of_day / 1000 % 60;
    let millis = ms_of_day % 1000;
    let year_of_era = if year > 0 { year } else { 1 - year };
    let mut out = String::new();
    for piece in tokenize(pattern)? {
        let (c, n) = match piece {
            Piece::Literal(text) => {
                out.push_str(&text);
                continue;
            }
            Piece::Letter(c, n) => (c, n),
        };
        let text = match c {
            'G' => (if year > 0 { "AD" } else { "BC" }).to_owned(),
            'C' => padded(year_of_era / 100, n),
            'y' | 'Y' | 'u' if n == 2 => padded(year_of_era.rem_euclid(100), 2),
            'y' | 'u' => padded(year, n),
            'Y' => padded(year_of_era, n),
            'x' => {
                let (wy, _) = iso_week(days);
                if n == 2 {
                    padded(wy.rem_euclid(100), 2)
                } else {
                    padded(wy, n)
                }
            }
            'w' => padded(iso_week(days).1, n),
            'M' if n >= 4 => MONTHS.get(month as usize - 1)?.to_string(),
            'M' if n == 3 => MONTHS.get(month as usize - 1)?.get(..3)?.to_owned(),
            'M' => padded(i64::from(month), n),
            'd' => padded(i64::from(day), n),
            'D' => padded(days - days_from_civil(year, 1, 1) + 1, n),
            'e' => padded(i64::from(weekday(days)) + 1, n),
            'E' if n >= 4 => DAYS.get(weekday(days) as usize)?.to_string(),
            'E' => DAYS.get(weekday(days) as usize)?.get(..3)?.to_owned(),
            'a' => (if hour < 12 { "AM" } else { "PM" }).to_owned(),
            'H' => padded(hour, n),
            'k' => padded(if hour == 0 { 24 } else { hour }, n),
            'K' => padded(hour % 12, n),
            'h' => padded(if hour % 12 == 0 { 12 } else { hour % 12 }, n),
            'm' => padded(minute, n),
            's' => padded(second, n),
            'S' => {
                let mut digits = format!("{millis:03}");
                digits.truncate(n);
                while digits.len() < n {
                    digits.push('0');
                }
                digits
            }
            'z' if n >= 4 => zone.long_name(utc_secs),
            'z' => zone.short_name(utc_secs),
            'Z' if n == 1 => format_offset(offset, false),
            'Z' if n == 2 => format_offset(offset, true),
            'Z' => zone.id().to_owned(),
            _ => return None,
        };
        out.push_str(&text);
    }
    Some(out)
}

/// Fields read from a timestamp string.
#[derive(Default)]
struct Parsed {
    year: Option<i64>,
    month: Option<u32>,
    day: Option<u32>,
    day_of_year: Option<u32>,
    hour: Option<i64>,
    hour12: Option<i64>,
    pm: Option<bool>,
    minute: i64,
    second: i64,
    nanos: i64,
    bc: bool,
    zone: Option<Zone>,
}

struct Cursor<'t> {
    text: &'t str,
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// Reads between `min` and `max` ASCII digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<(i64, usize)> {
        let run = self
            .rest()
            .bytes()
            .take(max)
            .take_while(u8::is_ascii_digit)
            .count();
        if run < min || run == 0 {
            return None;
        }
        let text = self.rest().get(..run)?;
        let n = text.parse::<i64>().ok()?;
        self.pos += run;
        Some((n, run))
    }

    /// Reads the longest of `words` (case-insensitive) and returns its index.
    fn word(&mut self, words: &[&str]) -> Option<usize> {
        let rest = self.rest();
        let (i, w) = words
            .iter()
            .enumerate()
            .filter(|(_, w)| {
                rest.get(..w.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(w))
            })
            .max_by_key(|(_, w)| w.len())?;
        self.pos += w.len();
        Some(i)
    }

    /// Reads a zone ID, abbreviation or offset.
    fn zone(&mut self) -> Option<Zone> {
        let run = self
            .rest()
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || b"_/+-:".contains(b))
            .count();
        let token = self.rest().get(..run)?;
        let zone = Zone::lookup(token)?;
        self.pos += run;
        Some(zone)
    }

    fn offset(&mut self) -> Option<Zone> {
        if self.rest().starts_with('Z') {
            self.pos += 1;
            return Some(Zone::utc());
        }
        let run = self
            .rest()
            .bytes()
            .enumerate()
            .take_while(|(i, b)| (*i == 0 && b"+-".contains(b)) || b.is_ascii_digit() || *b == b':')
            .count();
        let token = self.rest().get(..run)?;
        let secs = parse_offset(token)?;
        self.pos += run;
        Zone::lookup(&format_offset(secs, true))
    }
}

fn is_numeric_field(p: Option<&Piece>) -> bool {
    matches!(p, Some(Piece::Letter(c, n)) if "yuYdDHkKhmsSn".contains(*c) || (*c == 'M' && *n <= 2))
}

/// Reads `text` with a java.time pattern and returns epoch milliseconds (UTC unless the
/// text names a zone).
pub(crate) fn parse_millis(text: &str, pattern: &str) -> Option<i64> {
    let pieces = tokenize(pattern)?;
    let mut cur = Cursor { text, pos: 0 };
    let mut p = Parsed::default();
    for (i, piece) in pieces.iter().enumerate() {
        let (c, n) = match piece {
            Piece::Literal(lit) => {
                if !cur.rest().starts_with(lit.as_str()) {
                    return None;
                }
                cur.pos += lit.len();
                continue;
            }
            Piece::Letter(c, n) => (*c, *n),
        };
        // Adjacent numeric fields (e.g. "yyyyMMdd") take exactly their width.
        let fixed = is_numeric_field(pieces.get(i + 1));
        let width = |default_max: usize| {
            if fixed {
                (n, n)
            } else {
                (1, default_max.max(n))
            }
        };
        match c {
            'y' | 'u' | 'Y' if n == 2 => {
                let (v, _) = cur.digits(2, 2)?;
                p.year = Some(2000 + v);
            }
            'y' | 'u' | 'Y' => {
                let neg = c == 'u' && cur.rest().starts_with('-');
                if neg {
                    cur.pos += 1;
                }
                let (min, max) = width(9);
                let (v, _) = cur.digits(min, max)?;
                p.year = Some(if neg { -v } else { v });
            }
            'M' if n >= 3 => {
                let mut words: Vec<&str> = MONTHS.to_vec();
                words.extend(MONTHS.iter().filter_map(|m| m.get(..3)));
                let idx = cur.word(&words)?;
                p.month = Some((idx % 12) as u32 + 1);
            }
            'M' | 'L' => p.month = Some(cur.digits(width(2).0, width(2).1)?.0 as u32),
            'd' => p.day = Some(cur.digits(width(2).0, width(2).1)?.0 as u32),
            'D' => p.day_of_year = Some(cur.digits(width(3).0, width(3).1)?.0 as u32),
            'H' | 'k' => {
                let h = cur.digits(width(2).0, width(2).1)?.0;
                p.hour = Some(if c == 'k' && h == 24 { 0 } else { h });
            }
            'h' | 'K' => p.hour12 = Some(cur.digits(width(2).0, width(2).1)?.0 % 12),
            'm' => p.minute = cur.digits(width(2).0, width(2).1)?.0,
            's' => p.second = cur.digits(width(2).0, width(2).1)?.0,
            'S' => {
                let (v, len) = cur.digits(n, n)?;
                p.nanos = v * 10_i64.pow(9u32.saturating_sub(len as u32));
            }
            'a' => p.pm = Some(cur.word(&["AM", "PM"])? == 1),
            'E' => {
                let mut words: Vec<&str> = DAYS.to_vec();
                words.extend(DAYS.iter().filter_map(|d| d.get(..3)));
                cur.word(&words)?;
            }
            'G' => p.bc = cur.word(&["AD", "BC", "CE", "BCE"])? % 2 == 1,
            'V' | 'z' => p.zone = Some(cur.zone()?),
            'X' | 'x' | 'Z' => p.zone = Some(cur.offset()?),
            'O' => {
                cur.word(&["GMT", "UTC"])?;
                p.zone = Some(if cur.rest().starts_with(['+', '-']) {
                    cur.offset()?
                } else {
                    Zone::utc()
                });
            }
            _ => return None,
        }
    }
    if !cur.rest().is_empty() {
        return None;
    }
    resolve(p)
}

fn resolve(p: Parsed) -> Option<i64> {
    let mut year = p.year.unwrap_or(1970);
    if p.bc {
        year = 1 - year;
    }
    let (month, day) = match (p.month, p.day, p.day_of_year) {
        (None, None, Some(doy)) => {
            let days = days_from_civil(year, 1, 1) + i64::from(doy) - 1;
            let (y, m, d) = civil_from_days(days);
            if y != year || doy == 0 {
                return None;
            }
            (m, d)
        }
        (m, d, _) => (m.unwrap_or(1), d.unwrap_or(1)),
    };
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let hour = match (p.hour, p.hour12, p.pm) {
        (Some(h), _, _) => h,
        (None, Some(h), pm) => h + if pm == Some(true) { 12 } else { 0 },
        (None, None, _) => 0,
    };
    if hour > 23 || p.minute > 59 || p.second > 59 {
        return None;
    }
    let local = days_from_civil(year, month, day) * 86_400 + hour * 3600 + p.minute * 60 + p.second;
    let offset = p.zone.map_or(0, |z| z.offset_for_local(local));
    let utc = local - i64::from(offset);
    utc.checked_mul(1000)?.checked_add(p.nanos / 1_000_000)
}

/// `parse_time(pattern, timestamp[, zone])`.
pub(super) fn parse_time<'a>(
    pattern: &Value<'_>,
    ts: &Value<'_>,
    zone: Option<&Value<'_>>,
) -> Value<'a> {
    let (Some(pattern), Some(ms)) = (pattern.to_text(), ts.to_i64()) else {
        return Value::Undefined;
    };
    let zone = match zone {
        None => Zone::utc(),
        Some(z) => match z.to_text().and_then(|name| Zone::lookup(&name)) {
            Some(zone) => zone,
            None => return Value::Undefined,
        },
    };
    format_millis(&pattern, ms, &zone).map_or(Value::Undefined, Value::str)
}

/// `time_to_epoch(timestamp, pattern)`.
pub(super) fn time_to_epoch<'a>(text: &Value<'_>, pattern: &Value<'_>) -> Value<'a> {
    let (Some(text), Some(pattern)) = (text.to_text(), pattern.to_text()) else {
        return Value::Undefined;
    };
    parse_millis(&text, &pattern).map_or(Value::Undefined, Value::Int)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(pattern: &str, ms: i64, zone: &str) -> Option<String> {
        format_millis(pattern, ms, &Zone::lookup(zone)?)
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 59, 365, 11_016, 18_355, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(weekday(0), 3);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn formats_common_letters() {
        // 2020-08-27T13:47:52.677Z, a Thursday.
        let ms = 1_598_536_072_677;
        assert_eq!(
            fmt("yyyy-MM-dd'T'HH:mm:ss.SSSZZ", ms, "UTC").as_deref(),
            Some("2020-08-27T13:47:52.677+00:00")
        );
        assert_eq!(
            fmt("EEE, d MMM yy h:mm a z", ms, "America/New_York").as_deref(),
            Some("Thu, 27 Aug 20 9:47 AM EDT")
        );
        assert_eq!(
            fmt("EEEE MMMM D e xxxx-'W'ww", ms, "UTC").as_deref(),
            Some("Thursday August 240 4 2020-W35")
        );
        assert_eq!(
            fmt("k K Z ZZZ", 0, "Asia/Kolkata").as_deref(),
            Some("5 5 +0530 Asia/Kolkata")
        );
        assert_eq!(
            fmt("zzzz", 0, "UTC").as_deref(),
            Some("Coordinated Universal Time")
        );
        assert_eq!(fmt("'it''s' ''", 0, "UTC").as_deref(), Some("it's '"));
        assert_eq!(fmt("yyyy 'open", 0, "UTC"), None);
        assert_eq!(fmt("qqq", 0, "UTC"), None);
    }

    #[test]
    fn extreme_timestamps_are_rejected() {
        assert_eq!(fmt("yyyy", i64::MIN, "UTC"), None);
        assert_eq!(fmt("yyyy", i64::MAX, "UTC"), None);
        assert_eq!(
            fmt("yyyy G", -62_135_596_800_001, "UTC").as_deref(),
            Some("0000 BC")
        );
    }

    proptest::proptest! {
        #[test]
        fn time_functions_never_panic(pattern in "[a-zA-Z' .:/-]{0,12}", ms in proptest::prelude::any::<i64>(), text in "[0-9A-Za-z :.+/-]{0,24}") {
            let _ = format_millis(&pattern, ms, &Zone::utc());
            let _ = parse_millis(&text, &pattern);
        }
    }

    #[test]
    fn parses_common_patterns() {
        assert_eq!(
            parse_millis("2020-08-27T13:47:52.677Z", "yyyy-MM-dd'T'HH:mm:ss.SSSX"),
            Some(1_598_536_072_677)
        );
        assert_eq!(
            parse_millis("20200827", "yyyyMMdd"),
            Some(1_598_486_400_000)
        );
        assert_eq!(
            parse_millis("08/27/2020 01:47:52 PM", "MM/dd/yyyy hh:mm:ss a"),
            Some(1_598_536_072_000)
        );
        assert_eq!(
            parse_millis("Thu, 27 Aug 2020", "EEE, dd MMM yyyy"),
            Some(1_598_486_400_000)
        );
        assert_eq!(parse_millis("2020-02-30", "yyyy-MM-dd"), None);
        assert_eq!(parse_millis("2020-08-27 extra", "yyyy-MM-dd"), None);
        assert_eq!(
            parse_millis("2020-08-27 +0200", "yyyy-MM-dd Z"),
            Some(1_598_479_200_000)
        );
    }
}

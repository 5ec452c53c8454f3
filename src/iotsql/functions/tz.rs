//! Time zones for the time functions, without a tz database: UTC and fixed offsets
//! (`+01:00`, `UTC+01:00`, `Etc/GMT-1`), common abbreviations (`CST`, `PDT`), and a table
//! of widely used region IDs with today's daylight-saving rules (US, EU, southern
//! Australia, New Zealand). Historical rule changes before those rules began are not
//! modelled.

use super::time::{civil_from_days, days_from_civil, weekday};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    None,
    Us,
    Eu,
    AuSouth,
    Nz,
}

pub(crate) struct Region {
    id: &'static str,
    /// Standard offset in minutes east of UTC.
    std: i32,
    rule: Rule,
    std_abbr: &'static str,
    dst_abbr: &'static str,
    std_name: &'static str,
    dst_name: &'static str,
}

macro_rules! regions {
    ($( $id:literal, $std:expr, $rule:ident, $sa:literal, $da:literal, $sn:literal, $dn:literal; )*) => {
        &[ $( Region { id: $id, std: $std, rule: Rule::$rule, std_abbr: $sa, dst_abbr: $da, std_name: $sn, dst_name: $dn }, )* ]
    };
}

static REGIONS: &[Region] = regions! {
    "America/New_York", -300, Us, "EST", "EDT", "Eastern Standard Time", "Eastern Daylight Time";
    "America/Detroit", -300, Us, "EST", "EDT", "Eastern Standard Time", "Eastern Daylight Time";
    "America/Toronto", -300, Us, "EST", "EDT", "Eastern Standard Time", "Eastern Daylight Time";
    "US/Eastern", -300, Us, "EST", "EDT", "Eastern Standard Time", "Eastern Daylight Time";
    "America/Chicago", -360, Us, "CST", "CDT", "Central Standard Time", "Central Daylight Time";
    "America/Winnipeg", -360, Us, "CST", "CDT", "Central Standard Time", "Central Daylight Time";
    "US/Central", -360, Us, "CST", "CDT", "Central Standard Time", "Central Daylight Time";
    "America/Denver", -420, Us, "MST", "MDT", "Mountain Standard Time", "Mountain Daylight Time";
    "America/Edmonton", -420, Us, "MST", "MDT", "Mountain Standard Time", "Mountain Daylight Time";
    "US/Mountain", -420, Us, "MST", "MDT", "Mountain Standard Time", "Mountain Daylight Time";
    "America/Phoenix", -420, None, "MST", "MST", "Mountain Standard Time", "Mountain Standard Time";
    "America/Los_Angeles", -480, Us, "PST", "PDT", "Pacific Standard Time", "Pacific Daylight Time";
    "America/Vancouver", -480, Us, "PST", "PDT", "Pacific Standard Time", "Pacific Daylight Time";
    "America/Tijuana", -480, Us, "PST", "PDT", "Pacific Standard Time", "Pacific Daylight Time";
    "US/Pacific", -480, Us, "PST", "PDT", "Pacific Standard Time", "Pacific Daylight Time";
    "America/Anchorage", -540, Us, "AKST", "AKDT", "Alaska Standard Time", "Alaska Daylight Time";
    "Pacific/Honolulu", -600, None, "HST", "HST", "Hawaii Standard Time", "Hawaii Standard Time";
    "America/Halifax", -240, Us, "AST", "ADT", "Atlantic Standard Time", "Atlantic Daylight Time";
    "America/St_Johns", -210, Us, "NST", "NDT", "Newfoundland Standard Time", "Newfoundland Daylight Time";
    "America/Belize", -360, None, "CST", "CST", "Central Standard Time", "Central Standard Time";
    "America/Mexico_City", -360, None, "CST", "CST", "Central Standard Time", "Central Standard Time";
    "America/Guatemala", -360, None, "CST", "CST", "Central Standard Time", "Central Standard Time";
    "America/Costa_Rica", -360, None, "CST", "CST", "Central Standard Time", "Central Standard Time";
    "America/Bogota", -300, None, "COT", "COT", "Colombia Time", "Colombia Time";
    "America/Lima", -300, None, "PET", "PET", "Peru Time", "Peru Time";
    "America/Caracas", -240, None, "VET", "VET", "Venezuela Time", "Venezuela Time";
    "America/Sao_Paulo", -180, None, "BRT", "BRT", "Brasilia Time", "Brasilia Time";
    "America/Argentina/Buenos_Aires", -180, None, "ART", "ART", "Argentina Time", "Argentina Time";
    "Europe/London", 0, Eu, "GMT", "BST", "Greenwich Mean Time", "British Summer Time";
    "Europe/Dublin", 0, Eu, "GMT", "IST", "Greenwich Mean Time", "Irish Standard Time";
    "Europe/Lisbon", 0, Eu, "WET", "WEST", "Western European Time", "Western European Summer Time";
    "Atlantic/Canary", 0, Eu, "WET", "WEST", "Western European Time", "Western European Summer Time";
    "Europe/Paris", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Berlin", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Madrid", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Rome", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Amsterdam", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Brussels", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Vienna", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Zurich", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Stockholm", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Oslo", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Copenhagen", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Warsaw", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Prague", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Budapest", 60, Eu, "CET", "CEST", "Central European Time", "Central European Summer Time";
    "Europe/Athens", 120, Eu, "EET", "EEST", "Eastern European Time", "Eastern European Summer Time";
    "Europe/Helsinki", 120, Eu, "EET", "EEST", "Eastern European Time", "Eastern European Summer Time";
    "Europe/Kiev", 120, Eu, "EET", "EEST", "Eastern European Time", "Eastern European Summer Time";
    "Europe/Kyiv", 120, Eu, "EET", "EEST", "Eastern European Time", "Eastern European Summer Time";
    "Europe/Bucharest", 120, Eu, "EET", "EEST", "Eastern European Time", "Eastern European Summer Time";
    "Europe/Sofia", 120, Eu, "EET", "EEST", "Eastern European Time", "Eastern European Summer Time";
    "Europe/Moscow", 180, None, "MSK", "MSK", "Moscow Standard Time", "Moscow Standard Time";
    "Europe/Istanbul", 180, None, "TRT", "TRT", "Turkey Time", "Turkey Time";
    "Africa/Cairo", 120, None, "EET", "EET", "Eastern European Time", "Eastern European Time";
    "Africa/Johannesburg", 120, None, "SAST", "SAST", "South Africa Standard Time", "South Africa Standard Time";
    "Africa/Lagos", 60, None, "WAT", "WAT", "West Africa Time", "West Africa Time";
    "Africa/Nairobi", 180, None, "EAT", "EAT", "East Africa Time", "East Africa Time";
    "Asia/Dubai", 240, None, "GST", "GST", "Gulf Standard Time", "Gulf Standard Time";
    "Asia/Karachi", 300, None, "PKT", "PKT", "Pakistan Time", "Pakistan Time";
    "Asia/Kolkata", 330, None, "IST", "IST", "India Standard Time", "India Standard Time";
    "Asia/Calcutta", 330, None, "IST", "IST", "India Standard Time", "India Standard Time";
    "Asia/Kathmandu", 345, None, "NPT", "NPT", "Nepal Time", "Nepal Time";
    "Asia/Bangkok", 420, None, "ICT", "ICT", "Indochina Time", "Indochina Time";
    "Asia/Jakarta", 420, None, "WIB", "WIB", "Western Indonesia Time", "Western Indonesia Time";
    "Asia/Shanghai", 480, None, "CST", "CST", "China Standard Time", "China Standard Time";
    "Asia/Hong_Kong", 480, None, "HKT", "HKT", "Hong Kong Time", "Hong Kong Time";
    "Asia/Singapore", 480, None, "SGT", "SGT", "Singapore Time", "Singapore Time";
    "Asia/Taipei", 480, None, "CST", "CST", "China Standard Time", "China Standard Time";
    "Australia/Perth", 480, None, "AWST", "AWST", "Australian Western Standard Time", "Australian Western Standard Time";
    "Asia/Tokyo", 540, None, "JST", "JST", "Japan Standard Time", "Japan Standard Time";
    "Asia/Seoul", 540, None, "KST", "KST", "Korea Standard Time", "Korea Standard Time";
    "Australia/Darwin", 570, None, "ACST", "ACST", "Australian Central Standard Time", "Australian Central Standard Time";
    "Australia/Adelaide", 570, AuSouth, "ACST", "ACDT", "Australian Central Standard Time", "Australian Central Daylight Time";
    "Australia/Brisbane", 600, None, "AEST", "AEST", "Australian Eastern Standard Time", "Australian Eastern Standard Time";
    "Australia/Sydney", 600, AuSouth, "AEST", "AEDT", "Australian Eastern Standard Time", "Australian Eastern Daylight Time";
    "Australia/Melbourne", 600, AuSouth, "AEST", "AEDT", "Australian Eastern Standard Time", "Australian Eastern Daylight Time";
    "Australia/Canberra", 600, AuSouth, "AEST", "AEDT", "Australian Eastern Standard Time", "Australian Eastern Daylight Time";
    "Australia/Hobart", 600, AuSouth, "AEST", "AEDT", "Australian Eastern Standard Time", "Australian Eastern Daylight Time";
    "Pacific/Auckland", 720, Nz, "NZST", "NZDT", "New Zealand Standard Time", "New Zealand Daylight Time";
};

/// Abbreviations accepted when parsing, with their fixed offsets in minutes.
static ABBREVIATIONS: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT", 0),
    ("UT", 0),
    ("Z", 0),
    ("WET", 0),
    ("WEST", 60),
    ("BST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("IST", 330),
    ("SGT", 480),
    ("HKT", 480),
    ("AWST", 480),
    ("JST", 540),
    ("KST", 540),
    ("ACST", 570),
    ("ACDT", 630),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
    ("AST", -240),
    ("ADT", -180),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
];

/// A resolved time zone.
#[derive(Clone, Debug)]
pub(crate) enum Zone {
    /// A fixed offset in seconds east of UTC, with the name it was given.
    Fixed {
        offset: i32,
        name: String,
    },
    Region(&'static Region),
}

impl std::fmt::Debug for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

impl Zone {
    pub(crate) fn utc() -> Zone {
        Zone::Fixed {
            offset: 0,
            name: "UTC".to_owned(),
        }
    }

    /// Resolves a zone ID, abbreviation or offset (case-insensitively).
    pub(crate) fn lookup(name: &str) -> Option<Zone> {
        let name = name.trim();
        if let Some(r) = REGIONS.iter().find(|r| r.id.eq_ignore_ascii_case(name)) {
            return Some(Zone::Region(r));
        }
        let upper = name.to_ascii_uppercase();
        if matches!(
            upper.as_str(),
            "ETC/UTC" | "ETC/GMT" | "ETC/UCT" | "UCT" | "ZULU" | "ETC/ZULU" | "ETC/UNIVERSAL"
        ) {
            return Some(Zone::utc());
        }
        if let Some(&(abbr, minutes)) = ABBREVIATIONS.iter().find(|(a, _)| *a == upper) {
            return Some(Zone::Fixed {
                offset: minutes * 60,
                name: abbr.to_owned(),
            });
        }
        if let Some(rest) = upper.strip_prefix("ETC/GMT") {
            // POSIX style: Etc/GMT+5 is five hours *behind* UTC.
            let offset = parse_offset(rest)?;
            return Some(Zone::fixed(-offset));
        }
        for prefix in ["UTC", "GMT", "UT"] {
            if let Some(rest) = upper.strip_prefix(prefix) {
                let offset = parse_offset(rest)?;
                return Some(Zone::Fixed {
                    offset,
                    name: name.to_owned(),
                });
            }
        }
        parse_offset(name).map(Zone::fixed)
    }

    fn fixed(offset: i32) -> Zone {
        Zone::Fixed {
            offset,
            name: format_offset(offset, true),
        }
    }

    /// The zone's ID as written in patterns that print it (`ZZZ`, `VV`).
    pub(crate) fn id(&self) -> &str {
        match self {
            Zone::Fixed { name, .. } => name,
            Zone::Region(r) => r.id,
        }
    }

    /// Offset in seconds east of UTC at the instant `utc` (seconds since the epoch), and
    /// whether daylight saving time is in effect.
    pub(crate) fn offset_at(&self, utc: i64) -> (i32, bool) {
        match self {
            Zone::Fixed { offset, .. } => (*offset, false),
            Zone::Region(r) => {
                let std = r.std * 60;
                if dst_active(r.rule, std, utc) {
                    (std + HOUR as i32, true)
                } else {
                    (std, false)
                }
            }
        }
    }

    /// The offset that applies to a local wall-clock time (seconds since the epoch as if
    /// local were UTC). In a gap or overlap the standard offset wins.
    pub(crate) fn offset_for_local(&self, local: i64) -> i32 {
        let (guess, _) = self.offset_at(local);
        let (check, _) = self.offset_at(local - i64::from(guess));
        if check == guess {
            guess
        } else {
            match self {
                Zone::Fixed { offset, .. } => *offset,
                Zone::Region(r) => r.std * 60,
            }
        }
    }

    /// Short name for `z`: an abbreviation like "CST", or the offset for fixed zones.
    pub(crate) fn short_name(&self, utc: i64) -> String {
        match self {
            Zone::Fixed { name, .. } => name.clone(),
            Zone::Region(r) => {
                let (_, dst) = self.offset_at(utc);
                (if dst { r.dst_abbr } else { r.std_abbr }).to_owned()
            }
        }
    }

    /// Long name for `zzzz`.
    pub(crate) fn long_name(&self, utc: i64) -> String {
        match self {
            Zone::Fixed { offset: 0, name } if name.eq_ignore_ascii_case("UTC") => {
                "Coordinated Universal Time".to_owned()
            }
            Zone::Fixed { name, .. } => name.clone(),
            Zone::Region(r) => {
                let (_, dst) = self.offset_at(utc);
                (if dst { r.dst_name } else { r.std_name }).to_owned()
            }
        }
    }
}

/// Parses `+h`, `+hh`, `+hhmm`, `+hh:mm` and `+hh:mm:ss` into seconds; "" is zero.
pub(crate) fn parse_offset(s: &str) -> Option<i32> {
    if s.is_empty() {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    if !rest.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    let parts: Vec<&str> = if rest.contains(':') {
        rest.split(':').collect()
    } else {
        match rest.len() {
            1 | 2 => vec![rest],
            4 => vec![&rest[..2], &rest[2..]],
            6 => vec![&rest[..2], &rest[2..4], &rest[4..]],
            _ => return None,
        }
    };
    let mut nums = parts.iter().map(|p| p.parse::<i32>().ok());
    let h = nums.next()??;
    let m = nums.next().unwrap_or(Some(0))?;
    let sec = nums.next().unwrap_or(Some(0))?;
    if h > 18 || m > 59 || sec > 59 || parts.len() > 3 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60 + sec))
}

/// Formats an offset as `+hh:mm` (or `+hhmm` without the colon); zero as "Z" when asked.
pub(crate) fn format_offset(offset: i32, colon: bool) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    let (h, m) = (abs / 3600, (abs % 3600) / 60);
    if colon {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
    }
}

/// Days since the epoch of the `n`th (1-based) Sunday of a month, or the last when n is 0.
fn sunday(year: i64, month: u32, n: u32) -> i64 {
    if n == 0 {
        let next_first = if month == 12 {
            days_from_civil(year + 1, 1, 1)
        } else {
            days_from_civil(year, month + 1, 1)
        };
        let last = next_first - 1;
        // weekday: 0 = Monday .. 6 = Sunday
        last - (weekday(last) as i64 + 1) % 7
    } else {
        let first = days_from_civil(year, month, 1);
        let to_sunday = (6 - weekday(first) as i64 + 7) % 7;
        first + to_sunday + 7 * (i64::from(n) - 1)
    }
}

fn dst_active(rule: Rule, std: i32, utc: i64) -> bool {
    let local_std = utc + i64::from(std);
    let (year, _, _) = civil_from_days(local_std.div_euclid(DAY));
    // Transition moments as local standard time, except the EU which switches in UTC.
    match rule {
        Rule::None => false,
        Rule::Us => {
            let (start, end) = if year >= 2007 {
                (sunday(year, 3, 2), sunday(year, 11, 1))
            } else if year >= 1987 {
                (sunday(year, 4, 1), sunday(year, 10, 0))
            } else if year >= 1967 {
                (sunday(year, 4, 0), sunday(year, 10, 0))
            } else {
                return false;
            };
            (start * DAY + 2 * HOUR..end * DAY + HOUR).contains(&local_std)
        }
        Rule::Eu => {
            let end_month = if year >= 1996 {
                10
            } else if year >= 1981 {
                9
            } else {
                return false;
            };
            let start = sunday(year, 3, 0) * DAY + HOUR;
            let end = sunday(year, end_month, 0) * DAY + HOUR;
            (start..end).contains(&utc)
        }
        Rule::AuSouth => {
            if year < 2008 {
                return false;
            }
            let end = sunday(year, 4, 1) * DAY + 2 * HOUR;
            let start = sunday(year, 10, 1) * DAY + 2 * HOUR;
            local_std < end || local_std >= start
        }
        Rule::Nz => {
            if year < 2007 {
                return false;
            }
            let end = sunday(year, 4, 1) * DAY + 2 * HOUR;
            let start = sunday(year, 9, 0) * DAY + 2 * HOUR;
            local_std < end || local_std >= start
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i64, m: u32, d: u32, h: i64) -> i64 {
        days_from_civil(y, m, d) * DAY + h * HOUR
    }

    #[test]
    fn us_daylight_saving() {
        let la = Zone::lookup("America/Los_Angeles").map(|z| z.offset_at(utc(2007, 12, 3, 18)));
        assert_eq!(la, Some((-8 * 3600, false)));
        let la = Zone::lookup("america/los_angeles").map(|z| z.offset_at(utc(2020, 7, 1, 12)));
        assert_eq!(la, Some((-7 * 3600, true)));
        // 2021-03-14 is the second Sunday of March: 2:00 PST = 10:00 UTC.
        let z = Zone::lookup("America/New_York");
        let z = z.as_ref();
        assert_eq!(z.map(|z| z.offset_at(utc(2021, 3, 14, 6)).1), Some(false));
        assert_eq!(z.map(|z| z.offset_at(utc(2021, 3, 14, 8)).1), Some(true));
        assert_eq!(z.map(|z| z.offset_at(utc(2021, 11, 7, 5)).1), Some(true));
        assert_eq!(z.map(|z| z.offset_at(utc(2021, 11, 7, 7)).1), Some(false));
    }

    #[test]
    fn eu_and_southern_rules() {
        let berlin = Zone::lookup("Europe/Berlin");
        assert_eq!(
            berlin.as_ref().map(|z| z.offset_at(utc(2021, 7, 1, 0)).0),
            Some(7200)
        );
        assert_eq!(
            berlin.as_ref().map(|z| z.offset_at(utc(2021, 1, 1, 0)).0),
            Some(3600)
        );
        let sydney = Zone::lookup("Australia/Sydney");
        assert_eq!(
            sydney.as_ref().map(|z| z.offset_at(utc(2021, 1, 1, 0)).0),
            Some(11 * 3600)
        );
        assert_eq!(
            sydney.as_ref().map(|z| z.offset_at(utc(2021, 7, 1, 0)).0),
            Some(10 * 3600)
        );
    }

    #[test]
    fn offsets_and_abbreviations() {
        assert_eq!(parse_offset("+01:00"), Some(3600));
        assert_eq!(parse_offset("-0530"), Some(-(5 * 3600 + 1800)));
        assert_eq!(parse_offset("+5"), Some(5 * 3600));
        assert_eq!(parse_offset("+25"), None);
        assert_eq!(parse_offset("1"), None);
        let z = Zone::lookup("UTC+01:00");
        assert_eq!(z.map(|z| z.offset_at(0).0), Some(3600));
        let z = Zone::lookup("Etc/GMT+5");
        assert_eq!(z.map(|z| z.offset_at(0).0), Some(-5 * 3600));
        let z = Zone::lookup("CST");
        assert_eq!(z.map(|z| z.offset_at(0).0), Some(-6 * 3600));
        assert!(Zone::lookup("Mars/Olympus_Mons").is_none());
        assert_eq!(format_offset(-19800, true), "-05:30");
        assert_eq!(format_offset(3600, false), "+0100");
    }

    #[test]
    fn local_times_resolve_to_offsets() {
        let z = Zone::lookup("America/Los_Angeles");
        let local = utc(2007, 12, 3, 10);
        assert_eq!(z.map(|z| z.offset_for_local(local)), Some(-8 * 3600));
    }
}

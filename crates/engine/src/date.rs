//! Calendar dates (no clock: the caller says what "today" is).

use std::fmt;

use serde::Serialize;

use crate::error::OptionsError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub const fn new(year: i32, month: u8, day: u8) -> Self {
        Self { year, month, day }
    }

    /// Parses `YYYY-MM-DD`, or the date part of an ISO timestamp.
    pub fn parse(text: &str) -> Result<Self, OptionsError> {
        let bad = || OptionsError::BadDate(text.to_string());
        let t = text.trim();
        let head = t.get(..10).ok_or_else(bad)?;
        // Digits where the pattern has `d` (as in [`Timestamp::parse`]): `parse` alone would
        // also take a sign (`2026-+2-+9`).
        let shape = head
            .bytes()
            .zip(b"dddd-dd-dd")
            .all(|(c, &want)| if want == b'd' { c.is_ascii_digit() } else { c == want });
        let mut it = head.split('-');
        let year: i32 = it.next().and_then(|y| y.parse().ok()).ok_or_else(bad)?;
        let month: u8 = it.next().and_then(|m| m.parse().ok()).ok_or_else(bad)?;
        let day: u8 = it.next().and_then(|d| d.parse().ok()).ok_or_else(bad)?;
        if !shape || !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
            return Err(bad());
        }
        Ok(Self { year, month, day })
    }

    /// A date given as an option (`--today`, `today`, `asOf`): `YYYY-MM-DD`, or a moment
    /// read as its day in UTC, as export dates are. Anything after it is refused: a date
    /// read from its first ten characters took `2026-11-2399` for 2026-11-23.
    pub fn parse_option(text: &str) -> Result<Self, OptionsError> {
        Self::parse_utc_day(text).ok_or_else(|| OptionsError::BadDate(text.to_string()))
    }

    /// The UTC day of an export's date or timestamp: `YYYY-MM-DD` alone, or followed by a
    /// time (`hh:mm`, seconds and a fraction optional) and a zone (`Z`, `±hh:mm`, `±hhmm`,
    /// `±hh`; none is UTC, as Azure writes its times). The offset moves the day: a PIM
    /// activation ending `…T04:00+14:00` ended the UTC day before, and read by its own date
    /// it would count a day and a half longer. Anything else after the date is refused.
    pub fn parse_utc_day(text: &str) -> Option<Self> {
        let t = text.trim();
        let date = Self::parse(t.get(..10)?).ok()?;
        let rest = t.as_bytes().get(10..)?;
        let [sep, time @ ..] = rest else {
            return Some(date);
        };
        if !matches!(sep, b'T' | b't' | b' ') {
            return None;
        }
        let two = |b: &[u8]| -> Option<i64> {
            match b {
                [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some(i64::from((a - b'0') * 10 + (b - b'0'))),
                _ => None,
            }
        };
        let hour = two(time.get(..2)?).filter(|h| *h < 24)?;
        let minute = time
            .get(2..5)
            .filter(|m| m.first() == Some(&b':'))
            .and_then(|m| two(m.get(1..)?));
        let minute = minute.filter(|m| *m < 60)?;
        let mut zone = time.get(5..)?;
        if let [b':', a, b, more @ ..] = zone {
            two(&[*a, *b]).filter(|s| *s <= 60)?;
            zone = more;
            if let [b'.', fraction @ ..] = zone {
                let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
                zone = fraction.get(n..).filter(|_| n > 0)?;
            }
        }
        let offset = match zone {
            [] | [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), hh @ ..] => {
                let (h, m) = match hh {
                    [a, b] => (two(&[*a, *b])?, 0),
                    [a, b, b':', c, d] | [a, b, c, d] => (two(&[*a, *b])?, two(&[*c, *d])?),
                    _ => return None,
                };
                if h > 14 || m > 59 {
                    return None;
                }
                let minutes = h * 60 + m;
                if *sign == b'-' {
                    -minutes
                } else {
                    minutes
                }
            }
            _ => return None,
        };
        let shift = (hour * 60 + minute - offset).div_euclid(1440);
        Some(Self::from_days_since_epoch(date.days_since_epoch() + shift))
    }

    /// Days from 1970-01-01 (H. Hinnant's days-from-civil, the inverse of the function below).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The civil date of a count of days since 1970-01-01 (H. Hinnant's algorithm).
    pub fn from_days_since_epoch(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A moment in UTC, as an export's `updatedOn` gives it (`2025-07-29T13:30:02.117845+00:00`
/// from the CLI, `…Z` from REST and Resource Graph), with the text kept to quote. Equal and
/// ordered by the moment alone.
#[derive(Debug, Clone)]
pub struct Timestamp {
    /// `YYYYMMDDhhmmss` and nine digits of fraction: in UTC, their order is time's.
    moment: String,
    pub text: String,
}

impl Timestamp {
    /// `None` for anything but a whole date and time in UTC (`Z`, `±00:00` or no offset)
    /// between 1970 and 2999: Azure writes its times so, and a time that cannot be read, or
    /// a placeholder such as .NET's unset `0001-01-01`, is no update time.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let bytes = t.as_bytes();
        if bytes.len() > 40 {
            return None;
        }
        let mut moment = String::with_capacity(23);
        for (i, &want) in b"dddd-dd-ddTdd:dd:dd".iter().enumerate() {
            let c = *bytes.get(i)?;
            match want {
                b'd' if c.is_ascii_digit() => moment.push(char::from(c)),
                b'T' if matches!(c, b'T' | b't' | b' ') => {}
                b'-' | b':' if c == want => {}
                _ => return None,
            }
        }
        // The date as every date is read; then the time's fields within their ranges.
        Date::parse(t).ok().filter(|d| (1970..=2999).contains(&d.year))?;
        let mut at = 8;
        for (low, high) in [("00", "23"), ("00", "59"), ("00", "60")] {
            let field = moment.get(at..at + low.len())?;
            if field < low || field > high {
                return None;
            }
            at += low.len();
        }
        let mut rest = bytes.get(19..)?;
        if let [b'.', fraction @ ..] = rest {
            let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
            moment.push_str(t.get(20..20 + n.min(9))?);
            rest = fraction.get(n..).filter(|_| n > 0)?;
        }
        while moment.len() < 23 {
            moment.push('0');
        }
        matches!(rest, b"" | b"Z" | b"z" | b"+00:00" | b"-00:00").then(|| Self {
            moment,
            text: t.to_string(),
        })
    }

    /// The moment as digits, for keys: `YYYYMMDDhhmmss` and nine digits of fraction.
    pub fn moment(&self) -> &str {
        &self.moment
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.moment == other.moment
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.moment.cmp(&other.moment)
    }
}

/// Days in a month of the proleptic Gregorian calendar: a date such as 2025-02-30 is refused
/// rather than read as 2 March.
fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Round 35: options are dates, whole: `2026-11-2399` was read as 2026-11-23.
    #[test]
    fn an_option_is_a_date_and_nothing_after_it() {
        assert_eq!(Date::parse_option("2026-11-23"), Ok(Date::new(2026, 11, 23)));
        assert_eq!(
            Date::parse_option("2026-11-24T01:00:00+05:00"),
            Ok(Date::new(2026, 11, 23))
        );
        for bad in [
            "2026-11-2399",
            "2026-11-23garbage",
            "2024-01-15 or later?",
            "2026-02-30",
            "",
        ] {
            assert!(Date::parse_option(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_dates_and_timestamps() {
        assert_eq!(Date::parse("2026-09-30T23:59:59Z"), Ok(Date::new(2026, 9, 30)));
        assert!(Date::parse("2026-13-01").is_err());
        assert!(Date::parse("26-1-1").is_err());
        // Days that the month does not have; 29 February only in leap years.
        for bad in [
            "2025-02-29",
            "2025-02-30",
            "2026-04-31",
            "2026-06-31",
            "2026-09-31",
            "2026-11-31",
            "2100-02-29",
            "2026-01-32",
            "2026-01-00",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        for good in ["2024-02-29", "2000-02-29", "2026-01-31", "2026-04-30", "2026-12-31"] {
            let date = Date::parse(good).unwrap_or(Date::new(1970, 1, 1));
            assert_eq!(date.to_string(), good);
            // A real date survives the round trip through a count of days.
            assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), date);
        }
        assert_eq!(Date::from_days_since_epoch(0), Date::new(1970, 1, 1));
        assert_eq!(Date::from_days_since_epoch(20_415), Date::new(2025, 11, 23));
    }

    #[test]
    fn an_export_date_is_read_as_its_utc_day() {
        let day = |t: &str| Date::parse_utc_day(t).map(|d| d.to_string());
        for (text, want) in [
            ("2026-03-10", "2026-03-10"),
            (" 2026-03-10T14:00:00Z ", "2026-03-10"),
            ("2026-03-10T14:00:00.1234567Z", "2026-03-10"),
            ("2026-03-10T14:00:00", "2026-03-10"),
            ("2026-03-10 14:00", "2026-03-10"),
            // An offset moves the day either way, across months and years.
            ("2026-03-11T04:00:00+14:00", "2026-03-10"),
            ("2026-03-11T00:00:00+0100", "2026-03-10"),
            ("2026-03-10T13:00:00-12:00", "2026-03-11"),
            ("2026-12-31T23:30:00.5-05", "2027-01-01"),
            ("2026-03-01T01:00:00+02:00", "2026-02-28"),
            ("2024-03-01T01:00:00+02:00", "2024-02-29"),
            ("2026-03-10T23:59:60Z", "2026-03-10"),
        ] {
            assert_eq!(day(text).as_deref(), Some(want), "{text}");
        }
        for bad in [
            "2026-12-31 garbage",
            "2026-12-31Tgarbage",
            "2026-12-31T24:00:00Z",
            "2026-12-31T10:60:00Z",
            "2026-12-31T10:00:00+15:00",
            "2026-12-31T10:00:00+01:",
            "2026-12-31T10:00:00.Z",
            "2026-12-31T10:00:00ZZ",
            "2026-12-31T10",
            "2026-02-30T10:00:00Z",
            "12/7/2026 3:00:00 PM",
            "",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps_compare_as_moments_in_utc() {
        let at = |t: &str| Timestamp::parse(t).map(|t| t.moment);
        let cli = at("2025-07-29T13:30:02.117845+00:00");
        assert_eq!(cli.as_deref(), Some("20250729133002117845000"));
        // The same moment from REST and Resource Graph (seven digits, `Z`).
        assert_eq!(at(" 2025-07-29T13:30:02.1178450Z "), cli);
        assert!(at("2025-07-29T13:30:02Z") < cli && cli < at("2025-07-29T13:30:03"));
        assert!(at("2025-07-29T13:30:02.9Z") > cli && at("2024-12-31T23:59:59.999Z") < cli);
        for bad in [
            "2025-07-29",
            "2025-07-29T13:30",
            "2025-07-29T13:30:0x",
            "2025-07-29T15:30:02+02:00",
            "2025-07-29T13:30:02ZZ",
            "2025-07-29T13:30:02.5 junk",
            "2025-07-29T13:30:02.１２",
            "2025-07-29T13:30:02.Z",
            "2025-13-29T13:30:02Z",
            "2025-07-32T13:30:02Z",
            "2025-07-29T24:00:00Z",
            "2025-07-29T13:60:02Z",
            "0001-01-01T00:00:00",
            "9999-12-31T23:59:59Z",
            "2025-07-29T13:30:02.1234567890123456789012Z",
            "",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
    }
}

//! XML Schema `dateTime` strings (UTC) from and to block time in milliseconds since the Unix
//! epoch, for the `created` / `updated` / `nextUpdate` metadata and the `version_time` parameter.
//!
//! The civil-date conversion is Howard Hinnant's `days_from_civil` / `civil_from_days`
//! (proleptic Gregorian calendar, eras of 400 years = 146 097 days).

use alloc::format;
use alloc::string::String;

const MS_PER_DAY: u64 = 86_400_000;
/// Days from 0000-03-01 to 1970-01-01 in the era arithmetic below.
const EPOCH_SHIFT: u64 = 719_468;
/// Largest year [`parse`] accepts (four-digit years only).
const MAX_YEAR: u64 = 9999;

/// `ms` as `YYYY-MM-DDThh:mm:ssZ`, with `.mmm` before the `Z` when `ms` is not a whole second
/// (so a printed time parses back to the same instant).
pub fn format_ms(ms: u64) -> String {
    let (days, in_day) = (ms / MS_PER_DAY, ms % MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let (secs, millis) = (in_day / 1000, in_day % 1000);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if millis == 0 {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{millis:03}Z")
    }
}

/// Parses `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)` (years 1970–9999, a time zone required)
/// to milliseconds since the epoch; fraction digits beyond milliseconds are truncated.
pub fn parse(s: &str) -> Result<u64, String> {
    let b = s.as_bytes();
    let shape = || format!("{s:?} is not an XML dateTime YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)");
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(shape());
    }
    let num =
        |from: usize, to: usize| -> Result<u64, String> { digits(&b[from..to]).ok_or_else(shape) };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1970..=MAX_YEAR).contains(&year) {
        return Err(format!("{s:?}: year must be 1970-{MAX_YEAR}"));
    }
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(format!("{s:?}: no such date"));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!("{s:?}: no such time of day"));
    }
    let mut rest = &b[19..];
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(shape());
        }
        // First three digits, right-padded: ".5" is 500 ms.
        millis = frac[..n]
            .iter()
            .chain([b'0'; 3].iter())
            .take(3)
            .fold(0, |acc, c| acc * 10 + u64::from(c - b'0'));
        rest = &frac[n..];
    }
    let offset_ms = match rest {
        b"Z" => 0i64,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (oh, om) =
                (digits(&[*h1, *h2]).ok_or_else(shape)?, digits(&[*m1, *m2]).ok_or_else(shape)?);
            if oh > 14 || om > 59 || (oh == 14 && om > 0) {
                return Err(format!("{s:?}: time zone offsets are at most ±14:00"));
            }
            let magnitude = i64::try_from((oh * 60 + om) * 60_000).map_err(|_| shape())?;
            if *sign == b'+' { magnitude } else { -magnitude }
        }
        _ => return Err(shape()),
    };
    let local = days_from_civil(year, month, day) * MS_PER_DAY
        + ((hour * 60 + minute) * 60 + second) * 1000
        + millis;
    let local = i64::try_from(local).map_err(|_| shape())?;
    // Local time minus its offset is UTC.
    u64::try_from(local - offset_ms).map_err(|_| format!("{s:?} is before 1970-01-01T00:00:00Z"))
}

fn digits(b: &[u8]) -> Option<u64> {
    b.iter().try_fold(0u64, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u64::from(c - b'0')))
}

fn is_leap(year: u64) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date in 1970 or later.
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    // Years start on March 1st, so the leap day is the last day of the year.
    let y = if month <= 2 { year - 1 } else { year };
    let (era, yoe) = (y / 400, y % 400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - EPOCH_SHIFT
}

/// `(year, month, day)` of the date `days` after 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + EPOCH_SHIFT;
    let (era, doe) = (z / 146_097, z % 146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Instants computed independently (Python's `datetime`).
    const KNOWN: [(u64, &str); 12] = [
        (0, "1970-01-01T00:00:00Z"),
        (94_694_399_000, "1972-12-31T23:59:59Z"),
        (946_684_799_000, "1999-12-31T23:59:59Z"),
        (951_782_400_000, "2000-02-29T00:00:00Z"),
        (951_868_800_000, "2000-03-01T00:00:00Z"),
        (1_700_000_000_000, "2023-11-14T22:13:20Z"),
        (1_709_195_400_000, "2024-02-29T08:30:00Z"),
        (1_796_000_523_000, "2026-11-30T01:02:03Z"),
        (1_796_000_523_045, "2026-11-30T01:02:03.045Z"),
        (4_107_499_200_000, "2100-02-28T12:00:00Z"),
        (4_107_542_400_000, "2100-03-01T00:00:00Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ];

    #[test]
    fn formats_known_instants() {
        for (ms, text) in KNOWN {
            assert_eq!(format_ms(ms), text, "{ms}");
            assert_eq!(parse(text), Ok(ms), "{text}");
        }
    }

    #[test]
    fn every_day_from_1970_to_9999_matches_a_day_by_day_count() {
        let (mut y, mut m, mut d) = (1970, 1, 1);
        for days in 0..=days_from_civil(9999, 12, 31) {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            assert_eq!(days_from_civil(y, m, d), days);
            d += 1;
            if d > days_in_month(y, m) {
                (d, m) = (1, m + 1);
                if m > 12 {
                    (m, y) = (1, y + 1);
                }
            }
        }
        assert_eq!((y, m, d), (10000, 1, 1));
    }

    #[test]
    fn parses_fractions_and_offsets() {
        let base = 1_796_000_523_000;
        assert_eq!(parse("2026-11-30T01:02:03.5Z"), Ok(base + 500));
        assert_eq!(parse("2026-11-30T01:02:03.123456789Z"), Ok(base + 123));
        assert_eq!(parse("2026-11-30T02:02:03+01:00"), Ok(base));
        assert_eq!(parse("2026-11-29T23:32:03-01:30"), Ok(base));
        assert_eq!(parse("2026-11-30T01:02:03+00:00"), Ok(base));
    }

    #[test]
    fn refuses_malformed_and_impossible_times() {
        for bad in [
            "",
            "2026-11-30",
            "2026-11-30T01:02:03",
            "2026-11-30 01:02:03Z",
            "2026-11-30T01:02:03z",
            "2026-11-30T01:02:03.Z",
            "2026-11-30T1:02:03Z",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-11-30T24:00:00Z",
            "2026-11-30T23:60:00Z",
            "2026-11-30T23:59:60Z",
            "2026-11-30T01:02:03+15:00",
            "2026-11-30T01:02:03+01",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:30:00+01:00",
            "10000-01-01T00:00:00Z",
            "+2026-11-30T01:02:03Z",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
        assert_eq!(parse("2024-02-29T00:00:00Z"), Ok(1_709_164_800_000));
    }
}

//! RFC 3339 date-times ⇄ milliseconds since the Unix epoch: the VC's `validFrom` /
//! `validUntil` are date-times, the contract's validity window is in milliseconds.
//!
//! Formatting writes UTC (`Z`) with `.mmm` only when the milliseconds are not zero, so every
//! written time parses back to the same millisecond. Parsing accepts any RFC 3339 offset and
//! fraction (digits past the millisecond are dropped) from 1970 on.

use crate::SdkError;

const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(year, month, day)` of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// `ms` since the Unix epoch as an RFC 3339 UTC date-time, e.g. `2026-11-30T01:02:03Z` or
/// `2026-11-30T01:02:03.250Z`.
pub fn format_ms(ms: u64) -> String {
    let ms = ms as i64;
    let (days, rem) = (ms.div_euclid(MS_PER_DAY), ms.rem_euclid(MS_PER_DAY));
    let (y, m, d) = civil_from_days(days);
    let (secs, milli) = (rem / 1000, rem % 1000);
    let (hh, mm, ss) = (secs / 3600, secs / 60 % 60, secs % 60);
    let base = format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}");
    if milli == 0 { format!("{base}Z") } else { format!("{base}.{milli:03}Z") }
}

/// Parses an RFC 3339 date-time (`YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`) into ms since the
/// Unix epoch. Times before 1970 are refused.
pub fn parse_ms(s: &str) -> Result<u64, SdkError> {
    let bad = |why: &str| {
        SdkError::Invalid(format!(
            "{s:?} is not an RFC 3339 date-time (e.g. 2026-12-31T23:59:59Z): {why}"
        ))
    };
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Result<u32, SdkError> {
        let part = b.get(range).ok_or_else(|| bad("too short"))?;
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(bad("expected digits"));
        }
        Ok(part.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
    };
    let sep = |i: usize, allowed: &[u8]| match b.get(i) {
        Some(c) if allowed.contains(c) => Ok(()),
        _ => Err(bad("wrong separator")),
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    sep(4, b"-")?;
    sep(7, b"-")?;
    sep(10, b"Tt")?;
    sep(13, b":")?;
    sep(16, b":")?;
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(i64::from(y), mo) {
        return Err(bad("no such date"));
    }
    if h > 23 || mi > 59 || sec > 59 {
        return Err(bad("no such time of day"));
    }
    let mut i = 19;
    let mut milli = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Err(bad("empty fraction"));
        }
        let digits = &b[start..i.min(start + 3)];
        milli = digits.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'))
            * 10u32.pow(3 - digits.len() as u32);
    }
    let offset_min: i64 = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() => {
            sep(i + 3, b":")?;
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return Err(bad("no such offset"));
            }
            let minutes = i64::from(oh * 60 + om);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return Err(bad("expected Z or an offset ±hh:mm at the end")),
    };
    let secs_of_day = i64::from(h * 3600 + mi * 60 + sec);
    let ms = days_from_civil(i64::from(y), mo, d) * MS_PER_DAY + secs_of_day * 1000
        - offset_min * 60_000
        + i64::from(milli);
    u64::try_from(ms).map_err(|_| bad("before 1970"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(format_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_ms(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(format_ms(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(parse_ms("2023-11-14T22:13:20.123Z").ok(), Some(1_700_000_000_123));
        assert_eq!(parse_ms("2023-11-15T06:13:20.123456+08:00").ok(), Some(1_700_000_000_123));
        assert_eq!(parse_ms("2023-11-14t19:13:20.1-03:00").ok(), Some(1_700_000_000_100));
        assert_eq!(parse_ms("2000-02-29T00:00:00Z").ok(), Some(951_782_400_000));
    }

    #[test]
    fn formatting_round_trips() {
        for ms in [0, 1, 999, 86_399_999, 951_782_399_999, 1_796_000_523_000, 4_102_444_800_000] {
            assert_eq!(parse_ms(&format_ms(ms)).ok(), Some(ms), "{ms}");
        }
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in [
            "",
            "2023-11-14",
            "2023-11-14T22:13:20",
            "2023-11-14 22:13:20Z",
            "2023-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2023-11-14T24:00:00Z",
            "2023-11-14T22:60:00Z",
            "2023-11-14T22:13:20.Z",
            "2023-11-14T22:13:20+0800",
            "2023-11-14T22:13:20Zjunk",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00+00:01",
            "２023-11-14T22:13:20Z",
        ] {
            assert!(parse_ms(bad).is_err(), "{bad}");
        }
        let e = parse_ms("tomorrow").expect_err("refused").to_string();
        assert!(e.contains("RFC 3339"), "{e}");
    }
}

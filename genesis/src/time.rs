//! `genesis_time`: RFC 3339 in UTC, converted to milliseconds since the Unix epoch.

use crate::error::GenesisError;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch of an RFC 3339 UTC timestamp (`Z` or
/// `+00:00`, any number of fractional digits, truncated to milliseconds).
pub fn parse_genesis_time(value: &str) -> Result<u64, GenesisError> {
    let err = |reason: String| GenesisError::GenesisTime { value: value.to_string(), reason };
    let t = humantime::parse_rfc3339(value).map_err(|e| err(e.to_string()))?;
    let since = t.duration_since(UNIX_EPOCH).map_err(|_| err("before the Unix epoch".into()))?;
    u64::try_from(since.as_millis()).map_err(|_| err("too far in the future".into()))
}

/// The RFC 3339 form of `ms` since the epoch: whole seconds when `ms` is a
/// multiple of 1000, otherwise with three fractional digits.
pub fn format_genesis_time(ms: u64) -> String {
    let t = UNIX_EPOCH + Duration::from_millis(ms);
    format_system_time(t, ms.is_multiple_of(1000))
}

fn format_system_time(t: SystemTime, whole_seconds: bool) -> String {
    if whole_seconds {
        humantime::format_rfc3339_seconds(t).to_string()
    } else {
        humantime::format_rfc3339_millis(t).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_utc_forms_to_milliseconds() {
        assert_eq!(parse_genesis_time("1970-01-01T00:00:00Z").expect("epoch"), 0);
        assert_eq!(parse_genesis_time("2026-11-22T00:00:00Z").expect("z"), 1_795_305_600_000);
        assert_eq!(
            parse_genesis_time("2026-11-22T00:00:00+00:00").expect("offset"),
            1_795_305_600_000
        );
        assert_eq!(
            parse_genesis_time("2026-11-22T00:00:00.123456Z").expect("frac"),
            1_795_305_600_123
        );
    }

    #[test]
    fn refuses_local_times_and_garbage() {
        for bad in [
            "2026-11-22T00:00:00",
            "2026-11-22 00:00:00Z",
            "2026-11-22T00:00:00+01:00",
            "tomorrow",
            "",
        ] {
            assert!(
                matches!(parse_genesis_time(bad), Err(GenesisError::GenesisTime { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn format_round_trips() {
        for ms in [0, 1_795_305_600_000, 1_795_305_600_123] {
            assert_eq!(parse_genesis_time(&format_genesis_time(ms)).expect("parses"), ms);
        }
        assert_eq!(format_genesis_time(1_795_305_600_000), "2026-11-22T00:00:00Z");
    }
}

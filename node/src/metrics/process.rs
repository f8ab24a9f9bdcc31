//! Process metrics read from `/proc/self` at scrape time, under the names
//! every Prometheus client library uses: `process_cpu_seconds_total`,
//! `process_resident_memory_bytes`, `process_open_fds`,
//! `process_start_time_seconds`. Off Linux (no `/proc`) they are left out.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;

/// Clock ticks per second of the times in `/proc/<pid>/stat` (`USER_HZ`: a
/// fixed part of the kernel's user-space ABI, 100 on every architecture
/// Linux exposes it on).
const USER_HZ: f64 = 100.0;

/// A snapshot of this process.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessStats {
    /// User + system CPU time, in seconds.
    pub cpu_seconds: f64,
    /// Resident set size, in bytes.
    pub resident_bytes: u64,
    /// Open file descriptors.
    pub open_fds: u64,
    /// Start time, in seconds since the Unix epoch.
    pub start_time_seconds: f64,
}

impl ProcessStats {
    /// Reads `/proc/self`; `None` where it does not exist or cannot be parsed.
    pub fn read() -> Option<ProcessStats> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let boot = std::fs::read_to_string("/proc/stat").ok()?;
        let open_fds = std::fs::read_dir("/proc/self/fd").ok()?.count() as u64;
        parse(&stat, &status, &boot, open_fds)
    }
}

/// Parses `/proc/self/stat` (utime, stime, starttime), the `VmRSS` line of
/// `/proc/self/status` and the `btime` line of `/proc/stat`.
fn parse(stat: &str, status: &str, proc_stat: &str, open_fds: u64) -> Option<ProcessStats> {
    // The command name (field 2) may hold spaces and parentheses: fields
    // after it start behind the last ')'. Field 3 (state) is index 0 here.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    let (utime, stime, start_ticks) = (field(14)?, field(15)?, field(22)?);
    let rss_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let btime: u64 =
        proc_stat.lines().find_map(|l| l.strip_prefix("btime "))?.trim().parse().ok()?;
    Some(ProcessStats {
        cpu_seconds: (utime + stime) as f64 / USER_HZ,
        resident_bytes: rss_kib * 1024,
        open_fds,
        start_time_seconds: btime as f64 + start_ticks as f64 / USER_HZ,
    })
}

/// Encodes [`ProcessStats`] on every scrape.
#[derive(Debug, Default)]
pub struct ProcessCollector;

impl Collector for ProcessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), std::fmt::Error> {
        let Some(p) = ProcessStats::read() else { return Ok(()) };
        let cpu = ConstCounter::new(p.cpu_seconds);
        cpu.encode(encoder.encode_descriptor(
            "process_cpu_seconds",
            "Total user and system CPU time spent in seconds.",
            None,
            cpu.metric_type(),
        )?)?;
        let gauges = [
            (
                "process_resident_memory_bytes",
                "Resident memory size in bytes.",
                p.resident_bytes as f64,
            ),
            ("process_open_fds", "Number of open file descriptors.", p.open_fds as f64),
            (
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                p.start_time_seconds,
            ),
        ];
        for (name, help, value) in gauges {
            let g = ConstGauge::new(value);
            g.encode(encoder.encode_descriptor(name, help, None, g.metric_type())?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_files_including_a_command_name_with_spaces() {
        // 52 fields as in proc(5); comm holds ") (" to trip naive splitting.
        let mut fields: Vec<String> = (3..=52).map(|i| i.to_string()).collect();
        fields[14 - 3] = "250".into(); // utime
        fields[15 - 3] = "50".into(); // stime
        fields[22 - 3] = "1000".into(); // starttime
        let stat = format!("1234 (bay ledger) (x) {}", fields.join(" "));
        let status = "Name:\tbayledger\nVmRSS:\t   2048 kB\nThreads:\t4\n";
        let proc_stat = "cpu  1 2 3\nbtime 1700000000\nprocesses 9\n";
        let p = parse(&stat, status, proc_stat, 7).expect("parses");
        assert_eq!(
            p,
            ProcessStats {
                cpu_seconds: 3.0,
                resident_bytes: 2048 * 1024,
                open_fds: 7,
                start_time_seconds: 1_700_000_010.0,
            }
        );
        assert_eq!(parse("garbage", status, proc_stat, 0), None);
    }

    #[test]
    fn reads_this_process_on_linux() {
        if !std::path::Path::new("/proc/self/stat").exists() {
            return; // not Linux
        }
        let p = ProcessStats::read().expect("readable /proc/self");
        assert!(p.resident_bytes > 0 && p.open_fds > 0 && p.start_time_seconds > 1e9, "{p:?}");
    }
}

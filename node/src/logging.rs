//! Tracing setup: text or JSON lines on stderr, filter from the config or `RUST_LOG`.
//!
//! Malachite's core logs every vote at `info`; unless the configured filter
//! names it, it is limited to `warn` (the node logs each commit itself).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (once; later calls are no-ops).
pub fn init(format: &str, level: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(with_quiet_deps(level)));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if format == "json" { builder.json().try_init() } else { builder.try_init() };
}

/// `level` plus `warn` for Malachite's core, unless `level` already mentions it.
fn with_quiet_deps(level: &str) -> String {
    if level.contains("malachite") {
        level.to_string()
    } else {
        format!("{level},arc_malachitebft_core_consensus=warn")
    }
}

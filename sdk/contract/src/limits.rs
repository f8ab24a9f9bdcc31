//! Host limits from ADR 0006. The host traps when one is exceeded; the mock host panics.

/// Longest storage key, in bytes.
pub const MAX_KEY_LEN: usize = 256;
/// Longest storage value, in bytes.
pub const MAX_VALUE_LEN: usize = 64 * 1024;
/// Longest event topic, in bytes.
pub const MAX_TOPIC_LEN: usize = 64;
/// Longest event data, in bytes.
pub const MAX_EVENT_DATA_LEN: usize = 8 * 1024;
/// Most events one transaction may emit.
pub const MAX_EVENTS: usize = 64;
/// Longest return data (`set_return`), in bytes.
pub const MAX_RETURN_LEN: usize = 64 * 1024;
/// Longest abort message the host keeps, in bytes.
pub const MAX_ABORT_LEN: usize = 1024;
/// Deepest cross-contract call nesting (the outermost entry point is depth 1).
pub const MAX_CALL_DEPTH: u32 = 8;

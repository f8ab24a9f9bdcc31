//! Events: `(topic, data)` pairs recorded in the transaction receipt, in emission order.
//!
//! Limits: topic ≤ [`crate::limits::MAX_TOPIC_LEN`] bytes, data ≤
//! [`crate::limits::MAX_EVENT_DATA_LEN`] bytes, at most [`crate::limits::MAX_EVENTS`] per
//! transaction. Emitting inside a query traps ("state is read-only in a query").

use crate::host;

/// Emits an event. Conventionally the topic is `<contract>.<what>` (e.g. `kv.set`).
pub fn emit(topic: &str, data: &[u8]) {
    host::emit_event(topic.as_bytes(), data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock;

    #[test]
    fn events_are_recorded_in_order() {
        mock::reset();
        emit("a.one", b"1");
        emit("a.two", b"");
        let got: Vec<(String, Vec<u8>)> =
            mock::events().into_iter().map(|e| (e.topic, e.data)).collect();
        assert_eq!(got, [("a.one".into(), b"1".to_vec()), ("a.two".into(), vec![])]);
    }

    #[test]
    #[should_panic(expected = "topic")]
    fn oversized_topic_traps() {
        mock::reset();
        emit(&"t".repeat(65), b"");
    }
}

//! Placeholder: filled in by the did client.

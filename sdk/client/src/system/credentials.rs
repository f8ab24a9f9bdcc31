//! Placeholder: filled in by the credentials client.

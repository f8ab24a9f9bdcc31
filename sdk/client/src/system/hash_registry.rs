//! Placeholder: filled in by the hash_registry client.

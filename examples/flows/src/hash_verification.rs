//! Placeholder: filled in with the hash_verification flow.

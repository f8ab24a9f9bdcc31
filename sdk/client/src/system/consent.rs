//! Placeholder: filled in by the consent client.

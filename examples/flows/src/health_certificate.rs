//! Placeholder: filled in with the health_certificate flow.

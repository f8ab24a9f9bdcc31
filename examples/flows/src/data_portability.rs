//! Placeholder: filled in with the data_portability flow.

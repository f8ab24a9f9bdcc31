//! Native tests against the mock host.

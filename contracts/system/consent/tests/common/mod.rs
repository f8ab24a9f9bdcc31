//! Test support shared by the VM tests of `consent` and `health-data-policy` (and, file by
//! file, by the native tests): schema checks, the VM world, and the wallet-side digests.

pub mod chain;
pub mod schema;
pub mod wallet;

//! `governance`: the Bayledger system contract of the consortium committee (genesis index 4).
//!
//! [`action::SystemAction`] is the wire type of the privileged operations a passed proposal
//! executes through the VM's `system_apply` host function (accepted only from this contract's
//! address); the VM decodes the same type.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

pub mod action;

//! The contract error type: a human-readable message that ends up in the receipt.

use alloc::string::{String, ToString};
use core::fmt;

/// A contract error. Returned by entry-point handlers; the generated export aborts with
/// [`Error::message`], so the text is what users see in the transaction receipt.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

impl Error {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Error {
        Error { message: message.into() }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?})", self.message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Error {
        Error::new(message)
    }
}

impl From<String> for Error {
    fn from(message: String) -> Error {
        Error::new(message)
    }
}

impl From<crate::call::CallError> for Error {
    fn from(e: crate::call::CallError) -> Error {
        Error::new(e.to_string())
    }
}

impl From<crate::address::AddressParseError> for Error {
    fn from(e: crate::address::AddressParseError) -> Error {
        Error::new(e.to_string())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

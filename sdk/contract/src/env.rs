//! The execution environment: who called, on whose behalf, where, and when.

use crate::{Address, host};

/// The immediate caller: the transaction sender, or the contract that called this one.
pub fn caller() -> Address {
    host::caller()
}

/// The transaction sender (the outermost signer), however deep the call chain.
pub fn origin() -> Address {
    host::origin()
}

/// The address of the running contract.
pub fn self_address() -> Address {
    host::self_address()
}

/// Height of the block being executed (in a query: the latest committed height).
pub fn block_height() -> u64 {
    host::block_height()
}

/// That block's time, in milliseconds since the Unix epoch.
pub fn block_time_ms() -> u64 {
    host::block_time_ms()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock;

    #[test]
    fn environment_comes_from_the_host() {
        mock::reset();
        mock::set_sender(Address([1; 20]));
        mock::set_caller(Address([2; 20]));
        mock::set_self_address(Address([3; 20]));
        mock::set_block(42, 1_700_000_000_000);
        assert_eq!(origin(), Address([1; 20]));
        assert_eq!(caller(), Address([2; 20]));
        assert_eq!(self_address(), Address([3; 20]));
        assert_eq!((block_height(), block_time_ms()), (42, 1_700_000_000_000));
    }
}

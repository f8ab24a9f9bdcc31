//! The [`entry_points!`](crate::entry_points) macro: generates the ABI exports of a contract.

/// Declares a contract's entry points and generates its wasm exports.
///
/// ```
/// # use bayledger_contract_sdk::Error;
/// # fn my_init(_: &[u8]) -> Result<Vec<u8>, Error> { Ok(Vec::new()) }
/// # fn my_call(_: &[u8]) -> Result<Vec<u8>, Error> { Ok(Vec::new()) }
/// # fn my_query(_: &[u8]) -> Result<Vec<u8>, Error> { Ok(Vec::new()) }
/// # fn my_migrate(_: &[u8]) -> Result<Vec<u8>, Error> { Ok(Vec::new()) }
/// bayledger_contract_sdk::entry_points! {
///     instantiate: my_init,   // optional
///     call: my_call,          // required
///     query: my_query,        // optional
///     migrate: my_migrate,    // optional
/// }
/// ```
///
/// Entries must appear in this order. Each handler is `fn(&[u8]) -> Result<Vec<u8>, Error>`
/// and receives the message bytes. On wasm32 the macro emits `bayledger_abi_v1`, `bl_alloc` and
/// one `extern "C" fn <name>(ptr: i32, len: i32) -> i32` per entry: `Ok(data)` becomes
/// `set_return(data)` (skipped when empty) and return code `0`; `Err(e)` aborts with
/// `e.message()`, so the receipt is `ABORTED` with that text. Natively it only type-checks the
/// handlers (test them directly or through `mock::execute` / `mock::query`).
/// Invoke it once per contract crate.
#[macro_export]
macro_rules! entry_points {
    (
        $(instantiate: $instantiate:path,)?
        call: $call:path
        $(, query: $query:path)?
        $(, migrate: $migrate:path)?
        $(,)?
    ) => {
        // Named consts type-check the handlers everywhere and let the export module reach them
        // whatever path form the caller used.
        $(
            #[doc(hidden)]
            #[allow(dead_code)]
            const __BAYLEDGER_INSTANTIATE: $crate::rt::Handler = $instantiate;
        )?
        #[doc(hidden)]
        #[allow(dead_code)]
        const __BAYLEDGER_CALL: $crate::rt::Handler = $call;
        $(
            #[doc(hidden)]
            #[allow(dead_code)]
            const __BAYLEDGER_QUERY: $crate::rt::Handler = $query;
        )?
        $(
            #[doc(hidden)]
            #[allow(dead_code)]
            const __BAYLEDGER_MIGRATE: $crate::rt::Handler = $migrate;
        )?

        #[cfg(target_arch = "wasm32")]
        #[doc(hidden)]
        #[allow(unsafe_code)]
        mod __bayledger_exports {
            /// ABI version marker (ADR 0006).
            #[unsafe(no_mangle)]
            pub extern "C" fn bayledger_abi_v1() {}

            /// Buffer for the host to write entry-point input into.
            #[unsafe(no_mangle)]
            pub extern "C" fn bl_alloc(len: i32) -> i32 {
                $crate::rt::bl_alloc(len)
            }

            $( $crate::__entry_export!(instantiate, __BAYLEDGER_INSTANTIATE, $instantiate); )?
            $crate::__entry_export!(call, __BAYLEDGER_CALL, $call);
            $( $crate::__entry_export!(query, __BAYLEDGER_QUERY, $query); )?
            $( $crate::__entry_export!(migrate, __BAYLEDGER_MIGRATE, $migrate); )?
        }
    };
}

/// One entry-point export; used by [`entry_points!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __entry_export {
    ($name:ident, $handler:ident, $_declared:path) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $name(ptr: i32, len: i32) -> i32 {
            // SAFETY: the host calls entry points with a buffer it obtained from `bl_alloc`
            // and filled with exactly `len` bytes (ADR 0006).
            unsafe { $crate::rt::run(ptr, len, super::$handler) }
        }
    };
}

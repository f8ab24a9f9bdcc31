//! Every upload rule refuses what it should, with a message naming the rule.

use super::{contract, probe, wat};
use crate::{CodeExports, CodeLimits, ValidationError, validate_code};
use bayledger_types::Hash;
use proptest::prelude::*;

/// A contract with just the required exports and `extra` added to the module.
fn minimal(extra: &str) -> Vec<u8> {
    contract(&format!(
        r#"(func (export "call") (param i32 i32) (result i32) (i32.const 0))
{extra}"#
    ))
}

fn refuse(wasm: &[u8]) -> ValidationError {
    match validate_code(wasm, &CodeLimits::default()) {
        Ok(info) => panic!("expected a refusal, got {info:?}"),
        Err(e) => e,
    }
}

#[track_caller]
fn refuse_feature(module_body: &str, feature: &str) {
    let e = refuse(&wat(&format!("(module {module_body})")));
    let msg = e.to_string();
    match &e {
        ValidationError::ForbiddenFeature { feature: f, .. } => assert_eq!(f, feature, "{msg}"),
        other => panic!("expected feature `{feature}` to be refused, got {other:?}"),
    }
    assert!(msg.contains(&format!("`{feature}`")), "{msg}");
}

#[test]
fn accepts_a_contract_and_reports_its_facts() {
    let wasm = probe();
    let info = validate_code(&wasm, &CodeLimits::default()).expect("probe is valid");
    assert_eq!(info.hash, Hash::sha3(&wasm));
    assert_eq!(info.size, wasm.len());
    assert_eq!(info.exports, CodeExports { instantiate: true, query: true, migrate: false });
    let mut expected: Vec<String> =
        crate::abi::IMPORTS.iter().map(|(n, _)| n.to_string()).collect();
    expected.sort();
    assert_eq!(info.imports, expected);

    let plain = wat(r#"(module (memory (export "memory") 1)
        (func (export "bayledger_abi_v1"))
        (func (export "bl_alloc") (param i32) (result i32) (i32.const 0))
        (func (export "call") (param i32 i32) (result i32) (i32.const 0))
        (func (export "migrate") (param i32 i32) (result i32) (i32.const 0)))"#);
    let info = validate_code(&plain, &CodeLimits::default()).expect("valid without imports");
    assert_eq!(info.exports, CodeExports { instantiate: false, query: false, migrate: true });
    assert!(info.imports.is_empty());
}

#[test]
fn refuses_bytes_that_are_not_wasm() {
    for bytes in [&b""[..], b"not wasm at all", b"\0asm\x01\0\0\0\x01\xff"] {
        let e = refuse(bytes);
        assert!(matches!(e, ValidationError::Invalid(_)), "{e:?}");
        assert!(e.to_string().starts_with("not a valid WebAssembly module"), "{e}");
    }
}

#[test]
fn refuses_oversized_code_naming_both_sizes() {
    let wasm = probe();
    let limits = CodeLimits { max_code_bytes: wasm.len() - 1, ..CodeLimits::default() };
    let e = validate_code(&wasm, &limits).expect_err("too large");
    assert_eq!(e, ValidationError::TooLarge { size: wasm.len(), limit: wasm.len() - 1 });
    assert_eq!(
        e.to_string(),
        format!("code is {} bytes; the limit is {} bytes", wasm.len(), wasm.len() - 1)
    );

    // The default limit is 512 KiB: a module padded with a custom section past it.
    let mut big = b"\0asm\x01\0\0\0".to_vec();
    let payload_len = 600 * 1024;
    big.push(0); // custom section
    let mut size = payload_len + 2;
    loop {
        let byte = (size & 0x7f) as u8;
        size >>= 7;
        if size == 0 {
            big.push(byte);
            break;
        }
        big.push(byte | 0x80);
    }
    big.extend_from_slice(&[1, b'x']);
    big.resize(big.len() + payload_len, 0);
    let e = refuse(&big);
    assert!(matches!(e, ValidationError::TooLarge { limit: 524_288, .. }), "{e:?}");
}

#[test]
fn refuses_forbidden_features_by_name() {
    refuse_feature("(func (result v128) (v128.const i32x4 0 0 0 0))", "simd");
    refuse_feature("(memory 1 1 shared)", "threads");
    refuse_feature("(func (param externref))", "reference-types");
    refuse_feature(
        "(memory 1) (func (memory.copy (i32.const 0) (i32.const 0) (i32.const 0)))",
        "bulk-memory",
    );
    refuse_feature(
        "(memory 1) (data \"x\") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)))",
        "bulk-memory",
    );
    refuse_feature("(func (result i32 i32) (i32.const 0) (i32.const 0))", "multi-value");
    refuse_feature("(func $f (return_call $f))", "tail-call");
    refuse_feature("(memory i64 1)", "memory64");
    refuse_feature("(memory 1) (memory 1)", "multi-memory");
    refuse_feature("(table 1 funcref) (table 1 funcref)", "reference-types");
    refuse_feature("(tag $e) (func (throw $e))", "exceptions");
    refuse_feature("(type (struct))", "gc");
}

#[test]
fn accepts_the_allowed_post_mvp_features() {
    // sign-extension, saturating float-to-int, mutable globals, floats.
    let wasm = minimal(
        r#"(global $g (mut i64) (i64.const 0))
        (func (param f64) (result i32)
          (global.set $g (i64.extend8_s (i64.const 255)))
          (i32.add (i32.trunc_sat_f64_s (local.get 0)) (i32.extend16_s (i32.const 7))))"#,
    );
    validate_code(&wasm, &CodeLimits::default()).expect("allowed features");
}

#[test]
fn refuses_imports_outside_the_host_api() {
    let e = refuse(&wat(r#"(module (import "env" "foo" (func)))"#));
    assert_eq!(e, ValidationError::ForbiddenImport { module: "env".into(), name: "foo".into() });
    assert!(e.to_string().contains("`env.foo`"), "{e}");

    let e = refuse(&wat(r#"(module (import "bl" "launch_missiles" (func)))"#));
    assert!(e.to_string().contains("`bl.launch_missiles`"), "{e}");

    let e = refuse(&wat(r#"(module (import "bl" "mem" (memory 1)))"#));
    assert!(matches!(e, ValidationError::ForbiddenImportKind { kind: "memory", .. }), "{e:?}");
    assert!(e.to_string().contains("imports a memory `bl.mem`"), "{e}");
    let e = refuse(&wat(r#"(module (import "env" "g" (global i32)))"#));
    assert!(e.to_string().contains("imports a global `env.g`"), "{e}");
}

#[test]
fn refuses_host_imports_with_the_wrong_signature() {
    let e =
        refuse(&wat(r#"(module (import "bl" "storage_read" (func (param i32) (result i64))))"#));
    assert_eq!(
        e.to_string(),
        "import `bl.storage_read` has signature (i32) -> i64; bayledger_abi_v1 defines it as (i32, i32) -> i64"
    );
    let e = refuse(&wat(r#"(module (import "bl" "abort" (func (param i32 i32) (result i32))))"#));
    assert!(
        matches!(e, ValidationError::ImportSignature { ref name, .. } if name == "abort"),
        "{e:?}"
    );
}

#[test]
fn refuses_missing_or_mistyped_exports() {
    let header = r#"(memory (export "memory") 1)
        (func (export "bayledger_abi_v1"))
        (func (export "bl_alloc") (param i32) (result i32) (i32.const 0))"#;
    let e = refuse(&wat(&format!("(module {header})")));
    assert_eq!(e, ValidationError::MissingExport("call"));
    assert_eq!(e.to_string(), "missing required export `call` (see ADR 0006, \"Exports\")");

    let e =
        refuse(&wat(r#"(module (memory (export "memory") 1) (func (export "bayledger_abi_v1"))
        (func (export "call") (param i32 i32) (result i32) (i32.const 0)))"#));
    assert_eq!(e, ValidationError::MissingExport("bl_alloc"));

    let e = refuse(&wat(r#"(module (memory 1) (func (export "bayledger_abi_v1"))
        (func (export "bl_alloc") (param i32) (result i32) (i32.const 0))
        (func (export "call") (param i32 i32) (result i32) (i32.const 0)))"#));
    assert_eq!(e, ValidationError::MissingExport("memory"));

    let e = refuse(&wat(&format!(
        "(module {header} (func (export \"call\") (param i32) (result i32) (i32.const 0)))"
    )));
    assert_eq!(
        e.to_string(),
        "export `call` has signature (i32) -> i32; bayledger_abi_v1 requires (i32, i32) -> i32"
    );
    let e =
        refuse(&wat(&format!("(module {header} (global (export \"call\") i32 (i32.const 0)))")));
    assert_eq!(e, ValidationError::ExportKind { name: "call", expected: "function" });
    let e = refuse(&minimal(r#"(func (export "query") (param i32 i32))"#));
    assert!(matches!(e, ValidationError::ExportSignature { name: "query", .. }), "{e:?}");
}

#[test]
fn refuses_code_without_the_abi_marker() {
    let e = refuse(&wat(r#"(module (memory (export "memory") 1)
        (func (export "bl_alloc") (param i32) (result i32) (i32.const 0))
        (func (export "call") (param i32 i32) (result i32) (i32.const 0)))"#));
    assert_eq!(e, ValidationError::MissingAbiMarker);
    assert!(e.to_string().contains("bayledger_abi_v1"), "{e}");
}

#[test]
fn refuses_a_start_function() {
    let e = refuse(&minimal("(func $init) (start $init)"));
    assert!(matches!(e, ValidationError::StartFunction(_)), "{e:?}");
    assert!(e.to_string().contains("start function"), "{e}");
}

#[test]
fn refuses_too_many_functions_imports_and_locals() {
    let wasm = probe();
    let few_functions = CodeLimits { max_functions: 2, ..CodeLimits::default() };
    let e = validate_code(&wasm, &few_functions).expect_err("too many functions");
    assert!(matches!(e, ValidationError::TooManyFunctions { limit: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("functions; the limit is 2"), "{e}");

    let few_imports = CodeLimits { max_imports: 3, ..CodeLimits::default() };
    let e = validate_code(&wasm, &few_imports).expect_err("too many imports");
    assert_eq!(
        e,
        ValidationError::TooManyImports { count: crate::abi::IMPORTS.len() as u64, limit: 3 }
    );

    // 499 declared locals + 2 parameters = 501 > 500.
    let e = refuse(&minimal(&format!("(func (param i32 i32) {})", "(local i32) ".repeat(499))));
    assert!(matches!(e, ValidationError::TooManyLocals { count: 501, limit: 500, .. }), "{e:?}");
    assert!(
        e.to_string().contains("has 501 locals (parameters included); the limit is 500"),
        "{e}"
    );
    // Exactly at the limit is fine.
    let at_limit = minimal(&format!("(func (param i32 i32) {})", "(local i32) ".repeat(498)));
    validate_code(&at_limit, &CodeLimits::default()).expect("500 locals are allowed");
}

#[test]
fn refuses_large_memories_and_tables() {
    let big_memory = wat(r#"(module (memory (export "memory") 257)
        (func (export "bayledger_abi_v1"))
        (func (export "bl_alloc") (param i32) (result i32) (i32.const 0))
        (func (export "call") (param i32 i32) (result i32) (i32.const 0)))"#);
    let e = refuse(&big_memory);
    assert_eq!(e, ValidationError::MemoryTooLarge { pages: 257, limit: 256 });
    assert_eq!(
        e.to_string(),
        "memory declares a minimum of 257 pages; the limit is 256 pages (16384 KiB)"
    );

    let e = refuse(&minimal("(table 10001 funcref)"));
    assert_eq!(e, ValidationError::TableTooLarge { elements: 10_001, limit: 10_000 });
    validate_code(&minimal("(table 10000 funcref)"), &CodeLimits::default()).expect("at the limit");
}

#[test]
fn refuses_components() {
    let component = wat("(component)");
    let e = refuse(&component);
    assert!(e.to_string().contains("component"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = validate_code(&bytes, &CodeLimits::default());
        let mut with_header = b"\0asm\x01\0\0\0".to_vec();
        with_header.extend_from_slice(&bytes);
        let _ = validate_code(&with_header, &CodeLimits::default());
    }

    #[test]
    fn never_panics_on_mutated_contracts(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut wasm = probe();
        for (at, byte) in flips {
            let i = at.index(wasm.len());
            wasm[i] = byte;
        }
        let _ = validate_code(&wasm, &CodeLimits::default());
    }
}

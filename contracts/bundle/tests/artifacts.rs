//! The checked-in system contracts are exactly what their sources build to
//! (`scripts/build-contracts.sh`, run before the tests, writes `target/contracts`).

use bayledger_system_contracts::SystemContract;

#[test]
fn system_contract_artifacts_match_sources() {
    for c in SystemContract::ALL {
        let crate_dir = format!("{}/../system/{}", env!("CARGO_MANIFEST_DIR"), c.crate_name());
        let built = bayledger_vm::testing::built_contract(&crate_dir, c.wasm_name());
        assert!(
            built == bayledger_system_contracts::wasm(c),
            "contracts/bundle/wasm/{}.wasm differs from what {crate_dir} builds to: review the \
             change, then run scripts/build-contracts.sh --update-artifacts (genesis code is \
             consensus-critical)",
            c.wasm_name()
        );
    }
}

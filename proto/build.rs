//! Compiles the node's gRPC services with protox + tonic-prost-build. Protocol
//! messages (`bayledger.types.v1`) are not regenerated: they map onto
//! `bayledger_types::pb`.
use prost::Message as _;

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let files: Vec<String> = ["node_service", "tx_service", "block_service", "state_service", "light_service", "index_service"]
        .iter()
        .map(|f| format!("{root}/bayledger/node/v1/{f}.proto"))
        .collect();
    println!("cargo:rerun-if-changed={root}/bayledger");
    let fds = protox::compile(&files, [root]).expect("node protos must compile");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    // Kept for gRPC reflection.
    std::fs::write(out.join("bayledger_descriptor.bin"), fds.encode_to_vec()).expect("descriptor");
    tonic_prost_build::configure()
        .extern_path(".bayledger.types.v1", "::bayledger_types::pb")
        .compile_fds(fds)
        .expect("tonic codegen");
}

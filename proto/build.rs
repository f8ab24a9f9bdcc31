//! Compiles the node's gRPC services with protox + tonic-prost-build. Protocol
//! messages (`bayledger.types.v1`) are not regenerated: they map onto
//! `bayledger_types::pb`. `pbjson-build` adds the proto3 JSON mapping of every
//! node message (`bayledger.node.v1.serde.rs`), used by the node's REST API.
use prost::Message as _;

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let files: Vec<String> = [
        "node_service",
        "tx_service",
        "block_service",
        "state_service",
        "light_service",
        "index_service",
    ]
    .iter()
    .map(|f| format!("{root}/bayledger/node/v1/{f}.proto"))
    .collect();
    println!("cargo:rerun-if-changed={root}/bayledger");
    let fds = protox::compile(&files, [root]).expect("node protos must compile");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    // Kept for gRPC reflection.
    let descriptors = fds.encode_to_vec();
    std::fs::write(out.join("bayledger_descriptor.bin"), &descriptors).expect("descriptor");
    tonic_prost_build::configure()
        .extern_path(".bayledger.types.v1", "::bayledger_types::pb")
        .compile_fds(fds)
        .expect("tonic codegen");
    pbjson_build::Builder::new()
        .register_descriptors(&descriptors)
        .expect("descriptors")
        .extern_path(".bayledger.types.v1", "::bayledger_types::pb")
        .build(&[".bayledger.node.v1"])
        .expect("pbjson codegen");
}

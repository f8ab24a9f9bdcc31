//! Compiles `proto/bayledger/types/v1/types.proto` with protox (no `protoc` needed),
//! and generates the proto3 JSON mapping of every message (`pbjson-build`:
//! bytes as base64, 64-bit integers as strings, enums by name) into
//! `bayledger.types.v1.serde.rs`.
use prost::Message as _;

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../proto");
    let file = format!("{root}/bayledger/types/v1/types.proto");
    println!("cargo:rerun-if-changed={file}");
    let fds = protox::compile([&file], [root]).expect("types.proto must compile");
    let descriptors = fds.encode_to_vec();
    prost_build::Config::new().compile_fds(fds).expect("prost codegen");
    pbjson_build::Builder::new()
        .register_descriptors(&descriptors)
        .expect("descriptors")
        .build(&[".bayledger.types.v1"])
        .expect("pbjson codegen");
}

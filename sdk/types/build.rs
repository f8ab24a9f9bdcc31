//! Compiles `proto/bayledger/types/v1/types.proto` with protox (no `protoc` needed).
fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../proto");
    let file = format!("{root}/bayledger/types/v1/types.proto");
    println!("cargo:rerun-if-changed={file}");
    let fds = protox::compile([&file], [root]).expect("types.proto must compile");
    prost_build::Config::new().compile_fds(fds).expect("prost codegen");
}

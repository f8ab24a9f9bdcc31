//! Compiles `proto/bayledger/consensus/v1/consensus.proto` with protox (no `protoc`
//! needed); `bayledger.types.v1` messages map to `bayledger_types::pb`.
fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../proto");
    let file = format!("{root}/bayledger/consensus/v1/consensus.proto");
    println!("cargo:rerun-if-changed={file}");
    println!("cargo:rerun-if-changed={root}/bayledger/types/v1/types.proto");
    let fds = protox::compile([&file], [root]).expect("consensus.proto must compile");
    prost_build::Config::new()
        .extern_path(".bayledger.types.v1", "::bayledger_types::pb")
        .compile_fds(fds)
        .expect("prost codegen");
}

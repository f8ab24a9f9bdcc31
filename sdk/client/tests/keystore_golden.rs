//! Known-answer test: a key file written once by this SDK (scrypt n = 2^13,
//! passphrase "golden passphrase") and checked in. Its secret was also
//! recovered independently with Python's `hashlib.scrypt` and an AES-CTR
//! implementation, so the file is standard v3, not only self-consistent.

use bayledger_sdk::keystore::{Keystore, KeystoreError, v3};

const GOLDEN: &str = include_str!("vectors/keystore-v3-golden.json");
const SECRET: &str = "28c9fa7c785024f2b6b585de73982d7e0443d557865aac727a707b662b4e4731";
const ADDRESS: &str = "0x47691b28101565b6c9c904ed8b7aa6db24cd8c18";
const PUBLIC_KEY: &str = "03072649951cf80708ad261618b96ef14d4e3451ae28df4bd8c1bdbeee14ed8254";

fn golden_store() -> (tempfile::TempDir, Keystore) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("golden.json"), GOLDEN).expect("write golden file");
    let ks = Keystore::open(dir.path()).expect("open");
    (dir, ks)
}

#[test]
fn golden_file_decrypts_to_the_known_secret() {
    let (_d, ks) = golden_store();
    let key = ks.load("golden", "golden passphrase").expect("decrypts");
    assert_eq!(hex::encode(&key.to_bytes()[..]), SECRET);
    assert_eq!(key.address().to_string(), ADDRESS);
    assert_eq!(ks.export("golden", "golden passphrase").expect("export").as_str(), SECRET);
    let info = ks.info("golden").expect("info");
    assert_eq!(info.address.to_string(), ADDRESS);
    assert_eq!(
        info.public_key.map(|p| hex::encode(p.to_compressed())).as_deref(),
        Some(PUBLIC_KEY)
    );
    assert!(matches!(ks.load("golden", "Golden passphrase"), Err(KeystoreError::WrongPassphrase)));
}

#[test]
fn golden_crypto_section_decrypts_on_its_own() {
    let file: v3::KeyFile = serde_json::from_str(GOLDEN).expect("parses");
    assert_eq!((file.version, file.name.as_str()), (3, "golden"));
    let secret = v3::decrypt(&file.crypto, "golden passphrase").expect("decrypts");
    assert_eq!(hex::encode(&secret[..]), SECRET);
}

//! Keystore tests. Keys use the lowest scrypt cost to keep the suite fast.

use super::*;

fn store() -> (tempfile::TempDir, Keystore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = Keystore::open(dir.path().join("keys"))
        .expect("open")
        .with_scrypt_log_n(v3::MIN_LOG_N)
        .expect("cost");
    (dir, ks)
}

fn key(n: u8) -> SecretKey {
    SecretKey::from_bytes(&[n; 32]).expect("valid scalar")
}

#[test]
fn create_load_info_list_round_trip() {
    let (_d, ks) = store();
    let k = key(7);
    let info = ks.create("alice", &k, "correct horse").expect("create");
    assert_eq!(info.address, k.address());
    assert_eq!(info.public_key, Some(k.public_key()));
    let loaded = ks.load("alice", "correct horse").expect("load");
    assert_eq!(loaded.to_bytes(), k.to_bytes());
    assert_eq!(ks.info("alice").expect("info"), info);
    ks.create("bob", &key(8), "pw").expect("create bob");
    let names: Vec<String> = ks.list().expect("list").into_iter().map(|i| i.name).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert!(ks.contains("bob") && !ks.contains("carol"));
}

#[test]
fn export_then_import_gives_the_same_key() {
    let (_d, ks) = store();
    let k = key(9);
    ks.create("a", &k, "pw1").expect("create");
    let secret = ks.export("a", "pw1").expect("export");
    assert_eq!(secret.as_str(), hex::encode([9u8; 32]));
    let info = ks.import("b", &format!("  0x{}\n", secret.as_str()), "pw2").expect("import");
    assert_eq!(info.address, k.address());
    assert_eq!(ks.load("b", "pw2").expect("load").address(), k.address());
    assert!(matches!(ks.import("c", "1234", "pw"), Err(KeystoreError::InvalidSecret(_))));
    assert!(matches!(ks.import("c", &"zz".repeat(32), "pw"), Err(KeystoreError::InvalidSecret(_))));
    assert!(matches!(ks.import("c", &"00".repeat(32), "pw"), Err(KeystoreError::InvalidSecret(_))));
    assert!(!ks.contains("c"));
}

#[test]
fn wrong_passphrase_is_a_clear_error() {
    let (_d, ks) = store();
    ks.create("alice", &key(1), "right").expect("create");
    let err = ks.load("alice", "wrong").expect_err("wrong passphrase must fail");
    assert!(matches!(err, KeystoreError::WrongPassphrase));
    assert_eq!(err.to_string(), "wrong passphrase (MAC mismatch)");
    assert!(matches!(ks.export("alice", "wrong"), Err(KeystoreError::WrongPassphrase)));
}

#[test]
fn existing_names_are_never_overwritten() {
    let (_d, ks) = store();
    ks.create("alice", &key(1), "pw").expect("create");
    assert!(
        matches!(ks.create("alice", &key(2), "pw"), Err(KeystoreError::AlreadyExists(n)) if n == "alice")
    );
    assert!(matches!(
        ks.import("alice", &"03".repeat(32), "pw"),
        Err(KeystoreError::AlreadyExists(_))
    ));
    assert_eq!(ks.load("alice", "pw").expect("load").address(), key(1).address());
}

#[test]
fn concurrent_creates_of_one_name_keep_exactly_one_key() {
    let (_d, ks) = store();
    let results: Vec<Result<KeyInfo, KeystoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..=4u8)
            .map(|i| {
                let ks = &ks;
                s.spawn(move || ks.create("race", &key(i), "pw"))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let winners: Vec<&KeyInfo> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .filter(|r| r.is_err())
            .all(|r| matches!(r, Err(KeystoreError::AlreadyExists(_))))
    );
    assert_eq!(ks.load("race", "pw").expect("load").address(), winners[0].address);
}

#[test]
fn names_are_validated() {
    let (_d, ks) = store();
    for bad in ["", "a/b", "../x", ".hidden", "a b", "é", "x.json", &"a".repeat(65)] {
        assert!(
            matches!(ks.create(bad, &key(1), "pw"), Err(KeystoreError::InvalidName(_))),
            "{bad:?}"
        );
        assert!(matches!(ks.load(bad, "pw"), Err(KeystoreError::InvalidName(_))), "{bad:?}");
    }
    for good in ["a", "A-b_9", &"z".repeat(64)] {
        ks.create(good, &key(1), "pw").expect(good);
    }
    assert!(matches!(ks.load("nobody", "pw"), Err(KeystoreError::NotFound { .. })));
}

#[cfg(unix)]
#[test]
fn key_files_are_private_and_no_temp_files_remain() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, ks) = store();
    ks.create("alice", &key(1), "pw").expect("create");
    let mode = fs::metadata(ks.dir().join("alice.json")).expect("stat").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    let dir_mode = fs::metadata(ks.dir()).expect("stat").permissions().mode();
    assert_eq!(dir_mode & 0o077, 0, "dir mode {dir_mode:o}");
    let _ = ks.create("alice", &key(2), "pw");
    let entries: Vec<String> = fs::read_dir(ks.dir())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["alice.json"]);
}

#[test]
fn file_is_standard_v3_with_our_fields() {
    let (_d, ks) = store();
    let k = key(5);
    ks.create("alice", &k, "pw").expect("create");
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(ks.dir().join("alice.json")).expect("read"))
            .expect("json");
    assert_eq!(v["version"], 3);
    assert_eq!(v["name"], "alice");
    assert_eq!(v["address"], k.address().to_string());
    assert_eq!(v["crypto"]["cipher"], "aes-128-ctr");
    assert_eq!(v["crypto"]["kdf"], "scrypt");
    assert_eq!(v["crypto"]["kdfparams"]["n"], 1 << v3::MIN_LOG_N);
    assert_eq!(v["crypto"]["kdfparams"]["r"], 8);
    assert_eq!(v["crypto"]["kdfparams"]["p"], 1);
    assert_eq!(v["crypto"]["kdfparams"]["dklen"], 32);
    assert!(!v.to_string().contains(&hex::encode([5u8; 32])), "plaintext secret in file");
}

#[test]
fn tampered_or_foreign_files_are_refused_and_listing_skips_non_keys() {
    let (_d, ks) = store();
    ks.create("alice", &key(1), "pw").expect("create");
    let path = ks.dir().join("alice.json");
    let mut file: KeyFile = serde_json::from_slice(&fs::read(&path).expect("read")).expect("parse");
    file.address = key(2).address().to_string();
    file.public_key = None;
    fs::write(
        ks.dir().join("mallory.json"),
        serde_json::to_vec(&KeyFile { name: "mallory".into(), ..file }).expect("json"),
    )
    .expect("write");
    assert!(matches!(ks.load("mallory", "pw"), Err(KeystoreError::BadFile { .. })));
    fs::write(ks.dir().join("notes.txt"), "hello").expect("write");
    fs::write(ks.dir().join(".alice.json.tmp-00"), "partial").expect("write");
    let names: Vec<String> = ks.list().expect("list").into_iter().map(|i| i.name).collect();
    assert_eq!(names, ["alice", "mallory"]);
    fs::write(ks.dir().join("broken.json"), "{").expect("write");
    assert!(matches!(ks.list(), Err(KeystoreError::BadFile { .. })));
    assert!(matches!(
        Keystore::open(ks.dir()).expect("open").with_scrypt_log_n(12),
        Err(KeystoreError::InvalidCost(12))
    ));
}

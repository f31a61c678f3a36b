//! Storage roots in S3-compatible object storage, against a real Garage server that each test
//! starts on 127.0.0.1 (a single node with a generated configuration in a temporary folder, a
//! bucket and a key made with Garage's own CLI) and stops afterwards, also when it fails.

use super::util::*;
use editio::archive::storage::{Created, S3Settings, Storage, StorageUrl};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DATE: &str = "2026-11-21T12:00:00Z";
const BUCKET: &str = "editio";
const KEY_ID: &str = "GK0123456789abcdef01234567";
const SECRET: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// A Garage server for one test; dropping it stops the server and removes its data.
struct Garage {
    dir: tempfile::TempDir,
    child: Option<Child>,
    s3_port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Garage {
    /// Starts a server, or `None` (the test skips) when garage is not installed.
    fn start() -> Option<Garage> {
        if !external("garage") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let (rpc, s3, admin) = (free_port(), free_port(), free_port());
        let config = format!(
            "metadata_dir = \"{meta}\"\n\
             data_dir = \"{data}\"\n\
             db_engine = \"sqlite\"\n\
             replication_factor = 1\n\
             rpc_bind_addr = \"127.0.0.1:{rpc}\"\n\
             rpc_public_addr = \"127.0.0.1:{rpc}\"\n\
             rpc_secret = \"{SECRET}\"\n\
             [s3_api]\n\
             s3_region = \"garage\"\n\
             api_bind_addr = \"127.0.0.1:{s3}\"\n\
             root_domain = \".s3.garage.localhost\"\n\
             [admin]\n\
             api_bind_addr = \"127.0.0.1:{admin}\"\n",
            meta = dir.path().join("meta").display(),
            data = dir.path().join("data").display(),
        );
        std::fs::write(dir.path().join("garage.toml"), config).unwrap();
        let log = std::fs::File::create(dir.path().join("garage.log")).unwrap();
        let child = Command::new("garage")
            .arg("-c")
            .arg(dir.path().join("garage.toml"))
            .arg("server")
            .env("RUST_LOG", "garage=warn")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let g = Garage {
            dir,
            child: Some(child),
            s3_port: s3,
        };
        // Ready when the server answers on its RPC port (`status` asks it; `node id` would
        // only read the node's key file).
        let start = Instant::now();
        loop {
            let out = g.cli(&["status"]);
            if out.status.success() {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "garage did not start: {}\n{}",
                String::from_utf8_lossy(&out.stderr),
                std::fs::read_to_string(g.dir.path().join("garage.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        let out = g.cli(&["node", "id", "-q"]);
        assert!(out.status.success(), "garage node id");
        let node = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let id = node.split('@').next().unwrap().to_string();
        g.ok(&["layout", "assign", "-z", "dc1", "-c", "1G", &id]);
        g.ok(&["layout", "apply", "--version", "1"]);
        g.ok(&["bucket", "create", BUCKET]);
        g.ok(&[
            "key",
            "import",
            "--yes",
            "-n",
            "editio-test",
            KEY_ID,
            SECRET,
        ]);
        g.ok(&[
            "bucket", "allow", "--read", "--write", "--owner", BUCKET, "--key", KEY_ID,
        ]);
        // The S3 API answers once the layout is in place.
        let start = Instant::now();
        while g.storage("probe").list("").is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the S3 API did not answer"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Some(g)
    }

    fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new("garage")
            .arg("-c")
            .arg(self.dir.path().join("garage.toml"))
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) {
        let out = self.cli(args);
        assert!(
            out.status.success(),
            "garage {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.s3_port)
    }

    fn settings(&self) -> S3Settings {
        S3Settings {
            endpoint: Some(self.endpoint()),
            region: Some("garage".into()),
            access_key_id: Some(KEY_ID.into()),
            secret_access_key: Some(SECRET.into()),
            ..Default::default()
        }
    }

    /// The objects under `prefix` of the test bucket, through editio's own client.
    fn storage(&self, prefix: &str) -> Arc<dyn Storage> {
        editio::archive::storage::open(
            &StorageUrl::S3 {
                bucket: BUCKET.into(),
                prefix: prefix.into(),
            },
            &self.settings(),
        )
        .unwrap()
    }

    /// The objects under `prefix` of the test bucket as a storage root, with its claims
    /// beside it, through editio's own client.
    fn root_storage(&self, prefix: &str) -> Arc<dyn Storage> {
        editio::archive::storage::open_for_root(
            &StorageUrl::S3 {
                bucket: BUCKET.into(),
                prefix: prefix.into(),
            },
            &self.settings(),
        )
        .unwrap()
    }

    /// `editio` in `dir` with the keys in its environment (as a user would set them).
    fn editio(&self, dir: &Path) -> assert_cmd::Command {
        let mut cmd = editio(dir);
        cmd.env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL");
        cmd
    }

    /// The same as a plain process (to be killed or run at once with another).
    fn process(&self, dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("editio"));
        cmd.current_dir(dir)
            .args(args)
            .env("NO_COLOR", "1")
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The bundled archive without PDFs (as in release.rs), with `[storage]` naming `root` on the
/// server at `endpoint`.
fn archive_on(endpoint: &str, root: &str) -> tempfile::TempDir {
    let tmp = bundled_copy();
    let config = tmp.path().join("editio.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("pdf = true", "pdf = false");
    let text = format!(
        "{text}\n[storage]\nroot = \"{root}\"\nendpoint = \"{endpoint}\"\nregion = \"garage\"\n"
    );
    std::fs::write(&config, text).unwrap();
    tmp
}

fn run(cmd: &mut assert_cmd::Command) -> (Option<i32>, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

const SERGE: &str = "serge-proofs-comrade-executioner";

/// Adds a history entry to an edition's record, so that its next release is a new version.
fn change(dir: &Path, id: &str, what: &str) {
    let record = dir.join("editions").join(id).join("edition.toml");
    let mut text = std::fs::read_to_string(&record).unwrap();
    text.push_str(&format!(
        "\n[[history]]\ndate = \"2026-12-01\"\nchange = \"{what}\"\n"
    ));
    std::fs::write(&record, text).unwrap();
}

/// The finding codes in a verify's output.
fn codes(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"\b([EW]\d{3})\b").unwrap();
    let mut v: Vec<String> = re.captures_iter(text).map(|c| c[1].to_string()).collect();
    v.sort();
    v.dedup();
    v
}

/// What the claim on a storage root is built for: Garage 2.5 does not honour `If-None-Match:
/// *` on PutObject; a create-only put over an existing object succeeds and replaces it. (If a
/// later Garage honours it, this fails, and the README's note on conditional writes is to be
/// updated.) A create-only put of a new object works as a plain put.
#[test]
fn garage_ignores_if_none_match_so_the_last_writer_wins() {
    let Some(g) = Garage::start() else { return };
    let s = g.storage("probe");
    assert_eq!(s.put_new("claim", b"first").unwrap(), Created::Written);
    assert_eq!(s.put_new("claim", b"second").unwrap(), Created::Written);
    assert_eq!(s.get_bytes("claim", 100).unwrap().unwrap(), b"second");
}

/// A large object goes up in parts (8 MiB each) and comes back whole, streamed.
#[test]
fn a_large_object_is_uploaded_in_parts_and_read_back_whole() {
    let Some(g) = Garage::start() else { return };
    let s = g.storage("large");
    let size = 2 * editio::archive::storage::s3::PART_SIZE + 12_345;
    let bytes: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
    assert_eq!(s.put("big.bin", &mut &bytes[..]).unwrap(), size as u64);
    assert_eq!(s.list("").unwrap()[0].size, size as u64);
    let mut back = Vec::new();
    s.get("big.bin")
        .unwrap()
        .unwrap()
        .read_to_end(&mut back)
        .unwrap();
    assert!(back == bytes, "the object read back differs");
}

/// A file that changed after its digests were taken (between the build that rendered it and
/// its upload) is never stored: a small one is not sent, a large one's upload in parts is
/// aborted. The object gets no version, and a commit of the file with its true digests then
/// completes.
#[test]
fn a_file_changed_after_its_digests_were_taken_is_never_stored() {
    use editio::archive::Content;
    use editio::archive::digest::Digests;
    use editio::archive::ocfl::{Commit, StorageRoot, VersionMeta};
    let Some(g) = Garage::start() else { return };
    let storage = g.root_storage("changed");
    let root = StorageRoot::create_or_open_in(storage.clone(), Some(4)).unwrap();
    let id = "urn:editio:test:changed";
    let meta = VersionMeta {
        created: time::macros::datetime!(2026-11-21 10:30:00 UTC),
        message: "Changed".into(),
        user_name: "A. Editor".into(),
        user_address: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let size = editio::archive::storage::s3::PART_SIZE + 1_000;
    let planned_big: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
    let mut now_big = planned_big.clone();
    now_big[size - 1] ^= 1;
    for (name, planned, now) in [
        (
            "small.txt",
            b"as planned\n".to_vec(),
            b"as it is now\n".to_vec(),
        ),
        ("big.bin", planned_big, now_big.clone()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &now).unwrap();
        let digests = Digests::of_bytes(&planned);
        let files = vec![(format!("data/{name}"), Content::Known { path, digests })];
        let err = root.commit(id, &files, &meta).unwrap_err().to_string();
        assert!(
            err.contains("changed after its digests were taken"),
            "{name}: {err}"
        );
        assert_eq!(root.head(id).unwrap(), None, "{name}");
        let stored: Vec<String> = storage
            .list("")
            .unwrap()
            .into_iter()
            .map(|e| e.key)
            .collect();
        assert!(
            !stored.iter().any(|k| k.ends_with(name)),
            "{name} was stored: {stored:?}"
        );
    }
    let path = dir.path().join("big.bin");
    let digests = Digests::of_bytes(&now_big);
    let files = vec![("data/big.bin".to_string(), Content::Known { path, digests })];
    assert!(matches!(
        root.commit(id, &files, &meta).unwrap(),
        Commit::Created { version: 1, .. }
    ));
    assert_eq!(root.head(id).unwrap(), Some(1));
}

#[test]
fn a_release_to_garage_verifies_and_reads_back_and_a_second_version_follows() {
    let Some(g) = Garage::start() else { return };
    let tmp = archive_on(&g.endpoint(), "s3://editio/ocfl");
    let (code, text) = run(g
        .editio(tmp.path())
        .args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(&format!("released {SERGE} v1")), "{text}");
    // Nothing went to the archive's own storage root.
    assert!(!tmp.path().join("export/ocfl").exists());
    let root = g.storage("ocfl");
    assert!(root.exists("0=ocfl_1.1").unwrap());
    let (code, text) = run(g.editio(tmp.path()).args(["verify", "s3://editio/ocfl"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("intact"), "{text}");
    // The whole archive: its deposits are compared with the versions in object storage.
    let (code, text) = run(g.editio(tmp.path()).arg("verify"));
    assert_eq!(code, Some(0), "{text}");
    assert!(!tmp.path().join("export/ocfl").exists());

    change(tmp.path(), SERGE, "A note on the proofs.");
    let (code, text) =
        run(g
            .editio(tmp.path())
            .args(["release", "--all", "--date", "2026-12-01T09:00:00Z"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(&format!("released {SERGE} v2")), "{text}");
    let (code, text) = run(g.editio(tmp.path()).args(["log", SERGE]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("v1") && text.contains("v2"), "{text}");
    let (code, text) = run(g.editio(tmp.path()).args(["diff", SERGE, "v1", "v2"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("edition.toml"), "{text}");
    let (code, text) = run(g.editio(tmp.path()).args(["show", SERGE]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("source.txt"), "{text}");
    let out = g
        .editio(tmp.path())
        .args(["cat", SERGE, "source.txt", "--version", "v1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        out.stdout,
        std::fs::read(tmp.path().join("editions").join(SERGE).join("source.txt")).unwrap()
    );
    let (code, text) = run(g.editio(tmp.path()).args(["verify", SERGE]));
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = run(g.editio(tmp.path()).args(["verify", "s3://editio/ocfl"]));
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn a_changed_a_missing_and_a_stray_object_are_each_found_with_their_code() {
    let Some(g) = Garage::start() else { return };
    let tmp = archive_on(&g.endpoint(), "s3://editio/ocfl");
    let (code, text) = run(g
        .editio(tmp.path())
        .args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(0), "{text}");
    let root = g.storage("ocfl");
    let keys: Vec<String> = root.list("").unwrap().into_iter().map(|e| e.key).collect();
    let source = keys
        .iter()
        .find(|k| k.ends_with("/v1/content/source.txt"))
        .unwrap()
        .clone();
    let record = keys
        .iter()
        .find(|k| k.ends_with("/v1/content/edition.toml"))
        .unwrap()
        .clone();
    let object = source.split("/v1/").next().unwrap().to_string();

    let verify = || run(g.editio(tmp.path()).args(["verify", "s3://editio/ocfl"]));
    // A changed content object: its digest no longer matches the manifest (E092) nor the
    // fixity block (E093).
    let original = root.get_bytes(&source, 1 << 20).unwrap().unwrap();
    let mut changed = original.clone();
    changed[0] ^= 0x20;
    root.put_bytes(&source, &changed).unwrap();
    let (code, text) = verify();
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(codes(&text), ["E092", "E093"], "{text}");
    assert!(
        text.contains(&format!("s3://editio/ocfl/{source}")),
        "{text}"
    );
    root.put_bytes(&source, &original).unwrap();
    assert_eq!(verify().0, Some(0));

    // A missing content object: the manifest (E092) and the fixity blocks (E093) name a file
    // that is not there.
    let kept = root.get_bytes(&record, 1 << 20).unwrap().unwrap();
    root.delete(&record).unwrap();
    let (code, text) = verify();
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(codes(&text), ["E092", "E093"], "{text}");
    assert!(text.contains("does not exist"), "{text}");
    root.put_bytes(&record, &kept).unwrap();
    assert_eq!(verify().0, Some(0));

    // A stray object in the object's content (E023).
    root.put_bytes(&format!("{object}/v1/content/stray.txt"), b"not listed")
        .unwrap();
    let (code, text) = verify();
    assert_eq!(code, Some(1), "{text}");
    assert_eq!(codes(&text), ["E023"], "{text}");

    // A changed root inventory: its sidecar no longer matches (E060).
    root.delete(&format!("{object}/v1/content/stray.txt"))
        .unwrap();
    let inv = format!("{object}/inventory.json");
    let bytes = root.get_bytes(&inv, 1 << 20).unwrap().unwrap();
    root.put_bytes(&inv, &[&bytes[..], b"\n"].concat()).unwrap();
    let (code, text) = verify();
    assert_eq!(code, Some(1), "{text}");
    assert!(codes(&text).contains(&"E060".to_string()), "{text}");
}

/// What a relay does once, when its limit is passed.
type OnLimit = Arc<Mutex<Option<Box<dyn FnOnce() + Send>>>>;

/// A TCP relay between editio and the server that counts the bytes sent to the server, and
/// either calls `at_limit` once when `limit` is passed or, with `cut`, stops relaying there
/// (a server gone).
struct Relay {
    port: u16,
    sent: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Relay {
    fn start(upstream: u16, limit: u64, cut: bool, at_limit: OnLimit) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let sent = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (sent2, stop2) = (sent.clone(), stop.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                if stop2.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (sent3, stop3, at3) = (sent2.clone(), stop2.clone(), at_limit.clone());
                // Client to server, counted.
                std::thread::spawn(move || {
                    let (mut from, mut to) = (client, server);
                    let mut buf = [0u8; 16 * 1024];
                    loop {
                        let n = match from.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        let before = sent3.fetch_add(n as u64, Ordering::SeqCst);
                        if before + n as u64 >= limit {
                            if let Some(f) = at3.lock().unwrap().take() {
                                f();
                            }
                            if cut {
                                stop3.store(true, Ordering::SeqCst);
                            }
                        }
                        if stop3.load(Ordering::SeqCst) || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = from.shutdown(Shutdown::Both);
                    let _ = to.shutdown(Shutdown::Both);
                });
                // Server to client.
                let stop4 = stop2.clone();
                std::thread::spawn(move || {
                    let (mut from, mut to) = (s2, c2);
                    let mut buf = [0u8; 16 * 1024];
                    loop {
                        let n = match from.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        if stop4.load(Ordering::SeqCst) || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = from.shutdown(Shutdown::Both);
                    let _ = to.shutdown(Shutdown::Both);
                });
            }
        });
        Relay { port, sent, stop }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Every object under the root with its bytes.
fn snapshot(s: &dyn Storage) -> std::collections::BTreeMap<String, Vec<u8>> {
    s.list("")
        .unwrap()
        .into_iter()
        .map(|e| {
            let b = s.get_bytes(&e.key, 1 << 30).unwrap().unwrap();
            (e.key, b)
        })
        .collect()
}

#[test]
fn a_release_killed_at_several_moments_loses_nothing_and_the_next_completes() {
    let Some(g) = Garage::start() else { return };
    // v1 of every edition, released directly.
    let tmp = archive_on(&g.endpoint(), "s3://editio/ocfl");
    let (code, text) = run(g
        .editio(tmp.path())
        .args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(0), "{text}");
    change(tmp.path(), SERGE, "A note on the proofs.");
    let root = g.storage("ocfl");
    let before = snapshot(root.as_ref());
    // How many bytes the release of v2 sends, measured through a relay that never cuts.
    let measure = archive_on(&g.endpoint(), "s3://editio/measure");
    let (code, _) = run(g
        .editio(measure.path())
        .args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(0));
    change(measure.path(), SERGE, "A note on the proofs.");
    let relay = Relay::start(g.s3_port, u64::MAX, false, Arc::new(Mutex::new(None)));
    let config = measure.path().join("editio.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace(&g.endpoint(), &format!("http://127.0.0.1:{}", relay.port));
    std::fs::write(&config, text).unwrap();
    let (code, text) =
        run(g
            .editio(measure.path())
            .args(["release", "--all", "--date", "2026-12-01T09:00:00Z"]));
    assert_eq!(code, Some(0), "{text}");
    let total = relay.sent.load(Ordering::SeqCst);
    assert!(total > 10_000, "{total}");
    drop(relay);

    let mut killed_left = 0;
    for fraction in [0.2, 0.5, 0.8, 0.95] {
        let limit = (total as f64 * fraction) as u64;
        let child: Arc<Mutex<Option<Child>>> = Arc::new(Mutex::new(None));
        let killer = child.clone();
        let at: OnLimit = Arc::new(Mutex::new(Some(Box::new(move || {
            if let Some(c) = killer.lock().unwrap().as_mut() {
                let _ = c.kill(); // SIGKILL
            }
        }))));
        let relay = Relay::start(g.s3_port, limit, false, at);
        let killed = archive_on(
            &format!("http://127.0.0.1:{}", relay.port),
            "s3://editio/ocfl",
        );
        change(killed.path(), SERGE, "A note on the proofs.");
        // A killed process cannot remove its scratch folders: they are kept here, and the
        // next command that makes one removes them.
        let scratch = tempfile::tempdir().unwrap();
        let process = g
            .process(
                killed.path(),
                &["release", "--all", "--date", "2026-12-01T09:00:00Z"],
            )
            .env("TMPDIR", scratch.path())
            .spawn()
            .unwrap();
        *child.lock().unwrap() = Some(process);
        let status = loop {
            if let Some(s) = child.lock().unwrap().as_mut().unwrap().try_wait().unwrap() {
                break s;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        drop(relay);
        assert!(
            !status.success(),
            "the release at {fraction} was not killed"
        );
        // What readers see: v1, or a complete v2, never part of one.
        let (code, text) = run(g.editio(tmp.path()).args(["log", SERGE]));
        assert_eq!(code, Some(0), "{text}");
        let after = snapshot(root.as_ref());
        for (key, bytes) in &before {
            if !key.ends_with("inventory.json") && !key.ends_with(".sha512") {
                assert_eq!(after.get(key), Some(bytes), "{key} changed at {fraction}");
            }
        }
        // The next release completes, or cleans up and writes v2 again.
        let (code, text) =
            run(g
                .editio(tmp.path())
                .args(["release", "--all", "--date", "2026-12-01T09:00:00Z"]));
        assert_eq!(code, Some(0), "after a kill at {fraction}: {text}");
        let left = scratch_folders(scratch.path());
        killed_left += left.len();
        let (code, text) = run(g
            .editio(tmp.path())
            .args(["verify", "s3://editio/ocfl"])
            .env("TMPDIR", scratch.path()));
        assert_eq!(code, Some(0), "after a kill at {fraction}: {text}");
        assert_eq!(
            scratch_folders(scratch.path()),
            Vec::<String>::new(),
            "left by the release killed at {fraction}: {left:?}"
        );
        let (_, text) = run(g.editio(tmp.path()).args(["log", SERGE]));
        assert!(text.contains("v2") && !text.contains("v3"), "{text}");
        // Back to v1 only, for the next moment: a new prefix is simpler than undoing v2.
        for (key, _) in snapshot(root.as_ref()) {
            if !before.contains_key(&key) {
                root.delete(&key).unwrap();
            }
        }
        for (key, bytes) in &before {
            root.put_bytes(key, bytes).unwrap();
        }
        assert_eq!(snapshot(root.as_ref()), before);
        let _ = std::fs::remove_file(
            tmp.path()
                .join("export/deposit")
                .join(format!("{SERGE}-v2.zip")),
        );
    }
    assert!(killed_left > 0, "no killed release left a scratch folder");
}

/// The scratch folders of editio's in `dir`.
fn scratch_folders(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("editio-"))
        .collect();
    names.sort();
    names
}

#[test]
fn of_two_releases_at_once_one_writes_each_version_and_nothing_is_lost() {
    let Some(g) = Garage::start() else { return };
    let a = archive_on(&g.endpoint(), "s3://editio/ocfl");
    let b = archive_on(&g.endpoint(), "s3://editio/ocfl");
    let args = ["release", "--all", "--date", DATE];
    let pa = g.process(a.path(), &args).spawn().unwrap();
    let pb = g.process(b.path(), &args).spawn().unwrap();
    let (oa, ob) = (
        pa.wait_with_output().unwrap(),
        pb.wait_with_output().unwrap(),
    );
    let texts = [
        format!("{}{}", stdout(&oa), stderr(&oa)),
        format!("{}{}", stdout(&ob), stderr(&ob)),
    ];
    assert!(
        oa.status.success() || ob.status.success(),
        "neither release finished: {texts:?}"
    );
    for (o, t) in [(&oa, &texts[0]), (&ob, &texts[1])] {
        if !o.status.success() {
            assert_eq!(o.status.code(), Some(2), "{t}");
            assert!(
                t.contains("another release is writing to this storage root"),
                "{t}"
            );
        }
    }
    // Each edition has one version, written once, and the root is intact.
    for id in [SERGE, "conquest-great-terror-blyukher"] {
        let (code, text) = run(g.editio(a.path()).args(["log", id]));
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains("v1") && !text.contains("v2"), "{text}");
    }
    let (code, text) = run(g.editio(a.path()).args(["verify", "s3://editio/ocfl"]));
    assert_eq!(code, Some(0), "{text}");
    // No claim is left behind.
    assert!(g.storage("ocfl.claims").list("").unwrap().is_empty());
}

#[test]
fn a_server_gone_mid_verify_is_an_error_not_a_verdict() {
    let Some(g) = Garage::start() else { return };
    let tmp = archive_on(&g.endpoint(), "s3://editio/ocfl");
    let (code, text) = run(g
        .editio(tmp.path())
        .args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(0), "{text}");
    // How many bytes a whole verification sends, through a relay that never cuts.
    let relay = Relay::start(g.s3_port, u64::MAX, false, Arc::new(Mutex::new(None)));
    let out = g
        .editio(tmp.path())
        .args(["verify", "s3://editio/ocfl"])
        .env(
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", relay.port),
        )
        .env("AWS_REGION", "garage")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let total = relay.sent.load(Ordering::SeqCst);
    drop(relay);
    // Then a relay that stops relaying half way, as a server that went away would.
    let relay = Relay::start(g.s3_port, total / 2, true, Arc::new(Mutex::new(None)));
    let out = g
        .editio(tmp.path())
        .args(["verify", "s3://editio/ocfl"])
        .env(
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", relay.port),
        )
        .env("AWS_REGION", "garage")
        .current_dir(std::env::temp_dir())
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("s3://editio/ocfl"), "{text}");
    assert!(!text.contains("intact"), "a verdict was given: {text}");
}

#[test]
fn a_storage_root_copied_to_garage_and_back_is_valid_and_verified() {
    let Some(g) = Garage::start() else { return };
    // A storage root on disk, made by a release into the archive's own export/ocfl.
    let tmp = bundled_copy();
    let config = tmp.path().join("editio.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("pdf = true", "pdf = false");
    std::fs::write(&config, text).unwrap();
    let (code, text) = run(editio(tmp.path()).args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(0), "{text}");
    let disk = tmp.path().join("export/ocfl");
    let back = tmp.path().join("back");
    let endpoint = g.endpoint();
    let copy = |from: &str, to: &str| {
        run(g.editio(tmp.path()).args([
            "storage",
            "copy",
            from,
            to,
            "--endpoint",
            &endpoint,
            "--region",
            "garage",
        ]))
    };
    let (code, text) = copy(disk.to_str().unwrap(), "s3://editio/copy");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("identical"), "{text}");
    // Into a prefix that holds something: refused, and the command could not run.
    let (code, text) = copy(disk.to_str().unwrap(), "s3://editio/copy");
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("not empty"), "{text}");
    let (code, text) = copy("s3://editio/copy", back.to_str().unwrap());
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(tree(&disk), tree(&back));
    let (code, text) = run(editio(tmp.path()).arg("verify").arg(&back));
    assert_eq!(code, Some(0), "{text}");
    if external("ocfl-validate.py") {
        let out = Command::new("ocfl-validate.py")
            .arg(&back)
            .output()
            .unwrap();
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            out.status.success() && !text.contains("[E") && !text.contains("ERROR"),
            "{text}"
        );
    }
}

/// A bucket that does not exist, a key the server refuses (unknown, or without rights on the
/// bucket, or a wrong secret), and an endpoint where nothing listens: each stops the command
/// with exit 2 and an error that names the bucket or the endpoint and says what to do.
#[test]
fn a_missing_bucket_refused_keys_and_no_server_are_each_a_clear_error() {
    let Some(g) = Garage::start() else { return };
    let tmp = archive_on(&g.endpoint(), "s3://editio/ocfl");
    let (code, text) = run(g
        .editio(tmp.path())
        .args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(0), "{text}");

    // A bucket that does not exist: verify, and a release to it.
    let (code, text) = run(g
        .editio(tmp.path())
        .args(["verify", "s3://no-such-bucket/ocfl"]));
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("the bucket 'no-such-bucket' does not exist")
            && text.contains(&g.endpoint())
            && text.contains("garage bucket create no-such-bucket"),
        "{text}"
    );
    let elsewhere = archive_on(&g.endpoint(), "s3://no-such-bucket/ocfl");
    let (code, text) = run(g
        .editio(elsewhere.path())
        .args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("the bucket 'no-such-bucket' does not exist"),
        "{text}"
    );

    // A key the server does not know, and the right key with a wrong secret.
    let refused = |id: &str, secret: &str, args: &[&str]| {
        run(g
            .editio(tmp.path())
            .env("AWS_ACCESS_KEY_ID", id)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .args(args))
    };
    let unknown = "GK00000000000000000000ffff";
    let (code, text) = refused(unknown, SECRET, &["verify", "s3://editio/ocfl"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains(&format!("refused the request of key {unknown}"))
            && text.contains("AWS_ACCESS_KEY_ID")
            && text.contains("'editio'"),
        "{text}"
    );
    let wrong = SECRET.replace('0', "1");
    let (code, text) = refused(KEY_ID, &wrong, &["verify", "s3://editio/ocfl"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("refused the request"), "{text}");
    // A key the server knows, without rights on the bucket; then one that may only read it,
    // which verifies but cannot release.
    let other = "GK00000000000000000000aaaa";
    let other_secret = "aa112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    g.ok(&["key", "import", "--yes", "-n", "other", other, other_secret]);
    let (code, text) = refused(other, other_secret, &["verify", "s3://editio/ocfl"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains(&format!("refused the request of key {other}"))
            && text.contains("may read and write the bucket 'editio'"),
        "{text}"
    );
    g.ok(&["bucket", "allow", "--read", "editio", "--key", other]);
    let (code, text) = refused(other, other_secret, &["verify", "s3://editio/ocfl"]);
    assert_eq!(code, Some(0), "{text}");
    change(tmp.path(), SERGE, "A note on the proofs.");
    let (code, text) = refused(other, other_secret, &["release", "--all", "--date", DATE]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains(&format!("refused the request of key {other}")),
        "{text}"
    );

    // An endpoint with nothing listening (a port just freed).
    let nobody = format!("http://127.0.0.1:{}", free_port());
    let (code, text) = run(g
        .editio(tmp.path())
        .args(["verify", "s3://editio/ocfl"])
        .env("AWS_ENDPOINT_URL", &nobody)
        .env("AWS_REGION", "garage")
        .current_dir(std::env::temp_dir()));
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains(&format!("nothing answers at {nobody}")) && text.contains("endpoint"),
        "{text}"
    );
    let gone = archive_on(&nobody, "s3://editio/ocfl");
    let (code, text) = run(g
        .editio(gone.path())
        .args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains(&format!("nothing answers at {nobody}")),
        "{text}"
    );
}

/// With `[storage] deposits`, a copy of every deposit zip goes to that prefix; `verify` reads
/// them there, one by one or the whole prefix, and finds a damaged one.
#[test]
fn deposit_zips_go_to_a_second_prefix_and_verify_there() {
    let Some(g) = Garage::start() else { return };
    let tmp = archive_on(&g.endpoint(), "s3://editio/ocfl");
    let config = tmp.path().join("editio.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "region = \"garage\"\n",
            "region = \"garage\"\ndeposits = \"s3://editio/deposit\"\n",
        ),
    )
    .unwrap();
    let (code, text) = run(g
        .editio(tmp.path())
        .args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(0), "{text}");
    let deposits = g.storage("deposit");
    let keys: Vec<String> = deposits
        .list("")
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect();
    let local: Vec<String> = std::fs::read_dir(tmp.path().join("export/deposit"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip"))
        .collect();
    assert!(keys.contains(&format!("{SERGE}-v1.zip")), "{keys:?}");
    let mut sorted = local.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Byte for byte the deposits written beside the archive.
    for k in &keys {
        assert_eq!(
            deposits.get_bytes(k, 1 << 30).unwrap().unwrap(),
            std::fs::read(tmp.path().join("export/deposit").join(k)).unwrap(),
            "{k}"
        );
    }
    let one = format!("s3://editio/deposit/{SERGE}-v1.zip");
    let (code, text) = run(g.editio(tmp.path()).args(["verify", &one]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(&format!("ok    {one}")), "{text}");
    let (code, text) = run(g.editio(tmp.path()).args(["verify", "s3://editio/deposit"]));
    assert_eq!(code, Some(0), "{text}");
    for k in &keys {
        assert!(text.contains(&format!("s3://editio/deposit/{k}")), "{text}");
    }
    // A damaged copy: one byte of the payload changed (the zip stores it uncompressed or
    // not, either way its CRC or its digest no longer holds).
    let key = format!("{SERGE}-v1.zip");
    let mut bytes = deposits.get_bytes(&key, 1 << 30).unwrap().unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x55;
    deposits.put_bytes(&key, &bytes).unwrap();
    let (code, text) = run(g.editio(tmp.path()).args(["verify", &one]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&one), "{text}");
    // A zip that is not there.
    let (code, text) = run(g
        .editio(tmp.path())
        .args(["verify", "s3://editio/deposit/absent-v1.zip"]));
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("no such object"), "{text}");
}

/// The keys from a profile of the credentials file that AWS_SHARED_CREDENTIALS_FILE names
/// (as every AWS tool reads it), chosen by AWS_PROFILE; a profile that is not there is a
/// clear error.
#[test]
fn credentials_come_from_the_profile_aws_profile_names() {
    let Some(g) = Garage::start() else { return };
    let tmp = archive_on(&g.endpoint(), "s3://editio/ocfl");
    let creds = tmp.path().join("credentials");
    std::fs::write(
        &creds,
        format!(
            "# keys for editio\n[default]\naws_access_key_id = GK00000000000000000000ffff\n\
             aws_secret_access_key = {SECRET}\n\n[editions]\naws_access_key_id = {KEY_ID}\n\
             aws_secret_access_key = {SECRET}\n"
        ),
    )
    .unwrap();
    let with_profile = |profile: &str| {
        let mut cmd = editio(tmp.path());
        cmd.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_ENDPOINT_URL")
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .env("HOME", tmp.path().join("no-home"))
            .env("AWS_PROFILE", profile);
        cmd
    };
    let (code, text) = run(with_profile("editions").args(["release", "--all", "--date", DATE]));
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = run(with_profile("editions").args(["verify", "s3://editio/ocfl"]));
    assert_eq!(code, Some(0), "{text}");
    // The default profile holds a key the server does not know: refused, not read past.
    let (code, text) = run(with_profile("default").args(["verify", "s3://editio/ocfl"]));
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("GK00000000000000000000ffff"), "{text}");
    let (code, text) = run(with_profile("absent").args(["verify", "s3://editio/ocfl"]));
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains(&creds.display().to_string()) && text.contains("[absent]"),
        "{text}"
    );
}

/// A folder and object storage run the same OCFL writer: the same commits through
/// `LocalStorage` (a staging area and renames) and through Garage (puts one by one) give the
/// same keys with the same bytes, a new object and a version after it, and each completes an
/// interrupted commit the same way.
#[test]
fn a_folder_and_object_storage_get_the_same_keys_and_bytes_from_one_writer() {
    use editio::archive::Content;
    use editio::archive::ocfl::{Commit, Recovery, StorageRoot, VersionMeta};
    use editio::archive::storage::local::LocalStorage;
    let Some(g) = Garage::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let local: Arc<dyn Storage> = Arc::new(LocalStorage::new(&dir.path().join("ocfl")));
    let remote = g.root_storage("same");
    let id = "urn:editio:test:same";
    let meta = |message: &str| VersionMeta {
        created: time::macros::datetime!(2026-11-21 10:30:00 UTC),
        message: message.into(),
        user_name: "A. Editor".into(),
        user_address: Some("mailto:editor@example.org".into()),
    };
    let v1 = vec![
        (
            "source.txt".to_string(),
            Content::Bytes(b"Received.\n".to_vec()),
        ),
        (
            "tei/edition.xml".to_string(),
            Content::Bytes(b"<TEI/>\n".to_vec()),
        ),
        (
            "html/index.html".to_string(),
            Content::Bytes(b"<html/>\n".to_vec()),
        ),
    ];
    let mut v2 = v1.clone();
    v2[1].1 = Content::Bytes(b"<TEI>corrected</TEI>\n".to_vec());
    v2.push((
        "html/copy.html".to_string(),
        Content::Bytes(b"<html/>\n".to_vec()),
    ));
    let mut v3 = v2.clone();
    v3.push((
        "notes.txt".to_string(),
        Content::Bytes(b"A note.\n".to_vec()),
    ));
    for storage in [&local, &remote] {
        let root = StorageRoot::create_or_open_in(storage.clone(), Some(4)).unwrap();
        assert!(matches!(
            root.commit(id, &v1, &meta("First")).unwrap(),
            Commit::Created { version: 1, .. }
        ));
        assert!(matches!(
            root.commit(id, &v2, &meta("Second")).unwrap(),
            Commit::Created {
                version: 2,
                new_files: 1,
                reused: 3
            }
        ));
        // Interrupted after the version is in place, before the commit point.
        assert!(
            root.commit_with_fault(id, &v3, &meta("Third"), Some(2))
                .is_err()
        );
        assert_eq!(root.head(id).unwrap(), Some(2));
        assert_eq!(
            root.recover(id).unwrap(),
            Recovery::Completed { version: 3 }
        );
        assert_eq!(root.head(id).unwrap(), Some(3));
    }
    let (on_disk, in_bucket) = (snapshot(local.as_ref()), snapshot(remote.as_ref()));
    assert!(on_disk.keys().any(|k| k.ends_with("/v3/content/notes.txt")));
    assert_eq!(
        on_disk.keys().collect::<Vec<_>>(),
        in_bucket.keys().collect::<Vec<_>>()
    );
    assert!(on_disk == in_bucket, "the same keys hold different bytes");
    // Nothing but the storage root was left beside the folder.
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["ocfl"]);
    // The claim on the bucket's root lasts as long as its storage.
    assert!(!g.storage("same.claims").list("").unwrap().is_empty());
    drop(remote);
    assert!(g.storage("same.claims").list("").unwrap().is_empty());
}

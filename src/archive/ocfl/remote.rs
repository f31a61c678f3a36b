//! The OCFL writer and reader for a storage root in object storage (or any [`Storage`]),
//! where there is no rename. The rules of the version (which files are new content, the
//! inventory's bytes) are the disk writer's own ([`super::store`]); only how the bytes are put
//! in place differs.
//!
//! A commit writes, in this order: the new content files, the version's `inventory.json` and
//! its sidecar, (for a new object) `0=ocfl_object_1.1`, then the object's root
//! `inventory.json` — the single commit point: readers see the new version once it is
//! written — and the root sidecar last. A release killed before the commit point leaves the
//! previous version as it was and the new version's files beside it, unlisted; the next commit
//! removes them (or, when the version's inventory and every content file are there, completes
//! the commit). One killed between the root inventory and its sidecar is completed the same way.
//!
//! Two releases at once are kept apart by a claim on the storage root, as the disk writer's
//! lock does on disk: a small object under the prefix `<root>.claims` beside the root, taken
//! by a process's first commit and removed when it is done. The first writer gets it; the
//! second gets [`Error::Busy`] and writes nothing. The claim is looked for, written with a
//! create-only request (`If-None-Match: *`), left to settle for half a second and read back.
//! Where the server honours `If-None-Match` (Amazon S3, MinIO, Ceph), the create-only request
//! alone decides. Where it does not (Garage 2.5 ignores it and replaces the object, see the
//! tests), the look and the read back decide: two releases both proceed only if one's claim
//! lands between the other's look and its write, and the other's read back comes before
//! it, a window of one request's time. A claim left by a killed release on the same machine
//! (its process is gone) or older than [`CLAIM_LEASE`] is broken by the next release.

use super::digest::Algorithm;
use super::json::{self, Json};
use super::layout::Layout;
use super::store::{
    Existing, Planned, check_commit, existing_from_bytes, input_digests, layout_extension,
    layout_of, plan_version, root_files, version_content, version_infos,
};
use super::{Commit, Content, Recovery, VersionInfo, VersionMeta};
use super::{MAX_INVENTORY_BYTES, OBJECT_DECLARATION, ROOT_DECLARATION};
use crate::archive::digest::Digests;
use crate::archive::storage::{Created, Entry, Storage};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::progress::{OnProgress, Progress, Unit};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The claim's key under the claims prefix.
const CLAIM_KEY: &str = "storage-root.claim";
/// How long a new claim is left to settle before it is read back.
const CLAIM_SETTLE: std::time::Duration = std::time::Duration::from_millis(500);

/// How long a claim on the storage root is honoured when its process cannot be checked (another
/// machine): an hour, far longer than any one commit takes.
pub const CLAIM_LEASE: u64 = 3600;

/// A storage root in object storage.
#[derive(Debug)]
pub struct RemoteRoot {
    storage: Arc<dyn Storage>,
    claims: Arc<dyn Storage>,
    layout: Layout,
    /// Where content read back for deposits is kept while this root is open.
    cache: tempfile::TempDir,
    /// Requests at once for transfers.
    pool: Arc<rayon::ThreadPool>,
    /// The claim on the storage root, taken by the first commit and held until this root is
    /// dropped.
    claim: std::sync::Mutex<Option<Claim>>,
}

impl RemoteRoot {
    /// Opens the storage root in `storage`, or creates one there if it holds nothing.
    /// `claims` is where commits claim objects (a prefix beside the root, not inside it).
    pub fn create_or_open(
        storage: Arc<dyn Storage>,
        claims: Arc<dyn Storage>,
        parallel: usize,
    ) -> Result<RemoteRoot> {
        if !storage.exists(ROOT_DECLARATION)? {
            let files = root_files(&Layout::editio_default());
            let entries = storage.list("")?;
            // Another release may be creating the same root at this moment: its declaration
            // written since the check above, or only the root's own files so far (which this
            // release writes too, byte for byte the same).
            let creating = entries
                .iter()
                .all(|e| files.iter().any(|(key, _)| *key == e.key));
            if !entries.is_empty() && storage.exists(ROOT_DECLARATION)? {
                return Self::open(storage, claims, parallel);
            }
            if let (false, Some(first)) = (creating, entries.first()) {
                return Err(Error::NotAStorageRoot {
                    location: storage.location(""),
                    problem: format!(
                        "is not empty ({} holds something) and is not an OCFL 1.1 storage root \
                         (no 0=ocfl_1.1); choose an empty or new prefix",
                        first.key
                    ),
                });
            }
            // The declaration last: a root interrupted before it is still empty of one.
            for (key, bytes) in files {
                storage.put_bytes(&key, &bytes)?;
            }
        }
        Self::open(storage, claims, parallel)
    }

    /// Opens the storage root in `storage` if there is one (it has `0=ocfl_1.1`).
    pub fn open_existing(
        storage: Arc<dyn Storage>,
        claims: Arc<dyn Storage>,
        parallel: usize,
    ) -> Result<Option<RemoteRoot>> {
        if storage.exists(ROOT_DECLARATION)? {
            Self::open(storage, claims, parallel).map(Some)
        } else {
            Ok(None)
        }
    }

    fn open(
        storage: Arc<dyn Storage>,
        claims: Arc<dyn Storage>,
        parallel: usize,
    ) -> Result<RemoteRoot> {
        let read = |key: &str| -> Result<Option<Json>> {
            match storage.get_bytes(key, MAX_INVENTORY_BYTES)? {
                Some(bytes) => json::parse(&bytes).map(Some).map_err(|e| Error::Damaged {
                    location: storage.location(key),
                    problem: e.to_string(),
                }),
                None => Ok(None),
            }
        };
        let layout_json = read("ocfl_layout.json")?.ok_or_else(|| Error::Damaged {
            location: storage.location("ocfl_layout.json"),
            problem: "is missing; editio writes only to roots that name their layout".into(),
        })?;
        let ext = layout_extension(&layout_json)
            .unwrap_or_default()
            .to_owned();
        let config_key = format!("extensions/{ext}/config.json");
        let config = if ext.is_empty() {
            None
        } else {
            read(&config_key)?
        };
        let layout = layout_of(
            &layout_json,
            Path::new(&storage.location("ocfl_layout.json")),
            config.as_ref(),
            Path::new(&storage.location(&config_key)),
        )?;
        let cache = tempfile::Builder::new()
            .prefix("editio-read-")
            .tempdir()
            .map_err(Error::io(std::env::temp_dir()))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(parallel.clamp(1, 64))
            .thread_name(|i| format!("editio-transfer-{i}"))
            .build()
            .map_err(|e| Error::Storage {
                location: storage.location(""),
                message: format!("cannot start transfer threads: {e}"),
            })?;
        Ok(RemoteRoot {
            storage,
            claims,
            layout,
            cache,
            pool: Arc::new(pool),
            claim: std::sync::Mutex::new(None),
        })
    }

    /// The storage the root is in.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// The storage root's location (`s3://bucket/prefix`).
    pub fn location(&self) -> String {
        self.storage.location("")
    }

    /// The key prefix of the object `id` (whether or not it exists yet), without a slash.
    pub fn object_key(&self, id: &str) -> String {
        slash(&self.layout.object_path(id))
    }

    fn read_existing(&self, id: &str) -> Result<Option<Existing>> {
        let obj = self.object_key(id);
        let inv_key = format!("{obj}/inventory.json");
        let Some(bytes) = self.storage.get_bytes(&inv_key, MAX_INVENTORY_BYTES)? else {
            return Ok(None);
        };
        existing_from_bytes(Path::new(&self.storage.location(&inv_key)), &bytes, id).map(Some)
    }

    /// The object's head version number, or `None` if there is no such object.
    pub fn head(&self, id: &str) -> Result<Option<u32>> {
        Ok(self.read_existing(id)?.map(|e| e.head.number))
    }

    /// The object's versions as its root inventory records them, oldest first; empty when the
    /// object does not exist (or its first version was never committed).
    pub fn versions(&self, id: &str) -> Result<Vec<VersionInfo>> {
        Ok(self
            .read_existing(id)?
            .map(|e| version_infos(&e))
            .unwrap_or_default())
    }

    /// The files of version `number`: each logical path with a local copy of its bytes (read
    /// from the store once, kept while this root is open), sorted by logical path.
    pub fn version_files(&self, id: &str, number: u32) -> Result<Vec<(String, PathBuf)>> {
        let obj = self.object_key(id);
        let existing = self.read_existing(id)?.ok_or_else(|| Error::Damaged {
            location: self.storage.location(&obj),
            problem: "has no object".into(),
        })?;
        let files = version_content(&existing, number, &self.storage.location(&obj))?;
        let base = self.cache.path().join(&obj);
        self.pool.install(|| {
            files
                .par_iter()
                .map(|(logical, content)| {
                    let local = base.join(content);
                    if !local.exists() {
                        self.download(&format!("{obj}/{content}"), &local)?;
                    }
                    Ok((logical.clone(), local))
                })
                .collect()
        })
    }

    /// The bytes of one stored object, streamed into `local`.
    fn download(&self, key: &str, local: &Path) -> Result<u64> {
        download(self.storage.as_ref(), key, local)
    }

    /// Records `files` as the object's next version (see the module's notes for the order of
    /// writes). Writes nothing and returns [`Commit::Unchanged`] when the files are the head
    /// version's state already. Completes or cleans up an interrupted commit first.
    pub fn commit(
        &self,
        id: &str,
        files: &[(String, Content)],
        meta: &VersionMeta,
    ) -> Result<Commit> {
        let obj = self.object_key(id);
        let created = check_commit(Path::new(&self.storage.location(&obj)), id, files, meta)?;
        self.hold_claim()?;
        self.recover_claimed(id)?;
        let existing = self.read_existing(id)?;

        let digests = input_digests(files)?;
        let Planned {
            version_name,
            number,
            new,
            new_files,
            reused,
            unchanged,
            inv_bytes,
            sidecar,
            sidecar_name,
        } = plan_version(
            &self.storage.location(&obj),
            id,
            existing.as_ref(),
            files,
            &digests,
            &created,
            meta,
        )?;
        if let Some(version) = unchanged {
            return Ok(Commit::Unchanged { version });
        }

        // 1. The new content, several files at once.
        self.upload_new(&format!("{obj}/{version_name}"), files, &digests, &new)?;
        // 2. The version's own inventory and sidecar.
        self.storage
            .put_bytes(&format!("{obj}/{version_name}/inventory.json"), &inv_bytes)?;
        self.storage.put_bytes(
            &format!("{obj}/{version_name}/{sidecar_name}"),
            sidecar.as_bytes(),
        )?;
        // 3. A new object's declaration.
        if existing.is_none() {
            self.storage
                .put_bytes(&format!("{obj}/{OBJECT_DECLARATION}"), b"ocfl_object_1.1\n")?;
        }
        // 4. The commit point, then the root sidecar.
        self.storage
            .put_bytes(&format!("{obj}/inventory.json"), &inv_bytes)?;
        self.storage
            .put_bytes(&format!("{obj}/{sidecar_name}"), sidecar.as_bytes())?;
        Ok(Commit::Created {
            version: number,
            new_files,
            reused,
        })
    }

    /// Uploads the new content of a version, several files at once: input `i` goes to
    /// `version_key/content_path`, streamed from where it is (in parts when large), each file
    /// read once, and its digests checked as it goes: an input whose bytes are not the ones
    /// planned fails before its upload completes (a single request is not sent; an upload in
    /// parts is aborted).
    fn upload_new(
        &self,
        version_key: &str,
        files: &[(String, Content)],
        digests: &[Digests],
        new: &[(usize, String)],
    ) -> Result<()> {
        self.pool.install(|| {
            new.par_iter().try_for_each(|(i, content_path)| {
                let key = format!("{version_key}/{content_path}");
                let (Some((_, content)), Some(expected)) = (files.get(*i), digests.get(*i)) else {
                    return Err(self
                        .storage
                        .error(&key, "has no input (a planning error)".into()));
                };
                let mut reader = content.checked_reader(expected)?;
                self.storage.put(&key, &mut reader).map(|_| ())
            })
        })
    }

    /// Completes or cleans up a commit that was interrupted (see the module's notes).
    pub fn recover(&self, id: &str) -> Result<Recovery> {
        self.hold_claim()?;
        self.recover_claimed(id)
    }

    /// Takes the claim on the storage root unless this root holds it already.
    fn hold_claim(&self) -> Result<()> {
        let mut held = self.claim.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_none() {
            *held = Some(self.claim()?);
        }
        Ok(())
    }

    fn recover_claimed(&self, id: &str) -> Result<Recovery> {
        let obj = self.object_key(id);
        let prefix = format!("{obj}/");
        let keys: Vec<String> = self
            .storage
            .list(&prefix)?
            .into_iter()
            .map(|e| e.key)
            .collect();
        if keys.is_empty() {
            return Ok(Recovery::Nothing);
        }
        let Some(existing) = self.read_existing(id)? else {
            // No root inventory: a first version that never reached its commit point.
            self.delete_all(&keys)?;
            return Ok(Recovery::Nothing);
        };
        let alg = existing.algorithm;
        let head = existing.head.number;
        let sidecar_name = format!("inventory.json.{}", alg.name());
        // Files of versions after the head: an interrupted commit's.
        let later: Vec<&String> = keys
            .iter()
            .filter(|k| {
                k[prefix.len()..]
                    .split('/')
                    .next()
                    .and_then(super::inventory::VersionName::parse)
                    .is_some_and(|v| v.number > head)
            })
            .collect();
        if !later.is_empty() {
            if let Some(next) = existing.head.with_number(head + 1)
                && let Some(done) = self.complete_version(&existing, &obj, &next, id, &keys)?
            {
                self.storage
                    .put_bytes(&format!("{obj}/inventory.json"), &done)?;
                self.storage.put_bytes(
                    &format!("{obj}/{sidecar_name}"),
                    &super::store::vbytes_sidecar(alg, &done),
                )?;
                return Ok(Recovery::Completed { version: head + 1 });
            }
            let later: Vec<String> = later.into_iter().cloned().collect();
            self.delete_all(&later)?;
            return Ok(Recovery::Nothing);
        }
        // The root inventory written but not its sidecar.
        let inv_key = format!("{obj}/inventory.json");
        let bytes = self
            .storage
            .get_bytes(&inv_key, MAX_INVENTORY_BYTES)?
            .unwrap_or_default();
        let sidecar = self
            .storage
            .get_bytes(&format!("{obj}/{sidecar_name}"), 64 * 1024)?
            .unwrap_or_default();
        if !super::store::sidecar_text_matches(&sidecar, alg, &bytes) {
            let head_name = existing.head.with_number(head).unwrap_or_default();
            let vinv = self.storage.get_bytes(
                &format!("{obj}/{head_name}/inventory.json"),
                MAX_INVENTORY_BYTES,
            )?;
            if vinv.as_deref() != Some(bytes.as_slice()) {
                return Err(Error::Damaged {
                    location: self.storage.location(&format!("{obj}/{sidecar_name}")),
                    problem: "does not match inventory.json, and this is not an interrupted \
                              commit; run editio verify"
                        .into(),
                });
            }
            self.storage.put_bytes(
                &format!("{obj}/{sidecar_name}"),
                &super::store::vbytes_sidecar(alg, &bytes),
            )?;
            return Ok(Recovery::Completed { version: head });
        }
        Ok(Recovery::Nothing)
    }

    /// The inventory of version `name` when it is complete (its inventory and sidecar agree,
    /// it extends the head's history, and every content file it adds is stored).
    fn complete_version(
        &self,
        existing: &Existing,
        obj: &str,
        name: &str,
        id: &str,
        keys: &[String],
    ) -> Result<Option<Vec<u8>>> {
        let alg = existing.algorithm;
        let inv_key = format!("{obj}/{name}/inventory.json");
        let Some(vbytes) = self.storage.get_bytes(&inv_key, MAX_INVENTORY_BYTES)? else {
            return Ok(None);
        };
        let sidecar = self
            .storage
            .get_bytes(
                &format!("{obj}/{name}/inventory.json.{}", alg.name()),
                64 * 1024,
            )?
            .unwrap_or_default();
        if !super::store::sidecar_text_matches(&sidecar, alg, &vbytes) {
            return Ok(None);
        }
        let Ok(vinv) = existing_from_bytes(Path::new(&inv_key), &vbytes, id) else {
            return Ok(None);
        };
        let extends = vinv.inv.head.as_deref() == Some(name)
            && vinv.algorithm == alg
            && existing.inv.versions.iter().all(|v| {
                vinv.inv
                    .version(&v.name)
                    .is_some_and(|w| w.raw.sorted() == v.raw.sorted())
            });
        let stored: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
        let all_there = vinv.inv.manifest.iter().flat_map(|(_, ps)| ps).all(|p| {
            !p.starts_with(&format!("{name}/")) || stored.contains(format!("{obj}/{p}").as_str())
        });
        Ok((extends && all_there).then_some(vbytes))
    }

    fn delete_all(&self, keys: &[String]) -> Result<()> {
        self.pool
            .install(|| keys.par_iter().try_for_each(|k| self.storage.delete(k)))
    }

    /// Claims the storage root for this process's commits (see the module's notes).
    fn claim(&self) -> Result<Claim> {
        let key = CLAIM_KEY.to_owned();
        let me = ClaimText::mine();
        for _ in 0..2 {
            // Look first: on a server that ignores If-None-Match, the put below would replace
            // another writer's claim.
            if let Some(held) = self.claims.get_bytes(&key, 4096)? {
                if ClaimText::parse(&held).is_some_and(|c| c.is_stale()) {
                    self.claims.delete(&key)?;
                    continue;
                }
                return Err(self.busy(&key, &held));
            }
            match self.claims.put_new(&key, me.text().as_bytes())? {
                Created::Written => {
                    // Where the put was not conditional, the last writer wins: wait longer
                    // than a request takes, then read back whose claim stands.
                    std::thread::sleep(CLAIM_SETTLE);
                    let back = self.claims.get_bytes(&key, 4096)?.unwrap_or_default();
                    if back != me.text().as_bytes() {
                        return Err(self.busy(&key, &back));
                    }
                    return Ok(Claim {
                        storage: self.claims.clone(),
                        key,
                    });
                }
                Created::Exists => {
                    let held = self.claims.get_bytes(&key, 4096)?.unwrap_or_default();
                    return Err(self.busy(&key, &held));
                }
            }
        }
        Err(self.busy(&key, b""))
    }

    fn busy(&self, key: &str, held: &[u8]) -> Error {
        let who = ClaimText::parse(held)
            .map(|c| {
                format!(
                    " (process {} on {}, since {})",
                    c.pid,
                    c.host,
                    time::OffsetDateTime::from_unix_timestamp(c.since as i64)
                        .ok()
                        .and_then(|t| t
                            .format(&time::format_description::well_known::Rfc3339)
                            .ok())
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default();
        Error::Busy {
            location: self.claims.location(key),
            message: format!(
                "another release is writing to this storage root now{who}; this one wrote \
                 nothing more. Run the release again when it has finished. A claim left by a \
                 release that was stopped on another machine lapses after {} minutes, or \
                 remove it by hand",
                CLAIM_LEASE / 60
            ),
        }
    }

    /// Checks every object of the root as `editio verify` does on disk, with the same codes,
    /// and the locations in the findings are the objects' own (`s3://...`). The content
    /// files are never written anywhere: each is streamed from the store and digested as its
    /// bytes arrive, several at once, with memory flat in its size. What the checks read as
    /// files (the inventories, their sidecars, the declarations and the layout, a few KB per
    /// object) is read first into a temporary folder, where each content file is an empty
    /// stand-in, so that the checks of the disk run unchanged. A request that fails is an
    /// error, never a finding. `progress` is told the number of objects to read, then each
    /// one read.
    pub fn validate(
        &self,
        object: Option<&str>,
        fast: bool,
        progress: OnProgress,
    ) -> Result<Vec<Diagnostic>> {
        let prefix = object.map(|id| format!("{}/", self.object_key(id)));
        let entries = self.storage.list(prefix.as_deref().unwrap_or(""))?;
        if object.is_some() && entries.is_empty() {
            return Err(Error::Damaged {
                location: self.storage.location(prefix.as_deref().unwrap_or("")),
                problem: "holds no object".into(),
            });
        }
        progress(Progress::Phase {
            name: "reading objects",
            total: entries.len() as u64,
            unit: Unit::Steps,
        });
        let mirror = tempfile::Builder::new()
            .prefix("editio-verify-")
            .tempdir()
            .map_err(Error::io(std::env::temp_dir()))?;
        let (content, small) = split_content(&entries);
        let stand_ins = stand_ins(mirror.path(), &content)?;
        // The first request that failed while streaming: it stops the verification.
        let failed: std::sync::Mutex<Option<Error>> = std::sync::Mutex::new(None);
        let digests = |local: &Path, algorithms: &[Algorithm]| {
            let key = *stand_ins.get(local)?;
            let outcome = self.stream_digests(key, algorithms);
            progress(Progress::Done(1));
            Some(outcome.map_err(|e| {
                let text = e.to_string();
                let mut first = failed.lock().unwrap_or_else(|p| p.into_inner());
                first.get_or_insert(e);
                std::io::Error::other(text)
            }))
        };
        let mut findings = self.pool.install(|| {
            small.par_iter().try_for_each(|e| {
                self.download(&e.key, &mirror.path().join(&e.key))?;
                progress(Progress::Done(1));
                Ok::<(), Error>(())
            })?;
            let local = match &prefix {
                Some(p) => mirror.path().join(p.trim_end_matches('/')),
                None => mirror.path().to_path_buf(),
            };
            match object {
                Some(_) => super::validate_object_from(&local, fast, Some(&digests)),
                None => super::validate_storage_root_from(&local, fast, Some(&digests)),
            }
        })?;
        if let Some(e) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
        for f in &mut findings {
            relocate(f, mirror.path(), self.storage.as_ref());
        }
        Ok(findings)
    }

    /// The digests of a stored object, computed as its bytes arrive (nothing is written).
    fn stream_digests(
        &self,
        key: &str,
        algorithms: &[Algorithm],
    ) -> Result<Vec<(Algorithm, String)>> {
        let mut reader = self.storage.get(key)?.ok_or_else(|| {
            self.storage
                .error(key, "is listed but could not be read (gone)".into())
        })?;
        crate::archive::digest::digest_reader(&mut reader, algorithms)
            .map(|(_, d)| d)
            .map_err(|e| self.storage.error(key, e.to_string()))
    }
}

/// Splits the keys listed into content files and the small files the checks read. The objects'
/// roots are where their declarations are; a key below one, inside a version's folder and a
/// folder below that, is content.
fn split_content(entries: &[Entry]) -> (Vec<&Entry>, Vec<&Entry>) {
    let roots: std::collections::HashSet<&str> = entries
        .iter()
        .filter_map(|e| e.key.rsplit_once('/'))
        .filter(|(_, name)| name.starts_with("0=ocfl_object_"))
        .map(|(dir, _)| dir)
        .collect();
    let is_content = |key: &str| {
        key.match_indices('/').any(|(i, _)| {
            roots.contains(&key[..i]) && {
                let mut parts = key[i + 1..].split('/');
                parts
                    .next()
                    .and_then(super::inventory::VersionName::parse)
                    .is_some()
                    && parts.count() >= 2
            }
        })
    };
    entries.iter().partition(|e| is_content(&e.key))
}

/// An empty file in `mirror` for each content file, standing in for it where the checks of the
/// disk look; by its local path, the key it stands for.
fn stand_ins<'a>(
    mirror: &Path,
    content: &[&'a Entry],
) -> Result<std::collections::HashMap<PathBuf, &'a str>> {
    let mut stand_ins = std::collections::HashMap::with_capacity(content.len());
    for e in content {
        let local = mirror.join(&e.key);
        if let Some(dir) = local.parent() {
            std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        std::fs::File::create(&local).map_err(Error::io(&local))?;
        stand_ins.insert(local, e.key.as_str());
    }
    Ok(stand_ins)
}

/// Rewrites a finding's local mirror path as the object's location in the store.
fn relocate(d: &mut Diagnostic, mirror: &Path, storage: &dyn Storage) {
    if let Ok(rel) = d.location.path.strip_prefix(mirror) {
        d.location.path = PathBuf::from(storage.location(&slash(rel)));
    }
    let m = mirror.display().to_string();
    if d.message.contains(&m) {
        d.message = d.message.replace(&m, &storage.location(""));
    }
}

/// Streams one stored object into a local file (its folders made as needed).
pub fn download(storage: &dyn Storage, key: &str, local: &Path) -> Result<u64> {
    use std::io::Write;
    let mut reader = storage
        .get(key)?
        .ok_or_else(|| storage.error(key, "is listed but could not be read (gone)".into()))?;
    if let Some(dir) = local.parent() {
        std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    }
    let mut out = std::fs::File::create(local).map_err(Error::io(local))?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = crate::archive::storage::read_full(&mut reader, &mut buf)
            .map_err(|e| storage.error(key, e.to_string()))?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n]).map_err(Error::io(local))?;
        total += n as u64;
    }
    out.flush().map_err(Error::io(local))?;
    Ok(total)
}

/// A path as a key: its parts joined by `/`.
fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A held claim; dropping it removes it.
#[derive(Debug)]
struct Claim {
    storage: Arc<dyn Storage>,
    key: String,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let _ = self.storage.delete(&self.key);
    }
}

/// What a claim says: who holds it and since when.
struct ClaimText {
    token: String,
    host: String,
    pid: u32,
    since: u64,
}

impl ClaimText {
    fn mine() -> ClaimText {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let pid = std::process::id();
        let token = super::digest::digest_bytes(
            Algorithm::Sha256,
            format!("{}-{pid}-{:p}", now.as_nanos(), &now).as_bytes(),
        );
        ClaimText {
            token,
            host: host_name(),
            pid,
            since: now.as_secs(),
        }
    }

    fn text(&self) -> String {
        format!(
            "editio release claim\ntoken {}\nhost {}\npid {}\nsince {}\n",
            self.token, self.host, self.pid, self.since
        )
    }

    fn parse(bytes: &[u8]) -> Option<ClaimText> {
        let text = std::str::from_utf8(bytes).ok()?;
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
                .map(str::to_owned)
        };
        Some(ClaimText {
            token: field("token")?,
            host: field("host")?,
            pid: field("pid")?.parse().ok()?,
            since: field("since")?.parse().ok()?,
        })
    }

    /// Whether the claim's release is gone: its process no longer runs on this machine, or it
    /// is older than the lease.
    fn is_stale(&self) -> bool {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        if now.saturating_sub(self.since) > CLAIM_LEASE {
            return true;
        }
        let proc_dir = Path::new("/proc");
        self.host == host_name()
            && proc_dir.join("self").exists()
            && !proc_dir.join(self.pid.to_string()).exists()
    }
}

/// This machine's name (for claims), where the system tells it.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "unknown".into())
}

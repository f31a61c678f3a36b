//! The OCFL writer and reader behind `editio release`, `show`/`log`/`diff`/`cat` and
//! `verify`: one storage root (layout extension 0003) in any [`Storage`], a folder on disk or
//! S3-compatible object storage, holding objects whose versions are immutable,
//! content-addressed (a file already stored is not stored again) and reproducible (same files
//! and time, same bytes). What a version holds is planned in [`super::plan`]; this is where it
//! is written, and the one place for how.
//!
//! A commit is crash-safe, and the root inventory is its single commit point: readers see the
//! new version once it is written. Where the storage has a staging area (a folder on disk),
//! the new version's content, inventory and sidecar (for a new object, the whole object) are
//! written and flushed there, beside the root, and put in place by one rename; nothing
//! half-written is ever inside the root. Where it has none (object storage, no rename), the
//! same files are put one by one under `vN/`. Then, in both, a new object's declaration, the
//! root `inventory.json` and its sidecar last, each by a put that replaces the object whole
//! (on disk a flushed temporary file renamed into place).
//!
//! A commit interrupted before the commit point leaves the object at its old head with the
//! new version's files beside it, unlisted; one interrupted after it, with the old sidecar.
//! [`StorageRoot::recover`] (run by every commit) completes the commit when the new version's
//! inventory and every content file it adds are there, and repairs the sidecar. Otherwise the
//! unlisted files are removed where puts are one by one (a killed release's), and left alone
//! with an error where versions are put in place whole (they cannot be a crash's). The
//! storage's own leftovers (staging folders, temporary files) are tidied first.
//!
//! Commits to one storage root are serialised by [`Storage::lock`]: an advisory lock on the
//! root's declaration file on disk, a claim object beside the root in object storage (a
//! second release at once is refused, see [`crate::archive::storage::claim`]).

use super::digest::Algorithm;
use super::json::{self, Json};
use super::layout::Layout;
use super::plan::{
    Existing, Planned, check_commit, existing_from_bytes, input_digests, invalid, layout_extension,
    layout_of, plan_version, root_files, sidecar_text_matches, vbytes_sidecar, version_content,
    version_infos,
};
use super::{MAX_INVENTORY_BYTES, OBJECT_DECLARATION, ROOT_DECLARATION};
use crate::archive::digest::Digests;
use crate::archive::scratch::Scratch;
use crate::archive::storage::local::LocalStorage;
use crate::archive::storage::{Entry, Staging, Storage};
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::progress::{OnProgress, Progress, Unit};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub use super::plan::{VersionInfo, VersionMeta};
pub use crate::archive::Content;

/// An OCFL 1.1 storage root that editio writes to and reads from.
#[derive(Debug)]
pub struct StorageRoot {
    storage: Arc<dyn Storage>,
    layout: Layout,
    /// Where content read back from object storage is kept while this root is open.
    cache: OnceLock<Scratch>,
    /// Requests at once for transfers; the global pool when none is given.
    pool: Option<Arc<rayon::ThreadPool>>,
}

/// What a commit did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Commit {
    /// A new version was written: `new_files` files were stored, `reused` had content the
    /// object already held (or that another file of this version holds).
    Created {
        version: u32,
        new_files: usize,
        reused: usize,
    },
    /// The files are exactly the head version's logical state; nothing was written.
    Unchanged { version: u32 },
}

/// What [`StorageRoot::recover`] did to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recovery {
    /// The object needed nothing (or an interrupted commit's files were removed).
    Nothing,
    /// An interrupted commit of this version was completed.
    Completed { version: u32 },
}

impl StorageRoot {
    /// Opens the storage root in the folder `path`, or creates one there if `path` is missing
    /// or an empty directory (see [`StorageRoot::create_or_open_in`]).
    pub fn create_or_open(path: &Path) -> Result<StorageRoot> {
        LocalStorage::refuse_file(path)?;
        Self::create_or_open_in(Arc::new(LocalStorage::new(path)), None)
    }

    /// Opens the storage root in the folder `path` if there is one (it has `0=ocfl_1.1`);
    /// creates nothing.
    pub fn open_existing(path: &Path) -> Result<Option<StorageRoot>> {
        LocalStorage::refuse_file(path)?;
        Self::open_existing_in(Arc::new(LocalStorage::new(path)), None)
    }

    /// Opens the storage root in `storage`, or creates one there if it holds nothing:
    /// `0=ocfl_1.1`, `ocfl_layout.json` naming extension 0003, and the extension's
    /// `config.json`. `parallel` is how many transfers run at once (the global pool when
    /// `None`).
    pub fn create_or_open_in(
        storage: Arc<dyn Storage>,
        parallel: Option<usize>,
    ) -> Result<StorageRoot> {
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
                return Self::open(storage, parallel);
            }
            if let (false, Some(first)) = (creating, entries.first()) {
                return Err(Error::NotAStorageRoot {
                    location: storage.location(""),
                    problem: format!(
                        "is not empty ({} holds something) and is not an OCFL 1.1 storage root \
                         (no 0=ocfl_1.1); choose an empty or new folder or prefix",
                        first.key
                    ),
                });
            }
            match storage.staging()? {
                // The root appears whole, by one rename, or not at all.
                Some(stage) => {
                    for (key, bytes) in &files {
                        stage.put(&format!("root/{key}"), &mut &bytes[..])?;
                    }
                    stage.place("root", "")?;
                }
                // The declaration last: a root interrupted before it is still empty of one.
                None => {
                    for (key, bytes) in files {
                        storage.put_bytes(&key, &bytes)?;
                    }
                }
            }
        }
        Self::open(storage, parallel)
    }

    /// Opens the storage root in `storage` if there is one (it has `0=ocfl_1.1`).
    pub fn open_existing_in(
        storage: Arc<dyn Storage>,
        parallel: Option<usize>,
    ) -> Result<Option<StorageRoot>> {
        if storage.exists(ROOT_DECLARATION)? {
            Self::open(storage, parallel).map(Some)
        } else {
            Ok(None)
        }
    }

    fn open(storage: Arc<dyn Storage>, parallel: Option<usize>) -> Result<StorageRoot> {
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
        let pool = match parallel {
            None => None,
            Some(n) => Some(Arc::new(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n.clamp(1, 64))
                    .thread_name(|i| format!("editio-transfer-{i}"))
                    .build()
                    .map_err(|e| Error::Storage {
                        location: storage.location(""),
                        message: format!("cannot start transfer threads: {e}"),
                    })?,
            )),
        };
        Ok(StorageRoot {
            storage,
            layout,
            cache: OnceLock::new(),
            pool,
        })
    }

    /// Runs `work` in this root's transfer pool.
    fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }

    /// The storage the root is in.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// The storage root's location: a folder's path, or `s3://bucket/prefix`.
    pub fn location(&self) -> String {
        self.storage.location("")
    }

    /// The storage root's folder on this machine; `None` in object storage.
    pub fn folder(&self) -> Option<PathBuf> {
        self.storage.file("")
    }

    /// The key prefix of the object `id` (whether or not it exists yet), without a slash.
    pub fn object_key(&self, id: &str) -> String {
        slash(&self.layout.object_path(id))
    }

    /// Where the object `id` is (whether or not it exists yet): its folder on disk, or its
    /// location in object storage (`s3://...`).
    pub fn object_path(&self, id: &str) -> PathBuf {
        PathBuf::from(self.storage.location(&self.object_key(id)))
    }

    /// The object as its root inventory says; `None` when it has none (no object, or a first
    /// version that never reached its commit point).
    fn read_existing(&self, id: &str) -> Result<Option<Existing>> {
        let obj = self.object_key(id);
        let inv_key = format!("{obj}/inventory.json");
        let Some(bytes) = self.storage.get_bytes(&inv_key, MAX_INVENTORY_BYTES)? else {
            return Ok(None);
        };
        if !self
            .storage
            .exists(&format!("{obj}/{OBJECT_DECLARATION}"))?
        {
            return Err(invalid(
                Path::new(&self.storage.location(&obj)),
                "is not an OCFL 1.1 object (no 0=ocfl_object_1.1); editio does not upgrade \
                 objects",
            ));
        }
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

    /// The files of version `number`: each logical path with a file on this machine holding
    /// its bytes (the content file itself on disk; from object storage, a copy read once and
    /// kept while this root is open), sorted by logical path.
    pub fn version_files(&self, id: &str, number: u32) -> Result<Vec<(String, PathBuf)>> {
        let obj = self.object_key(id);
        let existing = self.read_existing(id)?.ok_or_else(|| Error::Damaged {
            location: self.storage.location(&obj),
            problem: "has no object".into(),
        })?;
        let files = version_content(&existing, number, &self.storage.location(&obj))?;
        if let Some(dir) = self.storage.file(&obj) {
            return Ok(files.into_iter().map(|(p, c)| (p, dir.join(c))).collect());
        }
        let cache = match self.cache.get() {
            Some(c) => c,
            None => {
                let made = Scratch::new("read")?;
                self.cache.get_or_init(|| made)
            }
        };
        let base = cache.path().join(&obj);
        self.install(|| {
            files
                .par_iter()
                .map(|(logical, content)| {
                    let local = base.join(content);
                    if !local.exists() {
                        download(self.storage.as_ref(), &format!("{obj}/{content}"), &local)?;
                    }
                    Ok((logical.clone(), local))
                })
                .collect()
        })
    }

    /// Records `files` (logical path, content) as the object's next version, creating the
    /// object if needed (see the module's notes for the order of writes). Writes nothing and
    /// returns [`Commit::Unchanged`] when the files are the head version's state already.
    /// Completes or cleans up an earlier interrupted commit first.
    pub fn commit(
        &self,
        id: &str,
        files: &[(String, Content)],
        meta: &VersionMeta,
    ) -> Result<Commit> {
        self.commit_with_fault(id, files, meta, None)
    }

    /// [`StorageRoot::commit`] that stops dead at fault point `fault`, leaving everything as a
    /// crash there would: 1 with the version written but not in place, 2 with it in place,
    /// 3 after the root inventory (for a new object on disk, 2 and 3 are where the whole
    /// object is in place), 4 after the root sidecar. For crash-safety tests only.
    #[doc(hidden)]
    pub fn commit_with_fault(
        &self,
        id: &str,
        files: &[(String, Content)],
        meta: &VersionMeta,
        fault: Option<u32>,
    ) -> Result<Commit> {
        let obj = self.object_key(id);
        let location = self.storage.location(&obj);
        let created = check_commit(Path::new(&location), id, files, meta)?;
        let _lock = self.storage.lock(ROOT_DECLARATION)?;
        self.recover_locked(id)?;
        let existing = self.read_existing(id)?;

        // Every input's digests (SHA-512 for addressing, SHA-256 for fixity), in parallel:
        // taken from the bytes in memory, as known, or by reading the file once.
        let digests = input_digests(files)?;
        let planned = plan_version(
            &location,
            id,
            existing.as_ref(),
            files,
            &digests,
            &created,
            meta,
        )?;
        if let Some(version) = planned.unchanged {
            return Ok(Commit::Unchanged { version });
        }
        let new_object = existing.is_none();
        let vname = &planned.version_name;
        let crash = |stage: Option<Staging>, point: u32| -> Result<Commit> {
            Err(Error::InjectedFault {
                path: stage.map_or_else(|| PathBuf::from(&location), Staging::abandon),
                point,
            })
        };

        match self.storage.staging()? {
            Some(stage) => {
                // The version (a new object: the whole object) is staged, then put in place by
                // one rename.
                let (tree, target) = if new_object {
                    ("object".to_owned(), obj.clone())
                } else {
                    (vname.clone(), format!("{obj}/{vname}"))
                };
                let vdir = if new_object {
                    format!("object/{vname}")
                } else {
                    vname.clone()
                };
                let put = |key: &str, from: &mut dyn std::io::Read| stage.put(key, from);
                self.write_version(&put, &vdir, files, &digests, &planned)?;
                if new_object {
                    self.write_root_inventory(&put, "object", &planned, true)?;
                }
                if fault == Some(1) {
                    return crash(Some(stage), 1);
                }
                stage.place(&tree, &target)?;
                if fault == Some(2) {
                    return crash(Some(stage), 2);
                }
                if !new_object {
                    self.write_root_inventory_at(&obj, &planned, fault)?;
                }
                if fault == Some(3) {
                    return crash(Some(stage), 3);
                }
                if fault == Some(4) {
                    return crash(Some(stage), 4);
                }
            }
            None => {
                let put = |key: &str, from: &mut dyn std::io::Read| self.storage.put(key, from);
                self.write_version(&put, &format!("{obj}/{vname}"), files, &digests, &planned)?;
                if fault == Some(1) {
                    return crash(None, 1);
                }
                if new_object {
                    self.storage
                        .put_bytes(&format!("{obj}/{OBJECT_DECLARATION}"), b"ocfl_object_1.1\n")?;
                }
                if fault == Some(2) {
                    return crash(None, 2);
                }
                self.write_root_inventory_at(&obj, &planned, fault)?;
                if fault == Some(3) {
                    return crash(None, 3);
                }
                if fault == Some(4) {
                    return crash(None, 4);
                }
            }
        }
        Ok(outcome(&planned))
    }

    /// Writes the new content of a version under `vdir` with `put`, several files at once
    /// (input `i` to `vdir/content_path`, streamed from where it is, each file read once and
    /// its digests checked as it goes: an input whose bytes are not the ones planned fails
    /// before its write completes), then the version's inventory and its sidecar.
    fn write_version(
        &self,
        put: &Put<'_>,
        vdir: &str,
        files: &[(String, Content)],
        digests: &[Digests],
        planned: &Planned,
    ) -> Result<()> {
        self.install(|| {
            planned.new.par_iter().try_for_each(|(i, content_path)| {
                let key = format!("{vdir}/{content_path}");
                let (Some((_, content)), Some(expected)) = (files.get(*i), digests.get(*i)) else {
                    return Err(self
                        .storage
                        .error(&key, "has no input (a planning error)".into()));
                };
                let mut reader = content.checked_reader(expected)?;
                put(&key, &mut reader).map(|_| ())
            })
        })?;
        put(
            &format!("{vdir}/inventory.json"),
            &mut &planned.inv_bytes[..],
        )?;
        put(
            &format!("{vdir}/{}", planned.sidecar_name),
            &mut planned.sidecar.as_bytes(),
        )?;
        Ok(())
    }

    /// Writes an object's root files with `put` under `obj`: (for a new object) its
    /// declaration, then the root inventory (the commit point) and its sidecar last.
    fn write_root_inventory(
        &self,
        put: &Put<'_>,
        obj: &str,
        planned: &Planned,
        new_object: bool,
    ) -> Result<()> {
        if new_object {
            put(
                &format!("{obj}/{OBJECT_DECLARATION}"),
                &mut &b"ocfl_object_1.1\n"[..],
            )?;
        }
        put(
            &format!("{obj}/inventory.json"),
            &mut &planned.inv_bytes[..],
        )?;
        put(
            &format!("{obj}/{}", planned.sidecar_name),
            &mut planned.sidecar.as_bytes(),
        )?;
        Ok(())
    }

    /// The root inventory and its sidecar, each replaced by a put, stopping between them at
    /// fault point 3.
    fn write_root_inventory_at(
        &self,
        obj: &str,
        planned: &Planned,
        fault: Option<u32>,
    ) -> Result<()> {
        self.storage
            .put_bytes(&format!("{obj}/inventory.json"), &planned.inv_bytes)?;
        if fault == Some(3) {
            return Err(Error::InjectedFault {
                path: PathBuf::from(self.storage.location(obj)),
                point: 3,
            });
        }
        self.storage.put_bytes(
            &format!("{obj}/{}", planned.sidecar_name),
            planned.sidecar.as_bytes(),
        )
    }

    /// Completes or cleans up a commit that was interrupted (see the module's notes).
    /// Anything else out of place is an error, and is left alone.
    pub fn recover(&self, id: &str) -> Result<Recovery> {
        let _lock = self.storage.lock(ROOT_DECLARATION)?;
        self.recover_locked(id)
    }

    fn recover_locked(&self, id: &str) -> Result<Recovery> {
        let obj = self.object_key(id);
        self.storage.tidy(&obj)?;
        // Where versions are put in place whole, unlisted files are never a crash's.
        let whole = self.storage.has_staging();
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
            if whole {
                return Err(stray(&self.storage.location(&obj)));
            }
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
        if let Some(first) = later.first() {
            if let Some(next) = existing.head.with_number(head + 1)
                && let Some(done) = self.complete_version(&existing, &obj, &next, id, &keys)?
            {
                self.storage
                    .put_bytes(&format!("{obj}/inventory.json"), &done)?;
                self.storage.put_bytes(
                    &format!("{obj}/{sidecar_name}"),
                    &vbytes_sidecar(alg, &done),
                )?;
                return Ok(Recovery::Completed { version: head + 1 });
            }
            if whole {
                let vdir = first[prefix.len()..].split('/').next().unwrap_or_default();
                return Err(stray(&self.storage.location(&format!("{obj}/{vdir}"))));
            }
            let later: Vec<String> = later.into_iter().cloned().collect();
            self.delete_all(&later)?;
            return Ok(Recovery::Nothing);
        }
        // The root inventory written but not its sidecar: the head version's own inventory
        // proves what the sidecar must say.
        let inv_key = format!("{obj}/inventory.json");
        let bytes = self
            .storage
            .get_bytes(&inv_key, MAX_INVENTORY_BYTES)?
            .unwrap_or_default();
        let sidecar = self
            .storage
            .get_bytes(&format!("{obj}/{sidecar_name}"), 64 * 1024)?
            .unwrap_or_default();
        if !sidecar_text_matches(&sidecar, alg, &bytes) {
            let head_name = existing.head.with_number(head).unwrap_or_default();
            let vinv = self.storage.get_bytes(
                &format!("{obj}/{head_name}/inventory.json"),
                MAX_INVENTORY_BYTES,
            )?;
            if vinv.as_deref() != Some(bytes.as_slice()) {
                return Err(invalid(
                    Path::new(&self.storage.location(&format!("{obj}/{sidecar_name}"))),
                    "does not match inventory.json, and this is not an interrupted commit; \
                     run editio verify",
                ));
            }
            self.storage.put_bytes(
                &format!("{obj}/{sidecar_name}"),
                &vbytes_sidecar(alg, &bytes),
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
        if !sidecar_text_matches(&sidecar, alg, &vbytes) {
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
        self.install(|| keys.par_iter().try_for_each(|k| self.storage.delete(k)))
    }

    /// Checks every object of the root in object storage as `editio verify` does on disk
    /// ([`super::validate_storage_root`], which reads a folder in place), with the same codes,
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
        let scratch = Scratch::new("verify")?;
        // A folder of its own: the scratch folder's lock file is no part of the root.
        let mirror = scratch.path().join("root");
        std::fs::create_dir(&mirror).map_err(Error::io(&mirror))?;
        let (content, small) = split_content(&entries);
        let stand_ins = stand_ins(&mirror, &content)?;
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
        let mut findings = self.install(|| {
            small.par_iter().try_for_each(|e| {
                download(self.storage.as_ref(), &e.key, &mirror.join(&e.key))?;
                progress(Progress::Done(1));
                Ok::<(), Error>(())
            })?;
            let local = match &prefix {
                Some(p) => mirror.join(p.trim_end_matches('/')),
                None => mirror.clone(),
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
            relocate(f, &mirror, self.storage.as_ref());
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

/// The outcome of committing `planned`.
fn outcome(planned: &Planned) -> Commit {
    Commit::Created {
        version: planned.number,
        new_files: planned.new_files,
        reused: planned.reused,
    }
}

/// The reason an object's unlisted files are left alone where versions are put in place
/// whole: they cannot be an interrupted commit's.
fn stray(location: &str) -> Error {
    invalid(
        Path::new(location),
        "is not listed by the object's root inventory and is not a complete version; it was \
         left alone: inspect it, and remove it by hand if it is debris",
    )
}

/// Where [`StorageRoot::write_version`] writes: into a staging area or the storage itself.
type Put<'a> = dyn Fn(&str, &mut dyn std::io::Read) -> Result<u64> + Sync + 'a;

//! The OCFL writer behind `editio release`: a storage root (layout extension 0003) holding
//! objects whose versions are immutable, content-addressed (a file already stored is not
//! stored again) and reproducible (same files and time, same bytes).
//!
//! A commit is crash-safe. The new version is built and flushed in a staging directory
//! *beside* the storage root (so nothing half-written is ever inside it), renamed into the
//! object as `vN`, and only then is the root inventory replaced, and its sidecar last, each by
//! rename. A crash therefore leaves the object at its old head, or with a complete `vN` that
//! the root inventory does not list yet, or with the new root inventory but the old sidecar.
//! [`StorageRoot::recover`] (run by every commit) completes the last two and removes stale
//! staging directories. Commits to one storage root are serialised by an advisory lock on its
//! declaration file.

use super::digest::{Algorithm, digest_bytes};
use super::inventory::{self, Context, Inventory, SpecVersion, VersionName};
use super::json::{self, Json};
use super::layout::{HASH_AND_ID_N_TUPLE, HASHED_N_TUPLE, Layout};
use super::{MAX_INVENTORY_BYTES, OBJECT_DECLARATION, ROOT_DECLARATION};
use crate::archive::digest::Digests;
use crate::archive::write;
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An OCFL 1.1 storage root that editio writes to.
#[derive(Clone, Debug)]
pub struct StorageRoot {
    path: PathBuf,
    layout: Layout,
}

pub use crate::archive::Content;

/// Who made a version, when and why (the inventory's version block).
#[derive(Clone, Debug)]
pub struct VersionMeta {
    pub created: OffsetDateTime,
    pub message: String,
    pub user_name: String,
    /// A URI, e.g. `mailto:editor@example.org` or an ORCID iD URL.
    pub user_address: Option<String>,
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
    /// The object needed nothing.
    Nothing,
    /// An interrupted commit of this version was completed.
    Completed { version: u32 },
}

impl StorageRoot {
    /// Opens the storage root at `path`, or creates one there if `path` is missing or an
    /// empty directory: `0=ocfl_1.1`, `ocfl_layout.json` naming extension 0003, and the
    /// extension's `config.json`.
    pub fn create_or_open(path: &Path) -> Result<StorageRoot> {
        match fs::symlink_metadata(path) {
            Ok(meta) if !meta.is_dir() => Err(invalid(path, "exists and is not a directory")),
            Ok(_) if path.join(ROOT_DECLARATION).exists() => StorageRoot::open(path),
            Ok(_) => {
                let mut entries = fs::read_dir(path).map_err(Error::io(path))?;
                if entries.next().is_some() {
                    return Err(invalid(
                        path,
                        "is not empty and is not an OCFL 1.1 storage root (no 0=ocfl_1.1); \
                         choose an empty or new directory",
                    ));
                }
                StorageRoot::init(path)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => StorageRoot::init(path),
            Err(e) => Err(Error::io(path)(e)),
        }
    }

    /// Creates the storage root in a temporary folder beside `path` and renames it into place,
    /// so that a crash never leaves a half-made storage root under its final name.
    fn init(path: &Path) -> Result<StorageRoot> {
        let parent = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(Error::io(parent))?;
        let staging = tempfile::Builder::new()
            .prefix(".editio-tmp-ocfl-")
            .tempdir_in(parent)
            .map_err(Error::io(parent))?;
        let layout = Layout::editio_default();
        let tmp = staging.path();
        for (key, bytes) in root_files(&layout) {
            write::atomic(&tmp.join(key), &bytes)?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(tmp, fs::Permissions::from_mode(0o755)).map_err(Error::io(tmp))?;
        }
        // Renaming over an empty folder replaces it; the root appears whole or not at all.
        let staged = staging.keep();
        if let Err(e) = fs::rename(&staged, path) {
            let _ = fs::remove_dir_all(&staged);
            return Err(Error::io(path)(e));
        }
        Ok(StorageRoot {
            path: path.to_path_buf(),
            layout,
        })
    }

    /// Opens the storage root at `path` if there is one (it has `0=ocfl_1.1`); creates nothing.
    pub fn open_existing(path: &Path) -> Result<Option<StorageRoot>> {
        if path.join(ROOT_DECLARATION).is_file() {
            StorageRoot::open(path).map(Some)
        } else {
            Ok(None)
        }
    }

    fn open(path: &Path) -> Result<StorageRoot> {
        let layout_path = path.join("ocfl_layout.json");
        let layout_json = read_json(&layout_path)?;
        let ext = layout_extension(&layout_json)
            .ok_or_else(|| invalid(&layout_path, "has no \"extension\""))?;
        let config_path = path.join("extensions").join(ext).join("config.json");
        let config = if config_path.exists() {
            Some(read_json(&config_path)?)
        } else {
            None
        };
        let layout = layout_of(&layout_json, &layout_path, config.as_ref(), &config_path)?;
        Ok(StorageRoot {
            path: path.to_path_buf(),
            layout,
        })
    }

    /// The storage root directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the object `id` lives (whether or not it exists yet).
    pub fn object_path(&self, id: &str) -> PathBuf {
        self.path.join(self.layout.object_path(id))
    }

    /// The object's head version number, or `None` if there is no such object.
    pub fn head(&self, id: &str) -> Result<Option<u32>> {
        let obj = self.object_path(id);
        if !obj.exists() {
            return Ok(None);
        }
        let existing = read_object(&obj, id)?;
        Ok(Some(existing.head.number))
    }

    /// The object's versions as its root inventory records them, oldest first; empty when the
    /// object does not exist yet.
    pub fn versions(&self, id: &str) -> Result<Vec<VersionInfo>> {
        let obj = self.object_path(id);
        if !obj.exists() {
            return Ok(Vec::new());
        }
        Ok(version_infos(&read_object(&obj, id)?))
    }

    /// The files of version `number` of an object: each logical path with the content file
    /// that holds its bytes, sorted by logical path.
    pub fn version_files(&self, id: &str, number: u32) -> Result<Vec<(String, PathBuf)>> {
        let obj = self.object_path(id);
        let existing = read_object(&obj, id)?;
        Ok(
            version_content(&existing, number, &obj.display().to_string())?
                .into_iter()
                .map(|(p, c)| (p, obj.join(c)))
                .collect(),
        )
    }

    /// Records `files` (logical path, content) as the object's next version, creating the
    /// object if needed. Writes nothing and returns [`Commit::Unchanged`] when the files are
    /// the head version's state already. Completes an earlier interrupted commit first.
    pub fn commit(
        &self,
        id: &str,
        files: &[(String, Content)],
        meta: &VersionMeta,
    ) -> Result<Commit> {
        self.commit_with_fault(id, files, meta, None)
    }

    /// [`StorageRoot::commit`] that stops dead at fault point `fault` (1..=4), leaving
    /// everything as a crash there would. For crash-safety tests only.
    #[doc(hidden)]
    pub fn commit_with_fault(
        &self,
        id: &str,
        files: &[(String, Content)],
        meta: &VersionMeta,
        fault: Option<u32>,
    ) -> Result<Commit> {
        let created = check_commit(&self.path, id, files, meta)?;

        let _lock = self.lock()?;
        self.recover_locked(id)?;
        let obj = self.object_path(id);
        let existing = if obj.exists() {
            Some(read_object(&obj, id)?)
        } else {
            None
        };

        // Every input's digests (SHA-512 for addressing, SHA-256 for fixity), in parallel: taken
        // from the bytes in memory, as known, or by reading the file once.
        let digests = input_digests(files)?;
        let planned = plan_version(
            &obj.display().to_string(),
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

        let parent = self.staging_parent()?;
        let staging = tempfile::Builder::new()
            .prefix(&self.staging_prefix())
            .tempdir_in(&parent)
            .map_err(Error::io(&parent))?;
        let stage = staging.path().to_path_buf();
        let version_root = match existing {
            Some(_) => stage.join(&planned.version_name),
            None => stage.join("object").join(&planned.version_name),
        };
        place_new_content(files, &digests, &planned.new, &version_root)?;
        write_synced(&version_root.join("inventory.json"), &planned.inv_bytes)?;
        write_synced(
            &version_root.join(&planned.sidecar_name),
            planned.sidecar.as_bytes(),
        )?;
        sync_tree(&version_root)?;
        if existing.is_none() {
            return self.publish_object(&obj, staging, &planned, fault);
        }
        publish_version(&obj, staging, &planned, &version_root, fault)
    }

    /// Puts a new object in place: it appears whole, by one rename of its staged folder, or
    /// not at all. Stops at fault points 1 to 3.
    fn publish_object(
        &self,
        obj: &Path,
        staging: tempfile::TempDir,
        planned: &Planned,
        fault: Option<u32>,
    ) -> Result<Commit> {
        let staged_obj = staging.path().join("object");
        write_synced(&staged_obj.join(OBJECT_DECLARATION), b"ocfl_object_1.1\n")?;
        write_synced(&staged_obj.join("inventory.json"), &planned.inv_bytes)?;
        write_synced(
            &staged_obj.join(&planned.sidecar_name),
            planned.sidecar.as_bytes(),
        )?;
        sync_dir(&staged_obj)?;
        if fault == Some(1) {
            return crash(staging, 1);
        }
        let obj_parent = obj.parent().unwrap_or(&self.path);
        fs::create_dir_all(obj_parent).map_err(Error::io(obj_parent))?;
        if fault == Some(2) {
            return crash(staging, 2);
        }
        if obj.exists() {
            return Err(invalid(
                obj,
                "appeared while v1 was being written; nothing was changed",
            ));
        }
        fs::rename(&staged_obj, obj).map_err(Error::io(obj))?;
        sync_dir(obj_parent)?;
        if fault == Some(3) {
            return crash(staging, 3);
        }
        Ok(planned.created())
    }

    /// Completes a commit that a crash interrupted (a complete `vN` the root inventory does
    /// not list yet, or a root inventory whose sidecar was not replaced yet) and removes
    /// stale staging directories. Anything else out of place is an error, and is left alone.
    pub fn recover(&self, id: &str) -> Result<Recovery> {
        let _lock = self.lock()?;
        self.recover_locked(id)
    }

    fn recover_locked(&self, id: &str) -> Result<Recovery> {
        let parent = self.remove_staging()?;
        let obj = self.object_path(id);
        if !obj.exists() {
            self.remove_empty_parents(&obj);
            return Ok(Recovery::Nothing);
        }
        let inv_path = obj.join("inventory.json");
        let (bytes, inv) = read_inventory(&inv_path)?;
        let head_name = inv
            .head
            .clone()
            .ok_or_else(|| invalid(&inv_path, "has no head; run editio verify"))?;
        let head = VersionName::parse(&head_name)
            .ok_or_else(|| invalid(&inv_path, "has an invalid head; run editio verify"))?;
        let alg = inv
            .digest_algorithm
            .ok_or_else(|| invalid(&inv_path, "has no usable digestAlgorithm"))?;
        let sidecar_name = format!("inventory.json.{}", alg.name());
        let mut result = Recovery::Nothing;

        // A complete next version that the root inventory does not list yet: finish it.
        if let Some(next) = head.with_number(head.number + 1)
            && obj.join(&next).exists()
        {
            let vdir = obj.join(&next);
            let (vbytes, vinv) =
                read_inventory(&vdir.join("inventory.json")).map_err(|_| stray(&vdir))?;
            let sidecar_ok = sidecar_matches(&vdir.join(&sidecar_name), alg, &vbytes);
            let extends = vinv.head.as_deref() == Some(next.as_str())
                && vinv.id.as_deref() == Some(id)
                && vinv.digest_algorithm == Some(alg)
                && inv.versions.iter().all(|v| {
                    vinv.version(&v.name)
                        .is_some_and(|w| w.raw.sorted() == v.raw.sorted())
                });
            if !(sidecar_ok && extends) {
                return Err(stray(&vdir));
            }
            let stage = self.recovery_stage(&parent)?;
            replace_file(stage.path(), &inv_path, &vbytes)?;
            replace_file(
                stage.path(),
                &obj.join(&sidecar_name),
                &vbytes_sidecar(alg, &vbytes),
            )?;
            result = Recovery::Completed {
                version: head.number + 1,
            };
        } else if !sidecar_matches(&obj.join(&sidecar_name), alg, &bytes) {
            // The root inventory was replaced but not yet its sidecar: the head version's own
            // inventory proves what the sidecar must say.
            let vinv = obj.join(&head_name).join("inventory.json");
            let same = fs::read(&vinv).is_ok_and(|v| v == bytes);
            if !same {
                return Err(invalid(
                    &obj.join(&sidecar_name),
                    "does not match inventory.json, and this is not an interrupted commit; \
                     run editio verify",
                ));
            }
            let stage = self.recovery_stage(&parent)?;
            replace_file(
                stage.path(),
                &obj.join(&sidecar_name),
                &vbytes_sidecar(alg, &bytes),
            )?;
            result = Recovery::Completed {
                version: head.number,
            };
        }
        Ok(result)
    }

    /// Removes the staging directories a crash left, and returns the folder they are made in.
    /// Only a lock holder creates staging directories, so any found now are a crash's.
    fn remove_staging(&self) -> Result<PathBuf> {
        let parent = self.staging_parent()?;
        let prefix = self.staging_prefix();
        for entry in fs::read_dir(&parent).map_err(Error::io(&parent))?.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let p = entry.path();
                fs::remove_dir_all(&p).map_err(Error::io(&p))?;
            }
        }
        Ok(parent)
    }

    /// Removes the empty folders above an absent object, up to the storage root. A crash
    /// between creating the tuple directories and renaming the new object into them leaves
    /// empty directories, which a storage root must not hold (E073).
    fn remove_empty_parents(&self, obj: &Path) {
        let mut dir = obj.parent();
        while let Some(d) = dir.filter(|d| *d != self.path.as_path() && d.starts_with(&self.path)) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }

    fn recovery_stage(&self, parent: &Path) -> Result<tempfile::TempDir> {
        tempfile::Builder::new()
            .prefix(&self.staging_prefix())
            .tempdir_in(parent)
            .map_err(Error::io(parent))
    }

    /// Staging happens beside the storage root, on the same file system (renames must not
    /// cross devices) but outside the OCFL hierarchy, which may hold nothing else.
    fn staging_parent(&self) -> Result<PathBuf> {
        let abs = std::path::absolute(&self.path).map_err(Error::io(&self.path))?;
        abs.parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| invalid(&self.path, "a storage root cannot be a file system root"))
    }

    fn staging_prefix(&self) -> String {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!(".{name}.editio-staging-")
    }

    /// An exclusive advisory lock on the root's declaration file, held for a whole commit.
    fn lock(&self) -> Result<File> {
        let path = self.path.join(ROOT_DECLARATION);
        let file = File::open(&path).map_err(Error::io(&path))?;
        file.lock().map_err(Error::io(&path))?;
        Ok(file)
    }
}

/// The digests of every input, in parallel (see [`Content::digests`]).
pub(super) fn input_digests(files: &[(String, Content)]) -> Result<Vec<Digests>> {
    files.par_iter().map(|(_, c)| c.digests()).collect()
}

/// Copies the new content into the staged version, at its content paths, in parallel: each
/// file read once, its digests checked as it is copied, and synced.
fn place_new_content(
    files: &[(String, Content)],
    digests: &[Digests],
    new: &[(usize, String)],
    version_root: &Path,
) -> Result<()> {
    new.par_iter().try_for_each(|(i, content_path)| {
        let target = version_root.join(content_path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        let (Some((_, content)), Some(expected)) = (files.get(*i), digests.get(*i)) else {
            return Err(invalid(&target, "has no input to copy (a planning error)"));
        };
        let mut reader = content.checked_reader(expected)?;
        let mut out = File::create(&target).map_err(Error::io(&target))?;
        let mut buf = vec![0u8; crate::archive::digest::BUF_SIZE];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(read_failed(content, &target, e)),
            };
            out.write_all(buf.get(..n).unwrap_or_default())
                .map_err(Error::io(&target))?;
        }
        out.sync_all().map_err(Error::io(&target))
    })
}

/// An input that could not be read while it was stored at `target`: a file that changed after
/// its digests were taken, or failed to read.
fn read_failed(content: &Content, target: &Path, e: std::io::Error) -> Error {
    match content.path() {
        Some(p) if e.kind() != std::io::ErrorKind::InvalidData => Error::io(p)(e),
        _ => Error::Storage {
            location: target.display().to_string(),
            message: e.to_string(),
        },
    }
}

/// Puts a new version of an existing object in place: the staged version folder is renamed
/// into the object (never over a version), then the root inventory and its sidecar are
/// replaced, the inventory being the commit point. Stops at fault points 1 to 4.
fn publish_version(
    obj: &Path,
    staging: tempfile::TempDir,
    planned: &Planned,
    version_root: &Path,
    fault: Option<u32>,
) -> Result<Commit> {
    let stage = staging.path().to_path_buf();
    let version_name = &planned.version_name;
    if fault == Some(1) {
        return crash(staging, 1);
    }
    let target = obj.join(version_name);
    if target.exists() {
        // Never write over a version: the head read above must be stale.
        return Err(invalid(
            &target,
            &format!(
                "version {version_name} already exists; versions are immutable and it \
                 was not touched (another writer, or a stale head?)"
            ),
        ));
    }
    fs::rename(version_root, &target).map_err(Error::io(&target))?;
    sync_dir(obj)?;
    if fault == Some(2) {
        return crash(staging, 2);
    }
    replace_file(&stage, &obj.join("inventory.json"), &planned.inv_bytes)?;
    if fault == Some(3) {
        return crash(staging, 3);
    }
    replace_file(
        &stage,
        &obj.join(&planned.sidecar_name),
        planned.sidecar.as_bytes(),
    )?;
    if fault == Some(4) {
        return crash(staging, 4);
    }
    Ok(planned.created())
}

/// The next version of an object, worked out from its files' digests: which files are new
/// content, and the new inventory. The same for every storage; only how the bytes are put in
/// place differs.
pub(super) struct Planned {
    pub version_name: String,
    pub number: u32,
    /// Input index, and the content path inside the version folder (`content/<logical>`).
    pub new: Vec<(usize, String)>,
    pub new_files: usize,
    pub reused: usize,
    /// The head version's number when the files are exactly its state (nothing to write).
    pub unchanged: Option<u32>,
    pub inv_bytes: Vec<u8>,
    pub sidecar: String,
    pub sidecar_name: String,
}

impl Planned {
    /// The outcome of committing this plan.
    fn created(&self) -> Commit {
        Commit::Created {
            version: self.number,
            new_files: self.new_files,
            reused: self.reused,
        }
    }
}

/// Plans the version after `existing` (or v1) holding `files`, whose digests are `digests`;
/// `location` names the object in errors.
pub(super) fn plan_version(
    location: &str,
    id: &str,
    existing: Option<&Existing>,
    files: &[(String, Content)],
    digests: &[Digests],
    created: &str,
    meta: &VersionMeta,
) -> Result<Planned> {
    let (alg, version_name, number, cd) = next_version(location, existing)?;
    let placed = place_files(existing, files, digests, alg, &version_name, &cd);

    let unchanged = unchanged_head(existing, &placed.state);

    // The inventory: earlier version blocks as they were, the new one appended.
    let mut versions = earlier_versions(existing);
    versions.push((
        version_name.clone(),
        version_block(created, meta, &placed.state),
    ));
    let inv_json = inventory_json(
        id,
        alg,
        &version_name,
        existing.and_then(|e| e.inv.content_directory_set.clone()),
        &placed.manifest,
        &placed.fixity,
        versions,
    );
    let inv_bytes = inv_json.into_bytes();
    let sidecar = format!("{} inventory.json\n", digest_bytes(alg, &inv_bytes));
    let sidecar_name = format!("inventory.json.{}", alg.name());
    Ok(Planned {
        version_name,
        number,
        new: placed.new,
        new_files: placed.new_files,
        reused: placed.reused,
        unchanged,
        inv_bytes,
        sidecar,
        sidecar_name,
    })
}

/// The files of a new version against the content already stored: which are new (their
/// content paths added to the manifest and the fixity block) and which reuse stored content.
struct Placed {
    manifest: BTreeMap<String, BTreeSet<String>>,
    fixity: Fixity,
    /// The version's state: digest to logical paths.
    state: BTreeMap<String, BTreeSet<String>>,
    /// Input index, and the content path inside the version folder.
    new: Vec<(usize, String)>,
    new_files: usize,
    reused: usize,
}

/// Places `files` (with their `digests`) in the version `version_name` after `existing`,
/// whose new content goes under `cd`.
fn place_files(
    existing: Option<&Existing>,
    files: &[(String, Content)],
    digests: &[Digests],
    alg: Algorithm,
    version_name: &str,
    cd: &str,
) -> Placed {
    let (mut known, mut manifest) = existing_manifest(existing);
    let mut fixity = existing_fixity(existing.map(|e| &e.inv));

    // Decide, in logical-path order so the outcome is deterministic, which files are new.
    let mut order: Vec<(usize, &String, &Digests)> = files
        .iter()
        .zip(digests)
        .enumerate()
        .map(|(i, ((logical, _), d))| (i, logical, d))
        .collect();
    order.sort_by(|a, b| a.1.cmp(b.1));
    let mut state: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (mut new_files, mut reused) = (0, 0);
    let mut new = Vec::new();
    for (i, logical, Digests { sha512, sha256 }) in order {
        let digest = if alg == Algorithm::Sha256 {
            sha256
        } else {
            sha512
        };
        let key = match known.get(digest) {
            Some(key) => {
                reused += 1;
                key.clone()
            }
            None => {
                let content_path = format!("{version_name}/{cd}/{logical}");
                new.push((i, format!("{cd}/{logical}")));
                manifest
                    .entry(digest.clone())
                    .or_default()
                    .insert(content_path.clone());
                add_fixity(&mut fixity, "sha256", sha256, &content_path);
                known.insert(digest.clone(), digest.clone());
                new_files += 1;
                digest.clone()
            }
        };
        state.entry(key).or_default().insert(logical.clone());
    }

    Placed {
        manifest,
        fixity,
        state,
        new,
        new_files,
        reused,
    }
}

/// The digest algorithm, name, number and content folder of the version after `existing`'s
/// head (or of v1, with SHA-512 and `content`); refused when zero-padded names have no room.
fn next_version(
    location: &str,
    existing: Option<&Existing>,
) -> Result<(Algorithm, String, u32, String)> {
    Ok(match existing {
        Some(e) => {
            let next = e
                .head
                .number
                .checked_add(1)
                .and_then(|n| e.head.with_number(n));
            let Some(next) = next else {
                return Err(Error::Package {
                    what: location.to_owned(),
                    problem:
                        "the object's zero-padded version names have no room for another version"
                            .into(),
                });
            };
            (
                e.algorithm,
                next,
                e.head.number + 1,
                e.inv.content_directory.clone(),
            )
        }
        None => (Algorithm::Sha512, "v1".to_owned(), 1, "content".to_owned()),
    })
}

/// The object's content so far: the manifest key as written by its lowercased digest, and
/// the manifest.
fn existing_manifest(
    existing: Option<&Existing>,
) -> (HashMap<String, String>, BTreeMap<String, BTreeSet<String>>) {
    let mut known: HashMap<String, String> = HashMap::new();
    let mut manifest: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(e) = existing {
        for (d, paths) in &e.inv.manifest {
            known.insert(d.to_ascii_lowercase(), d.clone());
            manifest
                .entry(d.clone())
                .or_default()
                .extend(paths.iter().cloned());
        }
    }
    (known, manifest)
}

/// The head version's number when `state` is exactly its state (nothing to write).
fn unchanged_head(
    existing: Option<&Existing>,
    state: &BTreeMap<String, BTreeSet<String>>,
) -> Option<u32> {
    let mut unchanged = None;
    if let Some(e) = existing
        && let Some(head) = e.inv.head_version()
    {
        let old: BTreeMap<&str, String> = head.logical_map();
        let new: BTreeMap<&str, String> = state
            .iter()
            .flat_map(|(d, ps)| ps.iter().map(move |p| (p.as_str(), d.to_ascii_lowercase())))
            .collect();
        if old == new {
            unchanged = Some(e.head.number);
        }
    }
    unchanged
}

/// The inventory's earlier version blocks, as they were.
fn earlier_versions(existing: Option<&Existing>) -> Vec<(String, Json)> {
    existing
        .map(|e| {
            e.inv
                .versions
                .iter()
                .map(|v| (v.name.clone(), v.raw.sorted()))
                .collect()
        })
        .unwrap_or_default()
}

/// What a commit needs to know about an existing object.
/// One version of an object, as its inventory records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionInfo {
    pub number: u32,
    /// RFC 3339 creation time.
    pub created: String,
    pub message: String,
    pub user: String,
    /// Logical path -> digest (lowercase hex) in the inventory's algorithm.
    pub state: std::collections::BTreeMap<String, String>,
    pub algorithm: Algorithm,
}

pub(super) struct Existing {
    pub inv: Inventory,
    pub head: VersionName,
    pub algorithm: Algorithm,
}

pub(super) fn read_object(obj: &Path, id: &str) -> Result<Existing> {
    let decl = obj.join(OBJECT_DECLARATION);
    if !decl.exists() {
        return Err(invalid(
            obj,
            "is not an OCFL 1.1 object (no 0=ocfl_object_1.1); editio does not upgrade objects",
        ));
    }
    let inv_path = obj.join("inventory.json");
    let (_, inv) = read_inventory(&inv_path)?;
    existing_from(&inv_path, inv, id)
}

/// The object's versions, oldest first, as its inventory records them.
pub(super) fn version_infos(existing: &Existing) -> Vec<VersionInfo> {
    let algorithm = existing.algorithm;
    existing
        .inv
        .versions
        .iter()
        .map(|v| VersionInfo {
            number: v.number,
            created: v.created.clone().unwrap_or_default(),
            message: v
                .message
                .as_ref()
                .and_then(|m| m.as_str())
                .unwrap_or_default()
                .to_string(),
            user: v
                .user
                .as_ref()
                .and_then(|u| u.get("name"))
                .and_then(|n| n.as_str())
                .unwrap_or_default()
                .to_string(),
            state: v
                .logical_map()
                .into_iter()
                .map(|(p, d)| (p.to_string(), d))
                .collect(),
            algorithm,
        })
        .collect()
}

/// Each logical path of version `number` with the content path (relative to the object)
/// holding its bytes, sorted by logical path; `location` names the object in errors.
pub(super) fn version_content(
    existing: &Existing,
    number: u32,
    location: &str,
) -> Result<Vec<(String, String)>> {
    let inv = &existing.inv;
    let err = |problem: String| Error::Damaged {
        location: location.to_owned(),
        problem,
    };
    let version = inv
        .versions
        .iter()
        .find(|v| v.number == number)
        .ok_or_else(|| err(format!("has no version {number}")))?;
    let by_digest = inv.digest_map();
    let mut out = Vec::new();
    for (path, digest) in version.logical_map() {
        let content = by_digest
            .get(&digest)
            .and_then(|paths| paths.first())
            .ok_or_else(|| err(format!("has no content for {path} in version {number}")))?;
        out.push((path.to_string(), content.to_string()));
    }
    Ok(out)
}

/// An existing object from its root inventory's bytes (read from `location`).
pub(super) fn existing_from_bytes(location: &Path, bytes: &[u8], id: &str) -> Result<Existing> {
    let mut findings = Vec::new();
    let ctx = Context {
        path: location,
        declared: Some(SpecVersion::V1_1),
        warnings: false,
    };
    let inv = inventory::from_bytes(bytes, &ctx, &mut findings);
    if let Some(first) = findings.iter().find(|d| d.is_error()) {
        return Err(invalid(
            location,
            &format!(
                "is not a valid inventory ({}: {}); run editio verify",
                first.code.id, first.message
            ),
        ));
    }
    let inv = inv.ok_or_else(|| invalid(location, "cannot be read"))?;
    existing_from(location, inv, id)
}

fn existing_from(inv_path: &Path, inv: Inventory, id: &str) -> Result<Existing> {
    if inv.id.as_deref() != Some(id) {
        return Err(invalid(
            inv_path,
            &format!(
                "belongs to object {:?}, not {id:?}",
                inv.id.as_deref().unwrap_or("")
            ),
        ));
    }
    let head = inv
        .head
        .as_deref()
        .and_then(VersionName::parse)
        .ok_or_else(|| invalid(inv_path, "has no valid head"))?;
    let algorithm = inv
        .digest_algorithm
        .ok_or_else(|| invalid(inv_path, "has no usable digestAlgorithm"))?;
    Ok(Existing {
        inv,
        head,
        algorithm,
    })
}

/// Checks what a commit is given before anything is read or written; returns the creation
/// time as the inventory writes it.
pub(super) fn check_commit(
    location: &Path,
    id: &str,
    files: &[(String, Content)],
    meta: &VersionMeta,
) -> Result<String> {
    if id.is_empty() {
        return Err(invalid(location, "an object id must not be empty"));
    }
    check_logical_paths(files)?;
    let created = meta
        .created
        .format(&Rfc3339)
        .map_err(|e| invalid(location, &format!("cannot write the created time: {e}")))?;
    if let Some(a) = &meta.user_address
        && !inventory::is_uri(a)
    {
        return Err(invalid(
            location,
            &format!("user address \"{a}\" is not a URI; use e.g. mailto:name@example.org"),
        ));
    }
    Ok(created)
}

/// The files that make a storage root, by key: the extension's config, `ocfl_layout.json`,
/// and the declaration last (its presence says the root is complete).
pub(super) fn root_files(layout: &Layout) -> Vec<(String, Vec<u8>)> {
    let layout_json = Json::sorted_object(vec![
        (
            "description".into(),
            Json::String(layout.description().into()),
        ),
        ("extension".into(), Json::String(layout.extension.into())),
    ]);
    vec![
        (
            format!("extensions/{}/config.json", layout.extension),
            layout.config_json().to_pretty().into_bytes(),
        ),
        (
            "ocfl_layout.json".into(),
            layout_json.to_pretty().into_bytes(),
        ),
        (ROOT_DECLARATION.into(), b"ocfl_1.1\n".to_vec()),
    ]
}

/// The layout a storage root names in `ocfl_layout.json` (`layout_json`) and its extension's
/// `config.json` (`config`, when there is one); the paths are for messages.
pub(super) fn layout_of(
    layout_json: &Json,
    layout_path: &Path,
    config: Option<&Json>,
    config_path: &Path,
) -> Result<Layout> {
    let ext = layout_json
        .get("extension")
        .and_then(Json::as_str)
        .ok_or_else(|| invalid(layout_path, "has no \"extension\""))?;
    if ext != HASH_AND_ID_N_TUPLE && ext != HASHED_N_TUPLE {
        return Err(invalid(
            layout_path,
            &format!("names layout {ext}; editio writes only to layouts 0003 and 0004"),
        ));
    }
    Layout::from_config(ext, config).map_err(|m| invalid(config_path, &m))
}

/// The extension a storage root's `ocfl_layout.json` names, if any.
pub(super) fn layout_extension(layout_json: &Json) -> Option<&str> {
    layout_json.get("extension").and_then(Json::as_str)
}

/// Reads an inventory this writer will build on; any error in it stops the commit.
fn read_inventory(path: &Path) -> Result<(Vec<u8>, Inventory)> {
    let mut findings = Vec::new();
    let ctx = Context {
        path,
        declared: Some(SpecVersion::V1_1),
        warnings: false,
    };
    let read = inventory::read(&ctx, &mut findings);
    if let Some(first) = findings.iter().find(|d| d.is_error()) {
        return Err(invalid(
            path,
            &format!(
                "is not a valid inventory ({}: {}); run editio verify",
                first.code.id, first.message
            ),
        ));
    }
    read.ok_or_else(|| invalid(path, "cannot be read"))
}

fn read_json(path: &Path) -> Result<Json> {
    let bytes =
        json::read_limited(path, MAX_INVENTORY_BYTES).map_err(|e| invalid(path, &e.to_string()))?;
    json::parse(&bytes).map_err(|e| invalid(path, &e.to_string()))
}

fn check_logical_paths(files: &[(String, Content)]) -> Result<()> {
    let paths: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
    for p in &paths {
        if let Some((code, why)) = inventory::logical_path_problem(p) {
            return Err(Error::Package {
                what: p.clone(),
                problem: format!("not a valid OCFL logical path: it {why} ({})", code.id),
            });
        }
        if p.contains('\0') {
            return Err(Error::Package {
                what: p.clone(),
                problem: "a logical path must not contain a NUL character".into(),
            });
        }
    }
    if let Some((p, why)) = inventory::path_conflicts(&paths).into_iter().next() {
        return Err(Error::Package {
            what: p,
            problem: format!("logical path {why}"),
        });
    }
    Ok(())
}

type Fixity = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn existing_fixity(inv: Option<&Inventory>) -> Fixity {
    let mut fixity = Fixity::new();
    if let Some(inv) = inv {
        for (alg, entries) in &inv.fixity {
            let block = fixity.entry(alg.clone()).or_default();
            for (d, paths) in entries {
                block
                    .entry(d.clone())
                    .or_default()
                    .extend(paths.iter().cloned());
            }
        }
    }
    fixity
}

fn add_fixity(fixity: &mut Fixity, alg: &str, digest: &str, content_path: &str) {
    let block = fixity.entry(alg.to_owned()).or_default();
    // Reuse a key that differs only in case, so the block never lists a digest twice (E097).
    let key = block
        .keys()
        .find(|k| k.eq_ignore_ascii_case(digest))
        .cloned()
        .unwrap_or_else(|| digest.to_owned());
    block
        .entry(key)
        .or_default()
        .insert(content_path.to_owned());
}

fn paths_json(paths: &BTreeSet<String>) -> Json {
    Json::Array(paths.iter().map(|p| Json::String(p.clone())).collect())
}

fn digest_map_json(map: &BTreeMap<String, BTreeSet<String>>) -> Json {
    Json::sorted_object(
        map.iter()
            .map(|(d, p)| (d.clone(), paths_json(p)))
            .collect(),
    )
}

fn version_block(
    created: &str,
    meta: &VersionMeta,
    state: &BTreeMap<String, BTreeSet<String>>,
) -> Json {
    let mut user = vec![("name".to_owned(), Json::String(meta.user_name.clone()))];
    if let Some(a) = &meta.user_address {
        user.push(("address".to_owned(), Json::String(a.clone())));
    }
    Json::sorted_object(vec![
        ("created".into(), Json::String(created.to_owned())),
        ("message".into(), Json::String(meta.message.clone())),
        ("state".into(), digest_map_json(state)),
        ("user".into(), Json::sorted_object(user)),
    ])
}

/// The inventory text: keys sorted, arrays sorted, versions in number order, fixed layout.
fn inventory_json(
    id: &str,
    alg: Algorithm,
    head: &str,
    content_directory: Option<String>,
    manifest: &BTreeMap<String, BTreeSet<String>>,
    fixity: &Fixity,
    mut versions: Vec<(String, Json)>,
) -> String {
    versions.sort_by_key(|(name, _)| VersionName::parse(name).map_or(0, |v| v.number));
    let mut top = vec![
        (
            "digestAlgorithm".to_owned(),
            Json::String(alg.name().into()),
        ),
        (
            "fixity".to_owned(),
            Json::sorted_object(
                fixity
                    .iter()
                    .map(|(a, m)| (a.clone(), digest_map_json(m)))
                    .collect(),
            ),
        ),
        ("head".to_owned(), Json::String(head.into())),
        ("id".to_owned(), Json::String(id.into())),
        ("manifest".to_owned(), digest_map_json(manifest)),
        ("type".to_owned(), Json::String(inventory::TYPE_1_1.into())),
        // Version names sort by number, not as text (v10 after v9).
        ("versions".to_owned(), Json::Object(versions)),
    ];
    if let Some(cd) = content_directory {
        top.push(("contentDirectory".to_owned(), Json::String(cd)));
        top.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Json::Object(top).to_pretty()
}

pub(super) fn vbytes_sidecar(alg: Algorithm, inventory: &[u8]) -> Vec<u8> {
    format!("{} inventory.json\n", digest_bytes(alg, inventory)).into_bytes()
}

fn sidecar_matches(path: &Path, alg: Algorithm, inventory: &[u8]) -> bool {
    let Ok(text) = json::read_limited(path, 64 * 1024) else {
        return false;
    };
    sidecar_text_matches(&text, alg, inventory)
}

/// Whether a sidecar's bytes name `inventory`'s digest (and nothing else).
pub(super) fn sidecar_text_matches(text: &[u8], alg: Algorithm, inventory: &[u8]) -> bool {
    let text = String::from_utf8_lossy(text);
    let mut tokens = text.split_whitespace();
    matches!(
        (tokens.next(), tokens.next(), tokens.next()),
        (Some(d), Some("inventory.json"), None) if d.eq_ignore_ascii_case(&digest_bytes(alg, inventory))
    )
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(Error::io(dir))?;
    }
    let mut f = File::create(path).map_err(Error::io(path))?;
    f.write_all(bytes).map_err(Error::io(path))?;
    f.sync_all().map_err(Error::io(path))
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(dir))
}

/// Flushes every directory under `dir` (files were flushed as they were written), so that a
/// rename of `dir` publishes entries that are on disk.
fn sync_tree(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(Error::io(dir))? {
        let entry = entry.map_err(Error::io(dir))?;
        if entry.file_type().map_err(Error::io(entry.path()))?.is_dir() {
            sync_tree(&entry.path())?;
        }
    }
    sync_dir(dir)
}

/// Replaces `target` by rename from a flushed temporary file in `stage` (outside the object,
/// so a crash never leaves a temporary file inside it), then flushes the target's directory.
fn replace_file(stage: &Path, target: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix("replace-")
        .tempfile_in(stage)
        .map_err(Error::io(stage))?;
    tmp.write_all(bytes).map_err(Error::io(tmp.path()))?;
    tmp.as_file().sync_all().map_err(Error::io(tmp.path()))?;
    tmp.persist(target)
        .map_err(|e| Error::io(target)(e.error))?;
    if let Some(dir) = target.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}

/// Simulates a crash: the staging directory stays behind, as it would.
fn crash(mut staging: tempfile::TempDir, point: u32) -> Result<Commit> {
    staging.disable_cleanup(true);
    Err(Error::InjectedFault {
        path: staging.path().to_path_buf(),
        point,
    })
}

fn stray(vdir: &Path) -> Error {
    invalid(
        vdir,
        "is a version directory that the root inventory does not list and that is not a \
         complete version; it was left alone: inspect it, and remove it by hand if it is debris",
    )
}

/// A storage root or object that is not what editio wrote, or that the new version would
/// contradict: `path` names the file or folder, `problem` says what is wrong and what to do.
fn invalid(path: &Path, problem: &str) -> Error {
    Error::Store {
        path: path.to_path_buf(),
        problem: problem.to_owned(),
    }
}

//! The OCFL 1.1 validator behind `editio verify`: checks an object (declaration, inventories
//! and sidecars, version directories, every content file's digest and fixity) or a whole
//! storage root, and returns *all* findings as data with the spec's validation codes. It never
//! follows a symlink (a symlink is itself a finding), reads inventories with a size limit, and
//! hashes content in parallel with fixed-size buffers.

use super::codes::*;
use super::digest::{Algorithm, digest_bytes, digest_listed_file};
use super::inventory::{self, Context, Inventory, SpecVersion, VersionBlock, VersionName};
use super::json::{self, Json};
use super::layout::{self, Layout};
use super::{MAX_INVENTORY_BYTES, ROOT_DECLARATION, finding};
use crate::diagnostic::{Code, Diagnostic};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Largest sidecar, declaration or layout file that is read: they hold one line or a few keys.
const SMALL_FILE_LIMIT: u64 = 64 * 1024;

/// Validates the OCFL object whose root is `path`. `Err` only when `path` is not a readable
/// directory; everything found inside is returned as findings (empty: valid, no warnings).
pub fn validate_object(path: &Path) -> Result<Vec<Diagnostic>> {
    validate_object_with(path, false)
}

/// [`validate_object`]; with `fast`, content files are checked for presence but their
/// digests are not computed.
pub fn validate_object_with(path: &Path, fast: bool) -> Result<Vec<Diagnostic>> {
    validate_object_from(path, fast, None)
}

/// The digests of content files that are not read from this disk (object storage streams
/// them as they arrive): asked first for each content file to digest, with the algorithms
/// wanted; `None` means "read the file here".
pub type ContentDigests<'a> =
    &'a (dyn Fn(&Path, &[Algorithm]) -> Option<std::io::Result<Vec<(Algorithm, String)>>> + Sync);

/// [`validate_object_with`], content digests asked of `digests` first.
pub fn validate_object_from(
    path: &Path,
    fast: bool,
    digests: Option<ContentDigests<'_>>,
) -> Result<Vec<Diagnostic>> {
    require_dir(path)?;
    let mut check = ObjectCheck::new(path);
    check.fast = fast;
    check.digests = digests;
    check.run();
    Ok(check.out)
}

/// Validates a storage root: its declaration, `ocfl_layout.json`, extensions, the directory
/// hierarchy (found by walking it, not by trusting the layout) and every object in it.
pub fn validate_storage_root(path: &Path) -> Result<Vec<Diagnostic>> {
    validate_storage_root_with(path, false)
}

/// [`validate_storage_root`]; with `fast`, content files are checked for presence but their
/// digests are not computed.
pub fn validate_storage_root_with(path: &Path, fast: bool) -> Result<Vec<Diagnostic>> {
    validate_storage_root_from(path, fast, None)
}

/// [`validate_storage_root_with`], content digests asked of `digests` first.
pub fn validate_storage_root_from(
    path: &Path,
    fast: bool,
    digests: Option<ContentDigests<'_>>,
) -> Result<Vec<Diagnostic>> {
    require_dir(path)?;
    let mut out = Vec::new();
    let entries = list_dir(path, &mut out);

    // Declaration: exactly one 0=ocfl_1.x holding its own name.
    let decls: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.kind == Kind::File && e.name.starts_with("0="))
        .collect();
    let mut root_spec = SpecVersion::V1_1;
    match decls.len() {
        0 => out.push(finding(
            E069,
            path,
            format!("the storage root has no {ROOT_DECLARATION} declaration file"),
        )),
        1 => {}
        n => out.push(finding(
            E076,
            path,
            format!("the storage root has {n} declaration files; there must be exactly one"),
        )),
    }
    for d in &decls {
        match d
            .name
            .strip_prefix("0=ocfl_")
            .and_then(SpecVersion::from_number)
        {
            Some(v) => {
                root_spec = v;
                let want = format!("ocfl_{}\n", v.number());
                if json::read_listed(&d.path, SMALL_FILE_LIMIT).ok().as_deref()
                    != Some(want.as_bytes())
                {
                    out.push(finding(
                        E080,
                        &d.path,
                        format!("the declaration must contain exactly {want:?}"),
                    ));
                }
            }
            None => out.push(finding(
                E079,
                &d.path,
                format!(
                    "{} is not a storage root declaration such as 0=ocfl_1.1",
                    d.name
                ),
            )),
        }
    }

    // Layout.
    let mut layout: Option<Layout> = None;
    if let Some(e) = entries.iter().find(|e| e.name == "ocfl_layout.json") {
        let parsed = json::read_limited(&e.path, SMALL_FILE_LIMIT)
            .and_then(|b| json::parse(&b))
            .map_err(|err| err.to_string());
        match parsed {
            Err(why) => out.push(finding(E070, &e.path, format!("ocfl_layout.json {why}"))),
            Ok(j) => match (
                j.get("extension").and_then(Json::as_str),
                j.get("description").and_then(Json::as_str),
            ) {
                (Some(ext), Some(_)) => {
                    if !layout::REGISTERED_ROOT_EXTENSIONS.contains(&ext) {
                        out.push(finding(
                            E071,
                            &e.path,
                            format!("layout extension \"{ext}\" is not a registered extension"),
                        ));
                    } else {
                        let config_path = path.join("extensions").join(ext).join("config.json");
                        let config = json::read_limited(&config_path, SMALL_FILE_LIMIT)
                            .ok()
                            .and_then(|b| json::parse(&b).ok());
                        match Layout::from_config(ext, config.as_ref()) {
                            Ok(l) => layout = Some(l),
                            Err(why) if config.is_some() => out.push(finding(
                                E071,
                                &config_path,
                                format!("the layout configuration is unusable: {why}"),
                            )),
                            // A registered layout editio does not implement: nothing to check.
                            Err(_) => {}
                        }
                    }
                }
                _ => out.push(finding(
                    E070,
                    &e.path,
                    "ocfl_layout.json must be an object with string keys \"extension\" and \
                     \"description\"",
                )),
            },
        }
    }

    // Extensions, then the object hierarchy. The hierarchy is walked in parallel and each
    // object is checked where it is found (each one also hashes its files in parallel), so
    // that both cores stay busy from the first directory on; findings keep the order of a
    // sequential walk: the hierarchy's own, then each object's in the order found.
    let walk = Walk {
        fast,
        digests,
        root: path,
        root_spec,
        layout: layout.as_ref(),
    };
    let per_entry: Vec<Walked> = entries
        .par_iter()
        .map(|e| match (e.kind, e.name.as_str()) {
            (Kind::Dir, "extensions") => {
                let mut found = Walked::default();
                for x in list_dir(&e.path, &mut found.findings) {
                    match x.kind {
                        Kind::Dir
                            if !layout::REGISTERED_ROOT_EXTENSIONS.contains(&x.name.as_str()) =>
                        {
                            found.findings.push(finding(
                                W016,
                                &x.path,
                                format!(
                                    "extension directory {} is not a registered extension",
                                    x.name
                                ),
                            ))
                        }
                        Kind::Dir | Kind::Symlink => {}
                        _ => found.findings.push(finding(
                            E112,
                            &x.path,
                            "the storage root's extensions directory may only hold extension \
                             directories",
                        )),
                    }
                }
                found
            }
            (Kind::Dir, _) => walk.hierarchy(&e.path),
            // Other files at the top (e.g. the spec copy ocfl_1.1.md) are ignored (E087).
            _ => Walked::default(),
        })
        .collect();
    let mut objects = Vec::new();
    for w in per_entry {
        out.extend(w.findings);
        objects.extend(w.objects);
    }
    out.extend(objects.into_iter().flatten());
    Ok(out)
}

/// What a part of the storage hierarchy holds: findings about the hierarchy itself, and each
/// object's findings, in the order found.
#[derive(Default)]
struct Walked {
    findings: Vec<Diagnostic>,
    objects: Vec<Vec<Diagnostic>>,
}

impl Walked {
    fn append(&mut self, other: Walked) {
        self.findings.extend(other.findings);
        self.objects.extend(other.objects);
    }
}

/// What checking an object needs to know about its storage root.
struct Walk<'a> {
    root: &'a Path,
    fast: bool,
    digests: Option<ContentDigests<'a>>,
    root_spec: SpecVersion,
    layout: Option<&'a Layout>,
}

impl Walk<'_> {
    /// Finds object roots below a storage root: a directory holding a `0=ocfl_object_*` file
    /// is an object, checked at once and not descended into; any other file on the way is out
    /// of place.
    fn hierarchy(&self, dir: &Path) -> Walked {
        let mut here = Walked::default();
        let mut listing = Vec::new();
        let entries = list_dir(dir, &mut listing);
        if entries
            .iter()
            .any(|e| e.kind == Kind::File && e.name.starts_with("0=ocfl_object_"))
        {
            // What listing an object's root found (its symlinks) belongs to the object, and is
            // reported once, there.
            here.objects.push(self.object(dir, entries, listing));
            return here;
        }
        here.findings = listing;
        if entries.is_empty() {
            here.findings
                .push(finding(E073, dir, "empty directory under the storage root"));
            return here;
        }
        let below: Vec<Walked> = entries
            .par_iter()
            .map(|e| match e.kind {
                Kind::Dir => self.hierarchy(&e.path),
                Kind::Symlink => Walked::default(),
                _ => Walked {
                    findings: vec![finding(
                        E072,
                        &e.path,
                        "file in the storage hierarchy that is not part of an OCFL object",
                    )],
                    objects: Vec::new(),
                },
            })
            .collect();
        for w in below {
            here.append(w);
        }
        here
    }

    /// Checks the object at `obj`, whose entries were just listed (with `listing`, what the
    /// listing found), against the storage root.
    fn object(&self, obj: &Path, entries: Vec<Entry>, listing: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut check = ObjectCheck::new(obj);
        check.fast = self.fast;
        check.digests = self.digests;
        if let Some(spec) = object_declared_version(&entries)
            && spec > self.root_spec
        {
            check.out.push(finding(
                E081,
                obj,
                format!(
                    "the object declares OCFL {} but the storage root only {}",
                    spec.number(),
                    self.root_spec.number()
                ),
            ));
        }
        check.out.extend(listing);
        check.run_listed(entries);
        if let (Some(layout), Some(id)) = (self.layout, &check.id) {
            let expected = self.root.join(layout.object_path(id));
            if expected != *obj {
                check.out.push(finding(
                    E083,
                    obj,
                    format!(
                        "object {id} is stored at {} but the storage layout {} puts it at {}",
                        obj.display(),
                        layout.extension,
                        expected.display()
                    ),
                ));
            }
        }
        check.out
    }
}

fn require_dir(path: &Path) -> Result<()> {
    let meta = fs::symlink_metadata(path).map_err(Error::io(path))?;
    if meta.is_dir() {
        Ok(())
    } else {
        Err(Error::NotADirectory {
            path: path.to_path_buf(),
        })
    }
}

/// The OCFL version an object's declaration names (the first by name, when there are
/// several), from its root's entries.
fn object_declared_version(entries: &[Entry]) -> Option<SpecVersion> {
    entries.iter().find_map(|e| {
        e.name
            .strip_prefix("0=ocfl_object_")
            .and_then(SpecVersion::from_number)
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Symlink,
    Other,
}

struct Entry {
    name: String,
    path: PathBuf,
    kind: Kind,
}

/// A directory's entries sorted by name, without following symlinks. Symlinks are reported
/// (E090) and returned as such so that callers skip them; an unreadable directory is reported.
fn list_dir(dir: &Path, out: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let reader = match fs::read_dir(dir) {
        Ok(r) => r,
        Err(e) => {
            out.push(finding(E001, dir, format!("directory cannot be read: {e}")));
            return Vec::new();
        }
    };
    let mut entries = Vec::new();
    for item in reader {
        let item = match item {
            Ok(i) => i,
            Err(e) => {
                out.push(finding(E001, dir, format!("directory cannot be read: {e}")));
                continue;
            }
        };
        let path = item.path();
        // The type comes with the listing (d_type), without a stat of each entry; only a file
        // system that does not report it costs an lstat (std does that then).
        let kind = match item.file_type() {
            Ok(t) if t.is_symlink() => Kind::Symlink,
            Ok(t) if t.is_dir() => Kind::Dir,
            Ok(t) if t.is_file() => Kind::File,
            _ => Kind::Other,
        };
        if kind == Kind::Symlink {
            out.push(finding(
                E090,
                &path,
                "symbolic link; OCFL storage must not use links (it was not followed)",
            ));
        }
        entries.push(Entry {
            name: item.file_name().to_string_lossy().into_owned(),
            path,
            kind,
        });
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

/// A version inventory that was read.
struct VersionInventory {
    number: u32,
    path: PathBuf,
    /// `None` when the file holds the very bytes of the root inventory, which read without
    /// findings: it then says what the root inventory says, and is not parsed again.
    inv: Option<Inventory>,
}

impl VersionInventory {
    fn get<'a>(&'a self, root_inv: &'a Inventory) -> &'a Inventory {
        self.inv.as_ref().unwrap_or(root_inv)
    }
}

/// A content file found on disk.
struct ContentFile {
    path: PathBuf,
    version: u32,
}

/// One digest a content file must have, and where that claim comes from.
struct Expectation {
    algorithm: Algorithm,
    digest: String,
    code: Code,
    source: PathBuf,
}

struct ObjectCheck<'a> {
    root: PathBuf,
    out: Vec<Diagnostic>,
    /// The object's id, once the root inventory gave one.
    id: Option<String>,
    /// Whether the root inventory was read without findings.
    root_inventory_clean: bool,
    /// The last inventory digest computed for a sidecar check (algorithm, bytes, digest): a
    /// version's inventory is mostly a copy of the root inventory.
    inventory_digest: Option<(Algorithm, Vec<u8>, String)>,
    /// Content files are checked for presence only, not digested.
    fast: bool,
    /// Where content digests come from when not from this disk.
    digests: Option<ContentDigests<'a>>,
}

impl ObjectCheck<'_> {
    fn new(root: &Path) -> Self {
        ObjectCheck {
            root: root.to_path_buf(),
            out: Vec::new(),
            id: None,
            root_inventory_clean: false,
            inventory_digest: None,
            fast: false,
            digests: None,
        }
    }

    fn push(&mut self, code: Code, path: &Path, message: impl Into<String>) {
        self.out.push(finding(code, path, message));
    }

    fn run(&mut self) {
        let entries = list_dir(&self.root, &mut self.out);
        self.run_listed(entries);
    }

    /// [`Self::run`] with the object root's entries already listed.
    fn run_listed(&mut self, entries: Vec<Entry>) {
        let root = self.root.clone();
        let mut decls = Vec::new();
        let mut has_inventory = false;
        let mut sidecars = Vec::new();
        let mut version_dirs: BTreeMap<u32, String> = BTreeMap::new();
        for e in &entries {
            match (e.kind, e.name.as_str()) {
                (Kind::Symlink, _) => {}
                (Kind::File, n) if n.starts_with("0=") => decls.push(e),
                (Kind::File, "inventory.json") => has_inventory = true,
                (Kind::File, n) if n.starts_with("inventory.json.") => {
                    sidecars.push(e.name.clone())
                }
                (Kind::Dir, n) if VersionName::parse(n).is_some() => {
                    let number = VersionName::parse(n).map_or(0, |v| v.number);
                    if let Some(other) = version_dirs.insert(number, e.name.clone()) {
                        self.push(
                            E012,
                            &e.path,
                            format!("version directories {other} and {n} have the same number"),
                        );
                    }
                }
                (Kind::Dir, "logs") => {}
                (Kind::Dir, "extensions") => self.check_extensions(&e.path),
                (Kind::Dir, n) => self.push(
                    E001,
                    &e.path,
                    format!("unexpected directory \"{n}\" in the object root"),
                ),
                (_, n) => self.push(
                    E001,
                    &e.path,
                    format!("unexpected file \"{n}\" in the object root"),
                ),
            }
        }

        // Declaration.
        let mut declared = SpecVersion::V1_1;
        match decls.len() {
            0 => self.push(
                E003,
                &root,
                "the object has no declaration file 0=ocfl_object_1.1",
            ),
            1 => {}
            n => self.push(
                E003,
                &root,
                format!("the object has {n} declaration files; there must be exactly one"),
            ),
        }
        for d in decls {
            match d
                .name
                .strip_prefix("0=ocfl_object_")
                .and_then(SpecVersion::from_number)
            {
                Some(v) => {
                    declared = v;
                    let want = format!("ocfl_object_{}\n", v.number());
                    if json::read_listed(&d.path, SMALL_FILE_LIMIT).ok().as_deref()
                        != Some(want.as_bytes())
                    {
                        self.push(
                            E007,
                            &d.path,
                            format!("the declaration must contain exactly {want:?}"),
                        );
                    }
                }
                None => self.push(
                    E006,
                    &d.path,
                    format!(
                        "{} is not an object declaration such as 0=ocfl_object_1.1",
                        d.name
                    ),
                ),
            }
        }

        // Root inventory and its sidecar.
        let inv_path = root.join("inventory.json");
        if !has_inventory {
            self.push(E063, &inv_path, "the object has no root inventory.json");
            return;
        }
        let ctx = Context {
            path: &inv_path,
            declared: Some(declared),
            warnings: true,
        };
        let before = self.out.len();
        let Some((root_bytes, inv)) = inventory::read_listed(&ctx, &mut self.out) else {
            return;
        };
        self.root_inventory_clean = self.out.len() == before;
        self.id = inv.id.clone();
        self.check_sidecar(&root, &root_bytes, &inv, &sidecars, true);

        // Version directories against the inventory's versions.
        let listed: HashSet<&str> = inv.versions.iter().map(|v| v.name.as_str()).collect();
        for (number, name) in &version_dirs {
            if !listed.contains(name.as_str()) {
                let head = inv.head.as_deref().unwrap_or("?");
                self.push(
                    E046,
                    &root.join(name),
                    format!(
                        "version directory {name} is not a version in the root inventory \
                         (head {head}){}",
                        if inv.versions.iter().all(|v| v.number < *number) {
                            "; the root inventory is not the most recent"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
        for v in &inv.versions {
            if version_dirs.get(&v.number) != Some(&v.name) {
                self.push(
                    E010,
                    &root.join(&v.name),
                    format!("version directory {} is missing", v.name),
                );
            }
        }

        // Each version directory.
        let mut files: BTreeMap<String, ContentFile> = BTreeMap::new();
        let mut version_invs: Vec<VersionInventory> = Vec::new();
        let mut previous_spec: Option<(String, SpecVersion)> = None;
        let head_number = inv.head_version().map(|v| v.number);
        for v in &inv.versions {
            if version_dirs.get(&v.number) != Some(&v.name) {
                continue;
            }
            let vdir = root.join(&v.name);
            if let Some(vi) = self.check_version_dir(
                &vdir,
                v,
                &inv,
                &root_bytes,
                head_number == Some(v.number),
                &mut files,
            ) {
                if let Some(spec) = vi.get(&inv).spec {
                    if let Some((prev_name, prev)) = &previous_spec
                        && spec < *prev
                    {
                        self.push(
                            E103,
                            &vi.path,
                            format!(
                                "this inventory is OCFL {} but the earlier {prev_name} is OCFL {}",
                                spec.number(),
                                prev.number()
                            ),
                        );
                    }
                    previous_spec = Some((v.name.clone(), spec));
                }
                version_invs.push(vi);
            }
        }
        if let (Some((prev_name, prev)), Some(spec)) = (&previous_spec, inv.spec)
            && spec < *prev
        {
            self.push(
                E103,
                &inv_path,
                format!(
                    "the root inventory is OCFL {} but {prev_name} is OCFL {}",
                    spec.number(),
                    prev.number()
                ),
            );
        }

        self.check_content(&inv_path, &inv, &version_invs, &files);
    }

    fn check_extensions(&mut self, dir: &Path) {
        for x in list_dir(dir, &mut self.out) {
            match x.kind {
                Kind::Symlink => {}
                Kind::Dir => {
                    if !layout::REGISTERED_OBJECT_EXTENSIONS.contains(&x.name.as_str()) {
                        self.push(
                            W013,
                            &x.path,
                            format!(
                                "extension directory {} is not a registered extension",
                                x.name
                            ),
                        );
                    }
                }
                _ => self.push(
                    E067,
                    &x.path,
                    "the extensions directory may only hold extension directories",
                ),
            }
        }
    }

    /// Checks `inventory.json.<algorithm>` in `dir` against the inventory bytes.
    fn check_sidecar(
        &mut self,
        dir: &Path,
        bytes: &[u8],
        inv: &Inventory,
        sidecars: &[String],
        root: bool,
    ) {
        let Some(alg) = inv.digest_algorithm else {
            return;
        };
        let name = format!("inventory.json.{}", alg.name());
        for other in sidecars.iter().filter(|s| **s != name) {
            let code = if root { E001 } else { E015 };
            self.push(
                code,
                &dir.join(other),
                format!("unexpected sidecar {other}; the inventory's digestAlgorithm is {alg}"),
            );
        }
        if !sidecars.contains(&name) {
            self.push(
                E058,
                &dir.join(&name),
                format!("inventory.json has no sidecar {name}"),
            );
            return;
        }
        let path = dir.join(&name);
        let text = match json::read_listed(&path, SMALL_FILE_LIMIT) {
            Ok(t) => String::from_utf8_lossy(&t).into_owned(),
            Err(e) => {
                self.push(E061, &path, format!("sidecar {e}"));
                return;
            }
        };
        let mut tokens = text.split_whitespace();
        let (digest, file, rest) = (tokens.next(), tokens.next(), tokens.next());
        let well_formed = matches!(file, Some("inventory.json"))
            && rest.is_none()
            && digest.is_some_and(|d| {
                d.len() == alg.hex_len() && d.bytes().all(|b| b.is_ascii_hexdigit())
            });
        let Some(digest) = digest.filter(|_| well_formed) else {
            self.push(
                E061,
                &path,
                format!("the sidecar must read \"<{alg} digest> inventory.json\""),
            );
            return;
        };
        let actual = match &self.inventory_digest {
            Some((a, b, d)) if *a == alg && b.as_slice() == bytes => d.clone(),
            _ => {
                let d = digest_bytes(alg, bytes);
                self.inventory_digest = Some((alg, bytes.to_vec(), d.clone()));
                d
            }
        };
        if !digest.eq_ignore_ascii_case(&actual) {
            self.push(
                E060,
                &path,
                format!("the sidecar says {digest} but inventory.json has {alg} {actual}"),
            );
        }
    }

    fn check_version_dir(
        &mut self,
        vdir: &Path,
        version: &VersionBlock,
        root_inv: &Inventory,
        root_bytes: &[u8],
        is_head: bool,
        files: &mut BTreeMap<String, ContentFile>,
    ) -> Option<VersionInventory> {
        let name = &version.name;
        let mut has_inventory = false;
        let mut sidecars = Vec::new();
        let cd = root_inv.content_directory.clone();
        for e in list_dir(vdir, &mut self.out) {
            match (e.kind, e.name.as_str()) {
                (Kind::Symlink, _) => {}
                (Kind::File, "inventory.json") => has_inventory = true,
                (Kind::File, n) if n.starts_with("inventory.json.") => {
                    sidecars.push(e.name.clone())
                }
                (Kind::Dir, n) if n == cd => {
                    let before = files.len();
                    self.walk_content(&e.path, &format!("{name}/{cd}"), version.number, files);
                    if files.len() == before {
                        self.push(
                            W003,
                            &e.path,
                            format!("version {name} has an empty content directory"),
                        );
                    }
                }
                // With a path-like (invalid, E017) contentDirectory its first element is no
                // stray directory.
                (Kind::Dir, n) if cd.split('/').next() == Some(n) => {}
                (Kind::Dir, n) => self.push(
                    W002,
                    &e.path,
                    format!(
                        "version {name} has a directory \"{n}\" besides its content directory \
                         \"{cd}\" (ignored)"
                    ),
                ),
                (_, n) => self.push(
                    E015,
                    &e.path,
                    format!(
                        "version {name} has a file \"{n}\" outside its content directory \"{cd}\""
                    ),
                ),
            }
        }
        // When the content directory is a path (an invalid contentDirectory, E017), follow it
        // anyway so that the files it holds are still checked.
        if cd.contains('/')
            && !cd.starts_with('/')
            && !cd.split('/').any(|p| p == ".." || p.is_empty())
        {
            let dir = vdir.join(&cd);
            if dir.is_dir() {
                self.walk_content(&dir, &format!("{name}/{cd}"), version.number, files);
            }
        }

        let inv_path = vdir.join("inventory.json");
        if !has_inventory {
            self.push(
                W010,
                &inv_path,
                format!("version {name} has no inventory.json of its own"),
            );
            return None;
        }
        let ctx = Context {
            path: &inv_path,
            declared: None,
            warnings: false,
        };
        let bytes = match json::read_listed(&inv_path, MAX_INVENTORY_BYTES) {
            Ok(b) => b,
            Err(e) => {
                self.push(E033, &inv_path, format!("inventory {e}"));
                return None;
            }
        };
        // The same bytes as a root inventory that read without findings give the same
        // inventory, and no findings either (this context checks less): not parsed again.
        let parsed = if bytes == root_bytes && self.root_inventory_clean {
            None
        } else {
            Some(inventory::from_bytes(&bytes, &ctx, &mut self.out)?)
        };
        let inv = parsed.as_ref().unwrap_or(root_inv);
        self.check_sidecar(vdir, &bytes, inv, &sidecars, false);

        if inv.head.as_deref() != Some(name.as_str()) {
            self.push(
                E040,
                &inv_path,
                format!(
                    "the inventory in {name} has head {}, not {name}",
                    inv.head.as_deref().unwrap_or("(none)")
                ),
            );
        }
        if inv.id.is_some() && inv.id != root_inv.id {
            self.push(
                E037,
                &inv_path,
                format!(
                    "the inventory in {name} has id {:?} but the root inventory {:?}; an object's \
                     id must not change between versions (E110)",
                    inv.id.as_deref().unwrap_or(""),
                    root_inv.id.as_deref().unwrap_or("")
                ),
            );
        }
        if inv.content_directory != root_inv.content_directory {
            self.push(
                E019,
                &inv_path,
                format!(
                    "contentDirectory is \"{}\" in {name} but \"{}\" in the root inventory; it \
                     must not change between versions",
                    inv.content_directory, root_inv.content_directory
                ),
            );
        }
        if let (Some(a), Some(b)) = (inv.digest_algorithm, root_inv.digest_algorithm)
            && a != b
        {
            self.push(
                W004,
                &inv_path,
                format!("version {name} uses digestAlgorithm {a}, the root inventory {b}"),
            );
        }

        if is_head {
            if bytes != root_bytes {
                self.push(
                    E064,
                    &inv_path,
                    format!(
                        "the inventory of the head version {name} differs from the root \
                         inventory.json; they must be identical"
                    ),
                );
            }
        } else {
            self.compare_prior(&inv_path, inv, root_inv, version.number);
        }
        Some(VersionInventory {
            number: version.number,
            path: inv_path,
            inv: parsed,
        })
    }

    /// A prior version's inventory must describe its versions as the root inventory does.
    fn compare_prior(
        &mut self,
        inv_path: &Path,
        inv: &Inventory,
        root_inv: &Inventory,
        number: u32,
    ) {
        for rv in root_inv.versions.iter().filter(|v| v.number <= number) {
            let Some(pv) = inv.version(&rv.name) else {
                self.push(
                    E066,
                    inv_path,
                    format!(
                        "this inventory has no version {} although the root inventory does",
                        rv.name
                    ),
                );
                continue;
            };
            if let Some(diff) = state_difference(root_inv, rv, inv, pv) {
                self.push(
                    E066,
                    inv_path,
                    format!(
                        "version {} here describes a different state than in the root inventory: {diff}",
                        rv.name
                    ),
                );
            }
            for (key, a, b) in [
                (
                    "created",
                    rv.created.clone().map(Json::String),
                    pv.created.clone().map(Json::String),
                ),
                ("message", rv.message.clone(), pv.message.clone()),
                (
                    "user",
                    rv.user.as_ref().map(Json::sorted),
                    pv.user.as_ref().map(Json::sorted),
                ),
            ] {
                if a != b {
                    self.push(
                        W011,
                        inv_path,
                        format!(
                            "version {} \"{key}\" here differs from the root inventory",
                            rv.name
                        ),
                    );
                }
            }
        }
        for pv in &inv.versions {
            if root_inv.version(&pv.name).is_none() {
                self.push(
                    E066,
                    inv_path,
                    format!(
                        "this inventory has version {}, which the root inventory lacks",
                        pv.name
                    ),
                );
            }
        }
    }

    fn walk_content(
        &mut self,
        dir: &Path,
        prefix: &str,
        version: u32,
        files: &mut BTreeMap<String, ContentFile>,
    ) {
        let entries = list_dir(dir, &mut self.out);
        if entries.is_empty() {
            self.push(E024, dir, "empty directory in a content directory");
        }
        for e in entries {
            let content_path = format!("{prefix}/{}", e.name);
            match e.kind {
                Kind::Symlink => {}
                Kind::Dir => self.walk_content(&e.path, &content_path, version, files),
                Kind::File => {
                    files.insert(
                        content_path,
                        ContentFile {
                            path: e.path,
                            version,
                        },
                    );
                }
                Kind::Other => self.push(
                    E023,
                    &e.path,
                    "not a regular file; content must be regular files",
                ),
            }
        }
    }

    /// Files against manifests (root and every version inventory), then every digest.
    fn check_content(
        &mut self,
        root_inv_path: &Path,
        root_inv: &Inventory,
        version_invs: &[VersionInventory],
        files: &BTreeMap<String, ContentFile>,
    ) {
        let mut inventories: Vec<(&Path, &Inventory, Option<u32>)> =
            vec![(root_inv_path, root_inv, None)];
        for vi in version_invs {
            inventories.push((&vi.path, vi.get(root_inv), Some(vi.number)));
        }

        let mut expectations: BTreeMap<&str, Vec<Expectation>> = BTreeMap::new();
        let mut fixity_missing: Vec<(PathBuf, String, String)> = Vec::new();
        // One finding per file, naming every inventory concerned.
        let mut unlisted: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut absent: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let root_listed = content_paths(root_inv);
        for (i, (inv_path, inv, covers)) in inventories.iter().enumerate() {
            // A version inventory that is the root inventory (the same bytes) lists the same
            // paths, and its digests are expected already.
            let same_as_root = i > 0 && std::ptr::eq(*inv, root_inv);
            let own;
            let listed = if i == 0 || same_as_root {
                &root_listed
            } else {
                own = content_paths(inv);
                &own
            };
            let what = self.rel(inv_path);
            for (cp, f) in files {
                if covers.is_none_or(|n| f.version <= n) && !listed.contains(cp.as_str()) {
                    unlisted.entry(cp.as_str()).or_default().push(what.clone());
                }
            }
            for cp in listed.iter().filter(|cp| !files.contains_key(**cp)) {
                absent
                    .entry((*cp).to_owned())
                    .or_default()
                    .push(what.clone());
            }

            let mut add = |cp: &str, algorithm: Algorithm, digest: &str, code: Code| {
                let Some((key, _)) = files.get_key_value(cp) else {
                    return;
                };
                let digest = digest.to_ascii_lowercase();
                let list = expectations.entry(key.as_str()).or_default();
                if !list
                    .iter()
                    .any(|x| x.algorithm == algorithm && x.digest == digest && x.code == code)
                {
                    list.push(Expectation {
                        algorithm,
                        digest,
                        code,
                        source: inv_path.to_path_buf(),
                    });
                }
            };
            if let Some(alg) = inv.digest_algorithm.filter(|_| !same_as_root) {
                for (d, paths) in &inv.manifest {
                    for cp in paths {
                        add(cp, alg, d, E092);
                    }
                }
            }
            for (alg_name, entries) in &inv.fixity {
                for cp in entries.iter().flat_map(|(_, paths)| paths) {
                    if !files.contains_key(cp.as_str()) {
                        fixity_missing.push((inv_path.to_path_buf(), alg_name.clone(), cp.clone()));
                    }
                }
                // Algorithms editio cannot compute are ignored, as the spec requires (E028).
                let Some(alg) = Algorithm::from_name(alg_name).filter(|_| !same_as_root) else {
                    continue;
                };
                for (d, paths) in entries {
                    for cp in paths {
                        add(cp, alg, d, E093);
                    }
                }
            }
        }

        for (cp, invs) in unlisted {
            if let Some(f) = files.get(cp) {
                self.push(
                    E023,
                    &f.path,
                    format!(
                        "content file {cp} is not in the manifest of {}",
                        invs.join(", ")
                    ),
                );
            }
        }
        for (cp, invs) in absent {
            self.push(
                E092,
                &self.root.join(&cp),
                format!(
                    "content file {cp}, listed in the manifest of {}, does not exist",
                    invs.join(", ")
                ),
            );
        }
        for (inv_path, alg, cp) in fixity_missing {
            let what = self.rel(&inv_path);
            self.push(
                E093,
                &self.root.join(&cp),
                format!("content file {cp}, given a {alg} fixity value in {what}, does not exist"),
            );
        }

        if self.fast {
            return;
        }
        let work: Vec<(&str, &ContentFile, Vec<Expectation>)> = expectations
            .into_iter()
            .filter_map(|(cp, ex)| files.get(cp).map(|f| (cp, f, ex)))
            .collect();
        let root = &self.root;
        let digests = self.digests;
        let results: Vec<Vec<Diagnostic>> = work
            .par_iter()
            .map(|(cp, f, ex)| {
                let algorithms: Vec<Algorithm> = ex.iter().map(|x| x.algorithm).collect();
                let actual = digests
                    .as_ref()
                    .and_then(|d| d(&f.path, &algorithms))
                    .unwrap_or_else(|| digest_listed_file(&f.path, &algorithms));
                let actual = match actual {
                    Ok(a) => a,
                    Err(e) => {
                        return vec![finding(
                            E092,
                            &f.path,
                            format!("content file {cp} cannot be read: {e}"),
                        )];
                    }
                };
                ex.iter()
                    .filter_map(|x| {
                        let got = actual.iter().find(|(a, _)| *a == x.algorithm)?;
                        (got.1 != x.digest).then(|| {
                            let source = x.source.strip_prefix(root).unwrap_or(&x.source);
                            let block = if x.code == E093 { "fixity" } else { "manifest" };
                            finding(
                                x.code,
                                &f.path,
                                format!(
                                    "content file {cp} has {} {} but the {block} of {} says {}",
                                    x.algorithm,
                                    got.1,
                                    source.display(),
                                    x.digest
                                ),
                            )
                        })
                    })
                    .collect()
            })
            .collect();
        self.out.extend(results.into_iter().flatten());
    }

    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// The content paths an inventory's manifest lists.
fn content_paths(inv: &Inventory) -> HashSet<&str> {
    inv.manifest
        .iter()
        .flat_map(|(_, paths)| paths.iter().map(String::as_str))
        .collect()
}

/// How version block `b` of inventory `ib` differs from block `a` of inventory `ia`, if at all.
/// With the same digest algorithm the logical paths and digests must agree; across algorithms
/// the logical paths must lead to the same content paths.
fn state_difference(
    ia: &Inventory,
    a: &VersionBlock,
    ib: &Inventory,
    b: &VersionBlock,
) -> Option<String> {
    let (la, lb) = (a.logical_map(), b.logical_map());
    let only = |x: &BTreeMap<&str, String>, y: &BTreeMap<&str, String>| {
        x.keys()
            .find(|k| !y.contains_key(*k))
            .map(|k| k.to_string())
    };
    if let Some(p) = only(&la, &lb) {
        return Some(format!("logical path {p} is missing"));
    }
    if let Some(p) = only(&lb, &la) {
        return Some(format!("it has an extra logical path {p}"));
    }
    if ia.digest_algorithm == ib.digest_algorithm {
        return la
            .iter()
            .find(|(p, d)| lb.get(*p) != Some(*d))
            .map(|(p, _)| format!("logical path {p} has another digest"));
    }
    let (da, db) = (ia.digest_map(), ib.digest_map());
    fn content<'a>(map: &HashMap<String, Vec<&'a str>>, d: &str) -> Vec<&'a str> {
        let mut v = map.get(d).cloned().unwrap_or_default();
        v.sort_unstable();
        v
    }
    la.iter()
        .find(|(p, d)| {
            let other = lb.get(*p).map(|d2| content(&db, d2)).unwrap_or_default();
            content(&da, d) != other
        })
        .map(|(p, _)| format!("logical path {p} leads to other content"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::ocfl::{Content, StorageRoot, VersionMeta};

    fn root_with_two_objects(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
        let path = dir.join("ocfl");
        let root = StorageRoot::create_or_open(&path).unwrap();
        let meta = VersionMeta {
            created: time::macros::datetime!(2026-01-02 10:00:00 UTC),
            message: "First".into(),
            user_name: "A. Editor".into(),
            user_address: Some("mailto:editor@example.org".into()),
        };
        for (id, text) in [("urn:x:a", "one"), ("urn:x:b", "two")] {
            let files = [
                (
                    "a.txt".to_string(),
                    Content::Bytes(text.as_bytes().to_vec()),
                ),
                ("d/b.txt".to_string(), Content::Bytes(b"shared".to_vec())),
            ];
            root.commit(id, &files, &meta).unwrap();
        }
        let (a, b) = (root.object_path("urn:x:a"), root.object_path("urn:x:b"));
        (path, a, b)
    }

    #[test]
    fn storage_root_findings_match_the_objects_own() {
        let dir = tempfile::tempdir().unwrap();
        let (path, a, b) = root_with_two_objects(dir.path());
        assert!(validate_storage_root(&path).unwrap().is_empty());

        // A symlink in an object's root is reported once, as part of that object.
        std::os::unix::fs::symlink("inventory.json", a.join("link")).unwrap();
        // Damaged content in the other object: manifest (E092) and fixity, if any, both found.
        fs::write(b.join("v1/content/a.txt"), "changed").unwrap();
        let all = validate_storage_root(&path).unwrap();
        let links: Vec<_> = all.iter().filter(|d| d.code.id == "E090").collect();
        assert_eq!(links.len(), 1, "{all:?}");
        let mut own = validate_object(&a).unwrap();
        own.extend(validate_object(&b).unwrap());
        let ids = |v: &[Diagnostic]| {
            let mut v: Vec<_> = v.iter().map(|d| (d.code.id, d.message.clone())).collect();
            v.sort();
            v
        };
        assert_eq!(ids(&all), ids(&own));
        assert!(all.iter().any(|d| d.code.id == "E092"), "{all:?}");
    }

    #[test]
    fn a_version_inventory_that_differs_is_checked_on_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let (_, a, _) = root_with_two_objects(dir.path());
        // Valid JSON, other bytes: E064, and its sidecar no longer matches (E060).
        let inv = a.join("v1/inventory.json");
        let mut bytes = fs::read(&inv).unwrap();
        bytes.push(b'\n');
        fs::write(&inv, bytes).unwrap();
        let found = validate_object(&a).unwrap();
        let codes: Vec<_> = found.iter().map(|d| d.code.id).collect();
        assert!(
            codes.contains(&"E064") && codes.contains(&"E060"),
            "{found:?}"
        );
    }
}

//! Where a bag's files come from: a folder walked without following links, or a zip read in
//! place with every entry checked before anything is decompressed. Both give the validator the
//! same list of files and a way to stream each one.

use super::ValidateOptions;
use super::codes;
use super::path;
use crate::diagnostic::{Diagnostic, Location};
use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zip::ZipArchive;

/// One regular file of the bag.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// Relative to the bag root, '/'-separated.
    pub path: String,
    pub size: u64,
    /// The zip entry index (unused for folders).
    pub index: usize,
    /// Present but never read: an entry over its budget, overlapping another, or encrypted.
    pub blocked: bool,
    /// For a zip entry: where its local header starts, and its compressed size.
    pub header: u64,
    pub compressed: u64,
}

/// The bag's files and how to read them.
pub(crate) struct Tree {
    kind: Kind,
    /// Sorted by path.
    pub files: Vec<Node>,
    /// Every folder, explicit or implied, relative to the bag root.
    pub dirs: BTreeSet<String>,
}

enum Kind {
    Dir(PathBuf),
    Zip(ZipArchive<SharedFile>),
}

impl Tree {
    /// Streams one file to `f`. A zip entry that yields more than its declared size, or fails
    /// its CRC, is an error here.
    pub(crate) fn read_with<T>(
        &self,
        node: &Node,
        f: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> io::Result<T> {
        if node.blocked {
            return Err(io::Error::other(
                "not decompressed: it is over what the zip and the bag declare (BAG065)",
            ));
        }
        match &self.kind {
            Kind::Dir(root) => {
                let mut file = File::open(root.join(&node.path))?;
                f(&mut file)
            }
            Kind::Zip(archive) => {
                // Cloning shares the parsed central directory and gives this reader its own
                // position in the file, so entries can be read on several threads at once.
                let mut archive = archive.clone();
                let mut entry = archive.by_index(node.index).map_err(io::Error::other)?;
                let mut limited = Limited {
                    inner: &mut entry,
                    remaining: node.size,
                };
                f(&mut limited)
            }
        }
    }
}

/// Refuses to yield more than the size the zip declared for an entry, so that a lying header
/// cannot make a small entry inflate without bound.
struct Limited<'a> {
    inner: &'a mut dyn Read,
    remaining: u64,
}

impl Read for Limited<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(
                    "the entry inflates beyond the size its header declares",
                )),
            };
        }
        let max = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(buf.get_mut(..max).unwrap_or_default())?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// A file read at explicit offsets, so that clones do not disturb each other's position.
#[derive(Clone)]
struct SharedFile {
    file: Arc<File>,
    pos: u64,
    len: u64,
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match new {
            Some(n) => {
                self.pos = n;
                Ok(n)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )),
        }
    }
}

fn finding(code: crate::diagnostic::Code, path: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(code, Location::file(path), message)
}

/// Lists a bag folder. Links and special files are reported, never followed.
pub(crate) fn open_dir(root: &Path, out: &mut Vec<Diagnostic>) -> Result<Tree> {
    let mut listing = Listing::default();
    listing.stack.push(String::new());
    while let Some(rel) = listing.stack.pop() {
        let dir = if rel.is_empty() {
            root.to_path_buf()
        } else {
            root.join(&rel)
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if rel.is_empty() => return Err(Error::io(&dir)(e)),
            Err(e) => {
                out.push(finding(
                    codes::READ_FAILED,
                    &rel,
                    format!("cannot list {rel}/: {e}"),
                ));
                continue;
            }
        };
        for entry in entries {
            match entry {
                Ok(entry) => listing.add(&rel, &entry, out),
                Err(e) => out.push(finding(
                    codes::READ_FAILED,
                    &rel,
                    format!("cannot list {rel}/: {e}"),
                )),
            }
        }
    }
    let Listing {
        mut files, dirs, ..
    } = listing;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Tree {
        kind: Kind::Dir(root.to_path_buf()),
        files,
        dirs,
    })
}

/// A bag folder as it is listed: its files and folders so far, and the folders still to list.
#[derive(Default)]
struct Listing {
    files: Vec<Node>,
    dirs: BTreeSet<String>,
    stack: Vec<String>,
}

impl Listing {
    /// Takes one entry of folder `rel`: a regular file is listed, a folder is to be listed in
    /// turn, and anything else (a link, a device, a name that is not UTF-8, an entry that
    /// cannot be inspected) is a finding.
    fn add(&mut self, rel: &str, entry: &std::fs::DirEntry, out: &mut Vec<Diagnostic>) {
        let name = entry.file_name();
        let join = |n: &str| {
            if rel.is_empty() {
                n.to_string()
            } else {
                format!("{rel}/{n}")
            }
        };
        let Some(name) = name.to_str() else {
            let shown = join(&name.to_string_lossy());
            out.push(finding(
                codes::NAME_UNREPRESENTABLE,
                &shown,
                format!("{shown:?}: the file name is not valid UTF-8, so no manifest can list it"),
            ));
            return;
        };
        let child = join(name);
        // `DirEntry::file_type` does not follow symbolic links.
        let kind = match entry.file_type() {
            Ok(k) => k,
            Err(e) => {
                out.push(finding(
                    codes::READ_FAILED,
                    &child,
                    format!("cannot inspect {child}: {e}"),
                ));
                return;
            }
        };
        if kind.is_symlink() {
            out.push(finding(
                codes::NOT_REGULAR,
                &child,
                format!("{child} is a symbolic link; links are never followed out of a bag"),
            ));
        } else if kind.is_dir() {
            self.dirs.insert(child.clone());
            self.stack.push(child);
        } else if kind.is_file() {
            match entry.metadata() {
                Ok(m) => self.files.push(Node {
                    path: child,
                    size: m.len(),
                    index: 0,
                    blocked: false,
                    header: 0,
                    compressed: 0,
                }),
                Err(e) => out.push(finding(
                    codes::READ_FAILED,
                    &child,
                    format!("cannot inspect {child}: {e}"),
                )),
            }
        } else {
            out.push(finding(
                codes::NOT_REGULAR,
                &child,
                format!("{child} is not a regular file (a device, socket or pipe)"),
            ));
        }
    }
}

const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;

/// Indexes a zip holding one bag. Returns `None` when it cannot be read as a bag at all; the
/// reasons are in `out`.
pub(crate) fn open_zip(
    zip_path: &Path,
    opts: &ValidateOptions,
    out: &mut Vec<Diagnostic>,
) -> Result<Option<Tree>> {
    let file = File::open(zip_path).map_err(Error::io(zip_path))?;
    let len = file.metadata().map_err(Error::io(zip_path))?.len();
    let shared = SharedFile {
        file: Arc::new(file),
        pos: 0,
        len,
    };
    let shown = zip_path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let archive = match ZipArchive::new(shared.clone()) {
        Ok(a) => a,
        Err(e) => {
            out.push(finding(
                codes::ZIP_CORRUPT,
                &shown,
                format!("{shown} cannot be read as a zip (truncated or corrupt?): {e}"),
            ));
            return Ok(None);
        }
    };
    if archive.has_duplicate_names() {
        let names = duplicate_names(shared, archive.central_directory_start(), opts.max_entries);
        report_duplicates(names, &shown, out);
    }
    if archive.len() > opts.max_entries {
        out.push(finding(
            codes::ZIP_BOMB,
            &shown,
            format!(
                "the zip has {} entries, over the limit of {}",
                archive.len(),
                opts.max_entries
            ),
        ));
        return Ok(None);
    }
    let Some(entries) = zip_entries(&archive, &shown, opts, out) else {
        return Ok(None);
    };
    let Some(top) = bag_folder(&entries, &shown, out) else {
        return Ok(None);
    };
    let prefix = format!("{top}/");
    let (mut files, dirs) = files_and_dirs(entries, &prefix);
    report_case_twins(&files, out);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let tree = Tree {
        kind: Kind::Zip(archive),
        files,
        dirs,
    };
    Ok(Some(budget(tree, &prefix, opts, out)))
}

/// A zip entry as read from the central directory: its full name, its node (path still to
/// be set), and whether it is a folder.
type ZipEntry = (String, Node, bool);

/// The same entry name more than once: which one is meant is undefined.
fn report_duplicates(names: Vec<String>, shown: &str, out: &mut Vec<Diagnostic>) {
    if names.is_empty() {
        out.push(finding(
            codes::ZIP_DUPLICATE,
            shown,
            "the zip holds the same entry name more than once",
        ));
    }
    for name in names {
        out.push(finding(
            codes::ZIP_DUPLICATE,
            &name,
            format!("the zip holds {name:?} more than once; which one is meant is undefined"),
        ));
    }
}

/// Reads the central directory, entry by entry: entries with unsafe names, links and special
/// files are reported and left out, encrypted entries and unknown compression reported and
/// blocked. `None` when the entries add up to more than the limit uncompressed.
fn zip_entries(
    archive: &ZipArchive<SharedFile>,
    shown: &str,
    opts: &ValidateOptions,
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<ZipEntry>> {
    let meta = archive.metadata();
    let mut total: u64 = 0;
    let mut entries: Vec<ZipEntry> = Vec::new();
    for index in 0..archive.len() {
        let Ok(entry) = meta.entry(index) else {
            out.push(finding(
                codes::ZIP_CORRUPT,
                shown,
                format!("entry {index} of the central directory cannot be read"),
            ));
            continue;
        };
        let Some((name, node, is_dir)) = zip_entry(&entry, index, out) else {
            continue;
        };
        if !is_dir {
            total = total.saturating_add(node.size);
            if total > opts.max_uncompressed {
                out.push(finding(
                    codes::ZIP_BOMB,
                    shown,
                    format!(
                        "the zip's entries add up to more than {} bytes uncompressed (the limit, which verify --max-unzipped raises); nothing is decompressed",
                        opts.max_uncompressed
                    ),
                ));
                return None;
            }
        }
        entries.push((name, node, is_dir));
    }
    Some(entries)
}

/// One entry of the central directory, or `None` (with a finding) when its name is unsafe or
/// cannot be decoded, or it is a link or a special file. A folder is named without its
/// trailing '/'; an encrypted file, or one compressed by a method not read, is blocked.
fn zip_entry(
    entry: &zip::read::ZipFileEntry<'_>,
    index: usize,
    out: &mut Vec<Diagnostic>,
) -> Option<ZipEntry> {
    let name = entry_name(entry, out)?;
    let mode_type = entry.unix_mode().map(|m| m & S_IFMT).filter(|t| *t != 0);
    let is_dir = name.ends_with('/') || mode_type == Some(S_IFDIR);
    let bare = name.strip_suffix('/').unwrap_or(&name);
    if let Err(why) = path::check(bare, false) {
        out.push(finding(
            codes::ZIP_UNSAFE_NAME,
            &name,
            format!("zip entry {name:?} is refused: {}", why.reason()),
        ));
        return None;
    }
    match mode_type {
        Some(S_IFLNK) => {
            out.push(finding(
                codes::ZIP_SYMLINK,
                &name,
                format!("zip entry {name:?} is a symbolic link; a bag holds regular files only"),
            ));
            return None;
        }
        Some(t) if t != S_IFREG && t != S_IFDIR => {
            out.push(finding(
                codes::ZIP_SYMLINK,
                &name,
                format!("zip entry {name:?} is a special file (mode {t:o}); a bag holds regular files only"),
            ));
            return None;
        }
        _ => {}
    }
    if is_dir {
        return Some((
            bare.to_string(),
            Node {
                path: String::new(),
                size: 0,
                index,
                blocked: false,
                header: 0,
                compressed: 0,
            },
            true,
        ));
    }
    let size = entry.size();
    let compressed = entry.compressed_size();
    let blocked = unreadable(entry, &name, out);
    Some((
        name,
        Node {
            path: String::new(),
            size,
            index,
            blocked,
            header: entry.header_start(),
            compressed,
        },
        false,
    ))
}

/// The entry's name, or `None` (with a finding) when it holds a NUL or control character or
/// cannot be decoded.
fn entry_name(entry: &zip::read::ZipFileEntry<'_>, out: &mut Vec<Diagnostic>) -> Option<String> {
    let raw = entry.name_raw();
    let lossy = String::from_utf8_lossy(raw).into_owned();
    if raw.iter().any(|&b| b < 0x20 || b == 0x7f) {
        out.push(finding(
            codes::ZIP_UNSAFE_NAME,
            &lossy,
            format!("zip entry {lossy:?} has a NUL or control character in its name"),
        ));
        return None;
    }
    match entry.name() {
        Ok(n) => Some(n.into_owned()),
        Err(e) => {
            out.push(finding(
                codes::ZIP_UNSAFE_NAME,
                &lossy,
                format!("zip entry name {lossy:?} cannot be decoded: {e}"),
            ));
            None
        }
    }
}

/// Whether a file entry cannot be read: it is encrypted, or compressed by a method not read
/// (each reported).
fn unreadable(entry: &zip::read::ZipFileEntry<'_>, name: &str, out: &mut Vec<Diagnostic>) -> bool {
    let mut blocked = false;
    if entry.encrypted() {
        out.push(finding(
            codes::ZIP_UNSUPPORTED,
            name,
            format!("zip entry {name:?} is encrypted"),
        ));
        blocked = true;
    }
    use zip::CompressionMethod as M;
    if !matches!(
        entry.compression(),
        M::Stored | M::Deflated | M::Deflate64 | M::Bzip2 | M::Zstd | M::Lzma | M::Xz
    ) {
        out.push(finding(
            codes::ZIP_UNSUPPORTED,
            name,
            format!(
                "zip entry {name:?} uses compression method {:?}, which is not read",
                entry.compression()
            ),
        ));
        blocked = true;
    }
    blocked
}

/// The bag's folder: the zip must hold exactly one top-level folder, and nothing beside it
/// (what lies beside it is reported). `None` when there is not exactly one.
fn bag_folder(entries: &[ZipEntry], shown: &str, out: &mut Vec<Diagnostic>) -> Option<String> {
    let mut tops: BTreeSet<&str> = BTreeSet::new();
    let mut loose = Vec::new();
    for (name, _, is_dir) in entries {
        match name.split_once('/') {
            Some((top, _)) => {
                tops.insert(top);
            }
            None if *is_dir => {
                tops.insert(name);
            }
            None => loose.push(name.clone()),
        }
    }
    let top = match (tops.len(), tops.first()) {
        (1, Some(top)) => top.to_string(),
        _ => {
            out.push(finding(
                codes::ZIP_LAYOUT,
                shown,
                format!(
                    "the zip must hold exactly one top-level folder (the bag); it holds {}: {:?}",
                    tops.len(),
                    tops
                ),
            ));
            return None;
        }
    };
    for name in loose {
        out.push(finding(
            codes::ZIP_LAYOUT,
            &name,
            format!(
                "{name:?} lies beside the bag folder {top}/; the zip must hold only that folder"
            ),
        ));
    }
    Some(top)
}

/// The bag's files (named from the bag folder) and folders, with every folder above a file.
fn files_and_dirs(entries: Vec<ZipEntry>, prefix: &str) -> (Vec<Node>, BTreeSet<String>) {
    let mut files = Vec::new();
    let mut dirs = BTreeSet::new();
    for (name, mut node, is_dir) in entries {
        let Some(rel) = name.strip_prefix(prefix) else {
            continue;
        };
        let mut parent = rel;
        while let Some((p, _)) = parent.rsplit_once('/') {
            dirs.insert(p.to_string());
            parent = p;
        }
        if is_dir {
            dirs.insert(rel.to_string());
        } else {
            node.path = rel.to_string();
            files.push(node);
        }
    }
    (files, dirs)
}

/// Names that one file system would merge lose a file when the zip is unpacked there.
fn report_case_twins(files: &[Node], out: &mut Vec<Diagnostic>) {
    let mut by_fold: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for n in files {
        by_fold
            .entry(path::fold(&n.path))
            .or_default()
            .push(&n.path);
    }
    for twins in by_fold.values().filter(|v| v.len() > 1) {
        let first = twins.first().copied().unwrap_or_default();
        out.push(finding(
            codes::ZIP_NAME_COLLISION,
            first,
            format!(
                "zip entries {twins:?} differ only by Unicode normalization or letter case; unpacked on macOS or Windows one overwrites the other"
            ),
        ));
    }
}

/// Holds every zip entry to what the zip and the bag declare, before anything is inflated:
/// entries whose data overlap (one stream read as many files), payload entries that declare
/// more than `Payload-Oxum`, and manifests larger than a listing of the zip's files can be
/// are not decompressed. Every entry read is also stopped the moment it yields more than its
/// header declares (see [`Tree::read_with`]).
fn budget(mut tree: Tree, prefix: &str, opts: &ValidateOptions, out: &mut Vec<Diagnostic>) -> Tree {
    block_overlapping(&mut tree, prefix, out);
    block_payload_beyond_oxum(&mut tree, prefix, opts, out);
    block_oversized_manifests(&mut tree, prefix, out);
    tree
}

/// Overlapping entries: sorted by where their local header starts, each must end (at least
/// its fixed header, name and compressed data) before the next begins.
fn block_overlapping(tree: &mut Tree, prefix: &str, out: &mut Vec<Diagnostic>) {
    let shown = |n: &Node| format!("{prefix}{}", n.path);
    let mut order: Vec<usize> = (0..tree.files.len()).collect();
    order.sort_by_key(|&i| tree.files[i].header);
    for pair in order.windows(2) {
        let (a, b) = (&tree.files[pair[0]], &tree.files[pair[1]]);
        let a_end = a
            .header
            .saturating_add(30)
            .saturating_add(shown(a).len() as u64)
            .saturating_add(a.compressed);
        if b.header < a_end {
            out.push(finding(
                codes::ZIP_BOMB,
                &shown(b),
                format!(
                    "zip entry {:?} starts inside the data of {:?}: overlapping entries (a zip bomb); neither is decompressed",
                    shown(b),
                    shown(a)
                ),
            ));
            let (i, j) = (pair[0], pair[1]);
            tree.files[i].blocked = true;
            tree.files[j].blocked = true;
        }
    }
}

/// The payload against Payload-Oxum. A bag whose Payload-Oxum is merely wrong is finding
/// BAG032 (its files are still read); a zip whose payload declares more than twice the bag's
/// Payload-Oxum and 64 MiB besides is a bomb, and is not inflated.
fn block_payload_beyond_oxum(
    tree: &mut Tree,
    prefix: &str,
    opts: &ValidateOptions,
    out: &mut Vec<Diagnostic>,
) {
    let shown = |n: &Node| format!("{prefix}{}", n.path);
    if let Some(octets) = declared_octets(tree, opts) {
        let octets = octets.saturating_mul(2).saturating_add(64 << 20);
        let mut payload: Vec<usize> = (0..tree.files.len())
            .filter(|&i| tree.files[i].path.starts_with("data/") && !tree.files[i].blocked)
            .collect();
        let mut total: u64 = payload.iter().map(|&i| tree.files[i].size).sum();
        if total > octets {
            payload.sort_by_key(|&i| std::cmp::Reverse(tree.files[i].size));
            let declared = total;
            let mut refused = Vec::new();
            for i in payload {
                if total <= octets {
                    break;
                }
                total -= tree.files[i].size;
                tree.files[i].blocked = true;
                refused.push(format!(
                    "{} ({} bytes)",
                    shown(&tree.files[i]),
                    tree.files[i].size
                ));
            }
            out.push(finding(
                codes::ZIP_BOMB,
                prefix.trim_end_matches('/'),
                format!(
                    "the zip's payload entries declare {declared} bytes, far more than the bag's Payload-Oxum (at most {octets} bytes read); not decompressed: {}",
                    refused.join(", ")
                ),
            ));
        }
    }
}

/// Manifests: a line per file listed, each a digest, two spaces and a path (percent-encoded
/// at worst three bytes a byte); a manifest that declares more than that is not inflated.
fn block_oversized_manifests(tree: &mut Tree, prefix: &str, out: &mut Vec<Diagnostic>) {
    let line = |n: &Node| 128 + 3 + 3 * n.path.len() as u64;
    let payload_room: u64 = tree
        .files
        .iter()
        .filter(|n| n.path.starts_with("data/"))
        .map(line)
        .sum();
    let tag_room: u64 = tree
        .files
        .iter()
        .filter(|n| !n.path.starts_with("data/"))
        .map(line)
        .sum();
    for n in tree.files.iter_mut() {
        let room = if n.path.starts_with("manifest-") {
            payload_room
        } else if n.path.starts_with("tagmanifest-") {
            tag_room
        } else {
            continue;
        };
        let room = room.saturating_add(4096);
        if !n.path.contains('/') && n.size > room {
            out.push(finding(
                codes::ZIP_BOMB,
                &format!("{prefix}{}", n.path),
                format!(
                    "{} declares {} bytes uncompressed; a manifest of the files in this zip holds at most {room}; not decompressed",
                    n.path, n.size
                ),
            ));
            n.blocked = true;
        }
    }
}

/// The octet count of `Payload-Oxum` in the zip's `bag-info.txt`, if it has a readable one.
fn declared_octets(tree: &Tree, opts: &ValidateOptions) -> Option<u64> {
    let info = tree.files.iter().find(|n| n.path == "bag-info.txt")?;
    if info.blocked || info.size > opts.max_tag_file {
        return None;
    }
    let bytes = tree
        .read_with(info, |r| {
            let mut v = Vec::new();
            r.read_to_end(&mut v).map(|_| v)
        })
        .ok()?;
    let text = String::from_utf8_lossy(&bytes);
    text.lines().find_map(|l| {
        let (label, value) = l.split_once(':')?;
        if !label.trim().eq_ignore_ascii_case("Payload-Oxum") {
            return None;
        }
        value.trim().split_once('.')?.0.parse().ok()
    })
}

/// Names that occur more than once in the central directory. The zip crate keeps only one
/// entry per name, so the raw records are read again here, best effort, only to name them.
fn duplicate_names(mut file: SharedFile, start: u64, max_entries: usize) -> Vec<String> {
    let mut counts: HashMap<Vec<u8>, usize> = HashMap::new();
    if file.seek(SeekFrom::Start(start)).is_err() {
        return Vec::new();
    }
    let mut reader = io::BufReader::new(file);
    for _ in 0..max_entries {
        let mut header = [0u8; 46];
        if reader.read_exact(&mut header).is_err() || header[..4] != [0x50, 0x4b, 0x01, 0x02] {
            break;
        }
        let le = |i: usize| u64::from(u16::from_le_bytes([header[i], header[i + 1]]));
        let (name_len, extra_len, comment_len) = (le(28), le(30), le(32));
        let mut name = Vec::new();
        if (&mut reader).take(name_len).read_to_end(&mut name).is_err()
            || io::copy(
                &mut (&mut reader).take(extra_len + comment_len),
                &mut io::sink(),
            )
            .is_err()
        {
            break;
        }
        *counts.entry(name).or_default() += 1;
    }
    let mut dups: Vec<String> = counts
        .into_iter()
        .filter(|(_, c)| *c > 1)
        .map(|(n, _)| String::from_utf8_lossy(&n).into_owned())
        .collect();
    dups.sort();
    dups
}

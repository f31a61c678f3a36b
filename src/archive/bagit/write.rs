//! The BagIt writer: a [`BagSpec`] in, a BagIt 1.0 bag out, as a zip or a folder. Output bytes
//! depend on the spec alone, and appear under their final name only once complete.

use super::hash::{Algorithm, MultiHasher};
use super::path;
use crate::archive::digest::CopyError;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use zip::write::SimpleFileOptions;

/// One file to put in a bag.
#[derive(Clone, Debug)]
pub struct BagFile {
    /// Where it goes, '/'-separated: relative to `data/` for payload, to the bag root for tag
    /// files. Names with control characters (CR and LF included) are refused: they cannot
    /// travel safely in a zip. A `%` is written as `%25`, as RFC 8493 §2.1.3 requires; note
    /// that bagit-python (1.9) does not decode `%25` and reports such a file missing.
    pub path: String,
    pub source: Content,
}

pub use crate::archive::Content;

/// Everything a bag is made from.
#[derive(Clone, Debug)]
pub struct BagSpec {
    /// The bag's folder name: the single top-level folder of the zip, e.g. `serge-proofs-v1`.
    pub name: String,
    /// The payload, paths relative to `data/`.
    pub payload: Vec<BagFile>,
    /// Extra tag files such as `metadata/dc.xml`, paths relative to the bag root.
    pub tag_files: Vec<BagFile>,
    /// `bag-info.txt` elements in order. `Bagging-Date`, `Payload-Oxum` and
    /// `Bag-Software-Agent` are added when absent; a `Payload-Oxum` given must be right.
    pub info: Vec<(String, String)>,
    /// The release time: every timestamp in the zip, and the default `Bagging-Date` (in UTC).
    pub date: OffsetDateTime,
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BagSummary {
    pub name: String,
    /// Payload-Oxum: total payload bytes and file count.
    pub payload_octets: u64,
    pub payload_files: u64,
    /// Payload files, by path (`data/...`), with their digests as in the manifests.
    pub files: Vec<SummaryFile>,
}

/// One payload file as recorded in the manifests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryFile {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    pub sha512: String,
}

const DECLARATION: &[u8] = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
const ALGORITHMS: [Algorithm; 2] = [Algorithm::Sha256, Algorithm::Sha512];
/// A fixed level so that the same input always deflates to the same bytes.
const DEFLATE_LEVEL: i64 = 6;

/// Writes the bag as a zip at `dest`, holding one folder `spec.name/`. Refuses to replace an
/// existing file: released packages are immutable.
///
/// ```no_run
/// use editio::archive::bagit::{BagFile, BagSpec, Content, write_zip};
/// let spec = BagSpec {
///     name: "serge-proofs-v1".into(),
///     payload: vec![BagFile { path: "tei/serge.xml".into(), source: Content::File("export/serge.xml".into()) }],
///     tag_files: vec![],
///     info: vec![("Source-Organization".into(), "Editio Project".into())],
///     date: time::macros::datetime!(2026-11-21 12:00 UTC),
/// };
/// let summary = write_zip(&spec, "release/serge-proofs-v1.zip".as_ref())?;
/// # Ok::<(), editio::Error>(())
/// ```
pub fn write_zip(spec: &BagSpec, dest: &Path) -> Result<BagSummary> {
    let plan = Plan::new(spec)?;
    refuse_existing(dest)?;
    let dir = parent(dest);
    let tmp = tempfile::Builder::new()
        .prefix(".editio-tmp-")
        .tempfile_in(dir)
        .map_err(Error::io(dir))?;
    let file = tmp.as_file().try_clone().map_err(Error::io(tmp.path()))?;
    let mut sink = ZipSink {
        zip: zip::ZipWriter::new(BufWriter::new(file)),
        prefix: format!("{}/", spec.name),
        time: zip_time(spec.date)?,
        path: tmp.path().to_path_buf(),
    };
    let summary = plan.write(&mut sink)?;
    let buffered = sink.zip.finish().map_err(|e| zip_error(&sink.path, e))?;
    let file = buffered
        .into_inner()
        .map_err(|e| Error::io(&sink.path)(e.into_error()))?;
    file.sync_all().map_err(Error::io(&sink.path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(Error::io(tmp.path()))?;
    }
    // `persist_noclobber` fails rather than replace a file that appeared meanwhile.
    tmp.persist_noclobber(dest)
        .map_err(|e| match e.error.kind() {
            std::io::ErrorKind::AlreadyExists => exists(dest),
            _ => Error::io(dest)(e.error),
        })?;
    sync_dir(dir);
    Ok(summary)
}

/// Writes the bag as a folder at `dest` (the folder is the bag; `spec.name` is not used as a
/// further level). Refuses to replace anything existing.
pub fn write_dir(spec: &BagSpec, dest: &Path) -> Result<BagSummary> {
    let plan = Plan::new(spec)?;
    refuse_existing(dest)?;
    let dir = parent(dest);
    let tmp = tempfile::Builder::new()
        .prefix(".editio-tmp-")
        .tempdir_in(dir)
        .map_err(Error::io(dir))?;
    let mut sink = DirSink {
        root: tmp.path().to_path_buf(),
    };
    let summary = plan.write(&mut sink)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(Error::io(tmp.path()))?;
    }
    // rename(2) would quietly replace an empty folder, so check again just before.
    refuse_existing(dest)?;
    let kept = tmp.keep();
    if let Err(e) = std::fs::rename(&kept, dest) {
        let _ = std::fs::remove_dir_all(&kept);
        return Err(Error::io(dest)(e));
    }
    sync_dir(dir);
    Ok(summary)
}

fn parent(dest: &Path) -> &Path {
    match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn exists(dest: &Path) -> Error {
    Error::PackageExists {
        path: dest.to_path_buf(),
    }
}

fn refuse_existing(dest: &Path) -> Result<()> {
    match std::fs::symlink_metadata(dest) {
        Ok(_) => Err(exists(dest)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(dest)(e)),
    }
}

/// Makes the rename itself durable. Best effort: not every platform can open a folder.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// What a package cannot hold: `what` names the part, `problem` says why.
fn invalid(what: impl Into<String>, problem: impl Into<String>) -> Error {
    Error::Package {
        what: what.into(),
        problem: problem.into(),
    }
}

fn zip_error(path: &Path, e: zip::result::ZipError) -> Error {
    Error::io(path)(std::io::Error::other(e))
}

fn zip_time(date: OffsetDateTime) -> Result<zip::DateTime> {
    let utc = date.to_offset(time::UtcOffset::UTC);
    u16::try_from(utc.year())
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                u8::from(utc.month()),
                utc.day(),
                utc.hour(),
                utc.minute(),
                utc.second(),
            )
            .ok()
        })
        .ok_or_else(|| {
            invalid(
                "release date",
                format!("{utc} cannot be stored in a zip (years 1980 to 2107)"),
            )
        })
}

/// Where an entry's bytes come from when it is written.
enum Source<'s> {
    Bytes(Vec<u8>),
    Given(&'s Content),
    /// A payload file: hashed while it is written.
    Payload(&'s Content, usize),
    Manifest(Algorithm),
    TagManifest(Algorithm),
}

/// The bag laid out: every entry in final (byte) order, with sizes known before writing.
struct Plan<'s> {
    spec: &'s BagSpec,
    /// Path relative to the bag root → source. Folders are listed with a trailing '/'.
    entries: BTreeMap<String, Option<Source<'s>>>,
    /// Payload path (with `data/`) and size, by payload index.
    payload: Vec<(String, u64)>,
    /// Digests of tag files known before writing (all but the manifests).
    tag_digests: BTreeMap<String, Vec<(Algorithm, String)>>,
}

fn content_size(c: &Content, shown: &str) -> Result<u64> {
    match c {
        Content::Bytes(b) => Ok(b.len() as u64),
        Content::File(p) | Content::Known { path: p, .. } => {
            std::fs::metadata(p).map_err(Error::io(p)).and_then(|m| {
                if m.is_file() {
                    Ok(m.len())
                } else {
                    Err(invalid(
                        shown,
                        format!("{} is not a regular file", p.display()),
                    ))
                }
            })
        }
    }
}

fn open(c: &Content) -> Result<Box<dyn Read + '_>> {
    match c {
        Content::Bytes(b) => Ok(Box::new(&b[..])),
        Content::File(p) | Content::Known { path: p, .. } => {
            Ok(Box::new(File::open(p).map_err(Error::io(p))?))
        }
    }
}

fn content_name(c: &Content) -> PathBuf {
    match c {
        Content::Bytes(_) => PathBuf::from("<bytes>"),
        Content::File(p) | Content::Known { path: p, .. } => p.clone(),
    }
}

fn check_path(p: &str, what: &str) -> Result<()> {
    path::check(p, false).map_err(|why| {
        invalid(
            format!("{what} {p:?}"),
            format!("refused: {}", why.reason()),
        )
    })
}

/// The entries of a bag as they are planned: each file with its folders, refusing names that
/// would collide when the zip is unpacked.
#[derive(Default)]
struct Entries<'s> {
    /// Path relative to the bag root → source. Folders are listed with a trailing '/'.
    entries: BTreeMap<String, Option<Source<'s>>>,
    /// Each path as folded for comparison → the path.
    folded: BTreeMap<String, String>,
}

impl<'s> Entries<'s> {
    /// Adds the file `rel` and its folders. Twins by case or normalization would collide when
    /// the zip is unpacked, and are refused.
    fn add(&mut self, rel: String, source: Source<'s>) -> Result<()> {
        if let Some(other) = self.folded.insert(path::fold(&rel), rel.clone()) {
            return Err(invalid(
                format!("bag file {rel:?}"),
                format!(
                    "clashes with {other:?}: names must differ by more than case or Unicode normalization"
                ),
            ));
        }
        let mut parent = rel.as_str();
        while let Some((p, _)) = parent.rsplit_once('/') {
            self.entries.insert(format!("{p}/"), None);
            parent = p;
        }
        self.entries.insert(rel, Some(source));
        Ok(())
    }

    /// Adds the payload under `data/`, in path order, and returns each file's path (with
    /// `data/`) and size, by payload index. An empty payload still has its folder.
    fn add_payload(&mut self, spec: &'s BagSpec) -> Result<Vec<(String, u64)>> {
        let mut payload = Vec::new();
        let mut sorted: Vec<(usize, &BagFile)> = spec.payload.iter().enumerate().collect();
        sorted.sort_by(|a, b| a.1.path.cmp(&b.1.path));
        for (_, f) in &sorted {
            check_path(&f.path, "payload file")?;
            let rel = format!("data/{}", f.path);
            let size = content_size(&f.source, &rel)?;
            self.add(rel.clone(), Source::Payload(&f.source, payload.len()))?;
            payload.push((rel, size));
        }
        self.entries.insert("data/".into(), None);
        Ok(payload)
    }
}

/// Refuses an extra tag file under `data/` or with a name BagIt reserves at the top.
fn check_tag_file_name(p: &str) -> Result<()> {
    check_path(p, "tag file")?;
    let top = p.split('/').next().unwrap_or_default();
    let reserved = top == "data"
        || (!p.contains('/')
            && (["bagit.txt", "bag-info.txt", "fetch.txt"].contains(&top)
                || top.starts_with("manifest-")
                || top.starts_with("tagmanifest-")));
    if reserved {
        return Err(invalid(
            format!("tag file {p:?}"),
            "uses a name BagIt reserves",
        ));
    }
    Ok(())
}

impl<'s> Plan<'s> {
    fn new(spec: &'s BagSpec) -> Result<Plan<'s>> {
        if spec.name.contains('/') {
            return Err(invalid(
                format!("bag name {:?}", spec.name),
                "must be a single folder name",
            ));
        }
        check_path(&spec.name, "bag name")?;
        let mut entries = Entries::default();
        let payload = entries.add_payload(spec)?;
        let octets: u64 = payload.iter().map(|(_, s)| s).sum();
        let info = bag_info(spec, octets, payload.len() as u64)?;
        let mut tag_digests = BTreeMap::new();
        for (name, bytes) in [("bagit.txt", DECLARATION.to_vec()), ("bag-info.txt", info)] {
            tag_digests.insert(name.to_string(), digests(&mut &bytes[..], name)?);
            entries.add(name.to_string(), Source::Bytes(bytes))?;
        }
        for alg in ALGORITHMS {
            entries.add(
                format!("manifest-{}.txt", alg.name()),
                Source::Manifest(alg),
            )?;
            entries.add(
                format!("tagmanifest-{}.txt", alg.name()),
                Source::TagManifest(alg),
            )?;
        }
        for f in &spec.tag_files {
            check_tag_file_name(&f.path)?;
            // Tag files are small; hashing them first lets the tag manifests be written
            // wherever they fall in the sorted order.
            let mut reader = open(&f.source)?;
            tag_digests.insert(f.path.clone(), digests(&mut reader, &f.path)?);
            entries.add(f.path.clone(), Source::Given(&f.source))?;
        }
        Ok(Plan {
            spec,
            entries: entries.entries,
            payload,
            tag_digests,
        })
    }

    fn write(mut self, sink: &mut dyn Sink) -> Result<BagSummary> {
        let mut payload_digests: Vec<Option<Vec<(Algorithm, String)>>> =
            vec![None; self.payload.len()];
        let mut manifests: BTreeMap<Algorithm, Vec<u8>> = BTreeMap::new();
        let entries = std::mem::take(&mut self.entries);
        sink.dir("")?;
        for (rel, source) in entries {
            let Some(source) = source else {
                sink.dir(rel.trim_end_matches('/'))?;
                continue;
            };
            match source {
                Source::Bytes(bytes) => sink
                    .file(&rel, &mut &bytes[..], bytes.len() as u64)
                    .map(drop)?,
                Source::Given(c) => {
                    let size = content_size(c, &rel)?;
                    let (written, d) = sink.file(&rel, &mut *open(c)?, size)?;
                    if written != size || self.tag_digests.get(&rel) != Some(&d) {
                        return Err(changed(c));
                    }
                }
                Source::Payload(c, i) => {
                    let size = self.payload.get(i).map_or(0, |p| p.1);
                    let (written, d) = sink.file(&rel, &mut *open(c)?, size)?;
                    if written != size {
                        return Err(changed(c));
                    }
                    if let Some(slot) = payload_digests.get_mut(i) {
                        *slot = Some(d);
                    }
                }
                Source::Manifest(alg) => {
                    let bytes = self.manifest(&rel, alg, &payload_digests)?;
                    self.tag_digests
                        .insert(rel.clone(), digests(&mut &bytes[..], &rel)?);
                    sink.file(&rel, &mut &bytes[..], bytes.len() as u64)?;
                    manifests.insert(alg, bytes);
                }
                Source::TagManifest(alg) => {
                    let text = self.tag_manifest(&rel, alg)?;
                    sink.file(&rel, &mut text.as_bytes(), text.len() as u64)?;
                }
            }
        }
        Ok(self.summary(payload_digests))
    }

    /// The payload manifest `rel` for `alg`. "data/" sorts before "manifest-": every payload
    /// digest is known when it is written.
    fn manifest(
        &self,
        rel: &str,
        alg: Algorithm,
        payload_digests: &[Option<Vec<(Algorithm, String)>>],
    ) -> Result<Vec<u8>> {
        let mut text = String::new();
        for ((p, _), d) in self.payload.iter().zip(payload_digests) {
            let sum = pick(d.as_deref(), alg)
                .ok_or_else(|| invalid(rel, "written before its payload"))?;
            text.push_str(&format!("{sum}  {}\n", path::encode(p)));
        }
        Ok(text.into_bytes())
    }

    /// The tag manifest `rel` for `alg`. "manifest-" sorts before "tagmanifest-", and other
    /// tag files are hashed in advance, so every tag digest is known when it is written.
    fn tag_manifest(&self, rel: &str, alg: Algorithm) -> Result<String> {
        if self.tag_digests.len() != self.tag_files_expected() {
            return Err(invalid(rel, "written before the tag files it lists"));
        }
        let mut text = String::new();
        for (p, d) in &self.tag_digests {
            let sum = pick(Some(d), alg).ok_or_else(|| invalid(rel, "missing digest"))?;
            text.push_str(&format!("{sum}  {}\n", path::encode(p)));
        }
        Ok(text)
    }

    /// What was written: the payload files with their size and digests.
    fn summary(self, payload_digests: Vec<Option<Vec<(Algorithm, String)>>>) -> BagSummary {
        let files = self
            .payload
            .iter()
            .zip(payload_digests)
            .map(|((p, size), d)| SummaryFile {
                path: p.clone(),
                size: *size,
                sha256: pick(d.as_deref(), Algorithm::Sha256)
                    .unwrap_or_default()
                    .to_string(),
                sha512: pick(d.as_deref(), Algorithm::Sha512)
                    .unwrap_or_default()
                    .to_string(),
            })
            .collect();
        BagSummary {
            name: self.spec.name.clone(),
            payload_octets: self.payload.iter().map(|p| p.1).sum(),
            payload_files: self.payload.len() as u64,
            files,
        }
    }

    /// bagit.txt, bag-info.txt, the payload manifests and the extra tag files.
    fn tag_files_expected(&self) -> usize {
        2 + ALGORITHMS.len() + self.spec.tag_files.len()
    }
}

fn pick(d: Option<&[(Algorithm, String)]>, alg: Algorithm) -> Option<&str> {
    d?.iter().find(|(a, _)| *a == alg).map(|(_, s)| s.as_str())
}

fn changed(c: &Content) -> Error {
    invalid(
        content_name(c).display().to_string(),
        "changed while the bag was written; nothing was released",
    )
}

fn digests(r: &mut dyn Read, shown: &str) -> Result<Vec<(Algorithm, String)>> {
    super::hash::digest_reader(r, &ALGORITHMS)
        .map(|(_, d)| d)
        .map_err(Error::io(shown))
}

/// `bag-info.txt`: the given elements in order, then what BagIt and editio add.
fn bag_info(spec: &BagSpec, octets: u64, streams: u64) -> Result<Vec<u8>> {
    let oxum = format!("{octets}.{streams}");
    let has = |label: &str| spec.info.iter().any(|(l, _)| l.eq_ignore_ascii_case(label));
    let mut elements: Vec<(String, String)> = spec.info.clone();
    if let Some((_, v)) = spec
        .info
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case("Payload-Oxum"))
        && v.trim() != oxum
    {
        return Err(invalid(
            "bag-info Payload-Oxum",
            format!("{v:?} given, but the payload is {oxum}"),
        ));
    }
    if !has("Bag-Software-Agent") {
        elements.push(("Bag-Software-Agent".into(), crate::AGENT.into()));
    }
    if !has("Bagging-Date") {
        let d = spec.date.to_offset(time::UtcOffset::UTC).date();
        elements.push((
            "Bagging-Date".into(),
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()),
        ));
    }
    if !has("Payload-Oxum") {
        elements.push(("Payload-Oxum".into(), oxum));
    }
    let mut out = String::new();
    for (label, value) in &elements {
        if label.is_empty() || label.contains([':', '\n', '\r']) || label.trim() != label {
            return Err(invalid(
                format!("bag-info label {label:?}"),
                "a label must be non-empty, without ':' or line breaks, and not start or end with whitespace",
            ));
        }
        out.push_str(label);
        out.push_str(": ");
        // Line breaks in a value become continuation lines (indented), as RFC 8493 §2.2.2 allows.
        let mut lines = value.lines();
        out.push_str(lines.next().unwrap_or_default().trim());
        for line in lines {
            out.push_str("\n  ");
            out.push_str(line.trim());
        }
        out.push('\n');
    }
    Ok(out.into_bytes())
}

/// Where the bag's entries go: a zip or a folder.
trait Sink {
    /// A folder, relative to the bag root ("" for the root itself).
    fn dir(&mut self, rel: &str) -> Result<()>;
    /// A file streamed from `r`; returns the bytes written and their SHA-256 and SHA-512.
    fn file(
        &mut self,
        rel: &str,
        r: &mut dyn Read,
        size: u64,
    ) -> Result<(u64, Vec<(Algorithm, String)>)>;
}

/// Copies `r` to `w` with a fixed buffer, hashing on the way.
fn copy_hashing(
    r: &mut dyn Read,
    w: &mut dyn Write,
    src: &Path,
    dst: &Path,
) -> Result<(u64, Vec<(Algorithm, String)>)> {
    let mut hasher = MultiHasher::new(&ALGORITHMS);
    hasher.copy(r, w).map_err(|e| match e {
        CopyError::Read(e) => Error::io(src)(e),
        CopyError::Write(e) => Error::io(dst)(e),
    })?;
    Ok(hasher.finish())
}

struct ZipSink {
    zip: zip::ZipWriter<BufWriter<File>>,
    prefix: String,
    time: zip::DateTime,
    path: PathBuf,
}

impl ZipSink {
    fn options(&self, mode: u32) -> SimpleFileOptions {
        SimpleFileOptions::default()
            .system(zip::System::Unix)
            .last_modified_time(self.time)
            .unix_permissions(mode)
    }
}

impl Sink for ZipSink {
    fn dir(&mut self, rel: &str) -> Result<()> {
        let name = if rel.is_empty() {
            self.prefix.clone()
        } else {
            format!("{}{rel}/", self.prefix)
        };
        let options = self.options(0o755);
        self.zip
            .add_directory(name, options)
            .map_err(|e| zip_error(&self.path, e))
    }

    fn file(
        &mut self,
        rel: &str,
        r: &mut dyn Read,
        size: u64,
    ) -> Result<(u64, Vec<(Algorithm, String)>)> {
        let options = self
            .options(0o644)
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(DEFLATE_LEVEL))
            // Decided by the size alone, so that the same input always gives the same headers.
            .large_file(size >= u64::from(u32::MAX));
        self.zip
            .start_file(format!("{}{rel}", self.prefix), options)
            .map_err(|e| zip_error(&self.path, e))?;
        let path = self.path.clone();
        copy_hashing(r, &mut self.zip, Path::new(rel), &path)
    }
}

struct DirSink {
    root: PathBuf,
}

impl Sink for DirSink {
    fn dir(&mut self, rel: &str) -> Result<()> {
        if rel.is_empty() {
            return Ok(());
        }
        let p = self.root.join(rel);
        std::fs::create_dir(&p).map_err(Error::io(&p))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755))
                .map_err(Error::io(&p))?;
        }
        Ok(())
    }

    fn file(
        &mut self,
        rel: &str,
        r: &mut dyn Read,
        _size: u64,
    ) -> Result<(u64, Vec<(Algorithm, String)>)> {
        let p = self.root.join(rel);
        let file = File::create_new(&p).map_err(Error::io(&p))?;
        let mut w = BufWriter::new(file);
        let result = copy_hashing(r, &mut w, Path::new(rel), &p)?;
        let file = w.into_inner().map_err(|e| Error::io(&p)(e.into_error()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(Error::io(&p))?;
        }
        file.sync_all().map_err(Error::io(&p))?;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::bagit::{ValidateOptions, validate};
    use time::macros::datetime;

    fn spec(dir: &Path) -> BagSpec {
        let big = dir.join("big.bin");
        // Larger than the copy buffer, so streaming crosses chunk boundaries.
        let bytes: Vec<u8> = (0..crate::archive::digest::BUF_SIZE * 3 + 7)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        std::fs::write(&big, bytes).unwrap();
        BagSpec {
            name: "serge-proofs-v1".into(),
            payload: vec![
                BagFile {
                    path: "tei/serge.xml".into(),
                    source: Content::Bytes(b"<TEI/>\n".to_vec()),
                },
                BagFile {
                    path: "images/big.bin".into(),
                    source: Content::File(big),
                },
                BagFile {
                    path: "100% Núñez notes.txt".into(),
                    source: Content::Bytes(b"notes".to_vec()),
                },
                BagFile {
                    path: "odd/%0A literal".into(),
                    source: Content::Bytes(Vec::new()),
                },
            ],
            tag_files: vec![BagFile {
                path: "metadata/dc.xml".into(),
                source: Content::Bytes(b"<dc/>\n".to_vec()),
            }],
            info: vec![
                ("Source-Organization".into(), "Editio Project".into()),
                (
                    "External-Description".into(),
                    "Proofs of a novel,\nwith corrections".into(),
                ),
            ],
            date: datetime!(2026-11-21 13:45:07 +01:00),
        }
    }

    #[test]
    fn zip_is_reproducible_and_valid() {
        let src = tempfile::tempdir().unwrap();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let spec = spec(src.path());
        let za = a.path().join("bag.zip");
        let zb = b.path().join("bag.zip");
        let summary = write_zip(&spec, &za).unwrap();
        write_zip(&spec, &zb).unwrap();
        assert_eq!(std::fs::read(&za).unwrap(), std::fs::read(&zb).unwrap());
        assert_eq!(summary.payload_files, 4);
        assert_eq!(
            summary.payload_octets,
            (crate::archive::digest::BUF_SIZE * 3 + 7 + 7 + 5) as u64
        );

        let findings = validate(&za, &ValidateOptions::default()).unwrap();
        assert!(findings.is_empty(), "{findings:#?}");

        let mut later = spec.clone();
        later.date = datetime!(2026-11-21 13:45:09 +01:00);
        let zc = a.path().join("later.zip");
        write_zip(&later, &zc).unwrap();
        assert_ne!(std::fs::read(&za).unwrap(), std::fs::read(&zc).unwrap());
    }

    #[test]
    fn zip_layout_is_fixed() {
        let src = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let z = out.path().join("bag.zip");
        write_zip(&spec(src.path()), &z).unwrap();
        let mut archive = zip::ZipArchive::new(File::open(&z).unwrap()).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "entries are in byte order");
        assert!(names.iter().all(|n| n.starts_with("serge-proofs-v1/")));
        for i in 0..archive.len() {
            let f = archive.by_index(i).unwrap();
            let dt = f.last_modified().unwrap();
            // 13:45:07 at +01:00 is 12:45:06 UTC once rounded down to DOS's two seconds.
            assert_eq!(
                (
                    dt.year(),
                    dt.month(),
                    dt.day(),
                    dt.hour(),
                    dt.minute(),
                    dt.second()
                ),
                (2026, 11, 21, 12, 45, 6)
            );
            let mode = f.unix_mode().unwrap() & 0o777;
            assert_eq!(
                mode,
                if f.is_dir() { 0o755 } else { 0o644 },
                "{:?}",
                f.name()
            );
            assert!(
                f.extra_data().is_none_or(|e| e.is_empty()),
                "{:?} has extra fields",
                f.name()
            );
        }
        let mut text = String::new();
        archive
            .by_name("serge-proofs-v1/bagit.txt")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(
            text,
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        );
        text.clear();
        archive
            .by_name("serge-proofs-v1/bag-info.txt")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(
            text.contains("External-Description: Proofs of a novel,\n  with corrections\n"),
            "{text}"
        );
        assert!(text.contains("Bagging-Date: 2026-11-21\n"));
        assert!(text.contains(&format!(
            "Payload-Oxum: {}.4\n",
            crate::archive::digest::BUF_SIZE * 3 + 7 + 12
        )));
        text.clear();
        archive
            .by_name("serge-proofs-v1/manifest-sha256.txt")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let paths: Vec<&str> = text
            .lines()
            .map(|l| l.split_once("  ").unwrap().1)
            .collect();
        assert_eq!(
            paths,
            [
                "data/100%25 Núñez notes.txt",
                "data/images/big.bin",
                "data/odd/%250A literal",
                "data/tei/serge.xml"
            ]
        );
        text.clear();
        archive
            .by_name("serge-proofs-v1/tagmanifest-sha512.txt")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let tags: Vec<&str> = text
            .lines()
            .map(|l| l.split_once("  ").unwrap().1)
            .collect();
        assert_eq!(
            tags,
            [
                "bag-info.txt",
                "bagit.txt",
                "manifest-sha256.txt",
                "manifest-sha512.txt",
                "metadata/dc.xml"
            ]
        );
    }

    #[test]
    fn folder_bag_is_valid() {
        let src = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("bag");
        write_dir(&spec(src.path()), &dest).unwrap();
        let findings = validate(&dest, &ValidateOptions::default()).unwrap();
        assert!(findings.is_empty(), "{findings:#?}");
        // Only the bag is left: no temporary folder beside it.
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);
    }

    #[test]
    fn never_overwrites() {
        let src = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let z = out.path().join("bag.zip");
        std::fs::write(&z, b"released").unwrap();
        let err = write_zip(&spec(src.path()), &z).unwrap_err().to_string();
        assert!(
            err.contains("bag.zip") && err.contains("already exists"),
            "{err}"
        );
        assert_eq!(std::fs::read(&z).unwrap(), b"released");
        let d = out.path().join("dir");
        std::fs::create_dir(&d).unwrap();
        assert!(write_dir(&spec(src.path()), &d).is_err());
        // Nothing half-written is left behind.
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 2);
    }

    #[test]
    fn bad_specs_are_refused() {
        let out = tempfile::tempdir().unwrap();
        let base = BagSpec {
            name: "b".into(),
            payload: vec![],
            tag_files: vec![],
            info: vec![],
            date: datetime!(2026-01-01 0:00 UTC),
        };
        let file = |p: &str| BagFile {
            path: p.into(),
            source: Content::Bytes(b"x".to_vec()),
        };
        let cases: Vec<(&str, BagSpec)> = vec![
            (
                "escape",
                BagSpec {
                    payload: vec![file("../x")],
                    ..base.clone()
                },
            ),
            (
                "absolute",
                BagSpec {
                    payload: vec![file("/x")],
                    ..base.clone()
                },
            ),
            (
                "backslash",
                BagSpec {
                    payload: vec![file("a\\b")],
                    ..base.clone()
                },
            ),
            (
                "newline",
                BagSpec {
                    payload: vec![file("a\nb")],
                    ..base.clone()
                },
            ),
            (
                "case twins",
                BagSpec {
                    payload: vec![file("A.txt"), file("a.txt")],
                    ..base.clone()
                },
            ),
            (
                "reserved tag",
                BagSpec {
                    tag_files: vec![file("bagit.txt")],
                    ..base.clone()
                },
            ),
            (
                "tag in data",
                BagSpec {
                    tag_files: vec![file("data/x")],
                    ..base.clone()
                },
            ),
            (
                "bad oxum",
                BagSpec {
                    info: vec![("Payload-Oxum".into(), "9.9".into())],
                    ..base.clone()
                },
            ),
            (
                "bad label",
                BagSpec {
                    info: vec![("A: B".into(), "x".into())],
                    ..base.clone()
                },
            ),
            (
                "bad name",
                BagSpec {
                    name: "a/b".into(),
                    ..base.clone()
                },
            ),
            (
                "old date",
                BagSpec {
                    date: datetime!(1970-01-01 0:00 UTC),
                    ..base.clone()
                },
            ),
        ];
        for (what, spec) in cases {
            let dest = out.path().join(format!("{}.zip", what.replace(' ', "-")));
            assert!(write_zip(&spec, &dest).is_err(), "{what} was accepted");
            assert!(!dest.exists());
        }
        // The empty bag is fine.
        let dest = out.path().join("empty.zip");
        write_zip(&base, &dest).unwrap();
        let findings = validate(&dest, &ValidateOptions::default()).unwrap();
        assert!(findings.is_empty(), "{findings:#?}");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 1);
    }
}

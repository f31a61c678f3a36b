//! The BagIt validator: every rule of RFC 8493 checked over a folder or a zip, each problem a
//! [`Diagnostic`]. Files are streamed once, all their digests computed in that pass, larger
//! files first across rayon's threads.

use super::ValidateOptions;
use super::codes;
use super::hash::{Algorithm, digest_reader};
use super::path;
use super::source::{self, Node, Tree};
use super::text::{self, LineError, LineReader, ManifestLine, Note, TagEncoding};
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

/// Checks the bag at `path`, a bag folder or a `.zip` holding one bag folder, and returns every
/// finding, errors and warnings, sorted by the path they concern. An empty list, or one
/// without errors, means the bag is complete and valid (or, with
/// [`ValidateOptions::fast`], complete with the right sizes).
///
/// Only problems that stop the check from starting at all (`path` missing or unreadable)
/// are returned as `Err`; a corrupt zip is a finding.
///
/// ```no_run
/// use editio::archive::bagit::{validate, ValidateOptions};
/// let findings = validate("release/serge-proofs-v1.zip".as_ref(), &ValidateOptions::default())?;
/// let intact = findings.iter().all(|d| !d.is_error());
/// # Ok::<(), editio::Error>(())
/// ```
pub fn validate(path: &Path, opts: &ValidateOptions) -> Result<Vec<Diagnostic>> {
    validate_with_manifest(path, opts, Algorithm::Sha512).map(|(findings, _)| findings)
}

/// A payload manifest as the validator read it: each path it lists (decoded, `./` removed)
/// with its checksum in lowercase (empty when the line's checksum is malformed).
pub type PayloadManifest = BTreeMap<String, String>;

/// [`validate`], also giving the bag's payload manifest for `algorithm` as the validator read
/// it, through the same hardened zip opener and manifest parser; `None` when the bag has no
/// such manifest or could not be opened (both are findings).
pub fn validate_with_manifest(
    path: &Path,
    opts: &ValidateOptions,
    algorithm: Algorithm,
) -> Result<(Vec<Diagnostic>, Option<PayloadManifest>)> {
    let meta = std::fs::metadata(path).map_err(Error::io(path))?;
    let mut out = Vec::new();
    let tree = if meta.is_dir() {
        Some(source::open_dir(path, &mut out)?)
    } else {
        source::open_zip(path, opts, &mut out)?
    };
    let mut payload = None;
    if let Some(tree) = tree {
        let zipped = !meta.is_dir();
        let manifests = Checker::new(&tree, opts, zipped, &mut out).run();
        payload = manifests
            .into_iter()
            .find(|m| !m.tag && m.algorithm == Some(algorithm))
            .map(|m| {
                m.entries
                    .into_iter()
                    .map(|e| (e.path, e.checksum.unwrap_or_default()))
                    .collect()
            });
    }
    out.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.code.id).cmp(&(
            &b.location.path,
            b.location.line,
            b.code.id,
        ))
    });
    out.dedup();
    Ok((out, payload))
}

/// A parsed manifest.
struct Manifest {
    name: String,
    algorithm: Option<Algorithm>,
    tag: bool,
    entries: Vec<ManifestLine>,
}

/// For one manifest: each file it lists (by index in the tree), with the lines listing it and
/// their checksums (`None` when malformed).
type Listed = BTreeMap<usize, Vec<(usize, Option<String>)>>;

/// What a manifest entry turned out to name.
#[derive(Clone, Copy)]
enum Found {
    /// A file of the tree, by index.
    File(usize),
    Missing,
}

struct Checker<'a> {
    tree: &'a Tree,
    opts: &'a ValidateOptions,
    zipped: bool,
    out: &'a mut Vec<Diagnostic>,
    by_path: HashMap<&'a str, usize>,
    by_nfc: HashMap<String, Vec<usize>>,
    by_fold: HashMap<String, Vec<usize>>,
    encoding: TagEncoding,
    /// BagIt 1.0 or later (or undeclared): every payload file in every manifest, once.
    strict: bool,
}

fn at(path: &str, line: Option<usize>) -> Location {
    Location {
        path: path.into(),
        line,
        column: None,
        offset: None,
    }
}

impl<'a> Checker<'a> {
    fn new(
        tree: &'a Tree,
        opts: &'a ValidateOptions,
        zipped: bool,
        out: &'a mut Vec<Diagnostic>,
    ) -> Self {
        let mut by_path = HashMap::new();
        let mut by_nfc: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_fold: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, node) in tree.files.iter().enumerate() {
            by_path.insert(node.path.as_str(), i);
            by_nfc.entry(path::nfc(&node.path)).or_default().push(i);
            by_fold.entry(path::fold(&node.path)).or_default().push(i);
        }
        Checker {
            tree,
            opts,
            zipped,
            out,
            by_path,
            by_nfc,
            by_fold,
            encoding: TagEncoding::Utf8,
            strict: true,
        }
    }

    fn push(&mut self, code: Code, path: &str, line: Option<usize>, message: impl Into<String>) {
        self.out
            .push(Diagnostic::new(code, at(path, line), message));
    }

    fn notes(&mut self, path: &str, notes: Vec<Note>) {
        for n in notes {
            self.out
                .push(Diagnostic::new(n.code, at(path, n.line), n.message));
        }
    }

    fn node(&self, path: &str) -> Option<&'a Node> {
        let tree: &'a Tree = self.tree;
        self.by_path.get(path).and_then(|&i| tree.files.get(i))
    }

    fn read_failed(&mut self, path: &str, e: &std::io::Error) {
        let code = if self.zipped {
            codes::ZIP_CORRUPT
        } else {
            codes::READ_FAILED
        };
        self.push(code, path, None, format!("{path} cannot be read: {e}"));
    }

    fn line_error(&mut self, path: &str, e: LineError) {
        match e {
            LineError::Io(e) => self.read_failed(path, &e),
            LineError::Decode { line } => self.push(
                codes::TAG_DECODE,
                path,
                Some(line),
                format!(
                    "line {line} of {path} is not valid {}, the declared Tag-File-Character-Encoding; the rest of the file is not read",
                    encoding_name(self.encoding)
                ),
            ),
            LineError::TooLong { line } => self.push(
                codes::LIMIT_EXCEEDED,
                path,
                Some(line),
                format!(
                    "{path} line {line}: over the limit of {} bytes per line or {} lines; the rest of the file is not read",
                    self.opts.max_line, self.opts.max_entries
                ),
            ),
        }
    }

    /// Streams the lines of a tag file to `each`, reporting read, decoding and size problems.
    fn lines(&mut self, node: &Node, mut each: impl FnMut(usize, &str, &mut Vec<Note>)) {
        let (encoding, max_line, max_entries) =
            (self.encoding, self.opts.max_line, self.opts.max_entries);
        let result = self.tree.read_with(node, |r| {
            let mut reader = LineReader::new(r, encoding, max_line);
            let mut notes = Vec::new();
            let mut error = None;
            loop {
                match reader.next_line() {
                    Ok(Some((n, _))) if n > max_entries => {
                        error = Some(LineError::TooLong { line: n });
                        break;
                    }
                    Ok(Some((n, line))) => each(n, &line, &mut notes),
                    Ok(None) => break,
                    Err(e) => {
                        error = Some(e);
                        break;
                    }
                }
            }
            Ok((notes, error, reader.missing_bom))
        });
        match result {
            Ok((notes, error, missing_bom)) => {
                if missing_bom {
                    self.push(
                        codes::UTF16_NO_BOM,
                        &node.path,
                        Some(1),
                        format!(
                            "{} is declared UTF-16 but has no byte-order mark; read as big-endian",
                            node.path
                        ),
                    );
                }
                self.notes(&node.path, notes);
                if let Some(e) = error {
                    self.line_error(&node.path, e);
                }
            }
            Err(e) => self.read_failed(&node.path, &e),
        }
    }

    /// Every check; returns the manifests read.
    fn run(mut self) -> Vec<Manifest> {
        self.declaration();
        if !self.tree.dirs.contains("data") {
            self.push(
                codes::PAYLOAD_DIR_MISSING,
                "data",
                None,
                "the bag has no payload directory data/ (an empty payload still needs the folder)",
            );
        }
        let fetch = self.fetch();
        let manifests = self.manifests();
        let resolved = self.resolve(&manifests, &fetch);
        self.completeness(&manifests, &resolved, &fetch);
        self.bag_info();
        self.names(&manifests, &fetch);
        if !self.opts.fast {
            self.checksums(&manifests, &resolved);
        }
        manifests
    }

    /// `bagit.txt` (RFC 8493 §2.1.1).
    fn declaration(&mut self) {
        let Some(node) = self.node("bagit.txt") else {
            self.push(
                codes::DECLARATION_MISSING,
                "bagit.txt",
                None,
                "bagit.txt is missing: without the bag declaration this is not a bag",
            );
            return;
        };
        let limit = self.opts.max_tag_file;
        let bytes = self.tree.read_with(node, |r| {
            let mut buf = Vec::new();
            r.take(limit + 1).read_to_end(&mut buf)?;
            Ok(buf)
        });
        let bytes = match bytes {
            Ok(b) if b.len() as u64 > limit => {
                self.push(
                    codes::LIMIT_EXCEEDED,
                    "bagit.txt",
                    None,
                    format!("bagit.txt is larger than {limit} bytes"),
                );
                return;
            }
            Ok(b) => b,
            Err(e) => return self.read_failed("bagit.txt", &e),
        };
        let mut notes = Vec::new();
        let decl = text::parse_declaration(&bytes, &mut notes);
        self.notes("bagit.txt", notes);
        self.strict = decl.version.is_none_or(|v| v >= (1, 0));
        if let Some(label) = decl.encoding {
            match TagEncoding::from_label(&label) {
                Some(e) => self.encoding = e,
                None => self.push(
                    codes::ENCODING_UNKNOWN,
                    "bagit.txt",
                    Some(2),
                    format!("Tag-File-Character-Encoding {label:?} is not a known encoding; tag files are read as UTF-8"),
                ),
            }
        }
    }

    /// `fetch.txt` (RFC 8493 §2.2.3): parsed and checked, never fetched.
    fn fetch(&mut self) -> Vec<text::FetchLine> {
        let Some(node) = self.node("fetch.txt") else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        self.lines(node, |n, line, notes| {
            if let Some(f) = text::parse_fetch_line(line, n, notes) {
                lines.push(f);
            }
        });
        lines
    }

    /// Parses every payload and tag manifest.
    fn manifests(&mut self) -> Vec<Manifest> {
        let tree: &'a Tree = self.tree;
        let mut manifests = Vec::new();
        for node in tree.files.iter().filter(|n| !n.path.contains('/')) {
            let (tag, alg_name) = if let Some(rest) = node.path.strip_prefix("tagmanifest-") {
                (true, rest)
            } else if let Some(rest) = node.path.strip_prefix("manifest-") {
                (false, rest)
            } else {
                continue;
            };
            let Some(alg_name) = alg_name.strip_suffix(".txt") else {
                continue;
            };
            let algorithm = Algorithm::from_name(alg_name);
            if algorithm.is_none() {
                self.push(
                    codes::ALGORITHM_UNKNOWN,
                    &node.path,
                    None,
                    format!(
                        "{} uses algorithm {alg_name:?}, which editio cannot compute (it knows md5, sha1, sha224, sha256, sha384, sha512); its checksums are not verified",
                        node.path
                    ),
                );
            }
            let mut entries = Vec::new();
            self.lines(node, |n, line, notes| {
                if let Some(entry) = text::parse_manifest_line(line, n, algorithm, notes) {
                    entries.push(entry);
                }
            });
            manifests.push(Manifest {
                name: node.path.clone(),
                algorithm,
                tag,
                entries,
            });
        }
        let payload: Vec<&Manifest> = manifests.iter().filter(|m| !m.tag).collect();
        if payload.is_empty() {
            self.push(
                codes::NO_PAYLOAD_MANIFEST,
                "manifest-sha512.txt",
                None,
                "the bag has no payload manifest (manifest-<algorithm>.txt)",
            );
        } else if payload
            .iter()
            .all(|m| m.algorithm.is_some_and(Algorithm::is_weak))
        {
            let first = payload.first().map(|m| m.name.clone()).unwrap_or_default();
            self.push(
                codes::WEAK_ONLY,
                &first,
                None,
                "the payload manifests use only MD5 or SHA-1, which no longer protect against deliberate change; add manifest-sha512.txt (or sha256)",
            );
        }
        manifests
    }

    /// Finds the file each manifest entry names, and reports what does not belong or is
    /// missing. Returns, per manifest, each file it lists with its lines and checksums.
    fn resolve(&mut self, manifests: &[Manifest], fetch: &[text::FetchLine]) -> Vec<Listed> {
        let fetched: HashSet<&str> = fetch.iter().map(|f| f.path.as_str()).collect();
        let mut all = Vec::new();
        for m in manifests {
            let listed: HashSet<&str> = m.entries.iter().map(|e| e.path.as_str()).collect();
            let mut files: BTreeMap<usize, Vec<(usize, Option<String>)>> = BTreeMap::new();
            for e in &m.entries {
                let in_data = e.path.starts_with("data/");
                if !m.tag && !in_data {
                    self.push(
                        codes::PAYLOAD_OUTSIDE_DATA,
                        &m.name,
                        Some(e.line),
                        format!(
                            "{:?} is outside data/; a payload manifest lists payload files only",
                            e.path
                        ),
                    );
                    continue;
                }
                if m.tag && in_data {
                    self.push(
                        codes::TAG_MANIFEST_PAYLOAD,
                        &m.name,
                        Some(e.line),
                        format!(
                            "{:?} is a payload file; a tag manifest lists tag files only",
                            e.path
                        ),
                    );
                    continue;
                }
                match self.find(&e.path, &listed) {
                    Found::File(i) => {
                        let actual = self
                            .tree
                            .files
                            .get(i)
                            .map(|n| n.path.clone())
                            .unwrap_or_default();
                        if actual != e.path && path::nfc(&actual) == path::nfc(&e.path) {
                            self.push(
                                codes::NORMALIZATION_MISMATCH,
                                &m.name,
                                Some(e.line),
                                format!(
                                    "{:?} is on disk as {actual:?}, the same name in another Unicode normalization; taken to be that file",
                                    e.path
                                ),
                            );
                        }
                        files
                            .entry(i)
                            .or_default()
                            .push((e.line, e.checksum.clone()));
                    }
                    Found::Missing if fetched.contains(e.path.as_str()) => {}
                    Found::Missing => {
                        let twin = self
                            .by_fold
                            .get(&path::fold(&e.path))
                            .and_then(|v| v.first())
                            .and_then(|&i| self.tree.files.get(i))
                            .map(|n| n.path.clone());
                        let mut d = Diagnostic::new(
                            codes::FILE_MISSING,
                            at(&m.name, Some(e.line)),
                            format!("{} is listed in {} but is not in the bag", e.path, m.name),
                        );
                        if let Some(twin) = twin {
                            d = d.with_help(format!(
                                "{twin} exists; its name differs in letter case or normalization, and bags compare names exactly"
                            ));
                        }
                        self.out.push(d);
                    }
                }
            }
            // Each file once per manifest: a 1.0 rule, a warning before.
            for (i, lines) in &files {
                if lines.len() < 2 {
                    continue;
                }
                let path = self
                    .tree
                    .files
                    .get(*i)
                    .map(|n| n.path.clone())
                    .unwrap_or_default();
                let numbers: Vec<usize> = lines.iter().map(|(l, _)| *l).collect();
                let sums: BTreeSet<&String> =
                    lines.iter().filter_map(|(_, c)| c.as_ref()).collect();
                let second = numbers.get(1).copied();
                if sums.len() > 1 {
                    self.push(
                        codes::DUPLICATE_CONFLICT,
                        &m.name,
                        second,
                        format!("{path} is listed {} times (lines {numbers:?}) with different checksums", lines.len()),
                    );
                } else {
                    let code = if self.strict {
                        codes::DUPLICATE_SAME
                    } else {
                        codes::DUPLICATE_SAME_LEGACY
                    };
                    self.push(
                        code,
                        &m.name,
                        second,
                        format!("{path} is listed {} times (lines {numbers:?}); each file should be listed once", lines.len()),
                    );
                }
            }
            all.push(files);
        }
        all
    }

    /// The file a manifest path names: exactly, else the one file with the same NFC name, else
    /// the case-twin of a file the same manifest also lists.
    fn find(&self, p: &str, listed: &HashSet<&str>) -> Found {
        if let Some(&i) = self.by_path.get(p) {
            return Found::File(i);
        }
        if let Some([i]) = self.by_nfc.get(&path::nfc(p)).map(Vec::as_slice) {
            return Found::File(*i);
        }
        if let Some([i]) = self.by_fold.get(&path::fold(p)).map(Vec::as_slice)
            && self
                .tree
                .files
                .get(*i)
                .is_some_and(|n| listed.contains(n.path.as_str()))
        {
            return Found::File(*i);
        }
        Found::Missing
    }

    /// Payload files in the payload manifests, tag files in the tag manifests, and `fetch.txt`.
    fn completeness(
        &mut self,
        manifests: &[Manifest],
        resolved: &[Listed],
        fetch: &[text::FetchLine],
    ) {
        let tree: &'a Tree = self.tree;
        let payload: Vec<(&Manifest, &BTreeMap<_, _>)> = manifests
            .iter()
            .zip(resolved)
            .filter(|(m, _)| !m.tag)
            .collect();
        let tags: Vec<(&Manifest, &BTreeMap<_, _>)> = manifests
            .iter()
            .zip(resolved)
            .filter(|(m, _)| m.tag)
            .collect();
        for (i, node) in tree.files.iter().enumerate() {
            if node.path.starts_with("data/") {
                if payload.is_empty() {
                    continue;
                }
                let missing: Vec<&str> = payload
                    .iter()
                    .filter(|(_, r)| !r.contains_key(&i))
                    .map(|(m, _)| m.name.as_str())
                    .collect();
                // Before 1.0 a file needed to be in one manifest only.
                let unlisted = if self.strict {
                    !missing.is_empty()
                } else {
                    missing.len() == payload.len()
                };
                if unlisted {
                    self.push(
                        codes::FILE_UNLISTED,
                        &node.path,
                        None,
                        format!(
                            "{} is in the payload but not listed in {}",
                            node.path,
                            missing.join(", ")
                        ),
                    );
                }
            } else if !node.path.starts_with("tagmanifest-") && !tags.is_empty() {
                let missing: Vec<&str> = tags
                    .iter()
                    .filter(|(_, r)| !r.contains_key(&i))
                    .map(|(m, _)| m.name.as_str())
                    .collect();
                if !missing.is_empty() {
                    self.push(
                        codes::TAG_UNLISTED,
                        &node.path,
                        None,
                        format!(
                            "tag file {} is not listed in {}, so nothing protects it",
                            node.path,
                            missing.join(", ")
                        ),
                    );
                }
            }
        }

        // Absent files can only be matched by name; a set per manifest keeps this linear.
        let listed_paths: Vec<HashSet<&str>> = if fetch.is_empty() {
            Vec::new()
        } else {
            payload
                .iter()
                .map(|(m, _)| m.entries.iter().map(|e| e.path.as_str()).collect())
                .collect()
        };
        for f in fetch {
            if !f.path.starts_with("data/") {
                self.push(
                    codes::FETCH_OUTSIDE_DATA,
                    "fetch.txt",
                    Some(f.line),
                    format!(
                        "{:?} is outside data/; fetch.txt may list payload files only",
                        f.path
                    ),
                );
                continue;
            }
            let found = self.find(&f.path, &HashSet::new());
            let in_all = payload
                .iter()
                .zip(&listed_paths)
                .all(|((_, r), names)| match found {
                    Found::File(i) => r.contains_key(&i),
                    Found::Missing => names.contains(f.path.as_str()),
                });
            if !in_all {
                self.push(
                    codes::FETCH_UNLISTED,
                    "fetch.txt",
                    Some(f.line),
                    format!(
                        "{} is in fetch.txt but not in every payload manifest",
                        f.path
                    ),
                );
            }
            match found {
                Found::File(i) => {
                    let size = tree.files.get(i).map_or(0, |n| n.size);
                    if let Some(len) = f.length
                        && len != size
                    {
                        self.push(
                            codes::FETCH_LENGTH,
                            "fetch.txt",
                            Some(f.line),
                            format!("{} is {size} bytes but fetch.txt gives its length as {len}", f.path),
                        );
                    }
                }
                Found::Missing => self.push(
                    codes::FETCH_MISSING,
                    "fetch.txt",
                    Some(f.line),
                    format!(
                        "{} is to be fetched (fetch.txt) and is not present: the bag is incomplete; editio never fetches",
                        f.path
                    ),
                ),
            }
        }
    }

    /// `bag-info.txt` (RFC 8493 §2.2.2), or `package-info.txt` in bags before 0.96.
    fn bag_info(&mut self) {
        let Some(node) = self
            .node("bag-info.txt")
            .or_else(|| self.node("package-info.txt"))
        else {
            return;
        };
        let name = node.path.clone();
        let limit = self.opts.max_tag_file;
        if node.size > limit {
            self.push(
                codes::LIMIT_EXCEEDED,
                &name,
                None,
                format!("{name} is larger than {limit} bytes and is not read"),
            );
            return;
        }
        let mut elements = Vec::new();
        self.lines(node, |n, line, notes| {
            text::bag_info_line(&mut elements, n, line, notes)
        });

        let mut counts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for e in &elements {
            counts
                .entry(e.label.to_ascii_lowercase())
                .or_default()
                .push(e.line);
        }
        for label in [
            "Payload-Oxum",
            "Bagging-Date",
            "Bag-Size",
            "Bag-Count",
            "Bag-Group-Identifier",
        ] {
            if let Some(lines) = counts
                .get(&label.to_ascii_lowercase())
                .filter(|l| l.len() > 1)
            {
                self.push(
                    codes::NON_REPEATABLE,
                    &name,
                    lines.get(1).copied(),
                    format!(
                        "{label} appears {} times (lines {lines:?}); it should appear once",
                        lines.len()
                    ),
                );
            }
        }
        let (octets, streams) = self
            .tree
            .files
            .iter()
            .filter(|n| n.path.starts_with("data/"))
            .fold((0u64, 0u64), |(o, s), n| (o.saturating_add(n.size), s + 1));
        for e in &elements {
            if e.label.eq_ignore_ascii_case("Payload-Oxum") {
                let parsed = e.value.split_once('.').and_then(|(o, s)| {
                    let num = |x: &str| {
                        (!x.is_empty() && x.bytes().all(|b| b.is_ascii_digit()))
                            .then(|| x.parse::<u64>().ok())
                            .flatten()
                    };
                    Some((num(o)?, num(s)?))
                });
                match parsed {
                    None => self.push(
                        codes::OXUM_FORM,
                        &name,
                        Some(e.line),
                        format!("Payload-Oxum {:?} is not OCTETCOUNT.STREAMCOUNT", e.value),
                    ),
                    Some((o, s)) if (o, s) != (octets, streams) => self.push(
                        codes::OXUM_MISMATCH,
                        &name,
                        Some(e.line),
                        format!(
                            "Payload-Oxum says {o} bytes in {s} files; the payload holds {octets} bytes in {streams} files"
                        ),
                    ),
                    Some(_) => {}
                }
            } else if e.label.eq_ignore_ascii_case("Bagging-Date") {
                let format = time::macros::format_description!("[year]-[month]-[day]");
                if e.value.len() != 10 || time::Date::parse(&e.value, &format).is_err() {
                    self.push(
                        codes::BAGGING_DATE_FORM,
                        &name,
                        Some(e.line),
                        format!(
                            "Bagging-Date {:?} is not a date of the form YYYY-MM-DD",
                            e.value
                        ),
                    );
                }
            }
        }
    }

    /// Hidden system files, and names that differ only by normalization or case.
    fn names(&mut self, manifests: &[Manifest], fetch: &[text::FetchLine]) {
        let mut names: BTreeSet<&str> = BTreeSet::new();
        if !self.zipped {
            // A zip's own twins are already errors (BAG064).
            names.extend(self.tree.files.iter().map(|n| n.path.as_str()));
        }
        names.extend(
            manifests
                .iter()
                .flat_map(|m| m.entries.iter().map(|e| e.path.as_str())),
        );
        let mut system: BTreeSet<&str> = names.clone();
        system.extend(self.tree.files.iter().map(|n| n.path.as_str()));
        system.extend(fetch.iter().map(|f| f.path.as_str()));
        for p in system.into_iter().filter(|p| path::is_system_file(p)) {
            self.push(
                codes::SYSTEM_FILE,
                p,
                None,
                format!("{p} is a hidden file an operating system leaves behind, not deposit content; remove it and re-bag"),
            );
        }
        let mut by_fold: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        for p in &names {
            by_fold.entry(path::fold(p)).or_default().insert(p);
        }
        for group in by_fold.values().filter(|g| g.len() > 1) {
            let first = group.first().copied().unwrap_or_default();
            let forms: BTreeSet<String> = group.iter().map(|p| path::nfc(p)).collect();
            let by_case = forms.len() > 1;
            let by_norm = forms.len() < group.len();
            if by_norm {
                self.push(
                    codes::NORMALIZATION_COLLISION,
                    first,
                    None,
                    format!("{group:?} differ only by Unicode normalization (NFC/NFD); macOS and many tools treat them as one name"),
                );
            }
            if by_case {
                self.push(
                    codes::CASE_COLLISION,
                    first,
                    None,
                    format!("{group:?} differ only by letter case; on Windows and macOS they are one file"),
                );
            }
        }
    }

    /// Streams every listed file once, computing all its manifests' digests in that pass.
    fn checksums(&mut self, manifests: &[Manifest], resolved: &[Listed]) {
        struct Expect<'m> {
            algorithm: Algorithm,
            checksum: &'m str,
            manifest: &'m str,
            line: usize,
        }
        let mut jobs: BTreeMap<usize, Vec<Expect<'_>>> = BTreeMap::new();
        for (m, files) in manifests.iter().zip(resolved) {
            let Some(algorithm) = m.algorithm else {
                continue;
            };
            for (i, lines) in files {
                for (line, sum) in lines {
                    if let Some(checksum) = sum {
                        jobs.entry(*i).or_default().push(Expect {
                            algorithm,
                            checksum,
                            manifest: &m.name,
                            line: *line,
                        });
                    }
                }
            }
        }
        let tree = self.tree;
        let zipped = self.zipped;
        let mut jobs: Vec<(&Node, Vec<Expect<'_>>)> = jobs
            .into_iter()
            .filter_map(|(i, e)| tree.files.get(i).map(|n| (n, e)))
            .filter(|(n, _)| !n.blocked)
            .collect();
        // Largest first, one file per task: the threads stay busy until the end even when one
        // file is most of the bag.
        jobs.sort_by(|a, b| {
            b.0.size
                .cmp(&a.0.size)
                .then_with(|| a.0.path.cmp(&b.0.path))
        });
        let found: Vec<Vec<Diagnostic>> = jobs
            .par_iter()
            .with_max_len(1)
            .map(|(node, expects)| {
                let algorithms: Vec<Algorithm> = expects.iter().map(|e| e.algorithm).collect();
                let mut out = Vec::new();
                match tree.read_with(node, |r| digest_reader(r, &algorithms)) {
                    Err(e) => {
                        let code = if zipped { codes::ZIP_CORRUPT } else { codes::READ_FAILED };
                        out.push(Diagnostic::new(code, at(&node.path, None), format!("{} cannot be read: {e}", node.path)));
                    }
                    Ok((size, digests)) => {
                        if size != node.size {
                            out.push(Diagnostic::new(
                                codes::CHECKSUM_MISMATCH,
                                at(&node.path, None),
                                format!("read {size} bytes, not the {} the file had when the check began", node.size),
                            ));
                        }
                        for e in expects {
                            let actual = digests.iter().find(|(a, _)| *a == e.algorithm).map(|(_, d)| d.as_str());
                            if actual != Some(e.checksum) {
                                out.push(Diagnostic::new(
                                    codes::CHECKSUM_MISMATCH,
                                    at(&node.path, None),
                                    format!(
                                        "{} is {}, but {} line {} records {}",
                                        e.algorithm.name(),
                                        actual.unwrap_or("?"),
                                        e.manifest,
                                        e.line,
                                        e.checksum
                                    ),
                                ));
                            }
                        }
                    }
                }
                out
            })
            .collect();
        self.out.extend(found.into_iter().flatten());
    }
}

fn encoding_name(e: TagEncoding) -> &'static str {
    match e {
        TagEncoding::Utf8 => "UTF-8",
        TagEncoding::Latin1 => "ISO-8859-1",
        TagEncoding::Utf16 => "UTF-16",
        TagEncoding::Other(e) => e.name(),
    }
}

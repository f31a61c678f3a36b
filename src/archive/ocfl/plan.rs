//! What the next version of an object is, the same for every storage: the checks of what a
//! commit is given, which files are new content and which reuse content the object holds, and
//! the bytes of the new inventory and its sidecar. How those bytes are put in place is the
//! writer's ([`super::store`]).

use super::ROOT_DECLARATION;
use super::digest::{Algorithm, digest_bytes};
use super::inventory::{self, Context, Inventory, SpecVersion, VersionName};
use super::json::Json;
use super::layout::{HASH_AND_ID_N_TUPLE, HASHED_N_TUPLE, Layout};
use crate::archive::Content;
use crate::archive::digest::Digests;
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Who made a version, when and why (the inventory's version block).
#[derive(Clone, Debug)]
pub struct VersionMeta {
    pub created: OffsetDateTime,
    pub message: String,
    pub user_name: String,
    /// A URI, e.g. `mailto:editor@example.org` or an ORCID iD URL.
    pub user_address: Option<String>,
}

/// The digests of every input, in parallel (see [`Content::digests`]).
pub(super) fn input_digests(files: &[(String, Content)]) -> Result<Vec<Digests>> {
    files.par_iter().map(|(_, c)| c.digests()).collect()
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

/// What a commit needs to know about an existing object.
pub(super) struct Existing {
    pub inv: Inventory,
    pub head: VersionName,
    pub algorithm: Algorithm,
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

/// Whether a sidecar's bytes name `inventory`'s digest (and nothing else).
pub(super) fn sidecar_text_matches(text: &[u8], alg: Algorithm, inventory: &[u8]) -> bool {
    let text = String::from_utf8_lossy(text);
    let mut tokens = text.split_whitespace();
    matches!(
        (tokens.next(), tokens.next(), tokens.next()),
        (Some(d), Some("inventory.json"), None) if d.eq_ignore_ascii_case(&digest_bytes(alg, inventory))
    )
}

/// A storage root or object that is not what editio wrote, or that the new version would
/// contradict: `path` names the file or folder, `problem` says what is wrong and what to do.
pub(super) fn invalid(path: &Path, problem: &str) -> Error {
    Error::Store {
        path: path.to_path_buf(),
        problem: problem.to_owned(),
    }
}

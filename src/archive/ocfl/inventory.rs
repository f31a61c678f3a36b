//! The OCFL inventory (`inventory.json`): reading one leniently into [`Inventory`] while
//! reporting every structural problem with its OCFL code, and the path and version-name rules
//! that both the writer and the validator apply.

use super::codes::*;
use super::digest::Algorithm;
use super::json::Json;
use super::{MAX_INVENTORY_BYTES, finding};
use crate::diagnostic::{Code, Diagnostic};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The `type` of an OCFL 1.1 inventory.
pub const TYPE_1_1: &str = "https://ocfl.io/1.1/spec/#inventory";
/// The `type` of an OCFL 1.0 inventory.
pub const TYPE_1_0: &str = "https://ocfl.io/1.0/spec/#inventory";

/// An OCFL specification version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SpecVersion {
    V1_0,
    V1_1,
}

impl SpecVersion {
    pub fn from_number(s: &str) -> Option<SpecVersion> {
        match s {
            "1.0" => Some(SpecVersion::V1_0),
            "1.1" => Some(SpecVersion::V1_1),
            _ => None,
        }
    }

    pub fn number(self) -> &'static str {
        match self {
            SpecVersion::V1_0 => "1.0",
            SpecVersion::V1_1 => "1.1",
        }
    }

    pub fn inventory_type(self) -> &'static str {
        match self {
            SpecVersion::V1_0 => TYPE_1_0,
            SpecVersion::V1_1 => TYPE_1_1,
        }
    }

    fn from_type(t: &str) -> Option<SpecVersion> {
        match t {
            TYPE_1_0 => Some(SpecVersion::V1_0),
            TYPE_1_1 => Some(SpecVersion::V1_1),
            _ => None,
        }
    }
}

/// A version directory name: `v` and a positive number, optionally zero-padded to a fixed
/// width (`v001`). `width` is 0 for unpadded names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionName {
    pub number: u32,
    pub width: usize,
}

impl VersionName {
    /// Parses `v1`, `v0042`...; `None` for anything else, including `v0`.
    pub fn parse(name: &str) -> Option<VersionName> {
        let digits = name.strip_prefix('v')?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let number: u32 = digits.parse().ok()?;
        if number == 0 {
            return None;
        }
        let width = if digits.starts_with('0') {
            digits.len()
        } else {
            0
        };
        Some(VersionName { number, width })
    }

    /// The name of version `number` in the same naming convention, if it fits the padding.
    pub fn with_number(self, number: u32) -> Option<String> {
        if self.width == 0 {
            return Some(format!("v{number}"));
        }
        let name = format!("v{number:0width$}", width = self.width);
        // A padded name must keep its leading zero (E011) and its width (E012).
        (name.len() == self.width + 1 && name.as_bytes().get(1) == Some(&b'0')).then_some(name)
    }
}

/// Digests (as written) with their paths, in file order: a manifest, a state or one fixity
/// algorithm's block.
pub type DigestPaths = Vec<(String, Vec<String>)>;

/// One version block.
#[derive(Clone, Debug)]
pub struct VersionBlock {
    pub name: String,
    pub number: u32,
    pub created: Option<String>,
    pub message: Option<Json>,
    pub user: Option<Json>,
    /// Digest (as written) and logical paths.
    pub state: Vec<(String, Vec<String>)>,
    /// The block as read, for writing it back unchanged.
    pub raw: Json,
}

impl VersionBlock {
    /// Logical path -> digest (lowercased, since digests are case-insensitive values).
    pub fn logical_map(&self) -> BTreeMap<&str, String> {
        let mut map = BTreeMap::new();
        for (digest, paths) in &self.state {
            for p in paths {
                map.insert(p.as_str(), digest.to_ascii_lowercase());
            }
        }
        map
    }
}

/// An inventory read leniently: whatever could be understood, with problems reported apart.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub id: Option<String>,
    pub spec: Option<SpecVersion>,
    /// The content-addressing algorithm, when it is one OCFL allows (sha512 or sha256).
    pub digest_algorithm: Option<Algorithm>,
    pub head: Option<String>,
    /// The effective content directory (`content` unless set, and valid, in the inventory).
    pub content_directory: String,
    /// Whether `contentDirectory` was given.
    pub content_directory_set: Option<String>,
    /// Digest (as written) and content paths.
    pub manifest: Vec<(String, Vec<String>)>,
    /// Versions with a well-formed name, in number order.
    pub versions: Vec<VersionBlock>,
    /// Algorithm name, then digest and content paths.
    pub fixity: Vec<(String, DigestPaths)>,
    /// The fixity block as read, for writing it back.
    pub fixity_raw: Option<Json>,
}

impl Inventory {
    pub fn version(&self, name: &str) -> Option<&VersionBlock> {
        self.versions.iter().find(|v| v.name == name)
    }

    pub fn head_version(&self) -> Option<&VersionBlock> {
        self.head.as_deref().and_then(|h| self.version(h))
    }

    /// Content path -> digest (lowercased).
    pub fn content_map(&self) -> HashMap<&str, String> {
        let mut map = HashMap::new();
        for (digest, paths) in &self.manifest {
            for p in paths {
                map.insert(p.as_str(), digest.to_ascii_lowercase());
            }
        }
        map
    }

    /// Lowercased digest -> content paths.
    pub fn digest_map(&self) -> HashMap<String, Vec<&str>> {
        let mut map: HashMap<String, Vec<&str>> = HashMap::new();
        for (digest, paths) in &self.manifest {
            map.entry(digest.to_ascii_lowercase())
                .or_default()
                .extend(paths.iter().map(String::as_str));
        }
        map
    }
}

/// How an inventory is being read.
pub struct Context<'a> {
    /// The inventory file, for locations.
    pub path: &'a Path,
    /// For the root inventory: the spec version of the object's declaration, whose `type`
    /// the inventory must carry (E038).
    pub declared: Option<SpecVersion>,
    /// Whether to report warnings (off for prior version inventories, whose warnings would
    /// repeat the root inventory's).
    pub warnings: bool,
}

/// Reads and checks an inventory file: size limit, JSON, then structure.
pub fn read(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) -> Option<(Vec<u8>, Inventory)> {
    read_with(super::json::read_limited, ctx, out)
}

/// [`read`] for an inventory that its directory listing showed to be a regular file (not a
/// symlink): the validator's fast path (see [`super::json::read_listed`]).
pub fn read_listed(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) -> Option<(Vec<u8>, Inventory)> {
    read_with(super::json::read_listed, ctx, out)
}

fn read_with(
    read: fn(&Path, u64) -> Result<Vec<u8>, super::json::ReadError>,
    ctx: &Context<'_>,
    out: &mut Vec<Diagnostic>,
) -> Option<(Vec<u8>, Inventory)> {
    let bytes = match read(ctx.path, MAX_INVENTORY_BYTES) {
        Ok(b) => b,
        Err(e) => {
            out.push(finding(E033, ctx.path, format!("inventory {e}")));
            return None;
        }
    };
    let inv = from_bytes(&bytes, ctx, out)?;
    Some((bytes, inv))
}

/// Parses and checks inventory bytes already read (E033 when they are not JSON).
pub fn from_bytes(bytes: &[u8], ctx: &Context<'_>, out: &mut Vec<Diagnostic>) -> Option<Inventory> {
    let json = match super::json::parse(bytes) {
        Ok(j) => j,
        Err(e) => {
            out.push(finding(E033, ctx.path, format!("inventory {e}")));
            return None;
        }
    };
    Some(check(&json, ctx, out))
}

/// Checks the structure of a parsed inventory and returns what could be understood.
pub fn check(json: &Json, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) -> Inventory {
    let path = ctx.path;
    let mut err = |code: Code, msg: String| {
        if code.severity == crate::Severity::Error || ctx.warnings {
            out.push(finding(code, path, msg));
        }
    };
    let mut inv = Inventory {
        content_directory: "content".to_owned(),
        ..Inventory::default()
    };
    let Some(top) = json.as_object() else {
        err(
            E033,
            format!("the inventory is {}, not a JSON object", json.kind()),
        );
        return inv;
    };
    duplicate_keys(top, "the inventory", E033, &mut err);
    for (k, _) in top {
        if !matches!(
            k.as_str(),
            "id" | "type"
                | "digestAlgorithm"
                | "head"
                | "contentDirectory"
                | "fixity"
                | "manifest"
                | "versions"
        ) {
            err(E102, format!("the inventory has an unknown key \"{k}\""));
        }
    }

    // id
    match json.get("id") {
        None => err(E036, "the inventory has no \"id\"".into()),
        Some(Json::String(id)) if !id.is_empty() => {
            if !is_uri(id) {
                err(W005, format!("the id \"{id}\" is not a URI"));
            }
            inv.id = Some(id.clone());
        }
        Some(other) => err(
            E037,
            format!("\"id\" must be a non-empty string, not {}", other.kind()),
        ),
    }

    // type
    match json.get("type") {
        None => err(E036, "the inventory has no \"type\"".into()),
        Some(Json::String(t)) => {
            inv.spec = SpecVersion::from_type(t);
            match (inv.spec, ctx.declared) {
                (None, _) => err(
                    E038,
                    format!("\"type\" is \"{t}\", not an OCFL inventory type such as {TYPE_1_1}"),
                ),
                (Some(s), Some(d)) if s != d => err(
                    E038,
                    format!(
                        "\"type\" is \"{t}\" but the object declares OCFL {}; expected {}",
                        d.number(),
                        d.inventory_type()
                    ),
                ),
                _ => {}
            }
        }
        Some(other) => err(
            E038,
            format!("\"type\" must be a string, not {}", other.kind()),
        ),
    }

    // digestAlgorithm
    match json.get("digestAlgorithm") {
        None => err(E036, "the inventory has no \"digestAlgorithm\"".into()),
        Some(Json::String(a)) => match a.as_str() {
            "sha512" => inv.digest_algorithm = Some(Algorithm::Sha512),
            "sha256" => {
                err(
                    W004,
                    "the digestAlgorithm is sha256; sha512 is recommended".into(),
                );
                inv.digest_algorithm = Some(Algorithm::Sha256);
            }
            other => err(
                E025,
                format!("digestAlgorithm \"{other}\" is not allowed; use sha512 (or sha256)"),
            ),
        },
        Some(other) => err(
            E025,
            format!("\"digestAlgorithm\" must be a string, not {}", other.kind()),
        ),
    }

    // head
    match json.get("head") {
        None => err(E036, "the inventory has no \"head\"".into()),
        Some(Json::String(h)) => {
            if VersionName::parse(h).is_none() {
                err(
                    E040,
                    format!("\"head\" is \"{h}\", not a version name such as v1"),
                );
            }
            inv.head = Some(h.clone());
        }
        Some(other) => err(
            E040,
            format!("\"head\" must be a string, not {}", other.kind()),
        ),
    }

    // contentDirectory
    if let Some(cd) = json.get("contentDirectory") {
        match cd {
            Json::String(s) if s == "." || s == ".." => {
                err(E018, format!("contentDirectory must not be \"{s}\""));
            }
            Json::String(s) if s.is_empty() || s.contains('/') => {
                err(
                    E017,
                    format!("contentDirectory \"{s}\" must be one non-empty path element (no /)"),
                );
                inv.content_directory_set = Some(s.clone());
                if !s.is_empty() {
                    // Still follow it, so that content checks find the files it names.
                    inv.content_directory = s.clone();
                }
            }
            Json::String(s) => {
                inv.content_directory = s.clone();
                inv.content_directory_set = Some(s.clone());
            }
            other => err(
                E017,
                format!("contentDirectory must be a string, not {}", other.kind()),
            ),
        }
    }

    // versions (before the manifest, whose content paths name versions)
    let mut version_names: HashSet<String> = HashSet::new();
    match json.get("versions") {
        None => err(E043, "the inventory has no \"versions\" block".into()),
        Some(Json::Object(members)) => {
            duplicate_keys(members, "the versions block", E033, &mut err);
            let mut names = Vec::new();
            for (name, block) in members {
                match VersionName::parse(name) {
                    Some(vn) => names.push((name.clone(), vn, block)),
                    None if name.starts_with('v') => err(
                        E105,
                        format!("version \"{name}\" is not v followed by a positive number"),
                    ),
                    None => err(
                        E104,
                        format!("version \"{name}\" does not have the form v1, v2, ..."),
                    ),
                }
                version_names.insert(name.clone());
            }
            names.sort_by_key(|(_, vn, _)| vn.number);
            check_sequence(&names, inv.head.as_deref(), &mut err);
            for (name, vn, block) in names {
                if let Some(v) = check_version(&name, vn.number, block, &mut err) {
                    inv.versions.push(v);
                }
            }
        }
        Some(other) => err(
            E044,
            format!("\"versions\" must be a JSON object, not {}", other.kind()),
        ),
    }

    // manifest
    let mut manifest_digests: HashSet<&str> = HashSet::new();
    match json.get("manifest") {
        None => err(E041, "the inventory has no \"manifest\" block".into()),
        Some(Json::Object(members)) => {
            let mut seen: HashMap<String, &str> = HashMap::new();
            let mut all_paths = Vec::new();
            for (digest, paths) in members {
                if let Some(first) = seen.insert(digest.to_ascii_lowercase(), digest) {
                    err(
                        E096,
                        format!(
                            "the manifest lists digest {digest} more than once (also as {first})"
                        ),
                    );
                }
                manifest_digests.insert(digest.as_str());
                let entry = Entry {
                    what: "manifest",
                    of: " of content paths",
                    instead: " instead of a content path",
                    code: E092,
                };
                let Some(list) = entry.paths(digest, paths, &mut err) else {
                    continue;
                };
                let mut good = Vec::new();
                for p in list {
                    if let Some((code, why)) = content_path_problem(p) {
                        err(code, format!("manifest content path \"{p}\" {why}"));
                        continue;
                    }
                    let mut parts = p.splitn(3, '/');
                    let (v, cd) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                    if !version_names.contains(v)
                        || cd != inv.content_directory
                        || parts.next().is_none()
                    {
                        err(
                            E042,
                            format!(
                                "manifest content path \"{p}\" is not inside a version's content \
                                 directory (expected <version>/{}/...)",
                                inv.content_directory
                            ),
                        );
                    }
                    good.push(p.to_owned());
                }
                all_paths.extend(good.iter().cloned());
                inv.manifest.push((digest.clone(), good));
            }
            for (p, why) in path_conflicts(&all_paths) {
                err(E101, format!("content path \"{p}\" {why}"));
            }
        }
        Some(other) => err(
            E106,
            format!("\"manifest\" must be a JSON object, not {}", other.kind()),
        ),
    }

    // state digests must be manifest keys, exactly as written (E050); every manifest digest
    // must be used by some state (E107).
    if json.get("manifest").is_some() {
        let mut used: HashSet<&str> = HashSet::new();
        for v in &inv.versions {
            for (digest, _) in &v.state {
                used.insert(digest.as_str());
                if !manifest_digests.contains(digest.as_str()) {
                    err(
                        E050,
                        format!(
                            "version {} state has digest {digest}, which is not a manifest key",
                            v.name
                        ),
                    );
                }
            }
        }
        for (digest, _) in &inv.manifest {
            if !used.contains(digest.as_str()) {
                err(
                    E107,
                    format!("manifest digest {digest} is not used in any version's state"),
                );
            }
        }
    }

    // fixity
    if let Some(fixity) = json.get("fixity") {
        inv.fixity_raw = Some(fixity.clone());
        let manifest_paths: HashSet<&str> = inv
            .manifest
            .iter()
            .flat_map(|(_, p)| p.iter().map(String::as_str))
            .collect();
        match fixity {
            Json::Object(algs) => {
                duplicate_keys(algs, "the fixity block", E033, &mut err);
                for (alg, block) in algs {
                    if Algorithm::from_name(alg).is_none() && alg != "size" {
                        err(
                            E056,
                            format!("fixity algorithm \"{alg}\" is not an OCFL digest algorithm"),
                        );
                    }
                    let Some(entries) = block.as_object() else {
                        err(
                            E057,
                            format!(
                                "fixity block for {alg} must be a JSON object, not {}",
                                block.kind()
                            ),
                        );
                        continue;
                    };
                    let mut seen: HashMap<String, &str> = HashMap::new();
                    let mut parsed = Vec::new();
                    for (digest, paths) in entries {
                        if let Some(first) = seen.insert(digest.to_ascii_lowercase(), digest) {
                            err(
                                E097,
                                format!(
                                    "fixity block for {alg} lists digest {digest} more than once \
                                     (also as {first})"
                                ),
                            );
                        }
                        let what = format!("fixity {alg}");
                        let entry = Entry {
                            what: &what,
                            of: "",
                            instead: "",
                            code: E057,
                        };
                        let Some(list) = entry.paths(digest, paths, &mut err) else {
                            continue;
                        };
                        let mut good = Vec::new();
                        for p in list {
                            if let Some((code, why)) = content_path_problem(p) {
                                err(code, format!("fixity {alg} content path \"{p}\" {why}"));
                                continue;
                            }
                            if !manifest_paths.contains(p) {
                                err(
                                    E057,
                                    format!(
                                        "fixity {alg} content path \"{p}\" is not in the manifest"
                                    ),
                                );
                                continue;
                            }
                            good.push(p.to_owned());
                        }
                        parsed.push((digest.clone(), good));
                    }
                    inv.fixity.push((alg.clone(), parsed));
                }
            }
            other => err(
                E111,
                format!("\"fixity\" must be a JSON object, not {}", other.kind()),
            ),
        }
    }
    inv
}

/// How one block of digests (a manifest, a fixity block, a version's state) names its
/// entries in findings.
struct Entry<'a> {
    /// The block (`manifest`, `fixity sha512`, `version v1 state`).
    what: &'a str,
    /// What the array must hold, after "must be an array".
    of: &'a str,
    /// What a member that is not a string stands instead of.
    instead: &'a str,
    code: Code,
}

impl Entry<'_> {
    /// The path strings of the entry of `digest`; the entry, when not an array, and each member
    /// that is not a string, are reported.
    fn paths<'j>(
        &self,
        digest: &str,
        paths: &'j Json,
        err: &mut impl FnMut(Code, String),
    ) -> Option<Vec<&'j str>> {
        let (what, of, instead) = (self.what, self.of, self.instead);
        let Some(list) = paths.as_array() else {
            err(
                self.code,
                format!(
                    "{what} entry {digest} must be an array{of}, not {}",
                    paths.kind()
                ),
            );
            return None;
        };
        let mut out = Vec::with_capacity(list.len());
        for p in list {
            match p.as_str() {
                Some(p) => out.push(p),
                None => err(
                    self.code,
                    format!("{what} entry {digest} has {}{instead}", p.kind()),
                ),
            }
        }
        Some(out)
    }
}

fn duplicate_keys(
    members: &[(String, Json)],
    what: &str,
    code: Code,
    err: &mut impl FnMut(Code, String),
) {
    let mut seen = HashSet::new();
    for (k, _) in members {
        if !seen.insert(k.as_str()) {
            err(code, format!("{what} has the key \"{k}\" more than once"));
        }
    }
}

/// Version numbering: one convention, starting at 1, without gaps, and `head` the last.
fn check_sequence(
    names: &[(String, VersionName, &Json)],
    head: Option<&str>,
    err: &mut impl FnMut(Code, String),
) {
    let Some((first_name, first, _)) = names.first() else {
        err(
            E008,
            "the versions block has no versions; there must be at least v1".into(),
        );
        return;
    };
    if first.number != 1 {
        err(E009, format!("the first version is {first_name}, not v1"));
    }
    let mut padded_reported = false;
    let mut expected = first.number;
    for (name, vn, _) in names {
        if vn.number != expected {
            err(
                E010,
                format!("version numbers are not continuous: expected v{expected} before {name}"),
            );
        }
        expected = vn.number.saturating_add(1);
        if first.width > 0 {
            if !padded_reported {
                err(
                    W001,
                    format!("version names are zero-padded ({first_name})"),
                );
                padded_reported = true;
            }
            if vn.width == 0 {
                err(
                    E011,
                    format!("{name} does not start with v0 although {first_name} is zero-padded"),
                );
                err(
                    E013,
                    format!("{name} breaks the zero-padded naming established by {first_name}"),
                );
            } else if vn.width != first.width {
                err(
                    E012,
                    format!("{name} is padded to a different width than {first_name}"),
                );
            }
        } else if vn.width > 0 {
            err(
                E012,
                format!("{name} is zero-padded although {first_name} is not"),
            );
        }
    }
    if let (Some(head), Some((last, _, _))) = (head, names.last())
        && head != last
        && VersionName::parse(head).is_some()
    {
        err(
            E040,
            format!("\"head\" is {head}, but the highest version is {last}"),
        );
    }
}

fn check_version(
    name: &str,
    number: u32,
    block: &Json,
    err: &mut impl FnMut(Code, String),
) -> Option<VersionBlock> {
    let Some(members) = block.as_object() else {
        err(
            E047,
            format!("version {name} must be a JSON object, not {}", block.kind()),
        );
        return None;
    };
    duplicate_keys(members, &format!("version {name}"), E033, err);
    for (k, _) in members {
        if !matches!(k.as_str(), "created" | "message" | "state" | "user") {
            err(E102, format!("version {name} has an unknown key \"{k}\""));
        }
    }
    let mut v = VersionBlock {
        name: name.to_owned(),
        number,
        created: None,
        message: block.get("message").cloned(),
        user: block.get("user").cloned(),
        state: Vec::new(),
        raw: block.clone(),
    };
    match block.get("created") {
        None => err(E048, format!("version {name} has no \"created\"")),
        Some(Json::String(c)) => {
            if !is_rfc3339(c) {
                err(
                    E049,
                    format!(
                        "version {name} \"created\" is \"{c}\", not an RFC 3339 date-time with \
                         seconds and time zone"
                    ),
                );
            }
            v.created = Some(c.clone());
        }
        Some(other) => err(
            E049,
            format!(
                "version {name} \"created\" must be a string, not {}",
                other.kind()
            ),
        ),
    }
    match block.get("message") {
        None => err(W007, format!("version {name} has no \"message\"")),
        Some(Json::String(_)) => {}
        Some(other) => err(
            E094,
            format!(
                "version {name} \"message\" must be a string, not {}",
                other.kind()
            ),
        ),
    }
    match block.get("user") {
        None => err(W007, format!("version {name} has no \"user\"")),
        Some(Json::Object(user)) => {
            for (k, _) in user {
                if k != "name" && k != "address" {
                    err(
                        E102,
                        format!("version {name} user has an unknown key \"{k}\""),
                    );
                }
            }
            match block.get("user").and_then(|u| u.get("name")) {
                Some(Json::String(_)) => {}
                Some(other) => err(
                    E054,
                    format!(
                        "version {name} user name must be a string, not {}",
                        other.kind()
                    ),
                ),
                None => err(E054, format!("version {name} user has no \"name\"")),
            }
            match block.get("user").and_then(|u| u.get("address")) {
                None => err(W008, format!("version {name} user has no \"address\"")),
                Some(Json::String(a)) if !is_uri(a) => err(
                    W009,
                    format!("version {name} user address \"{a}\" is not a URI (e.g. mailto:...)"),
                ),
                Some(Json::String(_)) => {}
                Some(other) => err(
                    E054,
                    format!(
                        "version {name} user address must be a string, not {}",
                        other.kind()
                    ),
                ),
            }
        }
        Some(other) => err(
            E054,
            format!(
                "version {name} \"user\" must be a JSON object, not {}",
                other.kind()
            ),
        ),
    }
    match block.get("state") {
        None => err(E048, format!("version {name} has no \"state\"")),
        Some(Json::Object(entries)) => {
            duplicate_keys(entries, &format!("version {name} state"), E033, err);
            let mut all = Vec::new();
            for (digest, paths) in entries {
                let what = format!("version {name} state");
                let entry = Entry {
                    what: &what,
                    of: " of logical paths",
                    instead: "",
                    code: E051,
                };
                let Some(list) = entry.paths(digest, paths, err) else {
                    continue;
                };
                let mut good = Vec::new();
                for p in list {
                    if let Some((code, why)) = logical_path_problem(p) {
                        err(code, format!("version {name} logical path \"{p}\" {why}"));
                    }
                    good.push(p.to_owned());
                }
                all.extend(good.iter().cloned());
                v.state.push((digest.clone(), good));
            }
            for (p, why) in path_conflicts(&all) {
                err(E095, format!("version {name} logical path \"{p}\" {why}"));
            }
        }
        Some(other) => err(
            E050,
            format!(
                "version {name} \"state\" must be a JSON object, not {}",
                other.kind()
            ),
        ),
    }
    Some(v)
}

/// Why `p` is not a valid logical path (E053 for slashes at the ends, E052 for bad elements).
pub fn logical_path_problem(p: &str) -> Option<(Code, &'static str)> {
    path_problem(p).map(|(ends, why)| (if ends { E053 } else { E052 }, why))
}

/// Why `p` is not a valid content path (E100 for slashes at the ends, E099 for bad elements).
pub fn content_path_problem(p: &str) -> Option<(Code, &'static str)> {
    path_problem(p).map(|(ends, why)| (if ends { E100 } else { E099 }, why))
}

fn path_problem(p: &str) -> Option<(bool, &'static str)> {
    if p.is_empty() {
        return Some((false, "is empty"));
    }
    if p.starts_with('/') || p.ends_with('/') {
        return Some((true, "begins or ends with /"));
    }
    for element in p.split('/') {
        match element {
            "" => return Some((false, "has an empty element (//)")),
            "." | ".." => return Some((false, "has a . or .. element")),
            _ => {}
        }
    }
    None
}

/// Paths given twice, or used both as a file and as a directory of another path.
pub fn path_conflicts(paths: &[String]) -> Vec<(String, &'static str)> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    for p in paths {
        if !seen.insert(p.as_str()) {
            found.push((p.clone(), "is given more than once"));
        }
    }
    for p in paths {
        for (i, _) in p.match_indices('/') {
            if let Some(prefix) = p.get(..i)
                && seen.contains(prefix)
            {
                found.push((
                    prefix.to_owned(),
                    "is a file but also the directory of another path",
                ));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// An absolute URI per RFC 3986: a scheme (letter, then letters, digits, + - .), a colon, more.
pub fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// An RFC 3339 date-time with seconds and a time zone (`2024-05-01T10:00:00Z`, `...+02:00`).
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b't'))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19);
    shape
        && time::OffsetDateTime::parse(
            &s.replace('t', "T").replace('z', "Z"),
            &time::format_description::well_known::Rfc3339,
        )
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names() {
        assert_eq!(
            VersionName::parse("v1"),
            Some(VersionName {
                number: 1,
                width: 0
            })
        );
        assert_eq!(
            VersionName::parse("v007"),
            Some(VersionName {
                number: 7,
                width: 3
            })
        );
        assert_eq!(VersionName::parse("v0"), None);
        assert_eq!(VersionName::parse("1"), None);
        assert_eq!(VersionName::parse("v1a"), None);
        assert_eq!(VersionName::parse("v99999999999999"), None);
        let padded = VersionName {
            number: 1,
            width: 3,
        };
        assert_eq!(padded.with_number(42).as_deref(), Some("v042"));
        assert_eq!(padded.with_number(100), None);
        assert_eq!(
            VersionName {
                number: 1,
                width: 0
            }
            .with_number(10)
            .as_deref(),
            Some("v10")
        );
    }

    #[test]
    fn paths_and_uris() {
        assert!(logical_path_problem("a/b.txt").is_none());
        assert_eq!(logical_path_problem("/a").map(|p| p.0), Some(E053));
        assert_eq!(logical_path_problem("a//b").map(|p| p.0), Some(E052));
        assert_eq!(content_path_problem("v1/../x").map(|p| p.0), Some(E099));
        let conflicts = path_conflicts(&["a".into(), "a/b".into(), "c".into(), "c".into()]);
        assert_eq!(conflicts.len(), 2);
        assert!(is_uri("urn:editio:bundled:x"));
        assert!(is_uri("mailto:a@example.org"));
        assert!(!is_uri("not a uri"));
        assert!(!is_uri("1abc:x"));
        assert!(is_rfc3339("2019-01-01T02:03:04Z"));
        assert!(is_rfc3339("2021-03-31T08:22:37.241208990-05:00"));
        assert!(!is_rfc3339("2019-01-01T02:03Z"));
        assert!(!is_rfc3339("2019-01-01T02:03:04"));
    }
}

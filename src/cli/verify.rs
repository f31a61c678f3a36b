//! `editio verify`: prints the library's findings grouped by what was verified, with a
//! progress bar on stderr for long runs, and turns them into the exit code.

use super::progress::Bar;
use super::{EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Global, archive_root, output::Out};
use clap::Args;
use editio::ops::verify::{self, Options, Report};
use editio::progress::OnProgress;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Bags (folders or .zip), OCFL storage roots or objects (a folder, or s3://bucket/prefix;
    /// or an edition or object id: its object in the archive's storage root), or TEI files; by default the whole archive: sources, export/, export/ocfl, every deposit, and deposits against
    /// their OCFL versions.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Bags: check completeness and sizes only, not checksums.
    #[arg(long)]
    pub fast: bool,
    /// With no PATH: record the outcome in each edition's events.toml, as a PREMIS fixity
    /// check that the edition's next release carries.
    #[arg(long)]
    pub record: bool,
    /// Zips: the most one may hold uncompressed, in bytes or with a unit (500M, 64G, 2T);
    /// 64G by default. Each entry is also held to what the zip and the bag declare for it.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_unzipped: Option<u64>,
}

/// A size in bytes, or with a unit K, M, G, T (powers of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("'{s}': the unit is one of K, M, G, T")),
            };
            (&t[..i], shift)
        }
        _ => (t, 0),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a size (500M, 64G, 2T, or bytes)"))?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("'{s}' is too large"))
}

pub fn run(global: &Global, args: &VerifyArgs, out: &mut Out) -> editio::Result<u8> {
    // Anything that keeps verification from running is exit 2, whatever its kind.
    match verify(global, args, out) {
        Ok(code) => Ok(code),
        Err(editio::Error::Io { source, path })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            Err(editio::Error::Io { source, path })
        }
        Err(err) => {
            out.fatal(&err, EXIT_USAGE);
            Ok(EXIT_USAGE)
        }
    }
}

fn verify(global: &Global, args: &VerifyArgs, out: &mut Out) -> editio::Result<u8> {
    if args.record && !args.paths.is_empty() {
        return Err(editio::Error::BadArguments {
            flag: "--record",
            message: "records a verification of the whole archive: give no PATH".into(),
        });
    }
    let bar = Bar::new(out);
    let progress = |p: editio::progress::Progress<'_>| bar.show(p);
    let report = if args.paths.is_empty() {
        let root = archive_root(global)?;
        let choice = super::storage::choice(global, &root)?;
        let options = Options {
            fast: args.fast,
            jing: env_path("EDITIO_JING"),
            archive: Some(root.clone()),
            max_unzipped: args.max_unzipped,
            storage: (!choice.is_default(&root)).then_some(choice),
        };
        verify_whole_archive(&root, &options, &progress)
    } else {
        let options = Options {
            fast: args.fast,
            jing: env_path("EDITIO_JING"),
            archive: archive_root(global).ok(),
            max_unzipped: args.max_unzipped,
            storage: None,
        };
        let named = Named::sort(global, args)?;
        verify_named(&named, &options, &progress)
    };
    bar.clear();
    let report = report?;
    print(&report, args, out)?;
    if args.record {
        record(global, &report, out)?;
    }
    // The worst of the paths: one that could not be read, then one with problems.
    Ok(if report.unreadable > 0 {
        EXIT_USAGE
    } else if report.intact() {
        EXIT_OK
    } else {
        EXIT_PROBLEMS
    })
}

/// The whole archive at `root`, with editio's leftover temporary files in `export/` as one
/// more target.
fn verify_whole_archive(
    root: &Path,
    options: &Options,
    progress: OnProgress,
) -> editio::Result<Report> {
    let mut report = verify::verify_archive(root, options, progress)?;
    let left = editio::ops::leftovers::findings(root)?;
    if !left.is_empty() {
        report.targets.push(verify::Target {
            path: PathBuf::from(editio::layout::EXPORT_DIR),
            kind: verify::Kind::Exports,
            diagnostics: left,
        });
    }
    Ok(report)
}

/// The PATHs given, by how each is read.
#[derive(Default)]
struct Named {
    /// Paths on disk, read by the library's detection.
    paths: Vec<PathBuf>,
    /// Storage roots in object storage, and (when the archive's storage root is there)
    /// edition or object ids, verified by reading the store: the root, and the object id.
    remote: Vec<(editio::archive::ocfl::StorageRoot, Option<String>)>,
    /// Deposit zips in object storage.
    zips: Vec<editio::ops::storage::Zips>,
    /// Names that are no path here and no object of the storage root, with what the look-up
    /// found.
    missing: Vec<(PathBuf, editio::Error)>,
}

impl Named {
    /// Tells apart what each PATH names: an `s3://` location of deposits or of a storage root,
    /// an edition or OCFL object id in the archive's storage root, or a path on disk.
    fn sort(global: &Global, args: &VerifyArgs) -> editio::Result<Named> {
        let mut named = Named::default();
        for p in &args.paths {
            let text = p.to_string_lossy();
            if text.starts_with("s3://") {
                let url = editio::archive::storage::StorageUrl::parse(&text)?;
                let keys = s3_keys(global)?;
                if let Some(found) = editio::ops::storage::deposits_at(&url, &keys)? {
                    named.zips.push(found);
                    continue;
                }
                named
                    .remote
                    .push((editio::ops::storage::open_remote(&url, &keys)?, None));
                continue;
            }
            let id = text.as_ref();
            match archive_root(global) {
                // An edition id or an OCFL object id stands for that object in the storage
                // root.
                Ok(root) if !p.exists() && !id.contains('/') || id.contains("://") => {
                    match super::storage::object(global, id) {
                        // A folder's object is verified where it is, as any path.
                        Ok(o) => match o.store.folder() {
                            Some(_) => named.paths.push(o.store.object_path(&o.id)),
                            None => named.remote.push((o.store, Some(o.id.clone()))),
                        },
                        Err(why) => {
                            let _ = root;
                            named.missing.push((p.clone(), why));
                        }
                    }
                }
                _ => named.paths.push(p.clone()),
            }
        }
        Ok(named)
    }
}

/// The keys for object storage from the environment, with the endpoint and region of the
/// archive's own storage root when that is in object storage.
fn s3_keys(global: &Global) -> editio::Result<editio::archive::storage::S3Settings> {
    let keys = super::storage::keys_from_env()?;
    Ok(
        match archive_root(global)
            .ok()
            .and_then(|r| super::storage::choice(global, &r).ok())
        {
            Some(c) if c.url.is_remote() => editio::archive::storage::S3Settings {
                endpoint: c.s3.endpoint.or(keys.endpoint.clone()),
                region: c.s3.region.or(keys.region.clone()),
                ..keys
            },
            _ => keys,
        },
    )
}

/// Verifies the PATHs given: those on disk, then storage roots and objects in object storage
/// (the bar counting the files read), then deposit zips there.
fn verify_named(named: &Named, options: &Options, progress: OnProgress) -> editio::Result<Report> {
    let mut report = verify::verify_paths(&named.paths, options, progress)?;
    for (name, why) in &named.missing {
        verify::not_found(&mut report, name, why);
    }
    for (root, object) in &named.remote {
        let target = verify::verify_remote(root, object.as_deref(), options.fast, progress)?;
        report.targets.push(target);
    }
    for (store, keys) in &named.zips {
        for key in keys {
            report.targets.push(verify::verify_remote_zip(
                store.as_ref(),
                key,
                options,
                progress,
            )?);
        }
    }
    Ok(report)
}

/// `--record`: records the outcome in each edition's `events.toml` and says so.
fn record(global: &Global, report: &Report, out: &mut Out) -> editio::Result<()> {
    let root = archive_root(global)?;
    let when = editio::ops::release::release_time(super::source_date_epoch()?)?;
    for (id, ok) in verify::record(&root, report, when)? {
        let outcome = if ok { "success" } else { "failure" };
        out.line(&format!(
            "recorded a fixity check ({outcome}) in editions/{id}/events.toml"
        ))?;
    }
    Ok(())
}

fn print(report: &Report, args: &VerifyArgs, out: &mut Out) -> editio::Result<()> {
    let (errors, warnings) = (report.errors(), report.warnings());
    if out.json {
        for t in &report.targets {
            for d in &t.diagnostics {
                let mut v = serde_json::to_value(d).unwrap_or_default();
                v["type"] = "finding".into();
                v["target"] = serde_json::json!(t.path);
                v["kind"] = serde_json::json!(t.kind);
                out.json_line(&v)?;
            }
        }
        let targets: Vec<_> = report
            .targets
            .iter()
            .map(|t| {
                serde_json::json!({
                    "path": t.path,
                    "kind": t.kind,
                    "errors": t.errors(),
                    "warnings": t.diagnostics.len() - t.errors(),
                })
            })
            .collect();
        return out.json_line(&serde_json::json!({
            "type": "summary",
            "targets": targets,
            "fast": args.fast,
            "errors": errors,
            "warnings": warnings,
            "intact": report.intact(),
        }));
    }
    for t in &report.targets {
        let head = format!("{} ({})", t.path.display(), t.kind.describe());
        let w = t.diagnostics.len() - t.errors();
        if t.diagnostics.is_empty() {
            // Paths named one by one are each answered.
            if out.verbose || !args.paths.is_empty() {
                out.ok(&format!("ok    {head}"))?;
            }
            continue;
        }
        let state = if t.errors() > 0 { "FAIL " } else { "warn " };
        out.line(&format!(
            "{state} {head}: {} error{}, {w} warning{}",
            t.errors(),
            plural(t.errors()),
            plural(w)
        ))?;
        for d in &t.diagnostics {
            out.diagnostic(d)?;
        }
    }
    let n = report.targets.len();
    let mode = if args.fast { " (fast: sizes only)" } else { "" };
    let summary = format!(
        "{n} item{} verified{mode}: {errors} error{}, {warnings} warning{}; {}",
        plural(n),
        plural(errors),
        plural(warnings),
        if report.intact() {
            "intact"
        } else {
            "NOT intact"
        }
    );
    if report.intact() {
        out.ok(&summary)
    } else {
        // The verdict shows even with -q.
        out.quiet = false;
        out.line(&summary)
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

//! `editio log`, `show`, `diff` and `cat`: released versions read back by edition id or
//! object id.

use super::{EXIT_OK, Global, output::Out};
use clap::Args;

#[derive(Debug, Args)]
pub struct LogArgs {
    /// An edition id, or an OCFL object id.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An edition id, or an OCFL object id.
    pub id: String,
    /// The version (v1, v2...); the latest by default.
    pub version: Option<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// An edition id, or an OCFL object id.
    pub id: String,
    /// The earlier version (v1...).
    pub from: String,
    /// The later version (v2...).
    pub to: String,
}

#[derive(Debug, Args)]
pub struct CatArgs {
    /// An edition id, or an OCFL object id.
    pub id: String,
    /// The file's path in the version (source.txt, edition.toml, tei/ID.xml...).
    pub path: String,
    /// The version (v1, v2...); the latest by default.
    #[arg(long)]
    pub version: Option<String>,
}

pub fn log(global: &Global, args: &LogArgs, out: &mut Out) -> editio::Result<u8> {
    let obj = super::storage::object(global, &args.id)?;
    if !out.json {
        out.line(&format!("object {}", obj.id))?;
    }
    for v in obj.versions.iter().rev() {
        if out.json {
            out.json_line(&serde_json::json!({"type": "version", "object": obj.id, "version": format!("v{}", v.number), "created": v.created, "user": v.user, "message": v.message, "files": v.state.len()}))?;
        } else {
            out.line(&format!(
                "v{}  {}  {}  ({} files)\n    {}",
                v.number,
                v.created,
                v.user,
                v.state.len(),
                v.message
            ))?;
        }
    }
    Ok(EXIT_OK)
}

pub fn show(global: &Global, args: &ShowArgs, out: &mut Out) -> editio::Result<u8> {
    let obj = super::storage::object(global, &args.id)?;
    let v = obj.version(args.version.as_deref())?;
    let files = obj.files(v)?;
    if out.json {
        for f in &files {
            out.json_line(&serde_json::json!({"type": "file", "object": obj.id, "version": format!("v{}", v.number), "path": f.path, "size": f.size, f.algorithm: f.digest}))?;
        }
    } else {
        out.line(&format!(
            "object {} v{}  {}  {}\n    {}",
            obj.id, v.number, v.created, v.user, v.message
        ))?;
        for f in &files {
            out.line(&format!(
                "{:>10}  {}:{}…  {}",
                f.size,
                f.algorithm,
                &f.digest[..f.digest.len().min(16)],
                f.path
            ))?;
        }
    }
    Ok(EXIT_OK)
}

pub fn diff(global: &Global, args: &DiffArgs, out: &mut Out) -> editio::Result<u8> {
    let obj = super::storage::object(global, &args.id)?;
    let (a, b) = (obj.version(Some(&args.from))?, obj.version(Some(&args.to))?);
    let d = obj.diff(a, b);
    let rows = d
        .added
        .iter()
        .map(|p| ("added", p))
        .chain(d.removed.iter().map(|p| ("removed", p)))
        .chain(d.changed.iter().map(|p| ("changed", p)));
    let mut any = false;
    for (what, path) in rows {
        any = true;
        if out.json {
            out.json_line(&serde_json::json!({"type": what, "object": obj.id, "from": format!("v{}", a.number), "to": format!("v{}", b.number), "path": path}))?;
        } else {
            out.line(&format!("{what:<8} {path}"))?;
        }
    }
    if !any && !out.json {
        out.line(&format!(
            "v{} and v{} hold the same files",
            a.number, b.number
        ))?;
    }
    Ok(EXIT_OK)
}

pub fn cat(global: &Global, args: &CatArgs, out: &mut Out) -> editio::Result<u8> {
    let obj = super::storage::object(global, &args.id)?;
    let v = obj.version(args.version.as_deref())?;
    let f = obj.file(v, &args.path)?;
    let bytes = std::fs::read(&f.content).map_err(editio::Error::io(&f.content))?;
    if out.json {
        let text = String::from_utf8(bytes).map_err(|_| editio::Error::NotUtf8ForJson {
            path: args.path.clone(),
        })?;
        out.json_line(&serde_json::json!({"type": "file", "object": obj.id, "version": format!("v{}", v.number), "path": f.path, "size": f.size, f.algorithm: f.digest, "text": text}))?;
    } else {
        out.raw(&bytes)?;
    }
    Ok(EXIT_OK)
}

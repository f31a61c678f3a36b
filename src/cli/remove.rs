//! `editio remove ID`.

use super::{EXIT_OK, Global, archive_root, output::Out};

pub fn run(global: &Global, id: &str, out: &mut Out) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let _lock = editio::ops::leftovers::lock(&root)?;
    let removed = editio::ops::remove::remove(&root, id)?;
    if out.json {
        out.json_line(&serde_json::json!({
            "type": "removed",
            "id": removed.id,
            "paths": removed.paths,
            "released": removed.released.map(|v| format!("v{v}")),
        }))?;
        return Ok(EXIT_OK);
    }
    for p in &removed.paths {
        out.line(&format!("  removed {}", p.display()))?;
    }
    out.ok(&format!("removed edition '{}'", removed.id))?;
    if let Some(v) = removed.released {
        out.line(&format!(
            "its released versions (v1 to v{v}) and deposits stay: `editio log {}` lists them",
            removed.id
        ))?;
    }
    out.line("next: `editio build` rewrites the collection's index without it")?;
    Ok(EXIT_OK)
}

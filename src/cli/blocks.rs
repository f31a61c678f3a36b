//! `editio blocks ID`: an edition's blocks as the structure pass reads them.

use super::output::Out;
use super::{EXIT_OK, Global, archive_root};

/// `editio blocks ID`: the edition's blocks as the structure pass reads them.
pub fn run(global: &Global, id: &str, out: &mut Out) -> editio::Result<u8> {
    let root = archive_root(global)?;
    let (archive, _) = editio::load::archive(&root)?;
    let dir = archive
        .editions
        .iter()
        .find(|e| e.id == id)
        .ok_or_else(|| editio::Error::UnknownEdition {
            id: id.to_string(),
            hint: "",
        })?;
    let config = archive
        .config
        .as_ref()
        .ok_or_else(|| editio::Error::NeedsCheck {
            path: root.join(editio::load::CONFIG_FILE),
            what: "the archive's settings",
        })?;
    let (Some(record), (Some(source), _)) = (&dir.record, editio::load::source::read(dir)?) else {
        return Err(editio::Error::NeedsCheck {
            path: dir.dir.clone(),
            what: "the record or the source",
        });
    };
    let shell = editio::load::source::shell(dir, record.clone(), source);
    let pipeline = editio::passes::Pipeline::new(&archive.register);
    let built = editio::engine::build_edition(shell, config, &archive.register, &pipeline);
    for b in &built.edition.blocks {
        let text = b.source_text().replace('\n', " ");
        let short: String = text.chars().take(70).collect();
        let more = if text.chars().count() > 70 { "…" } else { "" };
        let kind = serde_json::to_value(b.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if out.json {
            out.json_line(&serde_json::json!({"block": b.n, "role": kind, "text": text}))?;
        } else {
            out.line(&format!("{:>4}  {kind:<11} {short}{more}", b.n))?;
        }
    }
    Ok(EXIT_OK)
}

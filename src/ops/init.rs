//! `editio init`: a new, empty archive.

use crate::archive::write;
use crate::error::{Error, Result};
use crate::load::{CONFIG_FILE, EDITIONS_DIR};
use std::path::Path;

/// What a new archive's settings start with; empty values are reported by `editio check`.
#[derive(Clone, Debug, Default)]
pub struct InitOptions {
    pub name: Option<String>,
    pub organisation: Option<String>,
    pub contact: Option<String>,
    pub licence: Option<String>,
    pub base_uri: Option<String>,
}

/// Creates `editio.toml` and `editions/` in `dir` (created if needed). Refuses a folder that
/// already holds an archive.
pub fn init(dir: &Path, opts: &InitOptions) -> Result<()> {
    let config = dir.join(CONFIG_FILE);
    if config.exists() {
        return Err(Error::ArchiveExists {
            path: dir.to_path_buf(),
        });
    }
    let default_name = std::path::absolute(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let text = super::toml_templates()
        .get_template(CONFIG_FILE)
        .and_then(|t| {
            t.render(minijinja::context! {
                name => opts.name.clone().unwrap_or(default_name),
                organisation => opts.organisation.clone().unwrap_or_default(),
                contact => opts.contact.clone().unwrap_or_default(),
                licence => opts.licence.clone().unwrap_or_else(|| "CC-BY-4.0".into()),
                base_uri => opts.base_uri.clone().unwrap_or_default(),
            })
        })
        .map_err(|e| Error::Template {
            path: config.clone(),
            message: e.to_string(),
        })?;
    let editions = dir.join(EDITIONS_DIR);
    std::fs::create_dir_all(&editions).map_err(Error::io(&editions))?;
    write::atomic(&config, text.as_bytes())
}

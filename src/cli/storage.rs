//! `--storage URL`, the credentials of object storage from the environment, and
//! `editio storage copy FROM TO`.

use super::{EXIT_OK, Global, output::Out};
use clap::{Args, Subcommand};
use editio::Error;
use editio::archive::storage::{S3Settings, StorageUrl};
use editio::ops::storage::StorageChoice;
use std::path::Path;

#[derive(Debug, Subcommand)]
pub enum StorageCommand {
    /// Copy a storage root to an empty folder or prefix (disk to S3 and back), then compare
    /// every copied object with its original.
    Copy(CopyArgs),
}

#[derive(Debug, Args)]
pub struct CopyArgs {
    /// The storage root to copy: a folder or s3://bucket/prefix.
    pub from: String,
    /// Where to copy it: a new or empty folder or prefix.
    pub to: String,
    /// The S3 server (for S3-compatible storage other than Amazon's), e.g.
    /// http://127.0.0.1:3900; default: AWS_ENDPOINT_URL.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The S3 region; default: AWS_REGION, else us-east-1.
    #[arg(long)]
    pub region: Option<String>,
}

/// The credentials, endpoint and region that S3 tools read from the environment:
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, or the profile
/// `AWS_PROFILE` (default `default`) of `~/.aws/credentials` when the keys are not set;
/// `AWS_ENDPOINT_URL`, `AWS_REGION`.
pub fn keys_from_env() -> editio::Result<S3Settings> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut s = S3Settings {
        endpoint: var("AWS_ENDPOINT_URL"),
        region: var("AWS_REGION").or_else(|| var("AWS_DEFAULT_REGION")),
        access_key_id: var("AWS_ACCESS_KEY_ID"),
        secret_access_key: var("AWS_SECRET_ACCESS_KEY"),
        session_token: var("AWS_SESSION_TOKEN"),
        parallel: None,
    };
    if s.access_key_id.is_none() && s.secret_access_key.is_none() {
        let profile = var("AWS_PROFILE").unwrap_or_else(|| "default".into());
        let file = var("AWS_SHARED_CREDENTIALS_FILE")
            .map(std::path::PathBuf::from)
            .or_else(|| var("HOME").map(|h| Path::new(&h).join(".aws").join("credentials")));
        if let Some(f) = file.as_ref().filter(|f| !f.is_file())
            && var("AWS_PROFILE").is_some()
        {
            return Err(Error::Storage {
                location: f.display().to_string(),
                message: format!(
                    "is not there, and AWS_PROFILE names the profile [{profile}] of it; write \
                     the profile's keys there (or name the file in AWS_SHARED_CREDENTIALS_FILE)"
                ),
            });
        }
        if let Some(file) = file.filter(|f| f.is_file()) {
            let text = std::fs::read_to_string(&file).map_err(Error::io(&file))?;
            let (id, secret, token) =
                profile_keys(&text, &profile).map_err(|message| Error::Storage {
                    location: file.display().to_string(),
                    message,
                })?;
            if var("AWS_PROFILE").is_some() && (id.is_none() || secret.is_none()) {
                return Err(Error::Storage {
                    location: file.display().to_string(),
                    message: format!(
                        "has no aws_access_key_id and aws_secret_access_key for the profile \
                         [{profile}] that AWS_PROFILE names"
                    ),
                });
            }
            s.access_key_id = id;
            s.secret_access_key = secret;
            s.session_token = token;
        }
    }
    Ok(s)
}

/// The keys of `[profile]` in an AWS credentials file (INI, read with rust-ini; `[profile
/// name]`, as the AWS config file writes it, is accepted too); an error names the line of a
/// file that is not INI.
type ProfileKeys = (Option<String>, Option<String>, Option<String>);
fn profile_keys(text: &str, profile: &str) -> Result<ProfileKeys, String> {
    let ini = ini::Ini::load_from_str(text).map_err(|e| {
        format!(
            "line {}, column {}: {}; an AWS credentials file is INI ([profile] then key = value)",
            e.line, e.col, e.msg
        )
    })?;
    let section = ini
        .section(Some(profile))
        .or_else(|| ini.section(Some(format!("profile {profile}"))));
    let get = |k: &str| section.and_then(|s| s.get(k)).map(|v| v.trim().to_owned());
    Ok((
        get("aws_access_key_id"),
        get("aws_secret_access_key"),
        get("aws_session_token"),
    ))
}

/// Where the archive at `root` keeps its releases: `--storage`, else `[storage]` in
/// editio.toml, else export/ocfl.
pub fn choice(global: &Global, root: &Path) -> editio::Result<StorageChoice> {
    let (config, _) = editio::load::config(root)?;
    let settings = config.and_then(|c| c.storage);
    let keys = if global.storage.is_some()
        || settings
            .as_ref()
            .is_some_and(|s| s.root.starts_with("s3://") || s.deposits.is_some())
    {
        keys_from_env()?
    } else {
        S3Settings::default()
    };
    editio::ops::storage::resolve(root, global.storage.as_deref(), settings.as_ref(), &keys)
}

/// The released object `id` (edition or object id) in the archive's storage root.
pub fn object(global: &Global, id: &str) -> editio::Result<editio::ops::inspect::Object> {
    let root = super::archive_root(global)?;
    let choice = choice(global, &root)?;
    let choice = (!choice.is_default(&root)).then_some(choice);
    editio::ops::inspect::object_in(&root, id, choice.as_ref())
}

pub fn run(_global: &Global, cmd: &StorageCommand, out: &mut Out) -> editio::Result<u8> {
    match cmd {
        StorageCommand::Copy(args) => {
            let from = StorageUrl::parse(&args.from)?;
            let to = StorageUrl::parse(&args.to)?;
            let mut keys = if from.is_remote() || to.is_remote() {
                keys_from_env()?
            } else {
                S3Settings::default()
            };
            if args.endpoint.is_some() {
                keys.endpoint = args.endpoint.clone();
            }
            if args.region.is_some() {
                keys.region = args.region.clone();
            }
            let bar = super::progress::Bar::new(out);
            let report = editio::ops::storage::copy(&from, &to, &keys, &|p| bar.show(p));
            bar.clear();
            let report = report?;
            if out.json {
                out.json_line(&serde_json::json!({"type": "copied", "from": from.to_string(), "to": to.to_string(), "objects": report.objects, "bytes": report.bytes}))?;
            } else {
                out.ok(&format!(
                    "copied {} objects ({} bytes) from {from} to {to}; every copy read back and \
                     identical to its original",
                    report.objects, report.bytes
                ))?;
            }
            Ok(EXIT_OK)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn profiles_are_read() {
        let text = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n[profile x]\naws_access_key_id=C\naws_secret_access_key=D\n";
        assert_eq!(
            super::profile_keys(text, "x").unwrap(),
            (Some("C".into()), Some("D".into()), None)
        );
        assert_eq!(
            super::profile_keys(text, "default").unwrap().0.as_deref(),
            Some("A")
        );
        assert_eq!(super::profile_keys(text, "y").unwrap(), (None, None, None));
    }
}

//! An edition's event log, `editions/<id>/events.toml`: the verifications recorded with
//! `editio verify --record`. Released versions never change, so these events are carried into
//! the PREMIS log of the edition's next version.

use crate::archive::write;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The log's file name in an edition folder.
pub const EVENTS_FILE: &str = "events.toml";

/// The whole log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventLog {
    #[serde(default)]
    pub event: Vec<LoggedEvent>,
}

/// One recorded event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoggedEvent {
    /// RFC 3339 time.
    pub date: String,
    /// The PREMIS event type (`fixity check`).
    #[serde(rename = "type")]
    pub kind: String,
    /// `success` or `failure`.
    pub outcome: String,
    pub detail: String,
    /// Who or what carried it out.
    pub agent: String,
}

/// Reads the log of the edition in `dir`; an edition without one has an empty log.
pub fn read(dir: &Path) -> Result<EventLog> {
    let path = dir.join(EVENTS_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(EventLog::default()),
        Err(e) => return Err(Error::io(&path)(e)),
    };
    toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|s| crate::diagnostic::Location::at_offset(&path, &text, s.start).to_string())
            .unwrap_or_else(|| path.display().to_string());
        Error::Damaged {
            location: at,
            problem: format!(
                "{}; this log is written by `editio verify --record`",
                e.message()
            ),
        }
    })
}

/// Adds an event to the log of the edition in `dir`, rewriting the file atomically.
pub fn append(dir: &Path, event: LoggedEvent) -> Result<()> {
    let mut log = read(dir)?;
    log.event.push(event);
    let mut text = String::from(
        "# Events of this edition recorded by `editio verify --record`; the next release\n\
         # carries them into its PREMIS log. Written by editio: do not edit.\n\n",
    );
    text.push_str(&toml::to_string(&log).map_err(|source| Error::Serialize {
        path: dir.join(EVENTS_FILE),
        source,
    })?);
    write::atomic(&dir.join(EVENTS_FILE), text.as_bytes())
}

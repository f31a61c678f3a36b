//! Reading an edition's event log, `editions/<id>/events.toml` (see
//! [`crate::model::events`]); `editio verify --record` writes it.

use super::EVENTS_FILE;
use crate::error::{Error, Result};
use crate::model::events::EventLog;
use std::path::Path;

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

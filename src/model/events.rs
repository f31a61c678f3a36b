//! An edition's event log, `editions/<id>/events.toml`: the verifications recorded with
//! `editio verify --record`. Released versions never change, so these events are carried into
//! the PREMIS log of the edition's next version. It is read by [`crate::load::events`] and
//! written by the command that records an event.

use serde::{Deserialize, Serialize};

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

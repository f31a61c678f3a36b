//! A PREMIS 3 record of an edition's life (`metadata/premis.xml` in releases and deposits): the
//! source file as an object with its fixity, and the events that befell it: its receipt and
//! checksum, its encodings and its releases, with the agents responsible.

use super::xml::Xml;
use crate::model::Edition;

const PREMIS: &str = "http://www.loc.gov/premis/v3";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// One event for the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// A stable identifier, unique within the log (`release-v2`).
    pub id: String,
    /// The PREMIS event type (Library of Congress vocabulary: `ingestion`,
    /// `message digest calculation`, `creation`, `accession`, `fixity check`).
    pub kind: String,
    /// ISO 8601 date or date-time.
    pub when: String,
    pub detail: String,
    /// `success` or `failure`.
    pub outcome: String,
    /// The agent (by its identifier) responsible.
    pub agent: String,
}

/// The agent identifier of this program.
pub fn software_agent() -> String {
    crate::AGENT.replace(' ', "-")
}

/// The events every edition has from its record: receipt and checksum of the source, and each
/// entry of its history.
pub fn record_events(edition: &Edition) -> Vec<Event> {
    let r = &edition.record;
    let receiver = r.received.by.known().unwrap_or("unknown").to_string();
    let mut out = Vec::new();
    // Earlier copies first, each replaced by the next one.
    earlier_receipts(r, &mut out);
    current_receipt(r, &receiver, &mut out);
    for (i, h) in r.history.iter().enumerate() {
        out.push(Event {
            id: format!("history-{}", i + 1),
            kind: "modification".into(),
            when: h.date.clone(),
            detail: h.change.clone(),
            outcome: "success".into(),
            agent: h.by.clone().unwrap_or_else(|| receiver.clone()),
        });
    }
    out
}

/// The ingestion and checksum events of the copies received before the current one.
fn earlier_receipts(r: &crate::model::Record, out: &mut Vec<Event>) {
    for (i, e) in r.received.earlier.iter().enumerate() {
        let Some(date) = e.date.known() else { continue };
        let replaces = match i {
            0 => String::new(),
            _ => format!(
                ", replacing the copy with SHA-256 {}",
                r.received.earlier[i - 1].sha256
            ),
        };
        let reason = e
            .reason
            .as_deref()
            .map(|why| format!(" Reason: {why}"))
            .unwrap_or_default();
        out.push(Event {
            id: format!("ingestion-{}", i + 1),
            kind: "ingestion".into(),
            when: date.to_string(),
            detail: format!(
                "Received {} ({} bytes) and recorded byte for byte as source.txt{replaces}. Route: {}.{reason}",
                e.file_name,
                e.size,
                e.route.known().unwrap_or("not known").trim_end_matches('.')
            ),
            outcome: "success".into(),
            agent: e.by.known().unwrap_or("unknown").to_string(),
        });
        out.push(Event {
            id: format!("checksum-{}", i + 1),
            kind: "message digest calculation".into(),
            when: date.to_string(),
            detail: format!("SHA-256 of source.txt: {}", e.sha256),
            outcome: "success".into(),
            agent: software_agent(),
        });
    }
}

/// The ingestion and checksum events of the current copy.
fn current_receipt(r: &crate::model::Record, receiver: &str, out: &mut Vec<Event>) {
    let n = r.received.earlier.len();
    if let Some(date) = r.received.date.known() {
        let replaces = match r.received.earlier.last() {
            Some(e) => format!(", replacing the copy with SHA-256 {}", e.sha256),
            None => String::new(),
        };
        let reason = r
            .received
            .reason
            .as_deref()
            .map(|why| format!(" Reason: {why}"))
            .unwrap_or_default();
        let (ingestion, checksum) = match n {
            0 => ("ingestion".to_string(), "checksum".to_string()),
            _ => (
                format!("ingestion-{}", n + 1),
                format!("checksum-{}", n + 1),
            ),
        };
        out.push(Event {
            id: ingestion,
            kind: "ingestion".into(),
            when: date.to_string(),
            detail: format!(
                "Received {} ({} bytes) and recorded byte for byte as source.txt{replaces}. Route: {}{}",
                r.received.file_name,
                r.received.size,
                r.received.route.known().unwrap_or("not known"),
                if reason.is_empty() {
                    String::new()
                } else {
                    format!(
                        "{}{reason}",
                        if r.received.route.known().is_some_and(|t| t.ends_with('.')) { "" } else { "." }
                    )
                }
            ),
            outcome: "success".into(),
            agent: receiver.to_string(),
        });
        out.push(Event {
            id: checksum,
            kind: "message digest calculation".into(),
            when: date.to_string(),
            detail: format!("SHA-256 of source.txt: {}", r.received.sha256),
            outcome: "success".into(),
            agent: software_agent(),
        });
    }
}

/// Renders the log: the source as the object, then the events, then the agents.
pub fn render(edition: &Edition, events: &[Event]) -> Vec<u8> {
    let mut x = Xml::new();
    x.decl();
    x.open(
        "premis",
        &[
            ("xmlns", PREMIS),
            ("xmlns:xsi", XSI),
            (
                "xsi:schemaLocation",
                "http://www.loc.gov/premis/v3 https://www.loc.gov/standards/premis/premis.xsd",
            ),
            ("version", "3.0"),
        ],
    );
    write_object(&mut x, &edition.record);
    for e in events {
        write_event(&mut x, e);
    }
    write_agents(&mut x, events);
    x.close("premis");
    x.finish()
}

/// The one object the log is about: the received source, with its SHA-256, size, encoding and
/// original name.
fn write_object(x: &mut Xml, r: &crate::model::Record) {
    x.open("object", &[("xsi:type", "file")]);
    x.open("objectIdentifier", &[]);
    x.leaf("objectIdentifierType", &[], "local");
    x.leaf("objectIdentifierValue", &[], "source.txt");
    x.close("objectIdentifier");
    x.open("objectCharacteristics", &[]);
    x.leaf("compositionLevel", &[], "0");
    x.open("fixity", &[]);
    x.leaf("messageDigestAlgorithm", &[], "SHA-256");
    x.leaf("messageDigest", &[], &r.received.sha256);
    x.leaf("messageDigestOriginator", &[], &software_agent());
    x.close("fixity");
    x.leaf("size", &[], &r.received.size.to_string());
    x.open("format", &[]);
    x.open("formatDesignation", &[]);
    let charset = r.received.encoding.as_deref().unwrap_or("UTF-8");
    x.leaf("formatName", &[], &format!("text/plain; charset={charset}"));
    x.close("formatDesignation");
    x.close("format");
    x.close("objectCharacteristics");
    x.leaf("originalName", &[], &r.received.file_name);
    x.close("object");
}

/// One event, linked to its agent and to the source.
fn write_event(x: &mut Xml, e: &Event) {
    x.open("event", &[]);
    x.open("eventIdentifier", &[]);
    x.leaf("eventIdentifierType", &[], "local");
    x.leaf("eventIdentifierValue", &[], &e.id);
    x.close("eventIdentifier");
    x.leaf("eventType", &[], &e.kind);
    x.leaf("eventDateTime", &[], &e.when);
    x.open("eventDetailInformation", &[]);
    x.leaf("eventDetail", &[], &e.detail);
    x.close("eventDetailInformation");
    x.open("eventOutcomeInformation", &[]);
    x.leaf("eventOutcome", &[], &e.outcome);
    x.close("eventOutcomeInformation");
    x.open("linkingAgentIdentifier", &[]);
    x.leaf("linkingAgentIdentifierType", &[], "local");
    x.leaf("linkingAgentIdentifierValue", &[], &e.agent);
    x.close("linkingAgentIdentifier");
    x.open("linkingObjectIdentifier", &[]);
    x.leaf("linkingObjectIdentifierType", &[], "local");
    x.leaf("linkingObjectIdentifierValue", &[], "source.txt");
    x.close("linkingObjectIdentifier");
    x.close("event");
}

/// Each agent of the events once: editio itself as software, anyone else as an organization.
fn write_agents(x: &mut Xml, events: &[Event]) {
    let mut agents: Vec<&str> = events.iter().map(|e| e.agent.as_str()).collect();
    agents.sort_unstable();
    agents.dedup();
    let software = software_agent();
    for a in agents {
        x.open("agent", &[]);
        x.open("agentIdentifier", &[]);
        x.leaf("agentIdentifierType", &[], "local");
        x.leaf("agentIdentifierValue", &[], a);
        x.close("agentIdentifier");
        if a == software {
            x.leaf("agentName", &[], crate::AGENT);
            x.leaf("agentType", &[], "software");
        } else {
            x.leaf("agentName", &[], a);
            x.leaf("agentType", &[], "organization");
        }
        x.close("agent");
    }
}

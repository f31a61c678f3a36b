//! Printing: data to stdout, messages to stderr, colour only when wanted, JSON Lines with
//! `--json`. A closed pipe ends output quietly.

use super::{Color, Global};
use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};
use editio::{Diagnostic, Error, Severity};
use std::io::Write;

const RED: Style = AnsiColor::Red.on_default().bold();
const YELLOW: Style = AnsiColor::Yellow.on_default().bold();
const GREEN: Style = AnsiColor::Green.on_default().bold();
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

pub struct Out {
    stdout: AutoStream<std::io::Stdout>,
    stderr: AutoStream<std::io::Stderr>,
    pub json: bool,
    pub quiet: bool,
    pub verbose: bool,
}

impl Out {
    pub fn new(global: &Global) -> Self {
        let choice = match global.color {
            Color::Auto => ColorChoice::Auto,
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
        };
        Out {
            stdout: AutoStream::new(std::io::stdout(), choice),
            stderr: AutoStream::new(std::io::stderr(), choice),
            json: global.json,
            quiet: global.quiet,
            verbose: global.verbose,
        }
    }

    /// Raw bytes to stdout.
    pub fn raw(&mut self, bytes: &[u8]) -> editio::Result<()> {
        self.stdout.write_all(bytes).map_err(Error::io("<stdout>"))
    }

    /// A line of data on stdout (suppressed by -q).
    pub fn line(&mut self, text: &str) -> editio::Result<()> {
        if self.quiet {
            return Ok(());
        }
        writeln!(self.stdout, "{text}").map_err(Error::io("<stdout>"))
    }

    /// A JSON record as one line on stdout.
    pub fn json_line(&mut self, value: &serde_json::Value) -> editio::Result<()> {
        writeln!(self.stdout, "{value}").map_err(Error::io("<stdout>"))
    }

    /// A success line, in green when colour is on.
    pub fn ok(&mut self, text: &str) -> editio::Result<()> {
        if self.quiet {
            return Ok(());
        }
        writeln!(self.stdout, "{GREEN}{text}{GREEN:#}").map_err(Error::io("<stdout>"))
    }

    /// One finding, human-readable, on stdout (warnings are suppressed by -q).
    pub fn diagnostic(&mut self, d: &Diagnostic) -> editio::Result<()> {
        if self.json {
            let mut v = serde_json::to_value(d).unwrap_or_default();
            v["type"] = "finding".into();
            return self.json_line(&v);
        }
        if self.quiet && d.severity == Severity::Warning {
            return Ok(());
        }
        let style = match d.severity {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
        };
        let w = &mut self.stdout;
        let io = Error::io("<stdout>");
        (|| {
            writeln!(
                w,
                "{style}{}[{}]{style:#}: {BOLD}{}{BOLD:#}: {}",
                d.severity, d.code.id, d.location, d.message
            )?;
            if let Some(help) = &d.help {
                writeln!(w, "  {DIM}help:{DIM:#} {help}")?;
            }
            Ok(())
        })()
        .map_err(io)
    }

    /// A message about the run (not a finding), on stderr (suppressed by -q).
    pub fn note(&mut self, text: &str) {
        if !self.quiet {
            let _ = writeln!(self.stderr, "{YELLOW}{text}{YELLOW:#}");
        }
    }

    /// The closing line of a checking command (`3 editions checked: 0 errors, 1 warning`), in
    /// green when there are no errors, and the exit code it means.
    pub fn summary(&mut self, what: &str, errors: usize, warnings: usize) -> editio::Result<u8> {
        let line = format!(
            "{what}: {errors} error{}, {warnings} warning{}",
            plural(errors),
            plural(warnings)
        );
        if errors == 0 {
            self.ok(&line)?;
            Ok(super::EXIT_OK)
        } else {
            self.line(&line)?;
            Ok(super::EXIT_PROBLEMS)
        }
    }

    /// Prints the error that stopped the command, with its causes, on stderr (a cause the
    /// message already quotes is not repeated); with `--json` also as a record on stdout
    /// (`{"type": "error", "message", "causes", "exit"}`).
    pub fn fatal(&mut self, err: &Error, exit: u8) {
        let mut text = format!("{RED}editio: error:{RED:#} {err}");
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            let said = cause.to_string();
            if !text.contains(&said) {
                text.push_str(&format!("\n  caused by: {said}"));
            }
            causes.push(said);
            source = cause.source();
        }
        let _ = writeln!(self.stderr, "{text}");
        if self.json {
            let _ = self.json_line(&serde_json::json!({
                "type": "error",
                "message": err.to_string(),
                "causes": causes,
                "exit": exit,
            }));
        }
    }
}

/// "s" for a count other than one.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

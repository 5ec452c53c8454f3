//! Where output goes: messages for people on stderr, results on stdout.
//!
//! The printer knows `-q`/`-v`, `--output json`, whether stderr is a terminal and NO_COLOR.
//! Command code reports through it and never writes to stderr itself.

use std::io::{IsTerminal, Write};

use console::Style;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Printer {
    /// -1 quiet, -2 errors only, 0 normal, 1 verbose, 2 very verbose.
    level: i8,
    format: Format,
    color: bool,
    stderr_tty: bool,
    stdin_tty: bool,
    /// Results are not printed (a command run as one step of another).
    results_hidden: bool,
}

impl Printer {
    pub fn new(quiet: u8, verbose: u8, format: Format) -> Self {
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        let level = if quiet > 0 {
            -(quiet.min(2) as i8)
        } else {
            verbose.min(2) as i8
        };
        Printer {
            level,
            format,
            color: stderr_tty && !no_color && !dumb,
            stderr_tty,
            stdin_tty: std::io::stdin().is_terminal(),
            results_hidden: false,
        }
    }

    /// The same printer at another level (-2 errors only ... 2 very verbose).
    pub fn with_level(&self, level: i8) -> Self {
        Printer {
            level: level.clamp(-2, 2),
            ..self.clone()
        }
    }

    /// The same printer without results on stdout, for a command run as a step of another.
    pub fn without_results(&self) -> Self {
        Printer {
            results_hidden: true,
            ..self.clone()
        }
    }

    /// Whether colours are used (a terminal, and NO_COLOR not set).
    pub fn color(&self) -> bool {
        self.color
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    pub fn verbose(&self) -> bool {
        self.level >= 1
    }

    /// Progress bars and spinners: only on a terminal, never in quiet or JSON mode.
    pub fn progress_enabled(&self) -> bool {
        self.stderr_tty && self.level >= 0 && self.format == Format::Text
    }

    /// Whether we may ask the user a question.
    pub fn can_prompt(&self) -> bool {
        self.stdin_tty && self.stderr_tty
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            style.force_styling(true).apply_to(text).to_string()
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    pub fn green(&self, text: &str) -> String {
        self.paint(Style::new().green(), text)
    }

    pub fn red(&self, text: &str) -> String {
        self.paint(Style::new().red(), text)
    }

    pub fn yellow(&self, text: &str) -> String {
        self.paint(Style::new().yellow(), text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint(Style::new().dim(), text)
    }

    fn emit(&self, min_level: i8, line: &str) {
        if self.level >= min_level {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{line}");
        }
    }

    /// A normal message (hidden by -q).
    pub fn info(&self, line: impl AsRef<str>) {
        self.emit(0, line.as_ref());
    }

    /// A warning (hidden by -qq).
    pub fn warn(&self, line: impl AsRef<str>) {
        let text = format!("{} {}", self.yellow("warning:"), line.as_ref());
        self.emit(-1, &text);
    }

    /// Detail shown with -v.
    pub fn detail(&self, line: impl AsRef<str>) {
        self.emit(1, &self.dim(line.as_ref()));
    }

    /// The final error line; always shown.
    pub fn error(&self, line: impl AsRef<str>) {
        let text = format!("{} {}", self.red("error:"), line.as_ref());
        self.emit(-2, &text);
    }

    /// Results on stdout: the text form, or one JSON document.
    pub fn result<T: Serialize>(
        &self,
        value: &T,
        text: impl FnOnce() -> String,
    ) -> std::io::Result<()> {
        if self.results_hidden {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => {
                let json = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
                writeln!(out, "{json}")?;
            }
            Format::Text => {
                let text = text();
                if !text.is_empty() {
                    write!(out, "{text}")?;
                    if !text.ends_with('\n') {
                        writeln!(out)?;
                    }
                }
            }
        }
        out.flush()
    }

    /// Asks a yes/no question on stderr and reads the answer from stdin.
    pub fn confirm(&self, question: &str) -> std::io::Result<bool> {
        let mut err = std::io::stderr().lock();
        write!(err, "{question} [y/N] ")?;
        err.flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }
}

/// Formats rows as aligned columns (two spaces apart), for the text form of results.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<width$}  ", width = widths[i]));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let text = table(
            &["NAME", "STATUS"],
            &[
                vec!["soilSensor1".into(), "ACTIVE".into()],
                vec!["s2".into(), "INACTIVE".into()],
            ],
        );
        assert_eq!(
            text,
            "NAME         STATUS\nsoilSensor1  ACTIVE\ns2           INACTIVE\n"
        );
    }
}

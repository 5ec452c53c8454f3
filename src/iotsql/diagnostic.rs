//! Parse diagnostics: a message tied to a byte span of the source text, rendered like a
//! compiler error with the offending line, a caret underline and an optional hint.

use std::fmt;
use std::ops::Range;

/// An error found while parsing SQL or a substitution template.
///
/// `span` is a byte range into `source`; it may be empty (for example at the end of the
/// input), in which case the caret points just after the last character before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The full text that was parsed.
    pub source: String,
    /// Byte range of the offending text.
    pub span: Range<usize>,
    /// What went wrong.
    pub message: String,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(source: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let end = span.end.min(source.len());
        let start = span.start.min(end);
        Diagnostic {
            source: source.to_owned(),
            span: start..end,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// 1-based line and column (in characters) where the span starts.
    pub fn line_col(&self) -> (usize, usize) {
        let start = self.span.start.min(self.source.len());
        let before = self.source.get(..start).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, col)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        let src = self.source.as_str();
        let start = self.span.start.min(src.len());
        let line_start = src
            .get(..start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line_end = src
            .get(start..)
            .and_then(|s| s.find('\n'))
            .map_or(src.len(), |i| start + i);
        let line_text = src.get(line_start..line_end).unwrap_or("");
        let (line_no, _) = self.line_col();
        let number = line_no.to_string();
        let pad = " ".repeat(number.len());
        // Columns in characters; tabs are shown as one space so the caret lines up.
        let shown: String = line_text
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let caret_start = src.get(line_start..start).map_or(0, |s| s.chars().count());
        let end = self.span.end.clamp(start, line_end);
        let caret_len = src.get(start..end).map_or(0, |s| s.chars().count()).max(1);
        writeln!(f, "{pad} |")?;
        writeln!(f, "{number} | {shown}")?;
        write!(
            f,
            "{pad} | {}{}",
            " ".repeat(caret_start),
            "^".repeat(caret_len)
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n{pad} |\n{pad} = help: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_span() {
        let d = Diagnostic::new("SELEC * FROM 'a'", 0..5, "expected `SELECT`")
            .with_hint("did you mean `SELECT`?");
        let text = d.to_string();
        assert_eq!(
            text,
            "error: expected `SELECT`\n  |\n1 | SELEC * FROM 'a'\n  | ^^^^^\n  |\n  = help: did you mean `SELECT`?"
        );
    }

    #[test]
    fn empty_span_at_end_points_after_last_char() {
        let src = "SELECT * FROM 'a' WHERE humidity <";
        let d = Diagnostic::new(src, src.len()..src.len(), "expected an expression");
        let text = d.to_string();
        let caret_line = text.lines().last().unwrap_or("");
        assert_eq!(caret_line.find('^'), Some(4 + src.len()));
        assert!(!text.contains("help:"));
    }

    #[test]
    fn second_line_is_shown_with_its_number() {
        let src = "SELECT *\nFROM 'a'\nWHERE ;";
        let pos = src.find(';').unwrap_or(0);
        let d = Diagnostic::new(src, pos..pos + 1, "unexpected `;`");
        assert_eq!(d.line_col(), (3, 7));
        assert!(d.to_string().contains("3 | WHERE ;\n  |       ^"));
    }

    #[test]
    fn span_is_clamped_to_source() {
        let d = Diagnostic::new("ab", 5..9, "oops");
        assert_eq!(d.span, 2..2);
        assert!(d.to_string().contains("1 | ab\n  |   ^"));
    }
}

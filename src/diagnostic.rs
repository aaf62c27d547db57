//! Problems found in the source tree, as values.
//!
//! Loading and validation never stop at the first problem: every stage pushes
//! [`Diagnostic`]s into a list, and the caller prints them all at the end, so
//! an author fixes a rubric in one pass instead of one error per run.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Where in a source file a problem is. Lines and columns are 1-based, as
/// editors show them; `None` when the problem concerns the file as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the project root, with `/` separators.
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl AsRef<Path>, at: Option<Position>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: display_path(file.as_ref()),
            line: at.map(|p| p.line),
            column: at.map(|p| p.column),
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        file: impl AsRef<Path>,
        at: Option<Position>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, at, message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the position when there is one.
    pub fn locate(&mut self, at: Option<Position>) {
        if let Some(at) = at {
            self.line = Some(at.line);
            self.column = Some(at.column);
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // File names and messages come from the source tree: a newline in a
        // name could forge a diagnostic line, an ESC drive the terminal.
        write!(f, "{label}: {}", terminal_safe(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", terminal_safe(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {}", terminal_safe(hint))?;
        }
        Ok(())
    }
}

/// `text` with every control character (newline, ESC, DEL, C1 controls …)
/// written as a visible escape, for human output on a terminal. JSON output
/// escapes them itself.
pub fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\n' => "\\n".to_owned(),
                '\t' => "\\t".to_owned(),
                '\r' => "\\r".to_owned(),
                c if c.is_control() => format!("\\u{{{:x}}}", c as u32),
                c => c.to_string(),
            })
            .collect(),
    )
}

/// Forward slashes on every platform so diagnostics and JSON are stable.
pub fn display_path(path: &Path) -> String {
    let mut shown = String::new();
    for component in path.components() {
        if !shown.is_empty() && !shown.ends_with('/') {
            shown.push('/');
        }
        match component {
            std::path::Component::RootDir => shown.push('/'),
            other => shown.push_str(&other.as_os_str().to_string_lossy()),
        }
    }
    shown
}

/// Sorted so that output does not depend on directory iteration order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// The diagnostics of one failed run, as an error value for `?`.
#[derive(Debug)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        write!(f, "{errors} error(s)")
    }
}

impl std::error::Error for Diagnostics {}

/// Where the first byte that is not UTF-8 lies, as an editor counts it
/// (`valid_up_to` is [`std::str::Utf8Error::valid_up_to`]); a byte offset
/// means nothing to an author.
pub fn utf8_error_position(bytes: &[u8], valid_up_to: usize) -> Position {
    let valid = String::from_utf8_lossy(&bytes[..valid_up_to.min(bytes.len())]);
    let line = valid.matches('\n').count() as u32 + 1;
    let column = valid.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    Position { line, column }
}

/// The error for a file that is not UTF-8, at its first bad byte.
pub fn not_utf8(file: impl AsRef<Path>, bytes: &[u8], error: &std::str::Utf8Error) -> Diagnostic {
    let at = utf8_error_position(bytes, error.valid_up_to());
    let byte = bytes.get(error.valid_up_to()).copied().unwrap_or_default();
    Diagnostic::error(
        file,
        Some(at),
        format!(
            "the file is not valid UTF-8: byte 0x{byte:02X} here is not part of a UTF-8 character"
        ),
    )
    .hint("save the file as UTF-8 (not GBK/GB18030 or Latin-1)")
}

pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_output_shows_control_characters_as_escapes() {
        let d = Diagnostic::error(
            "fake.yaml\nerror: x.yaml:1:1",
            None,
            "bad \u{1b}[31mred\u{7f}",
        )
        .hint("a\u{90}b");
        assert_eq!(
            d.to_string(),
            "error: fake.yaml\\nerror: x.yaml:1:1: bad \\u{1b}[31mred\\u{7f}\n  help: a\\u{90}b"
        );
        assert_eq!(terminal_safe("督导 ok"), "督导 ok");
    }

    #[test]
    fn a_bad_byte_is_located_by_line_and_column() {
        let bytes = "第一行\nab\u{e9}".as_bytes().to_vec();
        let mut latin1 = "第一行\nab".as_bytes().to_vec();
        latin1.push(0xE9);
        assert!(std::str::from_utf8(&bytes).is_ok());
        let error = std::str::from_utf8(&latin1).unwrap_err();
        let d = not_utf8("dudao.toml", &latin1, &error);
        assert_eq!((d.line, d.column), (Some(2), Some(3)));
        assert!(d.message.contains("0xE9"), "{}", d.message);
    }

    #[test]
    fn display_path_uses_forward_slashes_and_keeps_the_root() {
        assert_eq!(
            display_path(Path::new("rubrics/annex-1.yaml")),
            "rubrics/annex-1.yaml"
        );
        assert_eq!(display_path(Path::new("/no/such/dir")), "/no/such/dir");
        assert_eq!(display_path(Path::new("/")), "/");
    }
}

//! YAML → raw structs, and YAML errors → located diagnostics with a hint
//! that says what to change.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Position};

pub(super) fn position(location: &serde_saphyr::Location, line_offset: u32) -> Option<Position> {
    (location.line() > 0).then(|| Position {
        line: u32::try_from(location.line())
            .unwrap_or(u32::MAX)
            .saturating_add(line_offset),
        column: u32::try_from(location.column()).unwrap_or(u32::MAX),
    })
}

/// A YAML error, not yet tied to a file.
pub struct YamlError {
    pub at: Option<Position>,
    pub message: String,
}

impl YamlError {
    /// `what` is `rubric` or `front matter`; `text` is the whole file, to
    /// recognise an empty one.
    pub(super) fn into_diagnostic(self, file: &Path, what: &str, text: &str) -> Diagnostic {
        let reference = if what == "rubric" {
            "docs/rubric-format.md lists every field, its type and whether it is required"
        } else {
            "compare with the other files in the same folder"
        };
        if text.trim().is_empty() {
            return Diagnostic::error(file, None, format!("the {what} is empty"))
                .hint(format!("write its fields, or delete the file; {reference}"));
        }
        let message = &self.message;
        let hint = if let Some(rest) = message.strip_prefix("missing field ") {
            format!("add the required field {rest}; {reference}")
        } else if message.starts_with("unknown field ") {
            format!("remove the key or correct its spelling; {reference}")
        } else if message.starts_with("unknown variant ") {
            "use one of the values listed".to_owned()
        } else if message.contains("tab") {
            "indent with spaces: YAML does not allow tabs for indentation".to_owned()
        } else if message.contains("expected mapping") && self.at.is_some_and(|p| p.line <= 1) {
            format!("a {what} is a set of `key: value` lines; {reference}")
        } else if message.starts_with("invalid type") || message.starts_with("expected ") {
            format!("the value has the wrong type; {reference}")
        } else {
            "fix the YAML syntax here: check indentation, the `: ` after each key, and unclosed brackets or quotes".to_owned()
        };
        let at = if message.contains("found a tab") {
            first_indenting_tab(text, self.at).or(self.at)
        } else {
            self.at
        };
        Diagnostic::error(file, at, format!("invalid {what}: {message}")).hint(hint)
    }
}

/// The parser reports a tab where the token it was reading began, often a
/// line above; the author needs the tab itself.
fn first_indenting_tab(text: &str, from: Option<Position>) -> Option<Position> {
    let first_line = from.map_or(1, |p| p.line);
    text.lines()
        .zip(1u32..)
        .skip_while(|(_, number)| *number < first_line)
        .find_map(|(line, number)| {
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            line[..indent].find('\t').map(|column| Position {
                line: number,
                column: column as u32 + 1,
            })
        })
}

/// Parses YAML text, shifting reported lines by `line_offset` (front matter
/// starts below the opening `---`).
pub fn parse_yaml<T: DeserializeOwned>(text: &str, line_offset: u32) -> Result<T, YamlError> {
    serde_saphyr::from_str::<T>(text).map_err(|err| {
        let at = err.location().and_then(|l| position(&l, line_offset));
        let mut message = err.without_snippet().to_string();
        // The crate appends its own "at line L, column C"; we print the
        // position in the file:line:column prefix instead, shifted correctly.
        if let Some(cut) = message.rfind(" at line ") {
            message.truncate(cut);
        }
        YamlError { at, message }
    })
}

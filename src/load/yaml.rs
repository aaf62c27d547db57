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
        } else if message.starts_with("unexpected character") || message.contains("surrogate") {
            "delete this character: YAML does not allow control characters or unpaired surrogates in text (most editors do not show them)".to_owned()
        } else if message.contains("!!binary") {
            "write the text itself: dudao reads plain text, and base64 would hide what is published"
                .to_owned()
        } else if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
            let key = key.split(',').next().unwrap_or(key);
            format!(
                "`{key}` appears twice in the same block: keep one of them (the second would silently win in other tools)"
            )
        } else if message.starts_with("invalid floating point")
            || message.starts_with("invalid integer")
        {
            "this field takes a number, e.g. `points: 2` or `points: 0.5` (not `true`, text or a list)".to_owned()
        } else if message.contains("found a tab") || message.contains("tabs") {
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
        // The parser's advice is for programmers using it, not for authors.
        let message = message
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or(message);
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
    if let Some(at) = binary_tag(text) {
        return Err(YamlError {
            at: Some(Position {
                line: at.line + line_offset,
                column: at.column,
            }),
            message: "`!!binary` values are not accepted".to_owned(),
        });
    }
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

/// Where a `!!binary` tag is used: the parser would silently decode its
/// base64 into text nobody can read in the source. Only in tag position
/// (after `key: `, `- ` or at a line's start), so prose that mentions it is
/// left alone.
fn binary_tag(text: &str) -> Option<Position> {
    const TAGS: [&str; 2] = ["!!binary", "!<tag:yaml.org,2002:binary>"];
    text.lines().zip(1u32..).find_map(|(line, number)| {
        TAGS.iter().find_map(|tag| {
            line.match_indices(tag).find_map(|(at, _)| {
                let before = line[..at].trim_end();
                let in_tag_position = before.is_empty()
                    || before.ends_with(':')
                    || before.ends_with('-')
                    || before.ends_with('[')
                    || before.ends_with(',');
                in_tag_position.then(|| Position {
                    line: number,
                    column: line[..at].chars().count() as u32 + 1,
                })
            })
        })
    })
}

//! What the Office file formats cannot hold, found before anything renders.
//!
//! The Excel workbook fails to write when a cell holds more than 32 767
//! UTF-16 units or a data-validation title more than 32, and a formula's
//! string constant cannot exceed 255. A rubric that passes every other check
//! could still stop `dudao build` there, with no line number; so `check`
//! (which is this module, through [`super::validate`]) finds them first, each
//! at the item in the rubric file that holds the text.

use crate::diagnostic::{Diagnostic, Position};
use crate::load::{RawRubric, Spanned, YamlFile};

/// Excel's limit on the text of one cell, in UTF-16 code units.
pub const CELL_LIMIT: usize = 32_767;
/// Excel's limit on a data-validation title (the veto list's title is one).
pub const VALIDATION_TITLE_LIMIT: usize = 32;
/// A band label is a word such as 优良; it is also a string constant in the
/// workbook's band formula, which Excel caps at 255.
pub const BAND_LABEL_LIMIT: usize = 32;
/// Room for what the workbook adds around a text in the same cell
/// (`一级指标：`, `环节：`, the sentence around the scoring rule).
const PREFIX_ROOM: usize = 200;

pub(super) fn check_export_limits(file: &YamlFile<RawRubric>, out: &mut Vec<Diagnostic>) {
    let raw = &file.value;
    let at = |spanned_at: Option<Position>| spanned_at.or_else(|| file.at(&raw.id));
    let mut too_long = |text: &str, what: &str, position: Option<Position>, room: usize| {
        let length = utf16_len(text);
        if length + room > CELL_LIMIT {
            out.push(
                Diagnostic::error(
                    &file.path,
                    at(position),
                    format!(
                        "{what} is {length} characters long, more than an Excel cell holds ({} with what dudao adds)",
                        CELL_LIMIT - room
                    ),
                )
                .hint("shorten it or split it into several items; the self-scoring workbook puts it in one cell"),
            );
        }
    };

    let title = match &raw.label {
        Some(label) => format!("{}（{label}）", raw.title.value),
        None => raw.title.value.clone(),
    };
    too_long(&title, "the title", file.at(&raw.title), PREFIX_ROOM);
    let top = |key: &str| key_position(&file.text, key);
    if let Some(source) = &raw.source {
        too_long(source, "`source`", top("source"), PREFIX_ROOM);
    }
    too_long(
        &raw.scoring_rule,
        "`scoring_rule`",
        top("scoring_rule"),
        PREFIX_ROOM,
    );
    for field in &raw.header_fields {
        too_long(field, "a header field", top("header_fields"), PREFIX_ROOM);
    }
    for note in &raw.notes {
        too_long(note, "a note", top("notes"), PREFIX_ROOM);
    }

    for stage in raw.stages.iter().flatten() {
        too_long(
            &stage.value.title,
            "the stage title",
            file.at(stage),
            PREFIX_ROOM,
        );
    }
    let groups = raw
        .stages
        .iter()
        .flatten()
        .flat_map(|stage| &stage.value.groups)
        .chain(raw.groups.iter().flatten());
    for group in groups {
        too_long(
            &group.value.title,
            "the group title",
            file.at(group),
            PREFIX_ROOM,
        );
        for row in &group.value.rows {
            too_long(&row.value.title, "the row title", file.at(row), 0);
            for criterion in &row.value.criteria {
                let text = &criterion.value.text;
                too_long(&text.value, "the criterion text", file.at(text), 0);
            }
        }
    }

    if let Some(veto) = &raw.veto {
        let heading = format!(
            "{}：{}",
            veto.title.value,
            veto.intro.as_deref().unwrap_or_default()
        );
        too_long(
            &heading,
            "the veto title and intro",
            file.at(&veto.title),
            PREFIX_ROOM,
        );
        for item in &veto.items.value {
            too_long(&item.value.text, "the veto item text", file.at(item), 0);
        }
        let length = utf16_len(&veto.title.value);
        if length > VALIDATION_TITLE_LIMIT {
            out.push(
                Diagnostic::error(
                    &file.path,
                    file.at(&veto.title),
                    format!(
                        "the veto title is {length} characters long; the self-scoring workbook allows {VALIDATION_TITLE_LIMIT}"
                    ),
                )
                .hint("Excel shows it as the title of the 是/否 list: shorten it, e.g. `不合格项`; a longer explanation goes in `intro:`"),
            );
        }
    }
    for band in &raw.bands.value {
        check_band_label(file, &band.value.label, out);
    }
}

fn check_band_label(
    file: &YamlFile<RawRubric>,
    label: &Spanned<String>,
    out: &mut Vec<Diagnostic>,
) {
    let length = utf16_len(&label.value);
    if length > BAND_LABEL_LIMIT {
        out.push(
            Diagnostic::error(
                &file.path,
                file.at(label),
                format!("the band label is {length} characters long; at most {BAND_LABEL_LIMIT} are allowed"),
            )
            .hint("a band label is a word such as 优良, 合格 or 不合格; put explanations in `consequence:`"),
        );
    }
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Where top-level `key:` starts, for fields the parser keeps no position of.
fn key_position(text: &str, key: &str) -> Option<Position> {
    text.lines().zip(1u32..).find_map(|(line, number)| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
            .then_some(Position {
                line: number,
                column: 1,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_position_finds_top_level_keys_only() {
        let text = "id: x\n  notes: no\nnotes:\n  - a\n";
        assert_eq!(
            key_position(text, "notes"),
            Some(Position { line: 3, column: 1 })
        );
        assert_eq!(key_position(text, "source"), None);
    }

    #[test]
    fn lengths_are_counted_as_excel_counts_them() {
        // One character outside the Basic Multilingual Plane is two UTF-16 units.
        assert_eq!(utf16_len("𠀀a"), 3);
    }
}

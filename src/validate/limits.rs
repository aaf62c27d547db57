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
    let fallback = file.at(&raw.id);
    for text in texts(file) {
        let at = text.at.or(fallback);
        let length = utf16_len(&text.text);
        if length + text.room > CELL_LIMIT {
            out.push(
                Diagnostic::error(
                    &file.path,
                    at,
                    format!(
                        "{} is {length} characters long, more than an Excel cell holds ({} with what dudao adds)",
                        text.what,
                        CELL_LIMIT - text.room
                    ),
                )
                .hint("shorten it or split it into several items; the self-scoring workbook puts it in one cell"),
            );
        }
        if let Some(c) = text.text.chars().find(|&c| forbidden(c)) {
            out.push(
                Diagnostic::error(
                    &file.path,
                    at,
                    format!(
                        "{} contains the control character U+{:04X}, which pages and Office files cannot show",
                        text.what, c as u32
                    ),
                )
                .hint("delete it: it is invisible in most editors, and usually comes from text copied out of a PDF or Word"),
            );
        }
    }
    if let Some(veto) = &raw.veto {
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

/// A control character other than tab and line breaks: YAML refuses them
/// written raw, XML (inside .docx and .xlsx) refuses most of them anywhere,
/// and `rubric-rules.js` refuses the same set (code `bad-char`).
pub fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// One text of a rubric, where it is, and how much the workbook adds to it
/// in the same cell.
struct Text<'a> {
    text: std::borrow::Cow<'a, str>,
    what: &'static str,
    at: Option<Position>,
    room: usize,
}

/// Every text of a rubric file.
fn texts<'a>(file: &'a YamlFile<RawRubric>) -> Vec<Text<'a>> {
    let raw = &file.value;
    let mut all = Vec::new();
    let mut add = |text: std::borrow::Cow<'a, str>, what, at, room| {
        all.push(Text {
            text,
            what,
            at,
            room,
        });
    };
    let top = |key: &str| key_position(&file.text, key);
    let title = match &raw.label {
        Some(label) => format!("{}（{label}）", raw.title.value).into(),
        None => raw.title.value.as_str().into(),
    };
    add(title, "the title", file.at(&raw.title), PREFIX_ROOM);
    for (key, value) in [
        ("source", &raw.source),
        ("rationale", &raw.rationale),
        ("based_on", &raw.based_on.as_ref().map(|b| b.value.clone())),
    ] {
        if let Some(value) = value {
            add(
                value.clone().into(),
                "a top-level field",
                top(key),
                PREFIX_ROOM,
            );
        }
    }
    add(
        raw.scoring_rule.as_str().into(),
        "`scoring_rule`",
        top("scoring_rule"),
        PREFIX_ROOM,
    );
    for (key, list) in [
        ("header_fields", &raw.header_fields),
        ("notes", &raw.notes),
        ("editorial_notes", &raw.editorial_notes),
    ] {
        for item in list {
            add(item.as_str().into(), "a list item", top(key), PREFIX_ROOM);
        }
    }
    let notes = |note: &Option<String>, rationale: &Option<String>| {
        [note, rationale]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
    };
    for stage in raw.stages.iter().flatten() {
        let (s, at) = (&stage.value, file.at(stage));
        add(s.title.as_str().into(), "the stage title", at, PREFIX_ROOM);
        for n in notes(&s.editorial_note, &s.rationale) {
            add(n.into(), "a stage note", at, PREFIX_ROOM);
        }
    }
    let groups = raw
        .stages
        .iter()
        .flatten()
        .flat_map(|stage| &stage.value.groups)
        .chain(raw.groups.iter().flatten());
    for group in groups {
        let (g, at) = (&group.value, file.at(group));
        add(g.title.as_str().into(), "the group title", at, PREFIX_ROOM);
        for n in notes(&g.editorial_note, &g.rationale) {
            add(n.into(), "a group note", at, PREFIX_ROOM);
        }
        for row in &g.rows {
            let (r, at) = (&row.value, file.at(row));
            add(r.title.as_str().into(), "the row title", at, 0);
            for n in notes(&r.editorial_note, &r.rationale) {
                add(n.into(), "a row note", at, PREFIX_ROOM);
            }
            for criterion in &r.criteria {
                let c = &criterion.value;
                add(
                    c.text.value.as_str().into(),
                    "the criterion text",
                    file.at(&c.text),
                    0,
                );
                for n in notes(&c.editorial_note, &c.rationale) {
                    add(
                        n.into(),
                        "a criterion note",
                        file.at(criterion),
                        PREFIX_ROOM,
                    );
                }
            }
        }
    }
    if let Some(veto) = &raw.veto {
        let heading = format!(
            "{}：{}",
            veto.title.value,
            veto.intro.as_deref().unwrap_or_default()
        );
        add(
            heading.into(),
            "the veto title and intro",
            file.at(&veto.title),
            PREFIX_ROOM,
        );
        for item in &veto.items.value {
            let at = file.at(item);
            add(item.value.text.as_str().into(), "the veto item text", at, 0);
            if let Some(rationale) = &item.value.rationale {
                add(
                    rationale.as_str().into(),
                    "a veto item note",
                    at,
                    PREFIX_ROOM,
                );
            }
        }
    }
    for band in &raw.bands.value {
        let at = file.at(band);
        add(
            band.value.label.value.as_str().into(),
            "the band label",
            at,
            PREFIX_ROOM,
        );
        if let Some(consequence) = &band.value.consequence {
            add(
                consequence.as_str().into(),
                "the band consequence",
                at,
                PREFIX_ROOM,
            );
        }
    }
    all
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

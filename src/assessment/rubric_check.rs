//! `dudao check`'s rules for a rubric that arrives as model JSON (embedded in
//! an assessment file) rather than as a YAML file under rubrics/.
//!
//! The model is written back in the raw shape a rubric file has (declared
//! subtotals, `stages` or `groups`), run through [`crate::validate::validate`]
//! exactly as a file would be; the few fields the validator derives rather
//! than reads (row points, the unnamed stage) are checked here.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::load::{RawProject, RawRubric, YamlFile, parse_yaml};
use crate::model::{Kind, Points, Rubric, RubricGroup};

/// Every error `dudao check` would report for this rubric, as text.
pub fn problems(rubric: &Rubric) -> Vec<String> {
    let path = PathBuf::from(format!("{}.yaml", rubric.id));
    let text = raw_json(rubric).to_string();
    let file = match parse_yaml::<RawRubric>(&text, 0) {
        Ok(value) => YamlFile::new(path.clone(), value, text),
        Err(e) => return vec![format!("the rubric's structure: {}", e.message)],
    };
    let mut rubrics = vec![std::sync::Arc::new(file)];
    // The rubric a derived one adapts is not in the file: stand in for it,
    // so only this rubric's own problems are judged.
    if let Some(base) = rubric.based_on.as_ref().filter(|b| **b != rubric.id) {
        let stub = json!({
            "id": base, "title": base, "kind": "official", "source": "-", "scoring_rule": "-",
            "groups": [{"id": "g", "title": "g", "rows": [{"id": "r", "title": "r", "indicators": [1],
                "criteria": [{"id": "c", "text": "c", "points": 1}]}]}],
            "bands": [{"id": "fail", "label": "-", "min": 0}],
        });
        let text = stub.to_string();
        if let Ok(value) = parse_yaml::<RawRubric>(&text, 0) {
            let path = PathBuf::from(format!("{base}.yaml"));
            rubrics.push(std::sync::Arc::new(YamlFile::new(path, value, text)));
        }
    }
    let raw = RawProject {
        rubrics,
        catalogue_incomplete: true,
        ..RawProject::default()
    };
    let (_, diagnostics) = crate::validate::validate(raw);
    let file_name = path.to_string_lossy().into_owned();
    let mut out: Vec<String> = diagnostics
        .iter()
        // Evidence guides belong to the project, not to the rubric (as in
        // rubric-rules.js): a file carries no guides.
        .filter(|d| {
            d.is_error() && d.file == file_name && !d.message.ends_with("has no evidence guide")
        })
        .map(|d| match &d.hint {
            Some(hint) => format!("{} ({hint})", d.message),
            None => d.message.clone(),
        })
        .collect();
    out.extend(derived_field_problems(rubric));
    out
}

/// The fields the validator derives rather than reads (a row's points, the
/// single unnamed stage of a table without 环节): a file must agree with them.
/// Declared stage, group and total points are checked by the rules above.
fn derived_field_problems(rubric: &Rubric) -> Vec<String> {
    let mut out = Vec::new();
    for (_, _, row) in rubric.rows() {
        let sum: Points = row.criteria.iter().map(|c| c.points).sum();
        if sum != row.points {
            out.push(format!(
                "row `{}` says {} points but its criteria add up to {sum}",
                row.id, row.points
            ));
        }
    }
    let single = rubric.stages.len() == 1
        && rubric.stages[0].id == "main"
        && rubric.stages[0].title.is_none();
    if !rubric.has_stages && !single {
        out.push(
            "`has_stages` is false, so the rubric must have one untitled stage `main`".to_owned(),
        );
    }
    out
}

/// The rubric in the shape of a rubric file (docs/rubric-format.md).
fn raw_json(rubric: &Rubric) -> Value {
    let groups = |groups: &[RubricGroup]| -> Value {
        groups
            .iter()
            .map(|g| {
                json!({
                    "id": g.id, "title": g.title, "points": g.points,
                    "editorial_note": g.editorial_note, "rationale": g.rationale,
                    "rows": g.rows.iter().map(|r| json!({
                        "id": r.id, "title": r.title, "indicators": r.indicators,
                        "editorial_note": r.editorial_note, "rationale": r.rationale,
                        "criteria": r.criteria,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect()
    };
    let mut raw = json!({
        "id": rubric.id, "title": rubric.title, "label": rubric.label,
        "kind": if rubric.kind == Kind::Official { "official" } else { "derived" },
        "source": rubric.source, "based_on": rubric.based_on, "rationale": rubric.rationale,
        "total": rubric.total, "scoring_rule": rubric.scoring_rule,
        "header_fields": rubric.header_fields,
        "veto": rubric.veto, "bands": rubric.bands,
        "notes": rubric.notes, "editorial_notes": rubric.editorial_notes,
    });
    if !rubric.labels.is_default() {
        raw["labels"] =
            json!({ "result": rubric.labels.result, "signatures": rubric.labels.signatures });
    }
    if rubric.has_stages {
        raw["stages"] = rubric
            .stages
            .iter()
            .map(|s| {
                json!({
                    "id": s.id, "title": s.title, "points": s.points,
                    "editorial_note": s.editorial_note, "rationale": s.rationale,
                    "groups": groups(&s.groups),
                })
            })
            .collect();
    } else {
        let all: Vec<RubricGroup> = rubric
            .stages
            .iter()
            .flat_map(|s| s.groups.iter().cloned())
            .collect();
        raw["groups"] = groups(&all);
    }
    raw
}

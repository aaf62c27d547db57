//! One rubric file as a whole, and the checks across rubric files.
//!
//! The file's id, title, kind and total, its veto list, and the content hash
//! that the exports are cached by; across files, unique ids and `based_on`
//! references. The scored table itself is checked in [`super::table`], the
//! bands in [`super::bands`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::table::RubricCtx;
use crate::diagnostic::Diagnostic;
use crate::load::{RawKind, RawRubric, YamlFile};
use crate::model::*;

/// Validates one rubric; `None` when it has errors.
pub(super) fn validate_rubric(
    file: &YamlFile<RawRubric>,
    known_indicators: Option<&BTreeSet<u32>>,
    out: &mut Vec<Diagnostic>,
) -> Option<Rubric> {
    let errors_before = out.iter().filter(|d| d.is_error()).count();
    let raw = &file.value;
    let mut ctx = RubricCtx {
        file,
        ids: HashMap::new(),
        out,
        // Shared, not cloned: a copy per rubric grew with rubrics × indicators.
        indicator_numbers: known_indicators,
        rejected_points: 0,
    };

    let stem = file
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    ctx.check_id(&raw.id, "rubric");
    if raw.id.value != stem {
        let diagnostic = Diagnostic::error(
            &file.path,
            file.at(&raw.id),
            format!(
                "rubric id `{}` does not match its file name `{}`",
                raw.id.value,
                file.path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            ),
        )
        .hint(format!(
            "rename the file to rubrics/{}.yaml or set `id: {stem}`",
            raw.id.value
        ));
        ctx.out.push(diagnostic);
    }
    if raw.title.value.trim().is_empty() {
        ctx.error(
            &raw.title,
            "the title is empty",
            "give the rubric the title printed above its table",
        );
    }
    match raw.kind.value {
        RawKind::Official if raw.source.is_none() => ctx.error(
            &raw.kind,
            "an official rubric must name its `source`",
            "add e.g. `source: 人社厅函〔2024〕130号 附件1`, or mark the rubric `kind: derived`",
        ),
        RawKind::Derived if raw.based_on.is_none() || raw.rationale.is_none() => ctx.error(
            &raw.kind,
            "a derived rubric must say what it is `based_on` and give a `rationale`",
            "add `based_on: annex-1` (the rubric it adapts) and `rationale:` explaining the changes",
        ),
        _ => {}
    }

    let stages: Vec<Stage> = match (&raw.stages, &raw.groups) {
        (Some(stages), None) => stages.iter().filter_map(|s| ctx.stage(s)).collect(),
        (None, Some(groups)) => {
            let groups: Vec<RubricGroup> = groups.iter().filter_map(|g| ctx.group(g)).collect();
            vec![Stage {
                id: "main".to_owned(),
                title: None,
                points: groups.iter().map(|g| g.points).sum(),
                editorial_note: None,
                rationale: None,
                groups,
            }]
        }
        (Some(_), Some(_)) => {
            ctx.error(&raw.id, "the rubric has both `stages` and `groups`",
                "use `stages:` (each with its `groups:`) when the table has a 环节 column, otherwise top-level `groups:` only");
            Vec::new()
        }
        (None, None) => {
            ctx.error(&raw.id, "the rubric has no rows",
                "add `stages:` (when the table has a 环节 column) or `groups:` with rows and criteria");
            Vec::new()
        }
    };
    let empty_list = match (&raw.stages, &raw.groups) {
        (Some(stages), None) => stages.is_empty(),
        (None, Some(groups)) => groups.is_empty(),
        _ => false, // reported above
    };
    if empty_list {
        ctx.error(
            &raw.id,
            "the rubric has no rows",
            "add at least one group with one row and one criterion",
        );
    }

    let sum: Points = stages.iter().map(|s| s.points).sum();
    let declared_total = match &raw.total {
        Some(total) => ctx.points(total, "total"),
        None => Some(Points::from_f64(100.0).expect("100 is a valid score")),
    };
    if let Some(declared) = declared_total
        && stages.iter().any(|s| !s.groups.is_empty())
        && ctx.rejected_points == 0
        && sum != declared
    {
        let at = raw.total.as_ref().map_or(file.at(&raw.id), |t| file.at(t));
        let (message, hint) = if raw.total.is_some() {
            (
                format!("the declared total is {declared} but the criteria sum to {sum}"),
                "correct the points of the criteria, or the `total:`",
            )
        } else {
            (
                format!("the criteria sum to {sum}, not 100"),
                "correct the points of the criteria; if this rubric is not out of 100, declare its `total:`",
            )
        };
        ctx.out
            .push(Diagnostic::error(&file.path, at, message).hint(hint));
    }

    let veto = raw.veto.as_ref().map(|veto| {
        if veto.items.value.is_empty() {
            ctx.error(
                &veto.items,
                "`veto` has no items",
                "list the 不合格项 under `veto: items:`, or remove `veto`",
            );
        }
        Veto {
            title: veto.title.value.clone(),
            intro: veto.intro.clone(),
            items: veto
                .items
                .value
                .iter()
                .map(|item| {
                    ctx.check_id(&item.value.id, "veto item");
                    VetoItem {
                        id: item.value.id.value.clone(),
                        text: item.value.text.clone(),
                        rationale: item.value.rationale.clone(),
                    }
                })
                .collect(),
        }
    });

    let bands = ctx.bands(raw, declared_total.unwrap_or(sum));
    let labels = ctx.labels(raw);

    let errors_after = ctx.out.iter().filter(|d| d.is_error()).count();
    if errors_after > errors_before {
        return None;
    }
    let mut rubric = Rubric {
        id: raw.id.value.clone(),
        title: raw.title.value.clone(),
        label: raw.label.clone(),
        kind: match raw.kind.value {
            RawKind::Official => Kind::Official,
            RawKind::Derived => Kind::Derived,
        },
        source: raw.source.clone(),
        based_on: raw.based_on.as_ref().map(|b| b.value.clone()),
        rationale: raw.rationale.clone(),
        total: sum,
        scoring_rule: raw.scoring_rule.clone(),
        header_fields: raw.header_fields.clone(),
        labels,
        has_stages: raw.stages.is_some(),
        stages,
        veto,
        bands,
        notes: raw.notes.clone(),
        editorial_notes: raw.editorial_notes.clone(),
        content_hash: String::new(),
    };
    rubric.content_hash = content_hash(&rubric);
    Some(rubric)
}

pub fn content_hash(rubric: &Rubric) -> String {
    let mut unhashed = rubric.clone();
    unhashed.content_hash = String::new();
    let json = serde_json::to_vec(&unhashed).expect("a rubric always serialises");
    let digest = Sha256::digest(&json);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

pub(super) fn check_rubric_ids_unique_and_bases(
    files: &[Arc<YamlFile<RawRubric>>],
    out: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for file in files {
        let id = file.value.id.value.as_str();
        if let Some(first) = seen.get(id) {
            out.push(
                Diagnostic::error(
                    &file.path,
                    file.at(&file.value.id),
                    format!("duplicate rubric id `{id}`"),
                )
                .hint(format!(
                    "{} already uses it; rubric ids must be unique",
                    first.display()
                )),
            );
        } else {
            seen.insert(id, &file.path);
        }
    }
    for file in files {
        if let Some(base) = &file.value.based_on
            && base.value == file.value.id.value
        {
            out.push(
                Diagnostic::error(
                    &file.path,
                    file.at(base),
                    format!("rubric `{}` is `based_on` itself", base.value),
                )
                .hint("name the rubric this one adapts, e.g. `based_on: annex-1`"),
            );
            continue;
        }
        if let Some(base) = &file.value.based_on
            && !seen.contains_key(base.value.as_str())
        {
            out.push(
                Diagnostic::error(
                    &file.path,
                    file.at(base),
                    format!("`based_on` names unknown rubric `{}`", base.value),
                )
                .hint("name the id of another rubric under rubrics/, e.g. `based_on: annex-1`"),
            );
        }
    }
}

//! A rubric's scored table: stages, groups, rows and criteria.
//!
//! Every id is well-formed and unique within the rubric, every points value
//! is a positive multiple of 0.5, every row names indicators that exist, and
//! every declared subtotal equals the sum of its parts.

use std::collections::{BTreeSet, HashMap};

use crate::diagnostic::{Diagnostic, Position};
use crate::load::{RawRubric, RawRubricGroup, RawStage, Spanned, YamlFile};
use crate::model::*;

use super::catalogue::range;

/// Ceiling on any declared or summed score, in half points (10 000 points):
/// far above any real table, and low enough that sums can never overflow.
pub(super) const MAX_HALVES: u32 = 20_000;

pub(super) struct RubricCtx<'a> {
    pub(super) file: &'a YamlFile<RawRubric>,
    /// Every id in the rubric: what first used it, and where.
    pub(super) ids: HashMap<String, (String, Option<Position>)>,
    pub(super) out: &'a mut Vec<Diagnostic>,
    /// `None` when the catalogue failed to load: then references are not checked.
    pub(super) indicator_numbers: Option<&'a BTreeSet<u32>>,
    /// How many points values were rejected so far. A sum over the rest
    /// would only add a second, misleading subtotal error.
    pub(super) rejected_points: usize,
}

impl RubricCtx<'_> {
    pub(super) fn error<T>(
        &mut self,
        at: &Spanned<T>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.out
            .push(Diagnostic::error(&self.file.path, self.file.at(at), message).hint(hint));
    }

    pub(super) fn check_id(&mut self, id: &Spanned<String>, what: &str) {
        let value = &id.value;
        let well_formed = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-');
        if !well_formed {
            self.error(
                id,
                format!("{what} id `{value}` is not lowercase kebab-case"),
                "ids become URLs and anchors: use a-z, 0-9 and single hyphens, e.g. `exam-order`",
            );
        }
        let at = self.file.at(id);
        if let Some((first_what, first_at)) = self.ids.get(value) {
            let place = first_at.map_or_else(String::new, |p| format!(" at line {}", p.line));
            let message =
                format!("duplicate {what} id `{value}`: already used by a {first_what}{place}");
            self.error(id, message,
                "ids must be unique within a rubric (stages, groups, rows, criteria, veto items and bands share one namespace): rename this one");
        } else {
            self.ids.insert(value.clone(), (what.to_owned(), at));
        }
    }

    /// A positive multiple of 0.5, or a diagnostic.
    pub(super) fn points(&mut self, points: &Spanned<f64>, what: &str) -> Option<Points> {
        let value = points.value;
        match Points::from_f64(value) {
            Some(p) if p.halves() > 0 && p.halves() <= MAX_HALVES => return Some(p),
            _ => {}
        }
        let hint = if value.is_finite() && value > f64::from(MAX_HALVES) / 2.0 {
            format!(
                "no rubric is worth more than {} points: check for a typo",
                MAX_HALVES / 2
            )
        } else if value.is_finite() && value > 0.0 {
            let (down, up) = ((value * 2.0).floor() / 2.0, (value * 2.0).ceil() / 2.0);
            if down > 0.0 {
                format!("round to a half point: {down} or {up}")
            } else {
                format!("round to a half point: {up}")
            }
        } else {
            "every scored item is worth at least 0.5 points: give it points, or delete it"
                .to_owned()
        };
        self.error(
            points,
            format!("{what} points must be a positive multiple of 0.5, found `{value}`"),
            hint,
        );
        self.rejected_points += 1;
        None
    }

    pub(super) fn stage(&mut self, raw: &Spanned<RawStage>) -> Option<Stage> {
        let stage = &raw.value;
        self.check_id(&stage.id, "stage");
        let rejected_before = self.rejected_points;
        let groups: Vec<RubricGroup> = stage.groups.iter().filter_map(|g| self.group(g)).collect();
        if stage.groups.is_empty() {
            self.error(
                &stage.id,
                format!("stage `{}` has no groups", stage.title),
                "add its first-level groups under `groups:`",
            );
        }
        let sum: Points = groups.iter().map(|g| g.points).sum();
        self.check_subtotal(
            stage.points.as_ref(),
            sum,
            &format!("stage `{}`", stage.title),
            "groups",
            self.rejected_points == rejected_before,
        );
        Some(Stage {
            id: stage.id.value.clone(),
            title: Some(stage.title.clone()),
            points: sum,
            editorial_note: stage.editorial_note.clone(),
            rationale: stage.rationale.clone(),
            groups,
        })
    }

    pub(super) fn group(&mut self, raw: &Spanned<RawRubricGroup>) -> Option<RubricGroup> {
        let group = &raw.value;
        self.check_id(&group.id, "group");
        if group.rows.is_empty() {
            self.error(
                &group.id,
                format!("group `{}` has no rows", group.title),
                "add its second-level rows under `rows:`",
            );
        }
        let mut rows = Vec::new();
        let rejected_before = self.rejected_points;
        for raw_row in &group.rows {
            let row = &raw_row.value;
            self.check_id(&row.id, "row");
            let indicators = self.indicator_refs(&row.indicators, &row.title);
            if row.criteria.is_empty() {
                self.error(
                    &row.id,
                    format!("row `{}` has no criteria", row.title),
                    "add at least one criterion with `id`, `text` and `points`",
                );
            }
            let mut criteria = Vec::new();
            for raw_criterion in &row.criteria {
                let criterion = &raw_criterion.value;
                self.check_id(&criterion.id, "criterion");
                if criterion.text.value.trim().is_empty() {
                    self.error(
                        &criterion.text,
                        "criterion text is empty",
                        "write the 评分标准 text",
                    );
                }
                let Some(points) = self.points(&criterion.points, "criterion") else {
                    continue;
                };
                criteria.push(Criterion {
                    id: criterion.id.value.clone(),
                    text: criterion.text.value.clone(),
                    points,
                    editorial_note: criterion.editorial_note.clone(),
                    rationale: criterion.rationale.clone(),
                });
            }
            rows.push(Row {
                id: row.id.value.clone(),
                title: row.title.clone(),
                indicators,
                points: criteria.iter().map(|c| c.points).sum(),
                editorial_note: row.editorial_note.clone(),
                rationale: row.rationale.clone(),
                criteria,
            });
        }
        let sum: Points = rows.iter().map(|r| r.points).sum();
        self.check_subtotal(
            group.points.as_ref(),
            sum,
            &format!("group `{}`", group.title),
            "rows",
            self.rejected_points == rejected_before,
        );
        Some(RubricGroup {
            id: group.id.value.clone(),
            title: group.title.clone(),
            points: sum,
            editorial_note: group.editorial_note.clone(),
            rationale: group.rationale.clone(),
            rows,
        })
    }

    /// `complete` is false when some items were already rejected: a sum over
    /// the rest would only produce a second, misleading error.
    pub(super) fn check_subtotal(
        &mut self,
        declared: Option<&Spanned<f64>>,
        sum: Points,
        what: &str,
        parts: &str,
        complete: bool,
    ) {
        let Some(declared_raw) = declared else { return };
        let Some(declared) = self.points(declared_raw, what) else {
            return;
        };
        if complete && declared != sum {
            self.error(declared_raw, format!("{what} declares {declared} points but its {parts} add up to {sum}"),
                "the published subtotal decides: move the row to the group/stage whose subtotal it completes, or correct the points");
        }
    }

    pub(super) fn indicator_refs(
        &mut self,
        refs: &Spanned<Vec<Spanned<i64>>>,
        row_title: &str,
    ) -> Vec<u32> {
        if refs.value.is_empty() {
            self.error(
                refs,
                format!("row `{row_title}` names no indicator"),
                "list the catalogue indicators (1–33) the row draws on, e.g. `indicators: [14]`",
            );
        }
        let mut seen = BTreeSet::new();
        let mut numbers = Vec::new();
        for r in &refs.value {
            let known = match self.indicator_numbers {
                Some(numbers) => u32::try_from(r.value).is_ok_and(|n| numbers.contains(&n)),
                None => r.value > 0,
            };
            if !known {
                let range = self
                    .indicator_numbers
                    .map_or_else(|| "1–33".to_owned(), range);
                self.error(
                    r,
                    format!("indicator {} does not exist", r.value),
                    format!(
                        "use a second-level indicator number from {range} (see content/indicators/)"
                    ),
                );
                continue;
            }
            if !seen.insert(r.value) {
                self.error(
                    r,
                    format!("indicator {} is listed twice in row `{row_title}`", r.value),
                    "list each indicator once",
                );
                continue;
            }
            numbers.push(r.value as u32);
        }
        numbers
    }
}

//! Raw structs → model, collecting every problem.
//!
//! The published tables are flattened in the source text, so where a row
//! belongs is decided by the declared subtotals; this module is what proves
//! that every declared subtotal (stage, first-level group, total) equals the
//! sum of its rows. It never stops at the first problem.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Position};
use crate::load::{
    Doc, RawKind, RawProject, RawRubric, RawRubricGroup, RawStage, Spanned, YamlFile,
};
use crate::model::*;

/// Bands are part of the automation contract (`data-band`), so their ids are fixed.
pub const BAND_IDS: [&str; 3] = ["excellent", "pass", "fail"];

/// Ceiling on any declared or summed score, in half points (10 000 points):
/// far above any real table, and low enough that sums can never overflow.
const MAX_HALVES: u32 = 20_000;

pub fn validate(raw: RawProject) -> (Option<Project>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let catalogue = validate_catalogue(&raw, &mut out);
    // References into a catalogue with unreadable files cannot be judged:
    // the loader has already reported those files.
    let known_indicators = catalogue
        .as_ref()
        .filter(|_| !raw.catalogue_incomplete)
        .map(|c| {
            c.indicators
                .iter()
                .map(|i| i.number)
                .collect::<BTreeSet<u32>>()
        });
    let mut rubrics: Vec<Rubric> = raw
        .rubrics
        .iter()
        .filter_map(|file| validate_rubric(file, known_indicators.as_ref(), &mut out))
        .collect();
    check_rubric_ids_unique_and_bases(&raw.rubrics, &mut out);
    rubrics.sort_by(|a, b| rubric_order(a).cmp(&rubric_order(b)));
    let evidence = crate::evidence::validate_guides(&raw, raw.catalogue_incomplete, &mut out);

    let Some(mut catalogue) = catalogue else {
        return (None, out);
    };
    link_backreferences(&mut catalogue, &rubrics);
    let project = Project {
        schema_version: SCHEMA_VERSION,
        catalogue,
        rubrics,
        evidence,
    };
    if out.iter().any(Diagnostic::is_error) {
        (None, out)
    } else {
        (Some(project), out)
    }
}

/// Official tables first, then ours, each alphabetically: the order of the
/// home page and of `api/`.
fn rubric_order(rubric: &Rubric) -> (bool, &str) {
    (rubric.kind == Kind::Derived, rubric.id.as_str())
}

fn validate_catalogue(raw: &RawProject, out: &mut Vec<Diagnostic>) -> Option<Catalogue> {
    let notice = raw.notice.as_ref().map(|doc| Notice {
        title: doc.front.title.value.clone(),
        issuer: doc.front.issuer.clone(),
        document_number: doc.front.document_number.clone(),
        disclosure: doc.front.disclosure.clone(),
        contact: doc.front.contact.clone(),
        consequences: Consequences {
            excellent: doc.front.consequences.excellent.clone(),
            fail: doc.front.consequences.fail.clone(),
            serious: doc.front.consequences.serious.clone(),
            criminal: doc.front.consequences.criminal.clone(),
        },
        body: doc.body.trim().to_owned(),
    });
    let overview = raw.overview.as_ref().map(|doc| Overview {
        title: doc.front.title.clone(),
        body: doc.body.trim().to_owned(),
    });

    let mut groups: Vec<Group> = Vec::new();
    for doc in unique_numbers(
        &raw.groups,
        |g| &g.number,
        "first-level indicator (group)",
        out,
    ) {
        groups.push(Group {
            number: doc.front.number.value,
            numeral: doc.front.numeral.clone(),
            title: doc.front.title.clone(),
            description: doc.body.trim().to_owned(),
            indicators: Vec::new(),
            editorial_note: doc.front.editorial_note.clone(),
        });
        require_text(&doc.path, &doc.body, "the 主要督导评估 description", out);
    }
    let complete = !raw.catalogue_incomplete;
    if complete {
        check_contiguous(&raw.groups, |g| &g.number, "group", out);
    }

    let group_numbers: BTreeSet<u32> = groups.iter().map(|g| g.number).collect();
    let footnote_numbers: BTreeSet<u32> =
        raw.footnotes.iter().map(|f| f.front.number.value).collect();
    let mut indicators = Vec::new();
    for doc in unique_numbers(&raw.indicators, |i| &i.number, "indicator", out) {
        let front = &doc.front;
        if complete && !group_numbers.contains(&front.group.value) {
            out.push(
                Diagnostic::error(
                    &doc.path,
                    doc.at(&front.group),
                    format!("group {} does not exist", front.group.value),
                )
                .hint(format!(
                    "use one of the groups in content/groups/ ({})",
                    list(&group_numbers)
                )),
            );
        }
        for footnote in &front.footnotes {
            if complete && !footnote_numbers.contains(&footnote.value) {
                out.push(
                    Diagnostic::error(
                        &doc.path,
                        doc.at(footnote),
                        format!("footnote {} does not exist", footnote.value),
                    )
                    .hint("add it under content/footnotes/ or remove the reference"),
                );
            }
        }
        require_text(&doc.path, &doc.body, "the explanation", out);
        indicators.push(Indicator {
            number: front.number.value,
            group: front.group.value,
            title: front.title.clone(),
            explanation: doc.body.trim().to_owned(),
            footnotes: front.footnotes.iter().map(|f| f.value).collect(),
            editorial_note: front.editorial_note.clone(),
            used_by: Vec::new(),
        });
    }
    if complete {
        check_contiguous(&raw.indicators, |i| &i.number, "indicator", out);
    }
    indicators.sort_by_key(|i| i.number);
    groups.sort_by_key(|g| g.number);
    for group in &mut groups {
        group.indicators = indicators
            .iter()
            .filter(|i| i.group == group.number)
            .map(|i| i.number)
            .collect();
    }
    check_groups_in_order(&groups, &raw.indicators, out);

    let indicator_numbers: BTreeSet<u32> = indicators.iter().map(|i| i.number).collect();
    let mut footnotes = Vec::new();
    for doc in unique_numbers(&raw.footnotes, |f| &f.number, "footnote", out) {
        let front = &doc.front;
        for reference in std::iter::once(&front.indicator).chain(&front.applies_to) {
            if complete && !indicator_numbers.contains(&reference.value) {
                out.push(
                    Diagnostic::error(
                        &doc.path,
                        doc.at(reference),
                        format!("indicator {} does not exist", reference.value),
                    )
                    .hint(format!(
                        "indicators are numbered {}",
                        range(&indicator_numbers)
                    )),
                );
            }
        }
        footnotes.push(Footnote {
            number: front.number.value,
            marker: front.marker.clone(),
            indicator: front.indicator.value,
            applies_to: front.applies_to.iter().map(|a| a.value).collect(),
            text: doc.body.trim().to_owned(),
        });
    }
    footnotes.sort_by_key(|f| f.number);

    Some(Catalogue {
        notice: notice?,
        overview: overview?,
        groups,
        indicators,
        footnotes,
    })
}

fn require_text(path: &Path, body: &str, what: &str, out: &mut Vec<Diagnostic>) {
    if body.trim().is_empty() {
        out.push(
            Diagnostic::error(path, None, format!("{what} is empty"))
                .hint("write the text below the closing `---` of the front matter"),
        );
    }
}

/// Docs whose number is not taken by an earlier doc; reports the rest.
fn unique_numbers<'a, T>(
    docs: &'a [Doc<T>],
    number: impl Fn(&T) -> &Spanned<u32>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<&'a Doc<T>> {
    let mut seen: HashMap<u32, &Path> = HashMap::new();
    let mut unique = Vec::new();
    for doc in docs {
        let n = number(&doc.front);
        if let Some(first) = seen.get(&n.value) {
            out.push(
                Diagnostic::error(
                    &doc.path,
                    doc.at(n),
                    format!("duplicate {what} number {}", n.value),
                )
                .hint(format!(
                    "{} already uses this number; renumber one of them",
                    first.display()
                )),
            );
        } else {
            seen.insert(n.value, &doc.path);
            unique.push(doc);
        }
    }
    unique
}

fn check_contiguous<T>(
    docs: &[Doc<T>],
    number: impl Fn(&T) -> &Spanned<u32>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let numbers: BTreeSet<u32> = docs.iter().map(|d| number(&d.front).value).collect();
    for doc in docs {
        let n = number(&doc.front);
        if n.value == 0 || n.value as usize > numbers.len() {
            out.push(
                Diagnostic::error(
                    &doc.path,
                    doc.at(n),
                    format!("{what} number {} is out of sequence", n.value),
                )
                .hint(format!(
                    "{what}s are numbered 1 to {} without gaps",
                    numbers.len()
                )),
            );
        }
    }
}

/// The source numbers indicators 1–33 straight through the groups, so the
/// group numbers never decrease. Reported are the fewest indicators whose
/// removal would restore that order (those outside a longest non-decreasing
/// run): the misfiled indicator, not every indicator after it. Indicators in
/// unknown groups are reported elsewhere.
fn check_groups_in_order<T>(groups: &[Group], docs: &[Doc<T>], out: &mut Vec<Diagnostic>)
where
    T: HasGroup,
{
    let mut sorted: Vec<&Doc<T>> = docs
        .iter()
        .filter(|d| groups.iter().any(|g| g.number == d.front.group().value))
        .collect();
    sorted.sort_by_key(|d| d.front.number());
    let group_of: Vec<u32> = sorted.iter().map(|d| d.front.group().value).collect();

    // length[k]: longest non-decreasing run ending at k; previous[k]: its predecessor.
    let mut length = vec![1usize; sorted.len()];
    let mut previous: Vec<Option<usize>> = vec![None; sorted.len()];
    for k in 0..sorted.len() {
        for j in 0..k {
            if group_of[j] <= group_of[k] && length[j] + 1 > length[k] {
                length[k] = length[j] + 1;
                previous[k] = Some(j);
            }
        }
    }
    let mut in_order = vec![false; sorted.len()];
    let mut at = (0..sorted.len()).max_by_key(|&k| (length[k], std::cmp::Reverse(k)));
    while let Some(k) = at {
        in_order[k] = true;
        at = previous[k];
    }

    for (k, doc) in sorted.iter().enumerate().filter(|(k, _)| !in_order[*k]) {
        let group = doc.front.group();
        let before = (0..k).rev().find(|&j| in_order[j]).map(|j| group_of[j]);
        let after = (k + 1..sorted.len())
            .find(|&j| in_order[j])
            .map(|j| group_of[j]);
        let expected = match (before, after) {
            (Some(b), Some(a)) if a != b => format!("group {b} or {a}"),
            (Some(g), _) | (None, Some(g)) => format!("group {g}"),
            (None, None) => "another group".to_owned(),
        };
        out.push(
            Diagnostic::error(
                &doc.path,
                doc.at(group),
                format!(
                    "indicator {} is in group {}, out of order with its neighbours",
                    doc.front.number(),
                    group.value
                ),
            )
            .hint(format!(
                "indicators are numbered through the groups in order, so indicator {} probably belongs to {expected}: check `group:`",
                doc.front.number()
            )),
        );
    }
}

pub trait HasGroup {
    fn number(&self) -> u32;
    fn group(&self) -> &Spanned<u32>;
}

impl HasGroup for crate::load::RawIndicator {
    fn number(&self) -> u32 {
        self.number.value
    }
    fn group(&self) -> &Spanned<u32> {
        &self.group
    }
}

fn list(numbers: &BTreeSet<u32>) -> String {
    range(numbers)
}

fn range(numbers: &BTreeSet<u32>) -> String {
    match (numbers.first(), numbers.last()) {
        (Some(first), Some(last)) => format!("{first}–{last}"),
        _ => "none yet".to_owned(),
    }
}

/// Validates one rubric; `None` when it has errors.
fn validate_rubric(
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
            title: veto.title.clone(),
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

struct RubricCtx<'a> {
    file: &'a YamlFile<RawRubric>,
    /// Every id in the rubric: what first used it, and where.
    ids: HashMap<String, (String, Option<Position>)>,
    out: &'a mut Vec<Diagnostic>,
    /// `None` when the catalogue failed to load: then references are not checked.
    indicator_numbers: Option<&'a BTreeSet<u32>>,
    /// How many points values were rejected so far. A sum over the rest
    /// would only add a second, misleading subtotal error.
    rejected_points: usize,
}

impl RubricCtx<'_> {
    fn error<T>(&mut self, at: &Spanned<T>, message: impl Into<String>, hint: impl Into<String>) {
        self.out
            .push(Diagnostic::error(&self.file.path, self.file.at(at), message).hint(hint));
    }

    fn check_id(&mut self, id: &Spanned<String>, what: &str) {
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
    fn points(&mut self, points: &Spanned<f64>, what: &str) -> Option<Points> {
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

    fn stage(&mut self, raw: &Spanned<RawStage>) -> Option<Stage> {
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

    fn group(&mut self, raw: &Spanned<RawRubricGroup>) -> Option<RubricGroup> {
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
    fn check_subtotal(
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

    fn indicator_refs(&mut self, refs: &Spanned<Vec<Spanned<i64>>>, row_title: &str) -> Vec<u32> {
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

    fn bands(&mut self, raw: &RawRubric, total: Points) -> Vec<Band> {
        let mut bands = Vec::new();
        let mut previous: Option<Points> = None;
        let mut rejected = false;
        for raw_band in &raw.bands.value {
            let band = &raw_band.value;
            if !BAND_IDS.contains(&band.id.value.as_str()) {
                self.error(
                    &band.id,
                    format!("unknown band id `{}`", band.id.value),
                    "bands are `excellent` (优良), `pass` (合格) and `fail` (不合格)",
                );
            }
            self.check_id(&band.id, "band");
            let min = match Points::from_f64(band.min.value) {
                Some(min) => min,
                None => {
                    let value = band.min.value;
                    let hint = if value.is_finite() && value > 0.0 {
                        let halves = value * 2.0;
                        format!(
                            "round to a half point: {} or {}",
                            halves.floor() / 2.0,
                            halves.ceil() / 2.0
                        )
                    } else {
                        "use a score such as 85 or 60; the lowest band starts at 0".to_owned()
                    };
                    self.error(
                        &band.min,
                        format!(
                            "band `{}` minimum must be a non-negative multiple of 0.5, found `{value}`",
                            band.label
                        ),
                        hint,
                    );
                    rejected = true;
                    continue;
                }
            };
            if min > total {
                self.error(
                    &band.min,
                    format!(
                        "band `{}` starts at {min}, above the total {total}",
                        band.label
                    ),
                    "lower the threshold",
                );
            }
            if previous.is_some_and(|p| min >= p) {
                self.error(
                    &band.min,
                    format!("band `{}` must start below the band before it", band.label),
                    "list bands from the highest threshold to the lowest, e.g. 85, 60, 0",
                );
            }
            previous = Some(min);
            bands.push(Band {
                id: band.id.value.clone(),
                label: band.label.clone(),
                min,
                consequence: band.consequence.clone(),
            });
        }
        if rejected {
            return bands;
        }
        let ids: Vec<&str> = bands.iter().map(|b| b.id.as_str()).collect();
        if ids != BAND_IDS && !bands.is_empty() {
            self.error(
                &raw.bands,
                "bands must be exactly excellent, pass, fail, in that order",
                "the notice defines three bands: ≥85 优良, <60 不合格, otherwise 合格",
            );
        } else if bands.is_empty() {
            self.error(
                &raw.bands,
                "the rubric has no bands",
                "add excellent (min 85), pass (min 60) and fail (min 0)",
            );
        }
        if let (Some(band), Some(raw_band)) = (bands.last(), raw.bands.value.last())
            && band.min != Points(0)
        {
            self.error(
                &raw_band.value.min,
                format!("the lowest band must start at 0, not {}", band.min),
                "set `min: 0` on the `fail` band",
            );
        }
        bands
    }
}

fn check_rubric_ids_unique_and_bases(files: &[YamlFile<RawRubric>], out: &mut Vec<Diagnostic>) {
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

fn link_backreferences(catalogue: &mut Catalogue, rubrics: &[Rubric]) {
    // By number, not a scan per reference: that grew with rows × indicators.
    let position: HashMap<u32, usize> = catalogue
        .indicators
        .iter()
        .enumerate()
        .map(|(i, indicator)| (indicator.number, i))
        .collect();
    for rubric in rubrics {
        for (_, _, row) in rubric.rows() {
            for number in &row.indicators {
                if let Some(indicator) = position.get(number).map(|&i| &mut catalogue.indicators[i])
                {
                    indicator.used_by.push(RowRef {
                        rubric: rubric.id.clone(),
                        row: row.id.clone(),
                    });
                }
            }
        }
    }
}

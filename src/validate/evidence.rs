//! Evidence guides, checked: each guide's target exists, its quotes are in
//! the official text it guides, its numbers are the ones that text sets,
//! and every indicator and official criterion has exactly one guide.
//!
//! Checked against the raw catalogue and rubrics, so every reference problem
//! is reported even when other parts of the project failed to validate.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Position};
use crate::load::{self, Doc, RawGuide, RawProject, RawRubric, Spanned, YamlFile};
use crate::model::{Evidence, Guide, GuideTarget, GuideText, Requirement, RequirementKind};

/// The only `kind` a guide may have: it says, in the data itself, that the
/// text is dudao's guidance and not part of the notice.
pub const GUIDANCE: &str = "guidance";

/// What a guide may point at, taken from the raw sources so that references
/// are checked even when the rubric itself has other errors.
struct Targets<'a> {
    /// Indicator number → (file, position of `number:`, official explanation).
    indicators: BTreeMap<u32, (&'a Path, Option<Position>, &'a str)>,
    rubrics: BTreeMap<&'a str, RubricTargets<'a>>,
    catalogue_incomplete: bool,
}

struct RubricTargets<'a> {
    file: &'a YamlFile<RawRubric>,
    official: bool,
    based_on: Option<&'a str>,
    /// In table order. Kept under serve with the rubric file's validation
    /// (listing the 40,000 criteria of ×100 again was a quarter of this
    /// module's time after a one-file edit).
    criteria: Arc<Vec<Criterion>>,
}

/// A criterion a guide may name.
struct Criterion {
    id: String,
    /// Where its `id:` is.
    at: Option<Position>,
    /// Its official text, which a guide's quotes come from.
    text: String,
}

/// The criteria of the rubric in `file`, in table order.
fn criteria_of(file: &YamlFile<RawRubric>) -> Vec<Criterion> {
    let rubric = &file.value;
    let groups = rubric
        .stages
        .iter()
        .flatten()
        .flat_map(|s| s.value.groups.iter())
        .chain(rubric.groups.iter().flatten());
    groups
        .flat_map(|g| g.value.rows.iter())
        .flat_map(|r| r.value.criteria.iter())
        .map(|c| Criterion {
            id: c.value.id.value.clone(),
            at: file.at(&c.value.id),
            text: c.value.text.value.clone(),
        })
        .collect()
}

impl<'a> Targets<'a> {
    fn from_raw(raw: &'a RawProject, catalogue_incomplete: bool) -> Self {
        let indicators = raw
            .indicators
            .iter()
            .map(|doc| {
                let number = &doc.front.number;
                (
                    number.value,
                    (doc.path.as_path(), doc.at(number), doc.body.as_str()),
                )
            })
            .collect();
        let mut rubrics = BTreeMap::new();
        for file in &raw.rubrics {
            let rubric = &file.value;
            // Made of the file alone: no diagnostics.
            let criteria = super::memo::validated("criteria", file, 0, &mut Vec::new(), |_| {
                Arc::new(criteria_of(file))
            });
            rubrics
                .entry(rubric.id.value.as_str())
                .or_insert(RubricTargets {
                    file,
                    official: rubric.kind.value == load::RawKind::Official,
                    based_on: rubric.based_on.as_ref().map(|b| b.value.as_str()),
                    criteria,
                });
        }
        Targets {
            indicators,
            rubrics,
            catalogue_incomplete,
        }
    }
}

/// Validates every guide and checks coverage: each indicator and each
/// criterion of an official rubric must have exactly one guide. A derived
/// rubric's criterion without a guide of its own uses the guide of the same
/// criterion id in the rubric it is `based_on`.
///
/// `catalogue_incomplete` is true when an indicator file could not be read:
/// the loader has reported it, and references to it are not judged.
pub fn validate_guides(
    raw: &RawProject,
    catalogue_incomplete: bool,
    out: &mut Vec<Diagnostic>,
) -> Evidence {
    let targets = Targets::from_raw(raw, catalogue_incomplete);
    let mut evidence = Evidence::default();
    let mut seen: HashMap<GuideTarget, &Path> = HashMap::new();

    for doc in &raw.evidence {
        let Some((target, official_text)) = resolve_target(doc, &targets, out) else {
            continue;
        };
        if let Some(first) = seen.get(&target) {
            out.push(
                Diagnostic::error(
                    &doc.path,
                    target_position(doc),
                    format!("duplicate evidence guide for {}", describe(&target)),
                )
                .hint(format!(
                    "{} already guides it; merge the two files and delete one",
                    load::show(first)
                )),
            );
            continue;
        }
        seen.insert(target.clone(), &doc.path);
        // A guide is made of its file, its target (named in the file) and
        // the official text its quotes are checked against.
        let official = {
            let mut hasher = std::hash::DefaultHasher::new();
            std::hash::Hash::hash(official_text, &mut hasher);
            std::hash::Hasher::finish(&hasher)
        };
        let guide = super::memo::validated_doc("guide", doc, official, out, |out| {
            validate_guide(doc, target.clone(), official_text, out)
        });
        let Some(guide) = guide else {
            continue;
        };
        match target {
            GuideTarget::Indicator { indicator } => {
                evidence.indicators.insert(indicator, guide);
            }
            GuideTarget::Criterion { rubric, criterion } => {
                evidence
                    .criteria
                    .entry(rubric)
                    .or_default()
                    .insert(criterion, guide);
            }
        }
    }

    report_missing_guides(&targets, &seen, out);
    inherit_derived_guides(&targets, &mut evidence);
    evidence
}

/// The target a guide names and the official text its quotes must come
/// from; `None` (with a diagnostic) when the target does not exist.
fn resolve_target<'t>(
    doc: &Doc<RawGuide>,
    targets: &'t Targets<'_>,
    out: &mut Vec<Diagnostic>,
) -> Option<(GuideTarget, &'t str)> {
    let front = &doc.front;
    let error = |at: Option<Position>, message: String, hint: String| {
        Diagnostic::error(&doc.path, at, message).hint(hint)
    };
    match (&front.indicator, &front.rubric, &front.criterion) {
        (Some(indicator), None, None) => match targets.indicators.get(&indicator.value) {
            Some((_, _, text)) => Some((
                GuideTarget::Indicator {
                    indicator: indicator.value,
                },
                text,
            )),
            // An unreadable indicator file has been reported by the loader.
            None if targets.catalogue_incomplete => None,
            None => {
                out.push(error(
                    doc.at(indicator),
                    format!("indicator {} does not exist", indicator.value),
                    format!(
                        "guides name a second-level indicator from {} (see content/indicators/)",
                        range(targets.indicators.keys())
                    ),
                ));
                None
            }
        },
        (None, Some(rubric), Some(criterion)) => {
            let Some(rubric_targets) = targets.rubrics.get(rubric.value.as_str()) else {
                out.push(error(
                    doc.at(rubric),
                    format!("rubric `{}` does not exist", rubric.value),
                    format!(
                        "use the `id` of a file in rubrics/: {}",
                        targets
                            .rubrics
                            .keys()
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                return None;
            };
            match rubric_targets
                .criteria
                .iter()
                .find(|c| c.id == criterion.value)
            {
                Some(Criterion { text, .. }) => Some((
                    GuideTarget::Criterion {
                        rubric: rubric.value.clone(),
                        criterion: criterion.value.clone(),
                    },
                    text,
                )),
                None => {
                    out.push(error(
                        doc.at(criterion),
                        format!(
                            "rubric `{}` has no criterion `{}`",
                            rubric.value, criterion.value
                        ),
                        format!(
                            "use the `id` of a criterion in {}{}",
                            load::show(&rubric_targets.file.path),
                            suggestion(&criterion.value, &rubric_targets.criteria)
                        ),
                    ));
                    None
                }
            }
        }
        _ => {
            out.push(error(
                doc.at(&front.kind),
                "a guide must name either `indicator:` or both `rubric:` and `criterion:`"
                    .to_owned(),
                "add `indicator: 5` for an indicator guide, or `rubric: annex-1` and `criterion: licences` for a criterion guide".to_owned(),
            ));
            None
        }
    }
}

/// A close criterion id, for typos like `licence` → `licences`.
fn suggestion(wrong: &str, criteria: &[Criterion]) -> String {
    criteria
        .iter()
        .map(|c| (edit_distance(wrong, &c.id), c.id.as_str()))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, id)| format!(" (did you mean `{id}`?)"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

fn target_position(doc: &Doc<RawGuide>) -> Option<Position> {
    let front = &doc.front;
    front
        .indicator
        .as_ref()
        .map(|i| doc.at(i))
        .or_else(|| front.criterion.as_ref().map(|c| doc.at(c)))
        .flatten()
}

fn describe(target: &GuideTarget) -> String {
    match target {
        GuideTarget::Indicator { indicator } => format!("indicator {indicator}"),
        GuideTarget::Criterion { rubric, criterion } => {
            format!("criterion `{criterion}` of rubric `{rubric}`")
        }
    }
}

fn validate_guide(
    doc: &Doc<RawGuide>,
    target: GuideTarget,
    official_text: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<Guide> {
    let errors_before = out.iter().filter(|d| d.is_error()).count();
    let front = &doc.front;
    let mut error = |at: Option<Position>, message: String, hint: &str| {
        out.push(Diagnostic::error(&doc.path, at, message).hint(hint));
    };
    if front.kind.value != GUIDANCE {
        error(
            doc.at(&front.kind),
            format!("guide kind `{}` is not `guidance`", front.kind.value),
            "evidence guides are dudao's guidance, never official text: set `kind: guidance`",
        );
    }
    if front.evidence.is_empty() {
        error(
            target_position(doc),
            "the guide lists no evidence".to_owned(),
            "add `evidence:` with the documents and records an institution should prepare",
        );
    }
    for item in front
        .evidence
        .iter()
        .chain(&front.checks)
        .chain(&front.pitfalls)
    {
        if item.value.trim().is_empty() {
            error(
                doc.at(item),
                "empty list item".to_owned(),
                "write the item or delete the line",
            );
        }
    }

    let official = squeeze(official_text);
    let mut requirements = Vec::new();
    for raw in &front.requirements {
        let raw = &raw.value;
        let kind = match RequirementKind::parse(&raw.kind.value) {
            Some(kind) => Some(kind),
            None => {
                error(
                    doc.at(&raw.kind),
                    format!("unknown requirement kind `{}`", raw.kind.value),
                    "use one of: deadline, count, percentage, retention, frequency, period",
                );
                None
            }
        };
        let value = whole_number(&raw.value, &mut error, doc);
        let max = raw
            .max
            .as_ref()
            .and_then(|m| whole_number(m, &mut error, doc));
        if let (Some(value), Some(max), Some(at)) = (value, max, raw.max.as_ref())
            && max <= value
        {
            error(
                doc.at(at),
                format!("`max` {max} is not above `value` {value}"),
                "a range like 3-5年 is `value: 3, max: 5`; drop `max` for a single number",
            );
        }
        if kind == Some(RequirementKind::Percentage)
            && let Some(too_big) = [value, max].into_iter().flatten().find(|v| *v > 100)
        {
            error(
                doc.at(&raw.value),
                format!("percentage {too_big} is above 100"),
                "write the percentage as a number from 1 to 100, e.g. `value: 85`",
            );
        }
        for (field, what) in [(&raw.unit, "unit"), (&raw.text, "text")] {
            if field.value.trim().is_empty() {
                error(
                    doc.at(field),
                    format!("requirement {what} is empty"),
                    "every requirement needs a unit (e.g. 工作日, 道题, %) and a one-line text",
                );
            }
        }
        let quote = squeeze(&raw.quote.value);
        if quote.is_empty() || !official.contains(&quote) {
            error(
                doc.at(&raw.quote),
                format!(
                    "the quote is not in the official text of {}",
                    describe(&target)
                ),
                "copy the phrase verbatim from the indicator explanation or criterion text (spaces may differ)",
            );
        } else if let Some(missing) = [value, max]
            .into_iter()
            .flatten()
            .find(|v| has_digits(&raw.quote.value) && !numbers_in(&raw.quote.value).contains(v))
        {
            error(
                doc.at(&raw.value),
                format!("the quote does not contain the number {missing}"),
                "the value must be the number the quoted text sets",
            );
        }
        if let (Some(kind), Some(value)) = (kind, value) {
            requirements.push(Requirement {
                kind,
                value,
                max,
                unit: raw.unit.value.trim().to_owned(),
                text: raw.text.value.trim().to_owned(),
                quote: raw.quote.value.trim().to_owned(),
            });
        }
    }

    let errors_after = out.iter().filter(|d| d.is_error()).count();
    (errors_after == errors_before).then(|| Guide {
        text: Arc::new(GuideText {
            kind: GUIDANCE.to_owned(),
            target,
            evidence: texts(&front.evidence),
            checks: texts(&front.checks),
            pitfalls: texts(&front.pitfalls),
            requirements,
            notes: doc.body.trim().to_owned(),
            source_hash: doc.text_hash,
        }),
        inherited_from: None,
    })
}

fn whole_number(
    value: &Spanned<f64>,
    error: &mut impl FnMut(Option<Position>, String, &str),
    doc: &Doc<RawGuide>,
) -> Option<u32> {
    let v = value.value;
    if v.is_finite() && v >= 1.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
        Some(v as u32)
    } else {
        error(
            doc.at(value),
            format!("requirement value `{v}` is not a positive whole number"),
            "write the number the text sets, e.g. `value: 5` for 考前至少5个工作日",
        );
        None
    }
}

fn texts(items: &[Spanned<String>]) -> Vec<String> {
    items.iter().map(|i| i.value.trim().to_owned()).collect()
}

/// The text without whitespace: the source's PDF extraction scatters spaces
/// ("至少 5 个工作日"), which must not decide whether a quote matches.
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn has_digits(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
}

fn numbers_in(text: &str) -> BTreeSet<u32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter_map(|run| run.parse().ok())
        .collect()
}

fn report_missing_guides(
    targets: &Targets,
    seen: &HashMap<GuideTarget, &Path>,
    out: &mut Vec<Diagnostic>,
) {
    let indicators = targets
        .indicators
        .iter()
        .filter(|_| !targets.catalogue_incomplete);
    for (&number, (path, at, _)) in indicators {
        if !seen.contains_key(&GuideTarget::Indicator { indicator: number }) {
            out.push(
                Diagnostic::error(*path, *at, format!("indicator {number} has no evidence guide"))
                    .hint(format!(
                        "add content/evidence/indicators/{number:02}.md with `kind: guidance` and `indicator: {number}`"
                    )),
            );
        }
    }
    for (rubric, rubric_targets) in &targets.rubrics {
        if !rubric_targets.official {
            continue;
        }
        for Criterion {
            id: criterion, at, ..
        } in rubric_targets.criteria.iter()
        {
            let target = GuideTarget::Criterion {
                rubric: (*rubric).to_owned(),
                criterion: criterion.clone(),
            };
            if !seen.contains_key(&target) {
                out.push(
                    Diagnostic::error(
                        &rubric_targets.file.path,
                        *at,
                        format!("criterion `{criterion}` has no evidence guide"),
                    )
                    .hint(format!(
                        "add content/evidence/{rubric}/{criterion}.md with `kind: guidance`, `rubric: {rubric}` and `criterion: {criterion}`"
                    )),
                );
            }
        }
    }
}

fn inherit_derived_guides(targets: &Targets, evidence: &mut Evidence) {
    for (rubric, rubric_targets) in &targets.rubrics {
        let Some(base) = rubric_targets.based_on else {
            continue;
        };
        // Looked up once per rubric, not per criterion (40,000 of them at
        // ×100), and a guide is made only for a criterion that inherits.
        let Some(base_guides) = evidence.criteria.get(base) else {
            continue;
        };
        let own = evidence.criteria.get(*rubric);
        let inherited: Vec<(String, Guide)> = rubric_targets
            .criteria
            .iter()
            .filter(|c| !own.is_some_and(|own| own.contains_key(&c.id)))
            .filter_map(|c| {
                let guide = base_guides.get(&c.id)?;
                Some((c.id.clone(), guide.inherited(base)))
            })
            .collect();
        if !inherited.is_empty() {
            evidence
                .criteria
                .entry((*rubric).to_owned())
                .or_default()
                .extend(inherited);
        }
    }
}

fn range<'a>(numbers: impl Iterator<Item = &'a u32>) -> String {
    let numbers: Vec<u32> = numbers.copied().collect();
    match (numbers.first(), numbers.last()) {
        (Some(first), Some(last)) => format!("{first}–{last}"),
        _ => "none yet".to_owned(),
    }
}

//! Evidence guides on the site: template functions that find a guide
//! (`indicator_guide`, `criterion_guide`, `rubric_evidence`), the printable
//! evidence binder `rubrics/ID/evidence/`, and `requirements/`, every number
//! the official text sets, linked back to where it is set.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::{Evidence, Guide, Project, Rubric};

/// Makes the guides reachable from every template, so a page shows the
/// guide of what it already has in hand without its Rust code changing.
///
/// Each guide becomes a template value only when a page asks for it:
/// converting all of them up front held 53 MB of template values through
/// the whole build at ×100. The functions outlive `project` (the
/// environment is `'static`), so they keep their own copy of the guides,
/// in which a derived rubric's inherited guide shares its base's.
pub fn register_functions(env: &mut Environment<'static>, project: &Project) {
    let guides = Arc::new(Guides::from(&project.evidence));
    let shared = Arc::clone(&guides);
    env.add_function("indicator_guide", move |number: u32| {
        shared
            .indicators
            .get(&number)
            .map(|g| Value::from(Serde(&**g)))
            .unwrap_or_default()
    });
    let shared = Arc::clone(&guides);
    env.add_function("criterion_guide", move |rubric: &str, criterion: &str| {
        shared
            .criterion(rubric, criterion)
            .map(|g| Value::from(Serde(&g)))
            .unwrap_or_default()
    });
    let rubric_ids: BTreeSet<String> = project.rubrics.iter().map(|r| r.id.clone()).collect();
    env.add_function("rubric_evidence", move |rubric: &str| {
        if rubric_ids.contains(rubric) {
            let criteria: BTreeMap<String, Guide> = guides
                .criteria
                .range((rubric.to_owned(), String::new())..)
                .take_while(|((r, _), _)| r == rubric)
                .filter_map(|((_, c), _)| Some((c.clone(), guides.criterion(rubric, c)?)))
                .collect();
            Value::from(Serde(assess_evidence(&criteria)))
        } else {
            Value::default()
        }
    });
}

/// The template functions' copy of the guides.
struct Guides {
    indicators: BTreeMap<u32, Arc<Guide>>,
    /// (rubric, criterion) → the guide without `inherited_from`, and the
    /// rubric it is inherited from.
    criteria: BTreeMap<(String, String), (Arc<Guide>, Option<String>)>,
}

impl Guides {
    fn from(evidence: &Evidence) -> Self {
        let mut criteria: BTreeMap<(String, String), (Arc<Guide>, Option<String>)> =
            BTreeMap::new();
        for (rubric, guides) in &evidence.criteria {
            for (criterion, guide) in guides {
                let own = Guide {
                    inherited_from: None,
                    ..guide.clone()
                };
                let base = guide
                    .inherited_from
                    .as_ref()
                    .and_then(|base| criteria.get(&(base.clone(), criterion.clone())))
                    .filter(|(base, _)| **base == own)
                    .map(|(base, _)| Arc::clone(base));
                let shared = base.unwrap_or_else(|| Arc::new(own));
                criteria.insert(
                    (rubric.clone(), criterion.clone()),
                    (shared, guide.inherited_from.clone()),
                );
            }
        }
        Guides {
            indicators: evidence
                .indicators
                .iter()
                .map(|(n, g)| (*n, Arc::new(g.clone())))
                .collect(),
            criteria,
        }
    }

    /// The guide as the model has it, `inherited_from` included.
    fn criterion(&self, rubric: &str, criterion: &str) -> Option<Guide> {
        let (guide, inherited_from) = self
            .criteria
            .get(&(rubric.to_owned(), criterion.to_owned()))?;
        Some(Guide {
            inherited_from: inherited_from.clone(),
            ..(**guide).clone()
        })
    }
}

/// What the gap report shows under a lost criterion: criterion id → the
/// evidence that would have earned it, and the numbers it must meet.
#[derive(Serialize)]
struct GapEvidence<'a> {
    evidence: &'a [String],
    requirements: Vec<&'a str>,
}

fn assess_evidence(criteria: &BTreeMap<String, Guide>) -> BTreeMap<&str, GapEvidence<'_>> {
    criteria
        .iter()
        .map(|(criterion, guide)| {
            (
                criterion.as_str(),
                GapEvidence {
                    evidence: &guide.evidence,
                    requirements: guide.requirements.iter().map(|r| r.text.as_str()).collect(),
                },
            )
        })
        .collect()
}

/// `rubrics/ID/evidence/`: the evidence binder, printed on A4.
pub fn render_binder(site: &Site, rubric: &Rubric, output: &mut Output) -> Result<(), Diagnostics> {
    let numbers: BTreeMap<&str, usize> = rubric
        .criteria()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i + 1))
        .collect();
    site.page(
        output,
        &format!("rubrics/{}/evidence/", rubric.id),
        "evidence-binder.html",
        "evidence-binder",
        context! {
            rubric => Serde(rubric),
            numbers => Serde(&numbers),
        },
    )
}

/// `api/evidence.json`: every guide, the `evidence` part of `dudao dump`
/// (docs/evidence-format.md).
pub fn render_api(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let mut bytes =
        serde_json::to_vec_pretty(&site.project.evidence).expect("the model always serialises");
    bytes.push(b'\n');
    output.insert("api/evidence.json".into(), bytes);
    Ok(())
}

/// `requirements/`: the numbers the official text sets, in one table.
pub fn render_requirements(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let entries = crate::model::requirement_entries(site.project);
    site.page(
        output,
        "requirements/",
        "requirements.html",
        "requirements",
        context! {
            entries => Serde(&entries),
            left_to_other_rules => Serde(&crate::model::LEFT_TO_OTHER_RULES),
        },
    )
}

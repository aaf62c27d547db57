//! Evidence guides on the site: template functions that find a guide
//! (`indicator_guide`, `criterion_guide`, `rubric_evidence`), the printable
//! evidence binder `rubrics/ID/evidence/`, and `requirements/`, every number
//! the official text sets, linked back to where it is set.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::incremental::Dep;
use super::pieces::Form;
use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::{Guide, Project, Rubric};

/// Makes the guides reachable from every template, so a page shows the
/// guide of what it already has in hand without its Rust code changing.
///
/// Each guide becomes a template value only when a page asks for it:
/// converting all of them up front held 53 MB of template values through
/// the whole build at ×100. The functions outlive any borrow (the
/// environment is `'static`), so they share the project (docs/benchmarks.md:
/// their own copy of the guides was 9 MB at ×100).
pub fn register_functions(env: &mut Environment<'static>, project: &Arc<Project>) {
    let shared = Arc::clone(project);
    env.add_function("indicator_guide", move |number: u32| {
        shared
            .evidence
            .indicators
            .get(&number)
            .map(|g| Value::from(Serde(g)))
            .unwrap_or_default()
    });
    let shared = Arc::clone(project);
    env.add_function("criterion_guide", move |rubric: &str, criterion: &str| {
        shared
            .evidence
            .criteria
            .get(rubric)
            .and_then(|guides| guides.get(criterion))
            .map(|g| Value::from(Serde(g)))
            .unwrap_or_default()
    });
    let shared = Arc::clone(project);
    let rubric_ids: BTreeSet<String> = project.rubrics.iter().map(|r| r.id.clone()).collect();
    let none = BTreeMap::new();
    env.add_function("rubric_evidence", move |rubric: &str| {
        if rubric_ids.contains(rubric) {
            let criteria = shared.evidence.criteria.get(rubric).unwrap_or(&none);
            Value::from(Serde(assess_evidence(criteria)))
        } else {
            Value::default()
        }
    });
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
    super::rubrics::rubric_page(
        site,
        output,
        &format!("rubrics/{}/evidence/", rubric.id),
        ("evidence-binder.html", "evidence-binder"),
        (rubric, None),
        || {
            context! {
                rubric => Serde(rubric),
                numbers => Serde(&super::rubrics::criterion_numbers(rubric)),
            }
        },
    )
}

/// `api/evidence.json`: every guide, the `evidence` part of `dudao dump`
/// (docs/evidence-format.md).
///
/// Under `dudao serve` kept while no guide changes (known from the hashes of
/// their files, see `incremental::PageMemo::begin`): it was printed whole on
/// every rebuild.
pub fn render_api(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let pretty = || {
        let mut text = serde_json::to_string_pretty(&site.project.evidence)
            .expect("the model always serialises");
        text.push('\n');
        text
    };
    let json = match site.cache {
        Some(cache) => {
            let key = format!("evidence {:016x}", cache.pages.evidence_key());
            cache.pieces.piece(Form::WholeApi, &key, pretty)
        }
        None => pretty().into(),
    };
    output.insert("api/evidence.json".into(), json.as_bytes().to_vec());
    Ok(())
}

/// `requirements/`: the numbers the official text sets, in one table.
///
/// Made of the guides (a change to any of them renders every page again,
/// see `incremental::PageMemo::begin`), the indicators' titles and the
/// rubrics' outlines: under `dudao serve` it is keyed by the two last, and its
/// entries are gathered only when it renders.
pub fn render_requirements(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let context = || {
        let entries = crate::model::requirement_entries(site.project);
        context! {
            entries => Serde(&entries),
            left_to_other_rules => Serde(&crate::model::LEFT_TO_OTHER_RULES),
        }
    };
    let (template, page) = ("requirements.html", "requirements");
    if site
        .project
        .rubrics
        .iter()
        .any(|r| r.content_hash.is_empty())
    {
        return site.page(output, "requirements/", template, page, context());
    }
    let titles = super::assess::indicator_titles(&site.project.catalogue.indicators);
    // Of a rubric the table prints its title, source and rows, and numbers
    // its criteria: its outline.
    let rubrics: Vec<Option<u64>> = site
        .project
        .rubrics
        .iter()
        .map(|r| site.part(&Dep::RubricOutline(r.id.clone())))
        .collect();
    let model = (titles, rubrics);
    site.page_keyed(output, "requirements/", template, page, &model, context)
}

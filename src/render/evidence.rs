//! Evidence guides on the site: template functions that find a guide
//! (`indicator_guide`, `criterion_guide`, `rubric_evidence`), the printable
//! evidence binder `rubrics/ID/evidence/`, and `requirements/`, every number
//! the official text sets, linked back to where it is set.

use std::collections::BTreeMap;

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::Project;

/// Makes the guides reachable from every template, so a page shows the
/// guide of what it already has in hand without its Rust code changing.
pub fn register_functions(env: &mut Environment<'static>, project: &Project) {
    let indicators: BTreeMap<String, Value> = project
        .evidence
        .indicators
        .iter()
        .map(|(n, g)| (n.to_string(), Value::from(Serde(g))))
        .collect();
    env.add_function("indicator_guide", move |number: u32| {
        indicators
            .get(&number.to_string())
            .cloned()
            .unwrap_or_default()
    });

    let criteria: BTreeMap<(String, String), Value> = project
        .evidence
        .criteria
        .iter()
        .flat_map(|(rubric, guides)| {
            guides
                .iter()
                .map(|(criterion, g)| ((rubric.clone(), criterion.clone()), Value::from(Serde(g))))
        })
        .collect();
    env.add_function("criterion_guide", move |rubric: &str, criterion: &str| {
        criteria
            .get(&(rubric.to_owned(), criterion.to_owned()))
            .cloned()
            .unwrap_or_default()
    });

    let per_rubric: BTreeMap<String, Value> = project
        .rubrics
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                Value::from(Serde(assess_evidence(project, &r.id))),
            )
        })
        .collect();
    env.add_function("rubric_evidence", move |rubric: &str| {
        per_rubric.get(rubric).cloned().unwrap_or_default()
    });
}

/// What the gap report shows under a lost criterion: criterion id → the
/// evidence that would have earned it, and the numbers it must meet.
#[derive(Serialize)]
struct GapEvidence<'a> {
    evidence: &'a [String],
    requirements: Vec<&'a str>,
}

fn assess_evidence<'a>(project: &'a Project, rubric: &str) -> BTreeMap<&'a str, GapEvidence<'a>> {
    project
        .evidence
        .criteria
        .get(rubric)
        .into_iter()
        .flatten()
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
pub fn render_binders(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    for rubric in &site.project.rubrics {
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
        )?;
    }
    Ok(())
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
    let entries = crate::evidence::requirement_entries(site.project);
    site.page(
        output,
        "requirements/",
        "requirements.html",
        "requirements",
        context! {
            entries => Serde(&entries),
            left_to_other_rules => Serde(&crate::evidence::LEFT_TO_OTHER_RULES),
        },
    )
}

//! `rubrics/ID/assess/`: the self-assessment form, gap report and compare
//! view of each rubric. The page embeds the rubric (the same JSON as
//! `dudao dump`) and the titles of the indicators it uses; the browser code
//! under `static/js/` does the rest (see docs/assessment.md).

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::incremental::Dep;
use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::{Indicator, Rubric};

/// What the gap report needs to name and link an indicator.
#[derive(Serialize, Hash)]
pub(super) struct IndicatorTitle<'a> {
    number: u32,
    title: &'a str,
}

/// The form's `indicators` data, shared with the tailored form (`tailor/assess/`).
pub(super) fn indicator_titles<'a>(
    indicators: impl IntoIterator<Item = &'a Indicator>,
) -> Vec<IndicatorTitle<'a>> {
    indicators
        .into_iter()
        .map(|i| IndicatorTitle {
            number: i.number,
            title: &i.title,
        })
        .collect()
}

/// Under `dudao serve` the page is keyed by the rubric's `content_hash` and
/// the titles of its indicators, and its context is built only when it
/// renders.
pub fn render(site: &Site, rubric: &Rubric, output: &mut Output) -> Result<(), Diagnostics> {
    let catalogue = &site.project.catalogue;
    let numbers = rubric.indicators();
    let titles: Vec<Option<u64>> = numbers
        .iter()
        .map(|&n| site.part(&Dep::IndicatorTitle(n)))
        .collect();
    let dir = format!("rubrics/{}/assess/", rubric.id);
    let context = || {
        let indicators = indicator_titles(numbers.iter().filter_map(|&n| catalogue.indicator(n)));
        context! {
            rubric => Serde(rubric),
            indicators => Serde(&indicators),
        }
    };
    // A rubric made by hand, not validated, has no hash to key it by.
    if rubric.content_hash.is_empty() {
        return site.page(output, &dir, "assess.html", "assess", context());
    }
    let model = (&rubric.content_hash, &numbers, titles);
    site.page_keyed(output, &dir, "assess.html", "assess", &model, context)
}

/// The rubric an assess page frame is rendered with when its real rubric is
/// written into `#rubric-data` by the browser (tailor/assess/ from the
/// builder's hand-off, assessments/form/ from the workspace): only the fields
/// the frame prints, until the script replaces it.
pub(super) fn stand_in_rubric(id: &str, title: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "title": title,
        "label": null,
        "kind": "derived",
        "total": 100,
        "scoring_rule": "“符合”满分，“基本符合”酌情给分，“不符合”0分",
        "header_fields": [],
        "has_stages": false,
        "stages": [],
        "veto": null,
        "bands": [],
        "notes": [],
        "editorial_notes": [],
        "content_hash": "",
    })
}

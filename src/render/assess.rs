//! `rubrics/ID/assess/`: the self-assessment form, gap report and compare
//! view of each rubric. The page embeds the rubric (the same JSON as
//! `dudao dump`) and the titles of the indicators it uses; the browser code
//! under `static/js/` does the rest (see docs/assessment.md).

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::{Indicator, Rubric};

/// What the gap report needs to name and link an indicator.
#[derive(Serialize)]
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

pub fn render(site: &Site, rubric: &Rubric, output: &mut Output) -> Result<(), Diagnostics> {
    let catalogue = &site.project.catalogue;
    {
        let indicators = indicator_titles(
            rubric
                .indicators()
                .into_iter()
                .filter_map(|n| catalogue.indicator(n)),
        );
        site.page(
            output,
            &format!("rubrics/{}/assess/", rubric.id),
            "assess.html",
            "assess",
            context! {
                rubric => Serde(rubric),
                indicators => Serde(&indicators),
            },
        )
    }
}

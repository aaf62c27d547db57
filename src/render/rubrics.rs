//! `rubrics/ID/` (the rubric as a readable table) and `rubrics/ID/checklist/`
//! (the paper checklist, printed on A4).

use std::collections::BTreeMap;

use minijinja::context;
use minijinja::value::{Serde, Value};

use super::{Output, Site, qr};
use crate::diagnostic::Diagnostics;
use crate::model::Rubric;

pub fn render_rubric(site: &Site, rubric: &Rubric, output: &mut Output) -> Result<(), Diagnostics> {
    site.page(
        output,
        &format!("rubrics/{}/", rubric.id),
        "rubric.html",
        "rubric",
        rubric_context(site, rubric),
    )
}

pub fn render_checklist(
    site: &Site,
    rubric: &Rubric,
    output: &mut Output,
) -> Result<(), Diagnostics> {
    let online_url = site
        .config
        .base_url
        .as_ref()
        .map(|base| format!("{base}rubrics/{}/", rubric.id));
    let qr = online_url
        .as_deref()
        .and_then(|url| qr::svg(url, &format!("本表在线版：{url}")))
        .map(Value::from_safe_string);
    site.page(
        output,
        &format!("rubrics/{}/checklist/", rubric.id),
        "checklist.html",
        "checklist",
        context! { online_url, qr, ..rubric_context(site, rubric) },
    )
}

fn rubric_context(_site: &Site, rubric: &Rubric) -> Value {
    // Criteria are numbered 1..N through the whole table, as on paper.
    let numbers: BTreeMap<&str, usize> = rubric
        .criteria()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i + 1))
        .collect();
    context! {
        rubric => Serde(rubric),
        numbers => Serde(&numbers),
        criteria_count => numbers.len(),
        indicators => rubric.indicators(),
    }
}

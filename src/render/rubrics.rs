//! `rubrics/ID/` (the rubric as a readable table) and `rubrics/ID/checklist/`
//! (the paper checklist, printed on A4).

use std::collections::BTreeMap;

use minijinja::context;
use minijinja::value::{Serde, Value};

use super::{Output, Site, qr};
use crate::diagnostic::Diagnostics;
use crate::model::Rubric;

pub fn render_rubric(site: &Site, rubric: &Rubric, output: &mut Output) -> Result<(), Diagnostics> {
    rubric_page(
        site,
        output,
        &format!("rubrics/{}/", rubric.id),
        ("rubric.html", "rubric"),
        (rubric, None),
        || rubric_context(site, rubric),
    )
}

/// A page whose own context is made of `rubric` and `more` alone: under
/// `dudao serve` it is keyed by the rubric's `content_hash` (the SHA-256 of
/// every field of it) and `more`, so a reused page builds no context. A
/// rubric without a hash (made by hand, not validated) is keyed by its
/// context, like any page.
pub(super) fn rubric_page(
    site: &Site,
    output: &mut Output,
    dir: &str,
    (template, page): (&str, &str),
    (rubric, more): (&Rubric, Option<&str>),
    context: impl FnOnce() -> Value,
) -> Result<(), Diagnostics> {
    if rubric.content_hash.is_empty() {
        return site.page(output, dir, template, page, context());
    }
    let model = (rubric.content_hash.as_str(), more);
    site.page_keyed(output, dir, template, page, &model, context)
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
    let key_url = online_url.clone();
    rubric_page(
        site,
        output,
        &format!("rubrics/{}/checklist/", rubric.id),
        ("checklist.html", "checklist"),
        (rubric, key_url.as_deref()),
        || {
            let qr = online_url
                .as_deref()
                .and_then(|url| qr::svg(url, &format!("本表在线版：{url}")))
                .map(Value::from_safe_string);
            context! { online_url, qr, ..rubric_context(site, rubric) }
        },
    )
}

/// Criteria are numbered 1..N through the whole table, as on paper.
pub(super) fn criterion_numbers(rubric: &Rubric) -> BTreeMap<&str, usize> {
    rubric
        .criteria()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i + 1))
        .collect()
}

fn rubric_context(_site: &Site, rubric: &Rubric) -> Value {
    let numbers = criterion_numbers(rubric);
    context! {
        rubric => Serde(rubric),
        numbers => Serde(&numbers),
        criteria_count => numbers.len(),
        indicators => rubric.indicators(),
    }
}

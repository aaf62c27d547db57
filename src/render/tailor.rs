//! The pages that help a supervisor pick and shape a rubric:
//! `choose/` (which rubric fits?), `tailor/` (the client-side rubric
//! builder) and `tailor/assess/` (the self-assessment form for a rubric the
//! builder hands over through localStorage; see docs/tailor.md).

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;

/// What the builder needs of each indicator: enough to pick one and read
/// its explanation while writing a criterion for it.
#[derive(Serialize)]
struct IndicatorEntry<'a> {
    number: u32,
    group: u32,
    title: &'a str,
    explanation: &'a str,
}

#[derive(Serialize)]
struct GroupEntry<'a> {
    number: u32,
    numeral: &'a str,
    title: &'a str,
}

pub fn render_choose(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    site.page(output, "choose/", "choose.html", "choose", context! {})
}

pub fn render_tailor(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let catalogue = &site.project.catalogue;
    let indicators: Vec<IndicatorEntry> = catalogue
        .indicators
        .iter()
        .map(|i| IndicatorEntry {
            number: i.number,
            group: i.group,
            title: &i.title,
            explanation: &i.explanation,
        })
        .collect();
    let groups: Vec<GroupEntry> = catalogue
        .groups
        .iter()
        .map(|g| GroupEntry {
            number: g.number,
            numeral: &g.numeral,
            title: &g.title,
        })
        .collect();
    let data = serde_json::json!({
        "rubrics": &site.project.rubrics,
        "indicators": indicators,
        "groups": groups,
    });
    site.page(
        output,
        "tailor/",
        "tailor.html",
        "tailor",
        context! { data => Serde(&data) },
    )?;

    // The assess page frame, filled by tailor-handoff.js from localStorage
    // before assess.js reads #rubric-data. Until then it holds a stand-in
    // with the fields the frame prints.
    let stand_in = serde_json::json!({
        "id": "tailored",
        "title": "自定义评分表",
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
    });
    let titles = super::assess::indicator_titles(&catalogue.indicators);
    site.page(
        output,
        "tailor/assess/",
        "tailor-assess.html",
        "assess",
        context! { rubric => Serde(&stand_in), indicators => Serde(&titles) },
    )
}

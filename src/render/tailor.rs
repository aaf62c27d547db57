//! The pages that help a supervisor pick and shape a rubric:
//! `choose/` (which rubric fits?), `tailor/` (the client-side rubric
//! builder) and `tailor/assess/` (the self-assessment form for a rubric the
//! builder hands over through localStorage; see docs/tailor.md).

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::pieces::{Form, Pieces, piece};
use super::{Output, Site};
use crate::diagnostic::Diagnostics;

/// What the builder needs of each indicator: enough to pick one and read
/// its explanation while writing a criterion for it.
#[derive(Serialize, Hash)]
struct IndicatorEntry<'a> {
    number: u32,
    group: u32,
    title: &'a str,
    explanation: &'a str,
}

#[derive(Serialize, Hash)]
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
    // At ×100 this is 14 MB of JSON: written straight to one string rather
    // than built as a `serde_json::Value` and then a template value of every
    // rubric (150 MB of heap at the peak; docs/benchmarks.md). Under `dudao
    // serve` the page is keyed by what the data is made of (each rubric by
    // its `content_hash`) and the data is made only when the page renders,
    // each rubric's part from the last build unless the rubric changed.
    let rubric_hashes: Vec<&str> = site
        .project
        .rubrics
        .iter()
        .map(|r| r.content_hash.as_str())
        .collect();
    let pieces = site.cache.map(|c| &c.pieces);
    site.page_keyed(
        output,
        "tailor/",
        "tailor.html",
        "tailor",
        &(&groups, &indicators, &rubric_hashes),
        || {
            let data = json_with_sorted_keys(&groups, &indicators, &site.project.rubrics, pieces);
            context! { data => minijinja::Value::from_object(super::theme::ScriptJson::new(data)) }
        },
    )?;

    // The assess page frame, filled by tailor-handoff.js from localStorage
    // before assess.js reads #rubric-data. Until then it holds a stand-in
    // with the fields the frame prints.
    let stand_in = super::assess::stand_in_rubric("tailored", "自定义评分表");
    let titles = super::assess::indicator_titles(&catalogue.indicators);
    site.page(
        output,
        "tailor/assess/",
        "tailor-assess.html",
        "assess",
        context! { rubric => Serde(&stand_in), indicators => Serde(&titles) },
    )
}

/// `{"groups":[…],"indicators":[…],"rubrics":[…]}`, made safe to embed in a
/// `<script>` element (see [`super::json_for_script`]). Each item passes
/// through a `serde_json::Value` on its own, which sorts its keys, so only
/// one rubric's tree is in memory at a time.
fn json_with_sorted_keys(
    groups: &[GroupEntry],
    indicators: &[IndicatorEntry],
    rubrics: &[std::sync::Arc<crate::model::Rubric>],
    pieces: Option<&Pieces>,
) -> String {
    fn script_json<T: Serialize>(item: &T) -> String {
        let value = serde_json::to_value(item).expect("the model always serialises");
        super::json_for_script(&value)
    }
    fn array<T>(out: &mut String, items: &[T], json: impl Fn(&mut String, &T)) {
        out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json(out, item);
        }
        out.push(']');
    }
    let mut head = String::from("{\"groups\":");
    array(&mut head, groups, |out, group| {
        out.push_str(&script_json(group))
    });
    head.push_str(",\"indicators\":");
    array(&mut head, indicators, |out, i| {
        out.push_str(&script_json(i))
    });
    head.push_str(",\"rubrics\":");
    let rubrics: Vec<_> = rubrics
        .iter()
        .map(|rubric| {
            piece(pieces, Form::Script, &rubric.content_hash, || {
                script_json(&**rubric)
            })
        })
        .collect();
    // Sized once: 14 MB grown by doubling was copied twice over.
    let size = head.len() + rubrics.iter().map(|r| r.len() + 1).sum::<usize>() + 2;
    let mut out = String::with_capacity(size);
    out.push_str(&head);
    array(&mut out, &rubrics, |out, rubric| out.push_str(rubric));
    out.push('}');
    out
}

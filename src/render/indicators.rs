//! `indicators/N/` for each second-level indicator and `groups/N/` for each
//! first-level one.

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::{Footnote, Project};

/// A rubric row that uses an indicator, with what a backlink needs to say.
#[derive(Serialize)]
struct Use<'a> {
    rubric: &'a str,
    rubric_title: &'a str,
    stage: Option<&'a str>,
    group: &'a str,
    row: &'a str,
    row_title: &'a str,
}

pub fn render_indicators(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let catalogue = &site.project.catalogue;
    for (i, indicator) in catalogue.indicators.iter().enumerate() {
        let uses = uses(site.project, indicator.number);
        let footnotes = footnotes_for(&catalogue.footnotes, &[indicator.number]);
        site.page(
            output,
            &format!("indicators/{}/", indicator.number),
            "indicator.html",
            "indicator",
            context! {
                indicator => Serde(indicator),
                group => Serde(catalogue.group(indicator.group)),
                footnotes => Serde(&footnotes),
                uses => Serde(&uses),
                prev => Serde(i.checked_sub(1).map(|p| &catalogue.indicators[p])),
                next => Serde(catalogue.indicators.get(i + 1)),
            },
        )?;
    }
    Ok(())
}

pub fn render_groups(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let catalogue = &site.project.catalogue;
    for (i, group) in catalogue.groups.iter().enumerate() {
        let footnotes = footnotes_for(&catalogue.footnotes, &group.indicators);
        site.page(
            output,
            &format!("groups/{}/", group.number),
            "group.html",
            "group",
            context! {
                group => Serde(group),
                footnotes => Serde(&footnotes),
                prev => Serde(i.checked_sub(1).map(|p| &catalogue.groups[p])),
                next => Serde(catalogue.groups.get(i + 1)),
            },
        )?;
    }
    Ok(())
}

/// The footnotes a page showing `indicators` must list: those whose marker
/// is in one of them or whose "下同" extends to one of them.
fn footnotes_for<'a>(footnotes: &'a [Footnote], indicators: &[u32]) -> Vec<&'a Footnote> {
    footnotes
        .iter()
        .filter(|f| {
            indicators
                .iter()
                .any(|n| f.indicator == *n || f.applies_to.contains(n))
        })
        .collect()
}

fn uses(project: &Project, number: u32) -> Vec<Use<'_>> {
    let Some(indicator) = project.catalogue.indicator(number) else {
        return Vec::new();
    };
    indicator
        .used_by
        .iter()
        .filter_map(|r| {
            let rubric = project.rubric(&r.rubric)?;
            let (stage, group, row) = rubric.rows().find(|(_, _, row)| row.id == r.row)?;
            Some(Use {
                rubric: &rubric.id,
                rubric_title: &rubric.title,
                stage: stage.title.as_deref(),
                group: &group.title,
                row: &row.id,
                row_title: &row.title,
            })
        })
        .collect()
}

//! `indicators/N/` for each second-level indicator and `groups/N/` for each
//! first-level one.

use std::collections::HashMap;

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::{Footnote, Indicator, Rubric};

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
    let rubrics: HashMap<&str, &Rubric> = site
        .project
        .rubrics
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let footnotes_of = FootnoteIndex::new(&catalogue.footnotes);
    for (i, indicator) in catalogue.indicators.iter().enumerate() {
        let uses = uses(&rubrics, indicator);
        let footnotes = footnotes_of.pages(&[indicator.number]);
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
    let footnotes_of = FootnoteIndex::new(&catalogue.footnotes);
    for (i, group) in catalogue.groups.iter().enumerate() {
        let footnotes = footnotes_of.pages(&group.indicators);
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

/// The footnotes a page showing some indicators must list: those whose
/// marker is in one of them or whose "下同" extends to one of them, in the
/// footnotes' order. Indexed by indicator once, since scanning every
/// footnote for every page grew with the square of the catalogue.
struct FootnoteIndex<'a> {
    footnotes: &'a [Footnote],
    by_indicator: HashMap<u32, Vec<usize>>,
}

impl<'a> FootnoteIndex<'a> {
    fn new(footnotes: &'a [Footnote]) -> Self {
        let mut by_indicator: HashMap<u32, Vec<usize>> = HashMap::new();
        for (at, f) in footnotes.iter().enumerate() {
            for &n in std::iter::once(&f.indicator).chain(&f.applies_to) {
                let list = by_indicator.entry(n).or_default();
                if list.last() != Some(&at) {
                    list.push(at);
                }
            }
        }
        FootnoteIndex {
            footnotes,
            by_indicator,
        }
    }

    fn pages(&self, indicators: &[u32]) -> Vec<&'a Footnote> {
        let mut at: Vec<usize> = indicators
            .iter()
            .filter_map(|n| self.by_indicator.get(n))
            .flatten()
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter().map(|at| &self.footnotes[at]).collect()
    }
}

fn uses<'a>(rubrics: &HashMap<&str, &'a Rubric>, indicator: &'a Indicator) -> Vec<Use<'a>> {
    indicator
        .used_by
        .iter()
        .filter_map(|r| {
            let rubric = *rubrics.get(r.rubric.as_str())?;
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

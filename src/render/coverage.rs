//! `coverage/`: which indicators each rubric draws on, and which none does.

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::RowRef;

#[derive(Serialize)]
struct CoverageLine<'a> {
    number: u32,
    title: &'a str,
    group: u32,
    /// One cell per rubric, in rubric order: the rows using the indicator.
    cells: Vec<Vec<CoveredRow<'a>>>,
    covered: bool,
}

#[derive(Serialize)]
struct CoveredRow<'a> {
    id: &'a str,
    title: &'a str,
}

pub fn render(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let project = site.project;
    let lines: Vec<CoverageLine> = project
        .catalogue
        .indicators
        .iter()
        .map(|indicator| {
            let cells: Vec<Vec<CoveredRow>> = project
                .rubrics
                .iter()
                .map(|rubric| {
                    indicator
                        .used_by
                        .iter()
                        .filter(|RowRef { rubric: r, .. }| *r == rubric.id)
                        .filter_map(|RowRef { row, .. }| rubric.row(row))
                        .map(|row| CoveredRow {
                            id: &row.id,
                            title: &row.title,
                        })
                        .collect()
                })
                .collect();
            CoverageLine {
                number: indicator.number,
                title: &indicator.title,
                group: indicator.group,
                covered: cells.iter().any(|c| !c.is_empty()),
                cells,
            }
        })
        .collect();
    let uncovered: Vec<u32> = lines
        .iter()
        .filter(|l| !l.covered)
        .map(|l| l.number)
        .collect();
    site.page(
        output,
        "coverage/",
        "coverage.html",
        "coverage",
        context! { lines => Serde(&lines), uncovered },
    )
}

//! `summary/`: 督导汇总, the provincial summary of many assessment files,
//! built entirely in the browser (static/js/summary-model.js and
//! summary.js; docs/summary.md). The page embeds the indicator titles (for
//! the heat map's headers) and which rubric versions the site has (so a
//! drill-down can open the matching assess page).

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;

#[derive(Serialize)]
struct SiteRubric<'a> {
    id: &'a str,
    content_hash: &'a str,
}

pub fn render(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let rubrics: Vec<SiteRubric> = site
        .project
        .rubrics
        .iter()
        .map(|r| SiteRubric {
            id: &r.id,
            content_hash: &r.content_hash,
        })
        .collect();
    let data = serde_json::json!({
        "indicators": super::assess::indicator_titles(&site.project.catalogue.indicators),
        "rubrics": rubrics,
    });
    site.page(
        output,
        "summary/",
        "summary.html",
        "summary",
        context! { data => Serde(&data) },
    )
}

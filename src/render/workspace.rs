//! `assessments/`: the workspace (评估工作台) that lists every assessment kept
//! in the browser, opens files, merges a team's files; and
//! `assessments/form/`: the scoring form for a stored assessment whose
//! rubric is not one of this site's (tailored elsewhere, or an older version
//! of a bundled rubric). The browser code does the work
//! (static/js/workspace.js, workspace-page.js, workspace-form.js; see
//! docs/assessment.md); the pages embed this site's rubrics, so that version
//! 1 files and localStorage entries, which only name their rubric, can be
//! read, and so that an assessment opens on its rubric's own assess page
//! when the site has it.

use minijinja::value::Serde;
use minijinja::{Value, context};

use super::{Output, Site};
use crate::diagnostic::Diagnostics;

pub fn render(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    // Every rubric, as the JSON the page embeds, written one rubric at a
    // time: as a template value of every rubric it was 1.5 s of each `dudao
    // serve` rebuild at ×100 to build and to hash (docs/benchmarks.md).
    // Fields in the order the model declares them, as the template value
    // gives them.
    let json = rubrics_json(&site.project.rubrics);
    site.page(
        output,
        "assessments/",
        "assessments.html",
        "assessments",
        context! { site_rubrics => Value::from_object(super::theme::ScriptJson::new(json)) },
    )?;

    // The assess page frame; workspace-form.js writes the stored
    // assessment's own rubric into #rubric-data before assess.js starts.
    let stand_in = super::assess::stand_in_rubric("stored", "已保存的评估");
    let titles = super::assess::indicator_titles(&site.project.catalogue.indicators);
    site.page(
        output,
        "assessments/form/",
        "assessment-form.html",
        "assess",
        context! { rubric => Serde(&stand_in), indicators => Serde(&titles) },
    )
}

/// `rubrics` as the page's `#site-rubrics` JSON, one rubric at a time.
fn rubrics_json(rubrics: &[crate::model::Rubric]) -> String {
    let mut json = String::from("[");
    for (i, rubric) in rubrics.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&super::json_for_script(rubric));
    }
    json.push(']');
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rubrics_json_is_what_the_template_filter_makes_of_the_rubrics() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (project, _) = crate::load_project(root).expect("the bundled content loads");
        let filtered =
            super::super::theme::json_for_script_filter(Value::from(Serde(&project.rubrics)));
        assert_eq!(rubrics_json(&project.rubrics), filtered.as_str().unwrap());
    }
}

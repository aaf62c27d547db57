//! `assessments/outcome/`: the 督导意见书, 整改通知书, 整改跟踪 and 复查 of one
//! assessment (issue 13, docs/outcomes.md). The assessment comes from the
//! browser's workspace or a file, so the page carries no rubric; it embeds
//! the documents' stylesheet so a downloaded .html stands alone, exactly as
//! `dudao report` writes it.

use minijinja::context;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;

pub fn render(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    site.page(
        output,
        "assessments/outcome/",
        "outcome.html",
        "outcome",
        context! { doc_css => crate::report::html::CSS },
    )
}

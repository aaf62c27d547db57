//! The home page and the notice.

use minijinja::context;

use super::{Output, Site};
use crate::diagnostic::Diagnostics;

pub fn render(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    site.page(output, "", "index.html", "home", context! {})
}

pub fn render_notice(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    site.page(output, "notice/", "notice.html", "notice", context! {})
}

//! dudao turns the 技能人才评价质量督导指标体系 (人社厅函〔2024〕130号) and
//! rubric files into a validated model, and the model into a static site.
//!
//! The build is a pipeline that follows the data:
//! [`load`] (files → raw structs) → [`validate`] (raw → [`model`], every
//! problem collected as a [`diagnostic::Diagnostic`]) → render → write.

pub mod config;
pub mod diagnostic;
pub mod evidence;
pub mod export;
pub mod load;
pub mod model;
pub mod new;
pub mod render;
pub mod search;
pub mod serve;
pub mod validate;
pub mod write;

use std::path::Path;

use diagnostic::{Diagnostic, Diagnostics};
use model::Project;

/// Loads and validates the project under `root`. Warnings come back with the
/// project; any error fails the whole load, with every diagnostic found.
pub fn load_project(root: &Path) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
    let (raw, mut diagnostics) = load::load_project(root);
    let (project, more) = validate::validate(raw);
    diagnostics.extend(more);
    diagnostic::sort(&mut diagnostics);
    match project {
        Some(project) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Ok((project, diagnostics))
        }
        _ => Err(Diagnostics(diagnostics)),
    }
}

/// Loads, validates and renders the project under `root` into memory;
/// [`write::write_site`] then puts it on disk. Warnings come back with the
/// output; any error (content, rubrics, dudao.toml, templates) fails it.
pub fn build_site(
    root: &Path,
    config: &config::Config,
) -> Result<(render::Output, Vec<Diagnostic>), Diagnostics> {
    let (project, warnings) = load_project(root)?;
    let output = render::render_site(&project, config, root)?;
    Ok((output, warnings))
}

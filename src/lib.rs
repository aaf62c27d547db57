//! dudao turns the 技能人才评价质量督导指标体系 (人社厅函〔2024〕130号) and
//! rubric files into a validated model, and the model into a static site.
//!
//! The build is a pipeline that follows the data:
//! [`load`] (files → raw structs) → [`validate`] (raw → [`model`], every
//! problem collected as a [`diagnostic::Diagnostic`]) → [`render`],
//! [`search`] and [`export`] (model → bytes) → [`write`] (bytes → the output
//! directory). Every kind of document (catalogue, rubric, evidence guide)
//! passes through the same layers, and imports point down the pipeline only;
//! [`parallel`], [`kept`], [`diagnostic`] and [`escape`] sit at the bottom,
//! used by all.
//! tests/layers.rs proves there is no import cycle.

pub mod assessment;
pub mod config;
pub mod diagnostic;
pub mod escape;
pub mod export;
pub mod kept;
pub mod load;
pub mod model;
pub mod new;
pub mod parallel;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
pub mod summary;
pub mod validate;
pub mod write;

use std::path::Path;

use diagnostic::{Diagnostic, Diagnostics};
use model::Project;

/// Loads and validates the project under `root`. Warnings come back with the
/// project; any error fails the whole load, with every diagnostic found.
pub fn load_project(root: &Path) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
    load_project_with(root, None)
}

/// [`load_project`], reading again only the files `reads` does not hold
/// (`dudao serve`; see [`load::Reads`]).
pub fn load_project_with(
    root: &Path,
    reads: Option<&load::Reads>,
) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
    let (raw, mut diagnostics) = load::load_project_with(root, reads);
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

/// Everything `dudao build` checks before it renders: the project, and
/// `dudao.toml` and the theme it names. What `dudao check` runs, so that a
/// project `check` passes does not then fail to build.
pub fn check_project(root: &Path) -> Result<(Project, Vec<Diagnostic>), Diagnostics> {
    let mut settings = Vec::new();
    match config::Config::load(root) {
        // Without themes/ only the content can be checked (tests and tools
        // copy just content/ and rubrics/); build then says the theme is missing.
        Ok(config) if root.join("themes").is_dir() => {
            match render::theme::Theme::new(root, &config.theme) {
                Ok(theme) => settings.extend(theme.check_templates()),
                Err(Diagnostics(errors)) => settings.extend(errors),
            }
        }
        Ok(_) => {}
        Err(Diagnostics(errors)) => settings.extend(errors),
    }
    // A root that is no project is reported once, by the loader.
    if load::check_root(root).is_some() {
        settings.clear();
    }
    match load_project(root) {
        Ok(loaded) if settings.is_empty() => Ok(loaded),
        Ok((_, mut diagnostics)) | Err(Diagnostics(mut diagnostics)) => {
            diagnostics.extend(settings);
            diagnostic::sort(&mut diagnostics);
            Err(Diagnostics(diagnostics))
        }
    }
}

/// Why a build failed: the project (content, rubrics, dudao.toml,
/// templates) or writing the output.
#[derive(Debug)]
pub enum BuildError {
    Invalid(Diagnostics),
    Write(std::io::Error),
}

impl From<Diagnostics> for BuildError {
    fn from(diagnostics: Diagnostics) -> Self {
        BuildError::Invalid(diagnostics)
    }
}

impl From<std::io::Error> for BuildError {
    fn from(e: std::io::Error) -> Self {
        BuildError::Write(e)
    }
}

/// Loads, validates and renders the project under `root`, handing every
/// file to `writer` as it renders (see [`write::Staging`], which makes the
/// site visible only when the caller commits it). `cache` (in `dudao
/// serve`) carries work over from the previous build. Warnings come back;
/// any error stops the build.
pub fn build_site(
    root: &Path,
    config: &config::Config,
    cache: Option<&render::Cache>,
    writer: &mut impl write::SiteWriter,
) -> Result<Vec<Diagnostic>, BuildError> {
    let (project, warnings) = load_project(root)?;
    // Shared with the template environment, which cannot borrow it.
    let project = std::sync::Arc::new(project);
    render::render_site(&project, config, root, cache, |files| {
        files
            .iter()
            .try_for_each(|(relative, bytes)| {
                // With a cache, a page's bytes are the memo's (see render::incremental).
                match cache.filter(|_| bytes.is_empty()) {
                    Some(cache) => match cache.pages.built(relative) {
                        Some((page, _)) => writer.write(relative, &page),
                        None => writer.write(relative, bytes),
                    },
                    None => writer.write(relative, bytes),
                }
            })
            .map_err(BuildError::Write)
    })?;
    Ok(warnings)
}

//! One rebuild of the site into memory, for `dudao serve`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hyper::body::Bytes;

use crate::diagnostic::{Diagnostic, Diagnostics};

/// The site's files by relative path, as served.
pub type Files = HashMap<String, Bytes>;

/// What the server keeps between rebuilds.
#[derive(Default)]
pub struct Rebuilder {
    cache: crate::render::Cache,
}

/// A finished rebuild: the whole new site, the paths whose bytes differ
/// from the previous one, the warnings, and how many pages were rendered
/// and reused.
pub struct Built {
    pub files: Files,
    pub changed: Vec<String>,
    pub warnings: Vec<Diagnostic>,
    pub rendered: usize,
    pub reused: usize,
}

impl Rebuilder {
    /// Builds the project under `root` after `sources` changed; `previous`
    /// is the site being served.
    ///
    /// Pages are tracked one by one against the model (see
    /// `render::incremental`); templates and dudao.toml are not, so a
    /// change to a template or to dudao.toml renders every page.
    pub fn rebuild(
        &mut self,
        root: &Path,
        sources: &[PathBuf],
        previous: &Files,
    ) -> Result<Built, Diagnostics> {
        let root_abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let untracked = |path: &PathBuf| {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            // A theme's static files are copied, not read by any page.
            let theme_static = path.strip_prefix(root_abs.join("themes")).is_ok_and(|p| {
                p.components()
                    .nth(1)
                    .is_some_and(|c| c.as_os_str() == "static")
            });
            path == root_abs
                || (path.starts_with(root_abs.join("themes")) && !theme_static)
                || path == root_abs.join(crate::config::CONFIG_FILE)
        };
        if sources.iter().any(untracked) {
            self.cache.pages.clear();
        }
        let mut config = crate::config::Config::load(root)?;
        // An author must see every edit on the next load, not a site cached
        // by the service worker.
        config.offline.enabled = false;
        let mut collect = Collect(Files::with_capacity(previous.len()));
        let warnings = match crate::build_site(root, &config, Some(&self.cache), &mut collect) {
            Ok(warnings) => warnings,
            Err(crate::BuildError::Invalid(errors)) => return Err(errors),
            Err(crate::BuildError::Write(e)) => {
                return Err(Diagnostics(vec![Diagnostic::error(
                    ".",
                    None,
                    e.to_string(),
                )]));
            }
        };
        let files = collect.0;
        let mut changed: Vec<String> = files
            .iter()
            .filter(|(path, bytes)| previous.get(*path) != Some(bytes))
            .map(|(path, _)| path.clone())
            .chain(previous.keys().filter(|p| !files.contains_key(*p)).cloned())
            .collect();
        changed.sort();
        let (rendered, reused) = self.cache.pages.last_counts();
        Ok(Built {
            files,
            changed,
            warnings,
            rendered,
            reused,
        })
    }
}

/// A [`crate::write::SiteWriter`] that keeps the site in memory.
struct Collect(Files);

impl crate::write::SiteWriter for Collect {
    fn write(&mut self, relative: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.0
            .insert(relative.to_owned(), Bytes::copy_from_slice(bytes));
        Ok(())
    }
}

//! One rebuild of the site into memory, for `dudao serve`.

use std::collections::HashMap;
use std::path::Path;

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
/// from the previous one, and the warnings.
pub struct Built {
    pub files: Files,
    pub changed: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

impl Rebuilder {
    /// Builds the project under `root`; `previous` is the site being served.
    pub fn rebuild(&mut self, root: &Path, previous: &Files) -> Result<Built, Diagnostics> {
        let config = crate::config::Config::load(root)?;
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
        Ok(Built {
            files,
            changed,
            warnings,
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

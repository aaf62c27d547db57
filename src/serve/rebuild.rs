//! One rebuild of the site into memory, for `dudao serve`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hyper::body::Bytes;

use super::timeline::Timeline;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::render::Rendered;

/// The site's files by relative path, as served.
pub type Files = HashMap<String, Bytes>;

/// What the server keeps between rebuilds.
#[derive(Default)]
pub struct Rebuilder {
    cache: crate::render::Cache,
    /// The source files of the last load: only changed ones are read again.
    reads: crate::load::Reads,
    /// Every load reads every file: the changed paths are not to be trusted
    /// to name every change (the polling watcher).
    rescan: bool,
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
    /// When each step ended: `load`, `pages`, `data` (and whatever the
    /// caller marked).
    pub timeline: Timeline,
}

/// The site once every page is rendered, before the whole-site data (see
/// `render::DATA_FAMILIES`): the files so far, and which of them differ
/// from the previous build.
pub struct Pages<'a> {
    pub files: &'a Files,
    pub changed: &'a [String],
}

impl Rebuilder {
    /// Reads every source file on every rebuild, as when the changes come
    /// from polling, which may miss what happened between two polls.
    pub fn rescan_every_time(&mut self) {
        self.rescan = true;
    }

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
        let timeline = Timeline::starting("start", std::time::Instant::now());
        self.rebuild_in_two(root, sources, previous, timeline, |_, _| {})
    }

    /// [`Rebuilder::rebuild`], handing `pages` the site as soon as every
    /// page is rendered, while the whole-site data is still to come; marks
    /// its steps on `timeline`, which `pages` may mark too.
    pub fn rebuild_in_two(
        &mut self,
        root: &Path,
        sources: &[PathBuf],
        previous: &Files,
        mut timeline: Timeline,
        mut pages: impl FnMut(Pages<'_>, &mut Timeline),
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
        crate::load::remember_parses();
        crate::validate::remember_rubrics();
        // The first build, changes that may not name every file, or
        // dudao.toml, after which nothing is taken on trust.
        let settings_file = root_abs.join(crate::config::CONFIG_FILE);
        let settings = sources
            .iter()
            .any(|p| std::path::absolute(p).is_ok_and(|p| p == settings_file));
        if sources.is_empty() || self.rescan || settings {
            self.reads.forget_all(root);
        } else {
            self.reads.changed(root, sources);
        }
        let loaded = crate::load_project_with(root, Some(&self.reads));
        crate::load::forget_unused();
        crate::validate::forget_unused_rubrics();
        let (project, warnings) = loaded?;
        let project = std::sync::Arc::new(project);
        timeline.mark("load");
        let mut collect = Collect {
            previous,
            memo: &self.cache.pages,
            files: Files::with_capacity(previous.len()),
            changed: Vec::new(),
        };
        let cache = Some(&self.cache);
        crate::render::render_site_in_two(&project, &config, root, cache, |rendered| {
            match rendered {
                Rendered::Files(output) => collect.add(output),
                Rendered::PagesDone => {
                    timeline.mark("pages");
                    let so_far = Pages {
                        files: &collect.files,
                        changed: &collect.changed,
                    };
                    pages(so_far, &mut timeline);
                }
            }
            Ok::<_, Diagnostics>(())
        })?;
        timeline.mark("data");
        let Collect {
            files, mut changed, ..
        } = collect;
        changed.extend(previous.keys().filter(|p| !files.contains_key(*p)).cloned());
        changed.sort();
        let (rendered, reused) = self.cache.pages.last_counts();
        Ok(Built {
            files,
            changed,
            warnings,
            rendered,
            reused,
            timeline,
        })
    }
}

/// The served site, gathered from the render output as it comes: a page's
/// bytes are the memo's, shared; any other file keeps the previous build's
/// bytes when it has not changed. Only what this build rendered or made
/// anew is compared, and only what differs is new memory.
struct Collect<'a> {
    previous: &'a Files,
    memo: &'a crate::render::incremental::PageMemo,
    files: Files,
    changed: Vec<String>,
}

impl Collect<'_> {
    fn add(&mut self, output: crate::render::Output) {
        for (path, bytes) in output {
            let before = self.previous.get(&path);
            let page = bytes.is_empty().then(|| self.memo.built(&path)).flatten();
            let (bytes, same) = match page {
                Some((page, fresh)) => {
                    let same = before.is_some_and(|b| {
                        (!fresh && b.as_ptr() == page.as_ptr() && b.len() == page.len())
                            || *b == page
                    });
                    (page, same)
                }
                None => match before {
                    Some(b) if *b == bytes[..] => (b.clone(), true),
                    _ => (Bytes::from(bytes), false),
                },
            };
            if !same {
                self.changed.push(path.clone());
            }
            self.files.insert(path, bytes);
        }
    }
}

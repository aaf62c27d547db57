//! Source files kept from one load to the next, for `dudao serve`: a
//! rebuild reads and parses only the files the watcher reported changed,
//! and lists a directory again only when a file in it came or went.
//!
//! [`Reads`] is owned by serve's rebuilder and handed to
//! [`load_project_with`](super::load_project_with); `dudao build` and
//! `check` load without one and keep nothing. What it keeps is exactly what
//! loading the file gave (a document or rubric that loaded without a
//! problem; files that failed are read again every time) and a directory's
//! list of source files with its warnings. [`Reads::changed`] forgets what
//! a change may have touched; whatever the events cannot say (a directory
//! created, removed or renamed, the project root, a path under which
//! something was kept) forgets everything, and the next load is a full one.
//! Nothing reached through a symbolic link is kept: an edit to the link's
//! target is reported under the target's path.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::diagnostic::{Diagnostic, relative};

/// What one load read, kept for the next (see the module docs).
#[derive(Default)]
pub struct Reads {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The root these paths are under; another root forgets them all.
    root: Option<PathBuf>,
    /// Relative path → what loading the file gave.
    files: HashMap<PathBuf, Arc<dyn Any + Send + Sync>>,
    /// Relative directory → its source files, as a load lists them.
    listings: HashMap<PathBuf, Arc<Listing>>,
}

/// The source files found in a directory (as the load names them), and the
/// warnings about files left out.
pub(super) struct Listing {
    pub paths: Arc<Vec<PathBuf>>,
    pub diagnostics: Vec<Diagnostic>,
    /// The same paths, relative to the root.
    members: HashSet<PathBuf>,
}

impl Listing {
    pub fn new(root: &Path, paths: Vec<PathBuf>, diagnostics: Vec<Diagnostic>) -> Self {
        let members = paths.iter().map(|p| relative(root, p)).collect();
        Listing {
            paths: Arc::new(paths),
            diagnostics,
            members,
        }
    }
}

impl Reads {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets everything: the next load (of the project at `root`) reads
    /// every file.
    pub fn forget_all(&self, root: &Path) {
        let mut state = self.lock();
        state.files.clear();
        state.listings.clear();
        state.root = Some(std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()));
    }

    /// Forgets what a change to each of `paths` (under `root`, as the
    /// watcher reports them) may have touched.
    pub fn changed(&self, root: &Path, paths: &[PathBuf]) {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut state = self.lock();
        if state.root.as_ref() != Some(&root) {
            state.files.clear();
            state.listings.clear();
            state.root = Some(root.clone());
        }
        for path in paths {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            let Ok(rel) = path.strip_prefix(&root) else {
                continue;
            };
            if !state.forget(&path, rel) {
                state.files.clear();
                state.listings.clear();
                return;
            }
        }
    }

    /// The file at `rel` (relative to the root) as it loaded last time, if
    /// nothing said it changed since.
    pub(super) fn kept<V: Send + Sync + 'static>(&self, rel: &Path) -> Option<Arc<V>> {
        let state = self.lock();
        Arc::clone(state.files.get(rel)?).downcast::<V>().ok()
    }

    /// [`Reads::kept`] of each of `paths` (under `root`), under one lock.
    pub(super) fn kept_each<V: Send + Sync + 'static>(
        &self,
        root: &Path,
        paths: &[PathBuf],
    ) -> Vec<Option<Arc<V>>> {
        let state = self.lock();
        paths
            .iter()
            .map(|path| {
                let rel = path.strip_prefix(root).unwrap_or(path);
                Arc::clone(state.files.get(rel)?).downcast::<V>().ok()
            })
            .collect()
    }

    /// Keeps what the file at `path` loaded as, unless it is reached
    /// through a symbolic link.
    pub(super) fn keep<V: Send + Sync + 'static>(&self, root: &Path, path: &Path, value: Arc<V>) {
        if super::inside::through_link(root, path) {
            return;
        }
        let rel = relative(root, path);
        self.lock().files.insert(rel, value);
    }

    /// The source files of the directory `dir` as last listed, if none came
    /// or went since.
    pub(super) fn listing(&self, root: &Path, dir: &Path) -> Option<Arc<Listing>> {
        self.lock().listings.get(&relative(root, dir)).cloned()
    }

    /// Keeps the listing of `dir`, unless it or a file in it is reached
    /// through a symbolic link.
    pub(super) fn keep_listing(&self, root: &Path, dir: &Path, listing: &Arc<Listing>) {
        let linked = super::inside::through_link(root, dir)
            || listing
                .paths
                .iter()
                .any(|p| super::inside::through_link(root, p));
        if !linked {
            let dir = relative(root, dir);
            self.lock().listings.insert(dir, Arc::clone(listing));
        }
    }
}

impl State {
    /// Forgets what a change to `path` (`rel` under the root) touched;
    /// `false` when that cannot be told and everything must go.
    fn forget(&mut self, path: &Path, rel: &Path) -> bool {
        let mut components = rel.components();
        let first = components.next();
        let sourced = first.is_some_and(|c| {
            [super::CONTENT_DIR, super::RUBRICS_DIR]
                .iter()
                .any(|dir| c == Component::Normal(dir.as_ref()))
        });
        if !sourced {
            // The root itself: start afresh; anything else (themes/,
            // dudao.toml) is not loaded here.
            return !rel.as_os_str().is_empty();
        }
        if components.next().is_none() {
            // content/ or rubrics/ itself.
            return false;
        }
        let known =
            self.files.contains_key(rel) || self.listings.values().any(|l| l.members.contains(rel));
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => {
                self.files.remove(rel);
                if !known {
                    // A new file: the listings it may belong to.
                    self.listings.retain(|dir, _| !rel.starts_with(dir));
                }
                true
            }
            // A directory or a link: which files it holds is not said.
            Ok(_) => false,
            Err(_) if known => {
                self.files.remove(rel);
                self.listings.retain(|dir, _| !rel.starts_with(dir));
                true
            }
            // Gone and never a file here: a directory that held what we
            // kept, or a file that came and went (an editor's scratch file).
            Err(_) => {
                let held = self.files.keys().any(|p| p.starts_with(rel))
                    || self.listings.iter().any(|(dir, listing)| {
                        dir.starts_with(rel) || listing.members.iter().any(|m| m.starts_with(rel))
                    });
                !held
            }
        }
    }
}

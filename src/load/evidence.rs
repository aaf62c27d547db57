//! Evidence guides from `content/evidence/` (format in
//! docs/evidence-format.md): Markdown with front matter, read like every
//! other document; validation checks what they point at.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{CONTENT_DIR, Doc, RawGuide};
use crate::diagnostic::{Diagnostic, relative};

/// Where guides live, relative to `content/`.
pub const EVIDENCE_DIR: &str = "evidence";

const FORMAT_HINT: &str = "docs/evidence-format.md lists every field of an evidence guide";

/// Reads every `*.md` in `content/evidence/` and in its direct
/// subdirectories (`indicators/`, one per rubric), sorted by path. A missing
/// directory is not an error here: validation then reports every indicator
/// and criterion that lacks a guide, which says more.
pub fn load_guides(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Arc<Doc<RawGuide>>> {
    load_guides_with(root, diagnostics, None)
}

/// [`load_guides`], with the files and listing `reads` kept (see
/// [`super::Reads`]).
pub(super) fn load_guides_with(
    root: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    reads: Option<&super::Reads>,
) -> Vec<Arc<Doc<RawGuide>>> {
    let dir = root.join(CONTENT_DIR).join(EVIDENCE_DIR);
    if !dir.is_dir() {
        return Vec::new();
    }
    let paths = super::listed(root, &dir, reads, diagnostics, |diagnostics| {
        guide_paths(root, &dir, diagnostics)
    });
    let before = diagnostics.len();
    let guides = super::load_each(root, &paths, reads, diagnostics, |path, diagnostics| {
        super::read_doc::<RawGuide>(root, path, diagnostics)
    });
    // load_doc's hint cannot name the guide format; point there instead.
    for diagnostic in &mut diagnostics[before..] {
        if diagnostic.message.starts_with("invalid front matter") {
            let hint = diagnostic.hint.take().unwrap_or_default();
            let advice = hint.split("; ").next().unwrap_or_default();
            diagnostic.hint = Some(format!("{advice}; {FORMAT_HINT}"));
        }
    }
    guides
}

/// The guides' files: every `*.md` in `dir` and in its direct
/// subdirectories, sorted by path.
fn guide_paths(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for entry in sorted_entries(root, dir, diagnostics) {
        if entry.is_dir() {
            for path in sorted_entries(root, &entry, diagnostics) {
                if is_markdown(root, &path, diagnostics) {
                    paths.push(path);
                }
            }
        } else if is_markdown(root, &entry, diagnostics) {
            paths.push(entry);
        }
    }
    paths
}

fn is_markdown(root: &Path, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> bool {
    path.is_file() && super::is_source(root, path, &["md"], diagnostics)
}

/// The entries of `dir`, sorted; anything that leads outside the project
/// (a symbolic link) is reported and left out.
fn sorted_entries(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    if let Some(refused) = super::outside_root(root, dir) {
        diagnostics.push(refused);
        return Vec::new();
    }
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut paths: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| match super::outside_root(root, p) {
                    Some(refused) => {
                        diagnostics.push(refused);
                        false
                    }
                    None => true,
                })
                .collect();
            paths.sort();
            paths
        }
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                relative(root, dir),
                None,
                format!("cannot read directory: {err}"),
            ));
            Vec::new()
        }
    }
}

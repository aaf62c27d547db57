//! Source tree → raw structs, with every parse error located.
//!
//! This is the only module that reads the source tree. It knows the layout
//! (`content/…/*.md` with YAML front matter, `rubrics/*.yaml`) and the raw
//! shapes of the files, but nothing of what makes them consistent: that is
//! [`crate::validate`]'s job. Values that validation may need to point at are
//! kept [`Spanned`], so a wrong subtotal is reported at its own line.

mod evidence;
mod inside;
mod memo;
mod names;
mod raw;
mod reads;
mod yaml;

use std::fs;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
pub use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Position, display_path, relative};
pub use evidence::{EVIDENCE_DIR, load_guides};
pub use raw::*;
use reads::Listing;
pub use reads::Reads;
use yaml::position;
pub use yaml::{YamlError, parse_yaml};

pub use inside::outside_root;
pub use memo::{forget_unused, remember_parses};
pub use names::is_source;

pub const CONTENT_DIR: &str = "content";
pub const RUBRICS_DIR: &str = "rubrics";

/// A Markdown document: its front matter and its body.
#[derive(Debug, Clone)]
pub struct Doc<T> {
    /// Relative to the project root.
    pub path: PathBuf,
    pub front: T,
    pub body: String,
    /// Lines before the front matter's first line (the opening `---`).
    pub line_offset: u32,
    /// The line of the file the body starts on, to locate problems in it.
    pub body_line: u32,
    /// A hash of the file's path and text: `dudao serve` tells a document
    /// unchanged by it without hashing what was made of it.
    pub text_hash: u64,
}

impl<T> Doc<T> {
    pub fn at<U>(&self, spanned: &Spanned<U>) -> Option<Position> {
        position(&spanned.referenced, self.line_offset)
    }
}

/// A YAML file parsed whole.
#[derive(Debug, Clone)]
pub struct YamlFile<T> {
    pub path: PathBuf,
    pub value: T,
    /// The file as read, for tools that rewrite it (`dudao new`).
    pub text: String,
    /// A hash of `path` and `text`, which `value` is parsed from: `dudao
    /// serve` tells the file unchanged by it.
    pub text_hash: u64,
}

impl<T> YamlFile<T> {
    /// The file at `path` (relative to the root), `value` parsed from `text`.
    pub fn new(path: PathBuf, value: T, text: String) -> Self {
        let text_hash = text_hash(&path, &text);
        YamlFile {
            path,
            value,
            text,
            text_hash,
        }
    }

    pub fn at<U>(&self, spanned: &Spanned<U>) -> Option<Position> {
        position(&spanned.referenced, 0)
    }
}

/// Everything read from a project root, before validation.
///
/// Each file is shared (`Arc`) with what [`Reads`] keeps of it for the next
/// load: under serve a load after a one-file edit hands over the other
/// 8,000 files of a ×100 project without copying them.
#[derive(Debug, Default)]
pub struct RawProject {
    pub notice: Option<Arc<Doc<RawNotice>>>,
    pub overview: Option<Arc<Doc<RawOverview>>>,
    pub groups: Vec<Arc<Doc<RawGroup>>>,
    pub indicators: Vec<Arc<Doc<RawIndicator>>>,
    pub footnotes: Vec<Arc<Doc<RawFootnote>>>,
    pub rubrics: Vec<Arc<YamlFile<RawRubric>>>,
    /// Evidence guides under `content/evidence/`.
    pub evidence: Vec<Arc<Doc<RawGuide>>>,
    /// True when some catalogue file (under `content/`) could not be read or
    /// parsed. Validation then skips the checks that need the whole
    /// catalogue, so one broken indicator file does not also make every
    /// reference to it "unknown".
    pub catalogue_incomplete: bool,
}

/// Reads the whole source tree. Files that cannot be read or parsed become
/// diagnostics and are left out; everything else is returned for validation.
pub fn load_project(root: &Path) -> (RawProject, Vec<Diagnostic>) {
    load_project_with(root, None)
}

/// [`load_project`], taking from `reads` the files and directory listings
/// no change was reported to since the last load, and keeping what it
/// reads there for the next (`dudao serve`; see [`Reads`]).
pub fn load_project_with(root: &Path, reads: Option<&Reads>) -> (RawProject, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut project = RawProject::default();
    if let Some(diagnostic) = check_root(root) {
        project.catalogue_incomplete = true;
        return (project, vec![diagnostic]);
    }
    let content = root.join(CONTENT_DIR);

    project.notice = load_required_doc(root, &content.join("notice.md"), &mut diagnostics, reads);
    project.overview =
        load_required_doc(root, &content.join("overview.md"), &mut diagnostics, reads);
    project.groups = load_doc_dir(root, &content.join("groups"), &mut diagnostics, reads);
    project.indicators = load_doc_dir(root, &content.join("indicators"), &mut diagnostics, reads);
    project.footnotes = load_doc_dir(root, &content.join("footnotes"), &mut diagnostics, reads);

    project.catalogue_incomplete = diagnostics.iter().any(Diagnostic::is_error);
    project.evidence = evidence::load_guides_with(root, &mut diagnostics, reads);

    let dir = root.join(RUBRICS_DIR);
    let rubrics = listed(root, &dir, reads, &mut diagnostics, |diagnostics| {
        files_with_extension(root, &dir, &["yaml", "yml"], diagnostics)
    });
    project.rubrics = load_each(
        root,
        &rubrics,
        reads,
        &mut diagnostics,
        |path, diagnostics| read_yaml_file(root, path, diagnostics),
    );
    (project, diagnostics)
}

/// One clear error instead of a missing-file error for every expected file
/// when `--root` points at the wrong place.
pub fn check_root(root: &Path) -> Option<Diagnostic> {
    let problem = if !root.exists() {
        "the project root does not exist"
    } else if !root.is_dir() {
        "the project root is not a directory"
    } else if !root.join(CONTENT_DIR).is_dir() && !root.join(RUBRICS_DIR).is_dir() {
        "not a dudao project: there is neither a content/ nor a rubrics/ directory here"
    } else {
        return None;
    };
    Some(Diagnostic::error(root, None, problem).hint(
        "run dudao in the project directory (the one holding content/ and rubrics/) or pass --root DIR",
    ))
}

fn load_required_doc<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    root: &Path,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    reads: Option<&Reads>,
) -> Option<Arc<Doc<T>>> {
    if !path.exists() {
        diagnostics.push(
            Diagnostic::error(relative(root, path), None, "required file is missing")
                .hint("restore it from the bundled content (git checkout -- content/)"),
        );
        return None;
    }
    if let Some(refused) = outside_root(root, path) {
        diagnostics.push(refused);
        return None;
    }
    kept_or(root, path, reads, || read_doc(root, path, diagnostics))
}

fn load_doc_dir<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
    reads: Option<&Reads>,
) -> Vec<Arc<Doc<T>>> {
    let paths = listed(root, dir, reads, diagnostics, |diagnostics| {
        files_with_extension(root, dir, &["md"], diagnostics)
    });
    load_each(root, &paths, reads, diagnostics, |path, diagnostics| {
        read_doc(root, path, diagnostics)
    })
}

/// The source files `list` finds in `dir`, or those `reads` kept of it.
fn listed(
    root: &Path,
    dir: &Path,
    reads: Option<&Reads>,
    diagnostics: &mut Vec<Diagnostic>,
    list: impl FnOnce(&mut Vec<Diagnostic>) -> Vec<PathBuf>,
) -> Arc<Vec<PathBuf>> {
    let Some(reads) = reads else {
        return Arc::new(list(diagnostics));
    };
    let listing = match reads.listing(root, dir) {
        Some(listing) => listing,
        None => {
            let mut found = Vec::new();
            let paths = list(&mut found);
            let listing = Arc::new(Listing::new(root, paths, found));
            // An error (a directory that cannot be read) is made afresh.
            if !listing.diagnostics.iter().any(Diagnostic::is_error) {
                reads.keep_listing(root, dir, &listing);
            }
            listing
        }
    };
    diagnostics.extend(listing.diagnostics.iter().cloned());
    Arc::clone(&listing.paths)
}

/// What `load` gives for the file at `path`, or what `reads` kept of it;
/// a file that loads without a problem is kept for the next load.
fn kept_or<V: Send + Sync + 'static>(
    root: &Path,
    path: &Path,
    reads: Option<&Reads>,
    load: impl FnOnce() -> Option<V>,
) -> Option<Arc<V>> {
    if let Some(kept) = reads.and_then(|reads| reads.kept::<V>(&relative(root, path))) {
        return Some(kept);
    }
    let loaded = Arc::new(load()?);
    if let Some(reads) = reads {
        reads.keep(root, path, Arc::clone(&loaded));
    }
    Some(loaded)
}

/// Loads every file of `paths` with `load`, or takes what `reads` kept of
/// it. The files to read are read on every core: parsing YAML is most of a
/// load (1 s at ×100 on one core; docs/benchmarks.md). Kept files are taken
/// first, on this thread: that is a lookup each, which handing them to
/// other threads would only slow. Files and diagnostics come back in
/// `paths` order, as a loop would give them.
fn load_each<V: Send + Sync + 'static>(
    root: &Path,
    paths: &[PathBuf],
    reads: Option<&Reads>,
    diagnostics: &mut Vec<Diagnostic>,
    load: impl Fn(&Path, &mut Vec<Diagnostic>) -> Option<V> + Sync,
) -> Vec<Arc<V>> {
    let kept: Vec<Option<Arc<V>>> = match reads {
        Some(reads) => reads.kept_each(root, paths),
        None => paths.iter().map(|_| None).collect(),
    };
    let unread: Vec<&PathBuf> = paths
        .iter()
        .zip(&kept)
        .filter_map(|(path, kept)| kept.is_none().then_some(path))
        .collect();
    let mut loaded = crate::parallel::parallel_map(&unread, |path| {
        let mut found = Vec::new();
        let file = load(path, &mut found).map(Arc::new);
        if let (Some(reads), Some(file)) = (reads, &file) {
            reads.keep(root, path, Arc::clone(file));
        }
        (file, found)
    })
    .into_iter();
    let mut files = Vec::with_capacity(paths.len());
    for kept in kept {
        match kept {
            Some(file) => files.push(file),
            None => {
                let (file, found) = loaded.next().expect("one result per unread path");
                diagnostics.extend(found);
                files.extend(file);
            }
        }
    }
    files
}

/// Files directly in `dir` with one of `extensions`, sorted by name so the
/// build never depends on directory order.
fn files_with_extension(
    root: &Path,
    dir: &Path,
    extensions: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    if let Some(refused) = outside_root(root, dir) {
        diagnostics.push(refused);
        return Vec::new();
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            diagnostics.push(
                Diagnostic::error(
                    relative(root, dir),
                    None,
                    format!("cannot read directory: {err}"),
                )
                .hint("run dudao from the project root or pass --root DIR"),
            );
            return Vec::new();
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            if !is_source(root, p, extensions, diagnostics) {
                return false;
            }
            match outside_root(root, p) {
                Some(refused) => {
                    diagnostics.push(refused);
                    false
                }
                None => true,
            }
        })
        .collect();
    paths.sort();
    paths
}

fn read_text(root: &Path, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    match fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            // Editors on Windows like to add a BOM; nothing downstream should see it.
            Ok(text) => Some(
                text.strip_prefix('\u{feff}')
                    .map(str::to_owned)
                    .unwrap_or(text),
            ),
            Err(err) => {
                let bytes = err.as_bytes();
                diagnostics.push(crate::diagnostic::not_utf8(
                    relative(root, path),
                    bytes,
                    &err.utf8_error(),
                ));
                None
            }
        },
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                relative(root, path),
                None,
                format!("cannot read file: {err}"),
            ));
            None
        }
    }
}

pub fn load_doc<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    root: &Path,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Doc<T>> {
    read_doc(root, path, diagnostics)
}

fn read_doc<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    root: &Path,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Doc<T>> {
    let text = read_text(root, path, diagnostics)?;
    let rel = relative(root, path);
    let (front, body) = match split_front_matter(&text) {
        FrontMatter::Found { yaml, body } => (yaml, body),
        FrontMatter::Missing => {
            diagnostics.push(
                Diagnostic::error(
                    &rel,
                    Some(Position { line: 1, column: 1 }),
                    "missing front matter: the file does not start with a `---` line",
                )
                .hint("start the file with a line `---`, the YAML fields, and another line `---`"),
            );
            return None;
        }
        FrontMatter::Unclosed => {
            diagnostics.push(
                Diagnostic::error(
                    &rel,
                    Some(Position { line: 1, column: 1 }),
                    "the front matter opened here is never closed",
                )
                .hint("add a line `---` after the last front matter field, before the text"),
            );
            return None;
        }
    };
    let front_yaml = front;
    let text_hash = text_hash(&rel, &text);
    match memo::parse::<T>(front, 1) {
        Ok(front) => Some(Doc {
            path: rel,
            front,
            body: body.to_owned(),
            line_offset: 1,
            // Opening `---`, the front matter, closing `---`.
            body_line: front_text_lines(front_yaml) + 3,
            text_hash,
        }),
        Err(diagnostic) => {
            diagnostics.push(diagnostic.into_diagnostic(&rel, "front matter", &text));
            None
        }
    }
}

pub fn load_yaml_file<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    root: &Path,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<YamlFile<T>> {
    read_yaml_file(root, path, diagnostics)
}

fn read_yaml_file<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    root: &Path,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<YamlFile<T>> {
    let text = read_text(root, path, diagnostics)?;
    let rel = relative(root, path);
    match memo::parse::<T>(&text, 0) {
        Ok(value) => Some(YamlFile::new(rel, value, text)),
        Err(diagnostic) => {
            diagnostics.push(diagnostic.into_diagnostic(&rel, "rubric", &text));
            None
        }
    }
}

/// SipHash of a file's relative path and text: the same in every load of
/// this process.
fn text_hash(path: &Path, text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    (path, text).hash(&mut hasher);
    hasher.finish()
}

fn front_text_lines(yaml: &str) -> u32 {
    yaml.matches('\n').count() as u32
}

enum FrontMatter<'a> {
    Found { yaml: &'a str, body: &'a str },
    Missing,
    Unclosed,
}

/// Splits `---\n<yaml>---\n<body>`.
fn split_front_matter(text: &str) -> FrontMatter<'_> {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return FrontMatter::Missing;
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return FrontMatter::Found { yaml, body };
        }
        offset += line.len();
    }
    FrontMatter::Unclosed
}

/// A printable relative path, for messages that name other files.
pub fn show(path: &Path) -> String {
    display_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Serve's loads share what `Reads` kept rather than copy it: at ×100
    /// copying the 8,800 files was most of a load after a one-file edit.
    #[test]
    fn a_load_shares_the_files_reads_kept_and_reads_again_only_a_changed_one() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let reads = Reads::default();
        reads.forget_all(root);
        let (first, _) = load_project_with(root, Some(&reads));
        let (second, _) = load_project_with(root, Some(&reads));
        assert!(!first.indicators.is_empty() && !first.rubrics.is_empty());
        assert!(!first.evidence.is_empty());
        let same = |a: &RawProject, b: &RawProject| -> Vec<bool> {
            let docs = a.indicators.iter().zip(&b.indicators);
            let mut same: Vec<bool> = docs.map(|(a, b)| Arc::ptr_eq(a, b)).collect();
            same.extend(
                a.rubrics
                    .iter()
                    .zip(&b.rubrics)
                    .map(|(a, b)| Arc::ptr_eq(a, b)),
            );
            same.extend(
                a.evidence
                    .iter()
                    .zip(&b.evidence)
                    .map(|(a, b)| Arc::ptr_eq(a, b)),
            );
            same
        };
        assert!(
            same(&first, &second).iter().all(|&s| s),
            "every file shared"
        );

        let fifth = root.join("content/indicators/05.md");
        reads.changed(root, std::slice::from_ref(&fifth));
        let (third, _) = load_project_with(root, Some(&reads));
        let shared = same(&second, &third);
        let read_again: Vec<&Path> = second
            .indicators
            .iter()
            .zip(&shared)
            .filter(|(_, same)| !**same)
            .map(|(doc, _)| doc.path.as_path())
            .collect();
        assert_eq!(read_again, [Path::new("content/indicators/05.md")]);
        assert_eq!(shared.iter().filter(|s| !**s).count(), 1);
        assert_eq!(third.indicators[4].body, second.indicators[4].body);
    }
}

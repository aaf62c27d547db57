//! Source tree → raw structs, with every parse error located.
//!
//! This is the only module that reads the source tree. It knows the layout
//! (`content/…/*.md` with YAML front matter, `rubrics/*.yaml`) and the raw
//! shapes of the files, but nothing of what makes them consistent: that is
//! [`crate::validate`]'s job. Values that validation may need to point at are
//! kept [`Spanned`], so a wrong subtotal is reported at its own line.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
pub use serde_saphyr::Spanned;

use crate::diagnostic::{Diagnostic, Position, display_path, relative};

pub const CONTENT_DIR: &str = "content";
pub const RUBRICS_DIR: &str = "rubrics";

/// A Markdown document: its front matter and its body.
#[derive(Debug)]
pub struct Doc<T> {
    /// Relative to the project root.
    pub path: PathBuf,
    pub front: T,
    pub body: String,
    /// Lines before the front matter's first line (the opening `---`).
    pub line_offset: u32,
}

impl<T> Doc<T> {
    pub fn at<U>(&self, spanned: &Spanned<U>) -> Option<Position> {
        position(&spanned.referenced, self.line_offset)
    }
}

/// A YAML file parsed whole.
#[derive(Debug)]
pub struct YamlFile<T> {
    pub path: PathBuf,
    pub value: T,
    /// The file as read, for tools that rewrite it (`dudao new`).
    pub text: String,
}

impl<T> YamlFile<T> {
    pub fn at<U>(&self, spanned: &Spanned<U>) -> Option<Position> {
        position(&spanned.referenced, 0)
    }
}

fn position(location: &serde_saphyr::Location, line_offset: u32) -> Option<Position> {
    (location.line() > 0).then(|| Position {
        line: u32::try_from(location.line())
            .unwrap_or(u32::MAX)
            .saturating_add(line_offset),
        column: u32::try_from(location.column()).unwrap_or(u32::MAX),
    })
}

pub type Points = Spanned<f64>;
pub type Id = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNotice {
    pub title: Spanned<String>,
    pub issuer: String,
    pub document_number: String,
    pub disclosure: Option<String>,
    pub contact: Option<String>,
    pub consequences: RawConsequences,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConsequences {
    pub excellent: String,
    pub fail: String,
    pub serious: String,
    pub criminal: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverview {
    pub title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub number: Spanned<u32>,
    pub numeral: String,
    pub title: String,
    pub editorial_note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub number: Spanned<u32>,
    pub group: Spanned<u32>,
    pub title: String,
    #[serde(default)]
    pub footnotes: Vec<Spanned<u32>>,
    pub editorial_note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFootnote {
    pub number: Spanned<u32>,
    pub marker: String,
    pub indicator: Spanned<u32>,
    pub applies_to: Vec<Spanned<u32>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RawKind {
    Official,
    Derived,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRubric {
    pub id: Id,
    pub title: Spanned<String>,
    pub label: Option<String>,
    pub kind: Spanned<RawKind>,
    pub source: Option<String>,
    pub based_on: Option<Spanned<String>>,
    pub rationale: Option<String>,
    pub total: Option<Points>,
    pub scoring_rule: String,
    #[serde(default)]
    pub header_fields: Vec<String>,
    pub labels: Option<Spanned<RawLabels>>,
    pub stages: Option<Vec<Spanned<RawStage>>>,
    pub groups: Option<Vec<Spanned<RawRubricGroup>>>,
    pub veto: Option<RawVeto>,
    pub bands: Spanned<Vec<Spanned<RawBand>>>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub editorial_notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub id: Id,
    pub title: String,
    pub points: Option<Points>,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
    pub groups: Vec<Spanned<RawRubricGroup>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRubricGroup {
    pub id: Id,
    pub title: String,
    pub points: Option<Points>,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
    pub rows: Vec<Spanned<RawRow>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRow {
    pub id: Id,
    pub title: String,
    pub indicators: Spanned<Vec<Spanned<i64>>>,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
    pub criteria: Vec<Spanned<RawCriterion>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCriterion {
    pub id: Id,
    pub text: Spanned<String>,
    pub points: Points,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
}

/// The words of the form's closing block, when a rubric's vocabulary is not
/// 督导 (the violations checklist says 核实).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabels {
    pub result: Option<String>,
    pub signatures: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVeto {
    pub title: String,
    pub intro: Option<String>,
    pub items: Spanned<Vec<Spanned<RawVetoItem>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVetoItem {
    pub id: Id,
    pub text: String,
    pub rationale: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    pub id: Id,
    pub label: String,
    pub min: Points,
    pub consequence: Option<String>,
}

/// Everything read from a project root, before validation.
#[derive(Debug, Default)]
pub struct RawProject {
    pub notice: Option<Doc<RawNotice>>,
    pub overview: Option<Doc<RawOverview>>,
    pub groups: Vec<Doc<RawGroup>>,
    pub indicators: Vec<Doc<RawIndicator>>,
    pub footnotes: Vec<Doc<RawFootnote>>,
    pub rubrics: Vec<YamlFile<RawRubric>>,
    /// Evidence guides under `content/evidence/` (see [`crate::evidence`]).
    pub evidence: Vec<Doc<crate::evidence::RawGuide>>,
    /// True when some catalogue file (under `content/`) could not be read or
    /// parsed. Validation then skips the checks that need the whole
    /// catalogue, so one broken indicator file does not also make every
    /// reference to it "unknown".
    pub catalogue_incomplete: bool,
}

/// Reads the whole source tree. Files that cannot be read or parsed become
/// diagnostics and are left out; everything else is returned for validation.
pub fn load_project(root: &Path) -> (RawProject, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut project = RawProject::default();
    if let Some(diagnostic) = check_root(root) {
        project.catalogue_incomplete = true;
        return (project, vec![diagnostic]);
    }
    let content = root.join(CONTENT_DIR);

    project.notice = load_required_doc(root, &content.join("notice.md"), &mut diagnostics);
    project.overview = load_required_doc(root, &content.join("overview.md"), &mut diagnostics);
    project.groups = load_doc_dir(root, &content.join("groups"), &mut diagnostics);
    project.indicators = load_doc_dir(root, &content.join("indicators"), &mut diagnostics);
    project.footnotes = load_doc_dir(root, &content.join("footnotes"), &mut diagnostics);

    project.catalogue_incomplete = diagnostics.iter().any(Diagnostic::is_error);
    project.evidence = crate::evidence::load_guides(root, &mut diagnostics);

    let rubrics = files_with_extension(
        root,
        &root.join(RUBRICS_DIR),
        &["yaml", "yml"],
        &mut diagnostics,
    );
    project.rubrics = load_each(&rubrics, &mut diagnostics, |path, diagnostics| {
        load_yaml_file(root, path, diagnostics)
    });
    (project, diagnostics)
}

/// One clear error instead of a missing-file error for every expected file
/// when `--root` points at the wrong place.
fn check_root(root: &Path) -> Option<Diagnostic> {
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

fn load_required_doc<T: DeserializeOwned>(
    root: &Path,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Doc<T>> {
    if !path.exists() {
        diagnostics.push(
            Diagnostic::error(relative(root, path), None, "required file is missing")
                .hint("restore it from the bundled content (git checkout -- content/)"),
        );
        return None;
    }
    load_doc(root, path, diagnostics)
}

fn load_doc_dir<T: DeserializeOwned + Send>(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Doc<T>> {
    let paths = files_with_extension(root, dir, &["md"], diagnostics);
    load_each(&paths, diagnostics, |path, diagnostics| {
        load_doc(root, path, diagnostics)
    })
}

/// Loads every file of `paths` with `load`, on every core: parsing YAML is
/// most of a load (1 s at ×100 on one core; docs/benchmarks.md). Files and
/// diagnostics come back in `paths` order, as a loop would give them.
fn load_each<R: Send>(
    paths: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
    load: impl Fn(&Path, &mut Vec<Diagnostic>) -> Option<R> + Sync,
) -> Vec<R> {
    let loaded = crate::render::parallel_map(paths, |path| {
        let mut found = Vec::new();
        (load(path, &mut found), found)
    });
    loaded
        .into_iter()
        .filter_map(|(file, found)| {
            diagnostics.extend(found);
            file
        })
        .collect()
}

/// Files directly in `dir` with one of `extensions`, sorted by name so the
/// build never depends on directory order.
fn files_with_extension(
    root: &Path,
    dir: &Path,
    extensions: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
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
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.contains(&e))
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
                diagnostics.push(
                    Diagnostic::error(
                        relative(root, path),
                        None,
                        format!(
                            "file is not valid UTF-8 (byte {})",
                            err.utf8_error().valid_up_to()
                        ),
                    )
                    .hint("save the file as UTF-8 (not GBK/GB18030)"),
                );
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

pub fn load_doc<T: DeserializeOwned>(
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
    match parse_yaml::<T>(front, 1) {
        Ok(front) => Some(Doc {
            path: rel,
            front,
            body: body.to_owned(),
            line_offset: 1,
        }),
        Err(diagnostic) => {
            diagnostics.push(diagnostic.into_diagnostic(&rel, "front matter", &text));
            None
        }
    }
}

pub fn load_yaml_file<T: DeserializeOwned>(
    root: &Path,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<YamlFile<T>> {
    let text = read_text(root, path, diagnostics)?;
    let rel = relative(root, path);
    match parse_yaml::<T>(&text, 0) {
        Ok(value) => Some(YamlFile {
            path: rel,
            value,
            text,
        }),
        Err(diagnostic) => {
            diagnostics.push(diagnostic.into_diagnostic(&rel, "rubric", &text));
            None
        }
    }
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

/// A YAML error, not yet tied to a file.
pub struct YamlError {
    pub at: Option<Position>,
    pub message: String,
}

impl YamlError {
    /// `what` is `rubric` or `front matter`; `text` is the whole file, to
    /// recognise an empty one.
    fn into_diagnostic(self, file: &Path, what: &str, text: &str) -> Diagnostic {
        let reference = if what == "rubric" {
            "docs/rubric-format.md lists every field, its type and whether it is required"
        } else {
            "compare with the other files in the same folder"
        };
        if text.trim().is_empty() {
            return Diagnostic::error(file, None, format!("the {what} is empty"))
                .hint(format!("write its fields, or delete the file; {reference}"));
        }
        let message = &self.message;
        let hint = if let Some(rest) = message.strip_prefix("missing field ") {
            format!("add the required field {rest}; {reference}")
        } else if message.starts_with("unknown field ") {
            format!("remove the key or correct its spelling; {reference}")
        } else if message.starts_with("unknown variant ") {
            "use one of the values listed".to_owned()
        } else if message.contains("tab") {
            "indent with spaces: YAML does not allow tabs for indentation".to_owned()
        } else if message.contains("expected mapping") && self.at.is_some_and(|p| p.line <= 1) {
            format!("a {what} is a set of `key: value` lines; {reference}")
        } else if message.starts_with("invalid type") || message.starts_with("expected ") {
            format!("the value has the wrong type; {reference}")
        } else {
            "fix the YAML syntax here: check indentation, the `: ` after each key, and unclosed brackets or quotes".to_owned()
        };
        let at = if message.contains("found a tab") {
            first_indenting_tab(text, self.at).or(self.at)
        } else {
            self.at
        };
        Diagnostic::error(file, at, format!("invalid {what}: {message}")).hint(hint)
    }
}

/// The parser reports a tab where the token it was reading began, often a
/// line above; the author needs the tab itself.
fn first_indenting_tab(text: &str, from: Option<Position>) -> Option<Position> {
    let first_line = from.map_or(1, |p| p.line);
    text.lines()
        .zip(1u32..)
        .skip_while(|(_, number)| *number < first_line)
        .find_map(|(line, number)| {
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            line[..indent].find('\t').map(|column| Position {
                line: number,
                column: column as u32 + 1,
            })
        })
}

/// Parses YAML text, shifting reported lines by `line_offset` (front matter
/// starts below the opening `---`).
pub fn parse_yaml<T: DeserializeOwned>(text: &str, line_offset: u32) -> Result<T, YamlError> {
    serde_saphyr::from_str::<T>(text).map_err(|err| {
        let at = err.location().and_then(|l| position(&l, line_offset));
        let mut message = err.without_snippet().to_string();
        // The crate appends its own "at line L, column C"; we print the
        // position in the file:line:column prefix instead, shifted correctly.
        if let Some(cut) = message.rfind(" at line ") {
            message.truncate(cut);
        }
        YamlError { at, message }
    })
}

/// A printable relative path, for messages that name other files.
pub fn show(path: &Path) -> String {
    display_path(path)
}

//! Reading exported assessment files (schema version 2, docs/assessment.md).
//!
//! A version-2 file carries its whole rubric, so it can be read anywhere,
//! with no project at hand: the embedded rubric's `content_hash` is
//! recomputed with [`crate::validate::content_hash`] and must match, the
//! rubric passes the same rules as `dudao check`, every answer is checked
//! against it, and the file's `totals` must equal a fresh scoring
//! ([`score`], the rules of `scoring.js`). A file that fails any of this is
//! refused whole, with a message naming the file and the problem.
//!
//! Version-1 files name their rubric but do not carry it; they are refused
//! with a hint to re-export them from the assess page (which upgrades them).

mod file;
mod rubric_check;
pub mod score;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::IgnoredAny;

use crate::model::Rubric;
pub use file::{
    Answer, FollowUp, Photo, Rectification, RectificationItem, RectificationSource,
    RectificationStatus, Totals, VetoAnswer,
};
use file::{FileV2, Probe};
pub use score::{Score, Status};

/// Files above this are refused before they are read (photos included).
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// Longest text field, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// The schema version this dudao reads.
pub const VERSION: u64 = 2;
pub const FORMAT: &str = "dudao-assessment";

/// Why a file was refused. `kind` lets a summary group the reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub path: PathBuf,
    pub kind: ErrorKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    Io,
    TooLarge,
    NotJson,
    NotAssessment,
    OldVersion,
    FutureVersion,
    Schema,
    /// The embedded rubric's content_hash does not match its content, or the
    /// totals differ from the answers: the file was edited after export.
    Tampered,
    InvalidRubric,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ReadError {}

/// One accepted assessment. Photo bytes are kept only by a reader made
/// with [`Reader::with_photos`] (base64, as in the file).
#[derive(Debug, Clone)]
pub struct Assessment {
    pub path: PathBuf,
    pub id: String,
    pub name: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub exported_at: Option<String>,
    pub rubric: Arc<Rubric>,
    pub assessors: Vec<String>,
    pub header: BTreeMap<String, String>,
    /// As in the file: keyed by criterion id; unanswered ones may be absent.
    pub answers: BTreeMap<String, Answer>,
    pub veto: BTreeMap<String, VetoAnswer>,
    pub photos: BTreeMap<String, Photo<Option<String>>>,
    pub vetoed: Vec<String>,
    pub rectification: Option<Rectification>,
    pub follow_up_of: Option<FollowUp>,
    pub score: Score,
}

// ---- reading ---------------------------------------------------------------

/// Reads many files, checking each distinct embedded rubric once.
#[derive(Default)]
pub struct Reader {
    /// Rubrics already verified, by content_hash.
    rubrics: HashMap<String, Arc<Rubric>>,
    photos: bool,
}

impl Reader {
    pub fn new() -> Self {
        Reader::default()
    }

    /// A reader that keeps each photo's base64 `data` (for documents that
    /// print them); by default photo bytes are skipped while parsing.
    pub fn with_photos() -> Self {
        Reader {
            photos: true,
            ..Reader::default()
        }
    }

    /// Reads and checks one file from disk.
    pub fn read_path(&mut self, path: &Path) -> Result<Assessment, ReadError> {
        let fail = |kind, message: String| ReadError {
            path: path.to_path_buf(),
            kind,
            message,
        };
        let size = std::fs::metadata(path)
            .map_err(|e| fail(ErrorKind::Io, format!("cannot read the file: {e}")))?
            .len();
        if size > MAX_FILE_BYTES {
            return Err(fail(
                ErrorKind::TooLarge,
                format!(
                    "the file is {} MB, above the {} MB limit for an assessment file; is it one?",
                    size / (1024 * 1024),
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            ));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| fail(ErrorKind::Io, format!("cannot read the file: {e}")))?;
        self.read_bytes(path, &bytes)
    }

    /// Checks one file's bytes; `path` only names it in messages.
    pub fn read_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<Assessment, ReadError> {
        let fail = |kind, message: String| ReadError {
            path: path.to_path_buf(),
            kind,
            message,
        };
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(fail(
                ErrorKind::TooLarge,
                "the file is above the 50 MB limit for an assessment file".to_owned(),
            ));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let probe: Probe = serde_json::from_slice(bytes).map_err(|e| {
            fail(
                ErrorKind::NotJson,
                format!(
                    "not a JSON object ({e}); export the assessment again from its assess page"
                ),
            )
        })?;
        if probe.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(fail(
                ErrorKind::NotAssessment,
                format!("not a dudao assessment file (no \"format\": \"{FORMAT}\")"),
            ));
        }
        match probe.version.as_ref().and_then(serde_json::Value::as_u64) {
            Some(VERSION) => {}
            Some(1) => {
                return Err(fail(
                    ErrorKind::OldVersion,
                    "a version 1 file names its rubric but does not carry it; open it on the rubric's assess page (导入 JSON) and export it again as version 2".to_owned(),
                ));
            }
            Some(v) if v > VERSION => {
                return Err(fail(
                    ErrorKind::FutureVersion,
                    format!(
                        "schema version {v} is newer than this dudao reads (version {VERSION}); update dudao"
                    ),
                ));
            }
            _ => {
                return Err(fail(
                    ErrorKind::Schema,
                    format!(
                        "`version` is {}, not a schema version",
                        probe
                            .version
                            .map_or("missing".to_owned(), |v| v.to_string())
                    ),
                ));
            }
        }
        let schema = |e: serde_json::Error| {
            fail(
                ErrorKind::Schema,
                format!("does not follow schema version 2: {e}"),
            )
        };
        if self.photos {
            let file: FileV2<String> = serde_json::from_slice(bytes).map_err(schema)?;
            self.check(path, file, Some)
        } else {
            let file: FileV2<IgnoredAny> = serde_json::from_slice(bytes).map_err(schema)?;
            self.check(path, file, |_| None)
        }
    }

    fn check<D>(
        &mut self,
        path: &Path,
        mut file: FileV2<D>,
        keep: fn(D) -> Option<String>,
    ) -> Result<Assessment, ReadError> {
        let fail = |kind, message: String| ReadError {
            path: path.to_path_buf(),
            kind,
            message,
        };
        check_id(&file.id).map_err(|m| fail(ErrorKind::Schema, m))?;
        check_texts(&file).map_err(|m| fail(ErrorKind::Schema, m))?;
        let embedded = std::mem::replace(&mut file.rubric, placeholder_rubric());
        let rubric = self.rubric(path, embedded)?;
        for field in file.header.keys() {
            if !rubric.header_fields.contains(field) {
                return Err(fail(
                    ErrorKind::Schema,
                    format!("header field `{field}` is not one of the rubric's header fields"),
                ));
            }
        }
        let score = score::evaluate(&rubric, &file.answers, &file.veto)
            .map_err(|m| fail(ErrorKind::Schema, m))?;
        let expected = score.totals();
        if expected != file.totals {
            return Err(fail(
                ErrorKind::Tampered,
                format!(
                    "the totals in the file (total {}, band {}) differ from its answers (total {}, band {}): the file was edited after export",
                    file.totals.total, file.totals.band, expected.total, expected.band
                ),
            ));
        }
        let vetoed = score.vetoed.clone();
        Ok(Assessment {
            path: path.to_path_buf(),
            id: file.id,
            name: file.name,
            created_at: file.created_at,
            updated_at: file.updated_at,
            exported_at: file.exported_at,
            rubric,
            assessors: file.assessors,
            header: file.header,
            answers: file.answers,
            veto: file.veto,
            photos: file
                .photos
                .into_iter()
                .map(|(id, p)| {
                    let photo = Photo {
                        kind: p.kind,
                        width: p.width,
                        height: p.height,
                        bytes: p.bytes,
                        caption: p.caption,
                        added_at: p.added_at,
                        by: p.by,
                        data: keep(p.data),
                    };
                    (id, photo)
                })
                .collect(),
            vetoed,
            rectification: file.rectification,
            follow_up_of: file.follow_up_of,
            score,
        })
    }

    /// The embedded rubric, verified: its hash matches, and it passes `dudao check`'s rules.
    fn rubric(&mut self, path: &Path, rubric: Rubric) -> Result<Arc<Rubric>, ReadError> {
        let fail = |kind, message: String| ReadError {
            path: path.to_path_buf(),
            kind,
            message,
        };
        let actual = crate::validate::content_hash(&rubric);
        if actual != rubric.content_hash {
            return Err(fail(
                ErrorKind::Tampered,
                format!(
                    "the embedded rubric `{}` does not match its content_hash (it says {}, its content gives {}): the file was edited after export",
                    rubric.id, rubric.content_hash, actual
                ),
            ));
        }
        if let Some(known) = self.rubrics.get(&actual) {
            return Ok(Arc::clone(known));
        }
        let problems = rubric_check::problems(&rubric);
        if let Some(first) = problems.first() {
            return Err(fail(
                ErrorKind::InvalidRubric,
                format!(
                    "the embedded rubric `{}` fails dudao check ({} problem(s)); first: {first}",
                    rubric.id,
                    problems.len()
                ),
            ));
        }
        let rubric = Arc::new(rubric);
        self.rubrics.insert(actual, Arc::clone(&rubric));
        Ok(rubric)
    }
}

/// What is left in a parsed file once its rubric moved into the cache.
fn placeholder_rubric() -> Rubric {
    Rubric {
        id: String::new(),
        title: String::new(),
        label: None,
        kind: crate::model::Kind::Derived,
        source: None,
        based_on: None,
        rationale: None,
        total: crate::model::Points(0),
        scoring_rule: String::new(),
        header_fields: Vec::new(),
        has_stages: false,
        stages: Vec::new(),
        veto: None,
        bands: Vec::new(),
        notes: Vec::new(),
        editorial_notes: Vec::new(),
        content_hash: String::new(),
    }
}

fn check_id(id: &str) -> Result<(), String> {
    let rest = id.strip_prefix("a-").unwrap_or("");
    let ok = (8..=40).contains(&rest.len())
        && rest
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`id` {id:?} is not `a-` followed by 8–40 of a-z, 0-9 and -"
        ))
    }
}

fn check_texts<D>(file: &FileV2<D>) -> Result<(), String> {
    let long = |text: &Option<String>, what: &str| -> Result<(), String> {
        match text {
            Some(t) if t.chars().count() > MAX_TEXT_CHARS => {
                Err(format!("{what} is longer than {MAX_TEXT_CHARS} characters"))
            }
            _ => Ok(()),
        }
    };
    long(&file.name, "`name`")?;
    for (field, value) in &file.header {
        long(&Some(value.clone()), &format!("header field `{field}`"))?;
    }
    for (id, answer) in &file.answers {
        long(
            &answer.justification,
            &format!("the justification of `{id}`"),
        )?;
        long(&answer.notes, &format!("the notes of `{id}`"))?;
        for photo in &answer.photos {
            if !file.photos.contains_key(photo) {
                return Err(format!(
                    "criterion `{id}` names photo `{photo}`, which the file does not have"
                ));
            }
        }
    }
    for (pid, photo) in &file.photos {
        if !matches!(photo.kind.as_str(), "image/jpeg" | "image/png") {
            return Err(format!(
                "photo `{pid}` is of type `{}`, not image/jpeg or image/png",
                photo.kind
            ));
        }
    }
    for (id, veto) in &file.veto {
        long(
            &veto.description,
            &format!("the description of veto item `{id}`"),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;

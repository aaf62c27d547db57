//! `dudao report`: an exported assessment file (schema version 2) → the
//! 督导意见书 and the 整改通知书 as .docx and .html, the same documents the
//! browser makes on `assessments/outcome/` (docs/outcomes.md).
//!
//! read (this file) → [`model::findings`] → [`blocks::blocks`] →
//! [`html`] / [`docx`] → written here, never over an existing file unless
//! asked to.

pub mod blocks;
pub mod docx;
pub mod html;
pub mod model;
pub mod picture;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::assessment::Assessment;
use blocks::Kind;

/// What went wrong, with the file it concerns and what to do.
#[derive(Debug, PartialEq)]
pub struct ReportError {
    pub file: PathBuf,
    pub message: String,
    pub help: String,
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}: {}", self.file.display(), self.message)?;
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

fn error(file: &Path, message: impl Into<String>, help: impl Into<String>) -> ReportError {
    ReportError {
        file: file.to_owned(),
        message: message.into(),
        help: help.into(),
    }
}

const EXPORT_HELP: &str = "export the assessment again from the browser (评估工作区 › 导出), which writes schema version 2";

/// Reads and checks an assessment file with the reader `dudao summarize`
/// uses (schema, the embedded rubric's hash and the rules of `dudao check`,
/// totals equal to the answers), keeping the photos the documents print.
pub fn read_assessment(path: &Path) -> Result<Assessment, ReportError> {
    crate::assessment::Reader::with_photos()
        .read_path(path)
        .map_err(|e| error(path, e.message, help_for(e.kind)))
}

fn help_for(kind: crate::assessment::ErrorKind) -> &'static str {
    use crate::assessment::ErrorKind::*;
    match kind {
        Io | TooLarge | NotJson | NotAssessment => {
            "pass the .json file exported from the browser (评估工作台 › 导出)"
        }
        OldVersion => EXPORT_HELP,
        FutureVersion => "this file was written by a newer dudao; update dudao",
        Schema | Tampered | InvalidRubric => {
            "export the assessment again from the browser; do not edit the file by hand"
        }
    }
}

/// One generated file: its name in the output directory and its bytes.
pub struct Document {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// File names as the browser downloads them: 督导意见书-<机构>-<日期>.docx.
fn file_name(kind: Kind, f: &model::Findings, ext: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && !"\\/:*?\"<>|".contains(*c))
            .take(30)
            .collect()
    };
    let stem = match kind {
        Kind::Opinion => "督导意见书",
        Kind::Notice => "整改通知书",
    };
    let parts: Vec<String> = [stem.to_owned(), clean(&f.institution), clean(&f.date)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    format!("{}.{ext}", parts.join("-"))
}

/// The four documents of an assessment, and the warnings to show.
pub fn documents(a: &Assessment) -> Result<(Vec<Document>, Vec<String>), String> {
    let f = model::findings(a);
    let mut out = Vec::new();
    for kind in [Kind::Opinion, Kind::Notice] {
        let blocks = blocks::blocks(kind, &f);
        let parts = docx::parts(&blocks);
        let bytes = docx::docx(&parts).map_err(|e| format!("cannot zip the .docx: {e}"))?;
        out.push(Document {
            name: file_name(kind, &f, "docx"),
            bytes,
        });
        out.push(Document {
            name: file_name(kind, &f, "html"),
            bytes: html::standalone(kind, &f.institution, &blocks).into_bytes(),
        });
    }
    Ok((out, f.warnings))
}

/// Reads `input`, writes the documents into `output` (created if needed)
/// and returns the paths written and the warnings. An existing file is
/// never overwritten unless `force`: a supervisor may have edited it.
pub fn run(
    input: &Path,
    output: &Path,
    force: bool,
) -> Result<(Vec<PathBuf>, Vec<String>), ReportError> {
    let assessment = read_assessment(input)?;
    write_documents(input, &assessment, output, force)
}

/// Writes the documents of `assessment` (read from `input`) into `output`.
pub fn write_documents(
    input: &Path,
    assessment: &Assessment,
    output: &Path,
    force: bool,
) -> Result<(Vec<PathBuf>, Vec<String>), ReportError> {
    let (documents, warnings) = documents(assessment).map_err(|m| error(input, m, ""))?;
    std::fs::create_dir_all(output)
        .map_err(|e| error(output, format!("cannot create the directory: {e}"), ""))?;
    let paths: Vec<PathBuf> = documents.iter().map(|d| output.join(&d.name)).collect();
    if !force && let Some(existing) = paths.iter().find(|p| p.exists()) {
        return Err(error(
            existing,
            "already exists; not overwritten (it may hold your edits)",
            "choose another --output directory, move the file away, or pass --force",
        ));
    }
    for (document, path) in documents.iter().zip(&paths) {
        std::fs::write(path, &document.bytes)
            .map_err(|e| error(path, format!("cannot write: {e}"), ""))?;
    }
    Ok((paths, warnings))
}

#[cfg(test)]
mod tests;

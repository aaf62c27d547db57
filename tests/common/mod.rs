//! Helpers shared by the integration tests: the bundled project, temporary
//! copies of it to break, and the `dudao` binary.
// Each test crate uses its own subset of these.
#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::LazyLock;

use dudao::model::Project;

/// The official text, whitespace stripped: the extraction's line breaks and
/// spaces are layout, not content.
pub static SOURCE: LazyLock<String> =
    LazyLock::new(|| strip(include_str!("../source/rsth-2024-130.txt")));

/// The bundled project, loaded once per test crate.
pub static PROJECT: LazyLock<Project> =
    LazyLock::new(|| match dudao::load_project(manifest_dir()) {
        Ok((project, _warnings)) => project,
        Err(errors) => panic!("the bundled project does not load:\n{errors}"),
    });

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn strip(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Copies `from` into `to` recursively, leaving out files named in `skip`.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target, skip);
        } else if !skip.iter().any(|s| entry.file_name() == *s) {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temporary project: the bundled `content/` and the named rubric files.
pub fn project_copy(rubrics: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &manifest_dir().join("content"),
        &dir.path().join("content"),
        &[],
    );
    fs::create_dir_all(dir.path().join("rubrics")).unwrap();
    for rubric in rubrics {
        fs::copy(
            manifest_dir().join("rubrics").join(rubric),
            dir.path().join("rubrics").join(rubric),
        )
        .unwrap();
    }
    dir
}

/// Runs `dudao ARGS --root ROOT`.
pub fn dudao(args: &[&str], root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dudao"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("dudao runs")
}

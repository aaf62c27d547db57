//! Whatever a rubric file holds, loading and validating it never panics, and
//! always ends in either a model or at least one error saying where.
//!
//! Three kinds of input: arbitrary bytes, YAML-shaped noise built from the
//! rubric vocabulary, and the bundled 附件1 with a few random edits (the
//! closest to what a supervisor's typo produces). Each case goes through the
//! real pipeline, `dudao::load_project`, on a copy of the bundled
//! catalogue with 附件1.

use std::fs;
use std::path::{Path, PathBuf};

mod common;

use dudao::diagnostic::Diagnostic;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestRunner;

const ANNEX_1: &str = include_str!("../rubrics/annex-1.yaml");

/// The catalogue and 附件1 only (with 附件1's evidence guides): everything a
/// clean load of 附件1 needs, and a fraction of the bundled project, so
/// that each case stays cheap.
fn bundled_copy() -> tempfile::TempDir {
    let dir = common::project_copy(&["annex-1.yaml"]);
    let root = common::manifest_dir();
    for entry in fs::read_dir(root.join("rubrics")).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        let guides = dir.path().join("content/evidence").join(&id);
        if id != "annex-1" && guides.is_dir() {
            fs::remove_dir_all(guides).unwrap();
        }
    }
    dir
}

/// Writes `bytes` to `file` under `root`, loads the project, and checks the
/// outcome. `Err` carries what went wrong, for proptest to shrink.
fn load_with(root: &Path, file: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    let path: PathBuf = root.join("rubrics").join(file);
    fs::write(&path, bytes).unwrap();
    match dudao::load_project(root) {
        Ok((project, _warnings)) => {
            serde_json::to_string(&project).expect("a validated model serialises");
        }
        Err(errors) => {
            let errors: Vec<&Diagnostic> = errors.0.iter().filter(|d| d.is_error()).collect();
            prop_assert!(!errors.is_empty(), "failed without an error diagnostic");
            let lines = String::from_utf8_lossy(bytes).lines().count() as u32;
            let name = format!("rubrics/{file}");
            for error in errors.iter().filter(|d| d.file == name) {
                if let Some(line) = error.line {
                    prop_assert!(
                        (1..=lines + 1).contains(&line),
                        "line {line} outside the file ({lines} lines): {error}"
                    );
                    prop_assert!(error.column.is_some_and(|c| c >= 1), "{error}");
                }
                prop_assert!(!error.message.is_empty());
            }
        }
    }
    Ok(())
}

/// Pieces of rubric YAML: keys, values, indicators, and the characters that
/// trip YAML parsers.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "id: ",
            "title: ",
            "kind: ",
            "official",
            "derived",
            "source: ",
            "based_on: ",
            "rationale: ",
            "total: ",
            "scoring_rule: ",
            "stages:",
            "groups:",
            "rows:",
            "criteria:",
            "indicators: ",
            "points: ",
            "text: ",
            "veto:",
            "items:",
            "bands:",
            "min: ",
            "label: ",
            "notes:",
            "editorial_notes:",
            "header_fields: ",
            "- ",
            "  ",
            "    ",
            "\n",
            "\t",
            ":",
            "[",
            "]",
            "{",
            "}",
            ",",
            "\"",
            "'",
            "&a ",
            "*a",
            "!!str ",
            "---\n",
            "...\n",
            "# ",
            "|\n",
            ">\n",
            "~",
            "null",
            "true",
            ".nan",
            ".inf",
            "-.inf",
            "1e400",
            "0",
            "-1",
            "0.5",
            "1.25",
            "4294967296",
            "-0",
            "annex-1",
            "excellent",
            "pass",
            "fail",
            "考前",
            "评分标准。",
            "\u{feff}",
            "<<: *a",
        ])
        .prop_map(str::to_owned),
        (0i64..40).prop_map(|n| n.to_string()),
        "[a-z-]{1,8}",
    ]
}

fn yaml_like() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..60).prop_map(|tokens| tokens.concat())
}

#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Insert {
        line: Index,
        column: Index,
        text: String,
    },
    DeleteChars {
        line: Index,
        column: Index,
        len: usize,
    },
    Indent {
        line: Index,
        by: i8,
    },
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<Index>().prop_map(Edit::DeleteLine),
        any::<Index>().prop_map(Edit::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (any::<Index>(), any::<Index>(), token()).prop_map(|(line, column, text)| Edit::Insert {
            line,
            column,
            text
        }),
        (any::<Index>(), any::<Index>(), 1usize..6)
            .prop_map(|(line, column, len)| Edit::DeleteChars { line, column, len }),
        (any::<Index>(), -4i8..=4).prop_map(|(line, by)| Edit::Indent { line, by }),
        any::<Index>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for edit in edits {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match edit {
            Edit::DeleteLine(i) => {
                lines.remove(i.index(n));
            }
            Edit::DuplicateLine(i) => {
                let i = i.index(n);
                lines.insert(i, lines[i].clone());
            }
            Edit::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
            Edit::Insert { line, column, text } => {
                let line = &mut lines[line.index(n)];
                let at = char_boundary(line, column);
                line.insert_str(at, text);
            }
            Edit::DeleteChars { line, column, len } => {
                let line = &mut lines[line.index(n)];
                let start = char_boundary(line, column);
                let end = line[start..]
                    .char_indices()
                    .nth(*len)
                    .map_or(line.len(), |(i, _)| start + i);
                line.replace_range(start..end, "");
            }
            Edit::Indent { line, by } => {
                let line = &mut lines[line.index(n)];
                if *by >= 0 {
                    line.insert_str(0, &" ".repeat(*by as usize));
                } else {
                    let strip = line
                        .chars()
                        .take((-by) as usize)
                        .take_while(|c| *c == ' ')
                        .count();
                    line.replace_range(..strip, "");
                }
            }
            Edit::Truncate(i) => lines.truncate(i.index(n)),
        }
    }
    lines.join("\n") + "\n"
}

fn char_boundary(line: &str, column: &Index) -> usize {
    let boundaries: Vec<usize> = line
        .char_indices()
        .map(|(i, _)| i)
        .chain([line.len()])
        .collect();
    boundaries[column.index(boundaries.len())]
}

/// `PROPTEST_CASES=5000 cargo test --test parser_props` for a long hunt;
/// the defaults keep `cargo test` fast.
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

#[test]
fn the_unedited_annex_loads() {
    let project = bundled_copy();
    assert_eq!(
        apply(ANNEX_1, &[]),
        ANNEX_1,
        "applying no edits is the identity"
    );
    load_with(project.path(), "annex-1.yaml", ANNEX_1.as_bytes()).unwrap();
    assert!(dudao::load_project(project.path()).is_ok());
}

#[test]
fn a_changed_point_is_caught() {
    // The property below is only worth something if edits are noticed.
    let project = bundled_copy();
    let edited = ANNEX_1.replacen("points: 3\n", "points: 4\n", 1);
    fs::write(project.path().join("rubrics/annex-1.yaml"), edited).unwrap();
    let errors = dudao::load_project(project.path()).unwrap_err();
    assert!(
        errors
            .0
            .iter()
            .any(|d| d.file == "rubrics/annex-1.yaml" && d.is_error()),
        "{errors}"
    );
}

/// One project copy per property: cases overwrite the same file in turn.
fn check_all<S: Strategy>(cases: u32, file: &str, strategy: S, bytes: impl Fn(S::Value) -> Vec<u8>)
where
    S::Value: std::fmt::Debug,
{
    let project = bundled_copy();
    let mut runner = TestRunner::new(config(cases));
    if let Err(failure) = runner.run(&strategy, |value| {
        load_with(project.path(), file, &bytes(value))
    }) {
        panic!("{failure}");
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    check_all(
        24,
        "fuzz.yaml",
        prop::collection::vec(any::<u8>(), 0..400),
        |b| b,
    );
}

#[test]
fn yaml_shaped_noise_never_panics() {
    check_all(48, "fuzz.yaml", yaml_like(), String::into_bytes);
}

#[test]
fn edited_annex_1_never_panics() {
    check_all(
        80,
        "annex-1.yaml",
        prop::collection::vec(edit(), 1..6),
        |edits| apply(ANNEX_1, &edits).into_bytes(),
    );
}

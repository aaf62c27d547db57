//! `dudao check` on bad input: every class of problem has a fixture, and
//! each fixture pins the exact diagnostics, in both output formats.
//!
//! A fixture is a directory under `tests/fixtures/invalid/` (or `valid/`)
//! holding a few files laid over a temporary copy of the bundled project
//! (`content/`, `rubrics/`) at the same relative paths, plus `expected.txt`:
//! the exact stderr of `dudao check` (for `valid/`, the summary lines of the
//! fixture's own rubrics on stdout). The
//! JSON expectations are derived from the same file, so the two formats can
//! never drift apart.
//!
//! After changing a message on purpose, regenerate with
//! `DUDAO_BLESS=1 cargo test --test check` and review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use common::{dudao, manifest_dir};
use serde_json::{Value, json};

mod common;

const EXPECTED: &str = "expected.txt";

/// A temporary copy of the bundled project with `fixture` laid over it.
fn project_with(fixture: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "rubrics"] {
        common::copy_tree(
            &manifest_dir().join(part),
            &dir.path().join(part),
            &[EXPECTED],
        );
    }
    common::copy_tree(fixture, dir.path(), &[EXPECTED]);
    dir
}

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(manifest_dir().join("tests/fixtures").join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn blessing() -> bool {
    std::env::var_os("DUDAO_BLESS").is_some()
}

/// Compares with `expected.txt`, or rewrites it when blessing. Returns a
/// description of the mismatch instead of panicking, so that one run
/// reports every fixture that changed.
fn compare(fixture: &Path, actual: &str) -> Result<String, String> {
    let path = fixture.join(EXPECTED);
    if blessing() {
        fs::write(&path, actual).unwrap();
    }
    let expected = fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (run with DUDAO_BLESS=1)", path.display()))?;
    if expected == actual {
        Ok(expected)
    } else {
        Err(format!(
            "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        ))
    }
}

/// `error: file:line:column: message` + `  help: hint` → the JSON object
/// `--format json` must print for the same problem.
fn parse_human(text: &str) -> Vec<Value> {
    let mut diagnostics: Vec<Value> = Vec::new();
    for line in text.lines() {
        if let Some(hint) = line.strip_prefix("  help: ") {
            let last = diagnostics
                .last_mut()
                .expect("a help line follows a diagnostic");
            last["hint"] = json!(hint);
            continue;
        }
        let Some((severity, rest)) = line
            .strip_prefix("error: ")
            .map(|r| ("error", r))
            .or_else(|| line.strip_prefix("warning: ").map(|r| ("warning", r)))
        else {
            continue;
        };
        let (location, message) = rest.split_once(": ").expect("location: message");
        let mut parts = location.split(':');
        let file = parts.next().unwrap();
        let number =
            |part: Option<&str>| part.map_or(Value::Null, |n| json!(n.parse::<u32>().unwrap()));
        let line_number = number(parts.next());
        let column = number(parts.next());
        diagnostics.push(json!({
            "severity": severity,
            "file": file,
            "line": line_number,
            "column": column,
            "message": message,
            "hint": null,
        }));
    }
    diagnostics
}

#[test]
fn every_invalid_fixture_fails_with_exactly_its_diagnostics() {
    let cases = fixtures("invalid");
    assert!(cases.len() >= 12, "fixtures missing: {cases:?}");
    let mut failures = Vec::new();
    for fixture in &cases {
        let name = fixture.file_name().unwrap().to_string_lossy().into_owned();
        let project = project_with(fixture);

        let human = dudao(&["check"], project.path());
        assert_eq!(human.status.code(), Some(1), "{name}: exit code");
        assert!(human.stdout.is_empty(), "{name}: nothing on stdout");
        let stderr = String::from_utf8(human.stderr).unwrap();
        let expected = match compare(fixture, &stderr) {
            Ok(expected) => expected,
            Err(mismatch) => {
                failures.push(mismatch);
                continue;
            }
        };

        let machine = dudao(&["check", "--format", "json"], project.path());
        assert_eq!(machine.status.code(), Some(1), "{name}: exit code (json)");
        let report: Value = serde_json::from_slice(&machine.stdout)
            .unwrap_or_else(|e| panic!("{name}: --format json is not JSON: {e}"));
        assert_eq!(report["ok"], json!(false), "{name}");
        assert_eq!(report["summary"], Value::Null, "{name}");
        let wanted = parse_human(&expected);
        assert!(
            !wanted.is_empty(),
            "{name}: a failing fixture has diagnostics"
        );
        assert_eq!(
            report["diagnostics"],
            json!(wanted),
            "{name}: json diagnostics"
        );
        for diagnostic in &wanted {
            assert!(
                diagnostic["hint"].is_string(),
                "{name}: every error says what to do: {diagnostic}"
            );
        }
        let errors = wanted.iter().filter(|d| d["severity"] == "error").count();
        assert!(
            expected.ends_with(&format!("check failed: {errors} error(s)\n")),
            "{name}: the count line"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_valid_fixture_passes_with_its_summary() {
    let mut failures = Vec::new();
    for fixture in fixtures("valid") {
        let project = project_with(&fixture);
        let output = dudao(&["check"], project.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {stderr}",
            fixture.display()
        );
        // Only the fixture's own rubrics: the bundled ones come and go.
        let own: Vec<String> = fs::read_dir(fixture.join("rubrics"))
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .path()
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let summary: String = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .filter(|line| {
                line.split_whitespace()
                    .next()
                    .is_some_and(|id| own.iter().any(|o| o == id))
            })
            .map(|line| format!("{line}\n"))
            .collect();
        if let Err(mismatch) = compare(&fixture, &summary) {
            failures.push(mismatch);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_bundled_project_is_clean() {
    let output = dudao(&["check"], manifest_dir());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "no warnings: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("ok: 12 first-level and 33 second-level indicators, 1 footnote(s), "),
        "{stdout}"
    );
    let annex = |id: &str| {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no summary line for {id}: {stdout}"))
            .to_string()
    };
    assert!(
        annex("annex-1")
            .contains("official total 100 (考前 28, 考中 52, 考后 20), 25 rows, 42 criteria"),
        "{stdout}"
    );
    assert!(
        annex("annex-2").contains("official total 100, 24 rows, 24 criteria"),
        "{stdout}"
    );
}

#[test]
fn json_report_of_a_clean_project_is_ok_with_the_summary() {
    let output = dudao(&["check", "--format", "json"], manifest_dir());
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["ok"], json!(true));
    assert_eq!(report["diagnostics"], json!([]));
    let summary = report["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("ok: 12 first-level and 33 second-level"),
        "{summary}"
    );
}

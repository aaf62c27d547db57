//! The command line as a user meets it: `dudao dump` prints one JSON
//! document whose numbers add up, and a wrong `--root` gets one clear error.

use common::{dudao, manifest_dir};
use serde_json::{Value, json};

mod common;

fn dump() -> Value {
    let output = dudao(&["dump"], manifest_dir());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // One document: serde_json rejects trailing content after the value.
    serde_json::from_slice(&output.stdout).expect("dump prints exactly one JSON document")
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

fn sum(items: &Value, field: &str) -> f64 {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| number(&i[field]))
        .sum()
}

#[test]
fn dump_prints_one_document_whose_subtotals_add_up() {
    let model = dump();
    assert_eq!(model["schema_version"], json!(1));
    let rubrics = model["rubrics"].as_array().unwrap();
    assert!(rubrics.len() >= 2);
    for rubric in rubrics {
        let id = &rubric["id"];
        let stages = &rubric["stages"];
        assert_eq!(
            number(&rubric["total"]),
            sum(stages, "points"),
            "{id} total"
        );
        for stage in stages.as_array().unwrap() {
            assert_eq!(
                number(&stage["points"]),
                sum(&stage["groups"], "points"),
                "{id} {}",
                stage["id"]
            );
            for group in stage["groups"].as_array().unwrap() {
                assert_eq!(
                    number(&group["points"]),
                    sum(&group["rows"], "points"),
                    "{id} {}",
                    group["id"]
                );
                for row in group["rows"].as_array().unwrap() {
                    assert_eq!(
                        number(&row["points"]),
                        sum(&row["criteria"], "points"),
                        "{id} {}",
                        row["id"]
                    );
                }
            }
        }
        assert!(
            rubric["content_hash"]
                .as_str()
                .unwrap()
                .starts_with("sha256:"),
            "{id}"
        );
    }
}

#[test]
fn dump_carries_the_published_subtotals_of_both_annexes() {
    let model = dump();
    let rubric = |id: &str| {
        model["rubrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"))
            .clone()
    };
    let shape = |rubric: &Value| -> Vec<(Value, Value, Vec<Value>)> {
        rubric["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let groups = s["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| g["points"].clone())
                    .collect();
                (s["title"].clone(), s["points"].clone(), groups)
            })
            .collect()
    };
    let annex_1 = rubric("annex-1");
    assert_eq!(annex_1["total"], json!(100));
    assert_eq!(annex_1["has_stages"], json!(true));
    assert_eq!(
        shape(&annex_1),
        [
            (
                json!("考前"),
                json!(28),
                vec![json!(3), json!(5), json!(5), json!(7), json!(8)]
            ),
            (
                json!("考中"),
                json!(52),
                vec![json!(8), json!(15), json!(23), json!(6)]
            ),
            (json!("考后"), json!(20), vec![json!(10), json!(10)]),
        ]
    );
    let annex_2 = rubric("annex-2");
    assert_eq!(annex_2["has_stages"], json!(false));
    assert_eq!(
        shape(&annex_2),
        [(
            Value::Null,
            json!(100),
            vec![json!(25), json!(25), json!(25), json!(25)]
        )]
    );
    // Backlinks point at rows that exist and name the indicator.
    for indicator in model["catalogue"]["indicators"].as_array().unwrap() {
        for link in indicator["used_by"].as_array().unwrap() {
            let rubric = rubric(link["rubric"].as_str().unwrap());
            let row = rubric["stages"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["groups"].as_array().unwrap())
                .flat_map(|g| g["rows"].as_array().unwrap())
                .find(|r| r["id"] == link["row"])
                .unwrap_or_else(|| panic!("dangling backlink {link}"));
            assert!(
                row["indicators"]
                    .as_array()
                    .unwrap()
                    .contains(&indicator["number"]),
                "{link}"
            );
        }
    }
}

#[test]
fn dump_is_deterministic() {
    let first = dudao(&["dump"], manifest_dir()).stdout;
    let second = dudao(&["dump"], manifest_dir()).stdout;
    assert!(!first.is_empty());
    assert!(first == second, "two dumps of the same sources differ");
}

#[test]
fn dump_of_a_broken_project_prints_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let output = dudao(&["dump"], &dir.path().join("missing"));
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("the project root does not exist"),
        "{stderr}"
    );
}

#[test]
fn check_on_a_missing_root_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-project");
    let output = dudao(&["check"], &missing);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let shown = missing.display();
    assert_eq!(
        stderr,
        format!(
            "error: {shown}: the project root does not exist\n  help: run dudao in the project directory (the one holding content/ and rubrics/) or pass --root DIR\ncheck failed: 1 error(s)\n"
        )
    );
}

#[test]
fn check_on_a_directory_that_is_no_project_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let output = dudao(&["check", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["ok"], json!(false));
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{report}");
    let diagnostic = &diagnostics[0];
    assert_eq!(
        diagnostic["message"],
        "not a dudao project: there is neither a content/ nor a rubrics/ directory here"
    );
    assert_eq!(diagnostic["file"], json!(dir.path().display().to_string()));
    assert_eq!(
        (&diagnostic["line"], &diagnostic["column"]),
        (&Value::Null, &Value::Null)
    );
    assert!(diagnostic["hint"].as_str().unwrap().contains("--root DIR"));
}

#[test]
fn dump_into_a_reader_that_stops_early_exits_cleanly() {
    use std::io::Read;
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_dudao"))
        .args(["dump", "--root"])
        .arg(manifest_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dudao runs");
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, as `dudao dump | head -c 16` would.
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}: {stderr}",
        output.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

//! The maintainer docs stay true: the example in docs/rubric-format.md
//! passes `dudao check`, its tables name every field the rubrics use, and
//! docs/json-schema.md names every field `dudao dump` prints.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::{copy_tree, manifest_dir};
use serde_json::Value;

mod common;

fn read(relative: &str) -> String {
    fs::read_to_string(manifest_dir().join(relative)).unwrap()
}

/// The first fenced block of `language` after `marker`.
fn fenced_after<'a>(doc: &'a str, marker: &str, language: &str) -> &'a str {
    let start = doc
        .find(marker)
        .unwrap_or_else(|| panic!("no `{marker}` in the doc"));
    let fence = format!("```{language}\n");
    let body = start + doc[start..].find(&fence).expect("a fenced block") + fence.len();
    let end = body + doc[body..].find("\n```").expect("a closed block");
    &doc[body..end]
}

#[test]
fn the_rubric_format_example_passes_check() {
    let doc = read("docs/rubric-format.md");
    let marker = "<!-- example: rubrics/";
    let at = doc.find(marker).expect("the doc marks its example");
    let path = &doc[at + "<!-- example: ".len()..];
    let path = &path[..path.find(" -->").unwrap()];
    let example = fenced_after(&doc, marker, "yaml");

    let project = tempfile::tempdir().unwrap();
    for part in ["content", "rubrics"] {
        copy_tree(&manifest_dir().join(part), &project.path().join(part), &[]);
    }
    fs::write(project.path().join(path), format!("{example}\n")).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_dudao"))
        .args(["check", "--root"])
        .arg(project.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the example fails dudao check:\n{stderr}"
    );

    let id = Path::new(path).file_stem().unwrap().to_str().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
        .unwrap_or_else(|| panic!("no summary line for {id}:\n{stdout}"));
    let documented = fenced_after(&doc, "`dudao check` then prints a line for it", "text");
    assert_eq!(line, documented, "the summary line shown in the doc");
}

/// Keys as they appear in YAML: `key:` at the start of a line or after `- `.
fn yaml_keys(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_start().trim_start_matches("- ");
            let (key, _) = line.split_once(':')?;
            (!key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .then(|| key.to_owned())
        })
        .collect()
}

#[test]
fn the_rubric_format_documents_every_field_in_use() {
    let doc = read("docs/rubric-format.md");
    let mut keys = BTreeSet::new();
    for entry in fs::read_dir(manifest_dir().join("rubrics")).unwrap() {
        keys.extend(yaml_keys(
            &fs::read_to_string(entry.unwrap().path()).unwrap(),
        ));
    }
    assert!(
        keys.contains("indicators") && keys.contains("criteria"),
        "{keys:?}"
    );
    let undocumented: Vec<&String> = keys
        .iter()
        .filter(|key| !doc.contains(&format!("| `{key}` |")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "fields missing from docs/rubric-format.md: {undocumented:?}"
    );
}

#[test]
fn the_rubric_format_lists_the_33_indicators_as_the_catalogue_has_them() {
    let doc = read("docs/rubric-format.md");
    let (project, _) = dudao::load_project(manifest_dir()).unwrap();
    for indicator in &project.catalogue.indicators {
        let cell = format!("| {} {} |", indicator.number, indicator.title);
        assert!(doc.contains(&cell), "docs/rubric-format.md lacks `{cell}`");
    }
}

fn json_keys(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                into.insert(key.clone());
                match (key.as_str(), inner) {
                    // evidence.indicators and evidence.criteria are keyed by
                    // indicator number and by rubric, then criterion id: data, not fields.
                    ("indicators", Value::Object(guides)) => {
                        guides.values().for_each(|guide| json_keys(guide, into));
                    }
                    ("criteria", Value::Object(rubrics)) => {
                        for guides in rubrics.values() {
                            if let Value::Object(guides) = guides {
                                guides.values().for_each(|guide| json_keys(guide, into));
                            }
                        }
                    }
                    _ => json_keys(inner, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| json_keys(item, into)),
        _ => {}
    }
}

#[test]
fn the_json_schema_documents_every_field_dump_prints() {
    let output = Command::new(env!("CARGO_BIN_EXE_dudao"))
        .args(["dump", "--root"])
        .arg(manifest_dir())
        .output()
        .unwrap();
    assert!(output.status.success());
    let dump: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut keys = BTreeSet::new();
    json_keys(&dump, &mut keys);
    let doc = read("docs/json-schema.md");
    let undocumented: Vec<&String> = keys
        .iter()
        .filter(|key| !doc.contains(&format!("`{key}`")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "fields missing from docs/json-schema.md: {undocumented:?}"
    );
}

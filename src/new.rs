//! `dudao new rubric`: start a derived rubric from an existing one.
//!
//! The new file is the source rubric's text with only the identity lines
//! rewritten (`id`, `kind`, `based_on`, `rationale`; the official `source` and
//! `label` dropped), so every comment, row and criterion survives as written
//! and the author edits a familiar table. The `rationale:` is left empty on
//! purpose: an empty value is null in YAML, and `dudao check` rejects a
//! derived rubric without a rationale until the author explains the changes.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, relative};
use crate::load::{self, RUBRICS_DIR, RawRubric};

/// What `new rubric` wrote.
#[derive(Debug)]
pub struct Scaffolded {
    /// Relative to the project root.
    pub path: PathBuf,
    pub based_on: String,
}

/// Writes `rubrics/NEW_ID.yaml` under `root`, a derived copy of rubric `from`.
/// Never overwrites: an existing rubric of that id is an error.
pub fn new_rubric(root: &Path, from: &str, new_id: &str) -> Result<Scaffolded, Vec<Diagnostic>> {
    let rubrics = root.join(RUBRICS_DIR);
    if let Some(problem) = id_problem(new_id) {
        return Err(vec![
            Diagnostic::error(relative(root, &rubrics), None, format!("cannot use `{new_id}` as a rubric id: {problem}"))
                .hint("ids become file names and URLs: use a-z, 0-9 and single hyphens, e.g. `theory-venue-computer`"),
        ]);
    }
    for existing in rubric_files(&rubrics, new_id) {
        if existing.exists() {
            return Err(vec![
                Diagnostic::error(
                    relative(root, &existing),
                    None,
                    format!("rubric `{new_id}` already exists; dudao new never overwrites"),
                )
                .hint("choose another id, or edit the existing file"),
            ]);
        }
    }
    let Some(source) = rubric_files(&rubrics, from)
        .into_iter()
        .find(|p| p.is_file())
    else {
        let known = known_ids(&rubrics);
        return Err(vec![
            Diagnostic::error(
                relative(root, &rubrics),
                None,
                format!("there is no rubric `{from}` to start from"),
            )
            .hint(if known.is_empty() {
                "no rubrics found: run dudao in the project directory or pass --root DIR".to_owned()
            } else {
                format!("use one of: {}", known.join(", "))
            }),
        ]);
    };

    if let Some(refused) = load::outside_root(root, &source) {
        return Err(vec![refused]);
    }
    let mut diagnostics = Vec::new();
    let Some(file) = load::load_yaml_file::<RawRubric>(root, &source, &mut diagnostics) else {
        return Err(diagnostics);
    };
    let text = scaffold_text(&file.text, from, new_id);

    let destination = rubrics.join(format!("{new_id}.yaml"));
    let rel = relative(root, &destination);
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&destination)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    match written {
        Ok(()) => Ok(Scaffolded {
            path: rel,
            based_on: from.to_owned(),
        }),
        Err(err) => Err(vec![Diagnostic::error(
            rel,
            None,
            format!("cannot write the new rubric: {err}"),
        )]),
    }
}

/// The steps that turn the scaffold into a rubric `dudao check` accepts.
pub fn next_steps(scaffolded: &Scaffolded, root: &Path) -> String {
    let root_arg = if root == Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", root.display())
    };
    let path = crate::diagnostic::display_path(&scaffolded.path);
    format!(
        "created {path} (kind: derived, based_on: {base})\n\
         \n\
         next steps:\n\
         \x20 1. open {path} and write the `rationale:`: what differs from `{base}` and why\n\
         \x20    (cite the notice, e.g. 附件1备注3–5); dudao check reports it as missing until then\n\
         \x20 2. change the title, rows, criteria and points; give every changed row or\n\
         \x20    criterion its own `rationale:`; the criteria must still sum to 100\n\
         \x20 3. dudao check{root_arg}    validates totals, ids and indicator numbers (1–33)\n\
         \x20 4. dudao build{root_arg}    renders its page, paper checklist and self-assessment form",
        base = scaffolded.based_on,
    )
}

/// The source rubric's text with the identity lines replaced.
pub fn scaffold_text(source: &str, from: &str, new_id: &str) -> String {
    let identity = format!(
        "kind: derived\n\
         based_on: {from}\n\
         # 请写明本表与 {from} 相比改了什么、为什么改（可引用通知附件1备注3–5），\n\
         # 并在改动过的行或评分标准下加 `rationale:`。留空时 dudao check 会报错。\n\
         rationale:\n"
    );
    let mut out = String::with_capacity(source.len() + identity.len());
    let mut identity_written = false;
    for entry in top_level_entries(source) {
        match entry.key {
            Some("id") => out.push_str(&format!("id: {new_id}\n")),
            Some("kind") => {
                out.push_str(&identity);
                identity_written = true;
            }
            // An official table's source and label (示例) describe the
            // published table, not ours; an earlier based_on/rationale
            // describes the rubric we copy from.
            Some("source" | "label" | "based_on" | "rationale") => {}
            _ => out.push_str(entry.text),
        }
    }
    if !identity_written {
        out.push_str(&identity);
    }
    out
}

struct Entry<'a> {
    /// `None` for blank lines and comments between entries.
    key: Option<&'a str>,
    /// The key's line and every indented line below it.
    text: &'a str,
}

/// Splits YAML text into its top-level mapping entries, each with its
/// continuation lines (nested values, block scalars, blank lines). A comment
/// in column 0 starts an entry of its own, so it survives when the entry
/// before it is dropped.
fn top_level_entries(text: &str) -> Vec<Entry<'_>> {
    let mut entries: Vec<Entry<'_>> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let first = line.chars().next().unwrap_or(' ');
        let key = (!first.is_whitespace() && first != '#' && first != '-')
            .then(|| line.split_once(':').map(|(k, _)| k.trim()))
            .flatten();
        let starts_entry = key.is_some() || first == '#';
        match entries.last_mut() {
            Some(last) if !starts_entry => {
                last.text = &text[offset - last.text.len()..offset + line.len()];
            }
            _ => entries.push(Entry {
                key,
                text: &text[offset..offset + line.len()],
            }),
        }
        offset += line.len();
    }
    entries
}

fn rubric_files(rubrics: &Path, id: &str) -> [PathBuf; 2] {
    [
        rubrics.join(format!("{id}.yaml")),
        rubrics.join(format!("{id}.yml")),
    ]
}

fn known_ids(rubrics: &Path) -> Vec<String> {
    let mut ids: Vec<String> = fs::read_dir(rubrics)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

/// `dudao check`'s id rule, said in words (plus the single hyphens its hint asks for).
fn id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("it is empty")
    } else if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Some("it may only contain a-z, 0-9 and hyphens")
    } else if id.starts_with('-') || id.ends_with('-') || id.contains("--") {
        Some("hyphens go between words, one at a time")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFICIAL: &str = "\
# a comment before everything
id: annex-9
title: 某评分表
label: 示例
kind: official
source: |
  人社厅函〔2024〕130号
  附件9
total: 100
groups:
  - id: g
    title: 一
    rows: []
notes:
  - 备注
";

    #[test]
    fn scaffold_rewrites_identity_and_keeps_everything_else() {
        let text = scaffold_text(OFFICIAL, "annex-9", "my-table");
        assert_eq!(
            text,
            "\
# a comment before everything
id: my-table
title: 某评分表
kind: derived
based_on: annex-9
# 请写明本表与 annex-9 相比改了什么、为什么改（可引用通知附件1备注3–5），
# 并在改动过的行或评分标准下加 `rationale:`。留空时 dudao check 会报错。
rationale:
total: 100
groups:
  - id: g
    title: 一
    rows: []
notes:
  - 备注
"
        );
    }

    #[test]
    fn scaffold_of_a_derived_rubric_replaces_its_base_and_rationale() {
        let derived = "id: a\nkind: derived\nbased_on: annex-1\nrationale: |\n  旧的理由\n  第二行\ntitle: T\n";
        assert_eq!(
            scaffold_text(derived, "a", "b"),
            "id: b\nkind: derived\nbased_on: a\n\
             # 请写明本表与 a 相比改了什么、为什么改（可引用通知附件1备注3–5），\n\
             # 并在改动过的行或评分标准下加 `rationale:`。留空时 dudao check 会报错。\n\
             rationale:\ntitle: T\n"
        );
    }

    #[test]
    fn ids_follow_the_check_rule() {
        assert_eq!(id_problem("theory-venue-2"), None);
        assert!(id_problem("Theory").is_some());
        assert!(id_problem("a--b").is_some());
        assert!(id_problem("-a").is_some());
        assert!(id_problem("").is_some());
    }
}

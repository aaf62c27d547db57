//! Evidence guides (content/evidence/): the bundled guides cover every
//! indicator and every criterion of the official rubrics, their numbers
//! are pinned to the official text, and every way a guide can be wrong is
//! reported with its file, line and column.

use std::fs;
use std::path::Path;
mod common;

use common::{PROJECT, SOURCE, strip};
use dudao::model::{GuideTarget, Kind, RequirementKind};

#[test]
fn every_indicator_and_official_criterion_has_a_guide() {
    let evidence = &PROJECT.evidence;
    let mut missing = Vec::new();
    for indicator in &PROJECT.catalogue.indicators {
        if evidence.indicator(indicator.number).is_none() {
            missing.push(format!("indicator {}", indicator.number));
        }
    }
    let mut official_criteria = 0;
    for rubric in PROJECT.rubrics.iter().filter(|r| r.kind == Kind::Official) {
        for criterion in rubric.criteria() {
            official_criteria += 1;
            if evidence.criterion(&rubric.id, &criterion.id).is_none() {
                missing.push(format!("{} {}", rubric.id, criterion.id));
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new(), "guides missing");
    assert_eq!(PROJECT.catalogue.indicators.len(), 33);
    assert_eq!(
        official_criteria,
        42 + 24,
        "附件1 has 42 criteria, 附件2 24"
    );
    // No stray guides: exactly one per target.
    assert_eq!(evidence.guides().count(), 33 + official_criteria);
}

#[test]
fn every_guide_is_marked_as_guidance_and_lists_evidence() {
    for guide in PROJECT.evidence.guides() {
        assert_eq!(guide.kind, "guidance", "{:?}", guide.target);
        assert!(!guide.evidence.is_empty(), "{:?}", guide.target);
        assert!(
            guide.evidence.iter().all(|e| !e.trim().is_empty()),
            "{:?}",
            guide.target
        );
    }
}

#[test]
fn every_requirement_quote_is_verbatim_in_the_source_and_in_its_own_text() {
    let mut problems = Vec::new();
    for guide in PROJECT.evidence.guides() {
        let own_text = match &guide.target {
            GuideTarget::Indicator { indicator } => PROJECT
                .catalogue
                .indicator(*indicator)
                .unwrap()
                .explanation
                .clone(),
            GuideTarget::Criterion { rubric, criterion } => PROJECT
                .rubric(rubric)
                .unwrap()
                .criteria()
                .find(|c| &c.id == criterion)
                .unwrap()
                .text
                .clone(),
        };
        for requirement in &guide.requirements {
            let quote = strip(&requirement.quote);
            if !SOURCE.contains(&quote) {
                problems.push(format!("not in the source: {}", requirement.quote));
            }
            if !strip(&own_text).contains(&quote) {
                problems.push(format!(
                    "not in the text of {:?}: {}",
                    guide.target, requirement.quote
                ));
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
}

/// The numbers the issue names, each as structured data on the right target.
#[test]
fn the_numbers_the_text_sets_are_structured_requirements() {
    let all: Vec<(String, RequirementKind, u32, Option<u32>, String)> = PROJECT
        .evidence
        .guides()
        .flat_map(|g| {
            let target = match &g.target {
                GuideTarget::Indicator { indicator } => format!("indicator {indicator}"),
                GuideTarget::Criterion { rubric, criterion } => format!("{rubric} {criterion}"),
            };
            g.requirements
                .iter()
                .map(move |r| (target.clone(), r.kind, r.value, r.max, r.unit.clone()))
        })
        .collect();
    let expected = [
        ("indicator 1", RequirementKind::Period, 3, None, "年"),
        ("indicator 14", RequirementKind::Deadline, 5, None, "工作日"),
        (
            "annex-1 no-penalties",
            RequirementKind::Period,
            3,
            None,
            "年",
        ),
        (
            "annex-1 score-sheets",
            RequirementKind::Count,
            3,
            None,
            "名考评员",
        ),
        (
            "annex-2 point-count",
            RequirementKind::Percentage,
            85,
            None,
            "%",
        ),
        (
            "annex-2 point-count",
            RequirementKind::Count,
            200,
            None,
            "个考评点",
        ),
        (
            "annex-2 blueprint-coverage",
            RequirementKind::Percentage,
            85,
            None,
            "%",
        ),
        (
            "annex-2 item-quantity",
            RequirementKind::Count,
            5,
            None,
            "道题",
        ),
        (
            "annex-2 item-quantity",
            RequirementKind::Count,
            1000,
            None,
            "道题",
        ),
        (
            "annex-2 update-cycle",
            RequirementKind::Frequency,
            1,
            None,
            "年",
        ),
        (
            "annex-2 update-cycle",
            RequirementKind::Frequency,
            3,
            Some(5),
            "年",
        ),
    ];
    for (target, kind, value, max, unit) in expected {
        assert!(
            all.iter().any(|(t, k, v, m, u)| t == target
                && *k == kind
                && *v == value
                && *m == max
                && u == unit),
            "no {kind:?} {value} {unit} on {target}; have {all:#?}"
        );
    }
    assert_eq!(all.len(), expected.len(), "unexpected extra requirements");
}

// ---- invalid guides: a temporary copy of the bundled project, edited ----

/// The bundled content and the two official rubrics, so these tests do not
/// depend on the derived rubrics.
fn bundled_copy() -> tempfile::TempDir {
    common::project_copy(&["annex-1.yaml", "annex-2.yaml"])
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn write(root: &Path, file: &str, text: &str) {
    fs::write(root.join(file), text).unwrap();
}

/// Every diagnostic of the edited project, as `dudao check` prints it.
fn diagnostics_after(change: impl FnOnce(&Path)) -> Vec<String> {
    let dir = bundled_copy();
    change(dir.path());
    match dudao::load_project(dir.path()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.0.iter().map(|d| d.to_string()).collect(),
    }
}

/// `line:column` of the value of `id: <id>` in a bundled rubric, so these
/// tests do not break when a rubric gains a line above.
fn id_position(rubric: &str, id: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("rubrics/{rubric}.yaml"));
    let text = fs::read_to_string(path).unwrap();
    let needle = format!("id: {id}");
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(n, l)| {
            (l.trim_start_matches([' ', '-']) == needle).then(|| (n + 1, l.len() - id.len() + 1))
        })
        .unwrap_or_else(|| panic!("no `{needle}` in {rubric}.yaml"));
    format!("{line}:{column}")
}

const GUIDE_HEAD: &str = "---\nkind: guidance\nindicator: 9\nevidence:\n  - 培训记录\n";

#[test]
fn the_bundled_copy_is_clean() {
    assert_eq!(diagnostics_after(|_| {}), Vec::<String>::new());
}

#[test]
fn a_guide_for_an_indicator_that_does_not_exist() {
    let found = diagnostics_after(|root| {
        edit(
            root,
            "content/evidence/indicators/09.md",
            "indicator: 9",
            "indicator: 34",
        );
    });
    assert_eq!(
        found,
        [
            "error: content/evidence/indicators/09.md:3:12: indicator 34 does not exist\n  \
             help: guides name a second-level indicator from 1–33 (see content/indicators/)",
            "error: content/indicators/09.md:2:9: indicator 9 has no evidence guide\n  \
             help: add content/evidence/indicators/09.md with `kind: guidance` and `indicator: 9`",
        ]
    );
}

#[test]
fn a_guide_for_a_criterion_that_does_not_exist_suggests_the_closest_id() {
    let found = diagnostics_after(|root| {
        edit(
            root,
            "content/evidence/annex-1/licences.md",
            "criterion: licences",
            "criterion: licence",
        );
        edit(
            root,
            "content/evidence/annex-2/code-labels.md",
            "rubric: annex-2",
            "rubric: annex-3",
        );
    });
    assert_eq!(
        found,
        [
            "error: content/evidence/annex-1/licences.md:4:12: rubric `annex-1` has no criterion `licence`\n  \
             help: use the `id` of a criterion in rubrics/annex-1.yaml (did you mean `licences`?)"
                .to_owned(),
            "error: content/evidence/annex-2/code-labels.md:3:9: rubric `annex-3` does not exist\n  \
             help: use the `id` of a file in rubrics/: annex-1, annex-2"
                .to_owned(),
            format!(
                "error: rubrics/annex-1.yaml:{}: criterion `licences` has no evidence guide\n  \
                 help: add content/evidence/annex-1/licences.md with `kind: guidance`, `rubric: annex-1` and `criterion: licences`",
                id_position("annex-1", "licences")
            ),
            format!(
                "error: rubrics/annex-2.yaml:{}: criterion `code-labels` has no evidence guide\n  \
                 help: add content/evidence/annex-2/code-labels.md with `kind: guidance`, `rubric: annex-2` and `criterion: code-labels`",
                id_position("annex-2", "code-labels")
            ),
        ]
    );
}

#[test]
fn a_duplicate_guide_names_the_first_one() {
    let found = diagnostics_after(|root| {
        let original = fs::read_to_string(root.join("content/evidence/indicators/09.md")).unwrap();
        write(root, "content/evidence/indicators/zz-copy.md", &original);
    });
    assert_eq!(
        found,
        [
            "error: content/evidence/indicators/zz-copy.md:3:12: duplicate evidence guide for indicator 9\n  \
          help: content/evidence/indicators/09.md already guides it; merge the two files and delete one"
        ]
    );
}

#[test]
fn unknown_keys_are_rejected_where_they_stand() {
    let found = diagnostics_after(|root| {
        write(
            root,
            "content/evidence/indicators/09.md",
            &format!("{GUIDE_HEAD}evidnce:\n  - 签到表\n---\n"),
        );
    });
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("error: content/evidence/indicators/09.md:6:1: invalid front matter: unknown field `evidnce`"),
        "{found:#?}"
    );
    assert!(
        found[0].contains("docs/evidence-format.md"),
        "the hint points at the guide format: {found:#?}"
    );
    // The file could not be read, so indicator 9 has no guide.
    assert!(
        found[1]
            .starts_with("error: content/indicators/09.md:2:9: indicator 9 has no evidence guide")
    );
}

#[test]
fn bad_requirements_are_each_reported() {
    let found = diagnostics_after(|root| {
        write(
            root,
            "content/evidence/indicators/09.md",
            &format!(
                "{GUIDE_HEAD}requirements:
  - kind: deadlin
    value: 5
    unit: 天
    text: 一
    quote: 是否组织或安排管理人员培训
  - kind: count
    value: 2.5
    unit: 次
    text: 二
    quote: 管理人员培训
  - kind: percentage
    value: 150
    max: 120
    unit: \"%\"
    text: 三
    quote: 培训
  - kind: count
    value: 1
    unit: \"\"
    text: 四
    quote: 每年至少培训一次
---
"
            ),
        );
        edit(
            root,
            "content/evidence/indicators/14.md",
            "    value: 5\n",
            "    value: 50\n",
        );
        edit(
            root,
            "content/evidence/indicators/01.md",
            "kind: guidance",
            "kind: official",
        );
    });
    assert_eq!(
        found,
        [
            "error: content/evidence/indicators/01.md:2:7: guide kind `official` is not `guidance`\n  \
             help: evidence guides are dudao's guidance, never official text: set `kind: guidance`",
            "error: content/evidence/indicators/09.md:7:11: unknown requirement kind `deadlin`\n  \
             help: use one of: deadline, count, percentage, retention, frequency, period",
            "error: content/evidence/indicators/09.md:13:12: requirement value `2.5` is not a positive whole number\n  \
             help: write the number the text sets, e.g. `value: 5` for 考前至少5个工作日",
            "error: content/evidence/indicators/09.md:18:12: percentage 150 is above 100\n  \
             help: write the percentage as a number from 1 to 100, e.g. `value: 85`",
            "error: content/evidence/indicators/09.md:19:10: `max` 120 is not above `value` 150\n  \
             help: a range like 3-5年 is `value: 3, max: 5`; drop `max` for a single number",
            "error: content/evidence/indicators/09.md:25:11: requirement unit is empty\n  \
             help: every requirement needs a unit (e.g. 工作日, 道题, %) and a one-line text",
            "error: content/evidence/indicators/09.md:27:12: the quote is not in the official text of indicator 9\n  \
             help: copy the phrase verbatim from the indicator explanation or criterion text (spaces may differ)",
            "error: content/evidence/indicators/14.md:19:12: the quote does not contain the number 50\n  \
             help: the value must be the number the quoted text sets",
        ]
    );
}

#[test]
fn missing_guides_are_errors_at_the_indicator_and_the_criterion() {
    let found = diagnostics_after(|root| {
        fs::remove_file(root.join("content/evidence/indicators/05.md")).unwrap();
        fs::remove_file(root.join("content/evidence/annex-1/score-sheets.md")).unwrap();
    });
    assert_eq!(
        found,
        [
            "error: content/indicators/05.md:2:9: indicator 5 has no evidence guide\n  \
             help: add content/evidence/indicators/05.md with `kind: guidance` and `indicator: 5`"
                .to_owned(),
            format!(
                "error: rubrics/annex-1.yaml:{}: criterion `score-sheets` has no evidence guide\n  \
                 help: add content/evidence/annex-1/score-sheets.md with `kind: guidance`, `rubric: annex-1` and `criterion: score-sheets`",
                id_position("annex-1", "score-sheets")
            ),
        ]
    );
}

#[test]
fn a_guide_must_name_its_target() {
    let found = diagnostics_after(|root| {
        edit(
            root,
            "content/evidence/indicators/09.md",
            "indicator: 9",
            "rubric: annex-1",
        );
    });
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        found[0],
        "error: content/evidence/indicators/09.md:2:7: a guide must name either `indicator:` or both `rubric:` and `criterion:`\n  \
         help: add `indicator: 5` for an indicator guide, or `rubric: annex-1` and `criterion: licences` for a criterion guide"
    );
}

#[test]
fn a_derived_rubric_inherits_the_guides_of_its_base() {
    let dir = bundled_copy();
    let root = dir.path();
    let annex = fs::read_to_string(root.join("rubrics/annex-1.yaml")).unwrap();
    let derived = annex
        .replacen("id: annex-1", "id: ours", 1)
        .replacen(
            "kind: official\n",
            "kind: derived\nbased_on: annex-1\nrationale: 测试\n",
            1,
        )
        .replacen("source: 人社厅函〔2024〕130号 附件1\n", "", 1)
        .replacen("- id: licences", "- id: our-licences", 1);
    fs::write(root.join("rubrics/ours.yaml"), derived).unwrap();
    let (project, _) = dudao::load_project(root).expect("loads");
    let evidence = &project.evidence;
    let inherited = evidence.criterion("ours", "no-penalties").unwrap();
    assert_eq!(inherited.inherited_from.as_deref(), Some("annex-1"));
    assert_eq!(
        inherited.evidence,
        evidence
            .criterion("annex-1", "no-penalties")
            .unwrap()
            .evidence
    );
    // A criterion of its own has no guide, and that is not an error.
    assert!(evidence.criterion("ours", "our-licences").is_none());
    // Inherited guides are not counted twice.
    assert_eq!(evidence.guides().count(), 33 + 42 + 24);
}

#[test]
fn editing_a_guide_leaves_the_rubric_hash_alone() {
    let hash = |change: &dyn Fn(&Path)| {
        let dir = bundled_copy();
        change(dir.path());
        let (project, _) = dudao::load_project(dir.path()).expect("loads");
        project.rubric("annex-1").unwrap().content_hash.clone()
    };
    let before = hash(&|_| {});
    let after = hash(&|root| {
        edit(
            root,
            "content/evidence/annex-1/licences.md",
            "  - 评价机构备案",
            "  - 另一份材料\n  - 评价机构备案",
        )
    });
    assert_eq!(before, after);
}

#[test]
fn every_requirement_is_searchable_under_the_key_of_its_source() {
    let documents = dudao::search::documents(&PROJECT);
    let entries = dudao::model::requirement_entries(&PROJECT);
    assert_eq!(entries.len(), 11);
    for entry in &entries {
        let found = documents.iter().any(|d| {
            d.key == entry.place
                && d.meta.starts_with("数量时限要求")
                && d.segments.iter().any(|(_, t)| t == &entry.requirement.text)
        });
        assert!(found, "no search document for {}", entry.requirement.text);
        // The key is a real document of its own: the indicator or the row.
        assert!(
            documents
                .iter()
                .any(|d| d.key == entry.place && !d.meta.starts_with("数量时限要求")),
            "{} is not a search key",
            entry.place
        );
    }
}

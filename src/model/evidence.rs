//! Evidence guides as plain data: what an institution should have ready for
//! each indicator and criterion (ours, `kind: guidance`, never official
//! text; format in docs/evidence-format.md), and the requirements they
//! quote, listed once in the order of the site for the `requirements/` page
//! and the search index.

use std::collections::BTreeMap;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::{Kind, Project};

/// Every evidence guide, keyed so that pages and browser code find a guide
/// in one lookup. Kept apart from [`Rubric`] so that editing guidance never
/// changes a rubric's `content_hash`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evidence {
    /// By second-level indicator number.
    pub indicators: BTreeMap<u32, Guide>,
    /// By rubric id, then criterion id. A derived rubric's criteria without
    /// a guide of their own carry their base rubric's (`inherited_from`).
    pub criteria: BTreeMap<String, BTreeMap<String, Guide>>,
}

/// What an institution should have ready for one indicator or criterion.
///
/// A derived rubric reuses its base rubric's guides: the text sits behind
/// an `Arc`, so the model holds each guide once however many rubrics share
/// it (copies were 21 MB at ×100, docs/benchmarks.md). Reads go through
/// `Deref` to [`GuideText`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Guide {
    #[serde(flatten, serialize_with = "serialize_shared")]
    pub text: Arc<GuideText>,
    /// Set when a derived rubric reuses its base rubric's guide.
    pub inherited_from: Option<String>,
}

/// A guide as its file states it.
#[derive(Debug, PartialEq, Serialize)]
pub struct GuideText {
    /// Always `guidance`: dudao's text, never official.
    pub kind: String,
    #[serde(flatten)]
    pub target: GuideTarget,
    /// Documents, records and systems to prepare.
    pub evidence: Vec<String>,
    /// What a supervisor checks on site.
    pub checks: Vec<String>,
    /// Usual ways institutions fall short.
    pub pitfalls: Vec<String>,
    /// The numbers the official text sets.
    pub requirements: Vec<Requirement>,
    /// Further guidance, Markdown; may be empty.
    pub notes: String,
    /// A hash of the guide's file (its path and text), which all of the
    /// above is made of: `dudao serve` tells the guides unchanged by it.
    #[serde(skip)]
    pub source_hash: u64,
}

impl Guide {
    /// The guide a derived rubric inherits from `base`: the same text,
    /// shared, not copied.
    pub fn inherited(&self, base: &str) -> Guide {
        Guide {
            text: Arc::clone(&self.text),
            inherited_from: Some(base.to_owned()),
        }
    }
}

impl Deref for Guide {
    type Target = GuideText;

    fn deref(&self) -> &GuideText {
        &self.text
    }
}

// serde's `Arc` support needs its `rc` feature, which would rebuild every
// crate that uses serde; one line does the same here.
fn serialize_shared<S: Serializer>(
    text: &Arc<GuideText>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    GuideText::serialize(text, serializer)
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum GuideTarget {
    Indicator { indicator: u32 },
    Criterion { rubric: String, criterion: String },
}

/// A number the official text sets, with the phrase that sets it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    pub kind: RequirementKind,
    pub value: u32,
    /// Upper end of a range such as 3-5年.
    pub max: Option<u32>,
    pub unit: String,
    /// Our one-line summary.
    pub text: String,
    /// Verbatim from the indicator explanation or criterion text.
    pub quote: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RequirementKind {
    /// A time limit before an event (考前至少5个工作日).
    Deadline,
    /// A minimum number (3名考评员签字, 每个等级不少于1000道题).
    Count,
    /// A minimum share (不低于85%).
    Percentage,
    /// How long records are kept.
    Retention,
    /// How often something recurs (题库每年修订).
    Frequency,
    /// A look-back window (近三年内).
    Period,
}

impl RequirementKind {
    pub const ALL: [RequirementKind; 6] = [
        RequirementKind::Deadline,
        RequirementKind::Count,
        RequirementKind::Percentage,
        RequirementKind::Retention,
        RequirementKind::Frequency,
        RequirementKind::Period,
    ];

    pub fn id(self) -> &'static str {
        match self {
            RequirementKind::Deadline => "deadline",
            RequirementKind::Count => "count",
            RequirementKind::Percentage => "percentage",
            RequirementKind::Retention => "retention",
            RequirementKind::Frequency => "frequency",
            RequirementKind::Period => "period",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The reader's word for the kind, for pages.
    pub fn label(self) -> &'static str {
        match self {
            RequirementKind::Deadline => "时限",
            RequirementKind::Count => "数量",
            RequirementKind::Percentage => "比例",
            RequirementKind::Retention => "保存期限",
            RequirementKind::Frequency => "频次",
            RequirementKind::Period => "追溯期",
        }
    }
}

impl Evidence {
    pub fn indicator(&self, number: u32) -> Option<&Guide> {
        self.indicators.get(&number)
    }

    pub fn criterion(&self, rubric: &str, criterion: &str) -> Option<&Guide> {
        self.criteria.get(rubric)?.get(criterion)
    }

    /// Every guide written for its own target (not inherited), indicators
    /// first, then rubrics and criteria in key order.
    pub fn guides(&self) -> impl Iterator<Item = &Guide> {
        self.indicators.values().chain(
            self.criteria
                .values()
                .flat_map(|c| c.values())
                .filter(|g| g.inherited_from.is_none()),
        )
    }
}

/// One line of the `requirements/` page.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementEntry<'a> {
    pub requirement: &'a Requirement,
    pub kind_label: &'static str,
    /// The number with its unit, as a reader says it: `5 工作日`,
    /// `85%`, `每 3–5 年`.
    pub amount: String,
    /// Where the number is set, as a reader names it.
    pub source: String,
    /// Site-relative URL of that place.
    pub url: String,
    /// The search key of that place (`indicator:14`, `row:annex-2/item-count`).
    pub place: String,
    /// The title of that place (the indicator's or the row's).
    pub place_title: &'a str,
    /// Official rubric or catalogue (true), or a rubric of ours.
    pub official: bool,
}

/// A common question about numbers that the notice leaves to other rules:
/// the requirements page says so, and search finds it, so a reader asking
/// "how many days" does not dead-end. Ours, not official text; `quote` is
/// the notice's own wording, verbatim (tests/content.rs checks it).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LeftToOtherRules {
    pub question: &'static str,
    pub indicator: u32,
    pub quote: &'static str,
    pub answer: &'static str,
}

pub const LEFT_TO_OTHER_RULES: [LeftToOtherRules; 2] = [
    LeftToOtherRules {
        question: "档案资料保存多少年？",
        indicator: 13,
        quote: "纸质档案资料和电子档案资料（含考评现场视频）是否按规定年限保存",
        answer: "通知未写明保存年限，以国家和所在地关于技能人才评价档案的规定为准。",
    },
    LeftToOtherRules {
        question: "证书数据多少天内要上传？",
        indicator: 27,
        quote: "证书数据是否准确、完整、及时审验和上传",
        answer: "通知只要求及时审验和上传，未规定天数；上传时限以人力资源社会保障部门的证书管理规定和所在地要求为准。",
    },
];

/// Every requirement once, in the order of the site: indicators 1–33, then
/// each rubric's criteria in table order. Guides a derived rubric inherits
/// are not repeated.
pub fn requirement_entries<'a>(project: &'a Project) -> Vec<RequirementEntry<'a>> {
    let mut entries = Vec::new();
    let mut push = |guide: &'a Guide, place: RequirementEntry<'a>| {
        entries.extend(
            guide
                .requirements
                .iter()
                .map(|requirement| RequirementEntry {
                    requirement,
                    kind_label: requirement.kind.label(),
                    amount: amount(requirement),
                    ..place.clone()
                }),
        );
    };
    for indicator in &project.catalogue.indicators {
        let Some(guide) = project.evidence.indicator(indicator.number) else {
            continue;
        };
        let Some(first) = guide.requirements.first() else {
            continue;
        };
        push(
            guide,
            RequirementEntry::place(
                first,
                format!("指标 {} {}", indicator.number, indicator.title),
                format!("indicators/{}/index.html#evidence", indicator.number),
                format!("indicator:{}", indicator.number),
                &indicator.title,
                true,
            ),
        );
    }
    for rubric in &project.rubrics {
        let short = rubric
            .source
            .as_deref()
            .and_then(|s| s.rsplit(' ').next())
            .unwrap_or(&rubric.title);
        for (number, (_, _, row, criterion)) in rubric
            .rows()
            .flat_map(|(s, g, r)| r.criteria.iter().map(move |c| (s, g, r, c)))
            .enumerate()
        {
            let Some(guide) = project.evidence.criterion(&rubric.id, &criterion.id) else {
                continue;
            };
            let Some(first) = guide.requirements.first() else {
                continue;
            };
            if guide.inherited_from.is_some() {
                continue;
            }
            push(
                guide,
                RequirementEntry::place(
                    first,
                    format!("{short} · {} · 第 {} 项", row.title, number + 1),
                    format!("rubrics/{}/index.html#c-{}", rubric.id, criterion.id),
                    format!("row:{}/{}", rubric.id, row.id),
                    &row.title,
                    rubric.kind == Kind::Official,
                ),
            );
        }
    }
    entries
}

impl<'a> RequirementEntry<'a> {
    /// Where a guide's requirements are set; `push` fills in each one.
    fn place(
        requirement: &'a Requirement,
        source: String,
        url: String,
        place: String,
        place_title: &'a str,
        official: bool,
    ) -> Self {
        RequirementEntry {
            requirement,
            kind_label: "",
            amount: String::new(),
            source,
            url,
            place,
            place_title,
            official,
        }
    }
}

fn amount(requirement: &Requirement) -> String {
    let number = match requirement.max {
        Some(max) => format!("{}–{max}", requirement.value),
        None => requirement.value.to_string(),
    };
    let unit = &requirement.unit;
    let spaced = if unit.starts_with('%') {
        format!("{number}{unit}")
    } else {
        format!("{number} {unit}")
    };
    if requirement.kind == RequirementKind::Frequency {
        format!("每 {spaced}")
    } else {
        spaced
    }
}

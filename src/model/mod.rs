//! The validated catalogue and rubrics: plain data.
//!
//! This is the contract between dudao's stages and with other tools: `dudao
//! dump`, `api/catalog.json` and the browser code all see exactly these
//! structs serialised (documented in docs/json-schema.md). Everything here
//! has already been checked; nothing downstream re-validates.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod evidence;
pub use evidence::*;

/// A score in half points. Rubric points are multiples of 0.5, so integer
/// halves make every sum exact (no 0.1 + 0.2 drift in subtotals).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub u32);

impl Points {
    pub fn from_halves(halves: u32) -> Self {
        Points(halves)
    }

    /// `None` unless `value` is a non-negative multiple of 0.5.
    pub fn from_f64(value: f64) -> Option<Self> {
        let halves = value * 2.0;
        (value.is_finite() && value >= 0.0 && halves.fract() == 0.0 && halves <= u32::MAX as f64)
            .then_some(Points(halves as u32))
    }

    pub fn halves(self) -> u32 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 2.0
    }
}

/// Saturating: validation caps every item, so a real sum never gets near
/// the limit, and a hostile file cannot make a sum panic.
impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, other: Points) -> Points {
        Points(self.0.saturating_add(other.0))
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points(0), |a, b| a + b)
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(2) {
            write!(f, "{}", self.0 / 2)
        } else {
            write!(f, "{}.5", self.0 / 2)
        }
    }
}

/// Read back from the JSON (assessment files embed their rubric, see
/// [`crate::assessment`]): any non-negative multiple of 0.5.
impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Points::from_f64(value).ok_or_else(|| {
            serde::de::Error::custom(format!("{value} is not a non-negative multiple of 0.5"))
        })
    }
}

/// Whole numbers serialise as JSON integers, so the JSON reads like the table.
impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(2) {
            serializer.serialize_u32(self.0 / 2)
        } else {
            serializer.serialize_f64(self.as_f64())
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// Version of this JSON shape; bumped on any incompatible change.
    pub schema_version: u32,
    pub catalogue: Catalogue,
    /// Shared with what `dudao serve` keeps of each validated rubric file
    /// (`validate::memo`), so a rebuild neither copies nor frees the
    /// rubrics an edit did not touch.
    #[serde(serialize_with = "serialize_rubrics")]
    pub rubrics: Vec<Arc<Rubric>>,
    /// dudao's evidence guides (ours, not official text).
    pub evidence: Evidence,
}

pub const SCHEMA_VERSION: u32 = 1;

// As `serialize_shared` in evidence.rs: without serde's `rc` feature.
fn serialize_rubrics<S: Serializer>(
    rubrics: &[Arc<Rubric>],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(rubrics.iter().map(|rubric| &**rubric))
}

#[derive(Debug, Clone, Serialize)]
pub struct Catalogue {
    pub notice: Notice,
    pub overview: Overview,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
    pub footnotes: Vec<Footnote>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub title: String,
    pub issuer: String,
    pub document_number: String,
    pub disclosure: Option<String>,
    pub contact: Option<String>,
    pub consequences: Consequences,
    /// Markdown.
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Consequences {
    pub excellent: String,
    pub fail: String,
    pub serious: String,
    pub criminal: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub title: String,
    /// Markdown.
    pub body: String,
}

/// A first-level indicator (一级指标).
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub number: u32,
    /// Chinese numeral as printed in the source: 一, 二, … 十二.
    pub numeral: String,
    pub title: String,
    /// The 主要督导评估… sentence, Markdown.
    pub description: String,
    /// Numbers of the second-level indicators in this group, in order.
    pub indicators: Vec<u32>,
    /// Ours, not official.
    pub editorial_note: Option<String>,
}

/// A second-level indicator (二级指标), numbered 1–33 in the source.
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub number: u32,
    pub group: u32,
    pub title: String,
    /// The official explanation, Markdown.
    pub explanation: String,
    pub footnotes: Vec<u32>,
    /// Ours, not official.
    pub editorial_note: Option<String>,
    /// Every rubric row that draws on this indicator, in rubric order.
    pub used_by: Vec<RowRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowRef {
    pub rubric: String,
    pub row: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Footnote {
    pub number: u32,
    pub marker: String,
    /// The indicator whose text carries the marker.
    pub indicator: u32,
    /// Indicators the footnote's "下同" extends to.
    pub applies_to: Vec<u32>,
    /// Markdown.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Published in the notice; text verbatim.
    Official,
    /// Ours: adapted from an official rubric.
    Derived,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub id: String,
    pub title: String,
    /// Printed after the title, e.g. 示例.
    pub label: Option<String>,
    pub kind: Kind,
    pub source: Option<String>,
    pub based_on: Option<String>,
    pub rationale: Option<String>,
    /// Sum of all criteria; validated against the declared total.
    pub total: Points,
    pub scoring_rule: String,
    pub header_fields: Vec<String>,
    /// 督导结果 and the signature lines, in the rubric's own vocabulary. Left
    /// out of the JSON when it is the default, so rubrics that do not set it
    /// keep their content hash.
    #[serde(default, skip_serializing_if = "Labels::is_default")]
    pub labels: Labels,
    /// False when the table has no 环节 column: then `stages` holds a single
    /// stage with `title: null`.
    pub has_stages: bool,
    pub stages: Vec<Stage>,
    pub veto: Option<Veto>,
    /// Highest threshold first; the last band starts at 0.
    pub bands: Vec<Band>,
    pub notes: Vec<String>,
    pub editorial_notes: Vec<String>,
    /// `sha256:` + hex digest of this rubric's JSON with this field empty.
    /// Exported assessments carry it, so answers are never applied to a
    /// rubric that changed since.
    pub content_hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: String,
    pub title: Option<String>,
    pub points: Points,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
    pub groups: Vec<RubricGroup>,
}

/// A first-level row group of a rubric table (一级指标 column).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricGroup {
    pub id: String,
    pub title: String,
    pub points: Points,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
    pub rows: Vec<Row>,
}

/// A second-level row of a rubric table (二级指标 column).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub indicators: Vec<u32>,
    pub points: Points,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
    pub criteria: Vec<Criterion>,
}

/// One 评分标准 line, scored 符合 / 基本符合 / 不符合.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub text: String,
    pub points: Points,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
}

/// The labels of a form's closing block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// Heading of the result block and the name of the verdict: 督导结果.
    pub result: String,
    /// One line per signature: 督导(组)员签字, 被督导机构负责人签字.
    pub signatures: Vec<String>,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            result: "督导结果".to_owned(),
            signatures: vec![
                "督导(组)员签字".to_owned(),
                "被督导机构负责人签字".to_owned(),
            ],
        }
    }
}

impl Labels {
    pub fn is_default(&self) -> bool {
        *self == Labels::default()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    pub title: String,
    pub intro: Option<String>,
    pub items: Vec<VetoItem>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VetoItem {
    pub id: String,
    pub text: String,
    pub rationale: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// `excellent`, `pass` or `fail`.
    pub id: String,
    pub label: String,
    pub min: Points,
    pub consequence: Option<String>,
}

impl Project {
    pub fn rubric(&self, id: &str) -> Option<&Rubric> {
        self.rubrics.iter().find(|r| r.id == id).map(|r| &**r)
    }
}

/// Validation sorts the indicators and groups by their (unique) numbers, so
/// a lookup is a binary search: a scan made the pages that look up every
/// indicator grow with its square (docs/benchmarks.md, ×1000).
impl Catalogue {
    pub fn indicator(&self, number: u32) -> Option<&Indicator> {
        let at = self.indicators.binary_search_by_key(&number, |i| i.number);
        at.ok().map(|at| &self.indicators[at])
    }

    pub fn group(&self, number: u32) -> Option<&Group> {
        let at = self.groups.binary_search_by_key(&number, |g| g.number);
        at.ok().map(|at| &self.groups[at])
    }
}

impl Rubric {
    pub fn rows(&self) -> impl Iterator<Item = (&Stage, &RubricGroup, &Row)> {
        self.stages.iter().flat_map(|s| {
            s.groups
                .iter()
                .flat_map(move |g| g.rows.iter().map(move |r| (s, g, r)))
        })
    }

    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.rows().flat_map(|(_, _, r)| r.criteria.iter())
    }

    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows().map(|(_, _, r)| r).find(|r| r.id == id)
    }

    /// The indicators this rubric draws on, ascending, each once.
    pub fn indicators(&self) -> Vec<u32> {
        let mut numbers: Vec<u32> = self
            .rows()
            .flat_map(|(_, _, r)| r.indicators.iter().copied())
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        numbers
    }

    pub fn band_for(&self, score: Points) -> Option<&Band> {
        self.bands.iter().find(|b| score >= b.min)
    }
}

//! The raw shapes of the source files, as serde reads them: nothing checked
//! beyond syntax and field names. Values that validation may need to point
//! at are [`Spanned`], so a wrong subtotal is reported at its own line.

use serde::Deserialize;

use super::Spanned;

pub type Points = Spanned<f64>;
pub type Id = Spanned<String>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNotice {
    pub title: Spanned<String>,
    pub issuer: String,
    pub document_number: String,
    pub disclosure: Option<String>,
    pub contact: Option<String>,
    pub consequences: RawConsequences,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConsequences {
    pub excellent: String,
    pub fail: String,
    pub serious: String,
    pub criminal: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverview {
    pub title: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub number: Spanned<u32>,
    pub numeral: String,
    pub title: String,
    pub editorial_note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub number: Spanned<u32>,
    pub group: Spanned<u32>,
    pub title: String,
    #[serde(default)]
    pub footnotes: Vec<Spanned<u32>>,
    pub editorial_note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFootnote {
    pub number: Spanned<u32>,
    pub marker: String,
    pub indicator: Spanned<u32>,
    pub applies_to: Vec<Spanned<u32>>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RawKind {
    Official,
    Derived,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRubric {
    pub id: Id,
    pub title: Spanned<String>,
    pub label: Option<String>,
    pub kind: Spanned<RawKind>,
    pub source: Option<String>,
    pub based_on: Option<Spanned<String>>,
    pub rationale: Option<String>,
    pub total: Option<Points>,
    pub scoring_rule: String,
    #[serde(default)]
    pub header_fields: Vec<String>,
    pub labels: Option<Spanned<RawLabels>>,
    pub stages: Option<Vec<Spanned<RawStage>>>,
    pub groups: Option<Vec<Spanned<RawRubricGroup>>>,
    pub veto: Option<RawVeto>,
    pub bands: Spanned<Vec<Spanned<RawBand>>>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub editorial_notes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub id: Id,
    pub title: String,
    pub points: Option<Points>,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
    pub groups: Vec<Spanned<RawRubricGroup>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRubricGroup {
    pub id: Id,
    pub title: String,
    pub points: Option<Points>,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
    pub rows: Vec<Spanned<RawRow>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRow {
    pub id: Id,
    pub title: String,
    pub indicators: Spanned<Vec<Spanned<i64>>>,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
    pub criteria: Vec<Spanned<RawCriterion>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCriterion {
    pub id: Id,
    pub text: Spanned<String>,
    pub points: Points,
    pub editorial_note: Option<String>,
    pub rationale: Option<String>,
}

/// The words of the form's closing block, when a rubric's vocabulary is not
/// 督导 (the violations checklist says 核实).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabels {
    pub result: Option<String>,
    pub signatures: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVeto {
    pub title: Spanned<String>,
    pub intro: Option<String>,
    pub items: Spanned<Vec<Spanned<RawVetoItem>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVetoItem {
    pub id: Id,
    pub text: String,
    pub rationale: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBand {
    pub id: Id,
    pub label: Spanned<String>,
    pub min: Points,
    pub consequence: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGuide {
    pub kind: Spanned<String>,
    pub indicator: Option<Spanned<u32>>,
    pub rubric: Option<Spanned<String>>,
    pub criterion: Option<Spanned<String>>,
    #[serde(default)]
    pub evidence: Vec<Spanned<String>>,
    #[serde(default)]
    pub checks: Vec<Spanned<String>>,
    #[serde(default)]
    pub pitfalls: Vec<Spanned<String>>,
    #[serde(default)]
    pub requirements: Vec<Spanned<RawRequirement>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequirement {
    pub kind: Spanned<String>,
    pub value: Spanned<f64>,
    pub max: Option<Spanned<f64>>,
    pub unit: Spanned<String>,
    pub text: Spanned<String>,
    pub quote: Spanned<String>,
}

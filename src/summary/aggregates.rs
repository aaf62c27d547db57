//! The aggregates: the `summary.json` document (docs/summary.md), the same
//! shape as the browser's `DudaoSummaryModel.summarize`.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

/// Half points that may be negative (a change since the previous
/// assessment); whole numbers serialise as JSON integers, like `Points`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Halves(pub i64);

impl Serialize for Halves {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 2 == 0 {
            s.serialize_i64(self.0 / 2)
        } else {
            s.serialize_f64(self.0 as f64 / 2.0)
        }
    }
}

impl std::fmt::Display for Halves {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 % 2 == 0 {
            write!(f, "{}", self.0 / 2)
        } else {
            write!(f, "{}", self.0 as f64 / 2.0)
        }
    }
}

impl Halves {
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 2.0
    }
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub format: &'static str,
    pub version: u32,
    pub files: Files,
    pub rubrics: Vec<RubricSummary>,
}

#[derive(Debug, Serialize)]
pub struct Files {
    pub read: usize,
    pub accepted: usize,
    pub refused: Vec<Refused>,
    pub duplicates: Vec<Duplicate>,
}

#[derive(Debug, Serialize)]
pub struct Refused {
    pub file: String,
    pub kind: crate::assessment::ErrorKind,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct Duplicate {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct RubricSummary {
    pub id: String,
    pub title: String,
    pub kind: crate::model::Kind,
    pub content_hash: String,
    pub sheet: String,
    pub max: crate::model::Points,
    pub bands_defined: Vec<BandDefined>,
    /// The rubric's 不合格项 in order (the table names them 第N项).
    pub veto_items: Vec<VetoItemText>,
    pub assessments: usize,
    pub bands: BTreeMap<&'static str, usize>,
    pub indicators: Vec<IndicatorLoss>,
    pub criteria: Vec<CriterionLoss>,
    pub most_lost: Vec<String>,
    pub institutions: Vec<Institution>,
}

#[derive(Debug, Serialize)]
pub struct BandDefined {
    pub id: String,
    pub label: String,
    pub min: crate::model::Points,
}

#[derive(Debug, Serialize)]
pub struct VetoItemText {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct IndicatorLoss {
    pub number: u32,
    pub lost_points: Halves,
    pub institutions_losing: usize,
}

#[derive(Debug, Serialize)]
pub struct CriterionLoss {
    pub id: String,
    pub indicator: u32,
    pub row: String,
    pub text: String,
    pub points: crate::model::Points,
    pub lost_count: usize,
    pub lost_points: Halves,
}

#[derive(Debug, Serialize)]
pub struct Institution {
    pub key: String,
    pub name: String,
    pub filing_number: String,
    pub region: String,
    pub date: String,
    pub id: String,
    pub file: String,
    pub total: Halves,
    pub max: Halves,
    pub band: String,
    pub vetoed: Vec<String>,
    pub answered: u32,
    pub criteria: u32,
    pub rectification: Option<RectificationCount>,
    pub change: Option<Halves>,
    pub timeline: Vec<TimelineEntry>,
    pub lost_by_indicator: Vec<Halves>,
    /// The same for the previous assessment of this rubric; null without one.
    pub previous_lost_by_indicator: Option<Vec<Halves>>,
    pub scores: Vec<Option<Halves>>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct RectificationCount {
    pub done: usize,
    pub items: usize,
}

#[derive(Debug, Serialize)]
pub struct TimelineEntry {
    pub id: String,
    pub file: String,
    pub date: String,
    pub total: Halves,
    pub band: String,
    pub vetoed: bool,
}

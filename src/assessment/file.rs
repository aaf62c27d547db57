//! The version-2 file as written (docs/assessment.md, "Schema version 2"):
//! serde types that refuse unknown fields. An absent `Option` field reads as
//! `None` without `#[serde(default)]`; lists and maps that may be absent
//! carry it.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Status;
use crate::model::Rubric;

#[derive(Deserialize)]
pub(super) struct Probe {
    pub format: Option<serde_json::Value>,
    pub version: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(bound = "D: Deserialize<'de>")]
pub(super) struct FileV2<D> {
    #[allow(dead_code)]
    pub format: String,
    #[allow(dead_code)]
    pub version: u64,
    pub id: String,
    pub name: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub exported_at: Option<String>,
    pub rubric: Rubric,
    #[serde(default)]
    pub assessors: Vec<String>,
    pub header: BTreeMap<String, String>,
    pub answers: BTreeMap<String, Answer>,
    pub veto: BTreeMap<String, VetoAnswer>,
    #[serde(default)]
    pub photos: BTreeMap<String, Photo<D>>,
    #[allow(dead_code)]
    pub merged_from: Option<Vec<MergedFrom>>,
    pub rectification: Option<Rectification>,
    pub follow_up_of: Option<FollowUp>,
    pub totals: Totals,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub status: Option<Status>,
    pub score: Option<f64>,
    pub justification: Option<String>,
    pub notes: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    pub by: Option<String>,
    pub at: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VetoAnswer {
    pub ticked: bool,
    pub description: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    pub by: Option<String>,
    pub at: Option<String>,
}

/// A photo of the file. `D` is how its base64 `data` is read: `String` when
/// the caller wants the pictures ([`super::Reader::with_photos`]),
/// [`IgnoredAny`] otherwise, so a summary never holds photo bytes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Photo<D> {
    #[serde(rename = "type")]
    pub kind: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes: Option<u64>,
    pub caption: Option<String>,
    pub added_at: Option<String>,
    pub by: Option<String>,
    pub data: D,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MergedFrom {
    #[allow(dead_code)]
    id: String,
    #[serde(default)]
    #[allow(dead_code)]
    assessors: Vec<String>,
    #[allow(dead_code)]
    exported_at: Option<String>,
}

/// 整改 tracking (issue 13).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rectification {
    pub issued_at: Option<String>,
    pub items: Vec<RectificationItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationItem {
    pub id: String,
    pub source: RectificationSource,
    pub problem: Option<String>,
    pub requirement: Option<String>,
    pub deadline: Option<String>,
    pub owner: Option<String>,
    pub status: RectificationStatus,
    pub note: Option<String>,
    #[serde(default)]
    pub photos: Vec<String>,
    pub updated_at: Option<String>,
    pub by: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationSource {
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationStatus {
    Open,
    InProgress,
    Done,
    Verified,
}

impl Rectification {
    /// (items done or verified, all items).
    pub fn completion(&self) -> (usize, usize) {
        let done = self
            .items
            .iter()
            .filter(|i| {
                matches!(
                    i.status,
                    RectificationStatus::Done | RectificationStatus::Verified
                )
            })
            .count();
        (done, self.items.len())
    }
}

/// For a 复查: the earlier assessment it follows up.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub id: String,
    pub exported_at: Option<String>,
    pub total: Option<f64>,
    pub band: Option<String>,
    pub vetoed: Option<bool>,
    #[serde(default)]
    pub items: Vec<String>,
}

#[derive(Deserialize, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    pub total: f64,
    pub max: f64,
    pub band: String,
    pub vetoed: bool,
    pub answered: u32,
    pub criteria: u32,
    pub stages: BTreeMap<String, f64>,
    pub groups: BTreeMap<String, f64>,
}

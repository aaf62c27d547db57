//! Scoring an assessment: the rules of `themes/default/static/js/scoring.js`
//! (docs/assessment.md, "Scoring rules"), in integer half points.
//! tests/summarize.rs and tests/browser/summary.test.mjs prove the two agree.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Answer, Totals, VetoAnswer};
use crate::model::{Points, Rubric};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Full,
    Partial,
    None,
}

/// One criterion's outcome, in table order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionScore {
    /// `None` while unanswered.
    pub status: Option<Status>,
    pub halves: u32,
    /// Points lost, in halves; 0 while unanswered (nothing lost yet).
    pub lost_halves: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub total_halves: u32,
    pub max_halves: u32,
    /// Criteria answered completely (progress).
    pub answered: u32,
    pub count: u32,
    /// Band id; a ticked veto item forces the lowest band.
    pub band: String,
    /// Ticked veto item ids, in the rubric's order.
    pub vetoed: Vec<String>,
    /// Per stage and per first-level group: (id, halves), table order.
    pub stages: Vec<(String, u32)>,
    pub groups: Vec<(String, u32)>,
    pub criteria: Vec<CriterionScore>,
}

/// Scores `answers` and `veto` against `rubric`, or says which answer is not
/// valid (unknown id, a 基本符合 without a valid score or a justification, a
/// score or justification on another status).
pub fn evaluate(
    rubric: &Rubric,
    answers: &BTreeMap<String, Answer>,
    veto: &BTreeMap<String, VetoAnswer>,
) -> Result<Score, String> {
    for id in answers.keys() {
        if !rubric.criteria().any(|c| &c.id == id) {
            return Err(format!(
                "answer `{id}` is not a criterion of rubric `{}`",
                rubric.id
            ));
        }
    }
    let veto_items = rubric.veto.as_ref().map_or(&[][..], |v| &v.items[..]);
    for id in veto.keys() {
        if !veto_items.iter().any(|i| &i.id == id) {
            return Err(format!("veto item `{id}` is not in rubric `{}`", rubric.id));
        }
    }
    let mut score = Score {
        total_halves: 0,
        max_halves: 0,
        answered: 0,
        count: 0,
        band: String::new(),
        vetoed: Vec::new(),
        stages: Vec::new(),
        groups: Vec::new(),
        criteria: Vec::new(),
    };
    for stage in &rubric.stages {
        let mut stage_halves = 0;
        for group in &stage.groups {
            let mut group_halves = 0;
            for row in &group.rows {
                for criterion in &row.criteria {
                    let max = criterion.points.halves();
                    let scored = score_answer(answers.get(&criterion.id), max)
                        .map_err(|m| format!("criterion `{}`: {m}", criterion.id))?;
                    group_halves += scored.halves;
                    score.max_halves += max;
                    score.count += 1;
                    if scored.status.is_some() {
                        score.answered += 1;
                    }
                    score.criteria.push(scored);
                }
            }
            stage_halves += group_halves;
            score.groups.push((group.id.clone(), group_halves));
        }
        score.total_halves += stage_halves;
        score.stages.push((stage.id.clone(), stage_halves));
    }
    score.vetoed = veto_items
        .iter()
        .filter(|item| veto.get(&item.id).is_some_and(|v| v.ticked))
        .map(|item| item.id.clone())
        .collect();
    score.band = band_for(rubric, score.total_halves, !score.vetoed.is_empty());
    Ok(score)
}

fn score_answer(answer: Option<&Answer>, max: u32) -> Result<CriterionScore, String> {
    let status = answer.and_then(|a| a.status);
    let has_extra = answer.is_some_and(|a| a.score.is_some() || a.justification.is_some());
    let halves = match status {
        Some(Status::Full) => max,
        Some(Status::None) | None => 0,
        Some(Status::Partial) => {
            let answer = answer.expect("a status comes from an answer");
            let value = answer
                .score
                .ok_or("基本符合 (partial) without a numeric `score`")?;
            let halves = Points::from_f64(value)
                .map(Points::halves)
                .filter(|h| *h > 0 && *h < max)
                .ok_or_else(|| {
                    format!(
                        "partial score {value} is not a multiple of 0.5 strictly between 0 and {}",
                        Points(max)
                    )
                })?;
            if answer
                .justification
                .as_deref()
                .is_none_or(|j| j.trim().is_empty())
            {
                return Err("基本符合 (partial) without a justification".to_owned());
            }
            halves
        }
    };
    if status != Some(Status::Partial) && has_extra {
        return Err(
            "only a 基本符合 (partial) answer carries `score` and `justification`".to_owned(),
        );
    }
    Ok(CriterionScore {
        status,
        halves,
        lost_halves: if status.is_some() { max - halves } else { 0 },
    })
}

/// The first band (highest `min` first) the total reaches; a veto forces the lowest.
pub fn band_for(rubric: &Rubric, total_halves: u32, vetoed: bool) -> String {
    let mut bands: Vec<_> = rubric.bands.iter().collect();
    bands.sort_by_key(|b| std::cmp::Reverse(b.min));
    let lowest = bands.last().map_or(String::new(), |b| b.id.clone());
    if vetoed {
        return lowest;
    }
    bands
        .iter()
        .find(|b| total_halves >= b.min.halves())
        .map_or(lowest, |b| b.id.clone())
}

impl Score {
    /// The `totals` block an exporter writes for this score.
    pub fn totals(&self) -> Totals {
        let points = |h: u32| f64::from(h) / 2.0;
        Totals {
            total: points(self.total_halves),
            max: points(self.max_halves),
            band: self.band.clone(),
            vetoed: !self.vetoed.is_empty(),
            answered: self.answered,
            criteria: self.count,
            stages: self
                .stages
                .iter()
                .map(|(id, h)| (id.clone(), points(*h)))
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|(id, h)| (id.clone(), points(*h)))
                .collect(),
        }
    }
}

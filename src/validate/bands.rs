//! A rubric's bands (exactly 优良, 合格, 不合格, from the highest
//! threshold down to 0, none above the total) and the labels of its
//! closing block (督导结果 and the signature lines).

use super::BAND_IDS;
use super::table::RubricCtx;
use crate::load::RawRubric;
use crate::model::*;

impl RubricCtx<'_> {
    pub(super) fn bands(&mut self, raw: &RawRubric, total: Points) -> Vec<Band> {
        let mut bands = Vec::new();
        let mut previous: Option<Points> = None;
        let mut rejected = false;
        for raw_band in &raw.bands.value {
            let band = &raw_band.value;
            if !BAND_IDS.contains(&band.id.value.as_str()) {
                self.error(
                    &band.id,
                    format!("unknown band id `{}`", band.id.value),
                    "bands are `excellent` (优良), `pass` (合格) and `fail` (不合格)",
                );
            }
            self.check_id(&band.id, "band");
            let min = match Points::from_f64(band.min.value) {
                Some(min) => min,
                None => {
                    let value = band.min.value;
                    let hint = if value.is_finite() && value > 0.0 {
                        let halves = value * 2.0;
                        format!(
                            "round to a half point: {} or {}",
                            halves.floor() / 2.0,
                            halves.ceil() / 2.0
                        )
                    } else {
                        "use a score such as 85 or 60; the lowest band starts at 0".to_owned()
                    };
                    self.error(
                        &band.min,
                        format!(
                            "band `{}` minimum must be a non-negative multiple of 0.5, found `{value}`",
                            band.label.value
                        ),
                        hint,
                    );
                    rejected = true;
                    continue;
                }
            };
            if min > total {
                self.error(
                    &band.min,
                    format!(
                        "band `{}` starts at {min}, above the total {total}",
                        band.label.value
                    ),
                    "lower the threshold",
                );
            }
            if previous.is_some_and(|p| min >= p) {
                self.error(
                    &band.min,
                    format!(
                        "band `{}` must start below the band before it",
                        band.label.value
                    ),
                    "list bands from the highest threshold to the lowest, e.g. 85, 60, 0",
                );
            }
            previous = Some(min);
            bands.push(Band {
                id: band.id.value.clone(),
                label: band.label.value.clone(),
                min,
                consequence: band.consequence.clone(),
            });
        }
        if rejected {
            return bands;
        }
        let ids: Vec<&str> = bands.iter().map(|b| b.id.as_str()).collect();
        if ids != BAND_IDS && !bands.is_empty() {
            self.error(
                &raw.bands,
                "bands must be exactly excellent, pass, fail, in that order",
                "the notice defines three bands: ≥85 优良, <60 不合格, otherwise 合格",
            );
        } else if bands.is_empty() {
            self.error(
                &raw.bands,
                "the rubric has no bands",
                "add excellent (min 85), pass (min 60) and fail (min 0)",
            );
        }
        if let (Some(band), Some(raw_band)) = (bands.last(), raw.bands.value.last())
            && band.min != Points(0)
        {
            self.error(
                &raw_band.value.min,
                format!("the lowest band must start at 0, not {}", band.min),
                "set `min: 0` on the `fail` band",
            );
        }
        bands
    }
}

impl RubricCtx<'_> {
    /// `labels:` with the defaults filled in; an empty label is an error,
    /// since it would print a blank where the form names the result or a
    /// signer.
    pub(super) fn labels(&mut self, raw: &RawRubric) -> Labels {
        let mut labels = Labels::default();
        let Some(spanned) = &raw.labels else {
            return labels;
        };
        let given = &spanned.value;
        if let Some(result) = &given.result {
            if result.trim().is_empty() {
                self.error(
                    spanned,
                    "label `result` is empty",
                    "name the result block, e.g. `result: 核实结果`, or leave the key out for 督导结果",
                );
            }
            labels.result = result.clone();
        }
        if let Some(signatures) = &given.signatures {
            if signatures.is_empty() || signatures.iter().any(|s| s.trim().is_empty()) {
                self.error(
                    spanned,
                    "label `signatures` is empty or has an empty line",
                    "list one label per signature line, e.g. `[核实(组)员签字, 被督导机构负责人签字]`",
                );
            }
            labels.signatures = signatures.clone();
        }
        labels
    }
}

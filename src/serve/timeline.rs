//! When each step of a rebuild happened, in one recorder for both of its
//! readers: serve's log line (how long each step took) and, under
//! `DUDAO_SERVE_TRACE`, the same marks as Unix epoch milliseconds, so
//! `scripts/bench-serve.mjs` can line them up with the browser's clock.

use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Named instants, in the order they happened.
pub struct Timeline {
    marks: Vec<(&'static str, Instant)>,
    /// One instant and the wall-clock time at it: what turns every mark
    /// into epoch milliseconds (an `Instant` has no epoch).
    anchor: (Instant, SystemTime),
}

impl Timeline {
    /// A timeline whose first step, `step`, happened at `at` (which may be
    /// in the past: the file event a rebuild started from).
    pub fn starting(step: &'static str, at: Instant) -> Timeline {
        Timeline {
            marks: vec![(step, at)],
            anchor: (Instant::now(), SystemTime::now()),
        }
    }

    /// Records that `step` happened now.
    pub fn mark(&mut self, step: &'static str) {
        self.marks.push((step, Instant::now()));
    }

    /// How long after the mark `from` the last mark came (zero if there is
    /// no mark `from`).
    pub fn since(&self, from: &str) -> Duration {
        let last = self.marks.last().map(|(_, at)| *at);
        let start = self.marks.iter().find(|(step, _)| *step == from);
        match (start, last) {
            (Some((_, start)), Some(last)) => last.saturating_duration_since(*start),
            _ => Duration::ZERO,
        }
    }

    /// Each mark after the first as epoch milliseconds: `event=… built=…`.
    pub fn epoch_marks(&self) -> String {
        let (anchor, wall) = self.anchor;
        let anchor_ms = wall
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3);
        let marks: Vec<String> = self
            .marks
            .iter()
            .map(|(step, at)| {
                let offset = match at.checked_duration_since(anchor) {
                    Some(after) => after.as_secs_f64(),
                    None => -anchor.duration_since(*at).as_secs_f64(),
                };
                format!("{step}={:.1}", anchor_ms + offset * 1e3)
            })
            .collect();
        marks.join(" ")
    }
}

/// How long each step took after the one before: `load 30, pages 70`.
impl fmt::Display for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps: Vec<String> = self
            .marks
            .windows(2)
            .map(|pair| {
                let took = pair[1].1.saturating_duration_since(pair[0].1);
                format!("{} {}", pair[1].0, took.as_millis())
            })
            .collect();
        f.write_str(&steps.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeline_reads_as_steps_and_as_epoch_marks_on_one_clock() {
        let started = Instant::now() - Duration::from_millis(30);
        let mut timeline = Timeline::starting("event", started);
        timeline.mark("load");
        let steps = timeline.to_string();
        assert!(steps.starts_with("load "), "{steps}");
        let took: u64 = steps["load ".len()..].parse().unwrap();
        assert!((30..1000).contains(&took), "{steps}");
        assert!(timeline.since("event") >= Duration::from_millis(30));
        assert_eq!(timeline.since("nothing"), Duration::ZERO);

        let marks = timeline.epoch_marks();
        let at: Vec<f64> = marks
            .split(' ')
            .map(|m| m.split_once('=').unwrap().1.parse().unwrap())
            .collect();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1e3;
        assert!(marks.starts_with("event=") && marks.contains(" load="));
        assert!(at[1] - at[0] >= 29.0 && at[1] <= now + 1.0, "{marks}");
    }
}

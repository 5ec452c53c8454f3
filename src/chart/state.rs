//! What the chart shows: each device's recent points within a time window, its last value and
//! whether that is under the threshold; at most [`MAX_VISIBLE`] devices drawn (the most
//! recently active), the others counted.

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::time::Duration;

use super::palette::SLOTS;

/// At most this many devices are drawn; the others are only counted.
pub const MAX_VISIBLE: usize = SLOTS;

/// One device's recent points, oldest first.
#[derive(Debug, Clone)]
pub struct Series {
    name: String,
    points: VecDeque<(u64, f64)>,
    /// Arrival order of the latest point: higher is more recent.
    seen: u64,
    /// Colour or mark slot while visible.
    slot: Option<usize>,
}

impl Series {
    /// The device name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The newest value (by time).
    pub fn last(&self) -> Option<f64> {
        self.points.back().map(|(_, h)| *h)
    }

    /// The points as `(time_ms, humidity)`, oldest first.
    pub fn points(&self) -> impl Iterator<Item = (u64, f64)> + '_ {
        self.points.iter().copied()
    }

    /// Its colour or mark slot, 0..[`MAX_VISIBLE`], while it is visible.
    pub fn slot(&self) -> Option<usize> {
        self.slot
    }
}

/// The chart's data, independent of any terminal.
#[derive(Debug, Clone)]
pub struct ChartState {
    threshold: f64,
    window_ms: u64,
    color: bool,
    series: Vec<Series>,
    newest_ms: u64,
    arrivals: u64,
}

impl ChartState {
    /// An empty chart marking values under `threshold`, showing `window` of history, in colour.
    pub fn new(threshold: f64, window: Duration) -> ChartState {
        ChartState {
            threshold,
            window_ms: u64::try_from(window.as_millis())
                .unwrap_or(u64::MAX)
                .max(1000),
            color: true,
            series: Vec::new(),
            newest_ms: 0,
            arrivals: 0,
        }
    }

    /// The same chart, drawn in colour or (for NO_COLOR) with monochrome marks.
    pub fn with_color(mut self, color: bool) -> ChartState {
        self.color = color;
        self
    }

    /// Whether the chart is drawn in colour.
    pub fn color(&self) -> bool {
        self.color
    }

    /// The alert threshold.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// How much history is kept and shown.
    pub fn window(&self) -> Duration {
        Duration::from_millis(self.window_ms)
    }

    /// Adds a reading. Points older than the window (before the newest point seen) are dropped;
    /// readings that are not numbers are ignored.
    pub fn push(&mut self, device: &str, time_ms: u64, humidity: f64) {
        if !humidity.is_finite() {
            return;
        }
        self.newest_ms = self.newest_ms.max(time_ms);
        let cutoff = self.newest_ms.saturating_sub(self.window_ms);
        if time_ms < cutoff {
            return;
        }
        self.arrivals += 1;
        let index = match self.series.iter().position(|s| s.name == device) {
            Some(index) => index,
            None => {
                self.series.push(Series {
                    name: device.to_string(),
                    points: VecDeque::new(),
                    seen: 0,
                    slot: None,
                });
                self.series.len() - 1
            }
        };
        let series = &mut self.series[index];
        series.seen = self.arrivals;
        // Keep points in time order, even when a late message arrives.
        let at = series.points.partition_point(|(t, _)| *t <= time_ms);
        series.points.insert(at, (time_ms, humidity));
        self.trim(cutoff);
    }

    /// Drops points older than `window` before `now_ms`, and devices left without points.
    pub fn prune(&mut self, now_ms: u64) {
        self.trim(now_ms.max(self.newest_ms).saturating_sub(self.window_ms));
    }

    /// Devices with points in the window.
    pub fn device_count(&self) -> usize {
        self.series.len()
    }

    /// Devices with points in the window that are not drawn.
    pub fn hidden_count(&self) -> usize {
        self.series.len().saturating_sub(MAX_VISIBLE)
    }

    /// Devices whose last value is under the threshold.
    pub fn under_count(&self) -> usize {
        self.series.iter().filter(|s| self.is_under(s)).count()
    }

    /// Whether a device's last value is under the threshold (as the alert rule compares).
    pub fn is_under(&self, series: &Series) -> bool {
        series.last().is_some_and(|h| h < self.threshold)
    }

    /// A device's series, visible or not.
    pub fn series(&self, device: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.name == device)
    }

    /// The drawn devices (the [`MAX_VISIBLE`] most recently active), ordered by name with
    /// numbers compared as numbers (`soilSensor2` before `soilSensor10`).
    pub fn visible(&self) -> Vec<&Series> {
        let mut visible: Vec<&Series> = self.series.iter().filter(|s| s.slot.is_some()).collect();
        visible.sort_by(|a, b| natural_cmp(&a.name, &b.name));
        visible
    }

    fn trim(&mut self, cutoff: u64) {
        for series in &mut self.series {
            while series.points.front().is_some_and(|(t, _)| *t < cutoff) {
                series.points.pop_front();
            }
        }
        self.series.retain(|s| !s.points.is_empty());
        self.assign_slots();
    }

    /// Gives the most recently active devices a slot, keeping the slots they already hold.
    fn assign_slots(&mut self) {
        let mut order: Vec<usize> = (0..self.series.len()).collect();
        order.sort_by(|a, b| self.series[*b].seen.cmp(&self.series[*a].seen));
        let (shown, hidden) = order.split_at(order.len().min(MAX_VISIBLE));
        for &i in hidden {
            self.series[i].slot = None;
        }
        let mut taken = [false; MAX_VISIBLE];
        for &i in shown {
            if let Some(slot) = self.series[i].slot {
                taken[slot] = true;
            }
        }
        for &i in shown {
            if self.series[i].slot.is_none()
                && let Some(free) = taken.iter().position(|t| !t)
            {
                taken[free] = true;
                self.series[i].slot = Some(free);
            }
        }
    }
}

/// Orders names with their runs of digits compared as numbers.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a_rest, mut b_rest) = (a, b);
    loop {
        match (a_rest.chars().next(), b_rest.chars().next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let a_len = a_rest
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(a_rest.len());
                let b_len = b_rest
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(b_rest.len());
                let a_num = a_rest[..a_len].trim_start_matches('0');
                let b_num = b_rest[..b_len].trim_start_matches('0');
                let by_number = a_num.len().cmp(&b_num.len()).then_with(|| a_num.cmp(b_num));
                if by_number != Ordering::Equal {
                    return by_number;
                }
                a_rest = &a_rest[a_len..];
                b_rest = &b_rest[b_len..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                a_rest = &a_rest[x.len_utf8()..];
                b_rest = &b_rest[y.len_utf8()..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(60);

    fn names(state: &ChartState) -> Vec<&str> {
        state.visible().iter().map(|s| s.name()).collect()
    }

    #[test]
    fn keeps_points_in_the_window_only() {
        let mut state = ChartState::new(35.0, WINDOW);
        state.push("a", 1_000, 50.0);
        state.push("a", 30_000, 49.0);
        state.push("b", 40_000, 60.0);
        assert_eq!(state.series("a").map(|s| s.points().count()), Some(2));
        // 61 s after the first point: it falls out.
        state.push("b", 62_000, 59.0);
        let a: Vec<(u64, f64)> = state
            .series("a")
            .map(|s| s.points().collect())
            .unwrap_or_default();
        assert_eq!(a, [(30_000, 49.0)]);
        // A point already older than the window is not kept.
        state.push("c", 1_500, 10.0);
        assert!(state.series("c").is_none());
        // Pruning by the clock drops devices that went quiet.
        state.prune(95_000);
        assert!(state.series("a").is_none());
        assert_eq!(state.device_count(), 1);
        state.prune(200_000);
        assert_eq!(state.device_count(), 0);
        assert!(state.visible().is_empty());
    }

    #[test]
    fn late_points_are_kept_in_time_order() {
        let mut state = ChartState::new(35.0, WINDOW);
        state.push("a", 10_000, 50.0);
        state.push("a", 20_000, 40.0);
        state.push("a", 15_000, 45.0);
        let times: Vec<u64> = state
            .series("a")
            .map(|s| s.points().map(|(t, _)| t).collect())
            .unwrap_or_default();
        assert_eq!(times, [10_000, 15_000, 20_000]);
        assert_eq!(state.series("a").and_then(Series::last), Some(40.0));
    }

    #[test]
    fn shows_the_most_recently_active_devices_and_counts_the_rest() {
        let mut state = ChartState::new(35.0, WINDOW);
        for i in 1..=15 {
            state.push(&format!("soilSensor{i}"), 1_000 + i, 50.0);
        }
        assert_eq!(state.device_count(), 15);
        assert_eq!(state.hidden_count(), 3);
        let shown = names(&state);
        assert_eq!(shown.len(), MAX_VISIBLE);
        assert_eq!(shown.first(), Some(&"soilSensor4"));
        assert_eq!(shown.last(), Some(&"soilSensor15"));
        assert!(!shown.contains(&"soilSensor1"));

        // soilSensor1 speaks again: it is shown, the least recent one is not.
        state.push("soilSensor1", 2_000, 50.0);
        let shown = names(&state);
        assert!(shown.contains(&"soilSensor1"));
        assert!(!shown.contains(&"soilSensor4"));
        assert_eq!(state.hidden_count(), 3);
    }

    #[test]
    fn slots_are_distinct_and_stable() {
        let mut state = ChartState::new(35.0, WINDOW);
        for i in 1..=MAX_VISIBLE {
            state.push(&format!("d{i}"), 1_000, 50.0);
        }
        let before: Vec<(String, Option<usize>)> = state
            .visible()
            .iter()
            .map(|s| (s.name().to_string(), s.slot()))
            .collect();
        let mut slots: Vec<usize> = before.iter().filter_map(|(_, s)| *s).collect();
        slots.sort_unstable();
        assert_eq!(slots, (0..MAX_VISIBLE).collect::<Vec<_>>());

        // A 13th device takes the slot of the one it displaces; everyone else keeps theirs.
        let displaced = state.series("d1").and_then(Series::slot);
        state.push("d13", 2_000, 50.0);
        assert_eq!(state.series("d13").and_then(Series::slot), displaced);
        assert_eq!(state.series("d1").and_then(Series::slot), None);
        for (name, slot) in &before[1..] {
            assert_eq!(state.series(name).and_then(Series::slot), *slot, "{name}");
        }
    }

    #[test]
    fn flags_devices_under_the_threshold() {
        let mut state = ChartState::new(35.0, WINDOW);
        state.push("dry", 1_000, 40.0);
        state.push("dry", 2_000, 34.0);
        state.push("wet", 1_000, 30.0);
        state.push("wet", 2_000, 60.0);
        state.push("edge", 2_000, 35.0);
        let under = |name: &str| state.series(name).is_some_and(|s| state.is_under(s));
        assert!(under("dry"));
        assert!(!under("wet"));
        assert!(!under("edge"), "35 is not under 35");
        assert_eq!(state.under_count(), 1);
    }

    #[test]
    fn ignores_values_that_are_not_numbers() {
        let mut state = ChartState::new(35.0, WINDOW);
        state.push("a", 1_000, f64::NAN);
        state.push("a", 1_000, f64::INFINITY);
        assert_eq!(state.device_count(), 0);
    }

    #[test]
    fn natural_order() {
        let mut names = [
            "soilSensor10",
            "soilSensor2",
            "soilSensor1",
            "alpha",
            "soilSensor02",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "alpha",
                "soilSensor1",
                "soilSensor02",
                "soilSensor2",
                "soilSensor10"
            ]
        );
    }
}

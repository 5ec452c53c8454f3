//! A believable humidity series for one soil sensor, deterministic from (seed, device index).
//!
//! Time is compressed so that a short demo shows a full story: at [`SOIL_TIME_SCALE`] one
//! reading every 5 s of wall time is one hour of soil time, and a device loses about 2-4
//! points a reading. Each device starts at its own level (threshold + 1 to + 41, so 36-76 for
//! the default 35), dries at its own rate (faster when wetter, faster at midday), carries a
//! little sensor noise, and is watered (a jump of 15-35 points, up to 92) when it falls under
//! its next watering level. Devices that start just over the threshold belong to forgetful
//! owners: they are watered a few points under the threshold the first time and mostly after,
//! so they dip under it before recovering; the others are mostly watered in time, but not
//! always. With 5 devices, a 30 s demo at 5 s intervals shows a few readings under 35.

use std::f64::consts::TAU;
use std::time::Duration;

/// Seconds of soil time per second of simulated (wall) time: 5 s between readings is one hour.
pub const SOIL_TIME_SCALE: f64 = 720.0;

/// Residual moisture of dry soil: drying slows as the level approaches it.
const FLOOR: f64 = 5.0;
/// The level at which a device dries at exactly its drying rate.
const REFERENCE_LEVEL: f64 = 40.0;
/// Field capacity: watering cannot push the level above this.
const SATURATION: f64 = 92.0;
/// An open valve brings the level toward this.
const VALVE_TARGET: f64 = 80.0;
/// Fraction of the distance to [`VALVE_TARGET`] an open valve covers per soil hour (as a rate).
const VALVE_RATE: f64 = 0.6;
/// Relative strength of the daily evaporation cycle.
const DAILY_SWING: f64 = 0.25;
/// Longest integration step, in soil hours.
const MAX_STEP_H: f64 = 0.25;
/// Longer gaps are simulated as this long: beyond a week the soil has settled anyway.
const MAX_GAP_H: f64 = 24.0 * 7.0;
/// Peak sensor noise, in points.
const NOISE: f64 = 1.0;
/// Share of the start range that makes a device "forgetful" (it starts dry, is watered late).
const FORGETFUL_SHARE: f64 = 0.3;

/// One device's soil: its true moisture, its habits and the last value it reported.
#[derive(Debug, Clone)]
pub struct Model {
    rng: fastrand::Rng,
    threshold: f64,
    /// True moisture, percent.
    level: f64,
    /// The last value reported (level plus noise), percent.
    reported: f64,
    /// Points lost per soil hour at [`REFERENCE_LEVEL`] on an average day.
    drying: f64,
    /// Whether this device's owner tends to water late.
    forgetful: bool,
    /// The device is watered when its level falls under this.
    water_at: f64,
    /// Soil hours since the start.
    clock_h: f64,
    /// Time of day at the start, as a fraction of a day (shared by the fleet of one seed).
    day_phase: f64,
    valve_open: bool,
}

impl Model {
    /// Device `index` of the fleet seeded with `seed`, alerting under `threshold`.
    pub fn new(seed: u64, index: usize, threshold: f64) -> Model {
        let threshold = if threshold.is_finite() {
            threshold.clamp(0.0, 100.0)
        } else {
            35.0
        };
        let fleet = splitmix64(seed);
        // Spread the fleet's start levels evenly (golden-ratio sequence from a seeded offset),
        // so that even five devices include one that starts close to the threshold.
        let offset = unit(fleet);
        let stratum = (offset + index as f64 * GOLDEN).fract();
        let day_phase = unit(splitmix64(fleet));

        let mut rng = fastrand::Rng::with_seed(splitmix64(fleet ^ splitmix64(index as u64 + 1)));
        // Forgetful owners' devices start just over the threshold (+1 to +6), the others
        // spread over +6 to +41.
        let forgetful = stratum < FORGETFUL_SHARE;
        let above = if forgetful {
            1.0 + 5.0 * stratum / FORGETFUL_SHARE
        } else {
            6.0 + 35.0 * (stratum - FORGETFUL_SHARE) / (1.0 - FORGETFUL_SHARE)
        };
        let level = (threshold + above + rng.f64() - 0.5).clamp(FLOOR, SATURATION);
        let drying = 1.5 + 1.0 * rng.f64();
        let mut model = Model {
            rng,
            threshold,
            level,
            reported: level,
            drying,
            forgetful,
            water_at: 0.0,
            clock_h: 0.0,
            day_phase,
            valve_open: false,
        };
        // A forgetful owner is always late the first time: that is what a short demo shows.
        model.water_at = if forgetful {
            model.late_watering_level()
        } else {
            model.next_watering_level()
        };
        model
    }

    /// The humidity reported after `elapsed` of simulated time since the previous reading:
    /// 0..=100.
    pub fn next(&mut self, elapsed: Duration) -> f64 {
        let mut left = (elapsed.as_secs_f64() * SOIL_TIME_SCALE / 3600.0).min(MAX_GAP_H);
        while left > 0.0 {
            let step = left.min(MAX_STEP_H);
            self.advance(step);
            left -= step;
        }
        let noise = (self.rng.f64() + self.rng.f64() - 1.0) * NOISE;
        self.reported = (self.level + noise).clamp(0.0, 100.0);
        self.reported
    }

    /// The last reported humidity (the start level before the first reading).
    pub fn humidity(&self) -> f64 {
        self.reported
    }

    /// The threshold this device's habits are set against.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Opens or closes the irrigation valve: while open the soil neither dries nor waits to be
    /// watered, it rises steadily toward about 80 %.
    pub fn set_valve(&mut self, open: bool) {
        if self.valve_open && !open {
            self.water_at = self.next_watering_level();
        }
        self.valve_open = open;
    }

    /// Whether the irrigation valve is open.
    pub fn valve_open(&self) -> bool {
        self.valve_open
    }

    fn advance(&mut self, hours: f64) {
        self.clock_h += hours;
        if self.valve_open {
            let gained = 1.0 - (-VALVE_RATE * hours).exp();
            self.level += (VALVE_TARGET - self.level) * gained;
            return;
        }
        let sun = 1.0 + DAILY_SWING * (TAU * (self.clock_h / 24.0 + self.day_phase)).sin();
        let wetness = (self.level - FLOOR).max(0.0) / (REFERENCE_LEVEL - FLOOR);
        let drift = (self.rng.f64() - 0.5) * 0.4 * hours.sqrt();
        self.level = (self.level - self.drying * wetness * sun * hours + drift).clamp(FLOOR, 100.0);
        if self.level < self.water_at {
            self.level = (self.level + 15.0 + 20.0 * self.rng.f64()).min(SATURATION);
            self.water_at = self.next_watering_level();
        }
    }

    /// The level under which the device is watered next: a few points under the threshold when
    /// the owner is late (most times for forgetful owners, now and then for the others),
    /// otherwise a few points over it. Always above [`FLOOR`], so watering always comes.
    fn next_watering_level(&mut self) -> f64 {
        let late_chance = if self.forgetful { 0.8 } else { 0.15 };
        if self.rng.f64() < late_chance {
            self.late_watering_level()
        } else {
            (self.threshold + 2.0 + 10.0 * self.rng.f64()).clamp(FLOOR + 2.0, SATURATION - 15.0)
        }
    }

    /// A watering level 3 to 12 points under the threshold.
    fn late_watering_level(&mut self) -> f64 {
        (self.threshold - 3.0 - 9.0 * self.rng.f64()).clamp(FLOOR + 2.0, SATURATION - 15.0)
    }
}

/// The golden ratio's fractional part: successive multiples spread evenly over 0..1.
const GOLDEN: f64 = 0.618_033_988_749_894_9;

/// SplitMix64's finaliser: a well-mixed 64-bit value from any input.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A value in 0..1 from 64 random bits.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const INTERVAL: Duration = Duration::from_secs(5);

    fn series(seed: u64, index: usize, n: usize) -> Vec<f64> {
        let mut model = Model::new(seed, index, 35.0);
        (0..n).map(|_| model.next(INTERVAL)).collect()
    }

    #[test]
    fn same_seed_same_series() {
        assert_eq!(series(7, 3, 200), series(7, 3, 200));
    }

    #[test]
    fn different_seeds_or_devices_differ() {
        assert_ne!(series(7, 3, 50), series(8, 3, 50));
        assert_ne!(series(7, 3, 50), series(7, 4, 50));
        assert_ne!(series(0, 0, 50), series(0, 1, 50));
    }

    #[test]
    fn starts_roughly_between_35_and_75() {
        for seed in 0..50 {
            for index in 0..20 {
                let start = Model::new(seed, index, 35.0).humidity();
                assert!(
                    (35.0..=77.0).contains(&start),
                    "seed {seed} device {index}: {start}"
                );
            }
        }
    }

    #[test]
    fn dries_between_waterings() {
        let mut model = Model::new(1, 0, 35.0);
        model.level = 70.0;
        model.water_at = 20.0;
        let first = model.next(INTERVAL);
        for _ in 0..10 {
            model.next(INTERVAL);
        }
        assert!(model.level < first - 5.0, "{first} -> {}", model.level);
    }

    #[test]
    fn wetter_soil_dries_faster() {
        let drop_from = |start: f64| {
            let mut model = Model::new(2, 1, 35.0);
            model.level = start;
            model.water_at = 0.0;
            model.next(INTERVAL);
            start - model.level
        };
        assert!(drop_from(80.0) > drop_from(40.0) + 1.0);
    }

    #[test]
    fn watering_raises_humidity() {
        let mut model = Model::new(3, 2, 35.0);
        model.level = model.water_at + 0.2;
        let before = model.level;
        model.next(INTERVAL);
        assert!(
            model.level >= before + 12.0,
            "{before} -> {} (watered at {})",
            model.level,
            model.water_at
        );
    }

    #[test]
    fn watering_happens_in_every_long_run() {
        for index in 0..10 {
            let values = series(11, index, 400);
            let jumps = values.windows(2).filter(|w| w[1] > w[0] + 10.0).count();
            assert!(jumps >= 2, "device {index} watered {jumps} times");
        }
    }

    #[test]
    fn open_valve_rises_toward_80_and_closing_it_dries_again() {
        let mut model = Model::new(4, 0, 35.0);
        model.level = 30.0;
        model.water_at = 10.0;
        model.set_valve(true);
        assert!(model.valve_open());
        let mut previous = model.level;
        for _ in 0..12 {
            model.next(INTERVAL);
            assert!(model.level > previous, "{previous} -> {}", model.level);
            previous = model.level;
        }
        assert!((75.0..=80.0).contains(&model.level), "{}", model.level);
        model.set_valve(false);
        let open_level = model.level;
        for _ in 0..5 {
            model.next(INTERVAL);
        }
        assert!(model.level < open_level, "{open_level} -> {}", model.level);
    }

    #[test]
    fn open_valve_brings_a_wet_soil_down_to_80() {
        let mut model = Model::new(4, 1, 35.0);
        model.level = 90.0;
        model.set_valve(true);
        for _ in 0..20 {
            model.next(INTERVAL);
        }
        assert!((79.0..=82.0).contains(&model.level), "{}", model.level);
    }

    #[test]
    fn a_fleet_of_20_dips_now_and_then_and_is_mostly_fine() {
        for seed in [0, 1, 42] {
            let all: Vec<f64> = (0..20).flat_map(|i| series(seed, i, 500)).collect();
            let under = all.iter().filter(|h| **h < 35.0).count();
            assert!(under > 0, "seed {seed}: never under the threshold");
            let share = under as f64 / all.len() as f64;
            assert!(
                share < 0.25,
                "seed {seed}: under the threshold {share:.2} of the time"
            );
        }
    }

    #[test]
    fn a_30_second_demo_of_5_devices_shows_dips() {
        // Readings at 0, 5, ..., 30 s, as published (rounded), compared as the rule does.
        let mut with_two_or_more = 0;
        for seed in 0..200 {
            let dips: usize = (0..5)
                .map(|i| {
                    let mut model = Model::new(seed, i, 35.0);
                    let mut values = vec![model.humidity()];
                    values.extend((0..6).map(|_| model.next(INTERVAL)));
                    values.iter().filter(|h| h.round() < 35.0).count()
                })
                .sum();
            assert!(dips >= 1, "seed {seed}: the demo shows no dip");
            if dips >= 2 {
                with_two_or_more += 1;
            }
        }
        assert!(
            with_two_or_more >= 180,
            "{with_two_or_more} of 200 demos dip twice"
        );
    }

    #[test]
    fn odd_thresholds_and_gaps_are_safe() {
        for threshold in [f64::NAN, -10.0, 0.0, 100.0, 250.0] {
            let mut model = Model::new(9, 0, threshold);
            for elapsed in [Duration::ZERO, Duration::from_secs(3600), Duration::MAX] {
                let h = model.next(elapsed);
                assert!((0.0..=100.0).contains(&h), "{threshold}: {h}");
            }
        }
    }

    proptest! {
        #[test]
        fn stays_within_0_and_100(
            seed in any::<u64>(),
            index in 0usize..1000,
            threshold in 0.0f64..100.0,
            steps in proptest::collection::vec((0u64..120_000, any::<bool>(), 0u8..10), 1..80),
        ) {
            let mut model = Model::new(seed, index, threshold);
            prop_assert!((0.0..=100.0).contains(&model.humidity()));
            for (ms, valve, toggle) in steps {
                if toggle == 0 {
                    model.set_valve(valve);
                }
                let h = model.next(Duration::from_millis(ms));
                prop_assert!((0.0..=100.0).contains(&h), "{}", h);
                prop_assert_eq!(h, model.humidity());
            }
        }

        #[test]
        fn same_inputs_same_series(seed in any::<u64>(), index in 0usize..100) {
            let run = || {
                let mut model = Model::new(seed, index, 35.0);
                (0..30).map(|_| model.next(INTERVAL)).collect::<Vec<_>>()
            };
            prop_assert_eq!(run(), run());
        }

        #[test]
        fn neighbouring_devices_differ(seed in any::<u64>(), index in 0usize..100) {
            prop_assert_ne!(series(seed, index, 20), series(seed, index + 1, 20));
            prop_assert_ne!(series(seed, index, 20), series(seed.wrapping_add(1), index, 20));
        }
    }
}

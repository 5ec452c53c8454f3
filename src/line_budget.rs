//! How many lines of one kind a long-running command prints per second before it only counts
//! them: a busy backend, or a client hammering it with bad connections, must not spend its
//! time writing to the terminal, yet nothing is hidden: what was left out is said as a count.

use std::time::{Duration, Instant};

/// Admits up to `per_second` lines in each one-second window and counts the rest.
#[derive(Debug)]
pub struct LineBudget {
    per_second: u64,
    window_start: Instant,
    printed: u64,
    left_out: u64,
}

/// What to do with one line.
#[derive(Debug, PartialEq, Eq)]
pub struct Admission {
    /// Print it.
    pub print: bool,
    /// Lines left out in the window that just ended: say how many, first.
    pub left_out_before: Option<u64>,
}

impl LineBudget {
    pub fn new(per_second: u64, now: Instant) -> Self {
        LineBudget {
            per_second,
            window_start: now,
            printed: 0,
            left_out: 0,
        }
    }

    /// One more line at `now`; `always` lines (the user asked for every line) are printed
    /// regardless, but still count.
    pub fn admit(&mut self, now: Instant, always: bool) -> Admission {
        let mut left_out_before = None;
        if now.saturating_duration_since(self.window_start) >= Duration::from_secs(1) {
            if self.left_out > 0 {
                left_out_before = Some(self.left_out);
            }
            self.window_start = now;
            self.printed = 0;
            self.left_out = 0;
        }
        let print = always || self.printed < self.per_second;
        if print {
            self.printed += 1;
        } else {
            self.left_out += 1;
        }
        Admission {
            print,
            left_out_before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_cut_to_the_budget_and_counted_in_the_next_window() {
        let t0 = Instant::now();
        let mut budget = LineBudget::new(3, t0);
        let printed: Vec<bool> = (0..10).map(|_| budget.admit(t0, false).print).collect();
        assert_eq!(printed.iter().filter(|p| **p).count(), 3);
        let next = budget.admit(t0 + Duration::from_millis(1500), false);
        assert_eq!(
            next,
            Admission {
                print: true,
                left_out_before: Some(7)
            }
        );
        // Nothing was left out of the second window.
        let later = budget.admit(t0 + Duration::from_secs(3), false);
        assert_eq!(later.left_out_before, None);
    }

    #[test]
    fn always_prints_but_keeps_counting() {
        let t0 = Instant::now();
        let mut budget = LineBudget::new(1, t0);
        assert!(budget.admit(t0, true).print);
        assert!(budget.admit(t0, true).print);
        assert!(!budget.admit(t0, false).print);
    }
}

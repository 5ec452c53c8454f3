//! AWS IoT Core's connect throttle: at most one accepted CONNECT per interval (1 s) for each
//! client id. A refused CONNECT does not count, so a client that backs off gets in on its next
//! try, and a storm of one client id costs the others nothing but the refusals.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Entries kept before the stale ones (older than the interval) are pruned.
const PRUNE_FLOOR: usize = 1024;

pub(super) struct ConnectThrottle {
    interval: Duration,
    state: Mutex<State>,
}

struct State {
    /// When each client id last had a CONNECT accepted.
    last: HashMap<Arc<str>, Instant>,
    /// Prune when `last` grows past this.
    prune_at: usize,
}

impl ConnectThrottle {
    pub(super) fn new(interval: Duration) -> Self {
        Self {
            interval,
            state: Mutex::new(State {
                last: HashMap::new(),
                prune_at: PRUNE_FLOOR,
            }),
        }
    }

    pub(super) fn interval(&self) -> Duration {
        self.interval
    }

    /// Counts a CONNECT for `client_id` if the last accepted one is at least the interval ago;
    /// otherwise returns how long ago that one was.
    pub(super) fn admit(&self, client_id: &Arc<str>) -> Result<(), Duration> {
        if self.interval.is_zero() {
            return Ok(());
        }
        let now = Instant::now();
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&last) = state.last.get(client_id) {
            let since = now.saturating_duration_since(last);
            if since < self.interval {
                return Err(since);
            }
        }
        state.last.insert(client_id.clone(), now);
        if state.last.len() > state.prune_at {
            let interval = self.interval;
            state
                .last
                .retain(|_, last| now.saturating_duration_since(*last) < interval);
            state.prune_at = (state.last.len() * 2).max(PRUNE_FLOOR);
        }
        Ok(())
    }

    /// Client ids remembered (for tests of the pruning).
    #[cfg(test)]
    fn remembered(&self) -> usize {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.last.len()
    }
}

/// Why a CONNECT was throttled, `since` after the last accepted one.
pub(super) fn refusal(interval: Duration, since: Duration) -> String {
    format!(
        "too many connect requests for this client id: the last was accepted {} ago, and at most one per {} is allowed (AWS IoT Core's limit)",
        super::limits::words(since),
        super::limits::words(interval)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn one_connect_per_interval_per_client_id() {
        let throttle = ConnectThrottle::new(Duration::from_secs(1));
        let a: Arc<str> = Arc::from("a");
        let b: Arc<str> = Arc::from("b");
        assert_eq!(throttle.admit(&a), Ok(()));
        assert_eq!(throttle.admit(&b), Ok(()));
        tokio::time::advance(Duration::from_millis(400)).await;
        assert_eq!(throttle.admit(&a), Err(Duration::from_millis(400)));
        // A refused CONNECT does not count: one second after the accepted one is enough.
        tokio::time::advance(Duration::from_millis(600)).await;
        assert_eq!(throttle.admit(&a), Ok(()));
        assert_eq!(throttle.admit(&a), Err(Duration::ZERO));
    }

    #[tokio::test(start_paused = true)]
    async fn zero_interval_admits_everything() {
        let throttle = ConnectThrottle::new(Duration::ZERO);
        let a: Arc<str> = Arc::from("a");
        for _ in 0..10 {
            assert_eq!(throttle.admit(&a), Ok(()));
        }
        assert_eq!(throttle.remembered(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn stale_client_ids_are_forgotten() {
        let throttle = ConnectThrottle::new(Duration::from_secs(1));
        for i in 0..PRUNE_FLOOR {
            assert_eq!(throttle.admit(&Arc::from(format!("old-{i}"))), Ok(()));
        }
        tokio::time::advance(Duration::from_secs(2)).await;
        for i in 0..10 {
            assert_eq!(throttle.admit(&Arc::from(format!("new-{i}"))), Ok(()));
        }
        assert!(throttle.remembered() <= 10, "{}", throttle.remembered());
    }
}

//! A client-side rate for each AWS API, and backoff when AWS throttles anyway.
//!
//! AWS IoT's control-plane quotas are per API and per account (10 to 15 calls a second for the
//! registry and certificate calls by default). Calls of one API are spaced `1/rate` apart; a
//! throttled call is retried with exponential backoff and jitter.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::aws::ApiError;

#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next_slot: Mutex<HashMap<&'static str, Instant>>,
}

impl RateLimiter {
    /// At most `per_second` calls a second for each API (at least one a second).
    pub fn new(per_second: u32) -> Self {
        let per_second = per_second.max(1);
        RateLimiter {
            interval: Duration::from_secs(1) / per_second,
            next_slot: Mutex::new(HashMap::new()),
        }
    }

    pub fn per_second(&self) -> f64 {
        1.0 / self.interval.as_secs_f64()
    }

    /// Waits for the next free slot of `api`.
    pub async fn acquire(&self, api: &'static str) {
        let wait = {
            let mut slots = self.next_slot.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = slots.get(api).copied().filter(|s| *s > now).unwrap_or(now);
            slots.insert(api, slot + self.interval);
            slot - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// Attempts made for a throttled call before giving up.
pub const THROTTLE_ATTEMPTS: u32 = 6;

/// Runs `call` within the rate of `api`, retrying with backoff while AWS throttles it.
pub async fn call<T, F, Fut>(
    limiter: &RateLimiter,
    api: &'static str,
    mut call: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut delay = Duration::from_millis(250);
    let mut attempt = 1;
    loop {
        limiter.acquire(api).await;
        match call().await {
            Err(e) if e.is_throttling() && attempt < THROTTLE_ATTEMPTS => {
                let jitter = Duration::from_millis(fastrand::u64(0..=delay.as_millis() as u64 / 2));
                tokio::time::sleep(delay + jitter).await;
                delay = (delay * 2).min(Duration::from_secs(8));
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::error::ApiErrorKind;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn throttled() -> ApiError {
        ApiError {
            operation: "CreateThing",
            kind: ApiErrorKind::Service,
            code: Some("ThrottlingException".into()),
            message: "Rate exceeded".into(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn spaces_calls_of_one_api() {
        let limiter = RateLimiter::new(10);
        let start = Instant::now();
        for _ in 0..11 {
            limiter.acquire("CreateThing").await;
        }
        // 11 calls at 10 a second: the last one starts a second after the first.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        // Another API has its own budget.
        let before = Instant::now();
        limiter.acquire("AttachPolicy").await;
        assert_eq!(before.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn retries_throttled_calls_then_succeeds() {
        let limiter = RateLimiter::new(100);
        let calls = AtomicU32::new(0);
        let result = call(&limiter, "CreateThing", || async {
            if calls.fetch_add(1, Ordering::SeqCst) < 3 {
                Err(throttled())
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(result.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_after_the_last_attempt() {
        let limiter = RateLimiter::new(100);
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = call(&limiter, "CreateThing", || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(throttled())
        })
        .await;
        assert!(result.unwrap_err().is_throttling());
        assert_eq!(calls.load(Ordering::SeqCst), THROTTLE_ATTEMPTS);
    }

    #[tokio::test(start_paused = true)]
    async fn other_errors_are_not_retried() {
        let limiter = RateLimiter::new(100);
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = call(&limiter, "CreateThing", || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(ApiError {
                code: Some("InvalidRequestException".into()),
                ..throttled()
            })
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}

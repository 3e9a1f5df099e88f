//! Throttling of failed logins: after `max_failures` failures within `window` for one user name
//! or one client address, that key is refused (429) until the window has passed since the last
//! failure. Kept in memory per instance (a restart forgets it; several instances each count).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failure counts by key (`user:NAME`, `addr:IP`).
#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Keys kept at most (beyond this, the oldest are forgotten).
const MAX_KEYS: usize = 100_000;

impl LoginLimiter {
    pub fn new(max_failures: u32, window: Duration) -> LoginLimiter {
        LoginLimiter {
            max_failures: max_failures.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// How long `key` must still wait, if it is locked out.
    pub fn locked(&self, key: &str, now: Instant) -> Option<Duration> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let (count, last) = map.get(key)?;
        let until = *last + self.window;
        (*count >= self.max_failures && until > now).then(|| until - now)
    }

    /// Counts a failure for `key`.
    pub fn fail(&self, key: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_KEYS {
            let window = self.window;
            map.retain(|_, (_, last)| now.duration_since(*last) < window);
        }
        let e = map.entry(key.to_string()).or_insert((0, now));
        if now.duration_since(e.1) >= self.window {
            e.0 = 0;
        }
        e.0 += 1;
        e.1 = now;
    }

    /// Forgets the failures of `key` (after a successful login).
    pub fn clear(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_and_unlocks_after_the_window() {
        let l = LoginLimiter::new(3, Duration::from_secs(60));
        let t = Instant::now();
        for _ in 0..2 {
            l.fail("user:a", t);
        }
        assert!(l.locked("user:a", t).is_none());
        l.fail("user:a", t);
        assert!(l.locked("user:a", t + Duration::from_secs(59)).is_some());
        assert!(l.locked("user:a", t + Duration::from_secs(61)).is_none());
        assert!(l.locked("user:b", t).is_none());
        l.clear("user:a");
        assert!(l.locked("user:a", t).is_none());
    }
}

//! A fixed-window counter per key (account, address) with the clock passed in, so it is testable.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window_ms: i64,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: HashMap<String, (i64, u32)>,
}

impl RateLimiter {
    /// Counts one attempt for `key` at `now_ms`; `false` when the key is over its limit.
    pub fn hit(&mut self, key: &str, limit: Limit, now_ms: i64) -> bool {
        if self.windows.len() > 100_000 {
            self.windows.retain(|_, (start, _)| now_ms - *start < limit.window_ms);
        }
        let entry = self.windows.entry(key.to_string()).or_insert((now_ms, 0));
        if now_ms - entry.0 >= limit.window_ms {
            *entry = (now_ms, 0);
        }
        entry.1 += 1;
        entry.1 <= limit.max
    }

    /// Whether `key` is currently over its limit, without counting.
    pub fn is_blocked(&self, key: &str, limit: Limit, now_ms: i64) -> bool {
        self.windows.get(key).is_some_and(|(start, n)| now_ms - start < limit.window_ms && *n >= limit.max)
    }

    pub fn clear(&mut self, key: &str) {
        self.windows.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIVE_PER_MINUTE: Limit = Limit { max: 5, window_ms: 60_000 };

    #[test]
    fn attempts_within_the_limit_pass_and_the_next_is_refused() {
        let mut r = RateLimiter::default();
        for i in 0..5 {
            assert!(r.hit("a", FIVE_PER_MINUTE, i));
        }
        assert!(!r.hit("a", FIVE_PER_MINUTE, 10));
        assert!(r.is_blocked("a", FIVE_PER_MINUTE, 10));
    }

    #[test]
    fn a_new_window_starts_afresh() {
        let mut r = RateLimiter::default();
        for i in 0..6 {
            r.hit("a", FIVE_PER_MINUTE, i);
        }
        assert!(r.hit("a", FIVE_PER_MINUTE, 60_000));
    }

    #[test]
    fn keys_are_counted_separately() {
        let mut r = RateLimiter::default();
        for i in 0..6 {
            r.hit("a", FIVE_PER_MINUTE, i);
        }
        assert!(r.hit("b", FIVE_PER_MINUTE, 6));
        r.clear("a");
        assert!(!r.is_blocked("a", FIVE_PER_MINUTE, 7));
    }
}

//! Limits kept in memory, with the clock passed in so they are testable: a fixed-window counter
//! per key (an address, a lookup), and the sign-in guard ([`SignInGuard`]).

use std::collections::HashMap;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window_ms: i64,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: HashMap<String, (i64, u32)>,
    /// Failed sign-ins per account and per (account, address).
    pub sign_in: SignInGuard,
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

/// Failed sign-ins slow a guesser down without letting a stranger lock the owner out.
///
/// - **Per account and address**: [`PAIR_MAX`] failures within [`WINDOW_MS`] from one address
///   stop that address trying that account until the window ends. A stranger's failures stop
///   the stranger only.
/// - **Per account, across addresses**: after [`FREE_FAILURES`] failures within the window (from
///   anywhere) the account is under attack, and an address that has itself failed on it must wait
///   `2^(n − FREE_FAILURES)` seconds after its own last failure (n = the account's failures; at
///   most [`MAX_DELAY_MS`]) before it may try again. Many addresses guessing together thus get
///   about one guess each per quarter hour instead of five.
/// - An address that has **not** failed on the account in the window is never delayed: the owner
///   signing in from their phone or office with the right password gets in however hard the
///   account is being guessed elsewhere. (The per-address limit on all sign-ins, 30 per quarter
///   hour, still bounds what one address may try across accounts.)
/// - A successful sign-in clears that address's failures on the account and restarts the
///   account's count (the backoff climbs back within a few failures if the guessing goes on).
#[derive(Debug, Default)]
pub struct SignInGuard {
    /// (account, address) → (first failure of the window, failures, last failure).
    pairs: HashMap<(String, String), (i64, u32, i64)>,
    /// account → (last failure, failures while failures keep coming within the window).
    accounts: HashMap<String, (i64, u32)>,
}

pub const WINDOW_MS: i64 = 15 * 60_000;
pub const PAIR_MAX: u32 = 5;
pub const FREE_FAILURES: u32 = 5;
pub const MAX_DELAY_MS: i64 = 15 * 60_000;
const MAX_KEYS: usize = 100_000;

impl SignInGuard {
    /// `Ok` when `address` may try to sign in to `account` now, else how long to wait (ms).
    pub fn check(&self, account: &str, address: &str, now_ms: i64) -> Result<(), i64> {
        let Some(&(start, failures, last)) = self.pairs.get(&(account.to_string(), address.to_string())) else {
            return Ok(()); // a fresh address
        };
        if now_ms - start >= WINDOW_MS {
            return Ok(());
        }
        if failures >= PAIR_MAX {
            return Err(start + WINDOW_MS - now_ms);
        }
        let account_failures = self.account_failures(account, now_ms);
        if account_failures >= FREE_FAILURES {
            let shift = (account_failures - FREE_FAILURES).min(20);
            let delay = (1_000i64 << shift).min(MAX_DELAY_MS);
            if now_ms - last < delay {
                return Err(last + delay - now_ms);
            }
        }
        Ok(())
    }

    fn account_failures(&self, account: &str, now_ms: i64) -> u32 {
        self.accounts.get(account).filter(|(last, _)| now_ms - last < WINDOW_MS).map(|(_, n)| *n).unwrap_or(0)
    }

    /// Records a failed sign-in to `account` from `address`.
    pub fn failed(&mut self, account: &str, address: &str, now_ms: i64) {
        if self.pairs.len() > MAX_KEYS || self.accounts.len() > MAX_KEYS {
            self.pairs.retain(|_, (start, _, _)| now_ms - *start < WINDOW_MS);
            self.accounts.retain(|_, (last, _)| now_ms - *last < WINDOW_MS);
        }
        let pair = self.pairs.entry((account.to_string(), address.to_string())).or_insert((now_ms, 0, now_ms));
        if now_ms - pair.0 >= WINDOW_MS {
            *pair = (now_ms, 0, now_ms);
        }
        pair.1 += 1;
        pair.2 = now_ms;
        let acc = self.accounts.entry(account.to_string()).or_insert((now_ms, 0));
        if now_ms - acc.0 >= WINDOW_MS {
            *acc = (now_ms, 0);
        }
        acc.0 = now_ms;
        acc.1 += 1;
    }

    /// Records a successful sign-in: the address's failures on the account are forgiven and the
    /// account's count starts again.
    pub fn succeeded(&mut self, account: &str, address: &str) {
        self.pairs.remove(&(account.to_string(), address.to_string()));
        self.accounts.remove(account);
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

    const SEC: i64 = 1_000;
    const MIN: i64 = 60_000;

    #[test]
    fn five_failures_stop_that_address_for_that_account_for_the_window() {
        let mut g = SignInGuard::default();
        for i in 0..5 {
            assert!(g.check("045095001234", "198.51.100.7", i * 10 * SEC).is_ok(), "attempt {i}");
            g.failed("045095001234", "198.51.100.7", i * 10 * SEC);
        }
        assert_eq!(g.check("045095001234", "198.51.100.7", 41 * SEC), Err(WINDOW_MS - 41 * SEC));
        assert!(g.check("045195004321", "198.51.100.7", 41 * SEC).is_ok(), "other accounts are not affected");
        assert!(g.check("045095001234", "198.51.100.7", WINDOW_MS).is_ok(), "the window ends");
    }

    #[test]
    fn a_stranger_cannot_lock_the_owner_out() {
        let mut g = SignInGuard::default();
        for i in 0..200 {
            let _ = g.check("045185000101", "203.0.113.66", i * SEC);
            g.failed("045185000101", "203.0.113.66", i * SEC);
        }
        assert!(g.check("045185000101", "203.0.113.66", 200 * SEC).is_err());
        assert_eq!(g.check("045185000101", "192.0.2.10", 200 * SEC), Ok(()), "the owner's own address");
    }

    #[test]
    fn an_account_under_attack_makes_addresses_that_failed_wait_longer_and_longer() {
        let mut g = SignInGuard::default();
        // Five addresses fail once each: the account has had its free failures.
        for i in 0..5 {
            g.failed("a", &format!("10.0.0.{i}"), 0);
        }
        // n = 5: an address that failed waits 1 s after its own failure; a fresh one never.
        assert_eq!(g.check("a", "10.0.0.0", 999), Err(1));
        assert_eq!(g.check("a", "10.0.0.0", SEC), Ok(()));
        assert_eq!(g.check("a", "10.0.9.9", 0), Ok(()));
        // Each failure doubles it: n = 8 → 8 s.
        for i in 5..8 {
            g.failed("a", &format!("10.0.0.{i}"), 2 * SEC);
        }
        assert_eq!(g.check("a", "10.0.0.0", 7 * SEC), Err(SEC));
        assert_eq!(g.check("a", "10.0.0.7", 2 * SEC + 7 * SEC), Err(SEC));
        assert_eq!(g.check("a", "10.0.0.7", 2 * SEC + 8 * SEC), Ok(()));
        // Up to the cap.
        for i in 0..40 {
            g.failed("a", &format!("10.1.0.{i}"), 3 * SEC);
        }
        assert_eq!(g.check("a", "10.1.0.0", 3 * SEC + MAX_DELAY_MS - 1), Err(1));
        assert_eq!(g.check("a", "10.1.0.0", 3 * SEC + MAX_DELAY_MS), Ok(()));
    }

    #[test]
    fn the_owner_who_mistyped_waits_at_most_the_cap() {
        let mut g = SignInGuard::default();
        g.failed("a", "owner", 0);
        for i in 0..100 {
            g.failed("a", &format!("bot{i}"), i * SEC);
        }
        assert!(g.check("a", "owner", 100 * SEC).is_err());
        assert_eq!(g.check("a", "owner", MAX_DELAY_MS), Ok(()));
    }

    #[test]
    fn a_success_forgives_that_addresses_failures() {
        let mut g = SignInGuard::default();
        for _ in 0..4 {
            g.failed("a", "home", 0);
        }
        g.succeeded("a", "home");
        for _ in 0..4 {
            g.failed("a", "home", MIN);
        }
        assert_eq!(g.check("a", "home", MIN), Ok(()), "four failures since the success");
    }

    #[test]
    fn an_account_quiet_for_a_window_is_no_longer_under_attack() {
        let mut g = SignInGuard::default();
        for i in 0..10 {
            g.failed("a", &format!("b{i}"), 0);
        }
        assert!(g.check("a", "b1", 10 * SEC).is_err());
        g.failed("a", "late", WINDOW_MS + 1);
        assert_eq!(g.check("a", "late", WINDOW_MS + 2), Ok(()), "one failure in a new window");
    }
}

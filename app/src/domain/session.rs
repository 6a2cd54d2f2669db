//! How long a sign-in lasts. Every session ends 12 hours after sign-in (`SESSION_HOURS`); an
//! officer's also ends after [`OFFICER_IDLE_MS`] without a request, because a desk computer left
//! signed in opens every dossier of the agency. Citizens keep the 12 hours (a phone in a pocket
//! between filling the form and finding the papers). The last request's time is written at most
//! once per [`TOUCH_EVERY_MS`], so reading pages does not turn into a write per request.

use crate::domain::role::Role;

/// An officer's session ends after 30 minutes without a request.
pub const OFFICER_IDLE_MS: i64 = 30 * 60_000;
/// The session's last-seen time is updated at most once a minute.
pub const TOUCH_EVERY_MS: i64 = 60_000;

/// Whether a session of `role`, last seen at `last_seen_ms`, has ended by being idle at `now_ms`.
pub fn idle_ended(role: Role, last_seen_ms: i64, now_ms: i64) -> bool {
    role.is_officer() && now_ms - last_seen_ms >= OFFICER_IDLE_MS
}

/// Whether to record `now_ms` as the session's last request.
pub fn should_touch(last_seen_ms: i64, now_ms: i64) -> bool {
    now_ms - last_seen_ms >= TOUCH_EVERY_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn an_officer_session_ends_after_thirty_idle_minutes() {
        for role in Role::OFFICERS {
            assert!(!idle_ended(role, 0, 30 * MIN - 1), "{role}");
            assert!(idle_ended(role, 0, 30 * MIN), "{role}");
        }
    }

    #[test]
    fn a_citizen_session_is_not_ended_by_idleness() {
        assert!(!idle_ended(Role::Citizen, 0, 11 * 60 * MIN));
    }

    #[test]
    fn the_last_request_is_recorded_at_most_once_a_minute() {
        assert!(!should_touch(0, MIN - 1));
        assert!(should_touch(0, MIN));
    }
}

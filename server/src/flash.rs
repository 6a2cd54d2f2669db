//! What a visitor typed into a form that failed, kept on the server for a few minutes so that
//! the page can show it again without putting it in the URL (issue 8, pt 15). The browser holds
//! only an opaque id in an `HttpOnly` cookie; the URL keeps the error's message keys.
//!
//! The same store keeps what an officer searched or looked up (`app::ports::Kept`) for
//! [`KEPT_TTL_MS`], so that the inbox and the intake put only an opaque id in their URLs.
//!
//! In memory (one server process, like the rate limits), bounded in entries and bytes, each entry
//! gone after its time to live; the clock is passed in.

use std::collections::HashMap;
use std::sync::Mutex;

/// How long typed values are kept.
pub const FLASH_TTL_MS: i64 = 10 * 60_000;
/// How long a search or a lookup is kept: as long as an idle officer stays signed in.
pub const KEPT_TTL_MS: i64 = app::domain::session::OFFICER_IDLE_MS;
/// Entries at most; the oldest go first.
pub const MAX_ENTRIES: usize = 10_000;
/// Values per entry, and bytes per value, at most (a form has far fewer; reasons ≤ 2 000 chars).
pub const MAX_VALUES: usize = 200;
pub const MAX_VALUE_BYTES: usize = 8 * 1024;

pub const FLASH_COOKIE: &str = "flash";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// The server function that failed, e.g. `/api/account/register`.
    pub path: String,
    pub values: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct FlashStore {
    /// Each entry with the time it expires.
    entries: Mutex<HashMap<String, (i64, Flash)>>,
}

fn cut(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

impl FlashStore {
    /// Keeps `values` typed into the form of `path`; returns the id to give the browser.
    pub fn put(&self, path: &str, values: Vec<(String, String)>, now_ms: i64) -> String {
        self.put_for(path, values, now_ms, FLASH_TTL_MS)
    }

    /// Keeps `values` under `path` for `ttl_ms`; returns the new entry's id.
    fn put_for(&self, path: &str, values: Vec<(String, String)>, now_ms: i64, ttl_ms: i64) -> String {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let id = hex::encode(bytes);
        let values = values
            .into_iter()
            .take(MAX_VALUES)
            .map(|(k, v)| (cut(k, 128), cut(v, MAX_VALUE_BYTES)))
            .collect::<Vec<_>>();
        let flash = Flash { path: cut(path.to_string(), 256), values };
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (expires, _)| now_ms < *expires);
        }
        while entries.len() >= MAX_ENTRIES {
            let Some(first) = entries.iter().min_by_key(|(_, (expires, _))| *expires).map(|(k, _)| k.clone()) else {
                break;
            };
            entries.remove(&first);
        }
        entries.insert(id.clone(), (now_ms + ttl_ms, flash));
        id
    }

    /// The values kept under `id`, while they are fresh.
    pub fn get(&self, id: &str, now_ms: i64) -> Option<Flash> {
        if id.len() != 32 {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.get(id).filter(|(expires, _)| now_ms < *expires).map(|(_, f)| f.clone())
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Searches and lookups: an entry's `path` is its scope.
impl app::ports::Kept for FlashStore {
    fn keep(&self, scope: &str, values: Vec<(String, String)>, now_ms: i64) -> String {
        self.put_for(scope, values, now_ms, KEPT_TTL_MS)
    }

    fn kept(&self, scope: &str, id: &str, now_ms: i64) -> Option<Vec<(String, String)>> {
        self.get(id, now_ms).filter(|f| f.path == scope).map(|f| f.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> Vec<(String, String)> {
        vec![("cccd".into(), "045095001234".into()), ("full_name".into(), "Nguyễn Văn An".into())]
    }

    #[test]
    fn typed_values_come_back_by_their_id_for_ten_minutes() {
        let store = FlashStore::default();
        let id = store.put("/api/account/register", typed(), 1_000);
        assert_eq!(id.len(), 32);
        let f = store.get(&id, 1_000 + FLASH_TTL_MS - 1).unwrap();
        assert_eq!(f.path, "/api/account/register");
        assert_eq!(f.values, typed());
        assert_eq!(store.get(&id, 1_000 + FLASH_TTL_MS), None, "gone after ten minutes");
    }

    #[test]
    fn an_unknown_or_malformed_id_finds_nothing() {
        let store = FlashStore::default();
        store.put("/api/x", typed(), 0);
        assert_eq!(store.get(&"0".repeat(32), 1), None);
        assert_eq!(store.get("", 1), None);
    }

    #[test]
    fn a_search_is_kept_for_its_session_only_and_for_half_an_hour() {
        use app::ports::Kept;
        let store = FlashStore::default();
        let q = vec![("q".to_string(), "045095001234".to_string())];
        let id = store.keep("desk-search:session-a", q.clone(), 1_000);
        assert_eq!(store.kept("desk-search:session-a", &id, 1_000 + KEPT_TTL_MS - 1), Some(q));
        assert_eq!(store.kept("desk-search:session-b", &id, 1_001), None, "another session finds nothing");
        assert_eq!(store.kept("intake:session-a", &id, 1_001), None, "nor does another purpose");
        assert_eq!(store.kept("desk-search:session-a", &id, 1_000 + KEPT_TTL_MS), None, "gone after half an hour");
    }

    #[test]
    fn ids_are_random() {
        let store = FlashStore::default();
        assert_ne!(store.put("/api/x", typed(), 0), store.put("/api/x", typed(), 0));
    }

    #[test]
    fn the_store_is_bounded_in_entries_and_sizes() {
        let store = FlashStore::default();
        let first = store.put("/api/x", typed(), 0);
        for i in 0..MAX_ENTRIES {
            store.put("/api/x", Vec::new(), 1 + i as i64);
        }
        assert_eq!(store.len(), MAX_ENTRIES);
        assert_eq!(store.get(&first, 2), None, "the oldest entry made room");
        let many = (0..MAX_VALUES + 5).map(|i| (format!("k{i}"), "é".repeat(MAX_VALUE_BYTES))).collect();
        let id = store.put("/api/x", many, 5);
        let f = store.get(&id, 6).unwrap();
        assert_eq!(f.values.len(), MAX_VALUES);
        assert!(f.values.iter().all(|(_, v)| v.len() <= MAX_VALUE_BYTES && v.chars().all(|c| c == 'é')));
    }
}

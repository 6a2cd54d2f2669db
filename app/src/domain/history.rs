//! The dossier history: an append-only event log in which each event carries the hash of the
//! previous one, so that an edited, inserted or removed event is detected by [`verify`].

use sha2::{Digest, Sha256};

/// The hash the first event of a dossier links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// 1, 2, 3, … within the dossier.
    pub seq: i64,
    /// Unix milliseconds when it happened (the real time, also for back-filled events).
    pub at_ms: i64,
    /// Unix milliseconds when it was written down.
    pub recorded_at_ms: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: String,
    pub agency: String,
    pub action: String,
    pub from_status: Option<i64>,
    pub to_status: i64,
    pub note: String,
    /// Set when the event was entered after the fact (the system was down): why. `at_ms` is then
    /// the real time and `recorded_at_ms` when it was entered.
    pub backfill_reason: Option<String>,
    /// What the event says as data (`crate::domain::event::Payload`, canonical JSON); none on
    /// events written before payloads existed.
    #[serde(default)]
    pub payload: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    /// Hash of everything in the event except `hash` itself.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(self.prev_hash.as_bytes());
        field(&self.seq.to_be_bytes());
        field(&self.at_ms.to_be_bytes());
        field(&self.recorded_at_ms.to_be_bytes());
        field(&self.actor_id.unwrap_or(-1).to_be_bytes());
        field(self.actor_name.as_bytes());
        field(self.actor_role.as_bytes());
        field(self.agency.as_bytes());
        field(self.action.as_bytes());
        field(&self.from_status.unwrap_or(-1).to_be_bytes());
        field(&self.to_status.to_be_bytes());
        field(self.note.as_bytes());
        // Only back-filled events hash the reason, so older events keep their hashes.
        if let Some(reason) = &self.backfill_reason {
            field(b"backfill");
            field(reason.as_bytes());
        }
        // Likewise the payload: events written before it existed keep their hashes.
        if let Some(payload) = &self.payload {
            field(b"payload");
            field(payload.as_bytes());
        }
        hex::encode(h.finalize())
    }

    /// Fills in `seq`, `prev_hash` and `hash` so the event follows `previous`.
    pub fn chain_after(mut self, previous: Option<&Event>) -> Self {
        self.seq = previous.map_or(1, |p| p.seq + 1);
        self.prev_hash = previous.map_or_else(|| GENESIS.to_string(), |p| p.hash.clone());
        self.hash = self.compute_hash();
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The event at this position does not hash to what it claims: its content was edited.
    Altered { seq: i64 },
    /// The event does not link to the one before it: something was removed or inserted.
    Unlinked { seq: i64 },
    /// Fewer events, or a different last hash, than the dossier's head records: the tail was cut.
    HeadMismatch,
}

/// Checks the whole chain against the head (count and last hash) kept with the dossier.
pub fn verify(events: &[Event], head_count: i64, head_hash: &str) -> Result<(), ChainBreak> {
    let mut prev_hash = GENESIS;
    for (i, e) in events.iter().enumerate() {
        if e.seq != i as i64 + 1 || e.prev_hash != prev_hash {
            return Err(ChainBreak::Unlinked { seq: e.seq });
        }
        if e.compute_hash() != e.hash {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        prev_hash = &e.hash;
    }
    let last = events.last().map_or("", |e| e.hash.as_str());
    if events.len() as i64 != head_count || last != head_hash {
        return Err(ChainBreak::HeadMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(action: &str, to: i64) -> Event {
        Event {
            seq: 0,
            at_ms: 1_763_800_000_000 + to,
            recorded_at_ms: 1_763_800_000_000 + to,
            actor_id: Some(7),
            actor_name: "Nguyễn Văn An".into(),
            actor_role: "citizen".into(),
            agency: "000.00.01.H45".into(),
            action: action.into(),
            from_status: if to == 1 { Some(0) } else { Some(to - 1) },
            to_status: to,
            note: String::new(),
            backfill_reason: None,
            payload: None,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn chain() -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        for (a, s) in [("submit", 1), ("accept", 2), ("transfer", 4)] {
            let e = event(a, s).chain_after(out.last());
            out.push(e);
        }
        out
    }

    fn head(events: &[Event]) -> (i64, String) {
        (events.len() as i64, events.last().unwrap().hash.clone())
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain();
        let (n, h) = head(&c);
        assert_eq!(verify(&c, n, &h), Ok(()));
        assert_eq!(c[0].prev_hash, GENESIS);
        assert_eq!(c[1].prev_hash, c[0].hash);
    }

    #[test]
    fn an_edited_note_is_caught() {
        let mut c = chain();
        let (n, h) = head(&c);
        c[1].note = "sửa lại".into();
        assert_eq!(verify(&c, n, &h), Err(ChainBreak::Altered { seq: 2 }));
    }

    #[test]
    fn an_edited_time_is_caught() {
        let mut c = chain();
        let (n, h) = head(&c);
        c[0].at_ms -= 86_400_000;
        assert_eq!(verify(&c, n, &h), Err(ChainBreak::Altered { seq: 1 }));
    }

    #[test]
    fn an_edit_with_a_recomputed_hash_breaks_the_next_link() {
        let mut c = chain();
        let (n, h) = head(&c);
        c[0].to_status = 2;
        c[0].hash = c[0].compute_hash();
        assert_eq!(verify(&c, n, &h), Err(ChainBreak::Unlinked { seq: 2 }));
    }

    #[test]
    fn a_removed_middle_event_is_caught() {
        let mut c = chain();
        let (n, h) = head(&c);
        c.remove(1);
        assert_eq!(verify(&c, n, &h), Err(ChainBreak::Unlinked { seq: 3 }));
    }

    #[test]
    fn a_removed_last_event_is_caught_by_the_head() {
        let mut c = chain();
        let (n, h) = head(&c);
        c.pop();
        assert_eq!(verify(&c, n, &h), Err(ChainBreak::HeadMismatch));
    }

    #[test]
    fn the_hash_covers_every_field() {
        let base = chain().remove(0);
        type Change = Box<dyn Fn(&mut Event)>;
        let variants: Vec<Change> = vec![
            Box::new(|e| e.actor_id = Some(8)),
            Box::new(|e| e.actor_name.push('x')),
            Box::new(|e| e.actor_role = "officer".into()),
            Box::new(|e| e.agency.push('x')),
            Box::new(|e| e.action = "refuse".into()),
            Box::new(|e| e.from_status = None),
            Box::new(|e| e.recorded_at_ms += 1),
            Box::new(|e| e.payload = Some("{}".into())),
        ];
        for change in variants {
            let mut e = base.clone();
            change(&mut e);
            assert_ne!(e.compute_hash(), base.hash);
        }
    }

    #[test]
    fn an_event_without_a_payload_keeps_the_hash_it_had_before_payloads_existed() {
        // The hash the code of the previous release gave this event, before payloads existed.
        let e = event("accept", 2).chain_after(None);
        assert_eq!(e.hash, "f1353a46179df40a993eaa47caa3c713b42c75a7da6215fa83b48538d3c83eb6");
    }

    #[test]
    fn an_edited_payload_is_caught() {
        let mut c: Vec<Event> = Vec::new();
        for (a, s) in [("submit", 1), ("accept", 2)] {
            let mut e = event(a, s);
            e.payload = Some(format!("{{\"kind\":\"accepted\",\"due_at\":{s}}}"));
            let e = e.chain_after(c.last());
            c.push(e);
        }
        let (n, h) = head(&c);
        assert_eq!(verify(&c, n, &h), Ok(()));
        c[1].payload = Some("{\"kind\":\"accepted\",\"due_at\":9}".into());
        assert_eq!(verify(&c, n, &h), Err(ChainBreak::Altered { seq: 2 }));
    }
}

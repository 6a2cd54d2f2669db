//! What an event in a dossier's history says, as data: due dates, units, the assignee, the
//! proposal, reasons, old and new dates. Stored as canonical JSON next to the event and hashed into
//! the chain only when present, so every older chain still verifies. People read it rendered in
//! their own language (`crate::components::event_note`); nothing parses a stored sentence.

use crate::domain::channel::Channel;
use crate::domain::supplement::SupplementItem;
use serde::{Deserialize, Serialize};

/// A unit (or a whole agency, with an empty unit) as it was named when the event happened:
/// "unit, agency", the official Vietnamese name, which English readers read as a proper name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub agency: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    pub name: String,
}

/// A consulted unit and its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consulted {
    pub place: Place,
    pub due_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Payload {
    /// Accepted with the appointment on the receipt.
    Accepted { due_at: i64 },
    /// Passed on to the next step.
    Passed { to: Place },
    /// A specialist assigned.
    Assigned { specialist_id: i64, specialist: String },
    /// The appraisal: the specialist's note, and whether they propose a refusal.
    Appraised { note: String, refusal: bool },
    /// Approved at a review or approval; at the decision, the result's file name.
    Approved {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        result: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Place>,
        /// At the decision: the result was signed on paper, for the desk to digitise.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        paper: bool,
    },
    /// A reason: refusal, sending back, stop, withdrawal, urging.
    Reason { reason: String },
    /// The result handed over.
    Delivered { channel: Channel },
    /// The apology slip moved the appointment.
    Apologised { old_due: Option<i64>, new_due: i64, reason: String },
    /// Opinions asked of units, each with its deadline.
    Consulted { units: Vec<Consulted>, question: String },
    /// A consulted unit's opinion.
    Answered { place: Place, answer: String },
    /// A supplement asked (or drafted), item by item.
    Supplement { reason: String, items: Vec<SupplementItem> },
    /// A supplement answered: the items replaced.
    Supplemented { labels: Vec<String> },
    /// Fees paid: the amount, how, the reference (the gateway's transaction number or the
    /// transfer's), and the obligations paid.
    Paid { amount_vnd: i64, method: crate::domain::fees::PaymentMethod, reference: String, items: Vec<String> },
    /// Payment asked before handling goes on: what, and the amount payable then.
    PaymentAsked { amount_vnd: i64, items: Vec<String> },
    /// Fees exempted by an officer: what, how much, and the reason (the exemption the law names).
    Exempted { amount_vnd: i64, items: Vec<String>, reason: String },
    /// A payment refunded on a leader's decision: how much, how it went back (the gateway's
    /// refund or paid back at the counter), the gateway's refund number, the reason.
    Refunded {
        amount_vnd: i64,
        method: crate::domain::fees::PaymentMethod,
        reference: String,
        reason: String,
        items: Vec<String>,
    },
    /// The applicant's satisfaction rating and how it reached the office.
    /// `answer_due`: the rating calls for the leader's answer by then.
    Rated {
        rating: crate::domain::rating::Rating,
        channel: crate::domain::rating::RatingChannel,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answer_due: Option<i64>,
    },
    /// The receiving agency's answer to a rating (trách nhiệm giải trình).
    RatingAnswered { answer: String },
}

impl Payload {
    /// The canonical JSON that is stored and hashed.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Option<Payload> {
        serde_json::from_str(s).ok()
    }

    /// The reason the specialist gave when proposing a refusal.
    pub fn refusal_proposed(&self) -> Option<&str> {
        match self {
            Payload::Appraised { note, refusal: true } => Some(note),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_reads_back_from_its_stored_json() {
        let p = Payload::Apologised { old_due: Some(1), new_due: 2, reason: "Cần xác minh".into() };
        assert_eq!(Payload::from_json(&p.to_json()), Some(p));
    }

    #[test]
    fn the_stored_json_is_stable_for_the_hash() {
        let p = Payload::Passed { to: Place { agency: "A".into(), unit: "VP".into(), name: "Văn phòng, A".into() } };
        assert_eq!(p.to_json(), r#"{"kind":"passed","to":{"agency":"A","unit":"VP","name":"Văn phòng, A"}}"#);
    }

    #[test]
    fn only_a_proposed_refusal_gives_a_refusal_reason() {
        assert_eq!(Payload::Appraised { note: "Không đủ".into(), refusal: true }.refusal_proposed(), Some("Không đủ"));
        assert_eq!(Payload::Appraised { note: "Đủ".into(), refusal: false }.refusal_proposed(), None);
    }
}

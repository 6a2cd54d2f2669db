//! An event's note as its reader reads it: rendered from the event's payload in the reader's
//! language, or, for events written before payloads existed, the note as it was written.

use crate::api::dossiers::EventView;
use crate::domain::event::Payload;
use crate::domain::vn_time::format_vn;
use crate::i18n::I18n;

pub fn event_note(i18n: &I18n, e: &EventView) -> String {
    match &e.payload {
        Some(p) => render(i18n, p),
        None => e.note.clone(),
    }
}

fn render(i18n: &I18n, p: &Payload) -> String {
    let t = |key: &str, args: &[(&str, String)]| i18n.t_args(key, args);
    match p {
        Payload::Accepted { due_at } => t("note-accepted", &[("due", format_vn(*due_at))]),
        Payload::Passed { to } => t("note-passed", &[("to", to.name.clone())]),
        Payload::Assigned { specialist, .. } => t("note-assigned", &[("name", specialist.clone())]),
        Payload::Appraised { note, refusal: true } => t("note-refusal-proposed", &[("note", note.clone())]),
        Payload::Appraised { note, refusal: false } => note.clone(),
        Payload::Approved { note, result, to, .. } => {
            let mut out = note.clone();
            if let Some(file) = result {
                out = format!("{out} {}", t("note-result", &[("file", file.clone())])).trim().to_string();
            }
            match to {
                Some(to) if out.is_empty() => t("note-passed", &[("to", to.name.clone())]),
                _ => out,
            }
        }
        Payload::Reason { reason } => reason.clone(),
        Payload::Delivered { channel } => t(&format!("note-delivered-{}", channel.name()), &[]),
        Payload::Apologised { old_due, new_due, reason } => t(
            "note-apologised",
            &[
                ("new", format_vn(*new_due)),
                ("old", old_due.map(format_vn).unwrap_or_default()),
                ("reason", reason.clone()),
            ],
        ),
        Payload::Consulted { units, question } => {
            let asked: Vec<String> = units
                .iter()
                .map(|u| t("note-consulted-unit", &[("name", u.place.name.clone()), ("due", format_vn(u.due_at))]))
                .collect();
            t("note-consulted", &[("units", asked.join("; ")), ("question", question.clone())])
        }
        Payload::Answered { place, answer } => {
            t("note-answered", &[("name", place.name.clone()), ("answer", answer.clone())])
        }
        Payload::Supplement { reason, items } => crate::domain::supplement::request_note(reason, items),
        Payload::Supplemented { labels } => labels.join("; "),
        Payload::PaymentAsked { amount_vnd, items } => t(
            "note-payment-asked",
            &[("amount", crate::domain::text::format_vnd(*amount_vnd)), ("items", items.join("; "))],
        ),
        Payload::Exempted { amount_vnd, items, reason } => t(
            "note-exempted",
            &[
                ("amount", crate::domain::text::format_vnd(*amount_vnd)),
                ("items", items.join("; ")),
                ("reason", reason.clone()),
            ],
        ),
        Payload::Refunded { amount_vnd, method, reference, reason, items } => t(
            if *method == crate::domain::fees::PaymentMethod::Online {
                "note-refunded-online"
            } else {
                "note-refunded-counter"
            },
            &[
                ("amount", crate::domain::text::format_vnd(*amount_vnd)),
                ("reference", reference.clone()),
                ("reason", reason.clone()),
                ("items", items.join("; ")),
            ],
        ),
        Payload::RatingAnswered { answer } => t("note-rating-answered", &[("answer", answer.clone())]),
        Payload::Rated { rating, channel, .. } => {
            use crate::domain::rating::Criterion;
            let levels: Vec<String> = Criterion::ALL
                .into_iter()
                .filter_map(|c| {
                    let l = rating.level(c)?;
                    Some(format!("{}: {}", i18n.t(&c.short_key()), i18n.t(&l.key())))
                })
                .collect();
            let args = [
                ("levels", levels.join("; ")),
                ("channel", i18n.t(&channel.key())),
                ("comment", rating.comment.clone()),
            ];
            t(if rating.comment.is_empty() { "note-rated" } else { "note-rated-comment" }, &args)
        }
        Payload::Paid { amount_vnd, method, reference, items } => t(
            &format!("note-paid-{}", method.name()),
            &[
                ("amount", crate::domain::text::format_vnd(*amount_vnd)),
                ("reference", reference.clone()),
                ("items", items.join("; ")),
            ],
        ),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::domain::channel::Channel;
    use crate::domain::event::Place;
    use crate::i18n::Lang;

    fn view(payload: Option<Payload>, note: &str) -> EventView {
        EventView {
            at_ms: 0,
            actor_name: String::new(),
            actor_role: "reception".into(),
            action: "transfer".into(),
            from_status: Some(crate::domain::status::DossierStatus::Accepted),
            to_status: crate::domain::status::DossierStatus::InHandling,
            note: note.into(),
            recorded_at_ms: 0,
            backfill_reason: None,
            payload,
        }
    }

    #[test]
    fn a_payload_reads_in_the_readers_language() {
        let to = Place {
            agency: "A".into(), unit: "VP".into(), name: "Văn phòng HĐND và UBND, Phường Đông Hà".into()
        };
        let e = view(Some(Payload::Passed { to }), "Chuyển đến: Văn phòng HĐND và UBND, Phường Đông Hà");
        assert_eq!(event_note(&I18n { lang: Lang::Vi }, &e), e.note, "Vietnamese reads as it was written");
        assert_eq!(event_note(&I18n { lang: Lang::En }, &e), "Passed on to: Văn phòng HĐND và UBND, Phường Đông Hà");
        let d = view(Some(Payload::Delivered { channel: Channel::Postal }), "");
        assert_eq!(event_note(&I18n { lang: Lang::En }, &d), "Result sent by the public postal service");
    }

    #[test]
    fn an_event_from_before_payloads_shows_its_note() {
        let e = view(None, "Ghi chú cũ");
        assert_eq!(event_note(&I18n { lang: Lang::En }, &e), "Ghi chú cũ");
    }
}

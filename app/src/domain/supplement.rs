//! Supplements (bổ sung hồ sơ, legal-notes §3.4 [HDL-C]): the office names every missing or wrong
//! component or form field at once, with the reason (Mẫu 02); the applicant — online, or on paper
//! at the desk — replaces exactly those items; the office sees what changed, item by item.

use crate::domain::upload::StoredFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What an item of a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// A component of the dossier (a document), by id.
    Component,
    /// A field of the e-form, by name.
    Field,
}

impl ItemKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Component => "component",
            Self::Field => "field",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementItem {
    pub kind: ItemKind,
    /// The component id or the field name.
    pub target: String,
    /// What the applicant reads (component name or field label, in Vietnamese).
    pub label: String,
    /// What is wrong with it (optional; the request's reason covers the rest).
    pub note: String,
}

impl SupplementItem {
    /// Whether this item asks for the file of component `id`.
    pub fn asks_for_component(&self, id: i64) -> bool {
        self.kind == ItemKind::Component && self.target == id.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementChange {
    pub kind: ItemKind,
    pub label: String,
    pub before: String,
    pub after: String,
    /// For components: the replaced and the new file.
    pub before_file: Option<String>,
    pub after_file: Option<String>,
}

/// The open request of a dossier, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSupplement {
    pub id: i64,
    pub items: Vec<SupplementItem>,
    /// Sent to the applicant; `false` while a specialist's draft waits for the unit leader.
    pub sent: bool,
}

/// Why an answer does not fit the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerRefusal {
    /// A file for a component that was not asked for.
    NotAsked { component: i64 },
    /// A requested component without its new file (the field name of the file input).
    FileMissing { field: String },
}

/// Checks that `files` answer exactly the requested components, and lists every requested item
/// before and after. `form` is the whole form after the answer (only requested fields changed).
pub fn answer_changes(
    items: &[SupplementItem],
    before: &BTreeMap<String, String>,
    form: &BTreeMap<String, String>,
    current: &[StoredFile],
    files: &[StoredFile],
) -> Result<Vec<SupplementChange>, Vec<AnswerRefusal>> {
    let mut refusals: Vec<AnswerRefusal> = files
        .iter()
        .filter(|f| !items.iter().any(|i| i.asks_for_component(f.component_id)))
        .map(|f| AnswerRefusal::NotAsked { component: f.component_id })
        .collect();
    let mut changes = Vec::new();
    for item in items {
        match item.kind {
            ItemKind::Field => changes.push(SupplementChange {
                kind: item.kind,
                label: item.label.clone(),
                before: before.get(&item.target).cloned().unwrap_or_default(),
                after: form.get(&item.target).cloned().unwrap_or_default(),
                before_file: None,
                after_file: None,
            }),
            ItemKind::Component => {
                let old = current.iter().find(|f| f.component_id.to_string() == item.target);
                let Some(new) = files.iter().find(|f| f.component_id.to_string() == item.target) else {
                    refusals.push(AnswerRefusal::FileMissing { field: format!("file_{}", item.target) });
                    continue;
                };
                changes.push(SupplementChange {
                    kind: item.kind,
                    label: item.label.clone(),
                    before: old.map(|f| f.file_name.clone()).unwrap_or_default(),
                    after: new.file_name.clone(),
                    before_file: old.map(|f| f.id.clone()),
                    after_file: Some(new.id.clone()),
                });
            }
        }
    }
    if refusals.is_empty() {
        Ok(changes)
    } else {
        Err(refusals)
    }
}

/// The request as the history writes it: the reason, then one line per item.
pub fn request_note(reason: &str, items: &[SupplementItem]) -> String {
    let mut note = reason.to_string();
    for i in items {
        note.push_str(&format!(
            "\n- {}{}",
            i.label,
            if i.note.is_empty() { String::new() } else { format!(": {}", i.note) }
        ));
    }
    note
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(id: &str, component: i64, name: &str) -> StoredFile {
        StoredFile {
            id: id.into(),
            component_id: component,
            file_name: name.into(),
            content_type: "application/pdf".into(),
            size_bytes: 1,
            sha256: String::new(),
            storage_key: String::new(),
            digitised: false,
            reused: None,
        }
    }

    fn items() -> Vec<SupplementItem> {
        vec![
            SupplementItem {
                kind: ItemKind::Component,
                target: "7".into(),
                label: "Giấy chứng sinh".into(),
                note: "mờ".into(),
            },
            SupplementItem {
                kind: ItemKind::Field,
                target: "father".into(),
                label: "Họ tên cha".into(),
                note: String::new(),
            },
        ]
    }

    #[test]
    fn an_answer_lists_every_requested_item_before_and_after() {
        let before = BTreeMap::from([("father".to_string(), "Nguyen Van B".to_string())]);
        let after = BTreeMap::from([("father".to_string(), "Nguyễn Văn Bình".to_string())]);
        let changes =
            answer_changes(&items(), &before, &after, &[file("old", 7, "cu.pdf")], &[file("new", 7, "moi.pdf")])
                .unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!((changes[0].before.as_str(), changes[0].after.as_str()), ("cu.pdf", "moi.pdf"));
        assert_eq!(changes[0].before_file.as_deref(), Some("old"));
        assert_eq!((changes[1].before.as_str(), changes[1].after.as_str()), ("Nguyen Van B", "Nguyễn Văn Bình"));
    }

    #[test]
    fn a_file_for_a_component_not_asked_for_is_refused() {
        let r = answer_changes(
            &items(),
            &BTreeMap::new(),
            &BTreeMap::new(),
            &[],
            &[file("n", 7, "a.pdf"), file("x", 8, "b.pdf")],
        );
        assert_eq!(r.unwrap_err(), vec![AnswerRefusal::NotAsked { component: 8 }]);
    }

    #[test]
    fn a_requested_component_needs_its_new_file() {
        let r = answer_changes(&items(), &BTreeMap::new(), &BTreeMap::new(), &[], &[]);
        assert_eq!(r.unwrap_err(), vec![AnswerRefusal::FileMissing { field: "file_7".into() }]);
    }

    #[test]
    fn the_note_names_each_item_on_its_own_line() {
        assert_eq!(request_note("Thiếu giấy tờ", &items()), "Thiếu giấy tờ\n- Giấy chứng sinh: mờ\n- Họ tên cha");
    }

    #[test]
    fn item_kinds_keep_their_stored_names() {
        assert_eq!(serde_json::to_string(&ItemKind::Component).unwrap(), "\"component\"");
        let i: SupplementItem = serde_json::from_str(r#"{"kind":"field","target":"a","label":"A","note":""}"#).unwrap();
        assert_eq!(i.kind, ItemKind::Field);
    }
}

//! Reusable view pieces, one per file: the page frame, fields and error summaries, the e-form's
//! inputs, the status badge, the history table, the supplement box, formatting helpers.

pub mod applied_for;
pub mod event_note;
pub mod fees;
pub mod field;
pub mod form_inputs;
pub mod form_values;
pub mod formatting;
pub mod history;
pub mod layout;
pub mod rating;
pub mod status_badge;
pub mod supplement_box;
pub mod table_head;
pub mod upload;

pub use form_values::FormValues;
pub use formatting::{allowance_text, format_bytes, format_vnd, unit_and_agency};
pub use history::History;
pub use status_badge::StatusBadge;
pub use supplement_box::SupplementBox;
pub use table_head::table_head;

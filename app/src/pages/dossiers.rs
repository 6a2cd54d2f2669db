//! The citizen's dossiers, one module per screen: the e-form with files, the acknowledgement,
//! my dossiers, one dossier's detail with its history, and the notifications.

pub mod acknowledgement;
pub mod detail;
pub mod form;
pub mod list;
pub mod notifications;

pub use acknowledgement::AcknowledgementPage;
pub use detail::{DossierPage, SupplementAnswerPage};
pub use form::SubmitPage;
pub use list::MyDossiersPage;
pub use notifications::NotificationsPage;

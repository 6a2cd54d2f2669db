//! The one-stop desk (desktop, keyboard friendly), one module per screen: the inbox, one dossier
//! at the desk with the forms of its actions, and the printable slips (A5).

pub mod actions;
pub mod dossier;
pub mod inbox;
pub mod paper;
pub mod slips;

pub use dossier::DeskDossierPage;
pub use inbox::DeskInboxPage;
pub use slips::SlipPage;

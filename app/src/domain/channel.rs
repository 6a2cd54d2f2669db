//! How a dossier reached the desk, and how its result goes back: online, at the counter, or by
//! the public postal service (dịch vụ bưu chính công ích). One postal channel serves both ways.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Channel {
    Online,
    Counter,
    Postal,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Self::Online, Self::Counter, Self::Postal];
    /// The ways a paper dossier reaches the desk.
    pub const PAPER: [Channel; 2] = [Self::Counter, Self::Postal];

    pub fn name(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Counter => "counter",
            Self::Postal => "postal",
        }
    }

    /// The stored name; `post`, written by deliveries before the channels were one, is postal.
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "post" => Some(Self::Postal),
            _ => Self::ALL.into_iter().find(|c| c.name() == s),
        }
    }

    /// Paper (counter or post): received after the desk's cut-off, it counts from the next
    /// working morning [TR-01].
    pub fn is_paper(self) -> bool {
        self != Self::Online
    }

    /// Message key for the channel's name.
    pub fn key(self) -> String {
        format!("channel-{}", self.name())
    }
}

impl From<Channel> for &'static str {
    fn from(c: Channel) -> Self {
        c.name()
    }
}

impl TryFrom<String> for Channel {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Channel::parse(&s).ok_or_else(|| format!("unknown channel {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_reads_back_from_its_stored_name() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.name()), Some(c));
        }
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn delivery_by_post_and_postal_intake_are_one_channel() {
        assert_eq!(Channel::parse("post"), Some(Channel::Postal));
        assert_eq!(Channel::Postal.name(), "postal");
    }

    #[test]
    fn only_online_dossiers_are_not_paper() {
        assert!(!Channel::Online.is_paper());
        assert!(Channel::Counter.is_paper() && Channel::Postal.is_paper());
    }
}

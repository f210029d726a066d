//! The typed codes of an inquiry (status, category, urgency, response channel), parsed at the
//! repository boundary, and the status rules.

use medportal_core::{Error, Result};

macro_rules! codes {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$variant),+];
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// A submitted code (user input): `None` when unknown.
            pub fn parse(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == code)
            }
            /// A stored code: an unknown one is a corrupt row.
            pub fn stored(code: &str) -> Result<$name> {
                $name::parse(code).ok_or_else(|| Error::internal(concat!("unknown stored ", stringify!($name))))
            }
        }
    };
}

codes!(
    /// Where an inquiry stands.
    Status { Received = "received", Triaged = "triaged", InProgress = "in_progress", Answered = "answered", Closed = "closed", Referred = "referred" }
);
codes!(
    /// What the question is about.
    Category { Efficacy = "efficacy", Safety = "safety", Dosing = "dosing", Interactions = "interactions", Availability = "availability", Other = "other" }
);
codes!(
    /// How soon the HCP needs the answer: sets the response time.
    Urgency { Urgent = "urgent", Routine = "routine", Low = "low" }
);
codes!(
    /// How the HCP wants the answer (it is always in the portal as well).
    Channel { Portal = "portal", Email = "email", Phone = "phone", Letter = "letter" }
);

impl Urgency {
    /// The response time in business days of the inquiry's market.
    pub const fn business_days(self) -> u32 {
        match self {
            Urgency::Urgent => 1,
            Urgency::Routine => 2,
            Urgency::Low => 5,
        }
    }
}

impl Status {
    /// Still waiting for Medical Information (in the queue).
    pub const fn open(self) -> bool {
        matches!(self, Status::Received | Status::Triaged | Status::InProgress)
    }

    /// Whether a specialist or the HCP may move an inquiry from `self` to `to`.
    pub fn may_become(self, to: Status) -> bool {
        use Status::*;
        match to {
            Triaged => self == Received,
            InProgress => matches!(self, Received | Triaged | Answered),
            Answered => self.open(),
            Referred => self.open(),
            Closed => matches!(self, Answered | Referred),
            Received => false,
        }
    }

    /// The statuses an inquiry may come from to become `to` (for a guarded UPDATE).
    pub fn sources(to: Status) -> Vec<Status> {
        Status::ALL.iter().copied().filter(|s| s.may_become(to)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_ones_are_refused() {
        for s in Status::ALL {
            assert_eq!(Status::stored(s.code()).unwrap(), *s);
        }
        assert!(Status::stored("lost").is_err());
        assert_eq!(Category::parse("dosing"), Some(Category::Dosing));
        assert_eq!(Category::parse("Dosing"), None);
        assert_eq!(Channel::parse(""), None);
    }

    #[test]
    fn status_rules() {
        use Status::*;
        assert!(Received.may_become(Triaged) && !InProgress.may_become(Triaged));
        assert!(Triaged.may_become(Answered) && !Closed.may_become(Answered));
        assert!(Answered.may_become(InProgress), "a follow-up reopens an answered inquiry");
        assert!(Answered.may_become(Closed) && !Received.may_become(Closed));
        assert!(!Closed.may_become(InProgress) && !Referred.may_become(Answered));
        assert_eq!(Status::sources(Triaged), vec![Received]);
        assert!(Urgency::Urgent.business_days() < Urgency::Routine.business_days());
    }
}

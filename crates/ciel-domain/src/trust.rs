//! Trust levels (contract §3.5): names and numbers. The points and promotion rules join this
//! module with the accounts work.

/// How much an account is trusted; drives rate limits and invite quotas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrustLevel {
    /// Level 0: the default, and forced at three strikes.
    New,
    /// Level 1.
    Basic,
    /// Level 2.
    Trusted,
    /// Level 3: set by an operator only.
    Verified,
}

impl TrustLevel {
    /// Every level, lowest first.
    pub const ALL: [TrustLevel; 4] = [Self::New, Self::Basic, Self::Trusted, Self::Verified];

    /// The stored number (0–3).
    pub fn number(self) -> i32 {
        self as i32
    }

    /// The level stored as `n`; out-of-range values (and a missing row) count as `New`.
    pub fn from_number(n: i32) -> Self {
        match n {
            1 => Self::Basic,
            2 => Self::Trusted,
            3 => Self::Verified,
            _ => Self::New,
        }
    }

    /// The wire name (`New`, `Basic`, `Trusted`, `Verified`).
    pub fn name(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Basic => "Basic",
            Self::Trusted => "Trusted",
            Self::Verified => "Verified",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_round_trip() {
        for level in TrustLevel::ALL {
            assert_eq!(TrustLevel::from_number(level.number()), level);
        }
        assert_eq!(TrustLevel::from_number(7), TrustLevel::New);
        assert_eq!(TrustLevel::Trusted.name(), "Trusted");
    }
}

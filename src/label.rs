//! The three sentence labels of the annotation guide.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Strength,
    Improvement,
    Other,
}

impl Label {
    /// Column order of every probability vector and head output in the project.
    pub const ALL: [Label; 3] = [Label::Strength, Label::Improvement, Label::Other];

    pub fn index(self) -> usize {
        match self {
            Label::Strength => 0,
            Label::Improvement => 1,
            Label::Other => 2,
        }
    }
    pub fn from_index(i: usize) -> Label {
        Label::ALL[i]
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Strength => "strength",
            Label::Improvement => "improvement",
            Label::Other => "other",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Label {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "strength" => Ok(Label::Strength),
            "improvement" => Ok(Label::Improvement),
            "other" => Ok(Label::Other),
            other => Err(format!("unknown label {other:?} (expected strength, improvement or other)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip_and_reject_unknown() {
        for l in Label::ALL {
            assert_eq!(l.as_str().parse::<Label>().unwrap(), l);
            assert_eq!(Label::from_index(l.index()), l);
        }
        assert!("Strength ".parse::<Label>().is_err());
        assert!("positive".parse::<Label>().is_err());
    }
}

//! The closed sets of the grades guide: Ofsted's four grades and the judgement areas. They
//! serialise to the guide's strings, which are what `grades.csv` has always held.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// One of the four grades, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Grade {
    #[serde(rename = "outstanding")]
    Outstanding,
    #[serde(rename = "good")]
    Good,
    #[serde(rename = "requires improvement to be good")]
    RequiresImprovement,
    #[serde(rename = "inadequate")]
    Inadequate,
}

/// A judgement area: the current framework's five, and the two older ones articles still report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum JudgementArea {
    #[serde(rename = "overall effectiveness")]
    Overall,
    #[serde(rename = "help and protection")]
    HelpAndProtection,
    #[serde(rename = "children in care")]
    ChildrenInCare,
    #[serde(rename = "care leavers")]
    CareLeavers,
    #[serde(rename = "leadership")]
    Leadership,
    #[serde(rename = "adoption")]
    Adoption,
    #[serde(rename = "local safeguarding children board")]
    SafeguardingBoard,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Outstanding, Grade::Good, Grade::RequiresImprovement, Grade::Inadequate];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Outstanding => "outstanding",
            Grade::Good => "good",
            Grade::RequiresImprovement => "requires improvement to be good",
            Grade::Inadequate => "inadequate",
        }
    }
}

impl JudgementArea {
    pub const ALL: [JudgementArea; 7] = [
        JudgementArea::Overall,
        JudgementArea::HelpAndProtection,
        JudgementArea::ChildrenInCare,
        JudgementArea::CareLeavers,
        JudgementArea::Leadership,
        JudgementArea::Adoption,
        JudgementArea::SafeguardingBoard,
    ];
    /// The areas every inspection under the current framework grades: what "all areas" means.
    pub const STANDARD: [JudgementArea; 5] = [JudgementArea::Overall, JudgementArea::HelpAndProtection, JudgementArea::ChildrenInCare, JudgementArea::CareLeavers, JudgementArea::Leadership];

    pub fn as_str(self) -> &'static str {
        match self {
            JudgementArea::Overall => "overall effectiveness",
            JudgementArea::HelpAndProtection => "help and protection",
            JudgementArea::ChildrenInCare => "children in care",
            JudgementArea::CareLeavers => "care leavers",
            JudgementArea::Leadership => "leadership",
            JudgementArea::Adoption => "adoption",
            JudgementArea::SafeguardingBoard => "local safeguarding children board",
        }
    }
}

/// Parse one of `all` by its string, ignoring case and surrounding space (other tools' outputs
/// capitalise: "Overall effectiveness").
fn parse<T: Copy>(s: &str, all: &[T], name: impl Fn(T) -> &'static str, what: &str) -> Result<T, String> {
    let key = s.trim().to_lowercase();
    all.iter().copied().find(|&x| name(x) == key).ok_or_else(|| format!("{what} {s:?} is not one of {}", all.iter().map(|&x| name(x)).collect::<Vec<_>>().join(", ")))
}

impl FromStr for Grade {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse(s, &Grade::ALL, Grade::as_str, "grade")
    }
}

impl FromStr for JudgementArea {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse(s, &JudgementArea::ALL, JudgementArea::as_str, "judgement area")
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for JudgementArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reading goes through `FromStr`, so files written by other tools may differ in case.
macro_rules! deserialize_from_str {
    ($t:ty) => {
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
deserialize_from_str!(Grade);
deserialize_from_str!(JudgementArea);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_and_areas_serialise_to_the_guides_strings_and_parse_back() {
        for g in Grade::ALL {
            assert_eq!(serde_json::to_string(&g).unwrap(), format!("\"{}\"", g.as_str()));
            assert_eq!(g.as_str().parse::<Grade>().unwrap(), g);
        }
        for a in JudgementArea::ALL {
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{}\"", a.as_str()));
            assert_eq!(format!(" {} ", a.as_str().to_uppercase()).parse::<JudgementArea>().unwrap(), a);
        }
        assert!("requires improvement".parse::<Grade>().unwrap_err().contains("not one of outstanding, good"));
        assert!("all areas".parse::<JudgementArea>().is_err());
    }
}

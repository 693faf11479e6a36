use std::fmt;
use std::str::FromStr;

/// Which code path a model runs: the documented bug or the documented fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// The code as it was before the seed's fix.
    Buggy,
    /// The code as the seed's fix left it.
    Fixed,
}

impl Variant {
    /// Both variants, buggy first.
    pub const ALL: [Variant; 2] = [Variant::Buggy, Variant::Fixed];

    /// The variant's lowercase name, as used on the command line and in replay tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Buggy => "buggy",
            Variant::Fixed => "fixed",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Variant {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "buggy" => Ok(Variant::Buggy),
            "fixed" => Ok(Variant::Fixed),
            other => Err(format!("unknown variant '{other}': expected buggy or fixed")),
        }
    }
}

//! Reading back what editio wrote and checking it: the TEI's fidelity to its source, and the
//! built-in TEI checks of `editio validate` ([`tei`]), and its schema checks with jing ([`jing`]).

pub mod fidelity;
pub mod jing;
pub mod tei;

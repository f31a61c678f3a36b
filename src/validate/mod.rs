//! Reading back what editio wrote and checking it: the TEI's fidelity to its source, and the
//! built-in TEI checks of `editio validate`.

pub mod fidelity;

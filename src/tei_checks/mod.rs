//! Checks on TEI documents, below the commands that run them: the TEI's fidelity to its source
//! ([`fidelity`], run by every build), the built-in rules of `editio validate` ([`rules`]), and
//! its schema checks with jing ([`jing`]). Findings are [`crate::Diagnostic`]s with ED codes.

pub mod fidelity;
pub mod jing;
pub mod rules;

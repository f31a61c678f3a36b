//! Integration tests: the real `editio` binary run in temporary folders, one module per
//! feature.

mod suite;

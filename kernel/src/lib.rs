//! Nereus, the Jupyter side: wire format, sockets, sessions, kernelspec install, headless runs.
//!
//! The binary (`main.rs`) only parses the command line; everything it runs lives here:
//! [`server::serve`] for `nereus kernel`, [`install`] for the kernelspec, and
//! [`run::run_notebook`] for `nereus run`. The engine is reached only through
//! [`session::Session`].

pub mod install;
pub mod run;
pub mod server;
pub mod session;
pub mod wire;

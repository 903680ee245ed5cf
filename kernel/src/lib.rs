//! Nereus, the Jupyter side: the cell language, wire format, sockets, sessions, kernelspec
//! install, headless runs.
//!
//! The binary (`main.rs`) only parses the command line; everything it runs lives here:
//! [`server::serve`] for `nereus kernel`, [`install`] for the kernelspec, and
//! [`run::run_notebook`] for `nereus run`. Cells are evaluated by [`lang::Interpreter`], bound
//! onto the public API of `nereus_engine`; the protocol side reaches it only through
//! [`session::Session`].

pub mod install;
pub mod lang;
pub mod run;
pub mod sample;
pub mod server;
pub mod session;
pub mod wire;

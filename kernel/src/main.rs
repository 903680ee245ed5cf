//! The `nereus` binary: command-line parsing and the process edge (exit codes, logging).

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use nereus::{install, run, server, wire};
use std::path::PathBuf;
use std::process::ExitCode;

/// Nereus: a Jupyter kernel for big gridded geoscience data.
#[derive(Parser)]
#[command(name = "nereus", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install the Nereus kernelspec so Jupyter frontends offer "Nereus".
    Install {
        #[command(flatten)]
        location: LocationArgs,
        /// Kernelspec name.
        #[arg(long, default_value = "nereus")]
        name: String,
        /// Name shown in the launcher.
        #[arg(long, default_value = "Nereus")]
        display_name: String,
    },
    /// Remove an installed kernelspec.
    Uninstall {
        #[command(flatten)]
        location: LocationArgs,
        /// Kernelspec name.
        #[arg(long, default_value = "nereus")]
        name: String,
    },
    /// Run the kernel (what kernel.json starts).
    Kernel {
        /// The connection file written by the Jupyter client.
        #[arg(short = 'f', long = "connection-file")]
        connection_file: PathBuf,
    },
    /// Execute a notebook headlessly (cells run in its folder) and write the executed copy.
    Run {
        /// The notebook to execute.
        notebook: PathBuf,
        /// Where to write the executed notebook.
        #[arg(short, long)]
        output: PathBuf,
        /// Keep going after a cell raises an error.
        #[arg(long)]
        allow_errors: bool,
    },
    /// Write the deterministic sample stores (ssh.zarr, sst.zarr) used by the demo notebooks.
    ///
    /// small: SSH 96 x 200 x 200 (15 MB raw), SST 10 years; medium: SSH 240 x 500 x 800 (384 MB),
    /// SST 40 years; large: SSH 480 x 1000 x 2000 (3.84 GB, the benchmark size), SST 40 years.
    /// Complete stores (of any size) are left alone unless --force.
    SampleData {
        /// small, medium or large.
        #[arg(long, default_value = "small")]
        size: nereus::sample::Size,
        /// Output directory.
        #[arg(long, default_value = "data")]
        out: PathBuf,
        /// Rewrite stores that are already complete.
        #[arg(long)]
        force: bool,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
}

#[derive(Args)]
#[group(multiple = false)]
struct LocationArgs {
    /// For the current user (the default).
    #[arg(long)]
    user: bool,
    /// Into the prefix of the `jupyter` on PATH (its environment).
    #[arg(long)]
    sys_prefix: bool,
    /// Into DIR/share/jupyter/kernels.
    #[arg(long, value_name = "DIR")]
    prefix: Option<PathBuf>,
}

impl LocationArgs {
    fn location(&self) -> install::Location {
        match (&self.prefix, self.sys_prefix) {
            (Some(dir), _) => install::Location::Prefix(dir.clone()),
            (None, true) => install::Location::SysPrefix,
            (None, false) => install::Location::User,
        }
    }
}

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("NEREUS_LOG", "warn"))
        .format_timestamp_millis()
        .init();
    match Cli::parse().command {
        Command::Install {
            location,
            name,
            display_name,
        } => report(
            std::env::current_exe()
                .and_then(|p| p.canonicalize())
                .context("cannot locate the nereus executable")
                .and_then(|exe| {
                    Ok(install::install(
                        &location.location(),
                        &name,
                        &display_name,
                        &exe,
                    )?)
                })
                .map(|dir| println!("Installed kernelspec {name} in {}", dir.display())),
        ),
        Command::Uninstall { location, name } => report(
            install::uninstall(&location.location(), &name)
                .map(|dir| println!("Removed kernelspec {name} from {}", dir.display()))
                .map_err(Into::into),
        ),
        Command::Kernel { connection_file } => kernel(&connection_file),
        Command::Run {
            notebook,
            output,
            allow_errors,
        } => report(run_in_notebook_dir(&notebook, &output, allow_errors)),
        Command::SampleData {
            size,
            out,
            force,
            threads,
        } => report(sample_data(&nereus::sample::SampleOptions {
            size,
            out,
            force,
            threads,
        })),
    }
}

/// Generates the sample stores and prints one line per store.
fn sample_data(options: &nereus::sample::SampleOptions) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    for store in nereus::sample::generate(options)? {
        println!("{store}");
    }
    println!(
        "sample data ({}) ready in {:.1} s",
        options.size,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs a notebook with the working directory set to the notebook's folder, as Jupyter does,
/// so relative paths in cells mean the same headless as in JupyterLab.
fn run_in_notebook_dir(
    notebook: &std::path::Path,
    output: &std::path::Path,
    allow_errors: bool,
) -> anyhow::Result<()> {
    let notebook = std::path::absolute(notebook)
        .with_context(|| format!("cannot resolve {}", notebook.display()))?;
    let output = std::path::absolute(output)
        .with_context(|| format!("cannot resolve {}", output.display()))?;
    if let Some(dir) = notebook.parent() {
        std::env::set_current_dir(dir)
            .with_context(|| format!("cannot enter {}", dir.display()))?;
    }
    run::run_notebook(&notebook, &output, allow_errors)?;
    println!("Executed {} -> {}", notebook.display(), output.display());
    Ok(())
}

/// Starts the kernel; a bad connection file exits with code 2.
fn kernel(connection_file: &std::path::Path) -> ExitCode {
    let info = match wire::read_connection_file(connection_file) {
        Ok(info) => info,
        Err(e) => {
            eprintln!("nereus: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("nereus-io")
        .enable_all()
        .build()
        .context("cannot start the I/O runtime");
    report(runtime.and_then(|rt| Ok(rt.block_on(server::serve(info))?)))
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nereus: {e:#}");
            ExitCode::FAILURE
        }
    }
}

use clap::Parser;
use switchboard::cli::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    switchboard::logging::init(cli.log_json)?;
    match cli.command {
        Command::Serve(args) => switchboard::serve::run(*args).await,
        Command::Emulator(args) => switchboard::serve::run_emulator(args).await,
        Command::Csp(args) => switchboard::serve::print_csp(args),
    }
}

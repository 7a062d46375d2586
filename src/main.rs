use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    kbql::telemetry::init();
    let cli = kbql::cli::Cli::parse();
    match kbql::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

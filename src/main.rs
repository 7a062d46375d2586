use clap::Parser;

// Search allocates many small, short-lived buffers per request; mimalloc
// serves them faster than glibc's allocator (see README, Speed).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = kbql::cli::Cli::parse();
    kbql::telemetry::init(cli.log_format);
    match kbql::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

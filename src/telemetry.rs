//! Logging set-up. `RUST_LOG` overrides the default level.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// For people: one line an event, coloured on a terminal.
    #[default]
    Text,
    /// For log collectors: one JSON object a line, with the spans it
    /// happened in.
    Json,
}

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    // Logs go to stderr so that commands whose stdout is data (`kbql
    // schema`, `kbql token create`) stay pipeable.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => logs.json().with_current_span(true).try_init(),
    };
}

//! Command-line interface. Every flag can also come from the environment where a deployment
//! would rather not put it on a command line (tokens, credentials).

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use switchboard_emulator::{Execution, Seed};

#[derive(Debug, Parser)]
#[command(
    name = "switchboard",
    version,
    about = "A console for the Twilio Serverless API"
)]
pub struct Cli {
    /// Write logs as JSON lines instead of text.
    #[arg(long, global = true, env = "SWITCHBOARD_LOG_JSON")]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the console and relay its API calls to Twilio (or to the embedded emulator).
    Serve(Box<ServeArgs>),
    /// Run the Twilio Serverless emulator alone, for any Twilio client.
    Emulator(EmulatorArgs),
    /// Print the Content-Security-Policy header a static host must send with the console's
    /// pages (docs/hosting/README.md): it holds the hashes of this build's inline scripts.
    Csp(CspArgs),
}

/// Where the console is hosted and who may frame it, for `serve` and `csp` alike.
#[derive(Debug, Clone, Args)]
pub struct HostingArgs {
    /// Allow the console to be framed by this origin (an admin portal, for example
    /// https://portal.example.com); repeat for more. Without it, nothing may frame the console.
    #[arg(long, env = "SWITCHBOARD_FRAME_ANCESTORS", value_delimiter = ',')]
    pub frame_ancestors: Vec<String>,
    /// Where the console calls the relay's /api, written into the config.json the relay serves:
    /// a relay on another origin (https://relay.example.com/api) or a path on this one.
    #[arg(long, env = "SWITCHBOARD_PUBLIC_API_URL")]
    pub public_api_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct CspArgs {
    /// The console's static build.
    #[arg(long, default_value = "dist", env = "SWITCHBOARD_DIST")]
    pub dist: PathBuf,
    #[command(flatten)]
    pub hosting: HostingArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Anything but loopback requires --token or --trust-proxy-auth.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SWITCHBOARD_LISTEN")]
    pub listen: SocketAddr,
    /// The console's static build.
    #[arg(long, default_value = "dist", env = "SWITCHBOARD_DIST")]
    pub dist: PathBuf,
    /// Use the embedded emulator even when Twilio credentials are configured.
    #[arg(long)]
    pub emulator: bool,
    /// Token the console must present; required when listening beyond loopback.
    #[arg(long, env = "SWITCHBOARD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Trust an authenticating reverse proxy in front of the relay instead of a token.
    #[arg(long)]
    pub trust_proxy_auth: bool,
    /// Allow a console hosted at this origin (for example https://admin.example.com) to call the
    /// relay, by CORS; repeat for more.
    #[arg(long, env = "SWITCHBOARD_ALLOW_ORIGIN", value_delimiter = ',')]
    pub allow_origin: Vec<String>,
    #[command(flatten)]
    pub hosting: HostingArgs,
    /// The deployment's name, shown in the console's header and tab titles (its config.json).
    #[arg(long, env = "SWITCHBOARD_DISPLAY_NAME")]
    pub display_name: Option<String>,
    /// Base URL of the Serverless API (overrides region and edge).
    #[arg(long, env = "SWITCHBOARD_SERVERLESS_URL")]
    pub serverless_url: Option<String>,
    /// Base URL of the Serverless upload API (overrides region and edge).
    #[arg(long, env = "SWITCHBOARD_UPLOAD_URL")]
    pub upload_url: Option<String>,
    /// Twilio region, for example ie1 or au1.
    #[arg(long, env = "TWILIO_REGION")]
    pub region: Option<String>,
    /// Twilio edge, for example dublin or sydney.
    #[arg(long, env = "TWILIO_EDGE")]
    pub edge: Option<String>,
    /// Use this twilio-cli profile (from ~/.twilio-cli/config.json) instead of the environment.
    #[arg(long, short = 'p', env = "TWILIO_PROFILE")]
    pub profile: Option<String>,
    /// A .env file with TWILIO_* credentials, used only when neither the environment nor a
    /// twilio-cli profile gives any; never mixed with them.
    #[arg(long, default_value = ".env")]
    pub env_file: std::path::PathBuf,
    /// Run deployed functions and npm install scripts in the embedded emulator even though this
    /// console is shared (--token, --trust-proxy-auth or a non-loopback --listen): everyone who
    /// can use the console can then run code on this machine (docs/SECURITY.md).
    #[arg(long)]
    pub allow_code_execution: bool,
    /// Total time allowed for one upstream call.
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub upstream_timeout: Duration,
    /// How long a client may take to send a request's headers, and to read what the relay
    /// writes; also how long an idle keep-alive connection is kept.
    #[arg(long, default_value = "15s", value_parser = humantime::parse_duration)]
    pub client_timeout: Duration,
    /// Connections served at once (fewer when the open-file limit is low); at the cap an idle or
    /// slow-to-send one makes room, and when all are busy more wait their turn.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Also trust the CA certificates in this PEM file for HTTPS upstreams (a TLS-inspecting
    /// corporate proxy's, for example); `SSL_CERT_FILE` and `SSL_CERT_DIR` replace the system's.
    #[arg(long, env = "SWITCHBOARD_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    #[command(flatten)]
    pub emulator_options: EmulatorOptions,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:4010")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub options: EmulatorOptions,
}

/// Options of the emulator, whether it runs alone or embedded in `serve`.
#[derive(Debug, Clone, Args)]
pub struct EmulatorOptions {
    /// Fill an empty store with a demo service.
    #[arg(long)]
    pub seed: Option<Seed>,
    /// Persist to this SQLite file instead of memory.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// How long a build takes at least (exactly, when builds are simulated).
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    pub build_time: Duration,
    /// `node`: builds run npm and live URLs run the functions (simulated when node or npm is
    /// missing); `simulated`: builds finish on a timer and nothing runs; `off`: as simulated.
    #[arg(long, default_value = "node")]
    pub runtime: Execution,
}

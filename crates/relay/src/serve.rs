//! `switchboard serve` and `switchboard emulator`: choosing the upstream, binding, and shutting
//! down gracefully.

use crate::app::service;
use crate::cli::{CspArgs, EmulatorArgs, EmulatorOptions, HostingArgs, ServeArgs};
use crate::connections::{self, Limits, Slots};
use crate::session::EmulatorRuntime;
use crate::state::{AppState, RelayConfig};
use crate::upstream::{Upstream, UpstreamAuth, UpstreamKind};
use crate::{credentials, policy, security};
use anyhow::{Context, bail};
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_emulator::{Config, Credentials, Emulator, Execution};
use tokio::net::TcpListener;

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    if let Some(token) = &args.token {
        policy::check_token(token)?;
    }
    for origin in &args.allow_origin {
        policy::check_allow_origin(origin)?;
    }
    check_hosting(&args.hosting)?;
    if let Some(name) = &args.display_name {
        policy::check_display_name(name)?;
    }
    let beyond_loopback = !args.listen.ip().is_loopback();
    if beyond_loopback && args.token.is_none() && !args.trust_proxy_auth {
        bail!(
            "refusing to listen on {} without a console token: pass --token (or SWITCHBOARD_TOKEN), \
             or --trust-proxy-auth behind an authenticating proxy",
            args.listen
        );
    }
    if !args.dist.join("index.html").is_file() {
        bail!(
            "{} has no index.html: build the console first (`cargo xtask run` does it for you)",
            args.dist.display()
        );
    }
    let (upstream, emulator_runtime) = choose_upstream(&args).await?;
    let config = RelayConfig {
        emulator_runtime,
        dist: args.dist.clone(),
        token: args.token.clone(),
        allow_origin: args.allow_origin.clone(),
        frame_ancestors: args.hosting.frame_ancestors.clone(),
        public_api_url: args.hosting.public_api_url.clone(),
        display_name: args.display_name.clone(),
        upstream_timeout: args.upstream_timeout,
        // On loopback only local processes reach the relay, and a DNS-rebinding page is one of
        // them: the loopback-name rule stays, and a proxy on this machine passes a loopback Host.
        trust_proxy_auth: args.trust_proxy_auth && beyond_loopback,
        ca_file: args.ca_file.clone(),
    };
    let limits = Limits::fitted(
        args.client_timeout,
        args.upstream_timeout,
        args.max_connections as usize,
    );
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(
        upstream = describe(&upstream),
        account = switchboard_models::sid::mask(&upstream.auth.account_sid),
        "Switchboard console at http://{address}/"
    );
    // The one line a person starting the console looks for, whatever the log format.
    println!("\n  Switchboard is running: open http://{address}/  (Ctrl-C stops it)\n");
    serve_per_core(listener.into_std()?, config, upstream, limits).await
}

fn check_hosting(hosting: &HostingArgs) -> anyhow::Result<Option<String>> {
    for origin in &hosting.frame_ancestors {
        policy::check_frame_ancestor(origin)?;
    }
    match &hosting.public_api_url {
        Some(url) => policy::check_public_api_url(url),
        None => Ok(None),
    }
}

/// `switchboard csp`: the policy the relay itself would send with this build's pages.
pub fn print_csp(args: CspArgs) -> anyhow::Result<()> {
    let api_origin = check_hosting(&args.hosting)?;
    let index = args.dist.join("index.html");
    let html = std::fs::read_to_string(&index)
        .with_context(|| format!("reading {} (build the console first)", index.display()))?;
    let deployment = crate::csp::Deployment {
        api_origin,
        frame_ancestors: args.hosting.frame_ancestors,
    };
    let hashes = crate::csp::inline_script_hashes(&html);
    println!(
        "{}",
        crate::csp::content_security_policy(&hashes, &deployment)
    );
    Ok(())
}

/// One single-threaded runtime per core, all accepting from the one socket, each with its own
/// state and upstream pool, the way nginx runs one event loop per worker process: a request and
/// its upstream call stay on one thread, so no other thread is woken for them. On 2 cores that
/// took 10-20% off the relay's CPU time per call compared with tokio's shared scheduler (issue 9).
/// The runtime `main` started keeps the signals and the embedded emulator.
async fn serve_per_core(
    listener: std::net::TcpListener,
    config: RelayConfig,
    upstream: Upstream,
    limits: Limits,
) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let slots = Arc::new(Slots::new(limits.max_connections));
    let signalled = shutdown_signal();
    let (stop, stopped) = tokio::sync::watch::channel(());
    let (exited, mut exits) = tokio::sync::mpsc::unbounded_channel();
    for n in 0..cores {
        let state = AppState::new(config.clone(), upstream.clone())?;
        let bare_headers =
            security::header_lines(&state.csp, state.config.frame_ancestors.is_empty());
        let (limits, slots) = (limits.clone(), slots.clone());
        let listener = listener.try_clone()?;
        let mut stopped = stopped.clone();
        let exited = exited.clone();
        std::thread::Builder::new()
            .name(format!("relay-{n}"))
            .spawn(move || {
                // A panic must not end a worker silently: it is reported like an error, which
                // stops the others and makes the process exit with a failure.
                let served = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(anyhow::Error::from)
                        .and_then(|runtime| {
                            runtime.block_on(async move {
                                let listener = TcpListener::from_std(listener)?;
                                let stop = async move {
                                    let _ = stopped.changed().await;
                                };
                                let service = service(state);
                                connections::serve(
                                    listener,
                                    service,
                                    &limits,
                                    slots,
                                    bare_headers,
                                    stop,
                                )
                                .await;
                                Ok(())
                            })
                        })
                }))
                .unwrap_or_else(|_| Err(anyhow::anyhow!("relay worker {n} panicked")));
                let _ = exited.send(served);
            })?;
    }
    // Only the workers hold the socket now: each closes its copy as its graceful shutdown
    // starts, so the port stops accepting at once instead of queueing connections nobody serves.
    drop(listener);
    drop(exited);
    // A worker only returns early on an error; the others are then stopped too.
    let early = tokio::select! {
        () = signalled => None,
        result = exits.recv() => Some(result.unwrap_or_else(|| Err(anyhow::anyhow!("every relay worker stopped")))),
    };
    drop(stop);
    let mut outcome = early.unwrap_or(Ok(()));
    while let Some(result) = exits.recv().await {
        outcome = outcome.and(result);
    }
    outcome
}

/// Explicit URLs win, then Twilio when credentials are found (unless `--emulator`), and
/// otherwise the embedded emulator with throwaway credentials. The emulator never gets the
/// user's real Twilio credentials, even when they are configured.
async fn choose_upstream(args: &ServeArgs) -> anyhow::Result<(Upstream, Option<EmulatorRuntime>)> {
    let found = if args.emulator && args.serverless_url.is_none() {
        None
    } else {
        credentials::resolve(
            args.profile.as_deref(),
            &|key| std::env::var(key).ok().filter(|v| !v.is_empty()),
            Some(&args.env_file),
            credentials::cli_config_path().as_deref(),
        )?
    };
    if let Some(serverless) = &args.serverless_url {
        let found = found.context(
            "--serverless-url needs credentials: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or an API key), or --profile",
        )?;
        log_source(&found);
        let upload = args
            .upload_url
            .clone()
            .unwrap_or_else(|| serverless.clone());
        let upstream = Upstream {
            kind: UpstreamKind::Custom,
            serverless_base: serverless.trim_end_matches('/').to_owned(),
            upload_base: upload.trim_end_matches('/').to_owned(),
            auth: found.auth,
        };
        return Ok((upstream, None));
    }
    match found {
        Some(found) => {
            log_source(&found);
            // Empty is unset (`TWILIO_REGION=` in a unit file), as for the credentials.
            let set = |value: Option<String>| value.filter(|v| !v.is_empty());
            let region = set(args.region.clone()).or(set(found.region));
            let edge = set(args.edge.clone()).or(set(found.edge));
            for (what, value) in [("region", &region), ("edge", &edge)] {
                if let Some(value) = value {
                    crate::upstream::check_label(what, value)?;
                }
            }
            Ok((Upstream::twilio(found.auth, region, edge), None))
        }
        None => {
            let mut options = args.emulator_options.clone();
            options.runtime = code_execution(args);
            if options.runtime == Execution::Off {
                println!(
                    "  Deployed functions will not run: this console is shared (--token, --trust-proxy-auth or a non-loopback address). Pass --allow-code-execution to run them (docs/SECURITY.md)."
                );
            }
            let (address, emulator) = start_emulator(&options, Credentials::generated()).await?;
            tracing::info!(
                execution = emulator.execution().as_str(),
                "no Twilio credentials in use: running the embedded emulator on http://{address}/"
            );
            Ok((
                emulator_upstream(address, emulator.credentials()),
                Some(emulator_runtime(address, &emulator)),
            ))
        }
    }
}

fn log_source(found: &credentials::Found) {
    tracing::info!(
        "using Twilio credentials from {}: {}",
        found.source,
        credentials::describe(&found.auth)
    );
}

/// The upstream for an emulator listening at `address`.
pub fn emulator_upstream(address: SocketAddr, credentials: &Credentials) -> Upstream {
    let auth = UpstreamAuth {
        username: credentials.account_sid.clone(),
        password: credentials.auth_token.clone(),
        account_sid: credentials.account_sid.clone(),
    };
    Upstream::emulator(format!("http://{address}"), auth)
}

/// What `/api/session` says about running code in an emulator listening at `address`.
pub fn emulator_runtime(address: SocketAddr, emulator: &Emulator) -> EmulatorRuntime {
    EmulatorRuntime {
        execution: emulator.execution().as_str(),
        live_url_template: Emulator::live_url_template(address.port()),
    }
}

/// Starts an emulator on an ephemeral loopback port, served in the background.
pub async fn start_emulator(
    options: &EmulatorOptions,
    credentials: Credentials,
) -> anyhow::Result<(SocketAddr, Emulator)> {
    let emulator = Emulator::open(emulator_config(options, credentials))?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let serving = emulator.clone();
    tokio::spawn(async move {
        if let Err(error) = serving.serve(listener, std::future::pending()).await {
            tracing::error!(%error, "embedded emulator stopped");
        }
    });
    Ok((address, emulator))
}

fn emulator_config(options: &EmulatorOptions, credentials: Credentials) -> Config {
    let mut config = Config::new(credentials);
    config.build_time = options.build_time;
    config.data = options.data.clone();
    config.seed = options.seed;
    config.execution = options.runtime;
    config
}

/// Whether the console is reachable by others than the person who started it: then deployed
/// code does not run unless `--allow-code-execution` says so.
pub fn code_execution(args: &ServeArgs) -> Execution {
    let shared = args.token.is_some() || args.trust_proxy_auth || !args.listen.ip().is_loopback();
    if shared && !args.allow_code_execution && args.emulator_options.runtime == Execution::Node {
        Execution::Off
    } else {
        args.emulator_options.runtime
    }
}

pub async fn run_emulator(args: EmulatorArgs) -> anyhow::Result<()> {
    let emulator = Emulator::open(emulator_config(
        &args.options,
        Credentials::from_env_or_generated(),
    ))?;
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    let credentials = emulator.credentials();
    // The emulator's own throwaway credentials are printed so a Twilio client can be pointed at
    // it; when they came from the environment the user already has them, so they stay hidden.
    if std::env::var("TWILIO_AUTH_TOKEN").is_ok() {
        println!(
            "Twilio Serverless emulator on http://{address}/v1 (credentials from the environment)"
        );
    } else {
        println!("Twilio Serverless emulator on http://{address}/v1");
        println!("  TWILIO_ACCOUNT_SID={}", credentials.account_sid);
        println!("  TWILIO_AUTH_TOKEN={}", credentials.auth_token);
    }
    match emulator.execution() {
        Execution::Node => println!(
            "  Live URLs: {}/<path> ({{domain}} is an environment's domain_name without .twil.io)",
            Emulator::live_url_template(address.port())
        ),
        _ => println!("  Builds are simulated: deployed functions do not run"),
    }
    emulator.serve(listener, shutdown_signal()).await?;
    Ok(())
}

fn describe(upstream: &Upstream) -> String {
    match &upstream.kind {
        UpstreamKind::Emulator => "embedded emulator".into(),
        UpstreamKind::Twilio { .. } => format!("Twilio ({})", upstream.serverless_base),
        UpstreamKind::Custom => format!("custom ({})", upstream.serverless_base),
    }
}

/// Ctrl-C or SIGTERM. The handlers are installed when this is called, not when it is first
/// awaited: a signal that came while the workers were still starting used to find no handler
/// and end the process at once, calls in flight and all.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (interrupt, terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let received = |handler: Option<tokio::signal::unix::Signal>| async move {
                match handler {
                    Some(mut handler) => {
                        handler.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! { () = received(interrupt) => {}, () = received(terminate) => {} }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down");
    }
}

//! `switchboard serve` and `switchboard emulator`: choosing the upstream, binding, and shutting
//! down gracefully.

use crate::app::{AppState, RelayConfig, service};
use crate::cli::{EmulatorArgs, EmulatorOptions, ServeArgs};
use crate::credentials;
use crate::session::EmulatorRuntime;
use crate::upstream::{Upstream, UpstreamAuth, UpstreamKind};
use anyhow::{Context, bail};
use axum::body::Body;
use axum::http::{Request, Response};
use axum::serve::{Listener, ListenerExt};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use switchboard_emulator::{Config, Credentials, Emulator, Execution};
use tokio::net::TcpListener;

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    if !args.listen.ip().is_loopback() && args.token.is_none() && !args.trust_proxy_auth {
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
        upstream_timeout: args.upstream_timeout,
        trust_proxy_auth: args.trust_proxy_auth,
    };
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
    serve_per_core(listener.into_std()?, config, upstream).await
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
) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let (stop, stopped) = tokio::sync::watch::channel(());
    let (exited, mut exits) = tokio::sync::mpsc::unbounded_channel();
    for n in 0..cores {
        let state = AppState::new(config.clone(), upstream.clone())?;
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
                                let listener = TcpListener::from_std(listener)?.tap_io(no_delay);
                                serve_worker(listener, service(state), async move {
                                    let _ = stopped.changed().await;
                                })
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
        () = shutdown_signal() => None,
        result = exits.recv() => Some(result.unwrap_or_else(|| Err(anyhow::anyhow!("every relay worker stopped")))),
    };
    drop(stop);
    let mut outcome = early.unwrap_or(Ok(()));
    while let Some(result) = exits.recv().await {
        outcome = outcome.and(result);
    }
    outcome
}

/// Serves HTTP/1 connections from `listener` with hyper's connection driver, the way
/// `axum::serve` does, minus its per-request adapters (issue 9); after `stop`, the listener
/// closes and the connections finish their calls in flight, then close.
async fn serve_worker<L, S, B>(mut listener: L, service: S, stop: impl Future<Output = ()>)
where
    L: Listener,
    S: tower::Service<axum::extract::Request, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let graceful = GracefulShutdown::new();
    let http = hyper::server::conn::http1::Builder::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let io = tokio::select! {
            (io, _) = listener.accept() => io,
            () = stop.as_mut() => break,
        };
        let service = service.clone();
        let handler = hyper::service::service_fn(move |request: Request<Incoming>| {
            tower::ServiceExt::oneshot(service.clone(), request.map(Body::new))
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(io), handler));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::trace!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Answers are written in one go; Nagle's algorithm would only hold back the last segment of a
/// streamed one until the browser's delayed ACK.
fn no_delay(stream: &mut tokio::net::TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "TCP_NODELAY not set");
    }
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
            tracing::info!("using Twilio credentials from {}", found.source);
            let region = args.region.clone().or(found.region);
            Ok((
                Upstream::twilio(found.auth, region, args.edge.clone()),
                None,
            ))
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
    let router = emulator.router();
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
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
    axum::serve(listener, emulator.router())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

fn describe(upstream: &Upstream) -> String {
    match &upstream.kind {
        UpstreamKind::Emulator => "embedded emulator".into(),
        UpstreamKind::Twilio { .. } => format!("Twilio ({})", upstream.serverless_base),
        UpstreamKind::Custom => format!("custom ({})", upstream.serverless_base),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

//! The relay's router: `/api` (guarded, relayed) in front of the console's static files.

use crate::state::AppState;
use crate::{console_config, invoke, proxy, security, session, static_files};
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use pin_project_lite::pin_project;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};
use tower::{Layer, Service, ServiceBuilder};
use tower_http::compression::{Compression, CompressionLayer};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The relay as a `Router` (tests serve it with `axum::serve`).
pub fn app(state: AppState) -> Router {
    Router::new().fallback_service(service(state))
}

/// What the relay serves, with its middleware around the routes.
pub type RelayService = AccessLog<Compression<security::SecurityHeaders<Dispatch>>>;

/// The relay's service: the access log, compression and the security headers around the
/// routes, with relayed calls taking a short cut past the router (see [`Dispatch`]).
pub fn service(state: AppState) -> RelayService {
    let mut api = Router::new()
        .route("/api/health", get(session::health))
        .route("/api/session", get(session::session))
        .route("/api/serverless/{*path}", any(proxy::forward_serverless))
        .route("/api/upload/{*path}", any(proxy::forward_upload))
        .route("/api/invoke", post(invoke::invoke))
        .route("/api", any(api_not_found))
        .route("/api/", any(api_not_found))
        .route("/api/{*path}", any(api_not_found))
        .layer(security::GuardLayer(state.clone()));
    let origins: Vec<HeaderValue> = state
        .config
        .allow_origin
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    // With CORS on, every `/api` call goes through the router and its CORS layer.
    let fast = origins.is_empty();
    if !origins.is_empty() {
        // No credentials: the console's token is a header, never a cookie. A preflight is good
        // for ten minutes, so a page's calls do not each wait for one.
        api = api.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .max_age(Duration::from_secs(600))
                .allow_methods([Method::GET, Method::POST, Method::DELETE])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::ACCEPT,
                    HeaderName::from_static(security::TOKEN_HEADER),
                    HeaderName::from_static(security::CSRF_HEADER),
                ]),
        );
    }
    let mut routes = Router::new().merge(api);
    if state.console_config.is_some() {
        routes = routes.route("/config.json", get(console_config::serve));
    }
    let routes = routes
        .merge(static_files::router(
            &state.config.dist,
            state.deployment.clone(),
        ))
        .with_state(state.clone());
    // Around the whole router rather than through `Router::layer`, which would box each layer
    // again for every route and request.
    ServiceBuilder::new()
        .layer(AccessLogLayer)
        .layer(CompressionLayer::new())
        .layer(security::SecurityHeadersLayer {
            csp: state.csp.clone(),
            deny_framing: state.config.frame_ancestors.is_empty(),
        })
        .service(Dispatch {
            routes,
            state,
            fast,
        })
}

/// Sends relayed calls (`/api/serverless/...`, `/api/upload/...`) through the `/api` guard
/// straight to the proxy, and everything else through the router. Together with serving the
/// connections with hyper directly (`serve.rs`), skipping the router's path matching, method
/// routing and per-handler boxing took about 3 µs off the relay's 35 µs of CPU per relayed call
/// (docs/PERFORMANCE.md); the guard, the proxy and the layers around this are the same either way.
#[derive(Clone)]
pub struct Dispatch {
    routes: Router,
    state: AppState,
    /// Off when CORS is configured: its layer sits in the router.
    fast: bool,
}

type Relayed = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl Service<Request> for Dispatch {
    type Response = Response;
    type Error = Infallible;
    type Future = futures_util::future::Either<Relayed, <Router as Service<Request>>::Future>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> Self::Future {
        use futures_util::future::Either;
        if let Err(error) = security::check_request_shape(&request)
            .and_then(|()| security::check_preflight(&self.state.config, &request))
        {
            return Either::Left(Box::pin(std::future::ready(Ok(error.into_response()))));
        }
        let host = self
            .fast
            .then(|| relayed_host(request.uri().path()))
            .flatten();
        let Some(host) = host else {
            return Either::Right(self.routes.call(request));
        };
        if let Err(error) = security::check(&self.state.config, &request) {
            return Either::Left(Box::pin(std::future::ready(Ok(error.into_response()))));
        }
        let state = self.state.clone();
        Either::Left(Box::pin(async move {
            Ok(proxy::forward(&state.proxy, host, request)
                .await
                .into_response())
        }))
    }
}

/// Which host a path is relayed to, for the paths the router sends to the proxy
/// (`/api/serverless/{*path}`, `/api/upload/{*path}`: the prefix and at least one more byte).
fn relayed_host(path: &str) -> Option<crate::allowlist::Host> {
    use crate::allowlist::Host;
    let (host, rest) = if let Some(rest) = path.strip_prefix("/api/serverless/") {
        (Host::Serverless, rest)
    } else {
        (Host::Upload, path.strip_prefix("/api/upload/")?)
    };
    (!rest.is_empty()).then_some(host)
}

async fn api_not_found(request: Request) -> Response {
    crate::error::RelayError::NotAllowed(request.uri().path().to_owned()).into_response()
}

/// One line per request: method, path (no query, no headers, no body), status and timings.
#[derive(Clone)]
pub struct AccessLogLayer;

impl<S> Layer<S> for AccessLogLayer {
    type Service = AccessLog<S>;

    fn layer(&self, inner: S) -> AccessLog<S> {
        AccessLog(inner)
    }
}

#[derive(Clone)]
pub struct AccessLog<S>(S);

impl<S, B> Service<Request> for AccessLog<S>
where
    S: Service<Request, Response = Response<B>>,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = Logged<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        Logged {
            started: Instant::now(),
            method: request.method().clone(),
            // A clone of the parsed URI shares its bytes; only the path is ever logged.
            uri: request.uri().clone(),
            inner: self.0.call(request),
        }
    }
}

pin_project! {
    pub struct Logged<F> {
        #[pin]
        inner: F,
        started: Instant,
        method: Method,
        uri: Uri,
    }
}

impl<F, B, E> Future for Logged<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        if let Ok(response) = &result {
            let upstream_ms = response
                .extensions()
                .get::<proxy::UpstreamTime>()
                .map(|t| t.0.as_secs_f64() * 1000.0);
            tracing::info!(
                method = %this.method,
                path = this.uri.path(),
                status = response.status().as_u16(),
                duration_ms = this.started.elapsed().as_secs_f64() * 1000.0,
                upstream_ms,
                "request"
            );
        }
        Poll::Ready(result)
    }
}

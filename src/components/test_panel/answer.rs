//! What a test call came back with: status and duration, headers, body, and the log lines of
//! that request as they arrive.

use super::body::shown;
use crate::api::ClientError;
use crate::api::invoke::Invoked;
use crate::components::error_view::ErrorView;
use leptos::prelude::*;
use switchboard_models::Log;

/// Where the search for a call's log lines is.
#[derive(Debug, Clone, PartialEq)]
pub enum Lines {
    /// Polling, with what was found so far.
    Looking(Vec<Log>),
    Done(Vec<Log>),
    Failed(ClientError),
}

/// The answer of one call.
#[component]
pub fn Answer(invoked: Invoked) -> impl IntoView {
    let content_type = invoked
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.clone());
    let body = shown(content_type.as_deref(), &invoked.body, invoked.truncated);
    let class = if invoked.status < 400 {
        "badge badge-live"
    } else {
        "badge badge-error"
    };
    let count = invoked.headers.len();
    view! {
        <div class="test-answer" id="test-answer">
            <p class="test-status">
                <span class=class id="test-status">{invoked.status}</span>
                " in " <span id="test-duration">{format!("{} ms", invoked.duration_ms)}</span>
                " from " <code class="test-url">{invoked.url}</code>
                {invoked.signed.then_some(" (signed by the relay)")}
                {invoked.request_sid.map(|sid| view! { ", request " <code id="test-request-sid">{sid}</code> })}
            </p>
            <details class="test-headers">
                <summary>{format!("Response headers ({count})")}</summary>
                <table class="table">
                    <tbody>
                        {invoked.headers.into_iter().map(|(name, value)| view! {
                            <tr><td><code>{name}</code></td><td><code>{value}</code></td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
            <p class="hint">{format!("Body ({})", body.format.label())}</p>
            {body.note.map(|note| view! { <p class="alert alert-warning" id="test-body-note">{note}</p> })}
            <pre class="test-body" id="test-body" data-format=body.format.label()>{body.text}</pre>
        </div>
    }
}

/// The log lines of the call, or that there are none (yet).
#[component]
pub fn CallLogs(lines: Signal<Option<Lines>>) -> impl IntoView {
    let list = |logs: Vec<Log>| {
        view! {
            <ol class="test-log-lines">
                {logs.into_iter().map(|log| { let level = log.level.to_ascii_lowercase(); view! {
                    <li data-sid=log.sid data-level=level data-request=log.request_sid>
                        <time>{log.date_created}</time> " " <span class="level">{log.level}</span> " " <span class="message">{log.message}</span>
                    </li>
                }}).collect_view()}
            </ol>
        }
    };
    view! {
        <section class="test-logs" id="test-logs" aria-live="polite">
            <h3>"Logs of this request"</h3>
            {move || match lines.get() {
                None => ().into_any(),
                Some(Lines::Looking(logs)) if logs.is_empty() => view! {
                    <p class="hint" id="test-logs-waiting" aria-busy="true">"No logs yet: looking for them…"</p>
                }.into_any(),
                Some(Lines::Looking(logs)) => list(logs).into_any(),
                Some(Lines::Done(logs)) if logs.is_empty() => view! {
                    <p class="empty" id="test-logs-none">"No logs yet for this request. The platform may still be writing them: see the environment's logs in a moment."</p>
                }.into_any(),
                Some(Lines::Done(logs)) => list(logs).into_any(),
                Some(Lines::Failed(error)) => view! { <ErrorView error/> }.into_any(),
            }}
        </section>
    }
}

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
            // The source view's lines: numbered, scrolled sideways, no style of its own.
            <ol class="code test-body" id="test-body" data-format=body.format.label()>
                {body.text.lines().map(|line| view! { <li><code>{line.to_owned()}</code></li> }).collect_view()}
            </ol>
        </div>
    }
}

/// The log lines of the call, or that there are none (yet). One shape for every state: a
/// type-erased view per state would cost the first page a table entry for each of its functions.
#[component]
pub fn CallLogs(lines: Signal<Option<Lines>>) -> impl IntoView {
    view! {
        <section class="test-logs" id="test-logs" aria-live="polite">
            <h3>"Logs of this request"</h3>
            {move || {
                let (words, logs, error) = match lines.get() {
                    Some(Lines::Looking(logs)) if logs.is_empty() => (Some("No logs yet: looking for them…"), logs, None),
                    Some(Lines::Done(logs)) if logs.is_empty() => (
                        Some("No logs yet for this request. The platform may still be writing them: see the environment's logs in a moment."),
                        logs,
                        None,
                    ),
                    Some(Lines::Looking(logs) | Lines::Done(logs)) => (None, logs, None),
                    Some(Lines::Failed(error)) => (None, Vec::new(), Some(error)),
                    None => (None, Vec::new(), None),
                };
                view! {
                    {words.map(|words| view! { <p class="empty" id="test-logs-none">{words}</p> })}
                    <ol class="code test-log-lines">
                        {logs.into_iter().map(|log| view! {
                            <li data-sid=log.sid data-request=log.request_sid>
                                <code>{format!("{}  {}  {}", log.date_created, log.level, log.message)}</code>
                            </li>
                        }).collect_view()}
                    </ol>
                    {error.map(|error| view! { <ErrorView error/> })}
                }
            }}
        </section>
    }
}

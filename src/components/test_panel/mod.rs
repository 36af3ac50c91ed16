//! The Test panel: calls a deployed function through the relay (`POST /api/invoke`, signed when
//! the function is protected) and shows the status, duration, headers, body and the log lines
//! of that request. On a function's page and under an environment's Live URLs; part of the
//! `code` and `environment` chunks, never of the first page.
//!
//! What was typed is kept as the tab's draft (`flows::test_events`), so a send, a reload or a
//! visit elsewhere loses nothing.

mod answer;
pub mod body;
mod events;
mod rows;

use crate::api::invoke::{self, Invocation, Invoked};
use crate::api::{ClientError, session};
use crate::components::error_view::ErrorView;
use crate::flows::test_events::{self, Draft, Method, TestRequest};
use crate::flows::test_logs::{self, Search};
use crate::flows::test_targets::Target;
use answer::{Answer, CallLogs, Lines};
use events::EventPicker;
use leptos::either::Either;
use leptos::prelude::*;
use rows::{KeyValueRows, Rows};

/// A test panel for `function` (its SID: saved events and logs are the function's), live at
/// `targets` (an environment each; none when it is live nowhere).
#[component]
pub fn TestPanel(service: String, function: String, targets: Vec<Target>) -> impl IntoView {
    if targets.is_empty() {
        return Either::Left(view! {
            <section class="card test-panel" id="test-panel">
                <h2>"Test"</h2>
                <p class="empty" id="test-where">"This function is live in no environment: deploy a build that includes it, then test it here."</p>
            </section>
        });
    }
    let draft = test_events::draft(&function).unwrap_or_default();
    let start = targets
        .iter()
        .find(|t| t.environment_sid == draft.environment)
        .unwrap_or(&targets[0])
        .environment_sid
        .clone();
    let ids = StoredValue::new((service, function));
    let targets = StoredValue::new(targets);
    let environment = RwSignal::new(start);
    let method = RwSignal::new(draft.request.method);
    let params = Rows::new(&draft.request.params);
    let headers = Rows::new(&draft.request.headers);
    let json = RwSignal::new(draft.request.json);
    let target = Signal::derive(move || {
        let sid = environment.get();
        targets.with_value(|list| list.iter().find(|t| t.environment_sid == sid).cloned())
    });
    let typed = move || TestRequest {
        method: method.get(),
        params: params.pairs(),
        headers: headers.pairs(),
        json: json.get(),
    };
    // The draft follows every keystroke, as the editor's does.
    Effect::new(move |_| {
        let draft = Draft {
            environment: environment.get(),
            request: typed(),
        };
        ids.with_value(|(_, function)| test_events::keep_draft(function, &draft));
    });
    let load = move |request: TestRequest| {
        method.set(request.method);
        params.set(&request.params);
        headers.set(&request.headers);
        json.set(request.json);
    };
    // Protected, and the relay cannot sign: why, instead of a call that can only be refused.
    // From the session the header fetched at start, so the panel makes no call of its own.
    let unsigned = move || {
        let reason = session::unsigned_reason()?;
        target.get()?.protected().then_some(reason)
    };
    let answer = RwSignal::new(None::<Result<Invoked, ClientError>>);
    let lines = RwSignal::new(None::<Lines>);
    let pending = RwSignal::new(false);
    let invalid = RwSignal::new(None::<String>);
    let calls = StoredValue::new(0u32);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(target) = target.get_untracked() else {
            return;
        };
        if pending.get_untracked() || untrack(unsigned).is_some() {
            return;
        }
        let request = untrack(typed);
        let body = (request.method == Method::Json).then(|| request.json.clone());
        if let Some(Err(error)) = body
            .as_deref()
            .map(serde_json::from_str::<serde::de::IgnoredAny>)
        {
            invalid.set(Some(format!("The JSON body is not valid JSON: {error}.")));
            return;
        }
        invalid.set(None);
        let (service, function) = ids.get_value();
        let invocation = Invocation {
            service_sid: service.clone(),
            environment_sid: target.environment_sid.clone(),
            path: target.path.clone(),
            method: request.method.wire().to_owned(),
            params: match request.method {
                Method::Json => Vec::new(),
                _ => TestRequest::filled(&request.params),
            },
            headers: TestRequest::filled(&request.headers),
            json: body,
        };
        calls.update_value(|n| *n += 1);
        let call = calls.get_value();
        let current = move || calls.try_get_value() == Some(call);
        pending.set(true);
        lines.set(None);
        answer.set(None);
        leptos::task::spawn_local(async move {
            let started_ms = js_sys::Date::now();
            let result = invoke::invoke(&invocation).await;
            if !current() {
                return;
            }
            let search = result.as_ref().ok().map(|invoked| Search {
                service,
                environment: target.environment_sid.clone(),
                function,
                request_sid: test_logs::request_sid(invoked),
                started_ms,
                ended_ms: js_sys::Date::now(),
            });
            // The page may be gone by now: `try_set` lets the answer fall on the floor.
            pending.try_set(false);
            answer.try_set(Some(result));
            let Some(search) = search else { return };
            lines.try_set(Some(Lines::Looking(Vec::new())));
            let found = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
            let shown = found.clone();
            let polled = test_logs::poll(search, current, move |logs| {
                shown.replace(logs.clone());
                lines.try_set(Some(Lines::Looking(logs)));
            })
            .await;
            if current() {
                lines.try_set(Some(match polled {
                    Ok(()) => Lines::Done(found.take()),
                    Err(error) => Lines::Failed(error),
                }));
            }
        });
    };
    Either::Right(view! {
        <section class="card test-panel" id="test-panel">
            <h2>"Test"</h2>
            <form class="form test-form" id="test-form" on:submit=send novalidate>
                <label>"Environment "
                    <select name="test-environment" on:change=move |ev| environment.set(event_target_value(&ev))>
                        {targets.with_value(|list| list.iter().map(|t| {
                            let sid = t.environment_sid.clone();
                            view! { <option value=t.environment_sid.clone() selected=move || environment.get() == sid>{format!("{}: {} ({})", t.environment_name, t.path, t.visibility)}</option> }
                        }).collect_view())}
                    </select>
                </label>
                <p class="hint" id="test-where">{move || target.get().map(|t| format!(
                    "Live in {} at {}{}", t.environment_name, session::live_url(&t.domain_name, &t.path),
                    if t.protected() { ". Protected: the relay signs the call with X-Twilio-Signature, as Twilio signs its webhooks." } else { "." },
                ))}</p>
                {move || unsigned().map(|reason| view! {
                    <p class="alert alert-warning" id="test-unsigned" role="alert">"This function is protected and cannot be tested here: " {reason} "."</p>
                })}
                <label>"Method "
                    <select name="test-method" on:change=move |ev| method.set(Method::from_key(&event_target_value(&ev)))>
                        {Method::ALL.map(|m| view! { <option value=m.key() selected=move || method.get() == m>{m.label()}</option> }).into_iter().collect_view()}
                    </select>
                </label>
                <h3>"Parameters"</h3>
                <Show when=move || method.get() == Method::Json fallback=move || view! { <KeyValueRows rows=params noun="parameter"/> }>
                    <textarea name="test-json" aria-label="JSON body" rows="8" cols="60" prop:value=json
                        on:input=move |ev| json.set(event_target_value(&ev))></textarea>
                </Show>
                <h3>"Headers"</h3>
                <KeyValueRows rows=headers noun="header"/>
                {move || invalid.get().map(|words| view! { <p class="field-error" role="alert">{words}</p> })}
                <button type="submit" class="send-test" aria-disabled=move || (pending.get() || unsigned().is_some()).to_string()>
                    {move || if pending.get() { "Sending…" } else { "Send" }}
                </button>
            </form>
            {ids.with_value(|(_, function)| view! { <EventPicker function=function.clone() load current=move || untrack(typed)/> })}
            {move || answer.get().map(|result| match result {
                Ok(invoked) => Either::Left(view! { <Answer invoked/> }),
                Err(error) => Either::Right(view! { <ErrorView error/> }),
            })}
            {move || answer.with(|a| matches!(a, Some(Ok(_)))).then(|| view! { <CallLogs lines=lines.into()/> })}
        </section>
    })
}

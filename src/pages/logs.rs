//! An environment's logs: filters kept in the page's query string, newest first, older pages on
//! demand, and a live tail that can be paused.

use crate::api::code::{self, Kind};
use crate::api::environments;
use crate::api::logs::{self, Cursor, LogFilter};
use crate::components::error_view::{ErrorView, LoadError, Missing, not_found};
use crate::components::focus;
use crate::components::form_check::{CheckMessage, FormCheck};
use crate::components::poller::{use_page_visible, use_poll};
use crate::components::title::item_namer;
use crate::routing::A;
use crate::routing::param;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::time::Duration;
use switchboard_models::{Function, Log, LogLevel};

const PAGE_SIZE: u32 = 50;
const TAIL_PERIOD: Duration = Duration::from_secs(2);

/// The CSS class of a level, whatever its case or spelling on the wire.
pub fn level_class(level: &str) -> &'static str {
    match LogLevel::parse(level) {
        LogLevel::Info => "level level-info",
        LogLevel::Warn => "level level-warn",
        LogLevel::Error => "level level-error",
        LogLevel::Other => "level level-other",
    }
}

/// Which levels the table shows. The API filters by function and dates only; this and the text
/// search narrow the entries already loaded, in the browser, as they arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    All,
    WarningsAndErrors,
    Errors,
}

impl Shown {
    fn parse(value: &str) -> Shown {
        match value {
            "warn" => Shown::WarningsAndErrors,
            "error" => Shown::Errors,
            _ => Shown::All,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Shown::All => "all",
            Shown::WarningsAndErrors => "warn",
            Shown::Errors => "error",
        }
    }

    fn admits(self, level: &str) -> bool {
        matches!(
            (self, LogLevel::parse(level)),
            (Shown::All, _)
                | (Shown::WarningsAndErrors, LogLevel::Warn | LogLevel::Error)
                | (Shown::Errors, LogLevel::Error)
        )
    }
}

/// Whether `log` is shown for a level choice and a search text (any case, in the message or
/// the request SID).
pub fn shows(log: &Log, shown: Shown, text: &str) -> bool {
    let text = text.trim().to_lowercase();
    shown.admits(&log.level)
        && (text.is_empty()
            || log.message.to_lowercase().contains(&text)
            || log.request_sid.to_lowercase().contains(&text))
}

/// The filter a page URL asks for; values that are not valid are ignored.
pub fn filter_from_query(get: impl Fn(&str) -> Option<String>) -> LogFilter {
    LogFilter {
        function_sid: get("FunctionSid").filter(|s| !s.is_empty()),
        start_date: get("StartDate").and_then(|d| logs::api_date(&d, false)),
        end_date: get("EndDate").and_then(|d| logs::api_date(&d, true)),
    }
}

/// The level and text a page URL narrows the loaded entries to (`level`, `q`).
fn narrowing_in(query: &leptos_router::params::ParamsMap) -> (Shown, String) {
    (
        Shown::parse(&query.get("level").unwrap_or_default()),
        query.get("q").unwrap_or_default(),
    )
}

/// The page query string (with its `?`, or empty) that shares `filter`, and the level and text
/// the loaded entries are narrowed to (`level`, `q`), so a reload or a shared link shows the same.
pub fn page_query(filter: &LogFilter, shown: Shown, text: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("FunctionSid", &filter.function_sid),
        ("StartDate", &filter.start_date),
        ("EndDate", &filter.end_date),
    ] {
        if let Some(value) = value {
            query.append_pair(key, value);
        }
    }
    if shown != Shown::All {
        query.append_pair("level", shown.as_str());
    }
    if !text.is_empty() {
        query.append_pair("q", text);
    }
    let query = query.finish();
    if query.is_empty() {
        query
    } else {
        format!("?{query}")
    }
}

#[component]
pub fn LogsPage() -> impl IntoView {
    let service = param("service");
    let environment = param("environment");
    let query = use_query_map();
    let filter = Memo::new(move |_| filter_from_query(|key| query.read().get(key)));
    let functions =
        LocalResource::new(move || async move { code::list(&service.get(), Kind::Function).await });
    // Set when the filter in the form failed its check: the entries on screen are still the
    // last applied filter's, and must not read as the answer to the one typed since.
    let stale = RwSignal::new(false);
    Effect::new(move |_| {
        filter.track();
        stale.set(false);
    });
    let first = LocalResource::new(move || {
        let (service, environment, filter) = (service.get(), environment.get(), filter.get());
        async move { logs::page(&service, &environment, &filter, PAGE_SIZE, None).await }
    });
    // Which environment's logs these are, in the heading and the tab title: dev's and prod's
    // pages look alike otherwise.
    let name_in_title = item_namer();
    let named = LocalResource::new(move || async move {
        environments::fetch(&service.get(), &environment.get())
            .await
            .map(|e| (e.service_sid, e.sid, e.unique_name))
    });
    Effect::new(move |_| {
        if let Some(Ok((service, sid, name))) = named.get() {
            name_in_title(format!("/services/{service}/environments/{sid}/logs"), name);
        }
    });
    let name = move || named.get().and_then(Result::ok).map(|(_, _, name)| name);
    // An environment that does not exist has no logs to filter: only that is said.
    let missing = not_found(named);
    let back = move || {
        format!(
            "/services/{}/environments/{}",
            service.get(),
            environment.get()
        )
    };
    view! {
        <Show when=move || missing().is_none() fallback=move || missing().map(|error| view! { <Missing error/> })>
        <section class="logs">
            <div class="page-head">
                <h1>"Logs" {move || name().map(|name| view! { " · " <span id="logs-environment">{name}</span> })}</h1>
                <A href=back>{move || match name() {
                    Some(name) => format!("Back to {name}"),
                    None => "Back to the environment".to_owned(),
                }}</A>
            </div>
            <LogFilters filter functions stale/>
            {move || stale.get().then(|| view! {
                <p class="field-warning" id="logs-stale" role="status">
                    "The entries below are for the filter applied before, not for the one above: correct it and Apply to see the entries it matches."
                </p>
            })}
            <div class="logs-results" class:stale=move || stale.get()>
            <Transition fallback=|| view! { <div class="skeleton" aria-busy="true">"Loading logs…"</div> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Ok((entries, next)) => view! { <LogsTable filter=filter.get_untracked() entries next functions/> }.into_any(),
                        Err(error) => view! { <LoadError error retry=move || first.refetch()/> }.into_any(),
                    }
                })}
            </Transition>
            </div>
        </section>
        </Show>
    }
}

type Functions = LocalResource<Result<Vec<Function>, crate::api::ClientError>>;

/// Function and dates; applying them changes the page URL, which reloads the list.
#[component]
fn LogFilters(
    filter: Memo<LogFilter>,
    functions: Functions,
    stale: RwSignal<bool>,
) -> impl IntoView {
    let current = filter.get_untracked();
    let function = RwSignal::new(current.function_sid.unwrap_or_default());
    let start = RwSignal::new(current.start_date.unwrap_or_default());
    let end = RwSignal::new(current.end_date.unwrap_or_default());
    // The inputs follow the URL, so Back and Forward show the filter the list was loaded with.
    Effect::new(move |_| {
        let current = filter.get();
        function.set(current.function_sid.unwrap_or_default());
        start.set(current.start_date.unwrap_or_default());
        end.set(current.end_date.unwrap_or_default());
    });
    let check_form = FormCheck::new("log-filters");
    let navigate = use_navigate();
    let here = crate::routing::use_path();
    // A new filter loads the list again; the level and text it is narrowed to stay.
    let query = use_query_map();
    let go = move |filter: LogFilter| {
        let path = here.get_untracked();
        let (shown, text) = query.with_untracked(narrowing_in);
        navigate(
            &format!("{path}{}", page_query(&filter, shown, &text)),
            Default::default(),
        );
    };
    let apply = {
        let go = go.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let date = |field: &'static str,
                        label: &str,
                        value: String|
             -> Result<Option<String>, (&'static str, String)> {
                let value = value.trim().to_owned();
                if value.is_empty() {
                    return Ok(None);
                }
                logs::api_date(&value, field == "EndDate").map(Some).ok_or_else(|| {
                    (
                        field,
                        format!("{label} must be a day such as 2024-05-01, or a time such as 2024-05-01T10:30:00Z (UTC)"),
                    )
                })
            };
            let parsed =
                date("StartDate", "The start date", start.get_untracked()).and_then(|start_date| {
                    let end_date = date("EndDate", "The end date", end.get_untracked())?;
                    // Both are normalized to the same UTC form, so they compare as text.
                    if let (Some(from), Some(until)) = (&start_date, &end_date)
                        && from > until
                    {
                        return Err((
                            "StartDate",
                            "The start date is after the end date.".to_owned(),
                        ));
                    }
                    Ok(LogFilter {
                        function_sid: Some(function.get_untracked()).filter(|s| !s.is_empty()),
                        start_date,
                        end_date,
                    })
                });
            match parsed {
                Ok(filter) => {
                    check_form.clear();
                    stale.set(false);
                    go(filter);
                }
                Err((field, message)) => {
                    check_form.at(field, message);
                    stale.set(true);
                }
            }
        }
    };
    let clear = move |_| {
        function.set(String::new());
        start.set(String::new());
        end.set(String::new());
        check_form.clear();
        stale.set(false);
        go(LogFilter::default());
    };
    view! {
        <form class="card form inline-form" id="log-filters" on:submit=apply novalidate>
            <label>"Function"
                <select name="FunctionSid" on:change=move |ev| function.set(event_target_value(&ev))>
                    <option value="" selected=move || function.get().is_empty()>"All functions"</option>
                    {move || functions.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|f| {
                        let sid = f.sid.clone();
                        view! { <option value=f.sid.clone() selected=move || function.get() == sid>{f.friendly_name}</option> }
                    }).collect_view()}
                    // A link may name a function that is not in the list (deleted, or a typo):
                    // the select shows that, rather than "All functions" over a filtered list.
                    {move || {
                        let sid = function.get();
                        let listed = functions.get().and_then(Result::ok)?;
                        (!sid.is_empty() && !listed.iter().any(|f| f.sid == sid)).then(|| view! {
                            <option value=sid.clone() selected=true>{format!("{sid} (no such function)")}</option>
                        })
                    }}
                </select>
            </label>
            <label>"From (UTC)"
                <input name="StartDate" placeholder="2024-05-01T10:30:00Z" prop:value=start on:input=move |ev| start.set(event_target_value(&ev))/>
            </label>
            <label>"Until (UTC)"
                <input name="EndDate" placeholder="2024-05-01T11:30:00Z" prop:value=end on:input=move |ev| end.set(event_target_value(&ev))/>
            </label>
            <button type="submit" class="primary">"Apply"</button>
            <button type="button" id="clear-filters" on:click=clear>"Clear"</button>
            <CheckMessage check=check_form/>
        </form>
    }
}

/// The entries, older pages below, and the tail adding new ones on top.
#[component]
fn LogsTable(
    filter: LogFilter,
    entries: Vec<Log>,
    next: Option<Cursor>,
    functions: Functions,
) -> impl IntoView {
    let (service, environment) = (param("service"), param("environment"));
    let filter = StoredValue::new(filter);
    let entries = RwSignal::new(entries);
    let next = RwSignal::new(next);
    let error = RwSignal::new(None::<crate::api::ClientError>);
    let tailing = RwSignal::new(false);
    let busy = StoredValue::new(false);
    let older = Action::new_local(move |cursor: &Cursor| {
        let (service, environment, cursor) = (
            service.get_untracked(),
            environment.get_untracked(),
            cursor.clone(),
        );
        async move {
            logs::page(
                &service,
                &environment,
                &filter.get_value(),
                PAGE_SIZE,
                Some(&cursor),
            )
            .await
        }
    });
    Effect::new(move |_| match older.value().get() {
        Some(Ok((page, cursor))) => {
            entries.update(|e| {
                logs::append_older(e, page);
            });
            next.set(cursor);
        }
        Some(Err(failure)) => error.set(Some(failure)),
        None => {}
    });
    // The tail asks for entries from the newest one seen (inclusive, since dates have second
    // precision) and drops the ones already shown.
    let tick = move || {
        if busy.get_value() {
            return;
        }
        busy.set_value(true);
        let mut since = filter.get_value();
        since.end_date = None;
        if let Some(newest) = entries.with_untracked(|e| logs::newest(e)) {
            since.start_date = Some(newest);
        }
        let (service, environment) = (service.get_untracked(), environment.get_untracked());
        leptos::task::spawn_local(async move {
            match logs::page(&service, &environment, &since, 1000, None).await {
                Ok((page, _)) => {
                    error.set(None);
                    // Only a tick that found new entries redraws the table.
                    entries.maybe_update(|e| logs::merge(e, page) > 0);
                }
                Err(failure) => error.set(Some(failure)),
            }
            busy.set_value(false);
        });
    };
    let visible = use_page_visible();
    use_poll(move || tailing.get() && visible.get(), TAIL_PERIOD, tick);
    // The level and text are in the URL (replacing the history entry, as a search box does).
    let query = use_query_map();
    let shown = move || query.with(|q| narrowing_in(q).0);
    // The text narrows the list as it is typed; it goes into the URL when the box is left or
    // Enter is pressed, not per keystroke (browsers limit how often a page may rewrite its URL).
    let typed = RwSignal::new(query.with_untracked(|q| narrowing_in(q).1));
    let text = move || typed.get();
    let navigate = use_navigate();
    let here = crate::routing::use_path();
    let narrow = move |shown: Shown, text: String| {
        let path = here.get_untracked();
        let query = filter.with_value(|f| page_query(f, shown, &text));
        navigate(
            &format!("{path}{query}"),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let narrow_text = narrow.clone();
    let narrowed = move || shown() != Shown::All || !text().trim().is_empty();
    // Once per change, for both the table and the count.
    let visible_entries = Memo::new(move |_| {
        let (shown, text) = (shown(), text());
        entries.with(|e| {
            e.iter()
                .filter(|log| shows(log, shown, &text))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let has_end = filter.with_value(|f| f.end_date.is_some());
    let filtered = filter.with_value(|f| *f != LogFilter::default());
    let name_of = move |sid: &str| {
        functions
            .get()
            .and_then(Result::ok)
            .and_then(|list| list.into_iter().find(|f| f.sid == sid))
            .map(|f| f.friendly_name)
    };
    view! {
        <div class="log-controls">
            <button type="button" id="tail-toggle" class:tailing=tailing aria-pressed=move || tailing.get().to_string()
                disabled=has_end title=if has_end { "The tail follows new entries; clear the end date to use it" } else { "Poll for new entries every 2 seconds" }
                on:click=move |_| tailing.update(|t| *t = !*t)>
                {move || if tailing.get() { "Pause live tail" } else { "Start live tail" }}
            </button>
            {move || tailing.get().then(|| view! { <span class="tail-status" role="status">{move || if visible.get() { "Following new entries…" } else { "Paused while the tab is hidden" }}</span> })}
            <label>"Show "
                <select id="log-level" prop:value=move || shown().as_str()
                    on:change=move |ev| narrow(Shown::parse(&event_target_value(&ev)), text())>
                    <option value="all">"every level"</option>
                    <option value="warn">"warnings and errors"</option>
                    <option value="error">"errors"</option>
                </select>
            </label>
            <input type="search" id="log-search" placeholder="Find in messages" aria-label="Find in messages"
                prop:value=text on:input=move |ev| typed.set(event_target_value(&ev))
                on:change=move |ev| {
                    typed.set(event_target_value(&ev));
                    narrow_text(shown(), event_target_value(&ev));
                }/>
        </div>
        {move || narrowed().then(|| {
            let (showing, loaded) = (visible_entries.with(Vec::len), entries.with(Vec::len));
            let words = if showing == 0 && loaded > 0 {
                format!("None of the {loaded} entries loaded matches.")
            } else {
                format!("Showing {showing} of the {loaded} entries loaded.")
            };
            view! { <p class="hint" id="log-narrowed" role="status">{words}</p> }
        })}
        {move || error.get().map(|error| view! { <ErrorView error/> })}
        <Show when=move || entries.with(|e| !e.is_empty()) fallback=move || view! {
            <p class="empty" id="logs-empty">{if filtered {
                "No log entries match these filters."
            } else {
                "No log entries yet: functions write them when they run, and only a deployed build runs."
            }}</p>
        }>
            <table class="table" id="logs-table" hidden=move || visible_entries.with(Vec::is_empty)>
                <thead><tr><th>"Time (UTC)"</th><th>"Level"</th><th>"Function"</th><th>"Message"</th><th>"Request"</th></tr></thead>
                <tbody>
                    <For each=move || visible_entries.get() key=|log| log.sid.clone() let:log>
                        <tr data-sid=log.sid.clone() data-function=log.function_sid.clone()>
                            <td class="date"><time>{log.date_created.clone()}</time></td>
                            <td><span class=level_class(&log.level)>{log.level.to_lowercase()}</span></td>
                            <td class="function">{
                                let sid = log.function_sid.clone();
                                move || if sid.is_empty() { "(environment)".to_owned() } else { name_of(&sid).unwrap_or_else(|| sid.clone()) }
                            }</td>
                            <td class="message"><pre>{log.message.clone()}</pre></td>
                            <td><code class="sid">{log.request_sid.clone()}</code></td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </Show>
        {move || next.get().map(|cursor| view! {
            <button type="button" id="load-more" aria-disabled=focus::busy(move || older.pending().get())
                on:click=move |_| if !older.pending().get_untracked() { older.dispatch(cursor.clone()); }>"Load older entries"</button>
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_coloured_whatever_their_spelling() {
        assert_eq!(level_class("info"), "level level-info");
        assert_eq!(level_class("INFO"), "level level-info");
        assert_eq!(level_class("warn"), "level level-warn");
        assert_eq!(level_class("Warning"), "level level-warn");
        assert_eq!(level_class("ERROR"), "level level-error");
        assert_eq!(level_class("trace"), "level level-other");
    }

    #[test]
    fn level_and_text_narrow_the_loaded_entries() {
        let log = |level: &str, message: &str| Log {
            level: level.into(),
            message: message.into(),
            request_sid: "RQ1".into(),
            ..Log::default()
        };
        let (info, warning, error) = (
            log("info", "Sent SMS"),
            log("Warning", "slow"),
            log("ERROR", "Boom"),
        );
        assert!(shows(&info, Shown::All, ""));
        assert!(!shows(&info, Shown::WarningsAndErrors, ""));
        assert!(shows(&warning, Shown::WarningsAndErrors, ""));
        assert!(!shows(&warning, Shown::Errors, ""));
        assert!(shows(&error, Shown::Errors, "boom"));
        assert!(shows(&info, Shown::All, " sms "));
        assert!(shows(&info, Shown::All, "rq1"));
        assert!(!shows(&info, Shown::All, "boom"));
    }

    #[test]
    fn filters_round_trip_through_the_page_query() {
        let filter = LogFilter {
            function_sid: Some("ZH1".into()),
            start_date: Some("2024-05-01T10:30:00Z".into()),
            end_date: None,
        };
        let query = page_query(&filter, Shown::All, "");
        assert_eq!(query, "?FunctionSid=ZH1&StartDate=2024-05-01T10%3A30%3A00Z");
        let url = format!("/x{query}");
        let back = filter_from_query(|key| switchboard_models::page::query_param(&url, key));
        assert_eq!(back, filter);
        assert_eq!(page_query(&LogFilter::default(), Shown::All, ""), "");
        assert_eq!(
            page_query(&LogFilter::default(), Shown::Errors, "sms failed"),
            "?level=error&q=sms+failed"
        );
        let lenient =
            filter_from_query(|key| (key == "StartDate").then(|| "2024-05-01T10:30".to_owned()));
        assert_eq!(lenient.start_date.as_deref(), Some("2024-05-01T10:30:00Z"));
        assert_eq!(filter_from_query(|_| Some("junk".into())).start_date, None);
    }
}

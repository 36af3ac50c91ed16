//! The logs table: the loaded entries narrowed by level and text, older pages on demand, and
//! the live tail.

use super::query::{Shown, level_class, narrowing_in, page_query, shows};
use super::{Functions, PAGE_SIZE, TAIL_PERIOD};
use crate::api::logs::{self, Cursor, LogFilter};
use crate::components::error_view::ErrorView;
use crate::components::focus;
use crate::components::outcome::action_then;
use crate::components::poller::{use_page_visible, use_poll};
use crate::routing::param;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use switchboard_models::Log;

/// The entries, older pages below, and the tail adding new ones on top.
#[component]
pub(super) fn LogsTable(
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
    let older = action_then(
        move |cursor: &Cursor| {
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
        },
        move |read| match read.clone() {
            Ok((page, cursor)) => {
                entries.update(|e| {
                    logs::append_older(e, page);
                });
                next.set(cursor);
            }
            Err(failure) => error.set(Some(failure)),
        },
    );
    let visible = follow_tail(filter, entries, error, tailing);
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
            <LogRows rows=visible_entries functions/>
        </Show>
        {move || next.get().map(|cursor| view! {
            <button type="button" id="load-more" aria-disabled=focus::busy(move || older.pending().get())
                on:click=move |_| if !older.pending().get_untracked() { older.dispatch(cursor.clone()); }>"Load older entries"</button>
        })}
    }
}

/// The live tail: while `tailing` and the tab is shown, asks every `TAIL_PERIOD` for the entries
/// from the newest one seen and adds those not shown yet; answers whether the tab is shown.
fn follow_tail(
    filter: StoredValue<LogFilter>,
    entries: RwSignal<Vec<Log>>,
    error: RwSignal<Option<crate::api::ClientError>>,
    tailing: RwSignal<bool>,
) -> Signal<bool> {
    let (service, environment) = (param("service"), param("environment"));
    let busy = StoredValue::new(false);
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
    visible
}

/// The entries shown, each with its function's name (its SID until the names are read).
#[component]
fn LogRows(rows: Memo<Vec<Log>>, functions: Functions) -> impl IntoView {
    let name_of = move |sid: &str| {
        functions
            .get()
            .and_then(Result::ok)
            .and_then(|list| list.into_iter().find(|f| f.sid == sid))
            .map(|f| f.friendly_name)
    };
    view! {
        <table class="table" id="logs-table" hidden=move || rows.with(Vec::is_empty)>
            <thead><tr><th>"Time (UTC)"</th><th>"Level"</th><th>"Function"</th><th>"Message"</th><th>"Request"</th></tr></thead>
            <tbody>
                <For each=move || rows.get() key=|log| log.sid.clone() let:log>
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
    }
}

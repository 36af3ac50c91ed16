//! The logs page's filter form.

use super::Functions;
use super::query::{narrowing_in, page_query};
use crate::api::logs::{self, LogFilter};
use crate::components::form_check::{CheckMessage, FormCheck};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Function and dates; applying them changes the page URL, which reloads the list.
#[component]
pub(super) fn LogFilters(
    filter: Memo<LogFilter>,
    functions: Functions,
    stale: RwSignal<bool>,
) -> impl IntoView {
    let current = filter.get_untracked();
    let function = RwSignal::new(current.function_sid.unwrap_or_default());
    let start = RwSignal::new(current.start_date.unwrap_or_default());
    let end = RwSignal::new(current.end_date.unwrap_or_default());
    // The inputs follow the URL, so Back and Forward show the filter the list was loaded with
    // (and the list is that filter's answer again, no longer stale). An effect, because the
    // URL is the outside world here: the inputs are the form's own state, edited in place.
    Effect::new(move |_| {
        let current = filter.get();
        function.set(current.function_sid.unwrap_or_default());
        start.set(current.start_date.unwrap_or_default());
        end.set(current.end_date.unwrap_or_default());
        stale.set(false);
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

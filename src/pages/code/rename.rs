//! Renaming a function or asset, and the friendly-name check its create form shares.

use crate::api::code::{self, Kind};
use crate::components::error_view::ErrorView;
use crate::components::focus::busy;
use crate::components::form_check::{CheckMessage, FormCheck};
use crate::components::outcome::action_on_ok;
use crate::pages::services::friendly_name_length;
use leptos::prelude::*;
use switchboard_models::{Function, validate};

/// A form's submit handler: the trimmed friendly name goes to `dispatch` when Twilio would accept
/// it; otherwise the field shows why, and keeps what was typed.
pub(crate) fn submit_friendly_name(
    name: RwSignal<String>,
    check_form: FormCheck,
    dispatch: impl Fn(String) + 'static,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
    move |event| {
        event.prevent_default();
        let value = name.get_untracked().trim().to_owned();
        match validate::friendly_name(Some(&value)) {
            Ok(()) => {
                check_form.clear();
                dispatch(value);
            }
            Err(error) => check_form.fail(&error),
        }
    }
}

#[component]
pub(super) fn RenameForm(
    kind: Kind,
    item: Function,
    on_renamed: impl Fn(String) + Send + Sync + 'static,
) -> impl IntoView {
    let name = RwSignal::new(item.friendly_name.clone());
    let check_form = FormCheck::new("rename");
    check_form.live("FriendlyName", friendly_name_length);
    let ids = StoredValue::new((item.service_sid.clone(), item.sid.clone()));
    let rename = action_on_ok(
        move |name: &String| {
            let ((service, sid), name) = (ids.get_value(), name.clone());
            async move { code::rename(&service, kind, &sid, &name).await }
        },
        move |renamed: &Function| on_renamed(renamed.friendly_name.clone()),
    );
    let submit = submit_friendly_name(name, check_form, move |value| {
        if !rename.pending().get_untracked() {
            rename.dispatch(value);
        }
    });
    view! {
        <form class="form inline-form" id="rename" on:submit=submit on:input=check_form.on_input() novalidate>
            <input name="FriendlyName" aria-label="Friendly name" prop:value=name
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <button type="submit" aria-disabled=busy(move || rename.pending().get())>"Rename"</button>
            <CheckMessage check=check_form/>
            {move || rename.value().get().and_then(Result::err).map(|error| view! { <ErrorView error/> })}
        </form>
    }
}

//! Actions whose outcome is handled where it arrives, in the submit path.

use leptos::prelude::*;
use std::future::Future;
use std::rc::Rc;

/// `Action::new_local(call)`, with `then` run on each outcome as its call returns: clearing the
/// form, calling back, navigating. It replaces an effect that watched the action's value for
/// that (Leptos' docs advise against effects that sync state, and each one is a reactive node
/// and bytes). `then` runs just before the outcome reaches `value()`, and not at all once the
/// component that made the action is gone: a page left while its call ran stays left.
pub fn action_then<I, O, Fu>(
    call: impl Fn(&I) -> Fu + 'static,
    then: impl Fn(&O) + 'static,
) -> Action<I, O>
where
    I: 'static,
    O: 'static,
    Fu: Future<Output = O> + 'static,
{
    let mounted = StoredValue::new(());
    let then = Rc::new(then);
    Action::new_local(move |input| {
        let (outcome, then) = (call(input), then.clone());
        async move {
            let outcome = outcome.await;
            if !mounted.is_disposed() {
                then(&outcome);
            }
            outcome
        }
    })
}

/// `action_then` for a call that answers a `Result`, with `then` run on success only.
pub fn action_on_ok<I, T, E, Fu>(
    call: impl Fn(&I) -> Fu + 'static,
    then: impl Fn(&T) + 'static,
) -> Action<I, Result<T, E>>
where
    I: 'static,
    T: 'static,
    E: 'static,
    Fu: Future<Output = Result<T, E>> + 'static,
{
    action_then(call, move |outcome: &Result<T, E>| {
        if let Ok(value) = outcome {
            then(value);
        }
    })
}

/// A form's submit handler for `action`: the browser's own submit is stopped, and a press while
/// the action runs does nothing (its button stays focusable, `focus::busy`, rather than disabled).
pub fn submit_to<I, O>(
    action: Action<I, O>,
    submit: impl Fn() + 'static,
) -> impl Fn(leptos::ev::SubmitEvent) + 'static
where
    I: 'static,
    O: 'static,
{
    move |event| {
        event.prevent_default();
        if !action.pending().get_untracked() {
            submit();
        }
    }
}

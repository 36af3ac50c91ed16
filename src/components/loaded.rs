//! The one way a page shows data it loads: a skeleton while it first loads (what is on screen
//! stays while it loads again), the error with Try again, or the data.

use crate::api::ClientError;
use crate::components::error_view::LoadError;
use leptos::prelude::*;

#[component]
pub fn Loaded<T, V>(
    resource: LocalResource<Result<T, ClientError>>,
    /// What the skeleton says, e.g. "Loading environments…".
    loading: &'static str,
    /// The page's own subject: a 404 shows the not-found view rather than Try again.
    #[prop(optional)]
    page: bool,
    /// The data's view.
    show: impl Fn(T) -> V + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    let show = StoredValue::new_local(show);
    view! {
        <Transition fallback=move || view! { <div class="skeleton" aria-busy="true">{loading}</div> }>
            {move || Suspend::new(async move {
                match resource.await {
                    Ok(data) => show.with_value(|show| show(data)).into_any(),
                    Err(error) => view! { <LoadError page error retry=move || resource.refetch()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

//! The sentinel-readiness web app: the whole planner in the browser. Exports are read and
//! evaluated locally by the same engine as the CLI; nothing is sent anywhere.

mod state;
mod views;

use sentinel_readiness_engine::{build, load, Date, Report, ReportOptions};
use state::{Action, State};
use yew::prelude::*;

fn today() -> Date {
    let ms = js_sys::Date::now();
    Date::from_days_since_epoch((ms / 86_400_000.0).floor() as i64)
}

/// The screens, addressed by the URL hash so the page works from a file and in an iframe.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Inputs,
    Report,
    Access,
    Differences,
    Checklist,
}

impl Route {
    const ALL: [Route; 5] = [
        Route::Inputs,
        Route::Report,
        Route::Access,
        Route::Differences,
        Route::Checklist,
    ];

    fn from_hash(hash: &str) -> Self {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let path = path.split('?').next().unwrap_or_default();
        Self::ALL
            .into_iter()
            .find(|r| r.slug() == path)
            .unwrap_or(Route::Report)
    }

    fn slug(self) -> &'static str {
        match self {
            Route::Inputs => "inputs",
            Route::Report => "report",
            Route::Access => "access",
            Route::Differences => "differences",
            Route::Checklist => "checklist",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Route::Inputs => "Inputs",
            Route::Report => "Report",
            Route::Access => "Access",
            Route::Differences => "Differences",
            Route::Checklist => "Checklist",
        }
    }
}

fn location() -> Option<web_sys::Location> {
    web_sys::window().map(|w| w.location())
}

fn current_route() -> Route {
    Route::from_hash(&location().and_then(|l| l.hash().ok()).unwrap_or_default())
}

/// `?embed` (or `#/…?embed`) gives minimal chrome for iframes.
fn embed_mode() -> bool {
    let l = location();
    let search = l.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    let hash = l.as_ref().and_then(|l| l.hash().ok()).unwrap_or_default();
    search.contains("embed") || hash.contains("embed")
}

/// The evaluation of the current inputs (kept out of the view functions).
pub struct Evaluated {
    pub report: Result<std::rc::Rc<Report>, String>,
}

fn evaluate(state: &State) -> Evaluated {
    let loaded = load(state.inputs.iter().map(|i| (i.name.as_str(), i.text.as_bytes())));
    let as_of = state.as_of.as_deref().and_then(|d| Date::parse(d).ok());
    let opts = ReportOptions {
        workspaces: vec![],
        as_of,
        today: today(),
        all_verdicts: true,
        primary: state.primary.clone(),
    };
    // A primary that is no longer among the inputs' workspaces falls back to none.
    let report = build(&loaded, &opts).or_else(|_| {
        build(
            &loaded,
            &ReportOptions {
                primary: None,
                ..opts.clone()
            },
        )
    });
    Evaluated {
        report: report.map(std::rc::Rc::new).map_err(|e| e.to_string()),
    }
}

#[function_component(App)]
fn app() -> Html {
    let state = use_reducer(State::load);
    let route = use_state(current_route);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .map(|w| gloo::events::EventListener::new(&w, "hashchange", move |_| route.set(current_route())));
            move || drop(listener)
        });
    }
    let evaluated = use_memo(((*state).clone(),), |(s,)| evaluate(s));
    let dispatch = state.dispatcher();
    let embed = embed_mode();
    let keep_toggle = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let checked = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.checked())
                .unwrap_or(true);
            dispatch.dispatch(Action::SetKeep(checked));
        })
    };
    let body = match *route {
        Route::Inputs => views::inputs(&std::rc::Rc::new((*state).clone()), &evaluated, dispatch.clone()),
        Route::Report => views::report(&state, &evaluated, dispatch.clone()),
        Route::Access => {
            html! { <views::AccessView report={ evaluated.report.as_ref().ok().cloned().map(views::SharedReport) } /> }
        }
        Route::Differences => html! {
            <views::DifferencesView
                affected={ evaluated.report.as_ref().map(|r| r.findings.iter().map(|f| f.id.to_string()).collect::<Vec<_>>()).unwrap_or_default() }
                as_of={ state.as_of.clone() }
                dispatch={ dispatch.clone() } />
        },
        Route::Checklist => views::checklist(&state, &evaluated, dispatch.clone()),
    };
    html! {
        <div class={ classes!("app", embed.then_some("embed")) }>
            if !embed {
                <header>
                    <h1>{ "Sentinel → Defender portal readiness" }</h1>
                    <p class="privacy">{ "Your exports are read and evaluated in this browser. Nothing is uploaded or sent anywhere." }</p>
                </header>
            }
            <nav aria-label="Screens">
                { for Route::ALL.iter().map(|r| html! {
                    <a href={ format!("#/{}", r.slug()) } aria-current={ (*route == *r).then_some("page") }>{ r.title() }</a>
                }) }
            </nav>
            if state.has_sample() {
                <p class="sample-banner" role="note">
                    { "Showing the built-in fictional sample tenant (Contoso SOC). Add your own exports on the Inputs screen to replace it." }
                </p>
            }
            if let Some(err) = &state.storage_error {
                <p class="warning" role="alert">{ err }</p>
            }
            <main aria-live="polite">{ body }</main>
            if !embed {
                <footer>
                    <label class="keep">
                        <input type="checkbox" id="keep-data" checked={ state.keep } onchange={ keep_toggle } />
                        { " Keep my inputs and ticks on this device (localStorage). Untick to forget them now." }
                    </label>
                </footer>
            }
        </div>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}

//! The sentinel-readiness web app: the whole planner in the browser. Exports are read and
//! evaluated locally by the same engine as the CLI; nothing is sent anywhere.

mod state;
mod views;

use sentinel_readiness_engine::evaluate::ListSizes;
use sentinel_readiness_engine::{build, load, Date, InputError, Report, ReportOptions};
use state::{Action, State};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

// Linked for its `memcmp`, which replaces compiler-builtins' byte loop (crates/memcmp).
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
use sentinel_readiness_memcmp as _;

fn today() -> Date {
    let ms = js_sys::Date::now();
    Date::from_days_since_epoch((ms / 86_400_000.0).floor() as i64)
}

/// The screens, addressed by the URL hash so the page works from a file and in an iframe.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Inputs,
    Dashboard,
    Report,
    Access,
    Differences,
    Checklist,
    Mssp,
}

impl Route {
    const ALL: [Route; 7] = [
        Route::Inputs,
        Route::Dashboard,
        Route::Report,
        Route::Access,
        Route::Differences,
        Route::Checklist,
        Route::Mssp,
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
            Route::Dashboard => "dashboard",
            Route::Report => "report",
            Route::Access => "access",
            Route::Differences => "differences",
            Route::Checklist => "checklist",
            Route::Mssp => "mssp",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Route::Inputs => "Inputs",
            Route::Dashboard => "Dashboard",
            Route::Report => "Report",
            Route::Access => "Access",
            Route::Differences => "Differences",
            Route::Checklist => "Checklist",
            Route::Mssp => "Multi-tenant",
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
    /// Evaluated in the Web Worker (rather than on the page's thread).
    pub in_worker: bool,
}

/// What an evaluation depends on (ticks do not re-run it).
#[derive(Clone, PartialEq)]
struct EvalRequest {
    inputs: Vec<state::Input>,
    primary: Option<String>,
    as_of: Option<String>,
    /// The UTC day PIM windows are checked on: a tab left open past midnight evaluates
    /// again when it is next looked at.
    day: Date,
}

/// What the worker is sent besides the exports, which travel as one byte buffer handed
/// over (transferred, not copied) in the same message: no JSON escaping or string
/// conversion of tens of MB on the page's thread.
#[derive(serde::Serialize, serde::Deserialize)]
struct WorkerMeta {
    /// Each input's name and its length in that buffer, in order.
    files: Vec<(String, usize)>,
    /// The inputs the page could not read, with why: not in the buffer.
    unreadable: Vec<(String, String)>,
    primary: Option<String>,
    as_of: Option<String>,
}

/// Explaining every `not-allowed` verdict (the Access screen's "missing" lines) is affordable
/// for small tenants only; above this much input the screen shows them without detail.
const EXPLAIN_ALL_UP_TO_BYTES: usize = 8 * 1024 * 1024;

/// Inputs small enough to evaluate on the page's own thread when no worker can start.
const PAGE_FALLBACK_UP_TO_BYTES: usize = 8 * 1024 * 1024;

/// Above this many verdicts the page keeps everything but the per-principal explanations,
/// which would not fit in a browser tab (a dense 100k-assignment tenant has a million).
const PAGE_VERDICT_LIMIT: usize = 100_000;

/// Names kept per task and workspace in a report trimmed for the page: the overview shows
/// them with the full count. (100 made the answer 4 MB, which the page parses in one task.)
pub(crate) const PAGE_NAMES_PER_TASK: usize = 20;

/// Starts the caveat that marks a report trimmed for the page (the Access screen looks for it).
pub const DETAIL_OMITTED: &str = "Per-principal verdicts are not shown in the browser";

fn trim_for_page(mut report: Report, limit: usize) -> Report {
    let verdicts = report.verdict_count();
    if verdicts > limit {
        // The Access screen shows only the note below for such a report, so the principals
        // (with their group lists, half of a dense 100k tenant's answer) are not sent at all:
        // the page parses the answer in one task, and every MB is ~10 ms of it.
        report.principals = Vec::new();
        report.reasons = Vec::new();
        // Thousands of names per task and workspace are no use on a screen either; the
        // checklist and prerequisites were computed from the full lists.
        for t in &mut report.tasks {
            let full = ListSizes {
                qualified: t.qualified.len(),
                potential: t.potential.len(),
                denied: t.denied.len(),
            };
            if full.qualified.max(full.potential).max(full.denied) > PAGE_NAMES_PER_TASK {
                t.shortened = Some(full);
            }
            for list in [&mut t.qualified, &mut t.potential, &mut t.denied] {
                list.truncate(PAGE_NAMES_PER_TASK);
            }
        }
        report.caveats.push(format!(
            "{DETAIL_OMITTED}: there are {verdicts}, more than the {limit} a page can hold. The summary, prerequisites, findings and checklist are complete; the lists of who can do each task show the first {PAGE_NAMES_PER_TASK} per workspace. For each principal's verdicts and reasons, run the command line on the same files (sentinel-readiness report FILES --format csv)."
        ));
    }
    report
}

fn evaluate_request(req: &EvalRequest, today: Date) -> Result<Report, String> {
    let files: Vec<(&str, &[u8])> = readable(&req.inputs)
        .map(|i| (i.name.as_str(), i.text.as_bytes()))
        .collect();
    evaluate_files(
        &files,
        &unreadable(&req.inputs),
        req.primary.as_deref(),
        req.as_of.as_deref(),
        today,
    )
}

/// The inputs whose text the engine reads.
fn readable(inputs: &[state::Input]) -> impl Iterator<Item = &state::Input> {
    inputs.iter().filter(|i| i.unreadable.is_none())
}

/// The inputs the page could not read, with why.
fn unreadable(inputs: &[state::Input]) -> Vec<(String, String)> {
    inputs
        .iter()
        .filter_map(|i| Some((i.name.clone(), i.unreadable.clone()?)))
        .collect()
}

fn evaluate_files(
    files: &[(&str, &[u8])],
    unreadable: &[(String, String)],
    primary: Option<&str>,
    as_of: Option<&str>,
    today: Date,
) -> Result<Report, String> {
    let mut loaded = load(files.iter().copied());
    // Listed with the files in error, as the command line lists a file it cannot decode.
    loaded.errors.extend(unreadable.iter().map(|(name, why)| InputError {
        path: name.clone(),
        format: None,
        location: None,
        message: why.clone(),
        snippet: None,
    }));
    let as_of = as_of.and_then(|d| Date::parse(d).ok());
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let opts = ReportOptions {
        workspaces: vec![],
        as_of,
        today,
        all_verdicts: bytes <= EXPLAIN_ALL_UP_TO_BYTES,
        primary: primary.map(str::to_string),
        // The page's worker is one thread (the Wasm build never starts others).
        threads: 1,
    };
    // A primary that is no longer among the inputs' workspaces falls back to none, and
    // the report says so (the choice was the user's).
    build(&loaded, &opts)
        .or_else(|_| {
            let mut report = build(
                &loaded,
                &ReportOptions {
                    primary: None,
                    ..opts.clone()
                },
            )?;
            if let Some(p) = primary {
                report.caveats.push(format!(
                    "The primary workspace chosen ({p}) is not among these inputs' workspaces, so none is used; choose one on the Report screen."
                ));
            }
            Ok::<_, sentinel_readiness_engine::OptionsError>(report)
        })
        .map(|r| trim_for_page(r, PAGE_VERDICT_LIMIT))
        .map_err(|e| e.to_string())
}

/// Entry point for the evaluation worker: [`WorkerMeta`] JSON and the exports' bytes in,
/// `{"report": …}` or `{"error": …}` out.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn evaluate_in_worker(meta_json: &str, texts: &[u8], today: &str) -> String {
    let today = Date::parse(today).unwrap_or_else(|_| self::today());
    if let Some(why) = sentinel_readiness_engine::ffi::over_request_limit(texts.len()) {
        return serde_json::to_string(&WorkerReply {
            report: None,
            error: Some(&why),
        })
        .unwrap_or_default();
    }
    sentinel_readiness_engine::ffi::reserve_heap(texts.len());
    let result = serde_json::from_str::<WorkerMeta>(meta_json)
        .map_err(|e| format!("request: {e}"))
        .and_then(|meta| {
            let mut files = Vec::with_capacity(meta.files.len());
            let mut rest = texts;
            for (name, len) in &meta.files {
                let (text, tail) = rest
                    .split_at_checked(*len)
                    .ok_or_else(|| "request: the exports are shorter than announced".to_string())?;
                files.push((name.as_str(), text));
                rest = tail;
            }
            evaluate_files(
                &files,
                &meta.unreadable,
                meta.primary.as_deref(),
                meta.as_of.as_deref(),
                today,
            )
        });
    // Written straight from the report: no intermediate JSON tree of a large tenant.
    let reply = match &result {
        Ok(report) => WorkerReply {
            report: Some(report),
            error: None,
        },
        Err(e) => WorkerReply {
            report: None,
            error: Some(e),
        },
    };
    sentinel_readiness_engine::shared_text::compact_json(|| serde_json::to_string(&reply))
        .unwrap_or_else(|_| r#"{"error":"the report could not be written as JSON"}"#.to_string())
}

/// Bytes copied into the worker's buffer per task of the page: copying a 90 MB export in one
/// go held the page's thread for tens of milliseconds.
const COPY_SLICE: usize = 8 * 1024 * 1024;

/// The exports' text, one after another, in a buffer of the page's own (the worker takes it
/// over), with the metadata that splits it again. Copied a slice per task.
async fn worker_message(req: &EvalRequest) -> Option<(String, js_sys::Uint8Array)> {
    let total = u32::try_from(state::input_bytes(&req.inputs)).ok()?;
    let bytes = js_sys::Uint8Array::new_with_length(total);
    let mut at = 0u32;
    let mut since_yield = 0usize;
    for i in readable(&req.inputs) {
        for slice in i.text.as_bytes().chunks(COPY_SLICE) {
            if since_yield + slice.len() > COPY_SLICE {
                next_task().await;
                since_yield = 0;
            }
            let end = at.checked_add(u32::try_from(slice.len()).ok()?)?;
            bytes.subarray(at, end).copy_from(slice);
            at = end;
            since_yield += slice.len();
        }
    }
    let meta = WorkerMeta {
        files: readable(&req.inputs).map(|i| (i.name.clone(), i.text.len())).collect(),
        unreadable: unreadable(&req.inputs),
        primary: req.primary.clone(),
        as_of: req.as_of.clone(),
    };
    Some((serde_json::to_string(&meta).ok()?, bytes))
}

#[derive(serde::Serialize)]
struct WorkerReply<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a String>,
}

#[derive(serde::Deserialize)]
struct WorkerAnswer {
    report: Option<Report>,
    error: Option<String>,
}

/// Runs the evaluation in the page's Web Worker when the page provides one
/// (`window.__srEvaluate`, set up by the single-file page), else on this thread.
/// `wanted` says whether a newer request has replaced this one: copying a large export to
/// the worker takes several tasks, and a replaced request posted after them would end the
/// worker of the request that replaced it (round 36).
async fn evaluate(req: EvalRequest, wanted: impl Fn() -> bool) -> Evaluated {
    let today = req.day;
    let worker = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"__srEvaluate".into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let message = match worker {
        Some(_) => worker_message(&req).await,
        None => None,
    };
    if !wanted() {
        return Evaluated {
            report: Err(SUPERSEDED.to_string()),
            in_worker: true,
        };
    }
    if let (Some(f), Some((meta, bytes))) = (worker, message) {
        let call = f.call3(
            &wasm_bindgen::JsValue::NULL,
            &meta.into(),
            &bytes.into(),
            &today.to_string().into(),
        );
        if let Ok(promise) = call.and_then(|p| p.dyn_into::<js_sys::Promise>()) {
            let bytes = state::input_bytes(&req.inputs);
            let report = match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(answer) => match serde_json::from_str::<WorkerAnswer>(&answer.as_string().unwrap_or_default()) {
                    Ok(WorkerAnswer { report: Some(r), .. }) => Ok(std::rc::Rc::new(r)),
                    Ok(WorkerAnswer { error: Some(e), .. }) => Err(e),
                    Ok(_) => Err("the evaluation worker returned nothing".to_string()),
                    Err(e) => Err(format!("the evaluation worker's answer could not be read: {e}")),
                },
                // A newer request replaced this one; its answer is not wanted.
                Err(e) if e.as_string().as_deref() == Some(SUPERSEDED) => Err(SUPERSEDED.to_string()),
                // Some pages cannot start a worker at all (a file:// page in Chromium): their
                // inputs are evaluated here instead, up to what a file may hold. After other
                // worker errors only small inputs are, since what failed in the worker
                // (memory, size) would freeze the page here; never those whose evaluation
                // itself failed in the worker (it ran out of memory), which would end the
                // page's own Wasm.
                Err(e)
                    if worker_failure(&e).is_none()
                        && (bytes <= PAGE_FALLBACK_UP_TO_BYTES
                            || never_started(&e) && bytes <= crate::views::BROWSER_LIMIT_MB * 1024 * 1024) =>
                {
                    return Evaluated {
                        report: evaluate_request(&req, today).map(std::rc::Rc::new),
                        in_worker: false,
                    }
                }
                Err(e) if never_started(&e) => Err(format!(
                    "this page could not start its evaluation worker (Chromium allows none on a page opened from a file), and exports over {} MB together are not evaluated on the page itself: open the page from a web server, or run the command line on them.",
                    crate::views::BROWSER_LIMIT_MB
                )),
                Err(e) => Err(format!(
                    "the evaluation worker failed ({}). Exports this large, or shaped like this, may exceed what a browser tab can hold: run the command line on them.",
                    worker_failure(&e)
                        .or_else(|| e.as_string())
                        .or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string()))
                        .unwrap_or_default()
                )),
            };
            return Evaluated {
                report,
                in_worker: true,
            };
        }
    }
    // No worker (or it failed): evaluate here.
    Evaluated {
        report: evaluate_request(&req, today).map(std::rc::Rc::new),
        in_worker: false,
    }
}

/// What failed inside the worker's evaluation (`{failed}`, scripts/single-file.mjs), as
/// opposed to a worker that could not start.
fn worker_failure(e: &wasm_bindgen::JsValue) -> Option<String> {
    js_sys::Reflect::get(e, &"failed".into())
        .ok()
        .and_then(|f| f.as_string())
}

/// Did the worker fail before it started (scripts/single-file.mjs)?
fn never_started(e: &wasm_bindgen::JsValue) -> bool {
    js_sys::Reflect::has(e, &"unstarted".into()).unwrap_or(false)
}

/// What the worker answers a request that a newer one replaced (scripts/single-file.mjs).
const SUPERSEDED: &str = "superseded";

/// Resumes in a later task of the page's event loop (a zero-delay timer), letting the
/// browser paint and handle input in between.
pub(crate) async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let scheduled = web_sys::window().is_some_and(|w| w.set_timeout_with_callback(&resolve).is_ok());
        if !scheduled {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// What the screens show until the current inputs' answer arrives.
fn pending() -> Evaluated {
    Evaluated {
        report: Err("Evaluating your current inputs…".into()),
        in_worker: false,
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
    // The day moves on while a tab stays open: checked whenever the page is looked at again.
    let day = use_state_eq(today);
    {
        let day = day.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                let day = day.clone();
                gloo::events::EventListener::new(&w, "focus", move |_| day.set(today()))
            });
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .map(|d| gloo::events::EventListener::new(&d, "visibilitychange", move |_| day.set(today())));
            move || drop((listener, visible))
        });
    }
    let request = EvalRequest {
        inputs: state.inputs.clone(),
        primary: state.primary.clone(),
        as_of: state.as_of.clone(),
        day: *day,
    };
    // The last answer, with the request it answers: shown only while that is still the
    // request, so no screen or download shows the previous inputs' verdicts as current
    // while the new ones are evaluated (round 36).
    let answered = use_state(|| (None::<EvalRequest>, std::rc::Rc::new(pending())));
    let generation = use_mut_ref(|| 0u64);
    {
        let (answered, generation) = (answered.clone(), generation.clone());
        use_effect_with(request.clone(), move |req| {
            let req = req.clone();
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            wasm_bindgen_futures::spawn_local(async move {
                let wanted = || *generation.borrow() == mine;
                let result = evaluate(req.clone(), wanted).await;
                // Reading the answer and showing it are two pieces of work for the page's
                // thread; a task apart, neither stalls it for long on a large tenant.
                next_task().await;
                // A newer request may have started meanwhile: its answer wins.
                if wanted() {
                    answered.set((Some(req), std::rc::Rc::new(result)));
                }
            });
            || ()
        });
    }
    let busy = answered.0.as_ref() != Some(&request);
    let evaluated: std::rc::Rc<Evaluated> = if busy {
        std::rc::Rc::new(pending())
    } else {
        std::rc::Rc::clone(&answered.1)
    };
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
        Route::Dashboard => views::dashboard(&evaluated),
        Route::Report => views::report(&state, &evaluated, dispatch.clone()),
        Route::Access => match &evaluated.report {
            Ok(r) => html! { <views::AccessView report={ views::SharedReport(std::rc::Rc::clone(r)) } /> },
            Err(message) => html! { <p role="alert">{ message }</p> },
        },
        Route::Differences => html! {
            <views::DifferencesView
                affected={ evaluated.report.as_ref().map(|r| r.findings.iter().map(|f| f.id.to_string()).collect::<Vec<_>>()).unwrap_or_default() }
                as_of={ state.as_of.clone() }
                dispatch={ dispatch.clone() } />
        },
        Route::Checklist => views::checklist(&state, &evaluated, dispatch.clone()),
        Route::Mssp => views::guidance(state.as_of.as_deref()),
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
            if let Some(notice) = state.not_kept_notice() {
                <p class="warning" role="alert">{ notice }</p>
            }
            if state.reading > 0 {
                <p class="busy" role="status"><progress aria-label="Reading"></progress>{ " Reading the files you added…" }</p>
            }
            if busy {
                <p class="busy" role="status"><progress aria-label="Evaluating"></progress>{ format!(" Evaluating {} input(s) in the background…", state.inputs.len()) }</p>
            }
            <main aria-live="polite" aria-busy={ if busy { "true" } else { "false" } } data-engine={ if evaluated.in_worker { "worker" } else { "page" } }>{ body }</main>
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
    // The same module runs in the evaluation worker, which has no page to render.
    if web_sys::window().is_none() {
        return;
    }
    yew::Renderer::<App>::new().render();
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentinel_readiness_engine::sample;

    fn sample_report() -> Report {
        let loaded = load(sample::SAMPLE_FILES.iter().map(|(n, t)| (*n, t.as_bytes())));
        let opts = ReportOptions {
            workspaces: vec![],
            as_of: None,
            today: sample::SAMPLE_DATE,
            all_verdicts: true,
            primary: Some(sample::SAMPLE_PRIMARY.to_string()),
            threads: 1,
        };
        build(&loaded, &opts).unwrap()
    }

    #[test]
    fn large_reports_keep_everything_but_per_principal_detail() {
        let full = sample_report();
        let verdicts = full.verdict_count();
        assert!(verdicts > 10 && !full.reasons.is_empty());

        let kept = trim_for_page(full.clone(), verdicts);
        assert_eq!(kept.verdict_count(), verdicts);
        assert!(!kept.caveats.iter().any(|c| c.starts_with(DETAIL_OMITTED)));

        let trimmed = trim_for_page(full.clone(), verdicts - 1);
        assert!(trimmed.principals.is_empty() && trimmed.reasons.is_empty());
        assert!(trimmed.caveats.iter().any(|c| c.starts_with(DETAIL_OMITTED)));
        // The readiness verdict is untouched; who can do each task is kept (the sample has
        // fewer names than the page keeps).
        assert_eq!(trimmed.tasks, full.tasks);
        assert!(trimmed.tasks.iter().all(|t| t.shortened.is_none()));

        // A long list is cut to the page's share, and says how long it was.
        let mut long = full.clone();
        let first = long.tasks.iter_mut().find(|t| !t.qualified.is_empty()).unwrap();
        let one = first.qualified[0].clone();
        first.qualified = vec![one; PAGE_NAMES_PER_TASK + 5];
        let cut = trim_for_page(long, verdicts - 1);
        let t = cut.tasks.iter().find(|t| t.shortened.is_some()).unwrap();
        assert_eq!(t.qualified.len(), PAGE_NAMES_PER_TASK);
        assert_eq!(t.shortened.unwrap().qualified, PAGE_NAMES_PER_TASK + 5);
        assert_eq!(cut.tasks.iter().filter(|t| t.shortened.is_some()).count(), 1);
        assert_eq!(trimmed.summary.overall, full.summary.overall);
        assert_eq!(trimmed.checklist.len(), full.checklist.len());
    }

    /// The overview names as many as a trimmed report keeps, whether or not the report was
    /// trimmed: 3,273 names in one cell made its table 286,000 px tall.
    #[test]
    fn the_overview_names_a_page_share_and_counts_the_rest() {
        let mut report = sample_report();
        let t = report.tasks.iter_mut().find(|t| !t.qualified.is_empty()).unwrap();
        let one = t.qualified[0].clone();
        t.qualified = vec![one; PAGE_NAMES_PER_TASK + 5];
        let cell = crate::views::qualified_names(t);
        assert!(cell.ends_with(" and 5 more (25 in all)"), "{cell}");
        t.qualified.truncate(PAGE_NAMES_PER_TASK);
        assert!(!crate::views::qualified_names(t).contains("more"));
        let cut = trim_for_page(report.clone(), 1);
        let t = cut.tasks.iter().find(|t| !t.qualified.is_empty()).unwrap();
        assert!(!crate::views::qualified_names(t).contains("more"));
    }

    #[test]
    fn the_worker_splits_the_byte_buffer_by_the_announced_lengths() {
        let files = sample::SAMPLE_FILES;
        let meta = WorkerMeta {
            files: files.iter().map(|(n, t)| (n.to_string(), t.len())).collect(),
            unreadable: vec![],
            primary: Some(sample::SAMPLE_PRIMARY.to_string()),
            as_of: None,
        };
        let meta = serde_json::to_string(&meta).unwrap();
        let bytes: Vec<u8> = files.iter().flat_map(|(_, t)| t.bytes()).collect();
        let answer: serde_json::Value = serde_json::from_str(&evaluate_in_worker(&meta, &bytes, "2026-11-23")).unwrap();
        let direct = evaluate_request(
            &EvalRequest {
                inputs: files
                    .iter()
                    .map(|(n, t)| state::Input {
                        name: n.to_string(),
                        text: std::rc::Rc::new(t.to_string()),
                        sample: false,
                        unreadable: None,
                    })
                    .collect(),
                primary: Some(sample::SAMPLE_PRIMARY.to_string()),
                as_of: None,
                day: Date::new(2026, 11, 23),
            },
            Date::new(2026, 11, 23),
        )
        .unwrap();
        assert_eq!(answer["report"], serde_json::to_value(&direct).unwrap());

        let short = evaluate_in_worker(&meta, bytes.get(..bytes.len() - 1).unwrap(), "2026-11-23");
        assert!(short.contains("shorter than announced"), "{short}");
    }
}

//! The screens. Each takes the evaluated report; user choices go through the state reducer.

use std::rc::Rc;

use sentinel_readiness_engine::difference::{self, Persona, Phase, AREAS, IMPACTS};
use sentinel_readiness_engine::input::decode;
use sentinel_readiness_engine::{Report, VerdictEntry, VerdictKind};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::{Action, State};
use crate::Evaluated;

type Dispatch = UseReducerDispatcher<State>;

/// Offers `text` as a file download (no network involved: a local object URL).
pub fn download(name: &str, mime: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &props) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Text from the exports as the page shows it: control and bidirectional characters written
/// as `\u{…}`, as the reports write them, so a name cannot turn itself or its neighbours
/// around (`evil\u{202e}nimda` shown as `evil` + "admin" backwards).
fn as_shown(text: &str) -> String {
    sentinel_readiness_engine::safe_text::printable(text).into_owned()
}

fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        // The promise is not awaited: a refused clipboard just leaves nothing copied.
        let _ = w.navigator().clipboard().write_text(text);
    }
}

fn print_button() -> Html {
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    html! { <button type="button" onclick={ print }>{ "Print / PDF" }</button> }
}

fn copy_button(label: &'static str, text: String) -> Html {
    let onclick = Callback::from(move |_: MouseEvent| copy(&text));
    html! { <button type="button" class="copy" {onclick}>{ label }</button> }
}

fn report_or_message(e: &Evaluated) -> Result<Rc<Report>, Html> {
    match &e.report {
        Ok(r) if r.inputs.is_empty() => Err(no_usable_inputs(r)),
        Ok(r) => Ok(Rc::clone(r)),
        Err(msg) => Err(html! { <p role="alert">{ msg }</p> }),
    }
}

/// A report that read nothing: the files refused, if any, and where to add exports.
fn no_usable_inputs(r: &Report) -> Html {
    html! {
        <>
            { input_problems(r) }
            <p class="empty">{ "No usable inputs yet. Add exports on the " }<a href="#/inputs">{ "Inputs" }</a>{ " screen." }</p>
        </>
    }
}

// ---------------------------------------------------------------- Inputs

/// Largest file or paste the page accepts. A browser tab holds the text, its decoded copy
/// and the report in memory at once; larger exports belong to the command line, whose limit
/// is 256 MB per file (README, "Known limits").
pub(crate) const BROWSER_LIMIT_MB: usize = 150;

fn too_large(bytes: f64) -> Option<String> {
    let mb = bytes / (1024.0 * 1024.0);
    (mb > BROWSER_LIMIT_MB as f64).then(|| {
        // Whole megabytes as an integer: formatting a float to a fixed precision would
        // bring the exact float printer (several KB) into the Wasm for this one sentence.
        // Rounded up: a file just over the limit must not read as the limit.
        let mb = mb.ceil() as u64;
        format!(
            "not read: {mb} MB is more than the {BROWSER_LIMIT_MB} MB the browser page accepts; split the export, or run the command-line tool on it"
        )
    })
}

/// Characters of an input shown on the page: a large export in the DOM would slow every
/// re-render of the Inputs screen.
const PREVIEW_CHARS: usize = 4_000;

fn preview(text: &str) -> String {
    match text.char_indices().nth(PREVIEW_CHARS) {
        None => text.to_string(),
        Some((cut, _)) => format!(
            "{}\n… ({} more characters not shown)",
            text.get(..cut).unwrap_or_default(),
            text.len().saturating_sub(cut)
        ),
    }
}

/// Why a file of `bytes` would take the inputs past what one evaluation in the page can
/// hold, with `loaded` bytes already there (the engine's limit, checked before reading).
fn too_much(loaded: f64, bytes: f64) -> Option<String> {
    let total = (loaded + bytes).ceil();
    sentinel_readiness_engine::ffi::over_request_limit(total as usize).map(|why| format!("not read: {why}"))
}

fn read_files(files: Option<web_sys::FileList>, epoch: u64, loaded: usize, dispatch: Dispatch) {
    let Some(files) = files else { return };
    let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    if files.is_empty() {
        return;
    }
    dispatch.dispatch(Action::Reading);
    // Read one after another and add together: one state change and one evaluation for a
    // whole drop, not one per file.
    wasm_bindgen_futures::spawn_local(async move {
        let mut added = Vec::with_capacity(files.len());
        let mut loaded = loaded as f64;
        for file in files {
            let name = file.name();
            if let Some(why) = too_large(file.size()).or_else(|| too_much(loaded, file.size())) {
                added.push((name, Err(why)));
                continue;
            }
            loaded += file.size();
            let file = gloo_file::File::from(file);
            if let Some(text) = read_utf8_in_slices(&file).await {
                added.push((name, Ok(text)));
                continue;
            }
            let content = match gloo_file::futures::read_as_bytes(&file).await {
                // Decoded here (UTF-16 included) so the text can be kept and shown. Bytes
                // that do not decode are refused with the engine's reason, as the command
                // line refuses them: never read with the bad bytes replaced.
                Ok(bytes) => decode(&bytes).map(std::borrow::Cow::into_owned),
                Err(e) => Err(format!("could not read the file: {e}")),
            };
            added.push((name, content));
        }
        dispatch.dispatch(Action::AddAll { epoch, files: added });
    });
}

/// Bytes read and checked per step by [`read_utf8_in_slices`]: a few milliseconds of work.
const READ_SLICE: u64 = 4 << 20;

/// Reads a UTF-8 file a slice at a time, each slice copied and checked in a task of its own,
/// so a 100 MB export never stalls the page in one piece. `None` when the file is not plain
/// UTF-8 (UTF-16, or an invalid byte): the caller then decodes it whole, which also says
/// where it is invalid.
async fn read_utf8_in_slices(file: &gloo_file::File) -> Option<String> {
    let size = file.size();
    let mut text = String::with_capacity(usize::try_from(size).ok()?);
    // The start of a character split by a slice boundary, kept for the next slice.
    let mut carry: Vec<u8> = Vec::new();
    let mut at = 0;
    while at < size {
        let end = at.saturating_add(READ_SLICE).min(size);
        let mut bytes = gloo_file::futures::read_as_bytes(&file.slice(at, end)).await.ok()?;
        if at == 0 {
            // A NUL byte near the start means UTF-16 (JSON and CSV text hold none).
            if bytes.iter().take(512).any(|b| *b == 0)
                || bytes.starts_with(&[0xFF, 0xFE])
                || bytes.starts_with(&[0xFE, 0xFF])
            {
                return None;
            }
            if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                bytes.drain(..3);
            }
        }
        if !carry.is_empty() {
            carry.extend_from_slice(&bytes);
            bytes = std::mem::take(&mut carry);
        }
        match std::str::from_utf8(&bytes) {
            Ok(s) => text.push_str(s),
            // Cut inside a character: keep its first bytes for the next slice.
            Err(e) if e.error_len().is_none() => {
                let (whole, rest) = bytes.split_at(e.valid_up_to());
                text.push_str(std::str::from_utf8(whole).ok()?);
                carry = rest.to_vec();
            }
            Err(_) => return None,
        }
        at = end;
    }
    carry.is_empty().then_some(text)
}

#[derive(Properties, PartialEq)]
pub struct InputsProps {
    pub state: Rc<State>,
    pub report: Option<SharedReport>,
    pub dispatch: Dispatch,
}

#[function_component(InputsView)]
pub fn inputs_view(p: &InputsProps) -> Html {
    let paste = use_state(String::new);
    let paste_name = use_state(|| "pasted.json".to_string());
    let on_paste_input = {
        let paste = paste.clone();
        Callback::from(move |e: InputEvent| {
            paste.set(e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value())
        })
    };
    let on_name_input = {
        let paste_name = paste_name.clone();
        Callback::from(move |e: InputEvent| {
            paste_name.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())
        })
    };
    // The inputs' bytes so far: a new file that would take them past the evaluation's limit
    // is refused before it is read (the page's own Wasm holds the text too).
    let loaded = crate::state::input_bytes(&p.state.inputs);
    let on_add = {
        let (paste, paste_name, dispatch) = (paste.clone(), paste_name.clone(), p.dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            if !paste.trim().is_empty() {
                let text = too_large(paste.len() as f64)
                    .or_else(|| too_much(loaded as f64, paste.len() as f64))
                    .map_or_else(|| Ok((*paste).clone()), Err);
                dispatch.dispatch(Action::Add {
                    name: (*paste_name).clone(),
                    text,
                });
                paste.set(String::new());
            }
        })
    };
    let epoch = p.state.epoch;
    let on_files = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            read_files(input.files(), epoch, loaded, dispatch.clone());
            input.set_value("");
        })
    };
    let on_drop = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            read_files(
                e.data_transfer().and_then(|d| d.files()),
                epoch,
                loaded,
                dispatch.clone(),
            );
        })
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let clear = {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::ClearAll))
    };
    let sample = {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(Action::LoadSample))
    };
    // Each file's result by name, looked up once per file rather than searched for (with
    // thousands of files, every render compared each with all).
    let mut statuses: Vec<(&str, Status<'_>)> = Vec::new();
    if let Some(r) = p.report.as_ref().map(|r| r.0.as_ref()) {
        statuses.extend(r.inputs.iter().map(|o| (o.path.as_str(), Status::Read(o))));
        statuses.extend(r.errors.iter().map(|e| (e.path.as_str(), Status::Error(e))));
        // Stable: for a name both read and in error, the read comes first, as it is shown.
        sentinel_readiness_engine::order::sort_by(&mut statuses, |a, b| a.0.cmp(b.0));
    }
    html! {
        <section aria-labelledby="inputs-title">
            <h2 id="inputs-title">{ "Inputs" }</h2>
            <p>{ "Paste or drop role exports (az CLI, PowerShell, portal, REST, Resource Graph, PIM, Graph) and Sentinel configuration exports. Formats are detected from the content. See docs/exports.md for how to produce each one." }</p>
            <div class="dropzone" ondragover={on_dragover} ondrop={on_drop}>
                <label for="paste">{ "Paste an export" }</label>
                <textarea id="paste" rows="8" value={ (*paste).clone() } oninput={on_paste_input} placeholder="[ { \"principalId\": … } ]" />
                <div class="row">
                    <label for="paste-name">{ "Name" }</label>
                    <input id="paste-name" type="text" value={ (*paste_name).clone() } oninput={on_name_input} />
                    <button type="button" id="add-paste" onclick={on_add}>{ "Add pasted text" }</button>
                    <label class="file">{ "…or choose files " }
                        <input id="file-picker" type="file" multiple=true onchange={on_files} />
                    </label>
                </div>
                <p class="hint">{ "You can also drop files anywhere in this box." }</p>
            </div>
            <div class="row">
                <button type="button" id="clear-all" onclick={clear}>{ "Clear all" }</button>
                <button type="button" id="load-sample" onclick={sample}>{ "Load the sample tenant" }</button>
            </div>
            <ul class="inputs" aria-label="Loaded inputs">
                { for p.state.inputs.iter().map(|i| input_item(i, &statuses, p.dispatch.clone())) }
            </ul>
        </section>
    }
}

/// What the report says of one input file: read (first), or in error.
enum Status<'r> {
    Read(&'r sentinel_readiness_engine::input::InputSummary),
    Error(&'r sentinel_readiness_engine::error::InputError),
}

fn input_item(i: &crate::state::Input, statuses: &[(&str, Status<'_>)], dispatch: Dispatch) -> Html {
    let name = i.name.clone();
    let remove = Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Remove(name.clone())));
    // The first entry of this name: a stable sort kept the read one ahead of an error.
    let first = statuses.partition_point(|(n, _)| *n < i.name.as_str());
    let (ok, err) = match statuses.get(first).filter(|(n, _)| *n == i.name) {
        Some((_, Status::Read(o))) => (Some(*o), None),
        Some((_, Status::Error(e))) => (None, Some(*e)),
        None => (None, None),
    };
    let status = match (ok, err) {
        (Some(o), _) => html! {
            <span class="ok">{ format!("{} · {} record(s){}", o.format_label, o.records, if o.warnings.is_empty() { String::new() } else { format!(" · {} skipped", o.warnings.len()) }) }</span>
        },
        (None, Some(e)) => html! {
            <span class="error" role="alert">
                { format!("Error{}: {}{}", e.format.as_ref().map(|f| format!(" (looks like {f})")).unwrap_or_default(), e.message,
                    e.location.map(|l| format!(" — line {}, column {}", l.line, l.column)).unwrap_or_default()) }
                if let Some(snippet) = &e.snippet { <code class="snippet">{ snippet }</code> }
            </span>
        },
        _ => html! { <span>{ "…" }</span> },
    };
    html! {
        <li class="input">
            <strong>{ as_shown(&i.name) }</strong>{ " " }{ status }
            { " " }<button type="button" class="remove" aria-label={ format!("Remove {}", i.name) } onclick={remove}>{ "Remove" }</button>
            <details><summary>{ "Text" }</summary><pre class="input-text">{ i.unreadable.clone().unwrap_or_else(|| preview(&i.text)) }</pre></details>
        </li>
    }
}

pub fn inputs(state: &Rc<State>, e: &Evaluated, dispatch: Dispatch) -> Html {
    html! { <InputsView state={ Rc::clone(state) } report={ e.report.as_ref().ok().cloned().map(SharedReport) } {dispatch} /> }
}

// ---------------------------------------------------------------- Report

/// The engine's HTML report body: the same charts and tables as the standalone file.
pub fn dashboard(e: &Evaluated) -> Html {
    let r = match report_or_message(e) {
        Ok(r) => r,
        Err(h) => return h,
    };
    let parts: Vec<AttrValue> = r.html_body_parts().into_iter().map(AttrValue::from).collect();
    // A slice of the parts per task (see `Deferred`): each slice after the first waits one
    // task longer than the one before it.
    let mut slices = Vec::new();
    let mut from = 0;
    while from < parts.len() {
        let to = parts_through(&parts, from);
        let slice = parts.get(from..to).unwrap_or_default();
        slices.push(
            slice
                .iter()
                .map(|p| Html::from_html_unchecked(p.clone()))
                .collect::<Html>(),
        );
        from = to;
    }
    let body = slices
        .into_iter()
        .rev()
        .reduce(|later, slice| html! { <>{ slice }<Deferred>{ later }</Deferred></> })
        .unwrap_or_default();
    let save = {
        let r = r.clone();
        Callback::from(move |_: MouseEvent| download("sentinel-readiness.html", "text/html", &r.to_html()))
    };
    // The report's own links are in-page anchors; the app's router owns the URL hash, so
    // they scroll instead of navigating.
    let follow = Callback::from(|ev: MouseEvent| {
        let Some(target) = ev.target_dyn_into::<web_sys::Element>() else {
            return;
        };
        let Ok(Some(link)) = target.closest("a[href^='#']") else {
            return;
        };
        let id = link.get_attribute("href").unwrap_or_default();
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(el) = doc.and_then(|d| d.get_element_by_id(id.trim_start_matches('#'))) {
            ev.prevent_default();
            el.scroll_into_view();
        }
    });
    html! {
        // Keyed by the report: a new report waits again for each of its slices.
        <section class="dashboard" key={ Rc::as_ptr(&r) as usize }>
            <div class="row exports">
                <button type="button" id="download-html" onclick={ save }>{ "Download HTML report" }</button>
                { print_button() }
            </div>
            // Safe to inject: every piece of input text in it went through the engine's escaping
            // (svg::esc), which the XSS browser test checks with hostile names.
            <div id="dashboard-body" onclick={ follow }><div class={ sentinel_readiness_engine::html::BODY_CLASS }>{ body }</div></div>
        </section>
    }
}

/// Bytes of the report's HTML the dashboard adds to the page per task: a 50-workspace report's
/// body is about a megabyte, and parsing it in one task held the page's thread for 25 ms of
/// HTML parsing alone.
const DASHBOARD_SLICE: usize = 128 * 1024;

/// How many of `parts` to show after the first `from`: at least one more, and then more
/// while the ones added stay within [`DASHBOARD_SLICE`].
fn parts_through(parts: &[AttrValue], from: usize) -> usize {
    let mut bytes = 0;
    let mut n = from;
    while let Some(part) = parts.get(n) {
        if n > from && bytes + part.len() > DASHBOARD_SLICE {
            break;
        }
        bytes += part.len();
        n += 1;
    }
    n
}

#[derive(Properties, PartialEq)]
pub struct DeferredProps {
    pub children: Html,
}

/// Its children, one task of the page after it first appears: a large screen is put on the
/// page in parts (nest one `Deferred` in another for each further task), so the browser
/// paints and answers input in between instead of building it all in one long task.
#[function_component(Deferred)]
pub fn deferred(p: &DeferredProps) -> Html {
    let ready = use_state(|| false);
    {
        let ready = ready.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                crate::next_task().await;
                ready.set(true);
            });
        });
    }
    if *ready {
        p.children.clone()
    } else {
        Html::default()
    }
}

/// Multi-tenant and MSSP guidance from the catalogue; needs no exports.
pub fn guidance(as_of: Option<&str>) -> Html {
    let as_of = as_of.and_then(|d| sentinel_readiness_engine::Date::parse(d).ok());
    let page = sentinel_readiness_engine::html::guidance_page(as_of, false);
    // Static catalogue text, escaped by the engine.
    html! { <section id="guidance">{ Html::from_html_unchecked(AttrValue::from(page)) }</section> }
}

/// Who can do a task now, as the overview lists them: as many names as a report trimmed for
/// the page keeps, and how many there are in all when that is more. (Untrimmed, a tenant of
/// four workspaces put 3,273 names in one cell.)
pub(crate) fn qualified_names(t: &sentinel_readiness_engine::evaluate::TaskOutcome) -> String {
    if t.qualified.is_empty() {
        return "nobody".to_string();
    }
    let total = t.shortened.map_or(0, |full| full.qualified).max(t.qualified.len());
    let names: Vec<String> = t
        .qualified
        .iter()
        .take(crate::PAGE_NAMES_PER_TASK)
        .map(|p| as_shown(&p.display_name))
        .collect();
    if total > names.len() {
        format!(
            "{} and {} more ({} in all)",
            names.join(", "),
            total - names.len(),
            total
        )
    } else {
        names.join(", ")
    }
}

/// Files in error, and files with skipped records, each named up to this many times above
/// the verdicts.
const PROBLEMS_SHOWN: usize = 10;

/// Files that could not be read and records that were skipped, above the verdicts they may
/// change (a skipped deny assignment can turn one to allowed).
fn input_problems(r: &Report) -> Html {
    let skipped: Vec<String> = r
        .inputs
        .iter()
        .filter_map(|i| {
            let first = i.warnings.first()?;
            Some(format!(
                "{}: {} record(s) skipped; the first: {first}",
                i.path,
                i.warnings.len()
            ))
        })
        .collect();
    if r.errors.is_empty() && skipped.is_empty() {
        return Html::default();
    }
    // Ten of each, then how many more: hundreds of broken files made this block taller
    // than a screen, above the verdicts, on every screen that shows them.
    let more = r.errors.len().saturating_sub(PROBLEMS_SHOWN) + skipped.len().saturating_sub(PROBLEMS_SHOWN);
    html! {
        <div id="input-problems" class="blockers" role="alert">
            <h3>{ "Inputs not fully read" }</h3>
            <ul>
                { for r.errors.iter().take(PROBLEMS_SHOWN).map(|e| html! { <li>{ e.to_string() }</li> }) }
                { for skipped.into_iter().take(PROBLEMS_SHOWN).map(|s| html! { <li>{ s }</li> }) }
                if more > 0 {
                    <li>{ format!("and {more} more: see the Inputs screen") }</li>
                }
            </ul>
            <p>{ "The verdicts rest only on what was read. Fix these files on the Inputs screen." }</p>
        </div>
    }
}

pub fn report(state: &State, e: &Evaluated, dispatch: Dispatch) -> Html {
    let r = match report_or_message(e) {
        Ok(r) => r,
        Err(h) => return h,
    };
    // Rendered when a button is pressed, not on every render of this screen: for a large
    // tenant each rendering is MBs of text.
    let exports = {
        let on = |render: fn(&Report) -> String, name: &'static str, mime: &'static str| {
            let r = Rc::clone(&r);
            Callback::from(move |_: MouseEvent| download(name, mime, &render(&r)))
        };
        let copy_md = {
            let r = Rc::clone(&r);
            Callback::from(move |_: MouseEvent| copy(&r.to_markdown()))
        };
        html! {
            <div class="row exports">
                <button type="button" id="download-md" onclick={ on(Report::to_markdown, "sentinel-readiness.md", "text/markdown") }>{ "Download Markdown" }</button>
                <button type="button" id="download-csv" onclick={ on(Report::to_csv, "sentinel-readiness.csv", "text/csv") }>{ "Download CSV" }</button>
                <button type="button" id="download-json" onclick={ on(Report::to_json, "sentinel-readiness.json", "application/json") }>{ "Download JSON" }</button>
                <button type="button" class="copy" onclick={ copy_md }>{ "Copy Markdown" }</button>
                { print_button() }
            </div>
        }
    };
    // By resource id: two workspaces of one name in different subscriptions stay apart.
    let workspaces: Vec<(String, String)> = r
        .workspaces
        .iter()
        .map(|w| {
            let twins = r
                .workspaces
                .iter()
                .filter(|o| o.name.eq_ignore_ascii_case(&w.name))
                .count();
            let label = match (&w.subscription_id, twins) {
                (Some(sub), 2..) => format!("{} ({sub})", w.name),
                _ => w.name.clone(),
            };
            (w.id.as_str().to_string(), label)
        })
        .collect();
    let on_primary = Callback::from(move |ev: Event| {
        let v = ev.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        dispatch.dispatch(Action::SetPrimary((!v.is_empty()).then_some(v)));
    });
    let primary = state.primary.clone().unwrap_or_default();
    let mut areas: Vec<&str> = Vec::new();
    for f in &r.findings {
        let a = difference::get(&f.id).map(|d| d.area).unwrap_or("other");
        if !areas.contains(&a) {
            areas.push(a);
        }
    }
    html! {
        // Keyed by the report: a new report's later parts wait their turn again.
        <section aria-labelledby="report-title" key={ Rc::as_ptr(&r) as usize }>
            <h2 id="report-title">{ format!("Overall: {}", r.summary.overall.as_str()) }</h2>
            // The verdict answers the question asked: under an earlier date's rules, say so.
            if r.rules.as_of != "latest" {
                <p id="rules-as-of" class="warning">{ format!(
                    "Rules as documented on {} (set on the Differences screen): later requirements and tasks are left out.",
                    r.rules.as_of
                ) }</p>
            }
            <p id="evaluated-on" class="muted">{ format!(
                "Evaluated on {} (UTC): PIM activations and eligibilities count on that day only.",
                r.rules.evaluated_on
            ) }</p>
            { input_problems(&r) }
            { exports }
            if workspaces.len() > 1 {
                <p>
                    <label for="primary">{ "Primary workspace: " }</label>
                    <select id="primary" onchange={on_primary}>
                        <option value="" selected={ primary.is_empty() }>{ "(not chosen)" }</option>
                        { for workspaces.iter().map(|(id, label)| html! {
                            // A name chosen before ids were used still shows as chosen.
                            <option value={ id.clone() } selected={ primary.eq_ignore_ascii_case(id) || primary.eq_ignore_ascii_case(label) }>{ label }</option>
                        }) }
                    </select>
                </p>
            }
            if !r.summary.blockers.is_empty() {
                <h3>{ "Blockers" }</h3>
                <ul class="blockers">{ for r.summary.blockers.iter().map(|b| html! { <li>{ b }</li> }) }</ul>
            }
            if !r.summary.warnings.is_empty() {
                <h3>{ "Warnings" }</h3>
                <ul class="warnings">{ for r.summary.warnings.iter().map(|w| html! { <li>{ w }</li> }) }</ul>
            }
            <h3>{ "Who can do each step" }</h3>
            <div class="table-wrap lazy">
            <table class="tasks">
                <thead><tr><th scope="col">{ "Task" }</th><th scope="col">{ "Workspace" }</th><th scope="col">{ "Can do it now" }</th><th scope="col">{ "Fix" }</th></tr></thead>
                <tbody>
                { for r.tasks.iter().map(|t| html! {
                    <tr>
                        <th scope="row">{ t.task.to_string() }</th>
                        <td>{ t.workspace.name() }</td>
                        <td>{ qualified_names(t) }</td>
                        <td>{ for t.remediation.iter().map(|m| html! {
                            <div class="remedy"><p>{ &m.text }</p><code>{ &m.command }</code>{ copy_button("Copy", m.command.clone()) }</div>
                        }) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            </div>
            // The rest in two more tasks (`Deferred`): a 50-workspace report has hundreds of rows
            // in each table, and building them all at once held the page for 50-60 ms.
            <Deferred>
            <h3>{ "Prerequisites" }</h3>
            <div class="table-wrap lazy">
            <table class="prereqs">
                <thead><tr><th scope="col">{ "Check" }</th><th scope="col">{ "Workspace" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Evidence" }</th><th scope="col">{ "What to do" }</th></tr></thead>
                <tbody>
                { for r.prerequisites.iter().map(|p| html! {
                    <tr class={ p.status.as_str() }>
                        <td>{ p.title.to_string() }</td>
                        <td>{ p.workspace.as_ref().map(|w| w.name().to_string()).unwrap_or_else(|| "tenant".into()) }</td>
                        <td class="status">{ p.status.as_str() }</td>
                        <td>{ &p.evidence }</td>
                        <td>{ &p.remedy }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            </div>
            <Deferred>
            <h3>{ "Findings" }</h3>
            if r.findings.is_empty() { <p>{ "No configuration export showed an affected object." }</p> }
            { for areas.iter().map(|area| html! {
                <section class="area">
                    <h4>{ *area }</h4>
                    { for r.findings.iter().filter(|f| difference::get(&f.id).map(|d| d.area).unwrap_or("other") == *area).map(|f| html! {
                        <article class={ classes!("finding", f.severity.as_str()) }>
                            <h5>{ f.title.to_string() }{ " " }<code>{ f.id.to_string() }</code></h5>
                            <p><strong>{ f.severity.as_str() }</strong>{ " · " }{ f.workspace.as_ref().map(|w| w.name().to_string()).unwrap_or_else(|| "workspace not stated".into()) }</p>
                            <p>{ &f.detail }</p>
                            <ul>{ for f.objects.iter().map(|o| html! { <li>{ format!("{} ", o.kind) }<strong>{ as_shown(&o.name) }</strong>{ if o.detail.is_empty() { String::new() } else { format!(" — {}", as_shown(&o.detail)) } }</li> }) }</ul>
                            <p class="action">{ f.action.to_string() }</p>
                            <p class="sources">{ f.sources.join("; ") }</p>
                        </article>
                    }) }
                </section>
            }) }
            if !r.caveats.is_empty() {
                <h3>{ "Caveats" }</h3>
                <ul>{ for r.caveats.iter().map(|c| html! { <li>{ c }</li> }) }</ul>
            }
            </Deferred>
            </Deferred>
        </section>
    }
}

// ---------------------------------------------------------------- Access

#[derive(Clone)]
pub struct SharedReport(pub Rc<Report>);

impl PartialEq for SharedReport {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Properties, PartialEq)]
pub struct AccessProps {
    pub report: SharedReport,
}

/// One verdict cell. Its explanation is put in only once the cell is opened: thousands of
/// closed cells, each with its reasons, made the Access screen take seconds to grow.
fn cell(r: &Report, v: Option<&VerdictEntry>, open: bool, on_toggle: Callback<Event>) -> Html {
    let Some(v) = v else {
        return html! { <td class="v not-allowed">{ "not allowed" }</td> };
    };
    let label = match (&v.route, v.verdict) {
        (Some(r), VerdictKind::Allowed | VerdictKind::Equivalent) => format!("{} · {}", v.verdict.as_str(), r),
        _ => v.verdict.as_str().to_string(),
    };
    html! {
        <td class={ classes!("v", v.verdict.as_str()) }>
            <details {open} ontoggle={on_toggle}>
                <summary>{ label }</summary>
                if open {
                    <ul>
                        { for r.reasons_at(&v.reasons).map(|r| html! { <li>{ as_shown(&r.text) }</li> }) }
                        { for v.missing.iter().map(|m| html! { <li>{ format!("missing: {m}") }</li> }) }
                        { for r.reasons_at(&v.nearest).map(|r| html! { <li>{ format!("holds: {}", as_shown(&r.text)) }</li> }) }
                        { for v.notes.iter().map(|n| html! { <li>{ format!("note: {n}") }</li> }) }
                    </ul>
                }
            </details>
        </td>
    }
}

#[derive(Properties, PartialEq)]
struct AccessRowProps {
    report: SharedReport,
    principal: usize,
    workspace: usize,
}

/// One principal's row in one workspace's table, a component of its own so that rows already
/// shown are not built again when more are added or another row's cell is opened.
#[function_component(AccessRow)]
fn access_row(p: &AccessRowProps) -> Html {
    // Which cells are open, by task position.
    let open = use_state(Vec::<usize>::new);
    let SharedReport(r) = &p.report;
    let (Some(who), Some(ws)) = (r.principals.get(p.principal), r.workspaces.get(p.workspace)) else {
        return Html::default();
    };
    let task_ids = tasks_in_force(r);
    html! {
        <tr>
            <th scope="row">{ as_shown(&who.display_name) }</th>
            <td>{ who.kind.to_string() }</td>
            { for task_ids.iter().enumerate().map(|(k, t)| {
                let on_toggle = {
                    let open = open.clone();
                    Callback::from(move |e: Event| {
                        let now = e.target_unchecked_into::<web_sys::HtmlDetailsElement>().open();
                        let mut list: Vec<usize> = open.iter().copied().filter(|&x| x != k).collect();
                        if now {
                            list.push(k);
                        }
                        if list != *open {
                            open.set(list);
                        }
                    })
                };
                let verdict = who.tasks.iter().find(|v| v.task == *t && v.workspace == ws.id);
                cell(r, verdict, open.contains(&k), on_toggle)
            }) }
        </tr>
    }
}

/// The tasks in force under the report's rules, in catalogue order.
fn tasks_in_force(r: &Report) -> Vec<&'static str> {
    sentinel_readiness_engine::task::TASKS
        .iter()
        .map(|t| t.id)
        .filter(|t| !r.rules.tasks_not_in_force.iter().any(|x| x == t))
        .collect()
}

/// Rows shown per page, across the workspaces' tables, and workspaces shown at once: large
/// tenants have thousands of principals and dozens of workspaces, and the page must stay
/// responsive. (100 principals in each of four tables took 0.4 s to show, and each "Show
/// more" longer.)
const ACCESS_PAGE: usize = 100;
const ACCESS_ALL_WORKSPACES_UP_TO: usize = 5;

#[function_component(AccessView)]
pub fn access_view(p: &AccessProps) -> Html {
    let filter = use_state(String::new);
    // Pages of principals shown.
    let pages = use_state(|| 1usize);
    let chosen = use_state(|| 0usize);
    let SharedReport(r) = &p.report;
    if r.inputs.is_empty() {
        return no_usable_inputs(r);
    }
    let on_filter = {
        let (filter, pages) = (filter.clone(), pages.clone());
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value());
            pages.set(1);
        })
    };
    let on_workspace = {
        let (chosen, pages) = (chosen.clone(), pages.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            chosen.set(value.parse().unwrap_or(0));
            pages.set(1);
        })
    };
    let on_more = {
        let pages = pages.clone();
        Callback::from(move |_| pages.set(*pages + 1))
    };
    if let Some(note) = r.caveats.iter().find(|c| c.starts_with(crate::DETAIL_OMITTED)) {
        return html! {
            <section aria-labelledby="access-title">
                <h2 id="access-title">{ "Access" }</h2>
                { input_problems(r) }
                <p id="access-omitted" role="status">{ note }</p>
            </section>
        };
    }
    let many = r.workspaces.len() > ACCESS_ALL_WORKSPACES_UP_TO;
    let visible: Vec<(usize, &sentinel_readiness_engine::report::WorkspaceInfo)> = if many {
        r.workspaces.get(*chosen).map(|ws| (*chosen, ws)).into_iter().collect()
    } else {
        r.workspaces.iter().enumerate().collect()
    };
    let needle = filter.to_lowercase();
    let matching: Vec<usize> = (0..r.principals.len())
        .filter(|&i| r.principals.get(i).is_some_and(|p| needle_matches(&needle, p)))
        .collect();
    let total = matching.len();
    // A page's rows are shared by the tables shown side by side.
    let step = (ACCESS_PAGE / visible.len().max(1)).max(1);
    let shown = step.saturating_mul(*pages);
    let task_ids = tasks_in_force(r);
    html! {
        <section aria-labelledby="access-title">
            <h2 id="access-title">{ "Access" }</h2>
            // The verdicts below rest only on what was read.
            { input_problems(r) }
            <p>
                <label for="principal-filter">{ "Filter principals " }</label>
                <input id="principal-filter" type="search" value={ (*filter).clone() } oninput={on_filter} placeholder="name, sign-in or type" />
            </p>
            if many {
                <p>
                    <label for="access-workspace">{ "Workspace " }</label>
                    <select id="access-workspace" onchange={on_workspace}>
                        { for r.workspaces.iter().enumerate().map(|(i, ws)| html! {
                            <option value={ i.to_string() } selected={ i == *chosen }>{ as_shown(&ws.name) }</option>
                        }) }
                    </select>
                </p>
            }
            <p class="muted" id="access-count">{ format!("{} of {} principals", total.min(shown), total) }</p>
            { for visible.into_iter().map(|(wi, ws)| html! {
                <section aria-label={ format!("Workspace {}", ws.name) }>
                    <h3>{ format!("Workspace {}", as_shown(&ws.name)) }</h3>
                    <p class="muted">{ ws.id.as_str() }</p>
                    <div class="table-wrap">
                    <table id={ format!("matrix-{}", ws.name) } class="matrix">
                        <thead><tr>
                            <th scope="col">{ "Principal" }</th><th scope="col">{ "Type" }</th>
                            { for task_ids.iter().map(|t| html! { <th scope="col">{ *t }</th> }) }
                        </tr></thead>
                        <tbody>
                        { for matching.iter().take(shown).map(|&i| html! {
                            <AccessRow key={ i } report={ p.report.clone() } principal={ i } workspace={ wi } />
                        }) }
                        </tbody>
                    </table>
                    </div>
                </section>
            }) }
            if total > shown {
                <p><button id="access-more" onclick={on_more}>{ format!("Show {} more", step.min(total - shown)) }</button></p>
            }
        </section>
    }
}

fn needle_matches(needle: &str, p: &sentinel_readiness_engine::report::PrincipalReport) -> bool {
    needle.is_empty()
        || p.display_name.to_lowercase().contains(needle)
        || p.sign_in_name.as_deref().unwrap_or("").to_lowercase().contains(needle)
        || p.kind.to_lowercase().contains(needle)
}

// ---------------------------------------------------------------- Differences

#[derive(Properties, PartialEq)]
pub struct DifferencesProps {
    pub affected: Vec<String>,
    pub as_of: Option<String>,
    pub dispatch: Dispatch,
}

#[function_component(DifferencesView)]
pub fn differences_view(p: &DifferencesProps) -> Html {
    let query = use_state(String::new);
    let area = use_state(String::new);
    let impact = use_state(String::new);
    let only_affected = use_state(|| false);
    let text_cb = |h: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| h.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let select_cb = |h: UseStateHandle<String>| {
        Callback::from(move |e: Event| h.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))
    };
    let on_affected = {
        let h = only_affected.clone();
        Callback::from(move |e: Event| h.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))
    };
    let on_as_of = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            d.dispatch(Action::SetAsOf((!v.is_empty()).then_some(v)));
        })
    };
    let as_of = p
        .as_of
        .as_deref()
        .and_then(|d| sentinel_readiness_engine::Date::parse(d).ok());
    // A sorted list searched by halves: a set type here was one more copy of the B-tree code.
    let affected = sentinel_readiness_engine::order::sorted_set(p.affected.iter().map(String::as_str).collect());
    let hits: Vec<_> = difference::search(
        &query,
        (!area.is_empty()).then_some(area.as_str()),
        (!impact.is_empty()).then_some(impact.as_str()),
        as_of,
    )
    .into_iter()
    .filter(|h| !*only_affected || affected.binary_search(&h.difference.id).is_ok())
    .collect();
    html! {
        <section aria-labelledby="diff-title">
            <h2 id="diff-title">{ "Differences between the portals" }</h2>
            <div class="row filters">
                <label>{ "Search " }<input id="diff-search" type="search" value={ (*query).clone() } oninput={ text_cb(query.clone()) } placeholder="e.g. fusion, XDR connector, MDE" /></label>
                <label>{ "Area " }<select id="diff-area" onchange={ select_cb(area.clone()) }>
                    <option value="">{ "all" }</option>
                    { for AREAS.iter().map(|a| html! { <option value={ *a } selected={ area.as_str() == *a }>{ *a }</option> }) }
                </select></label>
                <label>{ "Impact " }<select id="diff-impact" onchange={ select_cb(impact.clone()) }>
                    <option value="">{ "all" }</option>
                    { for IMPACTS.iter().map(|i| html! { <option value={ *i } selected={ impact.as_str() == *i }>{ *i }</option> }) }
                </select></label>
                <label><input id="diff-affected" type="checkbox" checked={ *only_affected } onchange={on_affected} />{ " affects this tenant" }</label>
                <label>{ "Rules as of " }<input id="as-of" type="date" value={ p.as_of.clone().unwrap_or_default() } onchange={on_as_of} /></label>
            </div>
            <p aria-live="polite">{ format!("{} entr{}", hits.len(), if hits.len() == 1 { "y" } else { "ies" }) }</p>
            { for hits.iter().map(|h| {
                let d = h.difference;
                html! {
                    <article class="difference" id={ d.id }>
                        <h3>{ d.title }{ " " }<code>{ d.id }</code>
                            if affected.binary_search(&d.id).is_ok() { <span class="badge">{ "affects this tenant" }</span> }
                        </h3>
                        <p class="muted">{ format!("{} · {}{} · since {}{}", d.area, d.impact, d.impact_secondary.map(|s| format!(" ({s})")).unwrap_or_default(), d.since,
                            d.until.map(|u| format!(" · until {u}")).unwrap_or_default()) }</p>
                        <dl>
                            <dt>{ "Azure portal" }</dt><dd>{ d.azure }</dd>
                            <dt>{ "Defender portal" }</dt><dd>{ d.defender }</dd>
                            <dt>{ "Action" }</dt><dd>{ d.action }</dd>
                            <dt>{ "Evidence" }</dt><dd>{ d.evidence }</dd>
                            <dt>{ "Sources" }</dt><dd>{ d.sources.iter().map(|s| match s.date { Some(x) => format!("{} ({x})", s.path), None => s.path.to_string() }).collect::<Vec<_>>().join("; ") }</dd>
                        </dl>
                    </article>
                }
            }) }
        </section>
    }
}

// ---------------------------------------------------------------- Checklist

fn item_key(refs: &[String]) -> String {
    refs.join("+")
}

/// The workspaces a report covers, which the page's checklist ticks belong to (in the
/// report's order, which does not depend on the order of the files or records). None for a
/// report of no workspace: nothing there tells one tenant from another, so no tick is kept.
pub(crate) fn tick_scope(r: &Report) -> Option<String> {
    let ids: Vec<&str> = r.workspaces.iter().map(|w| w.id.as_str()).collect();
    (!ids.is_empty()).then(|| ids.join("\n"))
}

pub fn checklist(state: &State, e: &Evaluated, dispatch: Dispatch) -> Html {
    let r = match report_or_message(e) {
        Ok(r) => r,
        Err(h) => return h,
    };
    let scope = tick_scope(&r);
    // Ticks from before round 36 show until the first tick files them under a report's
    // workspaces.
    let ticks = scope.as_ref().and_then(|s| {
        state
            .scoped_ticks
            .get(s)
            .or_else(|| state.scoped_ticks.is_empty().then_some(&state.ticks))
    });
    let done = |i: &sentinel_readiness_engine::checklist::ChecklistItem| {
        *ticks.and_then(|t| t.get(&item_key(&i.refs))).unwrap_or(&i.done)
    };
    let total = r.checklist.len();
    let count = r.checklist.iter().filter(|i| done(i)).count();
    let mut groups: Vec<(Phase, Persona)> = Vec::new();
    for i in &r.checklist {
        if !groups.contains(&(i.phase, i.persona)) {
            groups.push((i.phase, i.persona));
        }
    }
    html! {
        <section aria-labelledby="check-title">
            <h2 id="check-title">{ "Checklist" }</h2>
            { input_problems(&r) }
            if scope.is_none() {
                <p id="no-ticks" class="muted">{ "These exports name no workspace, so your own ticks are not kept: add a workspace's exports to tick items." }</p>
            }
            <p>
                <label for="progress">{ format!("{count} of {total} done ") }</label>
                <progress id="progress" max={ total.to_string() } value={ count.to_string() }></progress>
            </p>
            { for groups.iter().map(|(phase, persona)| html! {
                <section>
                    <h3>{ format!("{} — {}", phase.title(), persona.title()) }</h3>
                    <ul class="checklist">
                    { for r.checklist.iter().filter(|i| i.phase == *phase && i.persona == *persona).map(|i| {
                        let key = item_key(&i.refs);
                        let checked = done(i);
                        let d = dispatch.clone();
                        let (k, scope) = (key.clone(), scope.clone());
                        let fixed = scope.is_none();
                        let onchange = Callback::from(move |ev: Event| {
                            let on = ev.target_unchecked_into::<web_sys::HtmlInputElement>().checked();
                            if let Some(scope) = &scope {
                                d.dispatch(Action::Tick { key: k.clone(), done: on, scope: scope.clone() });
                            }
                        });
                        html! {
                            <li>
                                <label>
                                    <input type="checkbox" checked={checked} disabled={fixed} {onchange} />
                                    { " " }{ &i.text }
                                </label>
                                <div class="muted">{ format!("{} · {}{}{}", i.refs.join(", "), as_shown(&i.evidence), if i.who.is_empty() { String::new() } else { format!(" · who: {}", as_shown(&i.who.join(", "))) },
                                    // A tick of the user's own that overrides the exports says so.
                                    if checked == i.done { "" } else if checked { " · ticked by you" } else { " · unticked by you: the exports show it done" }) }</div>
                            </li>
                        }
                    }) }
                    </ul>
                </section>
            }) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_adds_its_parts_a_slice_at_a_time() {
        let part = |kb: usize| AttrValue::from("x".repeat(kb * 1024));
        let parts = [part(60), part(40), part(20), part(300), part(10), part(10)];
        // Within the slice, then at least one more part even when it alone is larger.
        assert_eq!(parts_through(&parts, 0), 3);
        assert_eq!(parts_through(&parts, 3), 4);
        assert_eq!(parts_through(&parts, 4), 6);
        assert_eq!(parts_through(&parts, 6), 6);
        let small: Vec<AttrValue> = (0..5).map(|_| part(1)).collect();
        assert_eq!(parts_through(&small, 0), small.len(), "a small report is shown at once");
    }

    #[test]
    fn files_that_would_take_the_inputs_past_the_evaluation_limit_are_refused() {
        let mib = 1024.0 * 1024.0;
        // Four files of 140 MB fit (560 MB is over: 512 MB is the most).
        assert_eq!(too_much(3.0 * 140.0 * mib, 72.0 * mib), None);
        let refused = too_much(3.0 * 140.0 * mib, 140.0 * mib).unwrap_or_default();
        assert!(
            refused.starts_with("not read: the exports come to 560 MB together, more than the 512 MB"),
            "{refused}"
        );
    }

    #[test]
    fn exports_over_the_limit_are_refused_in_whole_megabytes() {
        let mib = 1024.0 * 1024.0;
        assert_eq!(too_large(150.0 * mib), None);
        let refused = too_large(150.6 * mib).unwrap_or_default();
        assert!(
            refused.starts_with("not read: 151 MB is more than the 150 MB"),
            "{refused}"
        );
        let refused = too_large(150.0 * mib + 1.0).unwrap_or_default();
        assert!(refused.starts_with("not read: 151 MB "), "{refused}");
    }
}

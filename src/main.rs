//! The sentinel-readiness web app. Issue 2 scope: run the engine in the browser on the
//! bundled sample tenant and show who can do each task on each workspace, and why.
//! Everything happens locally; the page makes no network requests.

use sentinel_readiness_engine::{analyze, sample, Date, Report, ReportOptions, Verdict, VerdictKind};
use yew::prelude::*;

fn today() -> Date {
    let ms = js_sys::Date::now();
    Date::from_days_since_epoch((ms / 86_400_000.0).floor() as i64)
}

fn sample_report() -> Result<Report, String> {
    let files = sample::SAMPLE_FILES.iter().map(|(n, t)| (*n, t.as_bytes()));
    let opts = ReportOptions {
        workspaces: vec![],
        as_of: None,
        today: today(),
        all_verdicts: true,
        primary: Some(sample::SAMPLE_PRIMARY.into()),
    };
    analyze(files, &opts).map_err(|e| e.to_string())
}

#[derive(Properties, PartialEq)]
struct CellProps {
    verdict: Option<Verdict>,
}

#[function_component(Cell)]
fn cell(props: &CellProps) -> Html {
    let Some(v) = &props.verdict else {
        return html! { <td class="v not-allowed">{ "not allowed" }</td> };
    };
    let class = classes!("v", v.verdict.as_str());
    let label = match (&v.route, v.verdict) {
        (Some(r), VerdictKind::Allowed | VerdictKind::Equivalent) => format!("{} · {}", v.verdict.as_str(), r),
        _ => v.verdict.as_str().to_string(),
    };
    html! {
        <td {class}>
            <details>
                <summary>{ label }</summary>
                <ul>
                    { for v.reasons.iter().map(|r| html! { <li>{ &r.text }</li> }) }
                    { for v.missing.iter().map(|m| html! { <li>{ format!("missing: {m}") }</li> }) }
                    { for v.nearest.iter().map(|r| html! { <li>{ format!("holds: {}", r.text) }</li> }) }
                    { for v.notes.iter().map(|n| html! { <li>{ format!("note: {n}") }</li> }) }
                </ul>
            </details>
        </td>
    }
}

#[function_component(App)]
fn app() -> Html {
    let report = use_memo((), |_| sample_report());
    let body = match &*report {
        Err(e) => html! { <p role="alert">{ format!("The sample could not be evaluated: {e}") }</p> },
        Ok(r) => {
            let task_ids: Vec<&'static str> = sentinel_readiness_engine::task::TASKS
                .iter()
                .map(|t| t.id)
                .filter(|t| !r.rules.tasks_not_in_force.contains(t))
                .collect();
            html! {
                <>
                <section aria-label="Summary" id="summary">
                    <h2>{ format!("Overall: {}", r.summary.overall.as_str()) }</h2>
                    <ul>
                        { for r.summary.blockers.iter().map(|b| html! { <li class="blocker">{ format!("Blocker: {b}") }</li> }) }
                        { for r.summary.warnings.iter().map(|w| html! { <li>{ w }</li> }) }
                    </ul>
                </section>
                { for r.workspaces.iter().map(|ws| html! {
                    <section aria-label={ format!("Workspace {}", ws.name) }>
                        <h2>{ format!("Workspace {}", ws.name) }</h2>
                        <p class="muted">{ ws.id.as_str() }</p>
                        <div class="table-wrap">
                        <table id={ format!("matrix-{}", ws.name) } class="matrix">
                            <thead><tr>
                                <th scope="col">{ "Principal" }</th><th scope="col">{ "Type" }</th>
                                { for task_ids.iter().map(|t| html! { <th scope="col">{ *t }</th> }) }
                            </tr></thead>
                            <tbody>
                            { for r.principals.iter().map(|p| html! {
                                <tr>
                                    <th scope="row">{ &p.display_name }</th>
                                    <td>{ p.kind }</td>
                                    { for task_ids.iter().map(|t| {
                                        let v = p.tasks.iter().find(|v| v.task == *t && v.workspace == ws.id).cloned();
                                        html! { <Cell verdict={v} /> }
                                    }) }
                                </tr>
                            }) }
                            </tbody>
                        </table>
                        </div>
                    </section>
                }) }
                if !r.caveats.is_empty() {
                    <section><h2>{ "Caveats" }</h2><ul>{ for r.caveats.iter().map(|c| html! { <li>{ c }</li> }) }</ul></section>
                }
                </>
            }
        }
    };
    html! {
        <main>
            <header>
                <h1>{ "Sentinel → Defender portal readiness" }</h1>
                <p>{ "Sample tenant (fictional Contoso SOC), evaluated in your browser. Nothing leaves this page." }</p>
            </header>
            <div aria-live="polite">{ body }</div>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}

//! The app's state: the user's inputs, checklist ticks and choices, kept in localStorage
//! (versioned) unless the user switches that off.

use std::collections::BTreeMap;
use std::rc::Rc;

use gloo::storage::{LocalStorage, Storage};
use sentinel_readiness_engine::sample;
use serde::{Deserialize, Serialize};
use yew::Reducible;

/// Whether the page may use the browser's local storage. A page embedded from another site
/// may not (a browser that blocks third-party storage throws on `localStorage`), and gloo's
/// calls panic then, which left an embedded page blank.
fn storage_allowed() -> bool {
    web_sys::window().is_some_and(|w| matches!(w.local_storage(), Ok(Some(_))))
}

const STORAGE_BLOCKED: &str = "This browser does not let the page keep anything on this device here (it blocks storage for a page embedded from another site): your inputs and ticks stay until you close the page.";

/// Bumped when the stored shape changes; older data is dropped, not misread.
const STORAGE_VERSION: u32 = 1;
const STATE_KEY: &str = "sentinel-readiness/state";
/// Total size of the inputs' text.
pub fn input_bytes(inputs: &[Input]) -> usize {
    inputs.iter().map(|i| i.text.len()).sum()
}

/// Inputs larger than this are not written to localStorage.
const STORE_UP_TO_BYTES: usize = 4 * 1024 * 1024;
const KEEP_KEY: &str = "sentinel-readiness/keep";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub name: String,
    /// Shared, never copied (an `Rc<str>` would copy it once more): the state is cloned on every change and the request compared on
    /// every render, and a large export is tens of MB.
    pub text: Rc<String>,
    /// Part of the bundled fictional sample.
    pub sample: bool,
    /// Why the page could not read the file (too large, or not UTF-8 or UTF-16 text): the
    /// report lists it among the files in error, as the command line does. Such a file is
    /// never read as text with its bad bytes replaced, which can drop a deny unseen.
    #[serde(default)]
    pub unreadable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub version: u32,
    pub inputs: Vec<Input>,
    /// Checklist ticks stored by versions before round 36, by item key: not tied to any
    /// workspaces. Shown until the first tick of this version, which files them under the
    /// report's workspaces (the inputs stored with them are the ones they were made on).
    pub ticks: BTreeMap<String, bool>,
    /// Checklist ticks by the workspaces they were made on (`views::tick_scope`), then by
    /// item key (`refs` joined), overriding the evidence. A report shows the ticks of its own
    /// workspaces only, so ticks made for one tenant never mark another's items done,
    /// whatever order files were added and removed in; they come back with those files.
    #[serde(default)]
    pub scoped_ticks: BTreeMap<String, BTreeMap<String, bool>>,
    pub primary: Option<String>,
    pub as_of: Option<String>,
    /// The names of the inputs the last save could not keep (too large, or storage full):
    /// they were left out of the stored state, so that a reload does not bring back an
    /// older set of files, one the user had removed among them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_kept: Vec<String>,
    #[serde(skip)]
    pub keep: bool,
    /// Why the last save failed (quota, private mode …), shown to the user.
    #[serde(skip)]
    pub storage_error: Option<String>,
    /// Counts "Clear all" and "Load the sample tenant": files still being read when either
    /// is pressed belong to the inputs it replaced, and are not added when they arrive.
    #[serde(skip)]
    pub epoch: u64,
    /// Picks and drops still being read.
    #[serde(skip)]
    pub reading: usize,
}

impl State {
    fn sample() -> Self {
        Self {
            version: STORAGE_VERSION,
            inputs: sample::SAMPLE_FILES
                .iter()
                .map(|(n, t)| Input {
                    name: format!("sample/{n}"),
                    text: Rc::new((*t).to_string()),
                    sample: true,
                    unreadable: None,
                })
                .collect(),
            ticks: BTreeMap::new(),
            scoped_ticks: BTreeMap::new(),
            primary: Some(sample::SAMPLE_PRIMARY.to_string()),
            as_of: None,
            not_kept: Vec::new(),
            keep: true,
            storage_error: None,
            epoch: 0,
            reading: 0,
        }
    }

    /// The stored state, or the sample on first visit.
    pub fn load() -> Self {
        if !storage_allowed() {
            return Self {
                storage_error: Some(STORAGE_BLOCKED.into()),
                ..Self::sample()
            };
        }
        let keep = LocalStorage::get::<bool>(KEEP_KEY).unwrap_or(true);
        let stored = if keep {
            LocalStorage::get::<State>(STATE_KEY).ok()
        } else {
            None
        };
        match stored {
            Some(mut s) if s.version == STORAGE_VERSION => {
                s.keep = true;
                s
            }
            _ => Self { keep, ..Self::sample() },
        }
    }

    fn save(mut self) -> Self {
        if self.keep && !storage_allowed() {
            self.storage_error = Some(STORAGE_BLOCKED.into());
        } else if self.keep {
            let bytes = input_bytes(&self.inputs);
            // Browsers keep 5–10 MB per site: larger inputs are not even tried, which would
            // only copy them once more on the page's thread to be refused.
            let kept = if bytes > STORE_UP_TO_BYTES {
                Err(format!(
                    "Your inputs ({} MB) are more than this device's storage keeps for a page",
                    bytes / (1024 * 1024)
                ))
            } else {
                LocalStorage::set(STATE_KEY, &self)
                    .map_err(|e| format!("Your inputs could not be kept on this device ({e})"))
            };
            self.storage_error = kept.err().map(|why| {
                // Whatever was stored before must not come back on a reload: the ticks and
                // choices are kept without the inputs, or nothing is.
                let light = Self {
                    inputs: Vec::new(),
                    not_kept: self.inputs.iter().map(|i| i.name.clone()).collect(),
                    ..self.clone()
                };
                if LocalStorage::set(STATE_KEY, &light).is_ok() {
                    format!("{why}; they stay until you close the page, and a reload starts without them (your ticks and choices are kept).")
                } else {
                    LocalStorage::delete(STATE_KEY);
                    format!("{why}; they stay until you close the page, and a reload starts afresh.")
                }
            });
        }
        self
    }

    /// Adds files; a name already taken gets " (2)", " (3)" … The names in use are looked
    /// up in a set, and each name's next number remembered: looking through every input for
    /// every candidate froze the page for seconds with thousands of files of one name.
    fn add_all(&mut self, files: Vec<(String, Result<String, String>)>) {
        if self.has_sample() {
            self.inputs.retain(|i| !i.sample);
            self.primary = None;
            self.ticks.clear();
            self.scoped_ticks.clear();
        }
        // Sorted lists searched by halves: no further generic map in the Wasm.
        let mut taken: Vec<String> = self.inputs.iter().map(|i| i.name.clone()).collect();
        sentinel_readiness_engine::order::sort(&mut taken);
        let mut next: Vec<(String, usize)> = Vec::new();
        for (name, content) in files {
            let name = unique_name(name, &mut taken, &mut next);
            let (text, unreadable) = match content {
                Ok(text) => (text, None),
                Err(why) => (String::new(), Some(why)),
            };
            self.inputs.push(Input {
                name,
                text: Rc::new(text),
                sample: false,
                unreadable,
            });
        }
    }

    /// A fresh start, as "Clear all" gives: no inputs, ticks or primary, and no rules' date,
    /// which would otherwise cut the next tenant's checklist to what was documented then.
    fn start_over(&mut self) {
        self.inputs.clear();
        self.ticks.clear();
        self.scoped_ticks.clear();
        self.primary = None;
        self.as_of = None;
    }

    /// The files a reload could not bring back, until the inputs change: shown on every
    /// screen, and stored with the ticks, so a tick does not make the reminder go.
    pub fn not_kept_notice(&self) -> Option<String> {
        let names = &self.not_kept;
        (!names.is_empty()).then(|| {
            format!(
                "{} file(s) were not kept on this device last time (more than its storage keeps for a page, or the storage failed): add them again. {}",
                names.len(),
                sentinel_readiness_engine::prerequisite::few_of(names, names.len())
            )
        })
    }

    pub fn has_sample(&self) -> bool {
        self.inputs.iter().any(|i| i.sample)
    }
}

/// `name`, or the first of "name (2)", "name (3)" … not in `taken` (sorted), which it joins.
/// `next` (sorted by name) remembers the number each name got to.
fn unique_name(name: String, taken: &mut Vec<String>, next: &mut Vec<(String, usize)>) -> String {
    let mut candidate = name.clone();
    if taken.binary_search(&candidate).is_ok() {
        let at = next.binary_search_by(|(n, _)| n.cmp(&name)).unwrap_or_else(|at| {
            next.insert(at, (name.clone(), 2));
            at
        });
        let Some((_, n)) = next.get_mut(at) else {
            return candidate;
        };
        while taken.binary_search(&candidate).is_ok() {
            candidate = format!("{name} ({n})");
            *n += 1;
        }
    }
    if let Err(at) = taken.binary_search(&candidate) {
        taken.insert(at, candidate.clone());
    }
    candidate
}

pub enum Action {
    /// Adds the user's own export; the sample is removed the first time.
    /// An export's text, or why the page could not read it.
    Add {
        name: String,
        text: Result<String, String>,
    },
    /// Files picked or dropped are being read.
    Reading,
    /// Several files picked or dropped together: one change, so one evaluation. Read under
    /// `epoch`; dropped if "Clear all" or "Load the sample tenant" came meanwhile.
    AddAll {
        epoch: u64,
        files: Vec<(String, Result<String, String>)>,
    },
    Remove(String),
    ClearAll,
    LoadSample,
    /// A checklist tick, on a report of the workspaces `scope` names.
    Tick {
        key: String,
        done: bool,
        scope: String,
    },
    SetPrimary(Option<String>),
    SetAsOf(Option<String>),
    /// The "keep data on this device" switch.
    SetKeep(bool),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        // A change of inputs ends the reminder of the files a reload did not bring back.
        if matches!(
            action,
            Action::Add { .. } | Action::AddAll { .. } | Action::Remove(_) | Action::ClearAll | Action::LoadSample
        ) {
            s.not_kept.clear();
        }
        match action {
            Action::Add { name, text } => s.add_all(vec![(name, text)]),
            Action::Reading => s.reading += 1,
            Action::AddAll { epoch, files } => {
                s.reading = s.reading.saturating_sub(1);
                if epoch == s.epoch {
                    s.add_all(files);
                }
            }
            Action::Remove(name) => {
                s.inputs.retain(|i| i.name != name);
                // The last file gone is a fresh start, as "Clear all" is (the README says so;
                // the rules' date had been kept here).
                if s.inputs.is_empty() {
                    s.start_over();
                }
            }
            Action::ClearAll => {
                s.start_over();
                s.epoch += 1;
            }
            Action::LoadSample => {
                let (keep, epoch, reading) = (s.keep, s.epoch + 1, s.reading);
                s = Self {
                    keep,
                    epoch,
                    reading,
                    ..Self::sample()
                };
            }
            Action::Tick { key, done, scope } => {
                let legacy = std::mem::take(&mut s.ticks);
                let ticks = s.scoped_ticks.entry(scope).or_insert(legacy);
                ticks.insert(key, done);
            }
            Action::SetPrimary(p) => s.primary = p,
            Action::SetAsOf(d) => s.as_of = d,
            Action::SetKeep(keep) => {
                s.keep = keep;
                if storage_allowed() {
                    let _ = LocalStorage::set(KEEP_KEY, keep);
                    if !keep {
                        LocalStorage::delete(STATE_KEY);
                    }
                }
                if !keep {
                    s.storage_error = None;
                }
            }
        }
        Rc::new(s.save())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_the_next_free_number() {
        let (mut taken, mut next) = (vec!["x.json".to_string()], Vec::new());
        let names: Vec<String> = ["same.json", "same.json (2)", "same.json", "same.json", "x.json"]
            .into_iter()
            .map(|n| unique_name(n.to_string(), &mut taken, &mut next))
            .collect();
        assert_eq!(
            names,
            [
                "same.json",
                "same.json (2)",
                "same.json (3)",
                "same.json (4)",
                "x.json (2)"
            ]
        );
        assert!(taken.windows(2).all(|w| w[0] < w[1]), "{taken:?}");
    }
}

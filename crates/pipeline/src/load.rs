//! A run's inputs into one `Dataset`: paths expanded (folders in name order, the caller's own
//! output folder left out), uploads taken as they are, all read in one canonical order, and
//! the import problems triaged into what stops the run and what becomes a finding.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use duizhang_core::{BeijingTime, Dataset, FileId, FundProvider, Period};
use duizhang_engine::file_totals::BrokenTotal;
use duizhang_import::inputs::{Source, expand_inputs_skipping, load_sources};
use duizhang_import::{ImportedFile, Importer, ProblemCode};

use crate::error::{Blocked, Blocking, Error};
use crate::progress::Progress;

/// A run's inputs, imported: the dataset, the per-file reports, the file totals that did not
/// hold (findings of BALANCE_BREAK) and what a person should know of the import.
pub struct Loaded {
    pub data: Dataset,
    pub files: Vec<ImportedFile>,
    pub broken: Vec<BrokenTotal>,
    pub notes: ImportNotes,
}

/// What did not stop the import but should be said.
#[derive(Debug, Default)]
pub struct ImportNotes {
    /// Files left out as unrecognised or no seller's bill (only with `skip_unknown`).
    pub skipped: Vec<String>,
    /// Records counted once because another file already gave them: (file, message).
    pub repeated: Vec<(String, String)>,
    /// Most money rows lie outside the period (a month chosen wrong); set by [`crate::run`].
    pub period_miss: Option<PeriodMiss>,
    /// Records with no time to place them by: a week's or a day's run checks them (as the
    /// month's does) but its metrics do not count them.
    pub untimed: usize,
}

/// Money rows of the run, and how many of them lie inside its period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodMiss {
    pub period: Period,
    pub inside: usize,
    pub all: usize,
    /// The first and last money row's time.
    pub first: BeijingTime,
    pub last: BeijingTime,
}

/// Expands and imports `sources` on `threads` readers. Paths inside `exclude` (the caller's
/// output folder sitting inside an input folder) are not read. Import errors that make a result
/// untrustworthy are [`Error::Import`]; with `skip_unknown`, files no importer recognises are
/// left out and listed in the notes instead.
pub fn load(
    sources: Vec<Source>,
    exclude: &[PathBuf],
    importers: &[Box<dyn Importer>],
    threads: usize,
    skip_unknown: bool,
    progress: &dyn Progress,
) -> Result<Loaded, Error> {
    let mut sources = expand(sources, exclude)?;
    // The same files give the same results whatever order they were named in: file ids, the
    // order records are met in and which of two repeated records is kept follow this order.
    canonical_order(&mut sources);
    if sources.is_empty() {
        return Err(Error::NoInputs);
    }
    let listed: Vec<(String, u64)> = sources.iter().map(|s| (s.name(), s.size())).collect();
    progress.reading(&listed);
    let started = std::time::Instant::now();
    let (data, files) = load_sources(sources, importers, threads, |i, step| {
        progress.file(i, step);
    });
    tracing::info!("import: {:?}", started.elapsed());
    progress.read();
    let (broken, errors) = triage(&files, &data, skip_unknown);
    let unknown = unrecognised(&files);
    if !errors.is_empty() {
        return Err(Error::Import(Blocked {
            errors,
            unknown,
            skipped_unknown: skip_unknown,
        }));
    }
    let repeated = files
        .iter()
        .flat_map(|f| {
            f.problems
                .iter()
                .filter(|p| p.code == ProblemCode::Duplicate && !p.is_error())
                .map(|p| (f.name.clone(), p.message.clone()))
        })
        .collect();
    let notes = ImportNotes {
        skipped: if skip_unknown { unknown } else { Vec::new() },
        repeated,
        period_miss: None,
        untimed: 0,
    };
    Ok(Loaded {
        data,
        files,
        broken,
        notes,
    })
}

/// Folders become the data files inside them; uploads and files read before stay as they are.
fn expand(sources: Vec<Source>, exclude: &[PathBuf]) -> Result<Vec<Source>, Error> {
    let mut paths = Vec::new();
    let mut out = Vec::new();
    for s in sources {
        match s {
            Source::Path(p) => paths.push(p),
            given @ (Source::Bytes { .. } | Source::Read { .. }) => out.push(given),
        }
    }
    if !paths.is_empty() {
        let files = expand_inputs_skipping(&paths, exclude).map_err(Error::Inputs)?;
        out.extend(files.into_iter().map(Source::Path));
    }
    Ok(out)
}

/// Sorts inputs by file name, then by their full path or upload name (two folders may hold
/// files of one name); uploads of one name keep the order they were given in.
fn canonical_order(sources: &mut [Source]) {
    fn key(s: &Source) -> &Path {
        match s {
            Source::Path(p) => p,
            Source::Bytes { name, .. } | Source::Read { name, .. } => Path::new(name),
        }
    }
    sources.sort_by(|a, b| {
        let (a, b) = (key(a), key(b));
        (a.file_name(), a).cmp(&(b.file_name(), b))
    });
}

/// The fund provider behind each file, from the records it produced.
fn providers(data: &Dataset) -> BTreeMap<FileId, FundProvider> {
    let mut map = BTreeMap::new();
    for r in &data.fund_flows {
        map.entry(r.source.file).or_insert(r.provider);
    }
    for r in &data.payments {
        map.entry(r.source.file).or_insert(r.provider);
    }
    map
}

/// Splits import problems into control totals that did not hold (findings of BALANCE_BREAK)
/// and everything else, which makes a run's results untrustworthy and stops it (files of an
/// unknown format only without `skip_unknown`).
fn triage(
    files: &[ImportedFile],
    data: &Dataset,
    skip_unknown: bool,
) -> (Vec<BrokenTotal>, Vec<Blocking>) {
    let providers = providers(data);
    let mut broken = Vec::new();
    let mut blocking = Vec::new();
    for f in files {
        for p in f.problems.iter().filter(|p| p.is_error()) {
            let skipped = skip_unknown && not_a_bill(p.code);
            if p.code != ProblemCode::ControlTotal && !skipped {
                blocking.push(Blocking::Problem(p.clone()));
            }
        }
        for c in f.control.iter().filter(|c| !c.holds()) {
            match providers.get(&f.id) {
                Some(&provider) => broken.push(BrokenTotal {
                    file: f.name.clone(),
                    provider,
                    account: f.meta.account.clone(),
                    label: c.label.clone(),
                    line: c.line,
                    stated_count: c.stated_count,
                    stated: c.stated_amount,
                    counted: c.counted,
                    summed: c.summed,
                }),
                // A summary file without rows of its own: its difference cannot be owned by a
                // shop, so it is shown as the import error it is.
                None => blocking.push(Blocking::SummaryTotal {
                    file: f.name.clone(),
                    described: c.describe_zh(),
                }),
            }
        }
    }
    (broken, blocking)
}

/// Files (or members of an archive) that no importer recognised, or that are recognised as
/// not being a seller's bill (a personal bill).
fn unrecognised(files: &[ImportedFile]) -> Vec<String> {
    files
        .iter()
        .filter(|f| {
            f.problems
                .iter()
                .any(|p| p.is_error() && not_a_bill(p.code))
        })
        .map(|f| f.name.clone())
        .collect()
}

/// Problems that `skip_unknown` may leave out: the file is no input of a reconciliation.
fn not_a_bill(code: ProblemCode) -> bool {
    matches!(
        code,
        ProblemCode::UnknownFormat | ProblemCode::WrongDownload
    )
}

/// Says so when most of the money rows lie outside `period` (a month chosen wrong): the checks
/// would then judge another month's records against this one's cut-off.
pub(crate) fn period_miss(data: &Dataset, period: Period) -> Option<PeriodMiss> {
    let times = data
        .fund_flows
        .iter()
        .map(|r| r.occurred_at)
        .chain(data.payments.iter().map(|r| r.occurred_at));
    let (mut inside, mut all) = (0usize, 0usize);
    let mut range: Option<(BeijingTime, BeijingTime)> = None;
    for t in times {
        all += 1;
        if period.contains(t) {
            inside += 1;
        }
        range = Some(range.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
    }
    let (first, last) = range?;
    (inside * 2 < all).then_some(PeriodMiss {
        period,
        inside,
        all,
        first,
        last,
    })
}

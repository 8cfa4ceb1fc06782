//! `duizhang vouchers`: import a period → generate the 记账凭证 by the 账套's rules → validate →
//! write the chosen exports (the generic Excel journal and Beancount by default).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use duizhang_books::export::{CloudTemplate, ColumnTemplate};
use duizhang_pipeline::exports::{ExportFormat, Templates, render_exports};

use crate::books;
use crate::load;
use crate::term::note;

/// An import format of an accounting system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Format {
    /// 通用 Excel 凭证表（vouchers.xlsx，可用 reconcile --journal 读回）
    Excel,
    /// Beancount 复式记账文本（vouchers.beancount）
    Beancount,
    /// 用友 U8/T3/T6 凭证引入文本（vouchers-u8.txt，GBK）
    U8,
    /// 畅捷通 T+ / 好会计 Excel（vouchers-chanjet.xlsx）
    Chanjet,
    /// 金蝶 KIS 标准版 Excel（vouchers-kis.xlsx）
    Kis,
    /// 金蝶云星空 凭证引入模板（vouchers-kingdee-cloud.xlsx）
    KingdeeCloud,
}

impl Format {
    pub(crate) fn export(self) -> ExportFormat {
        match self {
            Format::Excel => ExportFormat::Excel,
            Format::Beancount => ExportFormat::Beancount,
            Format::U8 => ExportFormat::U8,
            Format::Chanjet => ExportFormat::Chanjet,
            Format::Kis => ExportFormat::Kis,
            Format::KingdeeCloud => ExportFormat::KingdeeCloud,
        }
    }
}

pub struct Args {
    pub inputs: Vec<PathBuf>,
    pub period: String,
    pub config: Option<PathBuf>,
    pub books: Option<PathBuf>,
    pub rules: Option<PathBuf>,
    pub out: PathBuf,
    pub formats: Vec<Format>,
    pub template: Option<PathBuf>,
    pub profiles: Vec<PathBuf>,
    pub kingdee_book: Option<String>,
    pub kingdee_org: Option<String>,
    pub kingdee_words: Vec<String>,
    pub skip_unknown: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let period = crate::period::month(&args.period, "凭证")?;
    let settings = crate::reconcile::read_settings(args.config.as_deref())?;
    let loaded = books::read_books(args.books.as_deref(), args.rules.as_deref())?;
    let mut formats = if args.formats.is_empty() {
        vec![Format::Excel, Format::Beancount]
    } else {
        args.formats.clone()
    };
    formats.sort();
    formats.dedup();
    let templates = templates(
        &TemplateChoice {
            template: args.template.as_deref(),
            kingdee_book: args.kingdee_book.as_deref(),
            kingdee_org: args.kingdee_org.as_deref(),
            kingdee_words: &args.kingdee_words,
        },
        &formats,
    )?;
    let out = crate::publish::OutDir::lock(&args.out)?;
    let Some(imported) = load::import_inputs(
        &args.inputs,
        &args.profiles,
        "生成凭证",
        out.path(),
        args.skip_unknown,
    )?
    else {
        return Ok(ExitCode::from(2));
    };
    let data = imported.data;
    for b in &imported.broken {
        note!(
            "注意：文件 {} 自带的合计与明细不符（{}），凭证可能不完整。",
            b.file,
            b.label
        );
    }
    let mut o = crate::term::stdout();
    writeln!(o, "{}", loaded.describe)?;
    let names = duizhang_engine::shops::ShopNames::of(&data, &settings);
    let generated = match books::generate(&loaded.books, &data, period, &settings, &names) {
        Ok(g) => g,
        Err(e) => {
            writeln!(o, "凭证校验未通过，未写出任何凭证文件：{}", e.message)?;
            tracing::error!("voucher validation: {}", e.detail);
            return Ok(ExitCode::from(1));
        }
    };
    books::print_generated(&mut o, &generated, &data, 20)?;
    // Every file is written into a staging folder and put in place together when all are
    // written; an error on the way leaves the earlier result in `--out` as it was.
    let staging = out.stage()?;
    let dir = staging.path();
    let mut written = Vec::new();
    if generated.vouchers.is_empty() {
        writeln!(
            o,
            "{period} 没有可生成凭证的记录（凭证由资金流水、发货与退货入库生成）。"
        )?;
    } else {
        let exports: Vec<ExportFormat> = formats.iter().map(|f| f.export()).collect();
        match render_exports(&exports, &generated.vouchers, &loaded.books, &templates) {
            Ok(files) => {
                for (name, bytes) in files {
                    books::write_file(&dir.join(&name), &bytes)?;
                    written.push(name);
                }
            }
            Err(e) => {
                writeln!(
                    o,
                    "{} 未写出：{}；本次没有写出任何文件，输出目录保持原样。",
                    e.format.file(),
                    e.error.message
                )?;
                tracing::error!("export {:?}: {}", e.format, e.error.detail);
                return Ok(ExitCode::from(1));
            }
        }
    }
    written.extend(books::write_issues(dir, &generated, &data)?);
    staging
        .commit("vouchers", &period.to_string())
        .context("结果未写出，输出目录保持原样")?;
    if !written.is_empty() {
        writeln!(o, "已写入 {}：{}", args.out.display(), written.join("、"))?;
    }
    Ok(if generated.vouchers.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The options that shape the template-driven exports (`--template`, `--kingdee-*`).
pub(crate) struct TemplateChoice<'a> {
    pub template: Option<&'a Path>,
    pub kingdee_book: Option<&'a str>,
    pub kingdee_org: Option<&'a str>,
    pub kingdee_words: &'a [String],
}

/// What the template-driven exports need, read once before any work.
pub(crate) fn templates(
    args: &TemplateChoice<'_>,
    formats: &[Format],
) -> anyhow::Result<Templates> {
    let templated: Vec<Format> = formats
        .iter()
        .copied()
        .filter(|f| f.export().uses_template())
        .collect();
    let mut columns = None;
    let mut cloud = None;
    if let Some(path) = args.template {
        let [format] = templated.as_slice() else {
            anyhow::bail!(
                "--template 只能配合一种模板格式使用（chanjet、kis 或 kingdee-cloud），本次选择了 {} 种",
                templated.len()
            );
        };
        let bytes =
            std::fs::read(path).with_context(|| format!("无法读取模板 {}", path.display()))?;
        if *format == Format::KingdeeCloud {
            cloud = Some(
                CloudTemplate::from_xlsx(&bytes)
                    .map_err(|e| anyhow::anyhow!("{}：{}", path.display(), e.message))?,
            );
        } else {
            columns = Some(header_template(&bytes, path)?);
        }
    }
    let mut cloud_settings = duizhang_books::export::CloudSettings::default();
    if let Some(code) = args.kingdee_book {
        cloud_settings.account_book.0 = code.to_string();
    }
    if let Some(code) = args.kingdee_org {
        cloud_settings.org.0 = code.to_string();
    }
    for pair in args.kingdee_words {
        let (word, code) = pair
            .split_once('=')
            .filter(|(w, c)| !w.trim().is_empty() && !c.trim().is_empty())
            .ok_or_else(|| {
                anyhow::anyhow!("--kingdee-word “{pair}”应写作 凭证字=编码，如 付=PRE003")
            })?;
        cloud_settings
            .word_codes
            .insert(word.trim().to_string(), code.trim().to_string());
    }
    Ok(Templates {
        columns,
        cloud,
        cloud_settings,
    })
}

/// The seller's import template (畅捷通 / 金蝶 KIS "下载模板"): its first sheet's first non-empty
/// row names the columns, in the order the system expects.
fn header_template(bytes: &[u8], path: &Path) -> anyhow::Result<ColumnTemplate> {
    use calamine::Reader;
    let bad = |why: String| anyhow::anyhow!("无法读取模板 {}：{why}", path.display());
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| bad(e.to_string()))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| bad("没有工作表".into()))?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| bad(e.to_string()))?;
    let labels: Vec<String> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string().trim().to_string())
                .collect::<Vec<_>>()
        })
        .find(|r| r.iter().any(|c| !c.is_empty()))
        .ok_or_else(|| bad("第一个工作表是空的".into()))?;
    let mut labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    while labels.last() == Some(&"") {
        labels.pop();
    }
    let template = ColumnTemplate::from_labels(&sheet, &labels);
    if !template.unmapped.is_empty() {
        note!(
            "注意：模板中的列 {} 无对应数据，将留空。",
            template.unmapped.join("、")
        );
    }
    Ok(template)
}

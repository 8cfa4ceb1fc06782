//! Mapping profiles: a small TOML file that says how the columns of some other CSV/XLSX
//! export (an ERP, a platform export whose layout is not public) map onto duizhang's records.
//!
//! A profile is an [`Importer`] like any built-in format: it is recognised by its columns, it
//! reads by header name, and every bad cell becomes a [`Problem`] naming line and column. The
//! generic ERP format of PRODUCT.md and the platform after-sales exports whose layout is not
//! public are themselves shipped as profiles (`crates/import/profiles/*.toml`), so there is one
//! code path. The user guide with every key is `docs/mapping-profiles.md`.
//!
//! After-sales arrive one row per after-sale or one row per goods line with the same refund
//! number; rows of one after-sale are merged into one [`duizhang_core::AfterSale`]. Because the
//! same number may re-appear anywhere in the file, an after-sale profile buffers the file's
//! after-sales and emits them at the end (ERP after-sale exports are small enough for this);
//! every other record kind streams row by row.

mod fields;
mod read;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::path::Path;

use duizhang_core::RecordKind;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use crate::problem::{Problem, ProblemCode};
use crate::registry::{Detection, Importer, Output};
use crate::table::{Header, Row, Table};
use crate::text::normalize_header;
use fields::{codes, is_std, std_texts, with_target};

pub use fields::{Choice, Field, RECORDS, Target, Ty, fields_of};

/// How the amounts of a multi-row after-sale are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountScope {
    /// Each row's amount is that line's: the after-sale's amount is their sum.
    PerRow,
    /// Every row repeats the after-sale's total: it is taken once, never summed.
    RepeatedTotal,
}

/// The encoding a profile expects of CSV files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingRule {
    /// Decided from the bytes (BOM, valid UTF-8, else GBK).
    Auto,
    Utf8,
    Gbk,
}

/// A loaded, validated mapping profile.
#[derive(Debug)]
pub struct Profile {
    id: String,
    name: String,
    record: RecordKind,
    variant: String,
    encoding: EncodingRule,
    /// 1-based line (CSV) or row (XLSX) of the header, when the profile fixes it.
    header_row: Option<u32>,
    amount_scope: Option<AmountScope>,
    /// Field → the column's names (aliases), as mapped.
    columns: BTreeMap<&'static str, Vec<String>>,
    /// Fields whose value must be present: the record kind's own and the profile's `required`.
    required: BTreeSet<&'static str>,
    /// Field → text used when the column is absent or the cell blank.
    defaults: BTreeMap<&'static str, String>,
    values: BTreeMap<&'static str, ValueMap>,
    /// Extra columns that must be present for the profile to recognise a file.
    detect: Vec<String>,
}

/// A `[values.<field>]` table: cell texts (compared normalised) → target codes.
#[derive(Debug, Default)]
struct ValueMap {
    by_key: BTreeMap<String, &'static str>,
    /// The texts as written in the profile, for error messages.
    texts: Vec<String>,
    /// The same mapping keyed by the texts as written: most cells are spelled exactly so, and
    /// are then found without normalising them.
    exact: BTreeMap<String, &'static str>,
}

impl ValueMap {
    /// The target code of a cell text.
    fn code(&self, text: &str) -> Option<&'static str> {
        self.exact
            .get(text)
            .or_else(|| self.by_key.get(&value_key(text)))
            .copied()
    }
}

/// Normalises a value text for comparison: widths, spaces and list punctuation do not matter
/// (`买家申请退款，待商家处理` == `买家申请退款待商家处理`).
fn value_key(text: &str) -> String {
    normalize_header(text)
        .chars()
        .filter(|c| !matches!(c, ',' | ';' | '；' | '、' | '。' | '.'))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The TOML file

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    id: String,
    record: Spanned<String>,
    platform: Option<Spanned<String>>,
    shop: Option<Spanned<String>>,
    encoding: Option<Spanned<String>>,
    header_row: Option<Spanned<i64>>,
    amount_scope: Option<Spanned<String>>,
    #[serde(default)]
    required: Vec<Spanned<String>>,
    #[serde(default)]
    detect: Vec<String>,
    columns: BTreeMap<Spanned<String>, Spanned<Aliases>>,
    #[serde(default)]
    defaults: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    values: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// One column name or a list of aliases.
struct Aliases(Vec<String>);

impl<'de> Deserialize<'de> for Aliases {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Aliases, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Aliases;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a column name or a list of column names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Aliases, E> {
                Ok(Aliases(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Aliases, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(Aliases(names))
            }
        }
        d.deserialize_any(V)
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// Text between the first pair of backticks after `from` in a serde message.
fn quoted(message: &str, from: usize) -> Option<&str> {
    let rest = message.get(from..)?;
    let start = rest.find('`')? + 1;
    let len = rest.get(start..)?.find('`')?;
    rest.get(start..start + len)
}

/// toml's English error message, said in Chinese.
fn toml_message_zh(message: &str) -> String {
    let m = message.trim();
    if m.starts_with("unknown field") {
        let key = quoted(m, 0).unwrap_or("?");
        let expected: Vec<&str> = m
            .find("expected")
            .and_then(|i| m.get(i..))
            .map(|rest| rest.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        if expected.is_empty() {
            format!("未知的键“{key}”")
        } else {
            format!("未知的键“{key}”（可用的键：{}）", expected.join("、"))
        }
    } else if m.starts_with("missing field") {
        format!("缺少必需的键“{}”", quoted(m, 0).unwrap_or("?"))
    } else if let Some(rest) = m.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        format!(
            "取值的类型不对：应为{}，这里是{}",
            type_zh(expected),
            type_zh(found)
        )
    } else if m.contains("duplicate key") {
        format!("键重复定义（{m}）")
    } else {
        format!("TOML 语法错误（{m}）")
    }
}

/// A serde type description ("a string", "integer `3`", "i64") in Chinese.
fn type_zh(what: &str) -> String {
    let w = what.trim();
    let zh = if w.contains("column name") {
        "列名（加引号的文本）或列名列表"
    } else if w.contains("string") {
        "文本（加引号）"
    } else if w.contains("integer") || w.starts_with('i') || w.starts_with('u') {
        "整数"
    } else if w.contains("floating") {
        "小数"
    } else if w.contains("boolean") {
        "true/false"
    } else if w.contains("sequence") {
        "列表 [...]"
    } else if w.contains("map") || w.contains("struct") {
        "表"
    } else {
        return w.to_string();
    };
    zh.to_string()
}

/// Builds problems located in the profile's own text.
struct Source<'a> {
    name: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn at(&self, span: Option<Range<usize>>, zh: String, en: String) -> Problem {
        let mut p = Problem::new(
            ProblemCode::Profile,
            self.name,
            format!("映射配置有误：{zh}"),
            format!("mapping profile: {en}"),
        );
        if let Some(span) = span {
            let (line, col) = line_col(self.text, span.start);
            p = p.at_line(line);
            p.column = Some(col);
        }
        p
    }
}

fn field_names(fields: &[Field]) -> String {
    fields.iter().map(|f| f.name).collect::<Vec<_>>().join("、")
}

fn static_code<T: Target>(code: &str) -> Option<&'static str> {
    T::from_code(code).map(Target::code)
}

/// Checks the parts of a profile that depend on its record kind's fields.
struct KindCheck<'a> {
    src: &'a Source<'a>,
    record_name: &'a str,
    fields: &'static [Field],
}

impl KindCheck<'_> {
    fn field(&self, key: &Spanned<String>, what: &str) -> Result<&'static Field, Problem> {
        let name = key.get_ref().trim();
        self.fields.iter().find(|f| f.name == name).ok_or_else(|| {
            self.src.at(
                Some(key.span()),
                format!(
                    "{what}中的“{}”不是 {} 记录的字段（可用字段：{}）",
                    key.get_ref(),
                    self.record_name,
                    field_names(self.fields)
                ),
                format!("unknown field {:?} for {}", key.get_ref(), self.record_name),
            )
        })
    }

    fn columns(&self, file: &ProfileFile) -> Result<BTreeMap<&'static str, Vec<String>>, Problem> {
        let mut columns = BTreeMap::new();
        for (key, aliases) in &file.columns {
            let field = self.field(key, "[columns] ")?;
            let names: Vec<String> = aliases
                .get_ref()
                .0
                .iter()
                .map(|s| s.trim().to_string())
                .collect();
            if names.is_empty() || names.iter().any(String::is_empty) {
                return Err(self.src.at(
                    Some(aliases.span()),
                    format!("字段“{}”的列名不能为空", field.name),
                    format!("empty column name for {}", field.name),
                ));
            }
            columns.insert(field.name, names);
        }
        Ok(columns)
    }

    fn values(&self, file: &ProfileFile) -> Result<BTreeMap<&'static str, ValueMap>, Problem> {
        let mut values = BTreeMap::new();
        for (key, table) in &file.values {
            let field = self.field(key, "[values.…] ")?;
            let Ty::Choice(choice) = field.ty else {
                let choices: Vec<&str> = self
                    .fields
                    .iter()
                    .filter(|f| matches!(f.ty, Ty::Choice(_)))
                    .map(|f| f.name)
                    .collect();
                return Err(self.src.at(
                    Some(key.span()),
                    format!(
                        "字段“{0}”不是取值字段，不能写 [values.{0}]（取值字段：{1}）",
                        field.name,
                        choices.join("、")
                    ),
                    format!("field {} takes no value mapping", field.name),
                ));
            };
            let mut map = ValueMap::default();
            // In the profile's own order, for error messages.
            let mut entries: Vec<_> = table.iter().collect();
            entries.sort_by_key(|(text, _)| text.span().start);
            for (text, target) in entries {
                let Some(code) = with_target!(choice, static_code(target.get_ref().trim())) else {
                    return Err(self.src.at(
                        Some(target.span()),
                        format!(
                            "“{}”不是字段“{}”的取值（可用：{}）",
                            target.get_ref(),
                            field.name,
                            with_target!(choice, codes()).join("、")
                        ),
                        format!("unknown target {:?} for {}", target.get_ref(), field.name),
                    ));
                };
                map.by_key.insert(value_key(text.get_ref()), code);
                map.texts.push(text.get_ref().clone());
            }
            // After every text is in: a later text of the same key replaced an earlier one.
            for text in &map.texts {
                if let Some(&code) = map.by_key.get(&value_key(text)) {
                    map.exact.insert(text.clone(), code);
                }
            }
            values.insert(field.name, map);
        }
        Ok(values)
    }

    /// Fixed values: the top-level `platform` / `shop` and `[defaults]`. A fixed value of an
    /// enum field must be understood, through `[values]` or as a standard text.
    fn defaults(
        &self,
        file: &ProfileFile,
        values: &BTreeMap<&'static str, ValueMap>,
    ) -> Result<BTreeMap<&'static str, String>, Problem> {
        let mut defaults: BTreeMap<&'static str, String> = BTreeMap::new();
        let mut given: Vec<(&'static Field, Range<usize>)> = Vec::new();
        for (name, value) in [("platform", &file.platform), ("shop", &file.shop)] {
            let Some(value) = value else { continue };
            let Some(field) = self.fields.iter().find(|f| f.name == name) else {
                return Err(self.src.at(
                    Some(value.span()),
                    format!(
                        "{} 记录没有“{name}”字段，不能写 {name} = …",
                        self.record_name
                    ),
                    format!("{} has no {name}", self.record_name),
                ));
            };
            defaults.insert(field.name, value.get_ref().trim().to_string());
            given.push((field, value.span()));
        }
        for (key, value) in &file.defaults {
            let field = self.field(key, "[defaults] ")?;
            if !matches!(field.ty, Ty::Text | Ty::Choice(_)) {
                return Err(self.src.at(
                    Some(key.span()),
                    format!(
                        "字段“{}”是金额、时间或数量，不能设默认值（默认值只用于文本和取值字段）",
                        field.name
                    ),
                    format!("no default allowed for {}", field.name),
                ));
            }
            if defaults
                .insert(field.name, value.get_ref().trim().to_string())
                .is_some()
            {
                return Err(self.src.at(
                    Some(key.span()),
                    format!("“{}”的固定值写了两次", field.name),
                    format!("default for {} given twice", field.name),
                ));
            }
            given.push((field, value.span()));
        }
        for (field, span) in given {
            let Ty::Choice(choice) = field.ty else {
                continue;
            };
            let name = field.name;
            let text = defaults.get(name).map_or("", String::as_str);
            let mapped = values
                .get(name)
                .is_some_and(|m| m.by_key.contains_key(&value_key(text)));
            if !mapped && !with_target!(choice, is_std(text)) {
                return Err(self.src.at(
                    Some(span),
                    format!(
                        "“{text}”不是字段“{name}”可识别的取值（可用：{}，或 {}）",
                        with_target!(choice, std_texts()).join("、"),
                        with_target!(choice, codes()).join("、")
                    ),
                    format!("unknown value {text:?} for {name}"),
                ));
            }
        }
        Ok(defaults)
    }

    /// The record kind's required fields and the profile's `required`: each must be mapped
    /// or have a fixed value.
    fn required(
        &self,
        file: &ProfileFile,
        columns: &BTreeMap<&'static str, Vec<String>>,
        defaults: &BTreeMap<&'static str, String>,
    ) -> Result<BTreeSet<&'static str>, Problem> {
        let mapped = |name: &str| columns.contains_key(name) || defaults.contains_key(name);
        let mut required: BTreeSet<&'static str> = self
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        for key in &file.required {
            let field = self.field(key, "required ")?;
            if !mapped(field.name) {
                return Err(self.src.at(
                    Some(key.span()),
                    format!("必填字段“{}”没有在 [columns] 中映射列", field.name),
                    format!("required field {} not mapped", field.name),
                ));
            }
            required.insert(field.name);
        }
        for field in self.fields.iter().filter(|f| required.contains(f.name)) {
            if !mapped(field.name) {
                let hint = if field.name == "platform" {
                    "，或写 platform = \"平台\""
                } else {
                    ""
                };
                return Err(self.src.at(
                    None,
                    format!(
                        "{} 记录必须有字段“{}”（{}）：请在 [columns] 中写出它对应的列{hint}",
                        self.record_name, field.name, field.zh
                    ),
                    format!("required field {} is not mapped", field.name),
                ));
            }
        }
        Ok(required)
    }

    /// Fields that only make sense together.
    fn combinations(
        &self,
        record: RecordKind,
        columns: &BTreeMap<&'static str, Vec<String>>,
    ) -> Result<(), Problem> {
        let has = |name: &str| columns.contains_key(name);
        if record == RecordKind::FundFlow && !has("amount") && !(has("income") && has("expense")) {
            return Err(self.src.at(
                None,
                "资金流水映射需要 amount（带正负号的金额列），或同时映射 income 和 expense".into(),
                "fund_flow needs amount or income+expense".into(),
            ));
        }
        if record == RecordKind::Order
            && fields::ORDER_LINE_FIELDS.iter().any(|f| has(f))
            && !has("quantity")
        {
            return Err(self.src.at(
                None,
                "映射了订单行的字段（sku、title 等）时必须映射 quantity（数量）".into(),
                "order line fields need quantity".into(),
            ));
        }
        Ok(())
    }
}

fn amount_scope(
    src: &Source<'_>,
    scope: Option<&Spanned<String>>,
    record: RecordKind,
) -> Result<Option<AmountScope>, Problem> {
    match (scope, record) {
        (None, RecordKind::AfterSale) => Err(src.at(
            None,
            "售后单映射必须写 amount_scope（\"per_row\"：每行金额是该行的；\"repeated_total\"：每行重复的是售后单总额）".into(),
            "after_sale profiles need amount_scope".into(),
        )),
        (None, _) => Ok(None),
        (Some(s), RecordKind::AfterSale) => match s.get_ref().trim() {
            "per_row" => Ok(Some(AmountScope::PerRow)),
            "repeated_total" => Ok(Some(AmountScope::RepeatedTotal)),
            other => Err(src.at(
                Some(s.span()),
                format!("amount_scope = “{other}”无效（可用：per_row、repeated_total）"),
                format!("bad amount_scope {other:?}"),
            )),
        },
        (Some(s), _) => Err(src.at(
            Some(s.span()),
            "amount_scope 只用于售后单（record = \"after_sale\"）".into(),
            "amount_scope only for after_sale".into(),
        )),
    }
}

fn encoding_rule(
    src: &Source<'_>,
    encoding: Option<&Spanned<String>>,
) -> Result<EncodingRule, Problem> {
    let Some(e) = encoding else {
        return Ok(EncodingRule::Auto);
    };
    match e.get_ref().trim().to_ascii_lowercase().as_str() {
        "auto" => Ok(EncodingRule::Auto),
        "utf-8" | "utf8" => Ok(EncodingRule::Utf8),
        "gbk" | "gb18030" | "gb2312" => Ok(EncodingRule::Gbk),
        other => Err(src.at(
            Some(e.span()),
            format!("encoding = “{other}”无效（可用：auto、utf-8、gbk）"),
            format!("bad encoding {other:?}"),
        )),
    }
}

fn header_row(src: &Source<'_>, row: Option<&Spanned<i64>>) -> Result<Option<u32>, Problem> {
    let Some(h) = row else {
        return Ok(None);
    };
    match u32::try_from(*h.get_ref()) {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(src.at(
            Some(h.span()),
            format!("header_row = {} 无效（从 1 开始的行号）", h.get_ref()),
            "bad header_row".into(),
        )),
    }
}

impl Profile {
    /// Reads a profile from TOML text; `source` names it in problems (its path).
    pub fn from_toml(source: &str, text: &str) -> Result<Profile, Problem> {
        let src = Source { name: source, text };
        let file: ProfileFile = toml::from_str(text).map_err(|e| {
            src.at(
                e.span(),
                toml_message_zh(e.message()),
                e.message().trim().to_string(),
            )
        })?;
        Profile::validate(&src, file)
    }

    fn validate(src: &Source<'_>, file: ProfileFile) -> Result<Profile, Problem> {
        let record_name = file.record.get_ref().trim();
        let Some(&(_, record)) = RECORDS.iter().find(|(n, _)| *n == record_name) else {
            let known: Vec<&str> = RECORDS.iter().map(|(n, _)| *n).collect();
            return Err(src.at(
                Some(file.record.span()),
                format!(
                    "record = “{record_name}”不是可用的记录类型（可用：{}）",
                    known.join("、")
                ),
                format!("unknown record kind {record_name:?}"),
            ));
        };
        if file.id.trim().is_empty() || file.name.trim().is_empty() {
            return Err(src.at(
                None,
                "id 和 name 不能为空".into(),
                "empty id or name".into(),
            ));
        }
        let kind = KindCheck {
            src,
            record_name,
            fields: fields_of(record),
        };
        let columns = kind.columns(&file)?;
        let values = kind.values(&file)?;
        let defaults = kind.defaults(&file, &values)?;
        let required = kind.required(&file, &columns, &defaults)?;
        kind.combinations(record, &columns)?;
        let profile = Profile {
            id: file.id.trim().to_string(),
            name: file.name.trim().to_string(),
            record,
            variant: format!("映射配置 {}", src.name),
            encoding: encoding_rule(src, file.encoding.as_ref())?,
            header_row: header_row(src, file.header_row.as_ref())?,
            amount_scope: amount_scope(src, file.amount_scope.as_ref(), record)?,
            columns,
            required,
            defaults,
            values,
            detect: file
                .detect
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        };
        if profile.must_have().is_empty() {
            return Err(src.at(
                None,
                "没有可用来识别文件的列：请映射至少一个必填字段的列，或写 detect = [\"列名\"]"
                    .into(),
                "no columns to detect the file by".into(),
            ));
        }
        Ok(profile)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The record kind the profile produces.
    pub fn record(&self) -> RecordKind {
        self.record
    }

    pub fn amount_scope(&self) -> Option<AmountScope> {
        self.amount_scope
    }

    pub fn encoding(&self) -> EncodingRule {
        self.encoding
    }

    fn is_required(&self, field: &str) -> bool {
        self.required.contains(field)
    }

    /// Columns a file must have: those of required fields without a fixed value, and `detect`.
    fn must_have(&self) -> Vec<Vec<&str>> {
        let mut all: Vec<Vec<&str>> = self
            .required
            .iter()
            .filter(|f| !self.defaults.contains_key(*f))
            .filter_map(|f| self.columns.get(f))
            .map(|names| names.iter().map(String::as_str).collect())
            .collect();
        all.extend(self.detect.iter().map(|d| vec![d.as_str()]));
        all
    }
}

/// Loads a user's profile file. Editors on Chinese Windows save text as UTF-8 with a BOM or
/// as GBK: both are accepted, like data files.
pub fn load_profile(path: &Path) -> Result<Profile, Problem> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Problem::new(
            ProblemCode::Profile,
            &name,
            format!("无法读取映射配置：{e}"),
            format!("cannot read profile: {e}"),
        )
    })?;
    let text = match crate::text::sniff_encoding(&bytes) {
        crate::TextEncoding::Gb18030 => encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(&bytes)
            .map(|t| t.into_owned()),
        _ => String::from_utf8(bytes).ok(),
    }
    .ok_or_else(|| {
        Problem::new(
            ProblemCode::Profile,
            &name,
            "无法读取映射配置：文件既不是 UTF-8 也不是 GBK 编码",
            "profile is neither UTF-8 nor GBK",
        )
    })?;
    Profile::from_toml(&name, text.trim_start_matches('\u{FEFF}'))
}

/// The profiles shipped with the product: the generic ERP format (PRODUCT.md) and the
/// platform after-sales exports whose layout is not public (formats.md §4.3, §5.3, §6.4).
const SHIPPED: &[(&str, &str)] = &[
    ("erp_order.toml", include_str!("../profiles/erp_order.toml")),
    (
        "erp_after_sale.toml",
        include_str!("../profiles/erp_after_sale.toml"),
    ),
    (
        "erp_shipment.toml",
        include_str!("../profiles/erp_shipment.toml"),
    ),
    (
        "erp_return_receipt.toml",
        include_str!("../profiles/erp_return_receipt.toml"),
    ),
    (
        "erp_complaint.toml",
        include_str!("../profiles/erp_complaint.toml"),
    ),
    (
        "douyin_after_sale.toml",
        include_str!("../profiles/douyin_after_sale.toml"),
    ),
    (
        "jd_after_sale.toml",
        include_str!("../profiles/jd_after_sale.toml"),
    ),
    (
        "pdd_after_sale.toml",
        include_str!("../profiles/pdd_after_sale.toml"),
    ),
];

/// The shipped profiles' sources (file name, TOML text), e.g. for `duizhang formats` to show.
pub fn shipped_sources() -> &'static [(&'static str, &'static str)] {
    SHIPPED
}

/// The profiles shipped with the product, loaded. Each is covered by a test that it loads, so
/// none is ever skipped here.
pub fn shipped_profiles() -> Vec<Profile> {
    SHIPPED
        .iter()
        .filter_map(|(name, text)| {
            let mut p = Profile::from_toml(name, text).ok()?;
            p.variant = "内置".into();
            Some(p)
        })
        .collect()
}

impl Importer for Profile {
    fn id(&self) -> &str {
        &self.id
    }

    fn name_zh(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> Vec<String> {
        self.must_have()
            .iter()
            .filter_map(|aliases| aliases.first().map(|s| s.to_string()))
            .collect()
    }

    fn detect(&self, rows: &[Row]) -> Option<Detection> {
        let must_have = self.must_have();
        for (index, row) in rows.iter().enumerate() {
            if self.header_row.is_some_and(|h| h != row.line) {
                continue;
            }
            let header = Header::from_row(row);
            let wanted: Vec<&[&str]> = must_have.iter().map(Vec::as_slice).collect();
            if header.count_matching(&wanted) != wanted.len() {
                continue;
            }
            let mapped: Vec<Vec<&str>> = self
                .columns
                .values()
                .map(|names| names.iter().map(String::as_str).collect())
                .collect();
            let mapped: Vec<&[&str]> = mapped.iter().map(Vec::as_slice).collect();
            let detect: Vec<[&str; 1]> = self.detect.iter().map(|d| [d.as_str()]).collect();
            let detect: Vec<&[&str]> = detect.iter().map(|d| d.as_slice()).collect();
            let found = header.count_matching(&mapped) + header.count_matching(&detect);
            let score = u32::try_from(found).unwrap_or(0) * 10;
            return crate::formats::detection(self.variant.clone(), index, score);
        }
        None
    }

    fn read(
        &self,
        table: &mut Table,
        detection: &Detection,
        out: &mut Output<'_>,
    ) -> Result<(), Problem> {
        read::read(self, table, detection, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        // "bé " is 4 bytes but 3 characters.
        assert_eq!(line_col(text, 10), (2, 4));
    }

    #[test]
    fn serde_messages_are_said_in_chinese() {
        assert_eq!(
            toml_message_zh("unknown field `colums`, expected one of `name`, `id`"),
            "未知的键“colums”（可用的键：name、id）"
        );
        assert_eq!(
            toml_message_zh("missing field `record`"),
            "缺少必需的键“record”"
        );
        assert_eq!(
            toml_message_zh("invalid type: string \"3\", expected i64"),
            "取值的类型不对：应为整数，这里是文本（加引号）"
        );
    }

    #[test]
    fn value_texts_compare_without_punctuation() {
        assert_eq!(
            value_key("买家申请退款，待商家处理"),
            value_key("买家申请退款待商家处理")
        );
    }

    #[test]
    fn every_shipped_profile_loads() {
        for (name, text) in SHIPPED {
            if let Err(p) = Profile::from_toml(name, text) {
                panic!("{}", p.zh());
            }
        }
        assert_eq!(shipped_profiles().len(), SHIPPED.len());
    }
}

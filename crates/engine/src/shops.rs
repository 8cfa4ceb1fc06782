//! Splitting a period's records by shop: checks only ever see one shop's data, so nothing can
//! match across shops.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet};
use serde::{Deserialize, Serialize};

use duizhang_core::*;

use crate::catalog::Data;
use crate::settings::{Settings, platform_family, provider_platform};

/// One shop's records for the period (references into the dataset; orders merged).
#[derive(Debug, Default)]
pub struct ShopData<'a> {
    pub id: String,
    pub platform: Option<Platform>,
    pub orders: Vec<&'a Order>,
    pub after_sales: Vec<&'a AfterSale>,
    pub fund_flows: Vec<&'a FundFlowRow>,
    pub payments: Vec<&'a PaymentRow>,
    pub settlements: Vec<&'a SettlementRow>,
    pub erp_orders: Vec<&'a ErpOrder>,
    pub shipments: Vec<&'a Shipment>,
    pub return_receipts: Vec<&'a ReturnReceipt>,
    pub complaints: Vec<&'a Complaint>,
}

impl ShopData<'_> {
    /// Which kinds of data this shop has (for "not run, and why").
    pub fn has(&self, data: Data) -> bool {
        match data {
            Data::Orders => {
                !self.orders.is_empty() || self.erp_orders.iter().any(|o| o.paid.is_some())
            }
            Data::OrderLines => self.orders.iter().any(|o| !o.lines.is_empty()),
            Data::AfterSales => !self.after_sales.is_empty(),
            // Lines that name their goods, with or without a quantity (Taobao's 退款报表
            // names the SKU only).
            Data::AfterSaleLines => self.after_sales.iter().any(|a| {
                a.lines
                    .iter()
                    .any(|l| l.sku.is_some() || l.sub_order_no.is_some())
            }),
            Data::FundFlow => !self.fund_flows.is_empty() || !self.payments.is_empty(),
            Data::PaymentBill => !self.payments.is_empty(),
            Data::Settlements => !self.settlements.is_empty(),
            Data::ErpOrders => !self.erp_orders.is_empty(),
            Data::Shipments => !self.shipments.is_empty(),
            Data::ReturnReceipts => !self.return_receipts.is_empty(),
            Data::Vouchers => false,
        }
    }

    /// How many records the shop has (to schedule the largest shops first).
    pub fn records(&self) -> usize {
        self.orders.len()
            + self.after_sales.len()
            + self.fund_flows.len()
            + self.payments.len()
            + self.settlements.len()
            + self.erp_orders.len()
            + self.shipments.len()
            + self.return_receipts.len()
            + self.complaints.len()
    }
}

/// Records no shop could be found for: never guessed into a shop, reported once (what they
/// name, and the setting that would place them).
#[derive(Debug, Default)]
pub struct Unassigned {
    pub count: u64,
    /// How many of each kind (the checks that read a kind did not see these).
    pub kinds: BTreeMap<RecordKind, u64>,
    /// What the records name, in order of platform, shop name and account.
    pub names: Vec<UnassignedName>,
    /// Records that may be a configured shop's, per platform family (`other`: a shop name no
    /// record tells the platform of) and kind: they name a shop the settings do not have, or
    /// an account no shop lists while a shop of the family lists none.
    named: BTreeMap<(Platform, RecordKind), u64>,
}

/// One shop name or fund account that no configured shop has, and how many records name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnassignedName {
    /// The platform (family) the records are of; `other` for ERP records that name only a shop
    /// no record tells the platform of.
    pub platform: Platform,
    pub shop: Option<String>,
    pub account: Option<String>,
    pub records: u64,
    /// In Chinese: the setting to add.
    pub fix: String,
}

impl Unassigned {
    /// The report people read, in Chinese: how many, what they name, which setting to add.
    pub fn describe_zh(count: u64, names: &[UnassignedName]) -> Vec<String> {
        if count == 0 {
            return Vec::new();
        }
        let mut out = vec![format!(
            "有 {count} 条记录无法确定所属店铺，没有归入任何店铺（不猜测），相关检查对它们未运行："
        )];
        for n in names {
            let named = match (&n.shop, &n.account) {
                (Some(s), _) => format!("店铺名“{s}”"),
                (None, Some(a)) => format!("资金账户 {a}"),
                (None, None) => "未写店铺名或账户".to_string(),
            };
            out.push(format!(
                "  {}，{named}：{} 条。{}",
                n.platform.zh(),
                n.records,
                n.fix
            ));
        }
        out
    }

    /// Why a check that matches records of one kind against another does not run for a shop
    /// of `platform`: records of a kind it reads name a shop or account the settings lack,
    /// and may be this shop's (its orphans and missing counterparts would be false).
    /// Checks of one kind of record judge each record alone and still run.
    pub fn blocks(&self, platform: Option<Platform>, needs: &[Data]) -> Option<String> {
        if needs.len() < 2 {
            return None;
        }
        let family = platform.map_or(Platform::Other, platform_family);
        let missed: Vec<String> = self
            .named
            .iter()
            .filter(|((p, k), _)| {
                (*p == family || *p == Platform::Other)
                    && data_of(*k).iter().any(|d| needs.contains(d))
            })
            .map(|((_, k), n)| format!("{} {n} 条", k.zh()))
            .collect();
        (!missed.is_empty()).then(|| {
            format!(
                "同平台有记录的店铺名或资金账户不在设置里（{}），它们可能属于本店，为免误报未运行：请按 summary.json 的 unassigned_names 补全设置",
                missed.join("、")
            )
        })
    }

    /// The not-run notes of the checks that read a kind of record some of which has no shop.
    pub fn not_run(&self) -> Vec<crate::NotRun> {
        let mut out = Vec::new();
        for def in crate::catalog::CATALOG {
            let missed: Vec<String> = self
                .kinds
                .iter()
                .filter(|(k, _)| data_of(**k).iter().any(|d| def.needs.contains(d)))
                .map(|(k, n)| format!("{} {n} 条", k.zh()))
                .collect();
            if missed.is_empty() {
                continue;
            }
            out.push(crate::NotRun {
                shop: String::new(),
                code: def.code.into(),
                reason: format!(
                    "无法确定所属店铺的记录未参与此项检查（{}），见 summary.json 的 unassigned_names",
                    missed.join("、")
                ),
            });
        }
        out
    }
}

/// The kinds of data (as checks declare what they need) a kind of record is.
fn data_of(kind: RecordKind) -> &'static [Data] {
    match kind {
        RecordKind::Order => &[Data::Orders, Data::OrderLines],
        RecordKind::AfterSale => &[Data::AfterSales, Data::AfterSaleLines],
        RecordKind::FundFlow => &[Data::FundFlow],
        RecordKind::Payment => &[Data::FundFlow, Data::PaymentBill],
        RecordKind::Settlement => &[Data::Settlements],
        RecordKind::ErpOrder => &[Data::ErpOrders, Data::Orders],
        RecordKind::Shipment => &[Data::Shipments],
        RecordKind::ReturnReceipt => &[Data::ReturnReceipts],
        _ => &[],
    }
}

/// The setting that would place records of `platform` naming `shop` / `account`.
fn fix_zh(
    settings: &Settings,
    platform: Platform,
    shop: Option<&str>,
    account: Option<&str>,
) -> String {
    let family = platform_family(platform);
    let configured: Vec<&str> = settings
        .shops
        .iter()
        .filter(|s| platform_family(s.platform) == family)
        .map(|s| s.id.as_str())
        .collect();
    let new_shop = |field: &str, value: &str| {
        let platform = if family == Platform::Other {
            "…".to_string()
        } else {
            format!("\"{}\"", platform.code())
        };
        format!("新增一段 [[shops]]（platform = {platform}，{field} = [\"{value}\"]）")
    };
    match (shop, account) {
        (Some(name), _) if configured.is_empty() => {
            format!("设置里没有这个平台的店铺：{}。", new_shop("aliases", name))
        }
        (Some(name), _) => format!(
            "若它是店铺 {} 之一，把“{name}”加进该店铺的 aliases；若是另一个店铺，{}。",
            configured.join("、"),
            new_shop("aliases", name)
        ),
        (None, Some(acc)) if configured.is_empty() => {
            format!(
                "设置里没有这个平台的店铺：{}。",
                new_shop("fund_accounts", acc)
            )
        }
        (None, Some(acc)) => format!(
            "把 {acc} 加进它所属店铺（{}）的 fund_accounts；若是另一个店铺的账户，{}。",
            configured.join("、"),
            new_shop("fund_accounts", acc)
        ),
        (None, None) if configured.is_empty() => format!(
            "设置里没有这个平台的店铺：新增一段 [[shops]]（platform = \"{}\"）。",
            platform.code()
        ),
        (None, None) => format!(
            "文件既没写店铺名也没写账户，而这个平台配置了多个店铺（{}），无法区分：请导出带店铺名或资金账户的文件。",
            configured.join("、")
        ),
    }
}

/// What a record names to tell its shop: (platform, shop name, fund account) for
/// [`Settings::resolve_shop`], or a shop name alone for [`ShopNames::resolve`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Naming<'a> {
    Resolve(Platform, Option<&'a str>, Option<&'a str>),
    Name(&'a str),
}

/// The shops met so far. A month has millions of records but a handful of distinct shop
/// namings, so each naming is resolved once and records are placed by shop position.
struct Placer<'s, 'n, 'a> {
    settings: &'s Settings,
    names: &'n ShopNames,
    shops: Vec<ShopData<'a>>,
    resolved: HashMap<Naming<'n>, Option<usize>>,
    unassigned: Unassigned,
    /// Records per naming no shop was found for.
    unplaced: BTreeMap<Naming<'n>, u64>,
}

impl<'n, 'a: 'n> Placer<'_, 'n, 'a> {
    /// The position of the record's shop (created on first sight, with the platform of the
    /// first record placed in it), or `None` when no shop can be told (counted).
    fn place(&mut self, naming: Naming<'n>, platform: Platform, kind: RecordKind) -> Option<usize> {
        let found = match self.resolved.get(&naming) {
            Some(&found) => found,
            None => {
                let id = match naming {
                    Naming::Resolve(p, shop, account) => {
                        self.settings.resolve_shop(p, shop, account)
                    }
                    Naming::Name(name) => self.names.resolve(self.settings, name),
                };
                let found = id.map(|id| self.shop(id, platform));
                self.resolved.insert(naming, found);
                found
            }
        };
        if found.is_none() {
            self.unassigned.count += 1;
            *self.unassigned.kinds.entry(kind).or_default() += 1;
            *self.unplaced.entry(naming).or_default() += 1;
            let named = match naming {
                Naming::Resolve(p, shop, account) => {
                    let family = platform_family(p);
                    // An account no shop lists is another shop's where every shop of the
                    // platform lists its accounts; a shop name may be an alias not written.
                    let maybe_ours = given(shop).is_some()
                        || (given(account).is_some() && self.unlisted_accounts(family));
                    maybe_ours.then_some(family)
                }
                Naming::Name(name) => given(Some(name)).map(|_| {
                    self.names
                        .platform_of(name)
                        .map_or(Platform::Other, platform_family)
                }),
            };
            if let Some(family) = named {
                *self.unassigned.named.entry((family, kind)).or_default() += 1;
            }
        }
        found
    }

    /// Whether a configured shop of the platform family lists no fund account.
    fn unlisted_accounts(&self, family: Platform) -> bool {
        self.settings
            .shops
            .iter()
            .any(|s| platform_family(s.platform) == family && s.fund_accounts.is_empty())
    }

    /// The report of what could not be placed, one entry per (platform, shop name, account).
    fn unassigned(mut self) -> (Vec<ShopData<'a>>, Unassigned) {
        let mut names: BTreeMap<(Platform, Option<&str>, Option<&str>), u64> = BTreeMap::new();
        for (naming, n) in &self.unplaced {
            let key = match *naming {
                Naming::Resolve(p, shop, account) => (p, given(shop), given(account)),
                Naming::Name(name) => (
                    self.names.platform_of(name).unwrap_or(Platform::Other),
                    Some(name.trim()),
                    None,
                ),
            };
            // A shop name decides; the account is listed only for records without one.
            let key = (key.0, key.1, key.2.filter(|_| key.1.is_none()));
            *names.entry(key).or_default() += n;
        }
        self.unassigned.names = names
            .into_iter()
            .map(|((platform, shop, account), records)| UnassignedName {
                platform,
                shop: shop.map(str::to_string),
                account: account.map(str::to_string),
                records,
                fix: fix_zh(self.settings, platform, shop, account),
            })
            .collect();
        (self.shops, self.unassigned)
    }

    fn shop(&mut self, id: String, platform: Platform) -> usize {
        if let Some(i) = self.shops.iter().position(|s| s.id == id) {
            return i;
        }
        let platform = self.settings.shop(&id).map_or(platform, |s| s.platform);
        self.shops.push(ShopData {
            id,
            platform: Some(platform),
            ..ShopData::default()
        });
        self.shops.len() - 1
    }

    /// Places each record of a kind into its shop's list of that kind.
    fn place_all<T>(
        &mut self,
        records: &'a [T],
        kind: RecordKind,
        naming: impl Fn(&'a T) -> (Naming<'n>, Platform),
        list: for<'s> fn(&'s mut ShopData<'a>) -> &'s mut Vec<&'a T>,
    ) {
        for r in records {
            let (n, platform) = naming(r);
            if let Some(s) = self.place(n, platform, kind)
                && let Some(shop) = self.shops.get_mut(s)
            {
                list(shop).push(r);
            }
        }
    }
}

/// Splits the dataset by shop, sorted by shop id. `orders` are the dataset's merged orders
/// ([`Dataset::merged_orders`]), which the shops borrow.
pub fn partition<'a>(
    data: &'a Dataset,
    orders: &'a [Order],
    settings: &Settings,
) -> (Vec<ShopData<'a>>, Unassigned) {
    let names = ShopNames::of(data, settings);
    let mut p = Placer {
        settings,
        names: &names,
        shops: Vec::new(),
        resolved: HashMap::default(),
        unassigned: Unassigned::default(),
        unplaced: BTreeMap::new(),
    };
    p.place_all(
        orders,
        RecordKind::Order,
        |r| {
            let n = Naming::Resolve(r.platform, names.of_order(r), names.account_of_order(r));
            (n, r.platform)
        },
        |s| &mut s.orders,
    );
    p.place_all(
        &data.after_sales,
        RecordKind::AfterSale,
        |r| {
            let n = Naming::Resolve(
                r.platform,
                names.of_after_sale(r),
                names.account_of_after_sale(r),
            );
            (n, r.platform)
        },
        |s| &mut s.after_sales,
    );
    p.place_all(
        &data.fund_flows,
        RecordKind::FundFlow,
        |r| {
            let platform = provider_platform(r.provider);
            let n = Naming::Resolve(platform, None, r.account.as_deref());
            (n, platform)
        },
        |s| &mut s.fund_flows,
    );
    p.place_all(
        &data.payments,
        RecordKind::Payment,
        |r| {
            let platform = provider_platform(r.provider);
            let n = Naming::Resolve(platform, None, r.account.as_deref());
            (n, platform)
        },
        |s| &mut s.payments,
    );
    p.place_all(
        &data.settlements,
        RecordKind::Settlement,
        |r| {
            let n = Naming::Resolve(r.platform, None, r.account.as_deref());
            (n, r.platform)
        },
        |s| &mut s.settlements,
    );
    p.place_all(
        &data.erp_orders,
        RecordKind::ErpOrder,
        |r| {
            let n = Naming::Resolve(r.platform, Some(&r.shop), None);
            (n, r.platform)
        },
        |s| &mut s.erp_orders,
    );
    p.place_all(
        &data.shipments,
        RecordKind::Shipment,
        |r| (Naming::Name(&r.shop), Platform::Other),
        |s| &mut s.shipments,
    );
    p.place_all(
        &data.return_receipts,
        RecordKind::ReturnReceipt,
        |r| (Naming::Name(&r.shop), Platform::Other),
        |s| &mut s.return_receipts,
    );
    p.place_all(
        &data.complaints,
        RecordKind::Complaint,
        |r| (Naming::Name(&r.shop), Platform::Other),
        |s| &mut s.complaints,
    );
    let (mut shops, unassigned) = p.unassigned();
    shops.sort_by(|a, b| a.id.cmp(&b.id));
    (shops, unassigned)
}

/// Shop names as files write them, with the platform the dataset's own records give each
/// (ERP orders, platform orders and after-sales name both). Shipments, return receipts and
/// tickets name only a shop; this lets them land in the same shop as its orders.
///
/// It also keeps the shop each order names, for the after-sales that name none where two
/// configured shops share their platform family: Taobao's 退款报表 has no shop column, so a
/// seller with a Tmall and a Taobao shop (both paid through Alipay) tells their refunds apart
/// only by the order they refund. An order the period's
/// order files do not hold (a refund of last month's sale) is told by the account its money
/// moved through: each shop has its own Alipay account.
#[derive(Debug, Default)]
pub struct ShopNames {
    names: BTreeMap<String, Platform>,
    /// (platform family, order number) → the shop name its order (or ERP order) gives, for
    /// the order numbers of after-sales without a shop.
    order_shops: HashMap<(Platform, Text), Label>,
    /// (platform family, order number) → the fund account of a row naming the order, for
    /// those of them no order record names a shop of.
    order_accounts: HashMap<(Platform, Text), Label>,
}

impl ShopNames {
    pub fn of(data: &Dataset, settings: &Settings) -> ShopNames {
        let mut map = BTreeMap::new();
        // A month names a handful of shops: allocate a key only for a name not seen yet.
        let mut add = |name: &str, platform: Platform| {
            let name = name.trim();
            if !map.contains_key(name) {
                map.insert(name.to_string(), platform);
            }
        };
        for r in &data.erp_orders {
            add(&r.shop, r.platform);
        }
        for (shop, platform) in data
            .orders
            .iter()
            .map(|o| (o.shop.as_deref(), o.platform))
            .chain(
                data.after_sales
                    .iter()
                    .map(|a| (a.shop.as_deref(), a.platform)),
            )
        {
            if let Some(name) = shop {
                add(name, platform);
            }
        }
        let (order_shops, order_accounts) = order_shops(data, settings);
        ShopNames {
            names: map,
            order_shops,
            order_accounts,
        }
    }

    /// The platform the dataset's records give a shop name, if any.
    pub fn platform_of(&self, name: &str) -> Option<Platform> {
        self.names.get(name.trim()).copied()
    }

    /// For an after-sale that names no shop and whose order names none either: the fund
    /// account its order's money moved through.
    pub fn account_of_after_sale<'s>(&'s self, a: &'s AfterSale) -> Option<&'s str> {
        if a.shop.is_some() {
            return None;
        }
        self.order_accounts
            .get(&(platform_family(a.platform), a.order_no.clone()))
            .map(|l| &**l)
    }

    /// For a platform order that names no shop (千牛's order export has no shop column) and
    /// that no ERP order names either: the fund account its money moved through.
    pub fn account_of_order<'s>(&'s self, o: &'s Order) -> Option<&'s str> {
        if o.shop.is_some() {
            return None;
        }
        self.order_accounts
            .get(&(platform_family(o.platform), o.order_no.clone()))
            .map(|l| &**l)
    }

    /// The shop a platform order names, or else the one the ERP's record of it names.
    pub fn of_order<'s>(&'s self, o: &'s Order) -> Option<&'s str> {
        o.shop.as_deref().or_else(|| {
            self.order_shops
                .get(&(platform_family(o.platform), o.order_no.clone()))
                .map(|l| &**l)
        })
    }

    /// The shop an after-sale names, or else the one its order names.
    pub fn of_after_sale<'s>(&'s self, a: &'s AfterSale) -> Option<&'s str> {
        a.shop.as_deref().or_else(|| {
            self.order_shops
                .get(&(platform_family(a.platform), a.order_no.clone()))
                .map(|l| &**l)
        })
    }

    /// The shop of a record that names only its shop: a configured shop by id, name or alias;
    /// with no shops configured, the per-platform shop of that name's platform (or the name
    /// itself when no record tells its platform).
    pub fn resolve(&self, settings: &Settings, name: &str) -> Option<String> {
        let t = name.trim();
        if settings.shops.is_empty() {
            return Some(
                self.names
                    .get(t)
                    .map_or_else(|| t.to_string(), |p| platform_family(*p).code().to_string()),
            );
        }
        settings
            .shops
            .iter()
            .find(|s| s.id == t || s.name.as_deref() == Some(t) || s.aliases.iter().any(|a| a == t))
            .map(|s| s.id.clone())
    }
}

/// The shop names of the orders that after-sales or platform orders without a shop name
/// (empty, and no order looked at, when every record names its shop).
type ByOrder = HashMap<(Platform, Text), Label>;

fn order_shops(data: &Dataset, settings: &Settings) -> (ByOrder, ByOrder) {
    // Only where the platform alone cannot tell: two configured shops of one family.
    let shared = |family: Platform| {
        settings
            .shops
            .iter()
            .filter(|s| platform_family(s.platform) == family)
            .nth(1)
            .is_some()
    };
    let mut wanted: HashSet<(Platform, &str)> = data
        .after_sales
        .iter()
        .filter(|a| a.shop.is_none() && shared(platform_family(a.platform)))
        .map(|a| (platform_family(a.platform), a.order_no.as_str()))
        .chain(
            data.orders
                .iter()
                .filter(|o| o.shop.is_none() && shared(platform_family(o.platform)))
                .map(|o| (platform_family(o.platform), o.order_no.as_str())),
        )
        .collect();
    let mut found = HashMap::default();
    let mut accounts = HashMap::default();
    if wanted.is_empty() {
        return (found, accounts);
    }
    let platform_orders = data
        .orders
        .iter()
        .filter_map(|o| Some((o.platform, &o.order_no, o.shop.as_ref()?)));
    let erp_orders = data
        .erp_orders
        .iter()
        .map(|o| (o.platform, &o.order_no, &o.shop));
    // The first record to name an order decides; what is left wanted has no shop named.
    for (platform, order_no, shop) in platform_orders.chain(erp_orders) {
        let family = platform_family(platform);
        if wanted.remove(&(family, order_no.as_str())) {
            found.insert((family, order_no.clone()), shop.clone());
        }
    }
    if !wanted.is_empty() {
        let flows = data
            .fund_flows
            .iter()
            .map(|r| (r.provider, &r.order_no, &r.account));
        let payments = data
            .payments
            .iter()
            .map(|r| (r.provider, &r.out_trade_no, &r.account));
        for (provider, order_no, account) in flows.chain(payments) {
            let (Some(order_no), Some(account)) = (order_no, account) else {
                continue;
            };
            let family = platform_family(provider_platform(provider));
            if wanted.remove(&(family, order_no.as_str())) {
                accounts.insert((family, order_no.clone()), account.clone());
            }
        }
    }
    (found, accounts)
}

/// The shop name and the fund account a record itself carries: what the settings' `aliases`
/// and `fund_accounts` must name for the record to find its shop (`inspect` lists them).
pub fn names_carried<'r>(record: RecordRef<'r>) -> (Option<&'r str>, Option<&'r str>) {
    let (shop, account) = match record {
        RecordRef::Order(r) => (r.shop.as_deref(), None),
        RecordRef::AfterSale(r) => (r.shop.as_deref(), None),
        RecordRef::FundFlow(r) => (None, r.account.as_deref()),
        RecordRef::Payment(r) => (None, r.account.as_deref()),
        RecordRef::Settlement(r) => (None, r.account.as_deref()),
        RecordRef::ErpOrder(r) => (Some(&*r.shop), None),
        RecordRef::Shipment(r) => (Some(&*r.shop), None),
        RecordRef::ReturnReceipt(r) => (Some(&*r.shop), None),
        RecordRef::Complaint(r) => (Some(&*r.shop), None),
    };
    (given(shop), given(account))
}

fn given(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// The shop any record belongs to: the one rule the engine and the books share.
pub fn shop_of(settings: &Settings, names: &ShopNames, record: RecordRef<'_>) -> Option<String> {
    match record {
        RecordRef::Order(r) => {
            settings.resolve_shop(r.platform, names.of_order(r), names.account_of_order(r))
        }
        RecordRef::AfterSale(r) => settings.resolve_shop(
            r.platform,
            names.of_after_sale(r),
            names.account_of_after_sale(r),
        ),
        RecordRef::FundFlow(r) => {
            settings.resolve_shop(provider_platform(r.provider), None, r.account.as_deref())
        }
        RecordRef::Payment(r) => {
            settings.resolve_shop(provider_platform(r.provider), None, r.account.as_deref())
        }
        RecordRef::Settlement(r) => settings.resolve_shop(r.platform, None, r.account.as_deref()),
        RecordRef::ErpOrder(r) => settings.resolve_shop(r.platform, Some(&r.shop), None),
        RecordRef::Shipment(r) => names.resolve(settings, &r.shop),
        RecordRef::ReturnReceipt(r) => names.resolve(settings, &r.shop),
        RecordRef::Complaint(r) => names.resolve(settings, &r.shop),
    }
}

//! Splitting a period's records by shop: checks only ever see one shop's data, so nothing can
//! match across shops.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashSet};

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

/// Records no shop could be found for (reported in the summary; never guessed).
#[derive(Debug, Default)]
pub struct Unassigned {
    pub count: u64,
    pub examples: Vec<SourceRef>,
}

/// What a record names to tell its shop: (platform, shop name, fund account) for
/// [`Settings::resolve_shop`], or a shop name alone for [`ShopNames::resolve`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
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
}

impl<'n, 'a: 'n> Placer<'_, 'n, 'a> {
    /// The position of the record's shop (created on first sight, with the platform of the
    /// first record placed in it), or `None` when no shop can be told (counted).
    fn place(
        &mut self,
        naming: Naming<'n>,
        platform: Platform,
        source: SourceRef,
    ) -> Option<usize> {
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
            if self.unassigned.examples.len() < 20 {
                self.unassigned.examples.push(source);
            }
        }
        found
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
        naming: impl Fn(&'a T) -> (Naming<'n>, Platform, SourceRef),
        list: for<'s> fn(&'s mut ShopData<'a>) -> &'s mut Vec<&'a T>,
    ) {
        for r in records {
            let (n, platform, source) = naming(r);
            if let Some(s) = self.place(n, platform, source)
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
    };
    p.place_all(
        orders,
        |r| {
            let n = Naming::Resolve(r.platform, r.shop.as_deref(), None);
            (n, r.platform, r.source)
        },
        |s| &mut s.orders,
    );
    p.place_all(
        &data.after_sales,
        |r| {
            let n = Naming::Resolve(
                r.platform,
                names.of_after_sale(r),
                names.account_of_after_sale(r),
            );
            (n, r.platform, r.source)
        },
        |s| &mut s.after_sales,
    );
    p.place_all(
        &data.fund_flows,
        |r| {
            let platform = provider_platform(r.provider);
            let n = Naming::Resolve(platform, None, r.account.as_deref());
            (n, platform, r.source)
        },
        |s| &mut s.fund_flows,
    );
    p.place_all(
        &data.payments,
        |r| {
            let platform = provider_platform(r.provider);
            let n = Naming::Resolve(platform, None, r.account.as_deref());
            (n, platform, r.source)
        },
        |s| &mut s.payments,
    );
    p.place_all(
        &data.settlements,
        |r| {
            let n = Naming::Resolve(r.platform, None, r.account.as_deref());
            (n, r.platform, r.source)
        },
        |s| &mut s.settlements,
    );
    p.place_all(
        &data.erp_orders,
        |r| {
            let n = Naming::Resolve(r.platform, Some(&r.shop), None);
            (n, r.platform, r.source)
        },
        |s| &mut s.erp_orders,
    );
    p.place_all(
        &data.shipments,
        |r| (Naming::Name(&r.shop), Platform::Other, r.source),
        |s| &mut s.shipments,
    );
    p.place_all(
        &data.return_receipts,
        |r| (Naming::Name(&r.shop), Platform::Other, r.source),
        |s| &mut s.return_receipts,
    );
    p.place_all(
        &data.complaints,
        |r| (Naming::Name(&r.shop), Platform::Other, r.source),
        |s| &mut s.complaints,
    );
    let mut shops = p.shops;
    shops.sort_by(|a, b| a.id.cmp(&b.id));
    (shops, p.unassigned)
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

/// The shop names of the orders that after-sales without a shop refund (empty, and no
/// order looked at, when every after-sale names its shop).
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

/// The shop any record belongs to: the one rule the engine and the books share.
pub fn shop_of(settings: &Settings, names: &ShopNames, record: RecordRef<'_>) -> Option<String> {
    match record {
        RecordRef::Order(r) => settings.resolve_shop(r.platform, r.shop.as_deref(), None),
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

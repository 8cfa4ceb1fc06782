//! Splitting a period's records by shop: checks only ever see one shop's data, so nothing can
//! match across shops.

use std::collections::BTreeMap;

use duizhang_core::*;

use crate::catalog::Data;
use crate::settings::{Settings, provider_platform};

/// One shop's records for the period (references into the dataset; orders merged).
#[derive(Debug, Default)]
pub struct ShopData<'a> {
    pub id: String,
    pub platform: Option<Platform>,
    pub orders: Vec<Order>,
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
            Data::AfterSaleLines => self.after_sales.iter().any(|a| {
                a.lines
                    .iter()
                    .any(|l| l.sku.is_some() && l.quantity.is_some())
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
}

/// Records no shop could be found for (reported in the summary; never guessed).
#[derive(Debug, Default)]
pub struct Unassigned {
    pub count: u64,
    pub examples: Vec<SourceRef>,
}

/// Splits the dataset by shop, sorted by shop id.
pub fn partition<'a>(data: &'a Dataset, settings: &Settings) -> (Vec<ShopData<'a>>, Unassigned) {
    let names = ShopNames::of(data);
    let mut shops: BTreeMap<String, ShopData<'a>> = BTreeMap::new();
    let mut unassigned = Unassigned::default();
    let mut slot = |id: Option<String>, platform: Platform, source: SourceRef| -> Option<String> {
        match id {
            Some(id) => {
                let entry = shops.entry(id.clone()).or_insert_with(|| ShopData {
                    id: id.clone(),
                    ..ShopData::default()
                });
                entry
                    .platform
                    .get_or_insert(settings.shop(&id).map_or(platform, |s| s.platform));
                Some(id)
            }
            None => {
                unassigned.count += 1;
                if unassigned.examples.len() < 20 {
                    unassigned.examples.push(source);
                }
                None
            }
        }
    };
    let mut orders: Vec<(String, Order)> = Vec::new();
    for o in data.merged_orders().iter().cloned() {
        if let Some(id) = slot(
            settings.resolve_shop(o.platform, o.shop.as_deref(), None),
            o.platform,
            o.source,
        ) {
            orders.push((id, o));
        }
    }
    let mut placed: Vec<(String, Placed<'a>)> = Vec::new();
    for r in &data.after_sales {
        if let Some(id) = slot(
            settings.resolve_shop(r.platform, r.shop.as_deref(), None),
            r.platform,
            r.source,
        ) {
            placed.push((id, Placed::AfterSale(r)));
        }
    }
    for r in &data.fund_flows {
        let platform = provider_platform(r.provider);
        if let Some(id) = slot(
            settings.resolve_shop(platform, None, r.account.as_deref()),
            platform,
            r.source,
        ) {
            placed.push((id, Placed::Flow(r)));
        }
    }
    for r in &data.payments {
        let platform = provider_platform(r.provider);
        if let Some(id) = slot(
            settings.resolve_shop(platform, None, r.account.as_deref()),
            platform,
            r.source,
        ) {
            placed.push((id, Placed::Payment(r)));
        }
    }
    for r in &data.settlements {
        if let Some(id) = slot(
            settings.resolve_shop(r.platform, None, r.account.as_deref()),
            r.platform,
            r.source,
        ) {
            placed.push((id, Placed::Settlement(r)));
        }
    }
    for r in &data.erp_orders {
        if let Some(id) = slot(
            settings.resolve_shop(r.platform, Some(&r.shop), None),
            r.platform,
            r.source,
        ) {
            placed.push((id, Placed::Erp(r)));
        }
    }
    for r in &data.shipments {
        if let Some(id) = slot(names.resolve(settings, &r.shop), Platform::Other, r.source) {
            placed.push((id, Placed::Shipment(r)));
        }
    }
    for r in &data.return_receipts {
        if let Some(id) = slot(names.resolve(settings, &r.shop), Platform::Other, r.source) {
            placed.push((id, Placed::Receipt(r)));
        }
    }
    for r in &data.complaints {
        if let Some(id) = slot(names.resolve(settings, &r.shop), Platform::Other, r.source) {
            placed.push((id, Placed::Complaint(r)));
        }
    }
    for (id, o) in orders {
        if let Some(s) = shops.get_mut(&id) {
            s.orders.push(o);
        }
    }
    for (id, p) in placed {
        let Some(s) = shops.get_mut(&id) else {
            continue;
        };
        match p {
            Placed::AfterSale(r) => s.after_sales.push(r),
            Placed::Flow(r) => s.fund_flows.push(r),
            Placed::Payment(r) => s.payments.push(r),
            Placed::Settlement(r) => s.settlements.push(r),
            Placed::Erp(r) => s.erp_orders.push(r),
            Placed::Shipment(r) => s.shipments.push(r),
            Placed::Receipt(r) => s.return_receipts.push(r),
            Placed::Complaint(r) => s.complaints.push(r),
        }
    }
    (shops.into_values().collect(), unassigned)
}

/// Shop names as files write them, with the platform the dataset's own records give each
/// (ERP orders, platform orders and after-sales name both). Shipments, return receipts and
/// tickets name only a shop; this lets them land in the same shop as its orders.
#[derive(Debug, Default)]
pub struct ShopNames(BTreeMap<String, Platform>);

impl ShopNames {
    pub fn of(data: &Dataset) -> ShopNames {
        let mut map = BTreeMap::new();
        for r in &data.erp_orders {
            map.entry(r.shop.trim().to_string()).or_insert(r.platform);
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
                map.entry(name.trim().to_string()).or_insert(platform);
            }
        }
        ShopNames(map)
    }

    /// The shop of a record that names only its shop: a configured shop by id, name or alias;
    /// with no shops configured, the per-platform shop of that name's platform (or the name
    /// itself when no record tells its platform).
    pub fn resolve(&self, settings: &Settings, name: &str) -> Option<String> {
        let t = name.trim();
        if settings.shops.is_empty() {
            return Some(self.0.get(t).map_or_else(
                || t.to_string(),
                |p| crate::settings::platform_family(*p).code().to_string(),
            ));
        }
        settings
            .shops
            .iter()
            .find(|s| s.id == t || s.name.as_deref() == Some(t) || s.aliases.iter().any(|a| a == t))
            .map(|s| s.id.clone())
    }
}

/// A record borrowed from the dataset: asking its shop needs no copy of it.
#[derive(Clone, Copy, Debug)]
pub enum RecordRef<'a> {
    Order(&'a Order),
    AfterSale(&'a AfterSale),
    FundFlow(&'a FundFlowRow),
    Payment(&'a PaymentRow),
    Settlement(&'a SettlementRow),
    ErpOrder(&'a ErpOrder),
    Shipment(&'a Shipment),
    ReturnReceipt(&'a ReturnReceipt),
    Complaint(&'a Complaint),
}

/// The shop any record belongs to: the one rule the engine and the books share.
pub fn shop_of(settings: &Settings, names: &ShopNames, record: RecordRef<'_>) -> Option<String> {
    match record {
        RecordRef::Order(r) => settings.resolve_shop(r.platform, r.shop.as_deref(), None),
        RecordRef::AfterSale(r) => settings.resolve_shop(r.platform, r.shop.as_deref(), None),
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

enum Placed<'a> {
    AfterSale(&'a AfterSale),
    Flow(&'a FundFlowRow),
    Payment(&'a PaymentRow),
    Settlement(&'a SettlementRow),
    Erp(&'a ErpOrder),
    Shipment(&'a Shipment),
    Receipt(&'a ReturnReceipt),
    Complaint(&'a Complaint),
}

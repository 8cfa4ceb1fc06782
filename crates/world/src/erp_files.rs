//! The ERP's records written in the generic ERP format (PRODUCT.md 通用ERP格式).

use duizhang_samples::write::erp::{self, ErpOptions, RowAmounts};

use crate::month::Month;

pub fn files(m: &Month, o: &ErpOptions) -> crate::month::Files {
    let mut out = vec![
        (
            "ERP订单.csv".to_string(),
            erp::erp_orders(&m.erp_orders, o).expect("csv"),
        ),
        (
            "ERP发货单.csv".to_string(),
            erp::shipments(&m.shipments, o).expect("csv"),
        ),
    ];
    if !m.receipts.is_empty() {
        out.push((
            "ERP退货入库单.csv".to_string(),
            erp::return_receipts(&m.receipts, o).expect("csv"),
        ));
    }
    if !m.erp_after_sales.is_empty() {
        out.push((
            "ERP售后单.csv".to_string(),
            erp::after_sales(&m.erp_after_sales, RowAmounts::PerLine, o).expect("csv"),
        ));
    }
    out
}

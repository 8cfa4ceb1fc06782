//! One module per platform family, mirroring `duizhang_import::formats`.

pub mod alipay;
pub mod erp;

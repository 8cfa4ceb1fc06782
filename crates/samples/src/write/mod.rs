//! One module per platform family, mirroring `duizhang_import::formats`.

pub mod alipay;
pub mod douyin;
pub mod erp;
pub mod jd;
pub mod pdd;
pub mod sheet;
pub mod taobao;
pub mod taobao_api;
pub mod wechat;

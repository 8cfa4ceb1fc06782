#![no_main]
//! gzip input (WeChat Pay's bill download API): the fuzzer's bytes as a gzip stream of their
//! own, or compressed into a valid one (several members, or inside a ZIP), so that the
//! decompression limits and the table read after it are both reached.

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    if encoder.write_all(bytes).is_err() {
        return Vec::new();
    }
    encoder.finish().unwrap_or_default()
}

const WECHAT_HEAD: &str = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let bytes = match mode % 4 {
        0 => {
            let mut raw = vec![0x1F, 0x8B, 0x08];
            raw.extend_from_slice(rest);
            raw
        }
        1 => {
            let mut text = WECHAT_HEAD.as_bytes().to_vec();
            text.extend_from_slice(rest);
            gzip(&text)
        }
        2 => {
            // Two members, as concatenated downloads are.
            let (a, b) = rest.split_at(rest.len() / 2);
            let mut both = gzip(a);
            both.extend(gzip(b));
            both
        }
        _ => gzip(&gzip(rest)),
    };
    duizhang_fuzz::import_any(bytes);
});

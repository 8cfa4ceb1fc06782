//! Time, number shapes and the seller's goods: what makes the demo's rows look real.

use duizhang_core::{BeijingTime, Fen, Period};

/// Seconds since the period's first moment (2026-10-01 00:00:00); negative is before it.
pub type Secs = i64;

pub const MINUTE: Secs = 60;
pub const HOUR: Secs = 3600;
pub const DAY: Secs = 86_400;

/// Turns [`Secs`] into Beijing time without date arithmetic per call: the calendar of the
/// days around the period is computed once.
pub struct Clock {
    first_day: i64,
    days: Vec<(i16, i8, i8)>,
    pub period: Period,
    /// Seconds from the period start to its cut-off (the first moment after it).
    pub cut_off: Secs,
}

impl Clock {
    pub fn new(period: Period) -> Clock {
        let start = period.start();
        let first_day = -62;
        let days = (first_day..=124)
            .map(|d| {
                let date = start.plus_days(d).date();
                (date.year(), date.month(), date.day())
            })
            .collect();
        Clock {
            first_day,
            days,
            period,
            cut_off: start.seconds_until(period.end()),
        }
    }

    pub fn at(&self, s: Secs) -> BeijingTime {
        let day = s.div_euclid(DAY);
        let rest = s.rem_euclid(DAY);
        let index = usize::try_from(day - self.first_day).unwrap_or(0);
        let (y, m, d) = self.days[index.min(self.days.len() - 1)];
        let narrow = |v: i64| i8::try_from(v).unwrap_or(0);
        BeijingTime::new(
            y,
            m,
            d,
            narrow(rest / HOUR),
            narrow(rest % HOUR / MINUTE),
            narrow(rest % MINUTE),
        )
        .unwrap_or_else(|| self.period.start())
    }

    /// `20261003`
    pub fn ymd(&self, s: Secs) -> String {
        let (y, m, d) = self.day(s);
        format!("{y:04}{m:02}{d:02}")
    }

    /// `261003`, the date prefix of Pinduoduo order numbers.
    pub fn yymmdd(&self, s: Secs) -> String {
        let (y, m, d) = self.day(s);
        format!("{:02}{m:02}{d:02}", y % 100)
    }

    fn day(&self, s: Secs) -> (i16, i8, i8) {
        let index = usize::try_from(s.div_euclid(DAY) - self.first_day).unwrap_or(0);
        self.days[index.min(self.days.len() - 1)]
    }
}

/// Unique numbers in each platform's shape. Each kind has its own counter; a counter value
/// is never reused, so numbers never collide. `salt` (from the seed) shifts the platform
/// order and refund numbers, so that two seeds do not share them.
#[derive(Default)]
pub struct Numbers {
    salt: u64,
    tid: u64,
    pdd: u64,
    wechat: u64,
    erp: u64,
    tb_refund: u64,
    pdd_refund: u64,
    service: u64,
    alipay_txn: u64,
    alipay_biz: u64,
    alipay_trade: u64,
    wx_txn: u64,
    wx_refund: u64,
    wx_flow: u64,
    waybill: u64,
    ticket: u64,
    douyin: u64,
    douyin_txn: u64,
    jd: u64,
    jd_service: u64,
    jd_wallet: u64,
}

impl Numbers {
    pub fn new(seed: u64) -> Numbers {
        Numbers {
            salt: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 100_000,
            ..Numbers::default()
        }
    }

    /// Taobao/Tmall tid: 19 digits.
    pub fn tid(&mut self) -> String {
        self.tid += 1;
        format!(
            "40{:017}",
            31_415_926_535_897 + self.salt * 1_000_000_000 + self.tid * 7_919
        )
    }

    /// Pinduoduo order_sn: `YYMMDD-` + 15 digits.
    pub fn pdd(&mut self, c: &Clock, s: Secs) -> String {
        self.pdd += 1;
        format!(
            "{}-{:015}",
            c.yymmdd(s),
            662_941_284_700_000 + self.salt * 100_000_000 + self.pdd * 37
        )
    }

    /// The mini-program's own order number (also its WeChat Pay 商户订单号).
    pub fn wechat(&mut self, c: &Clock, s: Secs) -> String {
        self.wechat += 1;
        format!("ORD{}{:07}", c.ymd(s), self.wechat)
    }

    /// Douyin 主订单编号: 19 digits starting with 69.
    pub fn douyin(&mut self) -> String {
        self.douyin += 1;
        format!(
            "69{:017}",
            28_270_000_000_000 + self.salt * 1_000_000_000 + self.douyin * 101
        )
    }

    /// Douyin 动帐流水号.
    pub fn douyin_txn(&mut self, c: &Clock, s: Secs) -> String {
        self.douyin_txn += 1;
        format!("{}{:011}", c.ymd(s), 30_000_000_000 + self.douyin_txn)
    }

    /// JD 订单号: 12 digits starting with 3.
    pub fn jd(&mut self) -> String {
        self.jd += 1;
        format!("3{:011}", self.salt * 1_000_000 + 137 + self.jd * 3)
    }

    /// JD 服务单号 (after-sales), as the ERP keeps it: 10 digits.
    pub fn jd_service(&mut self) -> String {
        self.jd_service += 1;
        format!(
            "{:010}",
            1_800_000_000 + self.salt * 1_000 + self.jd_service * 7
        )
    }

    /// 京东钱包 商户订单号: the date and 19 digits, one per settlement or withdrawal.
    pub fn jd_wallet(&mut self, c: &Clock, s: Secs) -> String {
        self.jd_wallet += 1;
        format!("{}{:019}", c.ymd(s), 11_332_600_000_000 + self.jd_wallet)
    }

    pub fn erp(&mut self, c: &Clock, s: Secs) -> String {
        self.erp += 1;
        format!("XS{}{:07}", c.ymd(s), self.erp)
    }

    /// Taobao 退款编号: 18 digits.
    pub fn taobao_refund(&mut self) -> String {
        self.tb_refund += 1;
        format!(
            "2{:017}",
            1_234_567_890_123 + self.salt * 1_000_000_000 + self.tb_refund * 131
        )
    }

    /// Pinduoduo 售后单号 as the ERP keeps it.
    pub fn pdd_refund(&mut self) -> String {
        self.pdd_refund += 1;
        format!(
            "{:011}",
            20_000_000_000 + self.salt * 100_000 + self.pdd_refund * 17
        )
    }

    /// The ERP's own 售后单号 (and the mini-program's 商户退款单号).
    pub fn service(&mut self, c: &Clock, s: Secs, prefix: &str) -> String {
        self.service += 1;
        format!("{prefix}{}{:06}", c.ymd(s), self.service)
    }

    /// Alipay 账务流水号.
    pub fn alipay_txn(&mut self, c: &Clock, s: Secs) -> String {
        self.alipay_txn += 1;
        format!("{}{:010}", c.ymd(s), 1_234_500_000 + self.alipay_txn)
    }

    /// Alipay 业务流水号 (shared by the rows of one business event).
    pub fn alipay_biz(&mut self, c: &Clock, s: Secs) -> String {
        self.alipay_biz += 1;
        format!("{}2000400111008800{:08}", c.ymd(s), self.alipay_biz)
    }

    /// Alipay 交易号 (Taobao 支付单号).
    pub fn alipay_trade(&mut self, c: &Clock, s: Secs) -> String {
        self.alipay_trade += 1;
        format!(
            "{}22001{:015}",
            c.ymd(s),
            123_450_000_000 + self.alipay_trade
        )
    }

    /// WeChat Pay 微信订单号.
    pub fn wx_txn(&mut self, c: &Clock, s: Secs) -> String {
        self.wx_txn += 1;
        format!("4200002026{}{:010}", c.ymd(s), self.wx_txn)
    }

    /// WeChat Pay 微信退款单号.
    pub fn wx_refund(&mut self, c: &Clock, s: Secs) -> String {
        self.wx_refund += 1;
        format!("50300002026{}{:010}", c.ymd(s), self.wx_refund)
    }

    /// WeChat Pay 资金流水单号.
    pub fn wx_flow(&mut self, c: &Clock, s: Secs, merchant: &str) -> String {
        self.wx_flow += 1;
        format!("{merchant}{}{:010}", c.ymd(s), self.wx_flow)
    }

    /// (carrier, waybill number).
    pub fn waybill(&mut self, pick: u64) -> (&'static str, String) {
        self.waybill += 1;
        let n = self.waybill;
        match pick % 4 {
            0 => ("中通快递", format!("7358{:010}", 1_200_000_000 + n)),
            1 => ("圆通速递", format!("YT{:013}", 8_800_000_000_000 + n)),
            2 => ("韵达快递", format!("4318{:011}", 90_000_000_000 + n)),
            _ => ("顺丰速运", format!("SF{:013}", 1_400_000_000_000 + n)),
        }
    }

    pub fn ticket(&mut self, c: &Clock, s: Secs) -> String {
        self.ticket += 1;
        format!("GD{}{:06}", c.ymd(s), self.ticket)
    }
}

/// One of the seller's goods.
pub struct Product {
    pub sku: &'static str,
    pub title: &'static str,
    pub price: Fen,
}

const fn p(sku: &'static str, title: &'static str, fen: i64) -> Product {
    Product {
        sku,
        title,
        price: Fen::new(fen),
    }
}

/// A home-goods seller's range (禾木家居).
pub const PRODUCTS: &[Product] = &[
    p("HM-BW500-WH", "禾木 316不锈钢保温杯 500ml 月光白", 8900),
    p("HM-BW350-GR", "禾木 316不锈钢保温杯 350ml 雾霾灰", 6900),
    p("HM-MJ3-BL", "纯棉加厚毛巾 三条装 浅蓝", 3590),
    p("HM-YJ-D180", "全棉磨毛四件套 1.8m床 燕麦色", 29900),
    p("HM-YJ-D150", "全棉磨毛四件套 1.5m床 雾蓝", 25900),
    p("HM-ZT-LTX", "泰国天然乳胶枕 成人护颈款", 15900),
    p("HM-SN-01", "记忆棉慢回弹坐垫 办公室", 4990),
    p("HM-CJ-6P", "日式陶瓷餐具 6件套 青釉", 12800),
    p("HM-KB-32", "304不锈钢筷子 10双装", 2990),
    p("HM-BX-3L", "玻璃保鲜盒 3件套 可微波", 5900),
    p("HM-LY-M", "加厚浴袍 男款 M码 灰色", 13900),
    p("HM-LY-L", "加厚浴袍 女款 L码 粉色", 13900),
    p("HM-TX-3P", "儿童纯棉拖鞋 3双装 28-29码", 3900),
    p("HM-SNH-40", "真空收纳袋 加厚 10件套", 4590),
    p("HM-ZX-Y4", "香薰加湿器 静音 卧室款", 9900),
    p("HM-DT-LED", "护眼LED台灯 无频闪 白色", 16900),
    p("HM-CL-25", "厨房置物架 免打孔 双层", 7900),
    p("HM-SZ-120", "棉麻桌布 北欧格子 140x180", 5500),
    p("HM-WZ-5", "纯棉中筒袜 男 5双装", 2900),
    p("HM-BZ-1K", "沙发抱枕套 45x45 奶油黄", 2590),
];

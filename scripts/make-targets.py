#!/usr/bin/env python3
"""Write the target lists conf/targets/*.csv from the 2014 report's tables.

    scripts/make-targets.py [OUTDIR]        (default: conf/targets next to this script)

The accounts and apps are every name in the report's tables 1.2-3.2 and 4.1
(/work/shared/report/tables). Level, province, function and organisation are
hand-assigned below from the report's 认证信息 column and the names. Synthetic
identifiers are derived from a SHA-1 of the name, so reruns give the same files:
  - WeChat biz: base64 of a 10-digit decimal string (like real __biz values);
  - 360 soft_id, Baidu docid and the 91 page number: numbers from the same hash.
Only com.MobileTicket (铁路12306) and com.pmsc.chinaweather (中国天气通) are known
real package names; the other package names are plausible inventions.
"""
import base64
import csv
import hashlib
import os
import sys

# ---------------------------------------------------------------------------
# Organisations: key -> (name, level, province, city, function)
ORGS = {
    # central bodies
    "gov_cn":        ("国务院办公厅政府信息公开办公室", "central", "", "", "党政宣传"),
    "gov_gazette":   ("国务院公报室", "central", "", "", "党政宣传"),
    "chinatax":      ("国家税务总局", "central", "", "", "税务"),
    "moe":           ("教育部新闻办公室", "central", "", "", "教育"),
    "mps_traffic":   ("公安部交通管理局", "central", "", "", "公安"),
    "mps_security":  ("公安部治安管理局", "central", "", "", "公安"),
    "mps_press":     ("公安部新闻宣传局(中国警察网)", "central", "", "", "公安"),
    "peacekeeping":  ("中国维和警察", "central", "", "", "公安"),
    "csrc":          ("中国证监会办公厅新闻办", "central", "", "", "金融"),
    "circ":          ("中国保监会办公厅", "central", "", "", "金融"),
    "spc":           ("最高人民法院", "central", "", "", "司法"),
    "spp":           ("最高人民检察院", "central", "", "", "司法"),
    "cyl":           ("中国共产主义青年团中央委员会", "central", "", "", "共青团"),
    "cyl_school":    ("团中央学校部", "central", "", "", "共青团"),
    "mlr":           ("国土资源部", "central", "", "", "国土"),
    "customs":       ("海关总署", "central", "", "", "海关"),
    "dangjian":      ("中宣部党建网", "central", "", "", "党政宣传"),
    "cpc_org":       ("中共中央组织部党员教育中心", "central", "", "", "党政宣传"),
    "sasac":         ("国务院国有资产监督管理委员会新闻中心", "central", "", "", "国资"),
    "mfa":           ("外交部公共外交办公室", "central", "", "", "外交"),
    "mfa_consular":  ("外交部领事司", "central", "", "", "外交"),
    "mof":           ("财政部", "central", "", "", "财政"),
    "nhfpc":         ("国家卫生和计划生育委员会", "central", "", "", "卫生"),
    "nhfpc_12320":   ("全国卫生12320", "central", "", "", "卫生"),
    "satcm":         ("国家中医药管理局", "central", "", "", "卫生"),
    "china_railway": ("中国铁路总公司", "central", "", "", "交通"),
    "cma":           ("中国气象局", "central", "", "", "气象"),
    "cenc":          ("中国地震台网中心", "central", "", "", "地震"),
    # provincial-level bodies (incl. municipalities and autonomous regions)
    "sh_xwb":        ("上海市人民政府新闻办公室", "province", "上海", "", "党政宣传"),
    "bj_xwb":        ("北京市人民政府新闻办公室", "province", "北京", "", "党政宣传"),
    "gd_xwb":        ("广东省人民政府新闻办公室", "province", "广东", "", "党政宣传"),
    "zj_xwb":        ("浙江省人民政府新闻办公室", "province", "浙江", "", "党政宣传"),
    "sd_xwb":        ("山东省人民政府新闻办公室", "province", "山东", "", "党政宣传"),
    "xj_zuihou":     ("新疆二十万干部下基层活动办公室", "province", "新疆", "", "党政宣传"),
    "bj_psb":        ("北京市公安局", "province", "北京", "", "公安"),
    "bj_traffic":    ("北京市公安局公安交通管理局", "province", "北京", "", "公安"),
    "gd_psb":        ("广东省公安厅", "province", "广东", "", "公安"),
    "hn_highway":    ("湖南省公安厅交警总队高速支队", "province", "湖南", "", "公安"),
    "zj_highway_wz": ("浙江省公安厅高速公路交通警察总队温州支队", "province", "浙江", "温州", "公安"),
    "cq_jxj":        ("重庆市公安局交通巡逻警察总队", "province", "重庆", "", "公安"),
    "hebei_traffic": ("河北省公安厅交通警察总队", "province", "河北", "", "公安"),
    "gx_procur":     ("广西壮族自治区人民检察院", "province", "广西", "", "司法"),
    "yn_procur":     ("云南省人民检察院", "province", "云南", "", "司法"),
    "hb_procur":     ("湖北省人民检察院", "province", "湖北", "", "司法"),
    "fj_court":      ("福建省高级人民法院", "province", "福建", "", "司法"),
    "ha_court":      ("河南省高级人民法院", "province", "河南", "", "司法"),
    "gd_cdc":        ("广东省疾病预防控制中心", "province", "广东", "", "卫生"),
    "gd_mch":        ("广东省妇幼保健院", "province", "广东", "", "卫生"),
    "gd_health_svc": ("广东省卫生厅政务服务中心", "province", "广东", "", "卫生"),
    "hebei_mental":  ("河北省第六人民医院", "province", "河北", "", "卫生"),
    "hb_cdc":        ("湖北省疾病预防控制中心", "province", "湖北", "", "卫生"),
    "bj_subway":     ("北京市地铁运营有限公司", "province", "北京", "", "交通"),
    "sh_metro":      ("上海申通地铁集团", "province", "上海", "", "交通"),
    "hk_gov":        ("香港特别行政区政府", "province", "香港", "", "政务服务"),
    # city-level bodies
    "cd_wxb":        ("成都市外宣办", "city", "四川", "成都", "党政宣传"),
    "wx_xcb":        ("无锡市委宣传部", "city", "江苏", "无锡", "党政宣传"),
    "fs_wxb":        ("佛山市互联网宣传管理领导小组办公室", "city", "广东", "佛山", "党政宣传"),
    "xa_wxb":        ("西安市互联网信息办公室", "city", "陕西", "西安", "党政宣传"),
    "sx_xwb":        ("绍兴市人民政府新闻办公室", "city", "浙江", "绍兴", "党政宣传"),
    "nj_xcb":        ("南京市委宣传部", "city", "江苏", "南京", "党政宣传"),
    "nd_xcb":        ("宁德市委宣传部", "city", "福建", "宁德", "党政宣传"),
    "as_xcb":        ("鞍山市委宣传部", "city", "辽宁", "鞍山", "党政宣传"),
    "tr_xcb":        ("铜仁市委宣传部", "city", "贵州", "铜仁", "党政宣传"),
    "dq_xcb":        ("大庆市委宣传部", "city", "黑龙江", "大庆", "党政宣传"),
    "wh_xcb":        ("乌海市委宣传部", "city", "内蒙古", "乌海", "党政宣传"),
    "ak_xcb":        ("安康市委宣传部", "city", "陕西", "安康", "党政宣传"),
    "xc_xcb":        ("许昌市委宣传部", "city", "河南", "许昌", "党政宣传"),
    "fy_xwb":        ("阜阳市人民政府新闻办公室", "city", "安徽", "阜阳", "党政宣传"),
    "hlbe_xwb":      ("呼伦贝尔市人民政府新闻办公室", "city", "内蒙古", "呼伦贝尔", "党政宣传"),
    "hz_xwb":        ("杭州市人民政府新闻办公室", "city", "浙江", "杭州", "党政宣传"),
    "dz_gov":        ("德州市人民政府", "city", "山东", "德州", "党政宣传"),
    "km_xwb":        ("昆明市人民政府新闻办公室", "city", "云南", "昆明", "党政宣传"),
    "sz_psb":        ("深圳市公安局", "city", "广东", "深圳", "公安"),
    "zh_traffic":    ("珠海市公安局交通警察支队", "city", "广东", "珠海", "公安"),
    "zs_psb":        ("中山市公安局", "city", "广东", "中山", "公安"),
    "cz_traffic":    ("常州市公安局交通巡逻警察支队", "city", "江苏", "常州", "公安"),
    "yz_traffic":    ("扬州市公安局交通巡逻警察支队", "city", "江苏", "扬州", "公安"),
    "huz_traffic":   ("湖州市公安局交警支队", "city", "浙江", "湖州", "公安"),
    "cd_traffic":    ("成都市公安局交通管理局", "city", "四川", "成都", "公安"),
    "wuh_traffic":   ("武汉市公安局交通管理局", "city", "湖北", "武汉", "公安"),
    "sz_traffic":    ("深圳市公安局交通警察局", "city", "广东", "深圳", "公安"),
    "gz_court":      ("广州市中级人民法院", "city", "广东", "广州", "司法"),
    "wuh_procur":    ("武汉市人民检察院", "city", "湖北", "武汉", "司法"),
    "tz_procur":     ("泰州市人民检察院", "city", "江苏", "泰州", "司法"),
    "sz_blood":      ("深圳市血液中心", "city", "广东", "深圳", "卫生"),
    "xm_cdc":        ("厦门市疾病预防控制中心", "city", "福建", "厦门", "卫生"),
    "hz_cdc":        ("杭州市疾病预防控制中心", "city", "浙江", "杭州", "卫生"),
    "sz_weather":    ("深圳市气象局", "city", "广东", "深圳", "气象"),
    "gz_metro":      ("广州市地下铁道总公司", "city", "广东", "广州", "交通"),
    "sz_metro":      ("深圳市地铁集团有限公司", "city", "广东", "深圳", "交通"),
    "nj_metro":      ("南京地铁集团有限公司", "city", "江苏", "南京", "交通"),
    "dg_tourism":    ("东莞市旅游局", "city", "广东", "东莞", "旅游"),
    # county-level bodies (districts, counties, county-level cities)
    "bj_changping":  ("北京市昌平区委宣传部", "county", "北京", "北京", "党政宣传"),
    "songyang_xwb":  ("松阳县人民政府新闻办公室", "county", "浙江", "丽水", "党政宣传"),
    "yanhu_psb":     ("运城市公安局盐湖分局", "county", "山西", "运城", "公安"),
    "guandu_court":  ("昆明市官渡区人民法院", "county", "云南", "昆明", "司法"),
    "shishi_court":  ("石狮市人民法院", "county", "福建", "泉州", "司法"),
    "luohu_hosp":    ("深圳市罗湖区人民医院", "county", "广东", "深圳", "卫生"),
    "fenghua_cdc":   ("奉化市疾病预防控制中心", "county", "浙江", "宁波", "卫生"),
}

# ---------------------------------------------------------------------------
# WeChat accounts: (name, org_key, verified_body). Level, province and function
# come from the organisation. Names are spelled exactly as in the report tables.
WECHAT = [
    # 表1.2 / 表2.1 (central)
    ("中国政府网", "gov_cn", "国务院办公厅政府信息公开办公室"),
    ("国家税务总局", "chinatax", "国家税务总局新闻宣传办公室"),
    ("微言教育", "moe", "教育部新闻办公室"),
    ("公安部交通安全微发布", "mps_traffic", "公安部交通管理局"),
    ("证监会发布", "csrc", "中国证监会办公厅新闻办官方微信"),
    ("最高人民法院", "spc", "最高人民法院官方微信"),
    ("最高人民检察院", "spp", "最高人民检察院新闻办公室"),
    ("共青团中央", "cyl", "中国共产主义青年团中央委员会"),
    ("国土之声", "mlr", "国土资源部"),
    ("12360 海关热线", "customs", "中华人民共和国海关总署"),
    ("团学小微", "cyl_school", "共青团学校战线信息发布"),
    ("党建网微平台", "dangjian", "中宣部党建网"),
    ("国资小新", "sasac", "国务院国有资产监督管理委员会新闻中心"),
    ("外交小灵通", "mfa", "中华人民共和国外交部"),
    ("国务院公报", "gov_gazette", "国务院公报室官方微信"),
    ("全国卫生 12320", "nhfpc_12320", "全国卫生 12320"),
    ("健康中国", "nhfpc", "国家卫生计生委"),
    ("中国铁路", "china_railway", "中国铁路总公司"),
    ("中国气象局", "cma", "中国气象局"),
    ("中国维和警察", "peacekeeping", "中国维和警察"),
    ("共产党员", "cpc_org", "中共中央组织部党员教育中心"),
    ("财政部", "mof", "中华人民共和国财政部"),
    ("领事直通车", "mfa_consular", "外交部领事司"),
    ("保监微新闻", "circ", "保监会办公厅"),
    ("中国中医", "satcm", "国家中医药管理局"),
    # 表1.3 / 表2.2 (local)
    ("上海发布", "sh_xwb", "上海市人民政府新闻办"),
    ("最后一公里", "xj_zuihou", "新疆 20 万干部下基层公众服务账号"),
    ("广东发布", "gd_xwb", "广东省人民政府新闻办公室"),
    ("浙江发布", "zj_xwb", "浙江省人民政府新闻办公室"),
    ("微成都", "cd_wxb", "成都市外宣办"),
    ("无锡发布", "wx_xcb", "无锡市委员会宣传部"),
    ("佛山发布", "fs_wxb", "佛山市互联网宣传管理领导小组办公室"),
    ("平安北京", "bj_psb", "北京市公安局"),
    ("西安发布", "xa_wxb", "西安市互联网信息办公室"),
    ("绍兴发布", "sx_xwb", "绍兴市人民政府新闻办公室"),
    ("南京发布", "nj_xcb", "南京市委宣传部"),
    # 表2.3 党政宣传
    ("宁德网", "nd_xcb", "宁德市委宣传部主管"),
    ("微鞍山", "as_xcb", "鞍山市委员会宣传部"),
    ("北京昌平", "bj_changping", "北京市昌平区宣传部"),
    ("微铜仁", "tr_xcb", "铜仁市委宣传部"),
    ("微大庆", "dq_xcb", "大庆市委宣传部"),
    ("乌海新闻", "wh_xcb", "乌海市委宣传部"),
    ("今日安康", "ak_xcb", "安康市委宣传部"),
    ("北京微博微信发布厅", "bj_xwb", "北京市人民政府新闻办公室"),
    ("精彩许昌", "xc_xcb", "许昌市委宣传部"),
    # 表2.4 公安交警
    ("湖南高速警察", "hn_highway", "湖南省公安厅交警总队高速支队"),
    ("珠海交警", "zh_traffic", "珠海市公安局交通警察支队"),
    ("中山公安局", "zs_psb", "中山市公安局"),
    ("常州交警", "cz_traffic", "常州市公安局交通巡逻警察支队"),
    ("温州高速交警", "zj_highway_wz", "浙江省公安厅高速公路交通警察总队温州支队"),
    ("北京交警", "bj_traffic", "北京市公安局"),
    ("扬州交警", "yz_traffic", "扬州市公安局交通巡逻警察支队"),
    ("湖州公安交警", "huz_traffic", "湖州市公安局交警支队"),
    ("成都交警", "cd_traffic", "成都市公安局交通管理局"),
    # 表2.5 司法
    ("广西检察院", "gx_procur", "广西检察院"),
    ("云南省人民检察院", "yn_procur", "云南省人民检察院"),
    ("鄂检在线", "hb_procur", "湖北省人民检察院"),
    ("广州市中级人民法院", "gz_court", "广州市中级人民法院"),
    ("武汉检察", "wuh_procur", "武汉市人民检察院"),
    ("福建高院", "fj_court", "福建省高级人民法院"),
    ("昆明市官渡区人民法院", "guandu_court", "昆明市官渡区人民法院"),
    ("豫法阳光", "ha_court", "河南省高级人民法院"),
    ("泰州市检察院", "tz_procur", "泰州市检察院"),
    ("石狮法院", "shishi_court", "石狮市人民法院"),
    # 表2.6 医疗卫生
    ("广东疾控", "gd_cdc", "广东省疾病预防控制中心"),
    ("广东省妇幼保健院", "gd_mch", "广东省妇幼保健院"),
    ("广东卫生信息", "gd_health_svc", "广东省卫生厅政务服务中心"),
    ("深圳市血液中心", "sz_blood", "深圳市血液中心"),
    ("河北省精神卫生中心", "hebei_mental", "河北省第六人民医院"),
    ("厦门疾控", "xm_cdc", "厦门市疾病预防控制中心"),
    ("罗湖区人民医院", "luohu_hosp", "罗湖区人民医院"),
    ("湖北疾控健康教育", "hb_cdc", "湖北省疾病预防控制中心"),
    ("杭州疾控", "hz_cdc", "杭州市疾病预防控制中心"),
    ("奉化疾控健康同行", "fenghua_cdc", "奉化市疾病预防控制中心"),
    # 表2.7 hot-article accounts not listed above (no 认证信息 printed)
    ("盐湖公安", "yanhu_psb", ""),
    ("中国警察网", "mps_press", ""),
    ("松阳发布", "songyang_xwb", ""),
    ("阜阳发布", "fy_xwb", ""),
    ("呼伦贝尔发布", "hlbe_xwb", ""),
    ("杭州发布", "hz_xwb", ""),
    ("德州政府网", "dz_gov", ""),
    ("昆明发布", "km_xwb", ""),
    ("重庆交巡警", "cq_jxj", ""),
]

# ---------------------------------------------------------------------------
# Tencent Weibo accounts: (account, name, org_key)
WEIBO = [
    # 表3.1 (central)
    ("gongan_dasihei", "公安部打四黑除四害", "mps_security"),
    ("ceic_sucai", "中国地震台网速报", "cenc"),
    ("guotuzhisheng", "国土之声", "mlr"),
    ("chinatax", "国家税务总局", "chinatax"),
    ("zhengfuwang", "中国政府网", "gov_cn"),
    ("haiguan12360", "12360 海关热线", "customs"),
    ("weiyanjiaoyu", "微言教育", "moe"),
    ("zjhfabu", "证监会发布", "csrc"),
    ("tuanzhongyang_xxb", "团中央学校部", "cyl_school"),
    ("gajtaq", "公安部交通安全微发布", "mps_traffic"),
    ("gqtzy", "共青团中央", "cyl"),
    ("weisheng12320", "全国卫生 12320", "nhfpc_12320"),
    ("zuigaojian", "最高人民检察院", "spp"),
    ("jiankangzhongguo", "健康中国", "nhfpc"),
    ("zuigaofa", "最高人民法院", "spc"),
    ("waijiaoxiaolingtong", "外交小灵通", "mfa"),
    ("zhongguotielu", "中国铁路", "china_railway"),
    ("guozixiaoxin", "国资小新", "sasac"),
    ("weihejingcha", "中国维和警察", "peacekeeping"),
    ("zhongguoqixiang", "中国气象局", "cma"),
    # 表1.2 bodies whose Weibo is not in 表3.1's top 20
    ("dangjianwang", "中宣部党建网", "dangjian"),
    ("guowuyuangongbao", "国务院公报", "gov_gazette"),
    # 表3.2 (local)
    ("guangdongfabu", "广东发布", "gd_xwb"),
    ("beijingfabu", "北京发布", "bj_xwb"),
    ("zhejiangfabu", "浙江发布", "zj_xwb"),
    ("pinganbeijing", "平安北京", "bj_psb"),
    ("shanghaifabu", "上海发布", "sh_xwb"),
    ("shandongfabu", "山东发布", "sd_xwb"),
    ("weichengdu", "微成都", "cd_wxb"),
    ("gdgat", "广东省公安厅", "gd_psb"),
    ("ynjcy", "云南省人民检察院", "yn_procur"),
    ("szgawx", "深圳公安微网", "sz_psb"),
    # 表1.3 bodies whose Weibo is not in 表3.2's top 10
    ("zuihouyigongli", "最后一公里", "xj_zuihou"),
    ("wuxifabu", "无锡发布", "wx_xcb"),
    ("foshanfabu", "佛山发布", "fs_wxb"),
    ("xianfabu", "西安发布", "xa_wxb"),
    ("shaoxingfabu", "绍兴发布", "sx_xwb"),
]

# ---------------------------------------------------------------------------
# Apps (表4.1): name -> (app_key, org_key or "", level, province, function)
APPS = {
    "12306 官方版":         ("com.MobileTicket", "china_railway", "central", "", "交通"),
    "买火车票-12306 订票":   ("com.huochepiao.ticket12306", "", "central", "", "交通"),
    "中国铁路订票平台":       ("cn.tielu.dingpiao", "", "central", "", "交通"),
    "中国天气通":            ("com.pmsc.chinaweather", "cma", "central", "", "气象"),
    "美天气":               ("com.meitianqi.weather", "", "central", "", "气象"),
    "北京地铁":              ("com.bjsubway.app", "bj_subway", "province", "北京", "交通"),
    "首都机场":              ("com.bcia.capitalairport", "", "province", "北京", "交通"),
    "上海地铁":              ("com.shmetro.app", "sh_metro", "province", "上海", "交通"),
    "上海地铁官方指南":       ("com.shmetro.guide", "sh_metro", "province", "上海", "交通"),
    "广州地铁官方 APP":      ("com.gzmtr.app", "gz_metro", "city", "广东", "交通"),
    "广州地铁":              ("com.gzmetro.android", "gz_metro", "city", "广东", "交通"),
    "深圳地铁":              ("com.szmc.metro", "sz_metro", "city", "广东", "交通"),
    "南京地铁":              ("com.njmetro.app", "nj_metro", "city", "江苏", "交通"),
    "武汉交警":              ("com.whjj.app", "wuh_traffic", "city", "湖北", "公安"),
    "深圳交警":              ("com.szjj.app", "sz_traffic", "city", "广东", "公安"),
    "深圳警民通":            ("com.szga.jmt", "sz_psb", "city", "广东", "公安"),
    "河北交警":              ("com.hebjj.app", "hebei_traffic", "province", "河北", "公安"),
    "广东警民通出入境连线":    ("com.gdga.crj", "gd_psb", "province", "广东", "公安"),
    "警民通":               ("com.jingmintong.app", "", "province", "广东", "公安"),
    "天翼警民通":            ("cn.ctc.jingmintong", "", "province", "广东", "公安"),
    "深圳天气":              ("com.szmb.weather", "sz_weather", "city", "广东", "气象"),
    "东莞旅游":              ("com.dgtour.app", "dg_tourism", "city", "广东", "旅游"),
    "智慧江苏":              ("com.xhby.zhjs", "", "province", "江苏", "政务服务"),
    "香港政府通知你":         ("hk.gov.govhk.notify", "hk_gov", "province", "香港", "政务服务"),
}

STORE_CODE = {"360": "360", "qq": "yyb", "91": "91", "baidu": "baidu",
              "wandoujia": "wandoujia", "appstore": "appstore"}


def h(*parts):
    return int(hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest(), 16)


def make_biz(name, used):
    salt = 0
    while True:
        n = 3000000000 + h("biz", name, str(salt)) % 1000000000
        b = base64.b64encode(str(n).encode("ascii")).decode("ascii")
        if b not in used:
            used.add(b)
            return b
        salt += 1


def make_num(kind, name, lo, span, used):
    salt = 0
    while True:
        n = lo + h(kind, name, str(salt)) % span
        if n not in used:
            used.add(n)
            return n
        salt += 1


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(header)
        w.writerows(rows)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "conf", "targets")
    tables = os.environ.get("GR_REPORT_TABLES", "/work/shared/report/tables")
    os.makedirs(out, exist_ok=True)

    orgs = [[k, v[0], v[1], v[2], v[3], v[4]] for k, v in ORGS.items()]
    write_csv(os.path.join(out, "organisations.csv"),
              ["org_key", "name", "level", "province", "city", "function"], orgs)

    used = set()
    wx = []
    for name, ok, vb in WECHAT:
        o = ORGS[ok]
        wx.append([make_biz(name, used), name, ok, o[1], o[2], o[4], vb])
    write_csv(os.path.join(out, "wechat_accounts.csv"),
              ["biz", "name", "org_key", "level", "province", "function", "verified_body"], wx)

    wb = []
    for acct, name, ok in WEIBO:
        o = ORGS[ok]
        wb.append([acct, name, ok, o[1], o[2], o[4], "organisation"])
    write_csv(os.path.join(out, "weibo_accounts.csv"),
              ["account", "name", "org_key", "level", "province", "function", "kind"], wb)

    apps = []
    for name, (key, ok, level, prov, fn) in APPS.items():
        apps.append([key, name, ok, level, prov, fn])
    write_csv(os.path.join(out, "apps.csv"),
              ["app_key", "name", "org_key", "level", "province", "function"], apps)

    listings = []
    seen = set()
    used360, usedbd = set(), set()
    for r in read_tsv(os.path.join(tables, "t4_1_app_store_top10.tsv")):
        if r["store"] == "total":
            continue
        store = STORE_CODE[r["store"]]
        key = APPS[r["app"]][0]
        if (store, key) in seen:
            continue
        seen.add((store, key))
        if store == "360":
            lid = str(make_num("360", key, 100000, 3000000, used360))
            url = "http://zhushou.360.cn/detail/index/soft_id/" + lid
        elif store == "91":
            lid = key
            url = "http://apk.91.com/Soft/Android/%s-%d.html" % (key, 1 + h("91", key) % 120)
        elif store == "yyb":
            lid = key
            url = "http://sj.qq.com/myapp/detail.htm?apkName=" + key
        elif store == "baidu":
            lid = str(make_num("baidu", key, 1000000, 8000000, usedbd))
            url = "http://shouji.baidu.com/software/%s.html" % lid
        elif store == "wandoujia":
            lid = key
            url = "http://www.wandoujia.com/apps/" + key
        else:
            lid = str(make_num("appstore", key, 400000000, 600000000, set()))
            url = "http://itunes.apple.com/lookup?id=%s&country=cn" % lid
        listings.append([store, lid, key, url])
    write_csv(os.path.join(out, "store_listings.csv"),
              ["store", "listing_id", "app_key", "url"], listings)


if __name__ == "__main__":
    main()

# Writes fixture.md (the hand computation, written out) and expected_2014.tsv
# for tests/integration/scorer_fixture.sh. Run: python3 fixture_md.py
import os
from math import log
HERE = os.path.dirname(os.path.abspath(__file__))
out=[]; exp=[]
P=out.append
def E(lst,key,col,val): exp.append((lst,key,col,val))
def ln(x): return log(x)
def P_presets():
    P("\n## 9. Presets on 甲微信 (R 125001, Z 620, N 3, Rmax 100001, Zmax 500, headline Rt 105001, Zt 520, d = 31)\n")
    R, Z, N, Rm, Zm, Rt, Zt, d = 125001, 620, 3, 100001, 500, 105001, 520, 31
    a = 0.40*log(R+1) + 0.45*log(R/N+1) + 0.15*log(Rm+1)
    b = 0.40*log(Z+1) + 0.45*log(Z/N+1) + 0.15*log(Zm+1)
    w = 10*(0.8*a + 0.2*b)**2
    P(f"WCI V2 (wci-v2.conf): a = 0.40·ln({R+1}) + 0.45·ln({R}/{N}+1) + 0.15·ln({Rm+1}) = {a:.6f};")
    P(f"b = 0.40·ln({Z+1}) + 0.45·ln({Z}/{N}+1) + 0.15·ln({Zm+1}) = {b:.6f} (no x10);")
    P(f"WCI = 10·(0.8·{a:.6f} + 0.2·{b:.6f})² = **{w:.4f}**\n")
    E('preset', 'wci-v2/MzA=', 'wci', w)
    a = 0.3*log(R/d+1) + 0.3*log(R/N+1) + 0.3*log(Rt/d+1) + 0.1*log(Rm+1)
    b = 0.3*log(10*Z/d+1) + 0.3*log(10*Z/N+1) + 0.3*log(10*Zt/d+1) + 0.1*log(10*Zm+1)
    w = 10*(0.85*a + 0.15*b)**2
    P(f"WCI V13 (wci-v13.conf), regrouped by reads and likes: a = 0.3·ln({R}/31+1) + 0.3·ln({R}/3+1) + 0.3·ln({Rt}/31+1) + 0.1·ln({Rm}+1)")
    P(f"  = 0.3·{log(R/d+1):.6f} + 0.3·{log(R/N+1):.6f} + 0.3·{log(Rt/d+1):.6f} + 0.1·{log(Rm+1):.6f} = {a:.6f};")
    P(f"b = 0.3·ln(10·{Z}/31+1) + 0.3·ln(10·{Z}/3+1) + 0.3·ln(10·{Zt}/31+1) + 0.1·ln(10·{Zm}+1)")
    P(f"  = 0.3·{log(10*Z/d+1):.6f} + 0.3·{log(10*Z/N+1):.6f} + 0.3·{log(10*Zt/d+1):.6f} + 0.1·{log(10*Zm+1):.6f} = {b:.6f};")
    P(f"WCI = 10·(0.85·a + 0.15·b)² = 10·(0.3·O + 0.3·A + 0.3·H + 0.1·P)² = **{w:.4f}**\n")
    E('preset', 'wci-v13/MzA=', 'wci', w)
    # Sina BCI on 甲微博: W1 = 0.3 L(posts) + 0.7 L(originals); W2 = 0.2 L(reposts) + 0.2 L(comments)
    # + 0.25 L(orig reposts) + 0.25 L(orig comments) + 0.1 L(likes = unobservable, 0)
    posts, orig, rr, cr, orr, ocr = 3, 1, 12, 6, 10, 5
    w1 = 0.3*log(posts+1) + 0.7*log(orig+1)
    w2 = 0.2*log(rr+1) + 0.2*log(cr+1) + 0.25*log(orr+1) + 0.25*log(ocr+1)
    v = (0.2*w1 + 0.8*w2)*160
    P("Sina BCI (sina-bci.conf) on 甲微博: posts 3, originals 1, reposts received 10 + 2 = 12, comments 5 + 1 = 6,")
    P("of originals 10 and 5; likes cannot be observed and count 0 (bci.unobservable = zero).")
    P(f"W1 = 0.3·ln(4) + 0.7·ln(2) = {w1:.6f}; W2 = 0.2·ln(13) + 0.2·ln(7) + 0.25·ln(11) + 0.25·ln(6) + 0.1·ln(1) = {w2:.6f};")
    P(f"BCI = (0.2·W1 + 0.8·W2)·160 = **{v:.4f}**\n")
    E('preset', 'sina-bci/wb_a', 'bci', v)

P("# Scorer fixture: hand computation\n")
P("Data: `fixture.sql`. Methodology: `conf/methodology/2014.conf` (and, for the rerun test, the same")
P("file with `wci.w_read = 0.9`, `wci.w_like = 0.1`). Period 2014-10-01..2014-10-31 in Asia/Shanghai,")
P("so the window is 2014-09-30T16:00Z .. 2014-10-31T16:00Z and the stats cut-off (7 days grace) is")
P("2014-11-07T16:00Z. L(x) = ln(x+1). All logarithms natural; values to 6 decimals, results to 4.")
P("This file and expected_2014.tsv are written by fixture_md.py (plain Python arithmetic, `math.log`),")
P("independently of the scorer's SQL; rerun it after changing the fixture.\n")
P("## 1. Which observations count\n")
P("""WeChat, account 甲微信 (MzA=, central, 公安):
- A1 (mid 100 idx 1): page 2014-10-05 in period. Snapshots: footer 50000 (10-06), footer 90000 and
  appmsgext `100000+` at the same time 10-10 (appmsgext wins: capped, counts 100001, likes 500), and
  one on 11-20 after the cut-off (ignored). reads 100001, likes 500, headline.
- A2 (100/2): reads 20000 likes 100, fetched 11-05 (inside the grace). Not headline.
- A3 (200/1): no page; the history listing gives 2014-10-31 20:00 Beijing = in. reads 5000 likes 20, headline.
- A4 (300/1): published 2014-09-20, out. A6 (500/1): history says 2014-11-01 01:00 Beijing, out.
- A5 (400/1): in period, only a `verification` snapshot: unobserved. A7 (700/1): page deleted (no
  time), history says 10-15: in period, no stats: unobserved. So articles_unobserved = 2.
- A1 is also listed in the history with a December time; the ok page's time wins.

乙发布 (MzB=, province 浙江, 党政宣传): B1 3000/30 (headline), B2 1000/like missing (adds 0),
B3 `10万+` capped = 100001 / 800 (headline).
丙健康 (MzC=, city 广东, 卫生): C1 200/0 (headline). MzD= is not registered: ignored.
""")
accts={
 'MzA=':dict(name='甲微信',scope='central',reads=[100001,20000,5000],likes=[500,100,20],head=[1,0,1],capped=1,unobs=2,fn='公安'),
 'MzB=':dict(name='乙发布',scope='local',reads=[3000,1000,100001],likes=[30,0,800],head=[1,0,1],capped=1,unobs=0,fn='党政宣传'),
 'MzC=':dict(name='丙健康',scope='local',reads=[200],likes=[0],head=[1],capped=0,unobs=0,fn='卫生'),
}
def wci_calc(a, wr, wl, note):
    R=sum(a['reads']); Z=sum(a['likes']); N=len(a['reads']); Rm=max(a['reads']); Zm=max(a['likes'])
    x=0.40*log(R+1)+0.45*log(R/N+1)+0.15*log(Rm+1)
    y=0.40*log(10*Z+1)+0.45*log(10*Z/N+1)+0.15*log(10*Zm+1)
    ri=10*x*x; li=10*y*y; w=wr*ri+wl*li
    return R,Z,N,Rm,Zm,x,y,ri,li,w
P("## 2. WCI (2014: linear_of_indices, k = 10, likes x10)\n")
res={}
for b,a in accts.items():
    R,Z,N,Rm,Zm,x,y,ri,li,w=wci_calc(a,0.6,0.4,'')
    res[b]=(R,Z,N,Rm,Zm,x,y,ri,li,w)
    P(f"### {a['name']} ({b})\n")
    P(f"R = {' + '.join(map(str,a['reads']))} = {R}; Z = {' + '.join(map(str,a['likes']))} = {Z}; N = {N}; Rmax = {Rm}; Zmax = {Zm}\n")
    P(f"a = 0.40·ln({R}+1) + 0.45·ln({R}/{N}+1) + 0.15·ln({Rm}+1)")
    P(f"  = 0.40·{log(R+1):.6f} + 0.45·{log(R/N+1):.6f} + 0.15·{log(Rm+1):.6f} = {x:.6f}")
    P(f"b = 0.40·ln(10·{Z}+1) + 0.45·ln(10·{Z}/{N}+1) + 0.15·ln(10·{Zm}+1)")
    P(f"  = 0.40·{log(10*Z+1):.6f} + 0.45·{log(10*Z/N+1):.6f} + 0.15·{log(10*Zm+1):.6f} = {y:.6f}")
    P(f"read_index = 10·a² = {ri:.4f}; like_index = 10·b² = {li:.4f}")
    P(f"WCI = 0.6·{ri:.4f} + 0.4·{li:.4f} = **{w:.4f}**\n")
    for col,v in [('articles',N),('articles_unobserved',a['unobs']),('articles_capped',a['capped']),('reads',R),('likes',Z),('read_max',Rm),('like_max',Zm),('read_index',ri),('like_index',li),('wci',w)]:
        E('wci',b,col,v)
order=sorted(accts,key=lambda b:-res[b][9])
P("Ranks: " + ", ".join(f"{i+1}. {accts[b]['name']} {res[b][9]:.4f}" for i,b in enumerate(order)) + "; central: 甲微信 1; local: 乙发布 1, 丙健康 2.\n")
for i,b in enumerate(order): E('wci',b,'rank_all',i+1)
E('wci','MzA=','rank_scope',1); E('wci','MzB=','rank_scope',1); E('wci','MzC=','rank_scope',2)

P("## 3. Sub-list WCI (k·(0.6·ln R' + 0.4·ln Z')², ln 0 := 0; R' = 0.40R + 0.45R/N + 0.15Rmax)\n")
for b,a in accts.items():
    R,Z,N,Rm,Zm=res[b][:5]
    Rc=0.40*R+0.45*R/N+0.15*Rm; Zc=0.40*Z+0.45*Z/N+0.15*Zm
    s=0.6*log(Rc)+(0.4*log(Zc) if Zc>0 else 0); w=10*s*s
    P(f"- {a['name']}: R' = 0.40·{R} + 0.45·{R}/{N} + 0.15·{Rm} = {Rc:.4f}; Z' = 0.40·{Z} + 0.45·{Z}/{N} + 0.15·{Zm} = {Zc:.4f};")
    P(f"  s = 0.6·ln R' + 0.4·ln Z' = 0.6·{log(Rc):.6f} + 0.4·{(log(Zc) if Zc>0 else 0):.6f} = {s:.6f}; WCI_sub = 10·s² = **{w:.4f}**")
    E('wci_sub',b,'read_col',Rc); E('wci_sub',b,'like_col',Zc); E('wci_sub',b,'wci',w)
P("\nEach account is alone in its function, so rank_function = 1 for all three.\n")

P("## 4. BCI (sub-score = 100·Σ wᵢ·ln(xᵢ+1); BCI = 0.2C + 0.5A + 0.5I + 0.8P)\n")
P("""Interaction weights: private messages (0.3) cannot be observed and count 0 (bci.unobservable = zero):
replies 0.4 and mentions 0.3 keep their weights. Coverage: 0.02 ln(followers+1) + 0.37 ln(new+1);
activity: 0.4 ln(posts+1) + 0.4 ln(originals+1) + 0.2 ln(reposts+1).

Weibo window (bci.window = year): from 1 January 2014 (2013-12-31T16:00Z) to the period end, as the
report's Weibo lists are of January-October; WeChat and the apps keep October.
Stock rule: the ok snapshot nearest the period end (2014-10-31T16:00Z) within 7 days before and 7
settle days after it; new followers need the snapshot nearest the Weibo window's start
(2013-12-31T16:00Z) within the same window around it (the October snapshots near 1 October no longer
count as the start).

甲微博 (wb_a): ok snapshots 2013-12-25 500, 01-02 600, 09-25 900, 10-02 1000, 10-30 1500 (10-15 is an
error). End: 10-30 1500; start: 01-02 600 (nearer 1 January than 2013-12-25). followers 1500, new 900.
Posts in the window (latest snapshot before the cut-off): p1 original 10 reposts 5 comments 1 mention
(the 11-25 snapshot is after the cut-off); p2 repost 2/1; p3 reply 0/0 2 mentions; p4 original
1000/1000, posted in September (inside the year's window, outside October); p5 was posted at
2013-12-31T15:00Z, 23:00 Beijing time on 31 December: before the window. posts 4, originals 2,
reposts 1, replies 1, mentions 3; reposts of originals 1010, of reposts 2; comments on originals
1005, on reposts 1.

乙微博 (wb_b): 01-05 2050000 (start), 10-05 2050000, 10-25 2000000 (end): followers 2000000, new =
-50000 -> 0. Posts: originals
o1 400/50, o2 0/10, o3 100/0, o4 0/0; reposts r1 20/5, r2 missing counts (add 0). posts 6,
originals 4, reposts 2, replies 0, mentions 0; orig reposts 500, orig comments 60, second reposts 20,
second comments 5.

戊微博 (wb_e): one snapshot 10-27, 50 followers; none near the start: new followers missing (NULL,
adding nothing to coverage), no posts.
丁微博 (wb_d): only a snapshot on 11-20, outside the end window: not scored (score.unscored says why).
""")
L=lambda x: log(x+1)
wb={'wb_a':(1500,900,4,2,1,1,3,1010,2,1005,1,'甲微博','central'),'wb_b':(2000000,0,6,4,2,0,0,500,20,60,5,'乙微博','local'),'wb_e':(50,0,0,0,0,0,0,0,0,0,0,'戊微博','local')}
bres={}
for k,(f,new,posts,orig,rep,replies,ment,orr,srr,ocr,scr,name,scope) in wb.items():
    cov=100*(0.02*L(f)+0.37*L(new)); act=100*(0.4*L(posts)+0.4*L(orig)+0.2*L(rep))
    inter=100*(0.4*L(replies)+0.3*L(ment)); prop=100*(0.3*L(orr)+0.2*L(srr)+0.3*L(ocr)+0.2*L(scr))
    bci=0.2*cov+0.5*act+0.5*inter+0.8*prop; bres[k]=bci
    P(f"### {name} ({k})\n")
    P(f"C = 100·(0.02·ln({f}+1) + 0.37·ln({new}+1)) = 100·(0.02·{L(f):.6f} + 0.37·{L(new):.6f}) = {cov:.4f}")
    P(f"A = 100·(0.4·ln({posts}+1) + 0.4·ln({orig}+1) + 0.2·ln({rep}+1)) = 100·(0.4·{L(posts):.6f} + 0.4·{L(orig):.6f} + 0.2·{L(rep):.6f}) = {act:.4f}")
    P(f"I = 100·(0.4·ln({replies}+1) + 0.3·ln({ment}+1)) = 100·(0.4·{L(replies):.6f} + 0.3·{L(ment):.6f}) = {inter:.4f}")
    P(f"P = 100·(0.3·ln({orr}+1) + 0.2·ln({srr}+1) + 0.3·ln({ocr}+1) + 0.2·ln({scr}+1)) = 100·(0.3·{L(orr):.6f} + 0.2·{L(srr):.6f} + 0.3·{L(ocr):.6f} + 0.2·{L(scr):.6f}) = {prop:.4f}")
    P(f"BCI = 0.2·{cov:.4f} + 0.5·{act:.4f} + 0.5·{inter:.4f} + 0.8·{prop:.4f} = **{bci:.4f}**\n")
    for col,v in [('followers',f),('new_followers',new if k != 'wb_e' else ''),('posts',posts),('coverage',cov),('activity',act),('interaction',inter),('propagation',prop),('bci',bci)]:
        E('bci',k,col,v)
border=sorted(wb,key=lambda k:-bres[k])
for i,k in enumerate(border): E('bci',k,'rank_all',i+1)
for sc in ('central','local'):
    for i,k in enumerate([k for k in border if wb[k][12]==sc]): E('bci',k,'rank_scope',i+1)
P("Ranks: " + ", ".join(f"{i+1}. {wb[k][11]}" for i,k in enumerate(border)) + "; within their scope: "
  + "; ".join(sc + " " + ", ".join(f"{i+1}. {wb[k][11]}" for i,k in enumerate([k for k in border if wb[k][12]==sc])) for sc in ('central','local')) + ".\n")

P("## 5. Combined (0.6·WCI + 0.4·BCI; organisations with both accounts)\n")
comb={}
for org,b,k in [('org_a','MzA=','wb_a'),('org_b','MzB=','wb_b')]:
    c=0.6*res[b][9]+0.4*bres[k]; comb[org]=c
    P(f"- {org}: 0.6·{res[b][9]:.4f} + 0.4·{bres[k]:.4f} = **{c:.4f}**")
    E('combined',org,'wci',res[b][9]); E('combined',org,'bci',bres[k]); E('combined',org,'combined',c)
corder=sorted(comb,key=lambda o:-comb[o])
for i,o in enumerate(corder): E('combined',o,'rank_all',i+1)
P("\norg_c has no Weibo account: no combined index. Ranks: " + ", ".join(f"{i+1}. {o}" for i,o in enumerate(corder)) + ".\n")

P("## 6. Apps (the ok snapshot nearest 2014-10-31T16:00Z within 7 days before and 7 after)\n")
P("""- 360/111 (12306): 09-30 8000000 (outside the window), 10-30 8670000, 11-05 9000000 (farther): **8670000**.
- baidu/d1 (12306): 15520000. appstore/99 (12306): ratings only, downloads NULL, no rank.
- 360/222 (北京地铁) 390000; baidu/d2 (北京地铁): 10-28 ok 100000, 10-25 `error` (ignored): **100000**.
- 360/333 (上海地铁) 170000.

Ranks: 360: 12306 1, 北京地铁 2, 上海地铁 3; baidu: 12306 1, 北京地铁 2.
Totals: 12306 = 8670000 + 15520000 = **24190000** (2 stores); 北京地铁 = 390000 + 100000 = **490000**;
上海地铁 = **170000**. Store summary: 360: 3 listings, total 9230000, average 3076666.67; baidu: 2
listings, 15620000, average 7810000; appstore: 1 listing, 0 with downloads.
Provinces: (central) 1 app 24190000; 北京 1 app 490000; 上海 1 app 170000.
""")
for key,col,v in [('360/111','rank_store',1),('360/222','rank_store',2),('360/333','rank_store',3),('baidu/d1','rank_store',1),('baidu/d2','rank_store',2),('360/111','downloads',8670000),('baidu/d2','downloads',100000)]:
    E('app_listing',key,col,v)
for key,v,r in [('com.rail',24190000,1),('com.bjsubway',490000,2),('com.shsubway',170000,3)]:
    E('app_total',key,'downloads',v); E('app_total',key,'rank',r)
E('app_store','360','downloads',9230000); E('app_store','360','downloads_avg',9230000/3); E('app_store','baidu','downloads_avg',7810000); E('app_store','appstore','listings_with_downloads',0)

P("## 7. Hot articles and aggregates\n")
P("""Order: reads descending, capped reads (= 100001) ordered by likes: B3 (100001, 800), A1 (100001,
500), A2 20000, A3 5000, B1 3000, B2 1000, C1 200.
""")
for i,(b,m) in enumerate([('MzB=','11/1'),('MzA=','100/1'),('MzA=','100/2'),('MzA=','200/1'),('MzB=','10/1'),('MzB=','10/2'),('MzC=','1/1')]):
    E('hot_article',str(i+1),'mid_idx',m)
tr=sum(res[b][0] for b in res); tz=sum(res[b][1] for b in res)
mean=sum(res[b][9] for b in res)/3
above=sum(1 for b in res if res[b][9]>mean)/3
P(f"WeChat: accounts 3, articles 3+3+1 = 7, reads {'+'.join(str(res[b][0]) for b in res)} = {tr}, likes = {tz}.")
P(f"mean WCI = ({' + '.join(f'{res[b][9]:.4f}' for b in res)})/3 = {mean:.4f}; above the mean: 2 of 3 = {above:.4f}.")
P(f"CR20 over 3 accounts = 1 (all reads are in the top 20).")
bmean=sum(bres.values())/3
P("The report's own figure (2.11), per scope: share of accounts whose R/N (Z/N) is above the scope's mean R/N")
P("(Z/N). Central: 甲微信 alone, not above its own mean: 0. Local: 乙发布 R/N 34667.00 and Z/N 276.67 against")
P("丙健康 200 and 0 (means 17433.50 and 138.33): 1 of 2 = 0.5 for both.")
P(f"Weibo: accounts 3, mean BCI = {bmean:.4f}, above the mean: {sum(1 for v in bres.values() if v>bmean)} of 3.\n")
for m,v in [('accounts',3),('articles',7),('articles_unobserved',2),('reads',tr),('likes',tz),('mean_wci',mean),('share_wci_above_mean',above),('cr_reads',1.0),
            ('share_avg_reads_above_mean_central',0.0),('share_avg_reads_above_mean_local',0.5),
            ('share_avg_likes_above_mean_central',0.0),('share_avg_likes_above_mean_local',0.5)]:
    E('aggregate','wechat',m,v)
E('aggregate','weibo','accounts',3); E('aggregate','weibo','mean_bci',bmean); E('aggregate','weibo','share_bci_above_mean',sum(1 for v in bres.values() if v>bmean)/3)

P("## 8. Rerun with wci.w_read = 0.9, wci.w_like = 0.1\n")
res2={}
for b,a in accts.items():
    r=res[b]; w=0.9*r[7]+0.1*r[8]; res2[b]=w
    P(f"- {a['name']}: 0.9·{r[7]:.4f} + 0.1·{r[8]:.4f} = **{w:.4f}** (was {r[9]:.4f}, delta {w-r[9]:+.4f})")
o2=sorted(accts,key=lambda b:-res2[b])
P("\nNew order: " + ", ".join(f"{i+1}. {accts[b]['name']}" for i,b in enumerate(o2)) + ": 甲微信 moves 2 -> 1 (+1), 乙发布 1 -> 2 (-1), 丙健康 stays 3.")
c2={o:0.6*res2[b]+0.4*bres[k] for o,b,k in [('org_a','MzA=','wb_a'),('org_b','MzB=','wb_b')]}
P("Combined: " + "; ".join(f"{o} 0.6·{res2[b]:.4f} + 0.4·{bres[k]:.4f} = {c2[o]:.4f}" for o,b,k in [('org_a','MzA=','wb_a'),('org_b','MzB=','wb_b')]) + " (order unchanged: org_b 1, org_a 2). BCI and apps do not change.\n")
for b in accts:
    i1=order.index(b)+1; i2=o2.index(b)+1
    E('compare','wci/'+b,'rank_move',i1-i2); E('compare','wci/'+b,'score_delta',res2[b]-res[b][9])
for o in c2:
    E('compare','combined/'+o,'rank_move',0); E('compare','combined/'+o,'score_delta',c2[o]-comb[o])
P_presets()
open(os.path.join(HERE, 'fixture.md'),'w').write('\n'.join(out)+'\n')
with open(os.path.join(HERE, 'expected_2014.tsv'),'w') as f:
    f.write('list\tkey\tcolumn\tvalue\n')
    for l,k,c,v in exp:
        f.write(f"{l}\t{k}\t{c}\t{v if isinstance(v,str) else (f'{v:.6f}' if isinstance(v,float) else v)}\n")

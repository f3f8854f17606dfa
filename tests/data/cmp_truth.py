#!/usr/bin/env python3
"""Compares the parser's TSV output with simweb's ground truth (--truth DIR).

usage: cmp_truth.py PARSED_DIR TRUTH_DIR
For every truth table, each truth row must be found in the parser output
(matched on the table's key, on the columns the truth has); wechat_stat is
compared on the appmsgext rows, and footer rows must agree with the truth too.
Prints a summary line per table and every difference (at most 20 per table);
exit status 1 when anything differs."""
import csv, glob, os, sys

parsed, truth = sys.argv[1], sys.argv[2]
csv.field_size_limit(1 << 30)

def read(path):
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]

def parsed_rows(table):
    out = []
    hdr = None
    for p in sorted(glob.glob(os.path.join(parsed, '*.%s.tsv' % table))):
        h, rows = read(p)
        hdr = h
        out += [dict(zip(h, r)) for r in rows]
    return hdr, out

keys = {
    'wechat_article': ['biz', 'mid', 'idx'],
    'wechat_stat': ['biz', 'mid', 'idx'],
    'weibo_account': ['account'],
    'weibo_post': ['account', 'post_id'],
    'app_listing': ['store', 'listing_id'],
}
bad = 0
for table, key in keys.items():
    tp = os.path.join(truth, table + '.tsv')
    if not os.path.exists(tp):
        continue
    th, trows = read(tp)
    _, prows = parsed_rows(table)
    idx, footer = {}, {}
    for r in prows:
        k = tuple(r[c] for c in key)
        if table == 'wechat_stat' and r['origin'] == 'footer':
            footer[k] = r
        else:
            idx[k] = r
    diffs = []
    for tr in trows:
        t = dict(zip(th, tr))
        k = tuple(t[c] for c in key)
        p = idx.get(k)
        if p is None:
            diffs.append('%s %s: missing from the parser output' % (table, k))
            continue
        for c in th:
            if t[c] != p.get(c):
                diffs.append('%s %s: %s truth [%s] parsed [%s]' % (table, k, c, t[c], p.get(c)))
        if k in footer:
            f = footer[k]
            for c in ('read_num', 'read_capped', 'like_num'):
                if t[c] != f[c]:
                    diffs.append('%s %s: footer %s truth [%s] parsed [%s]' % (table, k, c, t[c], f[c]))
    print('%-15s %5d truth rows, %5d parsed, %d footer, %d differences' % (table, len(trows), len(idx), len(footer), len(diffs)))
    for d in diffs[:20]:
        print('  ' + d)
    bad += len(diffs)
sys.exit(1 if bad else 0)

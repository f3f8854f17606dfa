#!/usr/bin/env python3
"""Candidate rows from simweb's truth, in the discovered_account record type
(loader/README.md): what a complete Sogou crawl would give, one row per
account, as if each had been found by searching its own name. Test glue for
the registry until the Sogou sources exist: the classification columns of the
truth are dropped, so the loader sees only what a result page shows.

usage: discovery_rows.py TRUTH_DIR OUT.discovered_account.tsv [FETCHED_AT]"""
import sys

truth, out = sys.argv[1], sys.argv[2]
fetched = sys.argv[3] if len(sys.argv) > 3 else '2014-10-02T01:00:00Z'
head = ('query\tpage\trank\twechat_id\tname\tverified_body\tdescription\tlatest_title\tlatest_url\tlatest_at'
        '\tprofile_url\tbiz\twarc_file\twarc_offset\turl\tfetched_at')
with open(truth + '/discovery_account.tsv', encoding='utf-8') as f, open(out, 'w', encoding='utf-8') as o:
    cols = f.readline().rstrip('\n').split('\t')
    o.write(head + '\n')
    for n, line in enumerate(f):
        r = dict(zip(cols, line.rstrip('\n').split('\t')))
        o.write('\t'.join([r['name'], '1', '1', r['wechat_id'], r['name'], r['verified_body'], r['description'],
                           '\\N', '\\N', '\\N', '\\N', r['biz'], 'truth', str(n), 'truth:' + r['wechat_id'],
                           fetched]) + '\n')

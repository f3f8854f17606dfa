#!/usr/bin/env python3
"""Which internal BCI weights can give back every printed row of 表3.1/3.2?

The evidence behind [bci.coverage], [bci.activity] and bci.unobservable in
conf/methodology/2014.conf. Each sub-score is 100 * sum w_i ln(x_i + 1) over
non-negative integer counts x_i (methodology.md section 3.2); a printed value
is reached when some plausible counts give it within TOL (then it rounds
within 0.01 of the print, under reproduce's 0.015).

    simweb/bci_weights_2014.py [TABLES_DIR]

1. Coverage, 100 (w_f ln(F+1) + w_n ln(dF+1)), F the printed followers and
   dF in [0, F]: a grid over w_f 0..0.3 and w_n 0.3..1.5 in steps of 0.001 and
   the count of rows reached; then the shipped choice, row by row.
2. Activity, 100 (w_p ln(P+1) + w_o ln(O+1) + w_r ln(R+1)), O + R <= P <= 1860
   (simweb: 60 posts a day in October), jointly with the row's interaction (its
   replies are posts) and propagation (it needs originals): round candidates.
3. Interaction under bci.unobservable = zero (0.4 replies, 0.3 mentions) and
   under renormalise (0.4/0.7, 0.3/0.7): rows reached with at most 400
   replies.
"""
import csv
import math
import os
import sys

TOL = 0.008
POSTS_MAX = 31 * 60
L = lambda x: math.log(x + 1)


def rows(d):
    out = []
    for t in ('t3_1_central_weibo', 't3_2_local_weibo'):
        with open(os.path.join(d, t + '.tsv'), encoding='utf-8') as f:
            r = list(csv.reader(f, delimiter='\t'))
        h = r[0]
        for x in r[1:]:
            v = dict(zip(h, x))
            out.append((v['name'], int(v['followers']) if v['followers'] else None,
                        float(v['coverage']), float(v['activity']), float(v['interaction']),
                        float(v['propagation'])))
    return out


def cov_ok(F, c, wf, wn):
    lf = L(F)
    t = c / 100 - wf * lf
    if t < 0 or t / wn > lf + 1e-9:
        return False
    d0 = int(math.exp(t / wn) - 1)
    return any(0 <= d <= F and abs(100 * (wf * lf + wn * L(d)) - c) <= TOL for d in (d0 - 1, d0, d0 + 1, d0 + 2))


def act_ok(a, inter, prop, wp, wo, wr, tol=0.012):
    """Activity a from O >= 1 originals (propagation needs them), R reposts (at least one
    when the propagation is below 30: only the 0.2 weights give such values) and P posts,
    O + R <= P <= POSTS_MAX, where P - O - R leaves room for the replies y of an
    interaction 40 ln(y+1) + 30 ln(m+1) with at most 60 @mentions a post."""
    for o in range(1, 300):
        for rp in range(1 if prop < 30 else 0, 300):
            base = 100 * (wo * L(o) + wr * L(rp))
            if base > a + tol:
                break
            p0 = int(math.exp((a - base) / (100 * wp)) - 1)
            for p in (p0, p0 + 1):
                if not o + rp <= p <= POSTS_MAX or abs(base + 100 * wp * L(p) - a) > tol:
                    continue
                for y in range(0, p - o - rp + 1):
                    rem = (inter - 40 * L(y)) / 30
                    if rem < 0:
                        break
                    m0 = int(math.exp(rem) - 1)
                    if any(m <= 60 * p and abs(40 * L(y) + 30 * L(m) - inter) < 0.012 for m in (m0, m0 + 1)):
                        return True
    return False


def int_ok(v, wy, wm):
    for y in range(0, 400):
        rem = v / 100 - wy * L(y)
        if rem < -TOL / 100:
            break
        m0 = int(math.exp(max(rem, 0) / wm) - 1)
        if any(m >= 0 and abs(100 * (wy * L(y) + wm * L(m)) - v) <= TOL for m in (m0 - 1, m0, m0 + 1, m0 + 2)):
            return True
    return False


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/report/tables'
    rs = rows(d)
    withf = [r for r in rs if r[1] is not None]
    best = (0, 0, 0)
    for i in range(0, 300):
        for j in range(300, 1500):
            n = sum(cov_ok(F, c, i / 1000, j / 1000) for _, F, c, _, _, _ in withf)
            if n > best[0]:
                best = (n, i / 1000, j / 1000)
    print('coverage: at most %d of %d rows with printed followers reached (first at w_f %.3f, w_n %.3f)'
          % (best[0], len(withf), best[1], best[2]))
    for wf, wn in ((0.02, 0.37), (0.0, 0.39), (0.1, 0.3), (0.3, 0.7)):
        miss = [n for n, F, c, _, _, _ in withf if not cov_ok(F, c, wf, wn)]
        print('  w_f %.2f w_n %.2f: %d reached; missed: %s' % (wf, wn, len(withf) - len(miss), ', '.join(miss)))
    for w in ((0.3, 0.3, 0.4), (0.4, 0.3, 0.3), (0.4, 0.4, 0.2), (0.4, 0.2, 0.4), (0.35, 0.35, 0.3), (0.5, 0.25, 0.25)):
        miss = [n for n, _, _, a, i, p in rs if not act_ok(a, i, p, *w)]
        print('activity %.2f/%.2f/%.2f: %d of %d reached; missed: %s' % (w + (len(rs) - len(miss), len(rs), ', '.join(miss))))
    for label, wy, wm in (('zero', 0.4, 0.3), ('renormalise', 0.4 / 0.7, 0.3 / 0.7)):
        miss = [n for n, _, _, _, v, _ in rs if not int_ok(v, wy, wm)]
        print('interaction, unobservable = %s: %d of %d reached; missed: %s' % (label, len(rs) - len(miss), len(rs), ', '.join(miss)))


if __name__ == '__main__':
    main()

#!/usr/bin/python3
"""xlsx_recalc.py — recomputes the formulas of a workbook independently of the
program that wrote them (and of any spreadsheet application) and compares each
result with the value cached in the file, which kefu writes from its stored
results. A formula that does not reproduce the stored number is a finding.

usage: xlsx_recalc.py FILE.xlsx [SHEET]

Supports what the report writers use: cell references, ranges inside SUM,
+ - * /, SUM, MIN, MAX, ROUND (half away from zero, as Excel), numbers.
Prints one line per mismatch ("mismatch SHEET CELL formula computed cached")
and a closing line "N formulas, N mismatches". Exit 1 on a mismatch or a
formula it cannot evaluate, 2 when the file cannot be read.
"""
import re
import sys
from decimal import Decimal, ROUND_HALF_UP

REF = re.compile(r'\$?([A-Z]{1,3})\$?([0-9]+)')
RANGE = re.compile(r'\$?([A-Z]{1,3})\$?([0-9]+):\$?([A-Z]{1,3})\$?([0-9]+)')


def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def col_letters(n):
    s = ''
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def flat(args):
    for a in args:
        if isinstance(a, list):
            yield from flat(a)
        elif a is not None and not isinstance(a, str):
            yield a


def SUM(*a):
    return sum(flat(a))


def MIN(*a):
    return min(flat(a))


def MAX(*a):
    return max(flat(a))


def ROUND(x, n):
    q = Decimal(1).scaleb(-int(n))
    d = Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP)
    return float(d)


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    try:
        import openpyxl
        wf = openpyxl.load_workbook(sys.argv[1])
        wv = openpyxl.load_workbook(sys.argv[1], data_only=True)
    except Exception as e:
        sys.stderr.write('xlsx_recalc: cannot read %s: %s\n' % (sys.argv[1], e))
        return 2
    sheets = [sys.argv[2]] if len(sys.argv) == 3 else wf.sheetnames
    total = bad = 0
    for name in sheets:
        fs, vs = wf[name], wv[name]
        cache = {}

        def value(ref):
            if ref in cache:
                return cache[ref]
            v = fs[ref].value
            if isinstance(v, str) and v.startswith('='):
                v = evaluate(v)
            cache[ref] = v
            return v

        def rng(a, b):
            m1, m2 = REF.fullmatch(a), REF.fullmatch(b)
            c1, r1, c2, r2 = col_index(m1[1]), int(m1[2]), col_index(m2[1]), int(m2[2])
            return [value('%s%d' % (col_letters(c), r)) for r in range(r1, r2 + 1)
                    for c in range(c1, c2 + 1)]

        def evaluate(f):
            expr = RANGE.sub(lambda m: 'rng("%s%s","%s%s")' % m.groups(), f[1:])
            expr = re.sub(r'(?<![A-Za-z"])\$?([A-Z]{1,3})\$?([0-9]+)(?![0-9"(])',
                          lambda m: '(value("%s%s") or 0)' % (m[1], m[2]), expr)
            return eval(expr, {'__builtins__': {}},
                        {'SUM': SUM, 'MIN': MIN, 'MAX': MAX, 'ROUND': ROUND, 'rng': rng,
                         'value': value})

        for row in fs.iter_rows():
            for c in row:
                if not (isinstance(c.value, str) and c.value.startswith('=')):
                    continue
                total += 1
                try:
                    got = value(c.coordinate)
                except Exception as e:
                    bad += 1
                    print('error\t%s\t%s\t%s\t%s' % (name, c.coordinate, c.value, e))
                    continue
                want = vs[c.coordinate].value
                if want is None or abs(float(got) - float(want)) > 0.005:
                    bad += 1
                    print('mismatch\t%s\t%s\t%s\t%r\t%r' % (name, c.coordinate, c.value, got, want))
    print('%d formulas, %d mismatches' % (total, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())

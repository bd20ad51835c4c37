#!/usr/bin/python3
"""xlsx_formulas.py — recomputes every formula of a workbook from the cells it
references and compares the result with the value cached in the file, so a
test knows the formulas are valid (they parse, reference existing cells and
give the number the writer claims) without trusting the writer.

Supports what the kefu writers use: cell references, A1:B9 ranges inside SUM,
+ - * /, parentheses, comparisons, IF, ABS, AND, OR, ISNUMBER.

usage: xlsx_formulas.py FILE.xlsx
Prints one line per formula ("ok SHEET!A1 FORMULA" or "bad SHEET!A1 ...") and
"formulas: N, bad: M"; exit status 1 when any is bad, 2 when unreadable.
"""
import re
import sys
import zipfile

REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def raw_numbers(path):
    """{sheet title: {A1: float}} of every numeric cell value (cached formula
    results included) as stored: openpyxl turns numbers in time formats such as
    [m]:ss into timedeltas rounded to the millisecond."""
    zf = zipfile.ZipFile(path)
    wbxml = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    target = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    target.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)})
    out = {}
    for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', wbxml):
        name = (name.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", '"').replace("&apos;", "'"))
        xml = zf.read("xl/" + target[rid]).decode("utf-8")
        cells = {}
        for ref, attrs, body in re.findall(r'<c r="([A-Z]+[0-9]+)"([^>]*)>(.*?)</c>', xml):
            if 't="s"' in attrs or 't="str"' in attrs or 't="b"' in attrs:
                continue
            m = re.search(r"<v>([^<]*)</v>", body)
            if m:
                cells[ref] = float(m.group(1))
        out[name] = cells
    return out


def excel_round(x, n):
    """Excel's ROUND: half away from zero, on the decimal the number shows."""
    from decimal import Decimal, ROUND_HALF_UP
    return float(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-int(n)), rounding=ROUND_HALF_UP))


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    try:
        import openpyxl
        wf = openpyxl.load_workbook(sys.argv[1])
        wv = openpyxl.load_workbook(sys.argv[1], data_only=True)
        raw = raw_numbers(sys.argv[1])
    except Exception as e:  # the finding, not a crash
        sys.stderr.write("xlsx_formulas: cannot read %s: %s\n" % (sys.argv[1], e))
        return 2
    total = bad = 0
    for ws in wf.worksheets:
        vs = wv[ws.title]
        nums = raw.get(ws.title, {})

        def as_number(coord, v):
            return nums.get(coord, v)

        def value(letters, row):
            v = as_number(letters + row, vs.cell(row=int(row), column=col_index(letters)).value)
            if isinstance(v, bool):
                return float(v)
            if v is None:
                return 0.0
            if isinstance(v, (int, float)):
                return float(v)
            return v

        def rng(a, b):
            ma, mb = REF.fullmatch(a), REF.fullmatch(b)
            c0, c1 = col_index(ma.group(1)), col_index(mb.group(1))
            r0, r1 = int(ma.group(2)), int(mb.group(2))
            out = []
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    v = as_number(vs.cell(row=r, column=c).coordinate, vs.cell(row=r, column=c).value)
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        out.append(float(v))
            return out

        for row in ws.iter_rows():
            for cell in row:
                f = cell.value
                if not (isinstance(f, str) and f.startswith("=")):
                    continue
                total += 1
                where = "%s!%s" % (ws.title, cell.coordinate)
                cached = vs[cell.coordinate].value
                try:
                    expr = f[1:]
                    ranges = []

                    def keep(m):
                        ranges.append((m.group(1), m.group(2)))
                        return "sum(_rng(@%d@))" % (len(ranges) - 1)
                    expr = re.sub(r"SUM\(([A-Z$0-9]+):([A-Z$0-9]+)\)", keep, expr)
                    expr = REF.sub(lambda m: "_v(%r, %r)" % (m.group(1), m.group(2)), expr)
                    expr = re.sub(r"@(\d+)@", lambda m: "%r, %r" % ranges[int(m.group(1))], expr)
                    expr = expr.replace("<>", "!=")
                    expr = re.sub(r"(?<![<>!=])=(?!=)", "==", expr)
                    expr = (expr.replace("ROUND(", "_round(").replace("ABS(", "abs(").replace("IF(", "_if(")
                            .replace("AND(", "_and(").replace("OR(", "_or(")
                            .replace("ISNUMBER(", "_isnum("))
                    env = {"_v": value, "_rng": rng, "_if": lambda c, a, b: a if c else b,
                           "_round": excel_round,
                           "_and": lambda *a: all(a), "_or": lambda *a: any(a),
                           "_isnum": lambda v: isinstance(v, float), "sum": sum, "abs": abs}
                    got = eval(expr, {"__builtins__": {}}, env)
                except Exception as e:
                    bad += 1
                    print("bad %s %s: cannot evaluate (%s)" % (where, f, e))
                    continue
                cached = as_number(cell.coordinate, cached)
                if not isinstance(cached, (int, float)) or abs(float(got) - float(cached)) > 1e-9 * max(1.0, abs(float(got))):
                    bad += 1
                    print("bad %s %s: computes %r, file says %r" % (where, f, got, cached))
                else:
                    print("ok %s %s" % (where, f))
    print("formulas: %d, bad: %d" % (total, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

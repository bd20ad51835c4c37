#!/usr/bin/python3
"""xlsx_check.py — reads a workbook back (openpyxl, zipfile) and prints what the
shell tests compare: one tab-separated line per fact, so a test can pick a
value with awk instead of trusting the writer.

usage: xlsx_check.py FILE.xlsx

Lines (fields separated by a tab):
  sheet   NAME
  freeze  SHEET  CELL              top-left cell of the scrolling pane
  cf      SHEET  RANGE  TYPE       conditional formats (e.g. colorScale)
  cell    SHEET  A1  VALUE  NUMFMT numbers as %.10g, dates as YYYY-MM-DD
  chart   PART                     xl/charts/chartN.xml parts of the package
  drawing SHEET  N                 number of charts anchored on a sheet
  prop    NAME  VALUE              document properties (title, creator, created)
  print   SHEET  ORIENT PAPER FITW FITH AREA TITLES  page setup: orientation, paper
                                   size (9 = A4), fit to pages wide/tall, print area
                                   and repeated rows ("-" when not set)
  footer  SHEET  TEXT              the centre footer (e.g. page &P of &N)
Exit status 2 when the file cannot be read as a workbook.
"""
import datetime
import re
import sys
import zipfile


def fmt_value(v):
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, datetime.datetime):
        if v.time() == datetime.time(0, 0):
            return v.strftime("%Y-%m-%d")
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, float):
        return "%.10g" % v
    return str(v).replace("\t", " ").replace("\n", "\\n")


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    path = sys.argv[1]
    try:
        import openpyxl
    except ImportError:
        sys.stderr.write("xlsx_check: python3-openpyxl is not installed\n")
        return 3
    try:
        zf = zipfile.ZipFile(path)
        names = zf.namelist()
        wb = openpyxl.load_workbook(path)
    except Exception as e:  # a broken package is the finding, not a crash
        sys.stderr.write("xlsx_check: cannot read %s: %s\n" % (path, e))
        return 2
    out = []
    for ws in wb.worksheets:
        out.append(("sheet", ws.title))
    for ws in wb.worksheets:
        if ws.freeze_panes:
            out.append(("freeze", ws.title, ws.freeze_panes))
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                out.append(("cf", ws.title, str(rng.sqref), rule.type))
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                out.append(("cell", ws.title, c.coordinate, fmt_value(c.value), c.number_format))
    # Charts: openpyxl drops charts on load, so read the package itself.
    for n in sorted(names):
        if re.match(r"xl/charts/chart\d+\.xml$", n):
            out.append(("chart", n))
    # Which sheet each drawing (and so each chart) hangs on.
    wbxml = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    target = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    target.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)})
    for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', wbxml):
        part = "xl/" + target.get(rid, "")
        relpart = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
        if relpart not in names:
            continue
        srels = zf.read(relpart).decode("utf-8")
        n = 0
        for d in re.findall(r'Target="\.\./drawings/(drawing\d+\.xml)"', srels):
            dx = zf.read("xl/drawings/" + d).decode("utf-8")
            n += dx.count("<c:chart ")
        name = (name.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", '"').replace("&apos;", "'"))
        out.append(("drawing", name, str(n)))
    for ws in wb.worksheets:
        ps = ws.page_setup
        fit = ws.sheet_properties.pageSetUpPr
        fits = fit is not None and fit.fitToPage
        # OOXML: an absent fitToWidth/fitToHeight means 1
        fw = ps.fitToWidth if ps.fitToWidth is not None else 1
        fh = ps.fitToHeight if ps.fitToHeight is not None else 1
        area = ws.print_area
        if isinstance(area, (list, tuple)):
            area = ",".join(area)
        out.append(("print", ws.title, ps.orientation or "-", str(ps.paperSize or "-"),
                    str(fw) if fits else "-", str(fh) if fits else "-",
                    (area or "-").replace("$", ""), (ws.print_title_rows or "-").replace("$", "")))
        footer = ws.oddFooter.center.text if ws.oddFooter is not None else None
        out.append(("footer", ws.title, footer or "-"))
    p = wb.properties
    out.append(("prop", "title", p.title or ""))
    out.append(("prop", "creator", p.creator or ""))
    out.append(("prop", "created", p.created.strftime("%Y-%m-%dT%H:%M:%S") if p.created else ""))
    sys.stdout.write("".join("\t".join(f) + "\n" for f in out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

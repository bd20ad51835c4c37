#!/usr/bin/python3
"""xlsx_print.py — how a workbook prints and reads, for the tests: one
tab-separated line per fact (openpyxl).

usage: xlsx_print.py FILE.xlsx

  setup  SHEET  ORIENTATION  FIT_WIDTH  FIT_HEIGHT  PAPER  TITLE_ROWS  TITLE_COLUMNS
  header SHEET  TEXT          (odd-page header: left, centre, right joined by |)
  footer SHEET  TEXT
  breaks SHEET  N             horizontal page breaks
  wrap   SHEET  CELL          cells whose text wraps
  ascii  SHEET  CELL  TEXT    text cells with two English words in a row and
                              no Chinese character (English leaking into a
                              Chinese workbook)
"""
import re
import sys

CJK = re.compile(r'[\u3000-\u9fff\uff00-\uffef]')
WORDS = re.compile(r'[A-Za-z]{2,}[ ,;:.()-]+[A-Za-z]{2,}')


def main():
    import openpyxl
    try:
        wb = openpyxl.load_workbook(sys.argv[1])
    except Exception as e:
        sys.stderr.write('xlsx_print: cannot read %s: %s\n' % (sys.argv[1], e))
        return 2
    out = []
    for ws in wb.worksheets:
        ps = ws.page_setup
        fit = ws.sheet_properties.pageSetUpPr
        fitted = bool(fit and fit.fitToPage)
        out.append(('setup', ws.title, ps.orientation or '',
                    str(ps.fitToWidth if ps.fitToWidth is not None else 1) if fitted else '-',
                    str(ps.fitToHeight if ps.fitToHeight is not None else 1) if fitted else '-',
                    str(ps.paperSize), str(ws.print_title_rows or ''),
                    str(ws.print_title_cols or '')))
        h, f = ws.oddHeader, ws.oddFooter
        out.append(('header', ws.title, '|'.join(x.text or '' for x in (h.left, h.center, h.right))))
        out.append(('footer', ws.title, '|'.join(x.text or '' for x in (f.left, f.center, f.right))))
        out.append(('breaks', ws.title, str(len(ws.row_breaks.brk))))
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if c.alignment is not None and c.alignment.wrap_text:
                    out.append(('wrap', ws.title, c.coordinate))
                if isinstance(c.value, str) and not c.value.startswith('=') \
                        and WORDS.search(c.value) and not CJK.search(c.value):
                    out.append(('ascii', ws.title, c.coordinate,
                                c.value.replace('\t', ' ').replace('\n', '\\n')))
    sys.stdout.write(''.join('\t'.join(x) + '\n' for x in out))
    return 0


if __name__ == '__main__':
    sys.exit(main())

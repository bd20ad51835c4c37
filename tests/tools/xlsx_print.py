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
  cut    SHEET  CELL  WIDTH  NEED  TEXT
                              a text cell (not wrapped) wider than its column
                              whose right neighbour is not empty: the text is
                              cut in print (widths as for short)
  short  SHEET  CELL  HAVE  NEED
                              a wrapped cell whose row is too low for its lines:
                              HAVE lines of 15 pt, NEED at least (its text's width,
                              East Asian wide characters 2, over the column's
                              width; LibreOffice does not fit rows on opening, so
                              the lines ran over the rows below in print)
"""
import math
import re
import sys
import unicodedata

CJK = re.compile(r'[\u3000-\u9fff\uff00-\uffef]')
WORDS = re.compile(r'[A-Za-z]{2,}[ ,;:.()-]+[A-Za-z]{2,}')


def text_width(t):
    return sum(2 if unicodedata.east_asian_width(ch) in 'WF' else 1 for ch in t)


def col_width(ws, letter):
    d = ws.column_dimensions.get(letter)
    return d.width if d is not None and d.width else 8.43


def min_lines(text, width):
    """A lower bound: every line of the text over the whole column width."""
    return sum(max(1, math.ceil(text_width(line) / width)) for line in text.split('\n'))


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
        merged = set()
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for cc in range(rng.min_col, rng.max_col + 1):
                    merged.add(ws.cell(row=r, column=cc).coordinate)
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                if c.alignment is not None and c.alignment.wrap_text:
                    out.append(('wrap', ws.title, c.coordinate))
                    if isinstance(c.value, str):
                        need = min_lines(c.value, col_width(ws, c.column_letter))
                        h = ws.row_dimensions[c.row].height or 15.0
                        if h < need * 15.0 - 0.01:
                            out.append(('short', ws.title, c.coordinate,
                                        '%g' % (h / 15.0), str(need)))
                if isinstance(c.value, str) and not c.value.startswith('=') \
                        and not (c.alignment is not None and c.alignment.wrap_text) \
                        and c.coordinate not in merged:
                    right = ws.cell(row=c.row, column=c.column + 1).value
                    need = max(text_width(x) for x in c.value.split('\n'))
                    width = col_width(ws, c.column_letter)
                    if right is not None and right != '' and need > width:
                        out.append(('cut', ws.title, c.coordinate, '%g' % width, str(need),
                                    c.value.replace('\t', ' ').replace('\n', '\\n')))
                if isinstance(c.value, str) and not c.value.startswith('=') \
                        and WORDS.search(c.value) and not CJK.search(c.value):
                    out.append(('ascii', ws.title, c.coordinate,
                                c.value.replace('\t', ' ').replace('\n', '\\n')))
    sys.stdout.write(''.join('\t'.join(x) + '\n' for x in out))
    return 0


if __name__ == '__main__':
    sys.exit(main())

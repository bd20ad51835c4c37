#!/usr/bin/env python3
"""kl_pairs.py — every KL(zh, en) pair of the C sources with its printf
conversions. Used by tests/integration/messages.sh; prints one JSON object per
pair: file, line, zh, en, conversions of each."""
import json, os, re, sys

CONV = re.compile(r'%(?:\d+\$)?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(hh|h|ll|l|j|z|t|L)?([diouxXeEfFgGaAcspn%])')

def c_string(src, i):
    """Parse adjacent C string literals starting at src[i] (after blanks);
    returns (text, end) or (None, i)."""
    out = []
    n = len(src)
    j = i
    found = False
    while True:
        while j < n and src[j] in ' \t\r\n':
            j += 1
        # skip comments between literals
        if src.startswith('/*', j):
            j = src.index('*/', j) + 2
            continue
        if j < n and src[j] == '"':
            found = True
            j += 1
            buf = []
            while src[j] != '"':
                if src[j] == '\\':
                    nxt = src[j + 1]
                    esc = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0'}
                    if nxt in esc:
                        buf.append(esc[nxt]); j += 2
                    elif nxt == 'x':
                        m = re.match(r'[0-9a-fA-F]+', src[j + 2:])
                        buf.append(chr(int(m.group(0), 16))); j += 2 + len(m.group(0))
                    elif nxt in '01234567':
                        m = re.match(r'[0-7]{1,3}', src[j + 1:])
                        buf.append(chr(int(m.group(0), 8))); j += 1 + len(m.group(0))
                    else:
                        buf.append(nxt); j += 2
                else:
                    buf.append(src[j]); j += 1
            j += 1
            out.append(''.join(buf))
            continue
        break
    return (''.join(out), j) if found else (None, i)

def strip_comments(src):
    # keep string contents; drop // and /* */ comments outside strings
    res, i, n = [], 0, len(src)
    while i < n:
        if src[i] == '"':
            j = i + 1
            while src[j] != '"':
                j += 2 if src[j] == '\\' else 1
            res.append(src[i:j + 1]); i = j + 1
        elif src[i] == "'":
            j = i + 1
            while src[j] != "'":
                j += 2 if src[j] == '\\' else 1
            res.append(src[i:j + 1]); i = j + 1
        elif src.startswith('/*', i):
            j = src.index('*/', i) + 2
            res.append('\n' * src.count('\n', i, j)); i = j
        elif src.startswith('//', i):
            j = src.find('\n', i)
            i = n if j < 0 else j
        else:
            res.append(src[i]); i += 1
    return ''.join(res)

def convs(fmt):
    return [(m.group(1) or '') + m.group(2) for m in CONV.finditer(fmt) if m.group(2) != '%']

def pairs(root):
    for d in ('cli', 'common', 'etl', 'analytics', 'reports'):
        for name in sorted(os.listdir(os.path.join(root, d))):
            if not name.endswith('.c'):
                continue
            path = os.path.join(d, name)
            src = strip_comments(open(os.path.join(root, path), encoding='utf-8').read())
            for m in re.finditer(r'\bKL\(', src):
                zh, j = c_string(src, m.end())
                if zh is None:
                    continue  # KL(a->zh, a->en): table entries, no literal
                while src[j] in ' \t\r\n':
                    j += 1
                if src[j] != ',':
                    continue
                en, j = c_string(src, j + 1)
                if en is None:
                    continue
                yield {'file': path, 'line': src.count('\n', 0, m.start()) + 1,
                       'zh': zh, 'en': en, 'zh_conv': convs(zh), 'en_conv': convs(en)}

if __name__ == '__main__':
    for p in pairs(sys.argv[1] if len(sys.argv) > 1 else '.'):
        print(json.dumps(p, ensure_ascii=False))

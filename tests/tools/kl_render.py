#!/usr/bin/env python3
"""kl_render.py — the argument-order check of the KL(zh, en) message pairs.

Every pair must have the same printf conversions in the same order (one
argument list serves both). Where a pair has two or more conversions of one
type, the compiler cannot tell a swapped Chinese sentence ("4 行中有 108 行被
拒绝" for "4 of 108 rows rejected"); such pairs are rendered with distinct
marker arguments (strings ‹A› ‹B› ..., integers 101 202 ..., floats 1.25 2.25
...) and must match a reviewed rendering in tests/messages_reviewed.txt, where
a person has read each Chinese line against its English twin.

usage: kl_render.py ROOT check     exit 1 and a list on any problem
       kl_render.py ROOT render    the reviewed-file text for the current pairs
"""
import os, re, sys
from collections import Counter
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kl_pairs import pairs, CONV

def render(fmt, conv):
    args, k_s, k_i, k_f = [], 0, 0, 0
    for c in conv:
        t = c[-1]
        if t in 'sc':
            args.append('‹%s›' % chr(ord('A') + k_s)); k_s += 1
        elif t in 'diouxX':
            k_i += 1; args.append(101 * k_i)
        else:
            k_f += 1; args.append(k_f + 0.25)
    # Python's % has no length modifiers and no %zu/%llu
    py = CONV.sub(lambda m: m.group(0) if m.group(2) == '%' else
                  re.sub(r'(hh|h|ll|l|j|z|t|L)(?=[a-zA-Z]$)', '', m.group(0)).replace('u', 'd')
                  if m.group(2) == 'u' else
                  re.sub(r'(hh|h|ll|l|j|z|t|L)(?=[a-zA-Z]$)', '', m.group(0)), fmt)
    py = py.replace('%c', '%s')
    return py % tuple(args)

def needs_review(p):
    return any(v >= 2 for v in Counter(p['en_conv']).values())

def block(p):
    en = render(p['en'], p['en_conv']).replace('\n', '\\n')
    zh = render(p['zh'], p['zh_conv']).replace('\n', '\\n')
    return 'en: %s\nzh: %s\n' % (en, zh)

def main():
    root, mode = sys.argv[1], sys.argv[2]
    ps = list(pairs(root))
    if mode == 'render':
        seen = set()
        for p in ps:
            if needs_review(p):
                b = block(p)
                if b in seen:
                    continue
                seen.add(b)
                print('# %s' % p['file'])
                print(b)
        return 0
    bad = 0
    reviewed = open(os.path.join(root, 'tests', 'messages_reviewed.txt'), encoding='utf-8').read()
    blocks = set(b.strip() + '\n' for b in re.split(r'^#.*\n', reviewed, flags=re.M) if b.strip())
    nrev = 0
    for p in ps:
        if p['zh_conv'] != p['en_conv']:
            print('not ok %s:%d: conversions differ: zh %s, en %s' % (p['file'], p['line'], p['zh_conv'], p['en_conv']))
            bad += 1
        elif needs_review(p):
            nrev += 1
            if block(p) not in blocks:
                print('not ok %s:%d: not reviewed (add to tests/messages_reviewed.txt after checking the order):\n%s' % (p['file'], p['line'], block(p)))
                bad += 1
    print('%d pairs, %d with repeated conversion types reviewed, %d problems' % (len(ps), nrev, bad))
    return 1 if bad else 0

if __name__ == '__main__':
    sys.exit(main())

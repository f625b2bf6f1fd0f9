#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Compare out.meta (kvmx_decode) with objdump -M suffix on out.bin: length,
# mnemonic family and operand-size suffix of every 16-byte slot.
# usage: check.py MODE
import subprocess, sys, re, collections
mode=sys.argv[1]
arch={'64':'i386:x86-64','32':'i386','16':'i8086'}[mode]
out=subprocess.run(['objdump','-D','-b','binary','-m',arch,'-M','suffix','out.bin'],capture_output=True,text=True).stdout
ins={}
lines=out.split('\n')
cur=None
pend=0
pend_addr=None
for l in lines:
    m=re.match(r'^\s+([0-9a-f]+):\t([0-9a-f ]+?)\s*(?:\t(.*))?$', l)
    if not m: continue
    addr=int(m.group(1),16); nb=len(m.group(2).split()); text=(m.group(3) or '').strip()
    if text:
        if cur is not None and pend:
            pass
        if re.match(r'^((addr32|addr16|data16|data32|[cdefgs]s|lock|rep[a-z]*)\s+)*rex(\.[WRXB]+)?$', text):
            # a REX byte before a legacy prefix: ignored, merge forward
            pend_addr = pend_addr if pend else addr
            pend = pend + nb
            continue
        if pend:
            ins[pend_addr]=[nb+pend,text]; cur=pend_addr; pend=0
        else:
            ins[addr]=[nb,text]; cur=addr
    elif cur is not None:
        ins[cur][0]+=nb  # continuation line of long instruction
bad=collections.Counter(); n=0
# op -> acceptable mnemonic prefixes
ok={'mov-store':('mov','movnti'),'mov-load':('mov',),'movzx':('movz',),'movsx':('movs',),
 'stos':('stos','rep stos','repz stos','repnz stos'),'lods':('lods','rep lods','repz lods','repnz lods'),
 'movs':('movs','rep movs','repz movs','repnz movs'),
 'add':('add',),'or':('or',),'adc':('adc',),'sbb':('sbb',),'and':('and',),'sub':('sub',),'xor':('xor',),'cmp':('cmp',),
 'test':('test',),'xchg':('xchg',),'not':('not',),'neg':('neg',),'inc':('inc',),'dec':('dec',),
 'bt':('bt',),'bts':('bts',),'btr':('btr',),'btc':('btc',),'xadd':('xadd',),'cmpxchg':('cmpxchg',),'setcc':('set',),'cmovcc':('cmov',)}
sfx={1:'b',2:'w',4:'l',8:'q'}
examples=collections.defaultdict(list)
for l in open('out.meta'):
    off,ln,op,mb,rb,ab=l.split(); off=int(off); ln=int(ln); mb=int(mb)
    n+=1
    if off not in ins:
        bad['no insn at slot']+=1; examples['no insn at slot'].append(off); continue
    nb,text=ins[off]
    # strip prefixes text like "lock ", "data16", "addr32", "cs", "rex.W", etc
    t=text
    t=re.sub(r'^((lock|rep[a-z]*|data16|data32|addr16|addr32|addr16|[cdefgs]s|rex(\.[WRXB]+)?|notrack|bnd|xacquire|xrelease)\s+)+','',t)
    if nb!=ln:
        bad['len']+=1; examples['len'].append((off,ln,nb,text)); continue
    if '(bad)' in text:
        bad['objdump bad']+=1; examples['objdump bad'].append((off,text)); continue
    mn=t.split()[0] if t else ''
    if not any(mn.startswith(p) for p in ok[op]):
        bad['mnemonic']+=1; examples['mnemonic'].append((off,op,text)); continue
    # size check via suffix for most ops
    if op not in ('movzx','movsx','setcc') :
        base=mn
        if not base.endswith(sfx[mb]) and not (op=='cmovcc'):
            bad['size']+=1; examples['size'].append((off,op,mb,text))
print(mode, n, 'checked', dict(bad))
for k,v in examples.items(): print(k, v[:6])

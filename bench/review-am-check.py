# Applies each generated mail with `git am` onto every target branch the review reported
# "applies cleanly" for, in a scratch clone. The mirror lacks three blobs (DATA.md), so each
# base is the branch's tree without those three files.
import json,subprocess,glob,sys
scratch, review, mails = sys.argv[1], sys.argv[2], sys.argv[3]
def g(*a):
    return subprocess.run(['git',*a],cwd=scratch,capture_output=True,text=True)
j={r['id']:r for r in json.load(open(review))}
missing=['hwdb.d/ma-large.txt','hwdb/ma-large.txt','src/libsystemd-terminal/unifont.hex']
bases={}
branches={t['branch'] for r in j.values() for t in r.get('targets',[])}
for b in branches:
    g('read-tree','origin/'+b); g('rm','-q','--cached','--ignore-unmatch',*missing)
    bases[b]=g('commit-tree',g('write-tree').stdout.strip(),'-p','origin/'+b,'-m','base').stdout.strip()
ok=fail=0; fails=[]
for f in sorted(glob.glob(mails+'/*.patch')):
    cid=open(f,encoding='utf-8',errors='replace').read().split()[1]
    for t in j[cid]['targets']:
        if t['applies']!='clean' or t['already_there'] or not t['affected']: continue
        b=t['branch']
        g('checkout','-q','-f',bases[b]); g('reset','-q','--hard',bases[b]); g('clean','-fdqx')
        r=g('am','-q',f)
        if r.returncode==0: ok+=1
        else: fail+=1; fails.append((f.split('/')[-1],b,r.stderr[:300])); g('am','--abort')
print('git am: applied',ok,'failed',fail)
for x in fails: print(x)

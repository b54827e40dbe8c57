#!/usr/bin/env python3
"""Rough transfer throughput over HTTP, until the ledger-bench module exists.

Usage: bench/quick_load.py SHAPE ACCOUNTS SECONDS CLIENTS
  SHAPE is uniform (random pairs of ACCOUNTS accounts) or hotsrc (one source account).
Needs a running engine on LEDGER_PORT (default 8080) with LEDGER_BOOTSTRAP_API_KEY set to the
key given in LEDGER_KEY. It opens its own accounts, so it can run against any engine.
The client runs on the same machine as the engine and takes CPU from it: numbers are a floor.
"""
import os
import http.client, json, threading, time, random, sys
PORT=int(os.environ.get("LEDGER_PORT","8080")); KEY=os.environ["LEDGER_KEY"]
H={"Authorization":"Bearer "+KEY,"Content-Type":"application/json"}
def req(conn, method, path, body=None):
    conn.request(method, path, json.dumps(body) if body is not None else None, H)
    r=conn.getresponse(); data=r.read(); return r.status, data
c=http.client.HTTPConnection("localhost",PORT)
N=int(sys.argv[2]) if len(sys.argv)>2 else 100
shape=sys.argv[1] if len(sys.argv)>1 else "uniform"
run=str(int(time.time()))
req(c,"POST","/v1/accounts",{"id":"bank:"+run,"asset":"USD","flags":{"allowNegative":True}})
for i in range(N):
    req(c,"POST","/v1/accounts",{"id":f"acct:{run}:{i}","asset":"USD","flags":{"allowNegative":True}})
counter=[0]; lock=threading.Lock(); lat=[]; errors=[0]
DUR=float(sys.argv[3]) if len(sys.argv)>3 else 15
CLIENTS=int(sys.argv[4]) if len(sys.argv)>4 else 16
stop=time.time()+DUR
def worker(w):
    conn=http.client.HTTPConnection("localhost",PORT); n=0
    while time.time()<stop:
        if shape=="uniform":
            a,b=random.sample(range(N),2); d=f"acct:{run}:{a}"; cr=f"acct:{run}:{b}"
        elif shape=="hotsrc":
            d="bank:"+run; cr=f"acct:{run}:{random.randrange(N)}"
        t0=time.time()
        s,_=req(conn,"POST","/v1/transfers",{"id":f"{run}-{w}-{n}","debitAccount":d,"creditAccount":cr,"amount":1,"asset":"USD"})
        with lock:
            lat.append(time.time()-t0)
            if s==201: counter[0]+=1
            else: errors[0]+=1
        n+=1
ts=[threading.Thread(target=worker,args=(w,)) for w in range(CLIENTS)]
t0=time.time(); [t.start() for t in ts]; [t.join() for t in ts]; el=time.time()-t0
lat.sort()
print(f"shape={shape} clients={CLIENTS} accepted={counter[0]} errors={errors[0]} rate={counter[0]/el:.0f}/s p50={lat[len(lat)//2]*1000:.1f}ms p99={lat[int(len(lat)*0.99)]*1000:.1f}ms")

#!/usr/bin/python3
# Bench worker for Eclipse paho-mqtt 1.6 (Debian python3-paho-mqtt): same roles and JSON-line
# protocol as worker-main.ts (pub, sub, echo, ping, idle, connect). Single-threaded: the
# paho network loop runs here; a reader thread only turns stdin lines into flags.
import json, os, sys, threading, time, resource

job = json.loads(os.environ['BENCH_JOB'])
cmds = set()

def emit(o):
    sys.stdout.write(json.dumps(o) + '\n'); sys.stdout.flush()

def reader():
    for line in sys.stdin:
        cmds.add(line.strip())
    cmds.add('stop')
threading.Thread(target=reader, daemon=True).start()

def cpu_ms():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1000.0

def sys_ms():
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime * 1000.0

def rss():
    with open('/proc/self/status') as f:
        for l in f:
            if l.startswith('VmRSS:'):
                return int(l.split()[1]) * 1024
    return 0

if job['role'] == 'bare':  # the memory baseline: this interpreter without paho, unconnected
    time.sleep(0.5); emit({'ev': 'done', 'rss': rss(), 'heapUsed': 0}); sys.exit(0)

from urllib.parse import urlparse
import paho.mqtt.client as mqtt

def wall():
    return time.time() * 1000.0

def payload(tpl, seq):
    return seq.to_bytes(4, 'big') + tpl[4:]

u = urlparse(job['url'])
c = mqtt.Client(client_id=job['clientId'], clean_session=True, protocol=mqtt.MQTTv311)
if u.username:
    c.username_pw_set(u.username, u.password)
c.max_inflight_messages_set(0)  # 0 = no limit: the bench's window bounds outstanding publishes
c.max_queued_messages_set(0)
state = {'connected': False, 'subscribed': False}
c.on_connect = lambda cl, ud, fl, rc: state.update(connected=(rc == 0), rc=rc)
c.on_subscribe = lambda cl, ud, mid, granted: state.update(subscribed=True)
c.connect(u.hostname, u.port or 1883, keepalive=60)
while not state['connected']:
    if 'rc' in state: emit({'ev': 'error', 'message': 'CONNACK %d' % state['rc']}); sys.exit(1)
    c.loop(timeout=0.01)

role, n, qos = job['role'], job.get('count', 0), job.get('qos', 0)
tpl = b'a' * max(4, job.get('size', 16))

def wait_subscribed(topic):
    c.subscribe(topic, qos)
    while not state['subscribed']:
        c.loop(timeout=0.01)

if role == 'connect':
    emit({'ev': 'connack', 't': wall()}); sys.exit(0)

if role == 'idle':
    t = time.time() + 0.5
    while time.time() < t: c.loop(timeout=0.05)
    emit({'ev': 'done', 'rss': rss(), 'heapUsed': 0}); c.disconnect(); sys.exit(0)

if role == 'pub':
    win = job.get('window', 100)
    st = {'done': 0}
    def on_pub(cl, ud, mid): st['done'] += 1
    c.on_publish = on_pub
    def run(first, total):
        st['done'], sent = 0, 0
        while st['done'] < total:
            while sent < total and sent - st['done'] < win:
                c.publish(job['topic'], payload(tpl, first + sent), qos); sent += 1
            c.loop(timeout=0.001)
        return sent
    emit({'ev': 'ready'})
    while 'go' not in cmds and 'warm' not in cmds: c.loop(timeout=0.01)
    if 'warm' in cmds:  # warm-up messages are numbered from n up: the subscriber sets them aside
        run(n, job.get('warmup', 0)); emit({'ev': 'warm'})
        while 'go' not in cmds: c.loop(timeout=0.01)
    t0, c0, s0 = wall(), cpu_ms(), sys_ms()
    sent = run(0, n)
    emit({'ev': 'done', 't0': t0, 't1': wall(), 'cpuMs': cpu_ms() - c0, 'sysMs': sys_ms() - s0, 'sent': sent, 'completed': st['done'], 'errors': 0, 'rss': rss(), 'heapUsed': 0})
    c.disconnect(); sys.exit(0)

if role == 'sub':
    seen = bytearray(n)
    warmup = job.get('warmup', 0)
    st = {'unique': 0, 'dups': 0, 'oor': 0, 'bytes': 0, 'first': 0, 'last': 0}
    tenths = []
    def on_msg(cl, ud, m):
        s = int.from_bytes(m.payload[:4], 'big')
        if s >= n:
            st['oor'] += 1
            if st['oor'] == warmup: emit({'ev': 'warm'})
            return
        t = wall()
        if not st['first']: st['first'] = t
        st['last'] = t
        st['bytes'] += len(m.payload)
        if seen[s]: st['dups'] += 1; return
        seen[s] = 1; st['unique'] += 1
        if st['unique'] * 10 >= n * (len(tenths) + 1): tenths.append(t)
    c.on_message = on_msg
    wait_subscribed(job['topic'])
    c0, s0 = cpu_ms(), sys_ms()
    emit({'ev': 'ready'})
    deadline = None
    while st['unique'] < n:
        c.loop(timeout=0.01)
        if 'reset' in cmds:
            cmds.discard('reset'); c0, s0 = cpu_ms(), sys_ms(); emit({'ev': 'reset', 'warmSeen': st['oor']})
        if 'stop' in cmds and deadline is None: deadline = time.time() + 1.5
        if deadline is not None and time.time() > deadline: break
    emit({'ev': 'done', 'unique': st['unique'], 'dups': st['dups'], 'outOfRange': max(0, st['oor'] - warmup), 'bytes': st['bytes'], 'first': st['first'], 'last': st['last'], 'tenths': tenths, 'cpuMs': cpu_ms() - c0, 'sysMs': sys_ms() - s0, 'rss': rss(), 'heapUsed': 0})
    c.disconnect(); sys.exit(0)

if role == 'echo':
    c.on_message = lambda cl, ud, m: cl.publish(job['topic2'], m.payload, qos)
    wait_subscribed(job['topic'])
    emit({'ev': 'ready'})
    while 'stop' not in cmds: c.loop(timeout=0.01)
    c.disconnect(); sys.exit(0)

if role == 'ping':
    warm = job.get('warmup', 0); total = warm + n
    st = {'got': False}
    c.on_message = lambda cl, ud, m: st.update(got=True)
    wait_subscribed(job['topic2'])
    emit({'ev': 'ready'})
    while 'go' not in cmds: c.loop(timeout=0.01)
    rtts = []
    for i in range(total):
        st['got'] = False
        t = wall()
        c.publish(job['topic'], payload(tpl, i), qos)
        while not st['got']: c.loop(timeout=0.01)
        if i >= warm: rtts.append(wall() - t)
    rtts.sort()
    at = lambda p: rtts[min(len(rtts) - 1, max(0, -(-p * len(rtts) // 100) - 1))]
    emit({'ev': 'done', 'n': len(rtts), 'p50': at(50), 'p99': at(99), 'max': rtts[-1], 'mean': sum(rtts) / len(rtts), 'curve': [rtts[max(0, min(len(rtts) - 1, -(-p * len(rtts) // 100) - 1))] for p in range(101)]})
    c.disconnect(); sys.exit(0)

emit({'ev': 'error', 'message': 'paho worker: role %s not supported' % role}); sys.exit(1)

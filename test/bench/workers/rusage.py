#!/usr/bin/python3
# Runs a command and prints {"ms": wall spawn→exit, "cpu": user+sys ms of the child,
# "sys": its system part, "maxRss": its peak RSS in bytes, "code"}: CPU time stays meaningful
# on a busy machine where wall time does not. SIGTERM is passed on to the child, so a runner
# can stop a command that never exits by itself (a subscriber) and still get its figures.
import json, os, signal, sys, time
t = time.time()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
signal.signal(signal.SIGTERM, lambda signum, frame: os.kill(pid, signal.SIGTERM))
_, status, ru = os.wait4(pid, 0)
print(json.dumps({'ms': (time.time() - t) * 1000, 'cpu': (ru.ru_utime + ru.ru_stime) * 1000, 'sys': ru.ru_stime * 1000,
                  'maxRss': ru.ru_maxrss * 1024, 'code': os.waitstatus_to_exitcode(status)}))

#!/usr/bin/python3
# Runs a command and prints {"ms": wall spawn→exit, "cpu": user+sys ms of the child, "code"}:
# CPU time stays meaningful on a busy machine where wall time does not.
import json, os, sys, time
t = time.time()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
print(json.dumps({'ms': (time.time() - t) * 1000, 'cpu': (ru.ru_utime + ru.ru_stime) * 1000, 'code': os.waitstatus_to_exitcode(status)}))

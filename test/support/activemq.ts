// Debian's ActiveMQ 5.17 as the test's own process on 127.0.0.1: an MQTT transport
// connector on 61613 (the seed's Apollo port; a free port if 61613 is taken), the seed's
// admin / password via simpleAuthenticationPlugin, data in a temp directory.
// Debian's package lacks the MQTT protocol's runtime jars (libmqtt-client-java:
// mqtt-client, hawtdispatch, hawtdispatch-transport): without them every CONNECT fails with
// NoClassDefFoundError. ActiveMQ's launcher adds ${activemq.base}/lib to its class path, so
// the jars are symlinked there.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { freePort, waitForPort } from './mosquitto';
import type { Peer } from './peers';

const LAUNCHER = '/usr/share/activemq/bin/activemq.jar';
const MQTT_JARS = ['mqtt-client', 'hawtdispatch', 'hawtdispatch-transport'].map((j) => `/usr/share/java/${j}.jar`);

export const activemqPeer = (): Peer => ({
  name: 'activemq + libmqtt-client-java', install: 'apt-get install activemq libmqtt-client-java',
  present: existsSync(LAUNCHER) && MQTT_JARS.every((j) => existsSync(j)),
});

export interface ActiveMQ {
  port: number; url: string; dir: string; proc: ChildProcess; output: string[];
  /** Wall-clock milliseconds from spawn to the MQTT port accepting connections. */
  startMs: number;
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function startActiveMQ(): Promise<ActiveMQ> {
  const dir = mkdtempSync(join(tmpdir(), 'glowmq-activemq-'));
  const port = (await portFree(61613)) ? 61613 : await freePort();
  for (const d of ['conf', 'lib', 'data']) mkdirSync(join(dir, d));
  for (const j of MQTT_JARS) symlinkSync(j, join(dir, 'lib', j.slice(j.lastIndexOf('/') + 1)));
  writeFileSync(join(dir, 'conf', 'log4j2.properties'), [
    'rootLogger.level = WARN', 'rootLogger.appenderRef.console.ref = console',
    'appender.console.type = Console', 'appender.console.name = console',
    'appender.console.layout.type = PatternLayout', 'appender.console.layout.pattern = %d %p %c{1} %m%n',
  ].join('\n') + '\n');
  writeFileSync(join(dir, 'conf', 'activemq.xml'), `<beans xmlns="http://www.springframework.org/schema/beans"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
    http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" useJmx="false" brokerName="glowmq"
          dataDirectory="${join(dir, 'data')}" persistent="false">
    <plugins>
      <simpleAuthenticationPlugin anonymousAccessAllowed="false">
        <users><authenticationUser username="admin" password="password" groups="admins,users"/></users>
      </simpleAuthenticationPlugin>
    </plugins>
    <transportConnectors>
      <transportConnector name="mqtt" uri="mqtt://127.0.0.1:${port}"/>
    </transportConnectors>
  </broker>
</beans>
`);
  const t0 = Date.now();
  const proc = spawn('java', [
    '-Xms64M', '-Xmx256M',
    '-Dactivemq.home=/usr/share/activemq', `-Dactivemq.base=${dir}`,
    `-Dactivemq.conf=${join(dir, 'conf')}`, `-Dactivemq.data=${join(dir, 'data')}`,
    `-Dlog4j.configurationFile=${join(dir, 'conf', 'log4j2.properties')}`,
    '-jar', LAUNCHER, 'start', `xbean:file:${join(dir, 'conf', 'activemq.xml')}`,
  ], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  proc.stdout!.on('data', (d) => output.push(String(d)));
  proc.stderr!.on('data', (d) => output.push(String(d)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) { proc.kill('SIGKILL'); await exited; }
    rmSync(dir, { recursive: true, force: true });
  };
  try { await waitForPort(port, 60_000); } catch {
    proc.kill('SIGKILL'); await exited;
    throw new Error(`activemq did not start: ${output.join('').slice(-3000)}`);
  }
  return { port, url: `mqtt://admin:password@127.0.0.1:${port}`, dir, proc, output, startMs: Date.now() - t0, stop };
}
